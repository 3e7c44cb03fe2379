"""完成一个月的全部工作：python scripts/monthly.py --period 2010-11"""

import sys

from dutytable.entry import run

if __name__ == "__main__":
    sys.exit(run("Monthly"))
