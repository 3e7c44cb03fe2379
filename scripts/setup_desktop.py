"""设置双击使用（记录 Python 的位置，Linux 上生成快捷方式）：python scripts/setup_desktop.py"""

import sys

from dutytable.entry import run

if __name__ == "__main__":
    sys.exit(run("SetupDesktop"))
