"""Set-up for double-click use (``setup_desktop.py``): the Python the launchers fall back on, and menu entries.

The launchers in scripts/ (.bat on Windows, .sh elsewhere) look for ``py -3`` / ``python3``,
then ``python``, then the path recorded here in ``python-path.txt``: written in the console's
code page on Windows (``set /p`` reads it so), UTF-8 elsewhere. On Linux desktops (统信UOS,
银河麒麟) a .desktop entry for each launcher goes into the applications menu and into the
tool folder's 桌面快捷方式/, from where the clerk copies the ones wanted onto the desktop.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from . import files
from .errors import OutputError
from .registration import TOOL_FOLDER, folder_digest

RECORD = "python-path.txt"
SHORTCUTS = "桌面快捷方式"
#: (launcher in scripts/, what it does, whether a file dropped on it is passed on)
LAUNCHERS = (
    ("导入责任分解表", "把收到的责任分解表拖到图标上：先显示读到的内容，再问是否导入", True),
    ("生成填报表", "为每个填报单位生成本期的填报表", False),
    ("收取", "收取 inbox 中各单位交回的表格", False),
    ("一键完成本月工作", "生成（还没有时）、收取、汇总并生成本月的 Word 报告", False),
    ("年度汇总", "生成本年度的年度汇总表和 Word 附件", False),
    ("启动定时任务", "按 config.ini 的日期每天定时运行，窗口开着就有效", False),
    ("演示完整流程", "用示例数据演示一个月的全部工作，不动正式工作的文件", False),
)


def record_python(python: str, folder: Path = TOOL_FOLDER, windows: bool = sys.platform == "win32") -> Path:
    """Write ``python`` (an absolute path) to python-path.txt, no line break; returns the file."""
    target = folder / RECORD
    try:
        data = python.encode("oem" if windows else "utf-8")
    except UnicodeEncodeError:
        raise OutputError(
            f"Python 的位置 {python} 中有命令行窗口显示不了的字符，双击 .bat 时无法使用这个位置："
            "请把 Python 安装到名称只有中文、字母和数字的文件夹中。"
        ) from None
    files.atomic_write_bytes(target, data)
    return target


def menu_folder() -> Path:
    """Where the desktop's applications menu reads .desktop entries of this user."""
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "applications"


def _exec_argument(path: Path) -> str:
    """``path`` quoted for a .desktop Exec line (the spec's quoting, then its string escapes)."""
    quoted = '"' + "".join("\\" + c if c in '"`$\\' else c for c in str(path)) + '"'
    return quoted.replace("\\", "\\\\").replace("%", "%%")


def entry(name: str, comment: str, takes_file: bool, folder: Path = TOOL_FOLDER) -> str:
    """The .desktop entry that runs scripts/<name>.sh in a terminal (through sh: no execute bit needed)."""
    run = f"sh {_exec_argument(folder / 'scripts' / f'{name}.sh')}" + (" %f" if takes_file else "")
    where = str(folder).replace("\\", "\\\\")  # a desktop entry's string escapes
    return (
        "[Desktop Entry]\nType=Application\nVersion=1.0\n"
        f"Name={name}\nComment=目标任务责任分解表工具：{comment}\n"
        f"Exec={run}\nPath={where}\nTerminal=true\nIcon=utilities-terminal\nCategories=Office;\n"
    )


def write_entries(menu: Path, folder: Path = TOOL_FOLDER) -> list:
    """Each launcher's entry into ``menu`` (named per tool folder) and into 桌面快捷方式/; returns the files."""
    written = []
    for name, comment, takes_file in LAUNCHERS:
        data = entry(name, comment, takes_file, folder).encode("utf-8")
        menu_entry = menu / f"目标任务-{folder_digest(folder)}-{name}.desktop"
        for target in (menu_entry, folder / SHORTCUTS / f"{name}.desktop"):
            target.parent.mkdir(parents=True, exist_ok=True)
            files.atomic_write_bytes(target, data)
            target.chmod(0o755)  # desktops run only entries marked executable
            written.append(target)
    return written
