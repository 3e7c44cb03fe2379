"""生成 Word 汇总报告和催报通知：python scripts/report.py --period 2010-11"""

import sys

from dutytable.entry import run

if __name__ == "__main__":
    sys.exit(run("Report"))
