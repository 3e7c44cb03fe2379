"""config.ini: reading, checking, and the values every stage uses.

Paths in the file are relative to the file's own folder, so the tool works wherever
the clerk unpacked it. A missing or malformed file raises ConfigError with one line of
Chinese naming the section and key.
"""

import calendar
import configparser
import datetime as dt
import difflib
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from . import files
from .departments import Departments, split_list
from .errors import ConfigError
from .files import UNSAFE_IN_NAME
from .headers import ImportOptions, check_column_config
from .warning import WarningRule

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "config.ini"
_YES = ("是", "yes", "true", "1")
_NO = ("否", "no", "false", "0")
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# [report] subject and attachment become part of file names: 附件1_2010年<subject>目标任务推进情况汇总表_2010-11.docx。
MAX_NAME_PART = 40
# [report] partner_text: each 配合 unit's text, identical texts in one line naming the units, or none.
PARTNER_INCLUDE, PARTNER_COLLAPSE, PARTNER_OMIT = "include", "collapse", "omit"
PAPERS = ("A4", "A3")
# [report] year, subject and office: the year's identity, read from the imported table's title (the office
# set by the clerk). Blank until then; every step that writes paper stops while one is blank.
IDENTITY_KEYS = ("year", "subject", "office")
IDENTITY_HINTS = {
    "year": "year = 责任分解表的年度（例如 2024）",
    "subject": "subject = 工作名称（例如 XX区优化营商环境工作）",
    "office": "office = 牵头协调（发文）单位（例如 XX区优化营商环境工作领导小组办公室）",
}
# [workbook] return_note may name the office by reference: 请……发回{office}。
RETURN_NOTE_FIELDS = ("office",)
# Every section and key config.ini may hold. None: the section's keys are free (names of units,
# columns). Some keys are accepted before any stage reads them, so a config written for a newer
# version does not warn.
KNOWN_KEYS = {
    "paths": ("table", "inbox", "outbox", "ledger", "archive", "rejected", "word_template"),
    "report": (
        "subject",
        "year",
        "office",
        "attachment",
        "attachment2",
        "attachment_annual",
        "status_rule",
        "contact",
        "phone",
        "report_columns",
        "partner_text",
        "remind_days",
        "paper",
        "annual_order",
    ),
    "schedule": ("generate_day", "deadline_day", "report_day", "time", "remind_before"),
    "workbook": ("password", "return_note"),
    "collect": ("settle_seconds",),
    "aliases": None,
    "groups": None,
    "columns": None,
    "import": ("first_listed_lead",),
    "assessment": ("on_time", "late", "to_fix", "missing"),
    "warning": ("warn_days", "pace_tolerance", "lagging_twice_red", "pace_start_month", "close_completed"),
}
# configparser's DEFAULT section would copy its keys into every section; no name a clerk can type.
_NO_DEFAULT_SECTION = "\0"


# [report] status_rule: the status of a task with several leads, each lead's own shown beside it.
STATUS_MAIN_LEAD = "main_lead"  # the first lead listed in the table (default)
STATUS_WORST = "worst"  # the least advanced status of the leads that reported
STATUS_MAJORITY = "majority"  # the commonest status of the leads that reported
STATUS_RULES = (STATUS_MAIN_LEAD, STATUS_WORST, STATUS_MAJORITY)
# [report] annual_order: the rows of the year's Word 附件, by rank or in the table's order of units.
ORDER_RANK, ORDER_TABLE = "rank", "table"
# Each rule as the paper says it, in the office's words (never the config key).
STATUS_RULE_WORDS = {
    STATUS_MAIN_LEAD: "以主表中排在第一位的牵头单位所报状态为准",
    STATUS_WORST: "以已报送的牵头单位中进展最慢的状态为准",
    STATUS_MAJORITY: "以已报送的牵头单位中多数所报的状态为准，相同时取进展较慢的",
}


