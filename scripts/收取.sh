#!/bin/sh
# 双击运行（收取 inbox 中各单位交回的表格）。找 Python、保持窗口打开：见 launch.sh。
exec sh "$(dirname "$(readlink -f "$0")")/launch.sh" collect.py "$@"
