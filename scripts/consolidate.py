"""生成汇总表：python scripts/consolidate.py --period 2010-11"""
import sys

from dutytable.cli import Consolidate, main

if __name__ == "__main__":
    sys.exit(main(Consolidate()))
