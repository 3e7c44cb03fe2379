"""生成汇总表：python scripts/consolidate.py --period 2010-11"""

import sys

from dutytable.entry import run

if __name__ == "__main__":
    sys.exit(run("Consolidate"))
