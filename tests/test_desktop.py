"""The clerk's desktop: the double-click launchers, setup_desktop.py, scheduler.py --install/--uninstall/--list.

The .sh launchers run for real in a copy of the tool folder, as a new user on a 信创 Linux desktop
would; the .bat launchers are checked for what cmd would do (search order, pause, bytes).
"""

import datetime as dt
import fcntl
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path, PureWindowsPath

import pytest
from conftest import ROOT, SEED, shipped
from dutytable import desktop, registration
from dutytable.cli import Scheduler, SetupDesktop, main
from dutytable.cli_import import ImportTable
from dutytable.config import load_config, write_values
from dutytable.errors import OutputError

SCRIPTS = ROOT / "scripts"
#: Each launcher and what it runs (scripts/<name>.bat and .sh, and its .desktop entry).
LAUNCHERS = {
    "导入责任分解表": "import_table.py --ask",
    "生成填报表": "generate.py",
    "收取": "collect.py",
    "一键完成本月工作": "monthly.py",
    "年度汇总": "annual.py",
    "启动定时任务": "scheduler.py",
    "演示完整流程": "demo.py --period 2010-11",
}
CLOSE = "\n按回车键关闭本窗口。"


# --- Windows: the .bat files ---------------------------------------------------------------------


def test_there_is_a_bat_and_a_sh_for_every_action_and_a_desktop_entry_for_each():
    assert sorted(p.stem for p in SCRIPTS.glob("*.bat")) == sorted([*LAUNCHERS, "launch"])
    assert sorted(p.stem for p in SCRIPTS.glob("*.sh")) == sorted([*LAUNCHERS, "launch"])
    assert [name for name, _, _ in desktop.LAUNCHERS] == list(LAUNCHERS)


@pytest.mark.parametrize("bat", sorted(p.name for p in SCRIPTS.glob("*.bat")))
def test_every_bat_is_ascii_with_crlf_line_endings(bat):
    data = (SCRIPTS / bat).read_bytes()
    assert all(byte < 128 for byte in data), "cmd reads a .bat in the console's code page: ASCII only"
    assert data.endswith(b"\r\n") and data.count(b"\n") == data.count(b"\r\n") == data.count(b"\r")


@pytest.mark.parametrize("name", LAUNCHERS)
def test_every_bat_runs_its_script_through_launch_bat(name):
    lines = (SCRIPTS / f"{name}.bat").read_text(encoding="ascii").splitlines()
    assert lines[0] == "@echo off"
    assert lines[-3:] == ["setlocal", f'set "SCRIPT={LAUNCHERS[name]}"', 'call "%~dp0launch.bat" %*']
    assert (SCRIPTS / LAUNCHERS[name].split()[0]).is_file()


def test_launch_bat_finds_python_through_py_then_python_then_the_recorded_path():
    lines = (SCRIPTS / "launch.bat").read_text(encoding="ascii").splitlines()
    code = [line for line in lines if not line.startswith("rem ")]
    check = r"%PY% scripts\dutytable\ready.py >nul 2>&1"
    tries = [i for i, line in enumerate(code) if line.startswith(('set "PY=', "set PY="))]
    assert [code[i] for i in tries] == ['set "PY=py -3"', 'set "PY=python"', 'set PY="%RECORDED%"']
    for i in tries:  # each candidate is asked whether it can run the tool; the first that can runs it
        assert code[i + 1 : i + 3] == [check, "if not errorlevel 1 goto run"]
    assert code[tries[2] - 3 : tries[2]] == [
        'set "RECORDED="',
        "if exist python-path.txt set /p RECORDED=<python-path.txt",
        "if not defined RECORDED goto missing",
    ]
    assert code[1:4] == ["setlocal", 'cd /d "%~dp0.."', "if not defined SCRIPT exit /b 2"]


