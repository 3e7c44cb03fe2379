"""截止日前给尚未报送的单位生成提醒通知：python scripts/remind.py --period 2010-11"""

import sys

from dutytable.cli import Remind, main

if __name__ == "__main__":
    sys.exit(main(Remind()))
