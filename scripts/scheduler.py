"""定时运行：python scripts/scheduler.py [--list | --once | --install | --uninstall]"""
import sys

from dutytable.cli import Scheduler, main

if __name__ == "__main__":
    sys.exit(main(Scheduler()))
