#!/bin/sh
# 双击运行（按 config.ini 的日期每天定时运行，窗口开着就有效（按 Ctrl+C 结束））。找 Python、保持窗口打开：见 launch.sh。
exec sh "$(dirname "$(readlink -f "$0")")/launch.sh" scheduler.py "$@"
