"""What every script shares: --config, --period, -v, Chinese errors, exit codes, a GBK-safe console.

Each script in scripts/ is two lines that call :func:`main` with one :class:`Command`.
A command parses its own arguments, gets the loaded config and period, makes one call
into the core and returns an exit code (their table is in :mod:`errors`). The import command,
which has more to say, is in :mod:`cli_import`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import logging
import re
import sys
import traceback
from functools import partial
from pathlib import Path

from . import desktop, files, pipeline, registration
from .config import DEFAULT_CONFIG, load_config
from .demo import kit_config as demo_kit_config
from .errors import (
    INTERRUPTED,
    UNEXPECTED,
    DutyTableError,
    OutputError,
    UsageError,
    disk_full,
)
from .scheduling import NAMES, STATE_FILE, State, run_due, run_lock, serve, setup_logging, upcoming
from .screen import progress_printer
from .vocab import Period
from .wordml import build_template


def setup_console() -> None:
    """Make printing never fail: a Chinese Windows console (GBK) cannot show every character."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass


def echo(text: str = "", err: bool = False) -> None:
    """Print one line for the clerk; a closed console (broken pipe) is not an error."""
    try:
        print(text, file=sys.stderr if err else sys.stdout, flush=True)
    except BrokenPipeError:
        pass


# argparse's own messages in Chinese, one a line: the message (a regular expression) → its Chinese, {0} and {1} the
# groups. "argument X: " before a message is taken off first (see _chinese).
_ARGPARSE_TABLE = r"""
unrecognized arguments: (.*) → 无法识别的参数 {0}
the following arguments are required: (.*) → 缺少参数 {0}
one of the arguments (.*) is required → {0} 中要写一个
ambiguous option: (\S+) could match (.*) → 参数 {0} 不完整，可能是 {1}
expected one argument → 后面要写一个值
expected at most one argument → 后面最多写一个值
expected at least one argument → 后面至少要写一个值
expected (\d+) arguments? → 后面要写 {0} 个值
invalid choice: (.*?) \(choose from (.*)\) → 的值 {0} 无效，可选：{1}
invalid \S+ value: (.*) → 的值 {0} 无效
not allowed with argument (.*) → 不能与 {0} 同时使用
ignored explicit argument (.*) → 后面不能写值 {0}
"""
_ARGPARSE_MESSAGES = tuple(
    (re.compile(english), chinese)
    for english, chinese in (line.split(" → ") for line in _ARGPARSE_TABLE.strip().splitlines())
)
_ARGUMENT_PREFIX = re.compile(r"argument (\S+): (.*)")