def test_launch_bat_pauses_after_an_error_and_says_how_to_install_python():
    code = [
        line
        for line in (SCRIPTS / "launch.bat").read_text(encoding="ascii").splitlines()
        if not line.startswith("rem ")
    ]
    missing = code.index(":missing")
    assert code[missing : missing + 6] == [
        ":missing",
        "chcp 65001 >nul",
        r"type scripts\python-missing.txt",
        "echo.",
        "pause",
        "exit /b 9",
    ]
    run = code.index(":run")
    assert code[run:] == [
        ":run",
        r"%PY% scripts\%SCRIPT% %*",
        'set "STATUS=%errorlevel%"',
        "echo.",
        "pause",
        "exit /b %STATUS%",
    ]
    text = (SCRIPTS / "python-missing.txt").read_bytes().decode("utf-8")
    assert (
        text.splitlines()[0]
        == "没有找到可以运行本工具的 Python（需要 3.11 或更新版本，并装好 requirements.txt 中的程序包）。"
    )
    assert "勾选下方的“Add python.exe to PATH”" in text and "   py -3 -m pip install -r requirements.txt\r\n" in text
    assert "   py -3 scripts\\setup_desktop.py\r\n" in text


def test_ready_says_whether_this_python_can_run_the_tool(tmp_path):
    ready = [sys.executable, str(SCRIPTS / "dutytable" / "ready.py")]
    assert subprocess.run(ready).returncode == 0
    from dutytable.ready import missing

    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# comment\nopenpyxl==3.1.5\nno-such-package-xyz>=1  # why\n", encoding="utf-8")
    assert missing(requirements) == ["no-such-package-xyz"]


# --- Linux: the .sh files, run ------------------------------------------------------------------


@pytest.mark.parametrize("sh", sorted(p.name for p in SCRIPTS.glob("*.sh")))
def test_every_sh_is_executable_utf8_posix_sh(sh):
    path = SCRIPTS / sh
    data = path.read_bytes()
    assert data.startswith(b"#!/bin/sh\n") and b"\r" not in data
    data.decode("utf-8")
    assert path.stat().st_mode & stat.S_IXUSR
    if sh != "launch.sh":
        command = LAUNCHERS[path.stem]
        assert (
            data.decode("utf-8").splitlines()[-1]
            == f'exec sh "$(dirname "$(readlink -f "$0")")/launch.sh" {command} "$@"'
        )


