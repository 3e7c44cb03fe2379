"""导入责任分解表：python scripts/import_table.py SOURCE [--force]"""

import sys

from dutytable.entry import run

if __name__ == "__main__":
    sys.exit(run("ImportTable", "cli_import"))
