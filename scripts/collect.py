"""收取交回的表格：python scripts/collect.py --period 2010-11"""

import sys

from dutytable.entry import run

if __name__ == "__main__":
    sys.exit(run("Collect"))
