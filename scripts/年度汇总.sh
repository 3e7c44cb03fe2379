#!/bin/sh
# 双击运行（生成本年度的年度汇总表和 Word 附件）。找 Python、保持窗口打开：见 launch.sh。
exec sh "$(dirname "$(readlink -f "$0")")/launch.sh" annual.py "$@"
