"""重新生成 Word 模板：python scripts/build_word_template.py"""

import sys

from dutytable.entry import run

if __name__ == "__main__":
    sys.exit(run("BuildWordTemplate"))
