#!/bin/sh
# 双击运行（演示一个月的全部工作（在 outbox/演示/ 中，不动正式工作的文件））。找 Python、保持窗口打开：见 launch.sh。
exec sh "$(dirname "$(readlink -f "$0")")/launch.sh" demo.py --period 2010-11 "$@"
