"""收取交回的表格：python scripts/collect.py --period 2010-11"""
import sys

from dutytable.cli import Collect, main

if __name__ == "__main__":
    sys.exit(main(Collect()))
