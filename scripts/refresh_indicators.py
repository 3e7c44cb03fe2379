"""重新整理主表的“指标”工作表：python scripts/refresh_indicators.py"""
import sys

from dutytable.cli import RefreshIndicators, main

if __name__ == "__main__":
    sys.exit(main(RefreshIndicators()))
