#!/bin/sh
# 双击运行（一键完成本月工作：生成（还没有时）、收取、汇总、Word 报告）。找 Python、保持窗口打开：见 launch.sh。
exec sh "$(dirname "$(readlink -f "$0")")/launch.sh" monthly.py "$@"
