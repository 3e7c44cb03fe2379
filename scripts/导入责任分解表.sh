#!/bin/sh
# 双击运行（导入责任分解表：把收到的表格拖到本图标上（或拖进窗口），先显示读到的内容，再问是否导入）。找 Python、保持窗口打开：见 launch.sh。
exec sh "$(dirname "$(readlink -f "$0")")/launch.sh" import_table.py --ask "$@"