@dataclass(frozen=True)
class Assessment:
    """[assessment]: the points a unit earns for each period of the year, by how it reported."""

    on_time: int = 10  # reported by the deadline, nothing to correct
    late: int = 6  # reported after the deadline
    to_fix: int = 4  # its return still 待补正 (late and 待补正: the lower of the two)
    missing: int = 0  # nothing received


@dataclass
class Config:
    """Everything config.ini says, checked and typed."""

    path: Path
    table: Path
    inbox: Path
    outbox: Path
    ledger: Path
    archive: Path
    rejected: Path
    word_template: Path
    subject: str  # blank until the table's title or the clerk names the work
    year: int | None  # None until the table's title or the clerk names it
    office: str  # blank until the clerk names it
    attachment: str
    report_columns: tuple  # the table's own extra columns printed in the 附件 (besides the deadline column)
    status_rule: str  # how a task with several leads gets its status: one of STATUS_RULES
    generate_day: int
    deadline_day: int
    report_day: int
    run_time: dt.time
    password: str
    return_note: str  # may hold {office}; see :attr:`return_text`
    settle_seconds: int
    departments: Departments
    #: One line each for the clerk: settings that were ignored (unknown key or section). cli.main prints them.
    warnings: list = field(default_factory=list)
    import_options: ImportOptions = field(default_factory=ImportOptions)  # [columns] and [import]
    assessment: Assessment = field(default_factory=Assessment)  # [assessment]: the 年度汇总's score
    attachment_annual: str = "1"  # [report] attachment_annual: the number of the year's Word 附件
    attachment2: str = "2"  # the number of the 量化指标 附件
    contact: str = ""  # 联系人 of the 催报通知 and the forms' 填表说明
    phone: str = ""  # 联系电话 of the 催报通知 and the forms' 填表说明
    partner_text: str = PARTNER_COLLAPSE  # what the 附件 prints of the 配合 units' text
    remind_days: int = 3  # days a 催报通知 allows when the deadline has passed
    paper: str = "A4"  # the 汇总表's paper
    annual_order: str = ORDER_RANK  # the year's Word 附件: its units by rank (or ORDER_TABLE)
    remind_before: int = 3  # [schedule] days before the deadline of the 提醒通知 to the units yet to report; 0: none
    warning: WarningRule = field(default_factory=WarningRule)  # [warning]: the 预警 lights' thresholds
    close_completed: bool = False  # [warning] close_completed: 办结销号 (closing.py), off by default

    def deadline(self, period):
        """The period's deadline; a day past the month's end means its last day."""
        return clamp_day(period.year, period.month, self.deadline_day)

    def generate_date(self, period):
        """The day the period's forms go out; a day past the month's end means its last day."""
        return clamp_day(period.year, period.month, self.generate_day)

    def remind_date(self, period):
        """The day of the period's 提醒通知 (remind_before days before its deadline), or None: none set, or it
        would fall on or before the day the forms go out."""
        if not self.remind_before:
            return None
        day = self.deadline(period) - dt.timedelta(days=self.remind_before)
        return day if day > self.generate_date(period) else None

    def report_date(self, period):
        """The period's report day; a day past the month's end means its last day."""
        return clamp_day(period.year, period.month, self.report_day)

    @property
    def contact_text(self) -> str:
        """ "联系人：张三，联系电话：0519-12345678" as the 催报通知 and the forms print it; what is set of the two."""
        parts = (f"联系人：{self.contact}" if self.contact else "", f"联系电话：{self.phone}" if self.phone else "")
        return "，".join(x for x in parts if x)

    @property
    def return_text(self):
        """[workbook] return_note as the forms print it: {office} replaced by the office."""
        return self.return_note.format(office=self.office)

    def check_identity(self, period=None):
        """Raise ConfigError (one line) when the year, the work's name or the office is blank, or ``period``
        is outside the table's year (its January to the next March): paper must not speak for another table.
        """
        missing = [key for key in IDENTITY_KEYS if not getattr(self, key)]
        if missing:
            raise ConfigError(
                f"配置文件 {self.path} 的 [report] 中 {'、'.join(missing)} 为空，不能生成表格和报告：请用记事本打开"
                f"它填写 {'；'.join(IDENTITY_HINTS[key] for key in missing)}，保存后再运行。"
            )
        if period is not None and not (
            period.year == self.year or (period.year == self.year + 1 and period.month <= 3)
        ):
            raise ConfigError(
                f"期次 {period} 不属于 {self.year} 年的责任分解表"
                f"（配置文件 {self.path} 的 [report] year = {self.year}）："
                f"请检查 --period；如已换用 {period.year} 年的责任分解表，请先用 import_table.py 导入"
                "（它会写入年度和工作名称）。"
            )

    def check_year(self, year: int) -> None:
        """Raise ConfigError (one line) when ``year`` is not the year of the table in force: a year's summary
        speaks with its own table's tasks, units and work name, which a later import has replaced."""
        if year != self.year:
            raise ConfigError(
                f"配置文件 {self.path} 的 [report] year = {self.year}：年度汇总只能按这一年的责任分解表生成，"
                f"不能生成 {year} 年的。每年的年度汇总请在导入下一年的责任分解表之前生成（见 README.md“每年开始时”）。"
            )

    def period_dir(self, period):
        """outbox/<YYYY-MM>/, where everything about one month is written."""
        return self.outbox / str(period)

    def form_title(self, period):
        """2010年11月区质量振兴工作推进情况填报表."""
        return f"{period.label}{self.subject}推进情况填报表"

    def report_title(self, period):
        """2010年区质量振兴工作目标任务推进情况 (the consolidated and report names add to it)."""
        return f"{period.year}年{self.subject}目标任务推进情况"


