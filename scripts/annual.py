"""生成年度汇总表和单位报送情况 Word 附件：python scripts/annual.py --year 2010"""

import sys

from dutytable.entry import run

if __name__ == "__main__":
    sys.exit(run("Annual"))
