#!/bin/sh
# 双击运行（为每个填报单位生成本期的填报表）。找 Python、保持窗口打开：见 launch.sh。
exec sh "$(dirname "$(readlink -f "$0")")/launch.sh" generate.py "$@"
