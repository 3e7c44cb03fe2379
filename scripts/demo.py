"""演示：填好本期填报表放进 inbox/：python scripts/demo.py --period 2010-11"""
import sys

from dutytable.cli import Demo, main

if __name__ == "__main__":
    sys.exit(main(Demo()))
