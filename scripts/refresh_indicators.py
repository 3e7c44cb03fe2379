"""重新整理主表的“指标”工作表：python scripts/refresh_indicators.py"""

import sys

from dutytable.entry import run

if __name__ == "__main__":
    sys.exit(run("RefreshIndicators"))