def clamp_day(year, month, day):
    """date(year, month, day), with a day past the month's end moved to its last day."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def load_config(path=None):
    """Read and check config.ini.

    Args:
        path: the file; the repository's config.ini when None.

    Returns:
        A :class:`Config`.

    Raises:
        ConfigError: the file is missing, unreadable, malformed, or a value is wrong.
    """
    path = Path(path) if path else DEFAULT_CONFIG
    parser = _parse(path)
    reader = _Reader(parser, path)
    departments = _departments(parser, path)
    import_options = _import_options(parser, reader, path)
    config = Config(
        path=path,
        **_paths(reader, path),
        **_identity_and_report(reader),
        **_schedule_and_workbook(reader),
        departments=departments,
        warnings=unknown_settings(parser, path),
        import_options=import_options,
        **_assessment_to_warning(reader),
    )
    if not config.generate_day <= config.deadline_day <= config.report_day:
        raise ConfigError(
            f"配置文件 {path} 的 [schedule] 日期顺序不对：应为 generate_day ≤ deadline_day ≤ report_day"
            f"（现为 {config.generate_day}、{config.deadline_day}、{config.report_day}）。"
        )
    return config


def _import_options(parser: configparser.ConfigParser, reader: "_Reader", path: Path) -> ImportOptions:
    """[columns] (the table's own column names) and [import]."""
    columns = {}
    if parser.has_section("columns"):
        columns = check_column_config({k: tuple(split_list(v)) for k, v in parser.items("columns")}, path)
    return ImportOptions(columns=columns, first_listed_lead=reader.yes_no("import", "first_listed_lead", "否"))


def _schedule_and_workbook(reader: "_Reader") -> dict:
    """The schedule's days and time, [workbook] and [collect], checked in this order."""
    return {
        "generate_day": reader.integer("schedule", "generate_day", 1, 1, 31),
        "deadline_day": reader.integer("schedule", "deadline_day", 25, 1, 31),
        "report_day": reader.integer("schedule", "report_day", 28, 1, 31),
        "run_time": reader.time("schedule", "time", "08:30"),
        "password": reader.text("workbook", "password", "", allow_empty=True),
        "return_note": reader.template(
            "workbook", "return_note", "请在截止日期前将填好的表格发回{office}。", RETURN_NOTE_FIELDS
        ),
        "settle_seconds": reader.integer("collect", "settle_seconds", 3, 0, 600),
    }


def _assessment_to_warning(reader: "_Reader") -> dict:
    """[assessment], the rest of [report], remind_before and [warning], checked in this order."""
    return {
        "assessment": Assessment(
            **{
                key: reader.integer("assessment", key, getattr(Assessment, key), 0, 100)
                for key in KNOWN_KEYS["assessment"]
            }
        ),
        "attachment_annual": reader.name_part("report", "attachment_annual", "1"),
        "attachment2": reader.name_part("report", "attachment2", "2"),
        "contact": reader.text("report", "contact", "", allow_empty=True),
        "phone": reader.text("report", "phone", "", allow_empty=True),
        "partner_text": reader.choice(
            "report", "partner_text", PARTNER_COLLAPSE, (PARTNER_INCLUDE, PARTNER_COLLAPSE, PARTNER_OMIT)
        ),
        "remind_days": reader.integer("report", "remind_days", 3, 1, 60),
        "paper": reader.choice("report", "paper", "A4", PAPERS),
        "annual_order": reader.choice("report", "annual_order", ORDER_RANK, (ORDER_RANK, ORDER_TABLE)),
        "remind_before": reader.integer("schedule", "remind_before", 3, 0, 28),
        "warning": WarningRule(
            warn_days=reader.integer("warning", "warn_days", WarningRule.warn_days, 0, 366),
            pace_tolerance=reader.integer("warning", "pace_tolerance", WarningRule.pace_tolerance, 0, 100),
            lagging_twice_red=reader.yes_no("warning", "lagging_twice_red", "是"),
            pace_start_month=reader.integer("warning", "pace_start_month", WarningRule.pace_start_month, 1, 12),
        ),
        "close_completed": reader.yes_no("warning", "close_completed", "否"),
    }


def _parse(path: Path) -> configparser.ConfigParser:
    """config.ini parsed; ConfigError when it is missing, not UTF-8, unreadable or malformed."""
    if not path.is_file():
        raise ConfigError(f"找不到配置文件 {path}：请用 --config 指定 config.ini 的位置。")
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",), default_section=_NO_DEFAULT_SECTION)
    parser.optionxform = str  # department names are case-sensitive keys
    try:
        # utf-8-sig: Windows Notepad may save a BOM.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {path} 不是 UTF-8 编码：请用记事本打开，“另存为”时编码选 UTF-8。") from None
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {path}（{exc.strerror}）：请检查文件是否存在、是否有权限。") from None
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        where = f"第{line}行" if line else ""
        raise ConfigError(
            f"配置文件 {path} {where}格式错误：每一节以 [节名] 开头，每项写成“名称 = 值”，且不能重复。"
        ) from None
    return parser


def _departments(parser: configparser.ConfigParser, path: Path) -> Departments:
    """[aliases] and [groups], each name with its value; ConfigError for a name without one."""
    aliases = dict(parser.items("aliases")) if parser.has_section("aliases") else {}
    for name, target in aliases.items():
        if not target.strip():
            raise ConfigError(f"配置文件 {path} 的 [aliases] 中“{name}”没有写对应的名称：请写成“{name} = 规范名称”。")
    groups = {}
    if parser.has_section("groups"):
        for name, members in parser.items("groups"):
            names = split_list(members)
            if not names:
                raise ConfigError(
                    f"配置文件 {path} 的 [groups] 中“{name}”没有列出任何单位：请用顿号分隔列出，或删除这一行。"
                )
            groups[name] = names
    return Departments(aliases, groups)


def _paths(reader: "_Reader", path: Path) -> dict:
    """[paths], each relative to config.ini's own folder unless absolute."""
    base = path.resolve().parent

    def rel(key, default):
        value = Path(reader.text("paths", key, default))
        return value if value.is_absolute() else base / value

    return {
        "table": rel("table", "templates/责任分解表.xlsx"),
        "inbox": rel("inbox", "inbox"),
        "outbox": rel("outbox", "outbox"),
        "ledger": rel("ledger", "outbox/收文台账.sqlite3"),
        "archive": rel("archive", "inbox/已归档"),
        "rejected": rel("rejected", "inbox/退回"),
        "word_template": rel("word_template", "templates/附件模板.docx"),
    }


def _identity_and_report(reader: "_Reader") -> dict:
    """The year's identity and the first keys of [report], checked in this order."""
    return {
        "subject": reader.name_part("report", "subject", "", example="XX区优化营商环境工作"),
        "year": reader.integer("report", "year", None, 1900, 9999, example=2024),
        "office": reader.text("report", "office", "", allow_empty=True),
        "attachment": reader.name_part("report", "attachment", "1"),
        "report_columns": tuple(split_list(reader.text("report", "report_columns", "", allow_empty=True))),
        "status_rule": reader.choice("report", "status_rule", STATUS_MAIN_LEAD, STATUS_RULES),
    }


def unknown_settings(parser: configparser.ConfigParser, path: Path) -> list[str]:
    """One warning per section or key config.ini holds that no stage reads, naming the nearest valid one.

    A misspelt key (deadine_day) would otherwise be ignored in silence and its default used.
    """
    warnings = []
    for section in parser.sections():
        if section not in KNOWN_KEYS:
            near = _nearest(section, KNOWN_KEYS)
            hint = f"是不是 [{near}]？" if near else f"可用的节：{'、'.join(f'[{s}]' for s in KNOWN_KEYS)}；"
            warnings.append(f"配置文件 {path} 的 [{section}]：不认识的节，{hint}这一节中的设置都没有起作用。")
            continue
        keys = KNOWN_KEYS[section]
        if keys is None:
            continue
        for key in parser[section]:
            if key in keys:
                continue
            home = next((s for s, k in KNOWN_KEYS.items() if k and key in k), None)
            near = _nearest(key, keys)
            if home:
                hint = f"这一项应写在 [{home}] 中，写在这里"
            elif near:
                hint = f"不认识的设置，是不是 {near}？这一项"
            else:
                hint = f"不认识的设置（[{section}] 可用的设置：{'、'.join(keys)}），这一项"
            warnings.append(f"配置文件 {path} 的 [{section}] {key}：{hint}没有起作用。")
    return warnings


def _nearest(name, choices):
    """The choice closest to ``name`` (case and a letter or two aside), or None."""
    by_lower = {c.lower(): c for c in choices}
    found = difflib.get_close_matches(name.strip().lower(), list(by_lower), n=1, cutoff=0.7)
    return by_lower[found[0]] if found else None


class _Reader:
    """Typed access to config values with Chinese messages naming section and key."""

    def __init__(self, parser, path):
        self.parser = parser
        self.path = path

    def text(self, section, key, default, allow_empty=False):
        value = self.parser.get(section, key, fallback=default).strip()
        if not value and not allow_empty:
            raise ConfigError(f"配置文件 {self.path} 的 [{section}] {key} 为空：请填写，例如“{key} = {default}”。")
        return value

    def name_part(self, section, key, default, example=None):
        """Text that becomes part of output file names (the report's and the consolidation's).

        A blank default lets the value be blank (a key the import fills in); ``example`` is then shown.
        """
        value = self.text(section, key, default, allow_empty=not default)
        if len(value) > MAX_NAME_PART or UNSAFE_IN_NAME.search(value):
            raise ConfigError(
                f"配置文件 {self.path} 的 [{section}] {key} = {value} 无效：它是输出文件名的一部分，"
                f'不能超过 {MAX_NAME_PART} 个字，也不能含有 \\ / : * ? " < > | 这些字符，'
                f"例如“{key} = {example or default}”。"
            )
        return value

    def template(self, section, key, default, fields):
        """Text that may name ``fields`` as {field}; an unknown {name} or an unpaired brace is a ConfigError."""
        value = self.text(section, key, default)
        allowed = "、".join(f"{{{name}}}" for name in fields)
        try:
            names = [
                (name, spec, conversion)
                for _, name, spec, conversion in string.Formatter().parse(value)
                if name is not None
            ]
        except ValueError:
            raise ConfigError(
                f"配置文件 {self.path} 的 [{section}] {key} 中有不成对的花括号：花括号只能用在 {allowed}"
                f" 中，例如“{key} = {default}”。"
            ) from None
        for name, spec, conversion in names:
            if name not in fields or spec or conversion:
                raise ConfigError(
                    f"配置文件 {self.path} 的 [{section}] {key} 中的“{{{name}}}”无效：只能写 {allowed}，"
                    f"例如“{key} = {default}”。"
                )
        return value

    def choice(self, section, key, default, choices):
        text = self.text(section, key, default)
        value = next((c for c in choices if c.lower() == text.lower()), None)
        if value is None:
            raise ConfigError(
                f"配置文件 {self.path} 的 [{section}] {key} = {text} 无效：应为 "
                f"{' / '.join(choices)} 之一，例如“{key} = {default}”。"
            )
        return value

    def yes_no(self, section, key, default):
        """True for 是 (yes, true, 1), False for 否 (no, false, 0); anything else is a ConfigError."""
        value = self.text(section, key, default).lower()
        if value not in _YES + _NO:
            raise ConfigError(f"配置文件 {self.path} 的 [{section}] {key} = {value} 无效：请写“是”或“否”。")
        return value in _YES

    def integer(self, section, key, default, low, high, example=None):
        """An integer in [low, high]; with a default of None the value may be blank (None)."""
        raw = self.parser.get(section, key, fallback="" if default is None else str(default)).strip()
        if default is None and not raw:
            return None
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise ConfigError(
                f"配置文件 {self.path} 的 [{section}] {key} = {raw} 无效：应为 {low} 到 {high} 之间的整数，例如"
                f" {default if example is None else example}。"
            )
        return value

    def time(self, section, key, default):
        raw = self.parser.get(section, key, fallback=default).strip()
        match = _TIME_RE.match(raw)
        if not match:
            raise ConfigError(
                f"配置文件 {self.path} 的 [{section}] {key} = {raw} 无效：应写成“时:分”（24小时制），例如 {default}。"
            )
        return dt.time(int(match.group(1)), int(match.group(2)))


def write_values(path, section, values: dict) -> None:
    """Set ``values`` (key -> text) in ``section`` of config.ini; every other byte of the file stays as it was.

    A key already in the section keeps its line (its left side as written), the value replaced; a key not
    there is added after the section's last line. Written atomically, UTF-8 (a BOM kept if there was one).
    """
    path = Path(path)
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    start = next((i for i, line in enumerate(lines) if line.strip() == f"[{section}]"), None)
    if start is None:
        lines += [newline, f"[{section}]{newline}"]
        start = len(lines) - 1
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    pending = dict(values)
    for i in range(start + 1, end):
        left, sep, _ = lines[i].partition("=")
        if sep and not left.lstrip().startswith((";", "#")) and left.strip() in pending:
            ending = lines[i][len(lines[i].rstrip("\r\n")) :]
            lines[i] = f"{left}= {pending.pop(left.strip())}".rstrip() + ending
    at = end
    while at > start + 1 and not lines[at - 1].strip():
        at -= 1
    lines[at:at] = [f"{key} = {value}".rstrip() + newline for key, value in pending.items()]
    data = ("\ufeff" if raw.startswith(b"\xef\xbb\xbf") else "") + "".join(lines)
    files.atomic_write_bytes(path, data.encode("utf-8"))
