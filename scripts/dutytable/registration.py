"""The daily run registered with the system's own scheduler: ``scheduler.py --install / --uninstall / --list``.

Windows: one Task Scheduler task (schtasks) per tool folder; elsewhere: one tagged line in
the user's crontab. Either runs ``scheduler.py --once`` every day at config.ini's
[schedule] time with the absolute path of the Python that ran ``--install``. Installing
again replaces the registration (a task of the same name, the line with the same tag),
so a folder is never registered twice. The programs are run without a shell; ``run`` is
passed in so that tests can see the exact command of a system they are not on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .config import DEFAULT_CONFIG
from .errors import OutputError

TOOL_FOLDER = DEFAULT_CONFIG.parent
TASK = "目标任务月度推进"
CRON_TAG = f"# {TASK}："  # ends the crontab line, followed by the tool folder
SCHTASKS_TR_LIMIT = 261  # schtasks refuses a longer /TR


@dataclass(frozen=True)
class Registration:
    """What is registered: the command run every day at ``time``, for the tool in ``folder``."""

    folder: Path
    command: tuple  # program, then its arguments
    time: dt.time

    def next_run(self, now: dt.datetime) -> dt.datetime:
        """The first moment after ``now`` at ``time``."""
        today = dt.datetime.combine(now.date(), self.time)
        return today if today > now else today + dt.timedelta(days=1)


def planned(config, python: str | None = None, folder: Path = TOOL_FOLDER) -> Registration:
    """The registration for ``config``: this Python (absolute), scheduler.py --once, --config unless the default."""
    command = [str(Path(python or sys.executable).absolute()), str(folder / "scripts" / "scheduler.py"), "--once"]
    if Path(config.path).resolve() != (folder / DEFAULT_CONFIG.name).resolve():
        command += ["--config", str(Path(config.path).resolve())]
    return Registration(folder, tuple(command), config.run_time)


def folder_digest(folder: Path) -> str:
    """Eight hex digits that tell tool folders apart (Windows paths compare without case)."""
    return hashlib.sha1(str(folder).lower().encode("utf-8")).hexdigest()[:8]


def task_name(folder: Path) -> str:
    """The Task Scheduler name: one per tool folder (its name, and a digest of its full path)."""
    return f"{TASK}（{folder.name}-{folder_digest(folder)}）"


# ---------------------------------------------------------------------------
# Windows: schtasks


def schtasks_create(reg: Registration) -> list:
    """The exact schtasks command that registers ``reg`` (/F replaces a task of the same name)."""
    action = subprocess.list2cmdline(reg.command)
    if len(action) > SCHTASKS_TR_LIMIT:
        raise OutputError(
            f"无法登记到任务计划程序：要运行的命令有 {len(action)} 个字符，超过了 {SCHTASKS_TR_LIMIT} 个"
            f"（{action}）。请把工具文件夹移到路径较短的位置（如 D:\\目标任务工具）后再运行。"
        )
    return [
        "schtasks",
        "/Create",
        "/TN",
        task_name(reg.folder),
        "/SC",
        "DAILY",
        "/ST",
        reg.time.strftime("%H:%M"),
        "/TR",
        action,
        "/F",
    ]


def schtasks_delete(folder: Path) -> list:
    return ["schtasks", "/Delete", "/TN", task_name(folder), "/F"]


def schtasks_query(folder: Path) -> list:
    return ["schtasks", "/Query", "/TN", task_name(folder), "/XML"]


_START = re.compile(r"<StartBoundary>\d{4}-\d\d-\d\dT(\d\d):(\d\d)")


#: What _registered_* return for a registration whose daily time cannot be read (edited by hand).
UNKNOWN_TIME = "unknown"


def _registered_windows(folder: Path, run):
    """This folder's task: its daily time, UNKNOWN_TIME, or None when there is none."""
    result = run(schtasks_query(folder))
    if result.returncode != 0:
        return None
    found = _START.search(result.stdout.replace("\x00", ""))  # the XML may come as UTF-16
    return dt.time(int(found[1]), int(found[2])) if found else UNKNOWN_TIME


# ---------------------------------------------------------------------------
# Elsewhere: the user's crontab


def cron_tag(folder: Path) -> str:
    return _cron_escape(f"{CRON_TAG}{folder}")


def cron_line(reg: Registration, log: Path) -> str:
    """One crontab line: every day at the time, in the tool folder, output appended to ``log``, tagged."""
    command = " ".join(shlex.quote(part) for part in reg.command)
    line = f"cd {shlex.quote(str(reg.folder))} && {command} >> {shlex.quote(str(log))} 2>&1"
    return f"{reg.time.minute} {reg.time.hour} * * * {_cron_escape(line)} {cron_tag(reg.folder)}"


def _cron_escape(text: str) -> str:
    return text.replace("%", "\\%")  # cron turns a bare % into a line break


def _read_crontab(run) -> list:
    result = run(["crontab", "-l"])
    if result.returncode != 0:
        if "no crontab" in result.stderr.lower():
            return []
        raise OutputError(f"无法读取定时任务表（crontab -l：{_said(result)}），没有改动。")
    return result.stdout.splitlines()