def _chinese(message: str) -> str:
    """argparse's error ``message`` in Chinese; one it does not know becomes a general line, never English."""
    match = _ARGUMENT_PREFIX.fullmatch(message)
    argument, message = match.groups() if match else (None, message)
    for pattern, chinese in _ARGPARSE_MESSAGES:
        found = pattern.fullmatch(message)
        if found:
            text = chinese.format(*found.groups())
            return f"参数 {argument} {text}" if argument else text
    return f"参数 {argument} 写法有误" if argument else "参数写法有误"


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """--help in Chinese: "用法：" before the usage line."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse in Chinese: help headings and text, and errors as one line raised as UsageError (exit code 2)."""

    def __init__(self, **kwargs):
        super().__init__(add_help=False, formatter_class=ChineseHelpFormatter, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本说明后退出")

    def error(self, message):
        raise usage_error(self.prog, _chinese(message))


def usage_error(prog: str, text: str) -> UsageError:
    """The one line for a wrong argument of ``prog``, pointing to its --help."""
    return UsageError(f"参数错误：{text}。运行 python scripts/{prog} --help 查看用法。")


class Command:
    """One script's behaviour. Subclasses set ``prog`` and ``description`` and implement :meth:`run`.

    ``arguments`` declares the script's own arguments as (flags, argparse keywords) pairs.
    """

    prog = ""
    description = ""
    arguments: tuple = ()
    default_config: Path | None = None  # the config.ini read without --config (None: the tool folder's)

    def add_arguments(self, parser):
        """Add the script's own arguments."""
        for flags, options in self.arguments:
            parser.add_argument(*flags, **options)

    def run(self, args, config, period: Period, today: dt.date) -> int:
        """Do the work; return an exit code. ``today`` is the clock's date, passed in."""
        raise NotImplementedError

    def parser(self):
        parser = ChineseArgumentParser(prog=self.prog, description=self.description)
        default = (self.default_config or DEFAULT_CONFIG).relative_to(DEFAULT_CONFIG.parent).as_posix()
        parser.add_argument(
            "--config",
            metavar="PATH",
            default=None,
            help=f"配置文件 config.ini 的路径（默认：{default}，在工具文件夹中）",
        )
        parser.add_argument("--period", metavar="YYYY-MM", default=None, help="期次（年-月），例如 2010-11；默认为本月")
        parser.add_argument("-v", "--verbose", action="store_true", help="出错时显示详细信息（供维护人员排查）")
        self.add_arguments(parser)
        return parser


def main(command: Command, argv: list | None = None, today: dt.date | None = None) -> int:
    """Run ``command`` as a script: parse, load config, call, map errors to exit codes.

    Args:
        command: a :class:`Command`.
        argv: arguments (default: sys.argv[1:]).
        today: the date that decides the default period (default: today).

    Returns:
        The exit code.
    """
    setup_console()
    argv = sys.argv[1:] if argv is None else argv
    verbose = "-v" in argv or "--verbose" in argv  # known before parsing, for errors raised while parsing
    try:
        args = command.parser().parse_args(argv)
        verbose = args.verbose
        logging.basicConfig(
            level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
        )
        today = today or dt.date.today()
        period = Period.parse(args.period) if args.period else Period.of(today)
        config = load_config(args.config or command.default_config)
        for line in config.warnings:
            echo(line, err=True)
        return command.run(args, config, period, today)
    except DutyTableError as exc:
        if verbose:
            traceback.print_exc()
        for line in exc.lines():
            echo(line, err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        echo("已中断。", err=True)
        return INTERRUPTED
    except PermissionError as exc:  # a read-only folder or file: the clerk can fix it
        if verbose:
            traceback.print_exc()
        where = Path(exc.filename) if exc.filename else None
        folder = where if where is None or where.is_dir() else where.parent
        echo(
            f"无法写入 {folder or '输出文件夹'}：没有写入权限。请在文件夹“属性”中取消“只读”"
            "或请管理员开放写入权限后再运行。",
            err=True,
        )
        return OutputError.exit_code
    except Exception as exc:  # the last line of defence: one line, never a traceback without -v
        if verbose:
            traceback.print_exc()
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:  # a write outside files.atomic_path
            full = disk_full(exc.filename or "输出文件")
            echo(str(full), err=True)
            return full.exit_code
        echo(f"出现意外错误（{type(exc).__name__}: {exc}）。请加 -v 重新运行，并把显示的内容发给维护人员。", err=True)
        return UNEXPECTED


# ---------------------------------------------------------------------------
# The commands


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4 and int(text) >= 1900):
        raise UsageError(f"参数错误：--year 后面要写四位数的年度，例如 2010，“{text}”无效。")
    return int(text)


class Stage(Command):
    """A single-stage script: load the master table and run one pipeline step."""

    step = ""
    force_option = False  # --force: replace what the stage wrote before
    pdf_option = False  # --no-pdf

    def __init__(
        self,
        prog: str = "",
        description: str = "",
        step: str = "",
        force_option: bool = False,
        pdf_option: bool = False,
    ) -> None:
        self.prog = prog or self.prog
        self.description = description or self.description
        self.step = step or self.step
        self.force_option = force_option or self.force_option
        self.pdf_option = pdf_option or self.pdf_option

    def add_arguments(self, parser):
        if self.force_option:
            parser.add_argument(
                "--force", action="store_true", help="重新生成已有的填报表（旧的移到“分发.旧版-时间”文件夹）"
            )
        if self.pdf_option:
            parser.add_argument("--no-pdf", action="store_true", help="不生成 PDF")

    def run(self, args, config, period, today):
        table = pipeline.load(config)
        with run_lock(config):  # generate too: a monthly run may be generating the same forms
            pipeline.run_step(
                self.step,
                config,
                table,
                period,
                echo,
                today,
                force=getattr(args, "force", False),
                pdf=not getattr(args, "no_pdf", False),
                progress=progress_printer(),
            )
        return 0


class Collect(Stage):
    prog = "collect.py"
    description = (
        "收取 inbox/ 中各单位交回的表格：核对、登记台账、归档原文件；有问题的退回或标为待补正。\n"
        "可以反复运行：已收取的文件不会重复登记，原文件不会被删除或覆盖。\n"
        "--accept 文件名：让一份“待确认”的报送（比已收到的那份填得少）代替原来那份。"
    )
    step = pipeline.COLLECT

    def add_arguments(self, parser):
        parser.add_argument("--accept", metavar="FILE", help="确认以这份“待确认”的报送为准（写交回时的文件名）")

    def run(self, args, config, period, today):
        if not args.accept:
            return super().run(args, config, period, today)
        with run_lock(config):
            accepted = pipeline.accept(config, args.accept)
        if not accepted:
            raise UsageError(f"没有名为“{args.accept}”的待确认报送：请照收取结果中“待确认”一行写出的文件名填写。")
        for name, recipient, p in accepted:
            echo(f"已确认：{name} 作为{recipient} {p} 的报送，汇总时以它为准；请重新运行汇总。")
        return 0


# The single-stage scripts: generate.py, collect.py, consolidate.py and report.py.
Generate = partial(
    Stage,
    "generate.py",
    "为每个填报单位生成本期的填报表，写到 outbox/<期次>/分发/，\n"
    "并生成 分发清单.xlsx。已生成过的期次不会被覆盖，除非加 --force。",
    pipeline.GENERATE,
    force_option=True,
)
Consolidate = partial(
    Stage,
    "consolidate.py",
    "根据台账中各单位最新的有效报送，生成本期汇总表\n（汇总、明细、报送情况、统计四个工作表），写到 outbox/<期次>/。",
    pipeline.CONSOLIDATE,
)
Remind = partial(
    Stage,
    "remind.py",
    "截止日前提醒：给本期尚未报送的单位生成提醒通知（提醒通知_<期次>.docx），\n"
    "写到 outbox/<期次>/；全部单位都已报送时不生成。定时运行时在截止日前 remind_before 天自动生成。",
    pipeline.REMIND,
)
Report = partial(
    Stage,
    "report.py",
    "生成本期 Word 汇总报告（附件格式，GB/T 9704-2012）和催报通知，\n"
    "写到 outbox/<期次>/；装有 LibreOffice 时同时生成 PDF。",
    pipeline.REPORT,
    pdf_option=True,
)


class Annual(Command):
    prog = "annual.py"
    description = (
        "根据台账生成一年的年度汇总表 outbox/<年>年度汇总.xlsx（任务进度、单位报送、指标三个工作表）\n"
        "和单位报送情况的 Word 附件（编号见 config.ini [report] attachment_annual），供年终目标考核使用。\n"
        "得分规则见 config.ini [assessment] 和 README.md。"
    )
    arguments = (
        (
            ("--year",),
            {
                "metavar": "YYYY",
                "type": _year,
                "default": None,
                "help": "年度，例如 2010；默认为 config.ini [report] year（当前责任分解表的年度）",
            },
        ),
    )

    def run(self, args, config, period, today):
        year = args.year if args.year is not None else config.year
        pipeline.step_annual(config, pipeline.load(config), year, echo, today)
        return 0


class BuildWordTemplate(Command):
    prog = "build_word_template.py"
    description = "重新生成 Word 模板（config.ini 中 [paths] word_template），已有的模板先备份。"

    def run(self, args, config, period, today):
        target = config.word_template
        if target.exists():
            echo(f"原模板已备份为 {files.backup(target).name}。")
        build_template(target)
        echo(f"已生成 Word 模板：{target}")
        return 0


class Monthly(Stage):
    prog = "monthly.py"
    description = (
        "完成一个月的全部工作：生成填报表（本期还没有时）→ 收取 → 汇总 → Word 报告（及 PDF）。\n"
        "可以反复运行；有单位未报送属于正常情况，不算失败。"
    )
    pdf_option = True

    def run(self, args, config, period, today):
        log_path = setup_logging(config, today, args.verbose)
        say = logging.getLogger("dutytable.run").info
        with run_lock(config):
            missing = pipeline.run_steps(
                config,
                period,
                (pipeline.GENERATE, pipeline.COLLECT, pipeline.CONSOLIDATE, pipeline.REPORT),
                today,
                say,
                pdf=not args.no_pdf,
            )
        if missing:
            say(f"{period} 尚未报送的单位（{len(missing)} 个）：" + "、".join(missing))
        else:
            say(f"{period} 所有单位均已报送。")
        say(f"日志：{log_path}")
        return 0


class Scheduler(Command):
    prog = "scheduler.py"
    description = (
        "按 config.ini [schedule] 的日期每天定时运行：生成日生成填报表，截止日发催报通知，\n"
        "报告日生成 Word 报告，其间每天收取并更新汇总。电脑关机错过的事项会在下次启动时补做，且不会重复。\n"
        "--install 把每天的运行登记到系统的定时任务（Windows 任务计划程序，Linux 的 crontab），\n"
        "不必开着窗口。"
    )
    system = staticmethod(registration.subprocess.run)  # how the registration calls schtasks or crontab; tests swap it
    windows = sys.platform == "win32"  # Task Scheduler, else the crontab
    folder = registration.TOOL_FOLDER  # the tool folder registered; tests set a scratch copy

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--list", action="store_true", help="是否已登记到系统的定时任务、下次何时运行，以及接下来要做的事项及日期"
        )
        group.add_argument(
            "--once",
            action="store_true",
            help="只做今天该做的事（含补做）然后退出，供 Windows 任务计划程序或 cron 调用",
        )
        group.add_argument(
            "--install",
            action="store_true",
            help="登记到系统的定时任务：每天在 config.ini 的时间用运行本命令的 Python 运行 --once"
            "（再次登记时替换原来的，不会重复）",
        )
        group.add_argument("--uninstall", action="store_true", help="从系统的定时任务中删除本工具文件夹的登记")

    def run(self, args, config, period, today):
        if args.install or args.uninstall or args.list:
            return self._registration(args, config, today)
        setup_logging(config, today, args.verbose)
        if args.once:
            with run_lock(config):
                outcomes = run_due(
                    config, today, State(config.outbox / STATE_FILE), logging.getLogger("dutytable.run").info
                )
            return 1 if any(not ok for _, _, ok in outcomes) else 0
        serve(config)
        return 0

    def _registration(self, args, config, today):
        planned = registration.planned(config, folder=self.folder)
        if args.install:
            echo(registration.install(planned, config.outbox / "logs" / "cron.log", self.windows, self.system))
        elif args.uninstall:
            echo(registration.uninstall(planned.folder, self.windows, self.system))
        else:
            now = dt.datetime.combine(today, dt.datetime.now().time())
            for line in registration.describe(planned, now, self.windows, self.system):
                echo(line)
            for line in _cannot_run(config, today):
                echo(line)
            for day, p, name in upcoming(config, today):
                echo(f"{day.isoformat()}  {p}  {NAMES[name]}")
        return 0


