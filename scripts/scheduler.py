"""定时运行：python scripts/scheduler.py [--list | --once | --install | --uninstall]"""

import sys

from dutytable.entry import run

if __name__ == "__main__":
    sys.exit(run("Scheduler"))