def _write_crontab(lines: list, run) -> None:
    result = run(["crontab", "-"], input="".join(line + "\n" for line in lines))
    if result.returncode != 0:
        raise OutputError(f"无法写入定时任务表（crontab：{_said(result)}），没有改动。")


def _ours(line: str, folder: Path) -> bool:
    return line.rstrip().endswith(cron_tag(folder))


_CRON_TIME = re.compile(r"(\d+) (\d+) \* \* \* ")


def _registered_cron(folder: Path, run):
    """This folder's crontab line: its daily time, UNKNOWN_TIME, or None when there is none."""
    for line in _read_crontab(run):
        if _ours(line, folder):
            found = _CRON_TIME.match(line)
            if found and int(found[2]) < 24 and int(found[1]) < 60:
                return dt.time(int(found[2]), int(found[1]))
            return UNKNOWN_TIME
    return None


# ---------------------------------------------------------------------------
# What the commands call


def _runner(run):
    """subprocess.run as text, never through a shell; a missing program is a clear error.

    The crontab is UTF-8 (the paths may be Chinese); schtasks speaks the console's code page.
    """

    def call(args, input=None):
        encoding = "utf-8" if args[0] == "crontab" else None
        try:
            return run(args, input=input, capture_output=True, text=True, encoding=encoding, errors="replace")
        except FileNotFoundError:
            how = (
                "Windows 的任务计划程序（schtasks）不可用"
                if args[0] == "schtasks"
                else "这台电脑没有 crontab 命令：请先安装 cron（统信UOS、银河麒麟等：sudo apt install cron）"
            )
            raise OutputError(f"无法登记定时任务：{how}。也可以双击“启动定时任务”并保持窗口打开。") from None

    return call


def install(reg: Registration, log: Path, windows: bool = sys.platform == "win32", run=subprocess.run) -> str:
    """Register ``reg``, replacing this folder's registration; returns the line for the clerk."""
    call = _runner(run)
    when = reg.time.strftime("%H:%M")
    if windows:
        result = call(schtasks_create(reg))
        if result.returncode != 0:
            raise OutputError(f"无法登记到任务计划程序（{_said(result)}），没有改动。")
        return (
            f"已登记到 Windows 任务计划程序“{task_name(reg.folder)}”：每天 {when} 运行 "
            f"{subprocess.list2cmdline(reg.command)}。"
        )
    kept = [line for line in _read_crontab(call) if not _ours(line, reg.folder)]
    log.parent.mkdir(parents=True, exist_ok=True)  # the shell opens the log before Python starts
    _write_crontab(kept + [cron_line(reg, log)], call)
    command = " ".join(shlex.quote(part) for part in reg.command)
    return f"已登记到本用户的 crontab：每天 {when} 运行 {command}，输出记在 {log}。"


def _said(result) -> str:
    """What a failed schtasks or crontab said, on one line."""
    return " ".join((result.stderr or result.stdout).split())


def uninstall(folder: Path = TOOL_FOLDER, windows: bool = sys.platform == "win32", run=subprocess.run) -> str:
    """Remove this folder's registration; returns the line for the clerk."""
    call = _runner(run)
    if windows:
        if _registered_windows(folder, call) is None:
            return f"任务计划程序中没有“{task_name(folder)}”，无需删除。"
        result = call(schtasks_delete(folder))
        if result.returncode != 0:
            raise OutputError(f"无法删除任务计划程序中的“{task_name(folder)}”（{_said(result)}）。")
        return f"已从 Windows 任务计划程序删除“{task_name(folder)}”。"
    lines = _read_crontab(call)
    kept = [line for line in lines if not _ours(line, folder)]
    if len(kept) == len(lines):
        return "本用户的 crontab 中没有本工具文件夹的定时任务，无需删除。"
    _write_crontab(kept, call)
    return "已从本用户的 crontab 删除本工具文件夹的定时任务。"


def describe(reg: Registration, now: dt.datetime, windows: bool = sys.platform == "win32", run=subprocess.run) -> list:
    """The lines --list starts with: registered or not, when it runs next, a time config.ini has changed."""
    call = _runner(run)
    where = f" Windows 任务计划程序“{task_name(reg.folder)}”" if windows else "本用户的 crontab"
    try:
        registered = (_registered_windows if windows else _registered_cron)(reg.folder, call)
    except OutputError as exc:  # no crontab program: --list still lists what is coming
        return [f"无法查看系统的定时任务：{str(exc).removeprefix('无法登记定时任务：')}"]
    if registered is None:
        return ["尚未登记到系统的定时任务：运行 python scripts/scheduler.py --install 登记后，电脑开着就每天自动运行。"]
    if registered == UNKNOWN_TIME:
        return [
            f"已登记到{where}，但看不出每天几点运行（登记被改动过）：请重新运行 python scripts/scheduler.py --install。"
        ]
    actual = Registration(reg.folder, reg.command, registered)
    lines = [
        f"已登记到{where}：每天 {registered.strftime('%H:%M')} 运行，"
        f"下次 {actual.next_run(now).strftime('%Y-%m-%d %H:%M')}。"
    ]
    if registered != reg.time:
        lines.append(
            f"config.ini 中的运行时间已改为 {reg.time.strftime('%H:%M')}，与登记的不同："
            "请重新运行 python scripts/scheduler.py --install。"
        )
    return lines