def _cannot_run(config, today: dt.date) -> list:
    """The line saying that the events listed will fail (a blank office, a year whose table is not in force)."""
    try:
        config.check_identity()
    except DutyTableError as exc:
        return [f"注意：下列事项现在都不能完成：{exc}"]
    try:
        config.check_identity(Period(today.year, today.month))
    except DutyTableError:
        return [
            f"注意：配置文件 {config.path} 的 [report] year = {config.year}，今天（{today:%Y-%m}）不在这一年的"
            "责任分解表之内，下列事项都会失败：请先用 import_table.py 导入本年度的责任分解表。"
        ]
    return []


class SetupDesktop(Command):
    prog = "setup_desktop.py"
    description = (
        "在这台电脑上设置双击使用：记录运行本命令的 Python 的位置（scripts 中的 .bat、.sh 找不到\n"
        "py、python3、python 时就用它）；在 Linux（统信UOS、银河麒麟等）上再为每项工作生成快捷方式\n"
        "（.desktop），放进应用菜单和工具文件夹的“桌面快捷方式”文件夹。装好 Python 和程序包后运行一次。"
    )
    windows = sys.platform == "win32"
    folder = registration.TOOL_FOLDER  # tests set up a scratch copy
    menu = None  # the applications menu's folder (default: the user's); tests pass their own

    def run(self, args, config, period, today):
        python = str(Path(sys.executable).absolute())
        record = desktop.record_python(python, self.folder, windows=self.windows)
        echo(f"已记录 Python 的位置：{python}（写在 {record}）。")
        if self.windows:
            echo("双击 scripts 文件夹中的 .bat 即可使用；要放到桌面，右键 .bat →“发送到”→“桌面快捷方式”。")
            return 0
        written = desktop.write_entries(self.menu or desktop.menu_folder(), self.folder)
        echo(
            f"已生成 {len(desktop.LAUNCHERS)} 个快捷方式，放进应用菜单（{written[0].parent}）和 "
            f"{written[1].parent}；要放到桌面，把“{desktop.SHORTCUTS}”中需要的复制到桌面，"
            "第一次双击时选“信任并运行”。"
        )
        return 0


