#!/bin/sh
# Shared by the double-click launchers in this folder: sh launch.sh SCRIPT.py [its options and files].
# Runs from the tool folder with the first Python that can run the tool: python3, then python, then the
# path recorded by "python3 scripts/setup_desktop.py" (python-path.txt). When none is found it says in
# Chinese how to install Python. The terminal window stays open until Enter, after an error or not.
cd "$(dirname "$0")/.." || exit 1
script=$1
shift
PY=
for candidate in python3 python "$(cat python-path.txt 2>/dev/null)"; do
  if [ -n "$candidate" ] && "$candidate" scripts/dutytable/ready.py >/dev/null 2>&1; then
    PY=$candidate
    break
  fi
done
if [ -z "$PY" ]; then
  cat <<'EOF'
没有找到可以运行本工具的 Python（需要 3.11 或更新版本，并装好 requirements.txt 中的程序包）。

请这样安装（只需一次）：
1. 统信UOS、银河麒麟等：在终端中运行 sudo apt install python3 python3-venv python3-pip
   （或从应用商店安装 Python 3）。系统的 Python 低于 3.11 时，请向信息技术人员要 3.11 或更新的版本。
2. 在本工具文件夹中打开终端，依次运行下面三行（每行输入后按回车）：
   python3 -m venv .venv
   .venv/bin/python -m pip install -r requirements.txt
   .venv/bin/python scripts/setup_desktop.py
3. 再双击本图标。
EOF
  status=9
else
  "$PY" "scripts/$script" "$@"
  status=$?
fi
echo
printf '%s' "按回车键关闭本窗口。"
read -r _ || true
exit $status