@pytest.fixture(scope="module")
def tool(tmp_path_factory):
    """The tool folder copied as a new user would (scripts, templates, config.ini, requirements.txt)."""
    folder = tmp_path_factory.mktemp("工具 文件夹")
    shutil.copytree(SCRIPTS, folder / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shipped(folder, "templates", "config.ini", "requirements.txt")
    (folder / "inbox").mkdir()
    (folder / "outbox").mkdir()
    return folder


def _bin(folder, **pythons):
    """A folder of fake Pythons: each logs "<name> <script>" to log.txt, then runs the real one or fails."""
    folder.mkdir(exist_ok=True)
    for name, works in pythons.items():
        body = f'exec "{sys.executable}" "$@"' if works else "exit 1"
        path = folder / name
        path.write_text(f'#!/bin/sh\necho "{name} $1" >> "{folder}/log.txt"\n{body}\n', encoding="utf-8")
        path.chmod(0o755)
    return folder


def _sh(tool, name, *args, path=None, answer=""):
    """Run scripts/<name>.sh as a double-click would (through sh, from anywhere); stdin answers its questions."""
    env = dict(os.environ, PATH=f"{path}:/usr/bin:/bin" if path else os.environ["PATH"], PYTHONIOENCODING="utf-8")
    return subprocess.run(
        ["sh", str(tool / "scripts" / f"{name}.sh"), *map(str, args)],
        input=answer,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd="/",
        timeout=600,
    )


def test_sh_takes_python3_first(tool, tmp_path):
    fake = _bin(tmp_path / "bin", python3=True, python=True)
    result = _sh(tool, "收取", "--help", path=fake)
    assert result.returncode == 0 and result.stdout.startswith("用法：collect.py [-h]")
    assert result.stdout.endswith(CLOSE)
    assert (fake / "log.txt").read_text(
        encoding="utf-8"
    ) == "python3 scripts/dutytable/ready.py\npython3 scripts/collect.py\n"


def test_sh_takes_python_when_python3_cannot_run_the_tool(tool, tmp_path):
    fake = _bin(tmp_path / "bin", python3=False, python=True)
    assert _sh(tool, "年度汇总", "--help", path=fake).returncode == 0
    assert (fake / "log.txt").read_text(encoding="utf-8") == (
        "python3 scripts/dutytable/ready.py\npython scripts/dutytable/ready.py\npython scripts/annual.py\n"
    )


def test_sh_takes_the_recorded_python_last(tool, tmp_path):
    fake = _bin(tmp_path / "bin", python3=False, python=False)
    recorded = _bin(tmp_path / "装 的 python", **{"python3.12": True})
    (tool / "python-path.txt").write_text(str(recorded / "python3.12"), encoding="utf-8")
    try:
        assert _sh(tool, "生成填报表", "--help", path=fake).returncode == 0
    finally:
        (tool / "python-path.txt").unlink()
    assert (fake / "log.txt").read_text(encoding="utf-8") == (
        "python3 scripts/dutytable/ready.py\npython scripts/dutytable/ready.py\n"
    )
    assert (recorded / "log.txt").read_text(encoding="utf-8") == (
        "python3.12 scripts/dutytable/ready.py\npython3.12 scripts/generate.py\n"
    )


def test_sh_without_python_says_how_to_install_it_and_waits(tool, tmp_path):
    fake = _bin(tmp_path / "bin", python3=False, python=False)
    result = _sh(tool, "一键完成本月工作", path=fake)
    assert result.returncode == 9
    assert result.stdout == (
        "没有找到可以运行本工具的 Python（需要 3.11 或更新版本，并装好 requirements.txt 中的程序包）。\n\n"
        "请这样安装（只需一次）：\n"
        "1. 统信UOS、银河麒麟等：在终端中运行 sudo apt install python3 python3-venv python3-pip\n"
        "   （或从应用商店安装 Python 3）。系统的 Python 低于 3.11 时，请向信息技术人员要 3.11 或更新的版本。\n"
        "2. 在本工具文件夹中打开终端，依次运行下面三行（每行输入后按回车）：\n"
        "   python3 -m venv .venv\n"
        "   .venv/bin/python -m pip install -r requirements.txt\n"
        "   .venv/bin/python scripts/setup_desktop.py\n"
        "3. 再双击本图标。\n" + CLOSE
    )


def test_every_sh_launcher_does_its_work_in_a_copied_folder(tool, tmp_path):
    fake = _bin(tmp_path / "bin", python3=True)  # python3 is the one with the packages, as after the README's steps
    master = tool / "templates" / "责任分解表.xlsx"
    master.unlink(missing_ok=True)  # a new office: its table not imported yet
    imported = _sh(tool, "导入责任分解表", SEED, path=fake, answer="是\n")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("检查 seed_2010.txt 文本（只检查，没有写入任何文件）：\n")
    assert (
        f"\n是否导入？导入将写入主表 {master}。输入“是”或 y 后按回车导入，直接按回车不导入："
        f"已导入 18 项工作内容（5 个类别），"
    ) in imported.stdout
    write_values(tool / "config.ini", "report", {"office": "区质量振兴工作领导小组办公室"})  # the office fills it in
    generated = _sh(tool, "生成填报表", "--period", "2010-11", path=fake)
    assert re.match(
        f"已生成 2010-11 填报表 \\d+ 份：{re.escape(str(tool / 'outbox' / '2010-11' / '分发'))}\n", generated.stdout
    ), generated.stdout
    demo = _sh(tool, "演示完整流程", path=fake)
    assert demo.returncode == 0 and demo.stdout.endswith(CLOSE), demo.stderr
    collected = _sh(tool, "收取", "--period", "2010-11", path=fake)
    assert collected.returncode == 0 and collected.stdout.startswith("收到 "), collected.stderr
    month = _sh(tool, "一键完成本月工作", "--period", "2010-11", "--no-pdf", path=fake)
    assert month.returncode == 0, month.stderr
    assert len(list((tool / "outbox" / "2010-11").glob("附件1_*_2010-11.docx"))) == 1
    year = _sh(tool, "年度汇总", "--year", "2010", path=fake)
    assert year.returncode == 0 and (tool / "outbox" / "2010年度汇总.xlsx").is_file(), year.stderr
    listed = _sh(tool, "启动定时任务", "--list", path=fake)
    assert listed.returncode == 0 and listed.stdout.endswith(CLOSE)
    (tmp_path / "桌面").mkdir()
    (tmp_path / "桌面" / "收取.sh").symlink_to(tool / "scripts" / "收取.sh")  # a link on the desktop
    direct = subprocess.run(
        [str(tmp_path / "桌面" / "收取.sh"), "--help"],
        input="",
        capture_output=True,
        text=True,
        env=dict(os.environ, PATH=f"{fake}:/usr/bin:/bin"),
        timeout=60,
    )
    assert direct.returncode == 0 and direct.stdout.startswith("用法：collect.py")  # the shebang and the execute bit


def test_sh_passes_the_exit_code_on_and_still_waits(tool, tmp_path):
    fake = _bin(tmp_path / "bin", python3=True)
    result = _sh(tool, "导入责任分解表", tool / "无此文件.docx", path=fake)
    assert result.returncode == 3
    assert result.stderr == f"找不到要导入的文件 {tool / '无此文件.docx'}：请检查路径。\n"
    assert result.stdout == CLOSE


# --- 导入责任分解表: --ask ---------------------------------------------------------------------------


def _asking(*answers):
    asked = []

    class Asking(ImportTable):
        def ask(self, prompt):
            asked.append(prompt)
            if len(asked) > len(answers):
                raise EOFError
            return answers[len(asked) - 1]

    return Asking(), asked


def test_ask_shows_the_reading_then_imports_on_yes(workdir, capsys):
    config = load_config(workdir / "config.ini")
    before = config.table.read_bytes()
    command, asked = _asking("是")
    assert main(command, [str(SEED), "--ask", "--config", str(workdir / "config.ini")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("检查 seed_2010.txt 文本（只检查，没有写入任何文件）：\n")
    assert asked == [
        f"是否导入？导入将替换现有的主表 {config.table}（旧文件先备份）。输入“是”或 y 后按回车导入，直接按回车不导入："
    ]
    assert "\n原主表已备份为 " in out and "\n已导入 " in out
    assert len(list(config.table.parent.glob("责任分解表.备份-*.xlsx"))) == 1 and config.table.read_bytes() != before


@pytest.mark.parametrize("answers", [("",), ("n",), ()])
def test_ask_imports_nothing_unless_told_yes(workdir, capsys, answers):
    config = load_config(workdir / "config.ini")
    before = config.table.read_bytes()
    command, _ = _asking(*answers)
    assert main(command, [str(SEED), "--ask", "--config", str(workdir / "config.ini")]) == 0
    assert capsys.readouterr().out.endswith("\n没有导入，主表未改动。\n")
    assert config.table.read_bytes() == before and not list(config.table.parent.glob("*.备份-*"))


def test_ask_without_a_file_asks_for_one_dragged_into_the_window(workdir, capsys):
    command, asked = _asking(f'"{SEED}"', "y")
    assert main(command, ["--ask", "--config", str(workdir / "config.ini")]) == 0
    assert asked[0] == "请把收到的责任分解表文件拖进本窗口（或输入文件的位置），再按回车："
    assert "\n已导入 " in capsys.readouterr().out


def test_ask_without_any_file_says_to_drag_one(workdir, capsys):
    command, _ = _asking("")
    assert main(command, ["--ask", "--config", str(workdir / "config.ini")]) == 2
    assert capsys.readouterr().err == (
        "没有收到要导入的文件：请把收到的责任分解表文件（如 .docx、.xlsx）"
        "用鼠标拖到“导入责任分解表”图标上再松开，或拖进窗口后按回车。\n"
    )


# --- setup_desktop.py ---------------------------------------------------------------------------


def test_setup_records_python_and_writes_a_desktop_entry_per_launcher(tmp_path, workdir, capsys):
    folder = tmp_path / "目标 任务$工具"
    folder.mkdir()

    class Setup(SetupDesktop):
        windows, menu = False, tmp_path / "applications"

    Setup.folder = folder
    assert main(Setup(), ["--config", str(workdir / "config.ini")]) == 0
    python = str(Path(sys.executable).absolute())
    assert (folder / "python-path.txt").read_bytes() == python.encode("utf-8")
    digest = registration.folder_digest(folder)
    assert capsys.readouterr().out == (
        f"已记录 Python 的位置：{python}（写在 {folder / 'python-path.txt'}）。\n"
        f"已生成 7 个快捷方式，放进应用菜单（{tmp_path / 'applications'}）和 {folder / '桌面快捷方式'}；"
        "要放到桌面，把“桌面快捷方式”中需要的复制到桌面，第一次双击时选“信任并运行”。\n"
    )
    assert sorted(p.name for p in (tmp_path / "applications").iterdir()) == sorted(
        f"目标任务-{digest}-{name}.desktop" for name in LAUNCHERS
    )
    entry = (folder / "桌面快捷方式" / "导入责任分解表.desktop").read_text(encoding="utf-8")
    assert entry == (
        "[Desktop Entry]\nType=Application\nVersion=1.0\nName=导入责任分解表\n"
        "Comment=目标任务责任分解表工具：把收到的责任分解表拖到图标上：先显示读到的内容，再问是否导入\n"
        f'Exec=sh "{folder.parent}/目标 任务\\\\$工具/scripts/导入责任分解表.sh" %f\n'
        f"Path={folder}\nTerminal=true\nIcon=utilities-terminal\nCategories=Office;\n"
    )
    assert (tmp_path / "applications" / f"目标任务-{digest}-收取.desktop").read_text(encoding="utf-8").count(
        f'Exec=sh "{folder.parent}/目标 任务\\\\$工具/scripts/收取.sh"\n'
    ) == 1
    assert (folder / "桌面快捷方式" / "收取.desktop").stat().st_mode & stat.S_IXUSR


def test_desktop_exec_quoting():
    assert desktop._exec_argument(Path('/a b/c"d/e%f/g\\h')) == '"/a b/c\\\\"d/e%%f/g\\\\\\\\h"'


# --- scheduler.py --install on Windows: the exact command ---------------------------------------

WINDOWS_TOOL = PureWindowsPath(r"D:\质量办\目标任务工具")
WINDOWS_PYTHON = r"C:\Users\张三\AppData\Local\Programs\Python\Python311\python.exe"
WINDOWS_RUN = (WINDOWS_PYTHON, r"D:\质量办\目标任务工具\scripts\scheduler.py", "--once")


class FakeSystem:
    """schtasks as it answers: records each command, returns the canned (returncode, stdout)."""

    def __init__(self, *answers):
        self.calls, self.answers = [], list(answers)

    def __call__(self, args, input=None, capture_output=True, text=True, encoding=None, errors=None):
        self.calls.append(args)
        code, out = self.answers.pop(0) if self.answers else (0, "")
        return subprocess.CompletedProcess(args, code, out, "错误: 系统找不到指定的文件。" if code else "")


def test_windows_install_is_one_schtasks_create_per_tool_folder():
    reg = registration.Registration(WINDOWS_TOOL, WINDOWS_RUN, dt.time(8, 30))
    system = FakeSystem()
    said = registration.install(reg, Path("unused"), windows=True, run=system)
    assert system.calls == [
        [
            "schtasks",
            "/Create",
            "/TN",
            "目标任务月度推进（目标任务工具-65f6e800）",
            "/SC",
            "DAILY",
            "/ST",
            "08:30",
            "/TR",
            WINDOWS_PYTHON + r" D:\质量办\目标任务工具\scripts\scheduler.py --once",
            "/F",
        ]
    ]
    assert said == (
        "已登记到 Windows 任务计划程序“目标任务月度推进（目标任务工具-65f6e800）”：每天 08:30 运行 "
        rf"{WINDOWS_PYTHON} D:\质量办\目标任务工具\scripts\scheduler.py --once。"
    )


def test_windows_paths_with_spaces_are_quoted_and_a_too_long_command_is_refused():
    spaced = registration.Registration(
        PureWindowsPath(r"D:\My Tools"),
        (r"C:\Program Files\Python311\python.exe", r"D:\My Tools\scripts\scheduler.py", "--once"),
        dt.time(7, 5),
    )
    command = registration.schtasks_create(spaced)
    assert command[3] == "目标任务月度推进（My Tools-e2109c26）" and command[7] == "07:05"
    assert command[9] == r'"C:\Program Files\Python311\python.exe" "D:\My Tools\scripts\scheduler.py" --once'
    long = registration.Registration(
        WINDOWS_TOOL, ("C:\\" + "长" * 250 + "\\python.exe",) + WINDOWS_RUN[1:], dt.time(8, 30)
    )
    with pytest.raises(OutputError) as info:
        registration.schtasks_create(long)
    assert str(info.value).startswith("无法登记到任务计划程序：要运行的命令有 306 个字符，超过了 261 个（")
    assert str(info.value).endswith("）。请把工具文件夹移到路径较短的位置（如 D:\\目标任务工具）后再运行。")


def test_windows_list_and_uninstall_ask_schtasks():
    reg = registration.Registration(WINDOWS_TOOL, WINDOWS_RUN, dt.time(9, 0))
    xml = "<Triggers><CalendarTrigger><StartBoundary>2026-12-03T08:30:00</StartBoundary>"
    system = FakeSystem((0, xml))
    assert registration.describe(reg, dt.datetime(2026, 12, 3, 10, 0), windows=True, run=system) == [
        "已登记到 Windows 任务计划程序“目标任务月度推进（目标任务工具-65f6e800）”：每天 08:30 运行，下次 2026-12-04 08:30。",
        "config.ini 中的运行时间已改为 09:00，与登记的不同：请重新运行 python scripts/scheduler.py --install。",
    ]
    assert system.calls == [["schtasks", "/Query", "/TN", "目标任务月度推进（目标任务工具-65f6e800）", "/XML"]]
    utf16 = "\x00".join("<StartBoundary>2026-12-03T07:45:00")  # as UTF-16 read in the console's code page
    assert registration.describe(reg, dt.datetime(2026, 12, 3, 7, 0), windows=True, run=FakeSystem((0, utf16)))[0] == (
        "已登记到 Windows 任务计划程序“目标任务月度推进（目标任务工具-65f6e800）”：每天 07:45 运行，下次 2026-12-03 07:45。"
    )
    assert registration.describe(reg, dt.datetime(2026, 12, 3, 7, 0), windows=True, run=FakeSystem((0, "<Task/>"))) == [
        "已登记到 Windows 任务计划程序“目标任务月度推进（目标任务工具-65f6e800）”，但看不出每天几点运行（登记被改动过）："
        "请重新运行 python scripts/scheduler.py --install。"
    ]
    assert registration.describe(reg, dt.datetime(2026, 12, 3, 8, 0), windows=True, run=FakeSystem((1, ""))) == [
        "尚未登记到系统的定时任务：运行 python scripts/scheduler.py --install 登记后，电脑开着就每天自动运行。"
    ]
    system = FakeSystem((0, xml), (0, ""))
    assert registration.uninstall(WINDOWS_TOOL, windows=True, run=system) == (
        "已从 Windows 任务计划程序删除“目标任务月度推进（目标任务工具-65f6e800）”。"
    )
    assert system.calls[1] == ["schtasks", "/Delete", "/TN", "目标任务月度推进（目标任务工具-65f6e800）", "/F"]
    assert registration.uninstall(WINDOWS_TOOL, windows=True, run=FakeSystem((1, ""))) == (
        "任务计划程序中没有“目标任务月度推进（目标任务工具-65f6e800）”，无需删除。"
    )


def test_windows_install_failure_is_one_line(workdir, capsys):
    class Failing(Scheduler):
        system, windows = FakeSystem((1, "")), True

    assert main(Failing(), ["--install", "--config", str(workdir / "config.ini")]) == 4
    assert capsys.readouterr().err == "无法登记到任务计划程序（错误: 系统找不到指定的文件。），没有改动。\n"


def test_no_crontab_program_is_one_line_and_list_still_lists(workdir, capsys):
    class Missing(Scheduler):
        @staticmethod
        def system(args, **kwargs):
            raise FileNotFoundError(args[0])

    assert main(Missing(), ["--install", "--config", str(workdir / "config.ini")]) == 4
    assert capsys.readouterr().err == (
        "无法登记定时任务：这台电脑没有 crontab 命令：请先安装 cron（统信UOS、银河麒麟等："
        "sudo apt install cron）。也可以双击“启动定时任务”并保持窗口打开。\n"
    )
    assert main(Missing(), ["--list", "--config", str(workdir / "config.ini")], today=dt.date(2010, 11, 20)) == 0
    assert capsys.readouterr().out.splitlines()[:2] == [
        "无法查看系统的定时任务：这台电脑没有 crontab 命令：请先安装 cron（统信UOS、银河麒麟等：sudo apt install cron）。"
        "也可以双击“启动定时任务”并保持窗口打开。",
        "2010-11-20  2010-11  收取并更新汇总",
    ]


# --- scheduler.py --install on Linux: the real crontab -------------------------------------------


@pytest.fixture
def crontab():
    """The user's real crontab, one test at a time across processes, given back as it was."""
    if shutil.which("crontab") is None:
        pytest.skip("crontab 未安装（Debian：apt-get install cron），跳过真实 crontab 的登记测试")
    with open(Path("/tmp") / "dutytable-crontab.lock", "a") as lock:
        fcntl.lockf(lock, fcntl.LOCK_EX)
        before = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
        try:
            yield before.stdout if before.returncode == 0 else ""
        finally:
            if before.returncode == 0:
                subprocess.run(["crontab", "-"], input=before.stdout, text=True, check=True)
            else:
                subprocess.run(["crontab", "-r"], capture_output=True)


def _crontab():
    return subprocess.run(["crontab", "-l"], capture_output=True, text=True).stdout


def _scheduler(tool, *args):
    """scheduler.py of the copied tool folder, run as the clerk runs it."""
    return subprocess.run(
        [sys.executable, str(tool / "scripts" / "scheduler.py"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=dict(os.environ, PYTHONIOENCODING="utf-8"),
        timeout=120,
    )


def _in_process(tool, capsys, *args):
    """The same in this process (faster): Scheduler for the copied folder with its config.ini; returns stdout."""

    class Copied(Scheduler):
        folder = tool

    assert main(Copied(), [*args, "--config", str(tool / "config.ini")]) == 0
    return capsys.readouterr().out


def test_install_list_uninstall_round_trip_with_the_real_crontab(tool, crontab, capsys):
    # the shipped config.ini, whatever an earlier test of this module left in the shared tool folder
    earlier = (tool / "config.ini").read_text(encoding="utf-8")
    shipped(tool, "config.ini")
    foreign = "# 别的任务\n17 3 * * * true\n"
    subprocess.run(["crontab", "-"], input=crontab + foreign, text=True, check=True)
    python = str(Path(sys.executable).absolute())
    log = tool / "outbox" / "logs" / "cron.log"
    line = (
        f"30 8 * * * cd '{tool}' && {python} '{tool}/scripts/scheduler.py' --once >> '{log}' 2>&1 "
        f"# 目标任务月度推进：{tool}"
    )
    result = _scheduler(tool, "--install")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"已登记到本用户的 crontab：每天 08:30 运行 {python} '{tool}/scripts/scheduler.py' --once，输出记在 {log}。\n"
    )
    assert _crontab() == crontab + foreign + line + "\n"
    config = (tool / "config.ini").read_text(encoding="utf-8")
    (tool / "config.ini").write_text(config.replace("time = 08:30", "time = 09:05"), encoding="utf-8")
    try:
        _in_process(tool, capsys, "--install")  # replaced, not a second line
        assert _crontab() == crontab + foreign + line.replace("30 8 * * *", "5 9 * * *") + "\n"
        listed = _in_process(tool, capsys, "--list").splitlines()
        now = dt.datetime.now()
        upcoming = registration.Registration(tool, (), dt.time(9, 5)).next_run(now)
        assert listed[0] == f"已登记到本用户的 crontab：每天 09:05 运行，下次 {upcoming.strftime('%Y-%m-%d %H:%M')}。"
        assert listed[1] == (  # the shipped config.ini has no identity until the office imports its table
            f"注意：下列事项现在都不能完成：配置文件 {tool / 'config.ini'} 的 [report] 中 year、subject、office 为空，"
            "不能生成表格和报告：请用记事本打开它填写 year = 责任分解表的年度（例如 2024）；subject = 工作名称"
            "（例如 XX区优化营商环境工作）；office = 牵头协调（发文）单位（例如 XX区优化营商环境工作领导小组办公室），"
            "保存后再运行。"
        )
        assert listed[2].startswith(now.date().isoformat())  # said before the events
    finally:
        (tool / "config.ini").write_text(config, encoding="utf-8")
    assert _in_process(tool, capsys, "--list").splitlines()[1] == (
        "config.ini 中的运行时间已改为 08:30，与登记的不同：请重新运行 python scripts/scheduler.py --install。"
    )
    assert _in_process(tool, capsys, "--uninstall") == "已从本用户的 crontab 删除本工具文件夹的定时任务。\n"
    assert _crontab() == crontab + foreign
    assert _in_process(tool, capsys, "--uninstall") == "本用户的 crontab 中没有本工具文件夹的定时任务，无需删除。\n"
    assert _in_process(tool, capsys, "--list").splitlines()[0] == (
        "尚未登记到系统的定时任务：运行 python scripts/scheduler.py --install 登记后，电脑开着就每天自动运行。"
    )
    (tool / "config.ini").write_text(earlier, encoding="utf-8")


def test_the_registered_line_runs_scheduler_once(tool, crontab, capsys):
    """What cron would run: the line's command through sh, as it is in the crontab."""
    _in_process(tool, capsys, "--install")
    try:
        line = next(row for row in _crontab().splitlines() if row.endswith(f"# 目标任务月度推进：{tool}"))
    finally:
        _in_process(tool, capsys, "--uninstall")
    command = line.split(" ", 5)[5].replace("\\%", "%")
    assert subprocess.run(["sh", "-c", command], env={"PATH": "/usr/bin:/bin"}, timeout=300).returncode in (0, 1)
    log = (tool / "outbox" / "logs" / "cron.log").read_text(encoding="utf-8")
    assert f"—— {dt.date.today().isoformat()} " in log or "没有需要处理的事项" in log


def test_config_other_than_the_tool_folders_own_is_named_in_the_command(workdir):
    reg = registration.planned(
        load_config(workdir / "config.ini"), python="/opt/py/bin/python3", folder=Path("/opt/工具")
    )
    assert reg.command == (
        "/opt/py/bin/python3",
        "/opt/工具/scripts/scheduler.py",
        "--once",
        "--config",
        str((workdir / "config.ini").resolve()),
    )
    line = registration.cron_line(
        registration.Registration(Path("/opt/工具 100%"), ("/usr/bin/python3",), dt.time(6, 0)),
        Path("/opt/工具 100%/outbox/logs/cron.log"),
    )
    assert line == (
        "0 6 * * * cd '/opt/工具 100\\%' && /usr/bin/python3 >> '/opt/工具 100\\%/outbox/logs/cron.log' 2>&1 "
        "# 目标任务月度推进：/opt/工具 100\\%"
    )


def test_a_crontab_line_edited_by_hand_is_said_so():
    reg = registration.Registration(Path("/opt/工具"), ("python3",), dt.time(8, 30))
    edited = FakeSystem((0, "MAILTO=x\n30 8 * * 1-5 cd /opt/工具 && python3 # 目标任务月度推进：/opt/工具\n"))
    assert registration.describe(reg, dt.datetime(2010, 11, 1), windows=False, run=edited) == [
        "已登记到本用户的 crontab，但看不出每天几点运行（登记被改动过）：请重新运行 python scripts/scheduler.py --install。"
    ]
    other = FakeSystem((0, "30 8 * * * true # 目标任务月度推进：/opt/工具2\n"))  # another tool folder's line
    assert registration.describe(reg, dt.datetime(2010, 11, 1), windows=False, run=other)[0].startswith("尚未登记")


@pytest.fixture
def oem_is_gbk():
    """Windows' "oem" codec (the console's code page, 936 on a Chinese Windows), here where it does not exist."""
    import codecs

    def search(name):
        return codecs.lookup("gbk") if name == "oem" else None

    codecs.register(search)
    yield
    codecs.unregister(search)


def test_the_recorded_path_on_windows_is_in_the_console_code_page(tmp_path, oem_is_gbk):
    assert desktop.record_python(WINDOWS_PYTHON, tmp_path, windows=True).read_bytes() == WINDOWS_PYTHON.encode("gbk")
    with pytest.raises(OutputError) as info:
        desktop.record_python("C:\\Users\\สมชาย\\python.exe", tmp_path, windows=True)
    assert str(info.value) == (
        "Python 的位置 C:\\Users\\สมชาย\\python.exe 中有命令行窗口显示不了的字符，双击 .bat 时"
        "无法使用这个位置：请把 Python 安装到名称只有中文、字母和数字的文件夹中。"
    )
    assert (tmp_path / "python-path.txt").read_bytes() == WINDOWS_PYTHON.encode("gbk")  # the old record stays


def test_setup_on_windows_records_python_and_says_how_to_put_a_bat_on_the_desktop(
    tmp_path, workdir, capsys, oem_is_gbk
):
    class Setup(SetupDesktop):
        windows, folder, menu = True, tmp_path, tmp_path / "applications"

    assert main(Setup(), ["--config", str(workdir / "config.ini")]) == 0
    python = str(Path(sys.executable).absolute())
    assert capsys.readouterr().out == (
        f"已记录 Python 的位置：{python}（写在 {tmp_path / 'python-path.txt'}）。\n"
        "双击 scripts 文件夹中的 .bat 即可使用；要放到桌面，右键 .bat →“发送到”→“桌面快捷方式”。\n"
    )
    assert (tmp_path / "python-path.txt").read_bytes() == python.encode("gbk")
    assert not (tmp_path / "applications").exists() and not (tmp_path / "桌面快捷方式").exists()