class Action(Command):
    """A script that makes one call into the pipeline: ``action(config, period, say)``."""

    def __init__(self, prog: str, description: str, action) -> None:
        self.prog, self.description, self.action = prog, description, action

    def run(self, args, config, period, today):
        self.action(config, period, echo)
        return 0


class Demo(Command):
    prog = "demo.py"
    description = (
        "演示一个月的全部工作：在自己的文件夹 outbox/演示/ 中（随附的示例配置和 2010 年责任分解表）\n"
        "生成填报表，按各单位的方式填好（明显的【示例】数据）放进该文件夹的 inbox/，\n"
        "再收取、汇总、生成 Word 报告。其中一个单位的文件时间在截止日之后，一个单位的表格有待补正的问题。\n"
        "每次运行都重新生成演示文件夹，不动正式工作的 inbox/、outbox/ 和台账；\n"
        "--config 只能指向演示配置 templates/演示/config.ini。"
    )
    default_config = demo_kit_config(DEFAULT_CONFIG.parent)
    arguments = ((("--no-pdf",), {"action": "store_true", "help": "不生成 PDF"}),)

    def run(self, args, config, period, today):
        pipeline.demo(config, period, echo, today=today, pdf=not args.no_pdf)
        return 0


RefreshIndicators = partial(
    Action,
    "refresh_indicators.py",
    "修改了责任分解表的工作目标后，重新整理主表的“指标”工作表："
    "新增或改过目标的任务重新自动提取指标，\n"
    "您在“指标”中改过、增加、删除的内容保留不变。主表会先备份再改写。",
    pipeline.refresh_indicators,
)
