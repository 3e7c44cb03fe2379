"""生成各单位填报表：python scripts/generate.py --period 2010-11"""
import sys

from dutytable.cli import Generate, main

if __name__ == "__main__":
    sys.exit(main(Generate()))
