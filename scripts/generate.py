"""生成各单位填报表：python scripts/generate.py --period 2010-11"""

import sys

from dutytable.entry import run

if __name__ == "__main__":
    sys.exit(run("Generate"))
