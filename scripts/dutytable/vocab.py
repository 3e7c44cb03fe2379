"""The words every stage shares: roles, the status sets, sheet names, periods, dates.

Each word a clerk reads is written here once. "Status" means four different things in
this tool, so each has its own set:

- completion (完成状态): what a unit says of a task, the form's dropdown;
- submission (报送情况): whether a unit has reported this period;
- verdict (收取结果): what the collector decided about one returned file;
- attainment (达标情况): how an indicator stands against its target.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .errors import UsageError

# -- roles -------------------------------------------------------------------
ROLE_LEAD = "牵头"
ROLE_PARTNER = "配合"

# -- completion: the four values of 完成状态, most advanced first ----------------
DONE = "已完成"
ON_TRACK = "正常推进"
BEHIND = "进度滞后"
NOT_STARTED = "未启动"
COMPLETION = (DONE, ON_TRACK, BEHIND, NOT_STARTED)
OVERDUE = "逾期未完成"  # past the table's deadline (完成时限) and not 已完成
NOT_REPORTED = "未报送"  # no lead has said anything of a task; also a unit that has not reported
UNCLEAR = "待核实"  # marks a status a return wrote that is not one of COMPLETION: "完成（待核实）"
NO_LEAD = "未明确牵头单位"  # a task whose leads are all collectives no form goes to: no unit is asked its status
NO_FORM = "未发填报表"  # beside such a collective where a task's units show: 区有关部门（未发填报表）
NO_OWNER = "未明确填报单位"  # an indicator of such a task: no unit reports its value
CLOSED = "已办结"  # 办结销号 (closing.py): a task closed after its first lead said 已完成; no answer asked since
# -- 预警: the light of a task (warning.py), worst first ------------------------------------
RED, YELLOW, GREEN = "红灯", "黄灯", "绿灯"
LIGHTS = (RED, YELLOW, GREEN)
# (fill, font) of each light in the consolidated workbook; the word and bold carry it in black and white.
LIGHT_COLORS = {RED: ("#FFC7CE", "#9C0006"), YELLOW: ("#FFEB9C", "#9C5700"), GREEN: ("#C6EFCE", "#006100")}
# (fill, font) of each completion status in the consolidated workbook, 未报送 last. 未报送 prints black on white:
# the fills alone come out as near-equal greys in black and white.
COMPLETION_COLORS = {
    DONE: ("#C6EFCE", "#006100"),
    ON_TRACK: ("#F2F2F2", "#000000"),
    BEHIND: ("#FFEB9C", "#9C5700"),
    NOT_STARTED: ("#FFC7CE", "#9C0006"),
    OVERDUE: ("#FFC7CE", "#9C0006"),
    CLOSED: ("#C6EFCE", "#006100"),
    NOT_REPORTED: ("#FFFFFF", "#000000"),
    NO_LEAD: ("#E4DFEC", "#5B2C6F"),
}
# Statuses that need a leader's attention: printed bold wherever they stand (workbooks and the Word 附件), so
# that they stand out on a black-and-white print, not by colour alone.
ATTENTION = (BEHIND, NOT_STARTED, OVERDUE, NOT_REPORTED, NO_LEAD)


def month_header(period: str, year: int | None = None) -> str:
    """A period ("2010-11") as a column head prints it: 11月; 2009年12月 when its year is not ``year``."""
    month = f"{int(period[5:])}月"
    return month if year is None or int(period[:4]) == year else f"{period[:4]}年{month}"


def needs_attention(status: str) -> bool:
    """Whether a status text (also one folded with the leads' own: "逾期未完成（进度滞后）") is printed bold."""
    return str(status).startswith(ATTENTION)


# Chart fills that stay apart in black and white: dark, light, two patterns, mid grey.
COMPLETION_CHART_FILLS = {
    DONE: {"fill": {"color": "#1E6B3A"}},
    ON_TRACK: {"fill": {"color": "#9DC3E6"}},
    BEHIND: {"pattern": {"pattern": "wide_upward_diagonal", "fg_color": "#C55A11", "bg_color": "#FFFFFF"}},
    NOT_STARTED: {"pattern": {"pattern": "small_grid", "fg_color": "#C00000", "bg_color": "#FFFFFF"}},
    NOT_REPORTED: {"fill": {"color": "#7F7F7F"}},
    UNCLEAR: {"pattern": {"pattern": "dark_vertical", "fg_color": "#7030A0", "bg_color": "#FFFFFF"}},
    NO_LEAD: {"pattern": {"pattern": "dark_horizontal", "fg_color": "#404040", "bg_color": "#FFFFFF"}},
}


def counted(status: str) -> str:
    """The status the counts file a task under: one of COMPLETION, 未报送, 未明确牵头单位, or 待核实 for a status
    written outside the list (完成（待核实）, 未填写（待核实）), never dropped from the totals. A task 已办结 counts
    as 已完成."""
    if status == CLOSED:
        return DONE
    return status if status in COMPLETION or status in (NOT_REPORTED, NO_LEAD) else UNCLEAR


def counted_columns(present) -> list:
    """The statuses a count of tasks shows, in order: COMPLETION, 待核实 and 未明确牵头单位 when ``present`` (the
    counted statuses of the tasks) has them, 未报送."""
    present = set(present)
    return [*COMPLETION, *(s for s in (UNCLEAR, NO_LEAD) if s in present), NOT_REPORTED]


# -- submission: how a unit stands this period --------------------------------
REPORTED = "已报送"
TO_FIX = "待补正"  # reported, with problems to correct
LATE = "逾期"
AFTER_REPORT = "迟到"  # a return for a period whose report day had passed when it was received

# -- verdict: what the collector made of one file ------------------------------
VALID = "有效"
REJECTED = "退回"
UNPACKED = "已解压"  # a zip attachment, its members taken one by one
EMPTY = "未填报"  # a form sent back with no answer at all: not reported, its sender gets the marked copy;
# also the attainment of an indicator with no value this period
ACCEPTED = (VALID, TO_FIX)  # verdicts whose answers count
# -- standing of an accepted return against the unit's other versions ------------
HELD = "待确认"  # a later return with fewer answers than the one it would replace: waits for the clerk
CONFIRMED = "已确认"  # a held return the clerk accepted (collect.py --accept)

# -- attainment of an indicator ------------------------------------------------
MET = "达标"
NOT_MET = "未达标"
# UNCLEAR: a value reported against a target whose reading the clerk has not confirmed (来源 待确认).
ATTAINMENT = (MET, NOT_MET, UNCLEAR, EMPTY)
ATTAINMENT_COLORS = {
    MET: ("#C6EFCE", "#006100"),
    NOT_MET: ("#FFEB9C", "#9C5700"),
    UNCLEAR: ("#E4DFEC", "#5B2C6F"),
    EMPTY: ("#D9D9D9", "#595959"),
}

# -- the comparison of an indicator's target (the 指标 sheet's 比较) ------------------
GE, LE, EQ, AT_LEAST, RANGE, ZERO = "≥", "≤", "=", "至少", "区间", "零发生"
COMPARISONS = (GE, LE, EQ, AT_LEAST, RANGE, ZERO)
BASELINE = "基数"  # not a comparison: "由5个工作日压缩至3个" - the 5 is where it starts, not a target
# Where a word of TARGET_WORDS stands: just before the number, just after the number and its unit, or
# anywhere earlier in the clause (an action whose count is the target: 新增5家 is at least 5).
BEFORE, AFTER, EARLIER = "before", "after", "earlier"
TARGET_WORDS = tuple(
    (word, where, comparison)
    for words, where, comparison in (
        # at least
        (
            (
                "不低于",
                "不少于",
                "不小于",
                "超过",
                "高于",
                "大于",
                "多于",
                "达到",
                "达",
                "实现",
                "提高到",
                "提高至",
                "提升到",
                "提升至",
                "增长到",
                "增加到",
                "增至",
                "≥",
                ">=",
                ">",
            ),
            BEFORE,
            GE,
        ),
        (("至少",), BEFORE, AT_LEAST),
        (("以上", "及以上"), AFTER, GE),
        # at most
        (
            (
                "不高于",
                "不超过",
                "不大于",
                "不多于",
                "低于",
                "少于",
                "小于",
                "控制在",
                "压缩至",
                "压缩到",
                "压减至",
                "缩短至",
                "缩短到",
                "降至",
                "降到",
                "降低至",
                "降低到",
                "下降至",
                "下降到",
                "减少至",
                "减少到",
                "减至",
                "≤",
                "<=",
                "<",
            ),
            BEFORE,
            LE,
        ),
        (("以内", "之内", "以下", "及以下"), AFTER, LE),
        # where a change starts: no target
        (("由", "从"), BEFORE, BASELINE),
        # no occurrence: 不发生…事故, 杜绝…, 无…事故 (a clause without a number), …零发生
        (("不发生", "杜绝", "无"), BEFORE, ZERO),
        ((ZERO,), AFTER, ZERO),
        # an action counted: 新增5家, 完成投资20亿元, 同比增长8%, 能耗下降3% (the fall is at least 3%)
        (
            tuple(
                "新增 新建 新创 新培育 建设 建成 完成 申报 培育 创建 争创 确保 实现 兑现 发放 引进 招引 改造 实施 开展 "
                "举办 培训 帮扶 安置 落实 投入 筹集 办理 开工 植树 造林 治理 修复 打造 推广 救助 资助 新开 增加 创成 "
                "增长 提高 提升 下降 降低 减少 削减".split()
            ),
            EARLIER,
            AT_LEAST,
        ),
    )
    for word in words
)
# Words that say a number is striven for, not promised: alone they do not tell the comparison (力争3天办结).
STRETCH_WORDS = ("力争", "争取")

# -- sheet names -----------------------------------------------------------------
TABLE_SHEET = "责任分解表"  # the master table
HELP_SHEET = "填表说明"  # in the master table and in every form
INDICATOR_SHEET = "指标"  # the master table's editable indicators, and the consolidated sheet
RECORD_SHEET = "指标记录"  # hidden: each task's target as it was when its indicators were extracted
FORM_SHEET = "填报表"
META_SHEET = "表单信息"  # hidden: what identifies a return
INDICATOR_FORM_SHEET = "指标填报"
DIST_SHEET = "分发清单"
SUMMARY_SHEET = "汇总"
DETAIL_SHEET = "明细"
SUBMISSIONS_SHEET = "报送情况"
STATS_SHEET = "统计"
TASK_YEAR_SHEET = "任务进度"  # the 年度汇总: each task's status period by period
UNIT_YEAR_SHEET = "单位报送"  # the 年度汇总: each unit's reporting period by period, and its score

# -- the year at a glance (annual.py) -----------------------------------------------
ON_TIME = "按时"
NO_DATA = "无数据"  # a period of the year with no accepted return at all
CORRECTED = "已补正"  # a 待补正 return replaced by a valid one
NOT_LISTED = "当期未列入"  # a task added to the table later in the year
REMOVED = "已从主表删除"  # a task a re-import removed: earlier months' 汇总 and the year list it at the end
STATS_CHART_SHEET = "统计图"  # the status chart, on a sheet of its own sized to a page
TREND_SHEET = "指标趋势"  # the indicators' month-by-month chart, once there are two periods

# -- time ----------------------------------------------------------------------
TIMESTAMP = "%Y-%m-%d %H:%M:%S"  # log lines
FILE_STAMP = "%Y%m%d-%H%M%S"  # in file and folder names


CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}  # 二〇二四 → 2024
CN_NUMERALS = "一二三四五六七八九十百零〇两"  # the characters of a number written in Chinese: 十二, 二十一


def cn_number(n: int) -> str:
    """一, 二, … 十, 十一, … 九十九, as the 大项 of a table and the parts of a 通报 are numbered."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def cn_date(day: dt.date) -> str:
    """A date as Chinese text reads it: 2010年11月25日."""
    return f"{day.year}年{day.month}月{day.day}日"


WIDE_WIDTHS = "WF"  # unicodedata.east_asian_width of the characters that take a full em: Wide, Fullwidth
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _narrow_past_ascii() -> re.Pattern:
    """A character class of the Basic Multilingual Plane's characters past ASCII that are not wide (“ ” · — …),
    read from unicodedata. Counting with it runs at C speed, where a Python loop over each character's width
    does not; in Chinese text it matches few characters.
    """
    ranges, start = [], None
    for code in range(0x80, 0x10001):  # one past the plane, to close the last range
        narrow = code < 0x10000 and unicodedata.east_asian_width(chr(code)) not in WIDE_WIDTHS
        if narrow and start is None:
            start = code
        elif not narrow and start is not None:
            ranges.append(f"\\U{start:08x}-\\U{code - 1:08x}")
            start = None
    return re.compile(f"[{''.join(ranges)}]")


@lru_cache(maxsize=1 << 16)
def text_width(text: str) -> float:
    """Width in character widths: a CJK character is 1, a digit or Latin letter 0.5.

    Remembered per text: the 明细 sheet measures the same names, statuses and targets thousands of times.
    """
    if text.isascii():
        return len(text) / 2
    if _BEYOND_BMP.search(text):  # rare (emoji, rare CJK): each character's width looked up
        return sum(1.0 if unicodedata.east_asian_width(ch) in WIDE_WIDTHS else 0.5 for ch in text)
    # Every character 1, less half for each narrow one: ASCII (all narrow), and those past it.
    narrow = len(text.encode("ascii", "ignore")) + len(_narrow_past_ascii().findall(text))
    return len(text) - narrow / 2


def nfkc(text: str) -> str:
    """Full-width letters, digits and punctuation as their ordinary forms (９２％ → 92%)."""
    text = text or ""
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


# Control characters in a cell: XML (so Word, and python-docx) refuses all C0 codes but tab, line feed and
# carriage return, and U+FFFE/U+FFFF. Excel stores one as an escape, _x000B_ for the Shift+Enter of text
# pasted from Word; a reader decodes it, but not everywhere (rich text runs): the escape is read here too.
_ESCAPED_CONTROL = re.compile(r"_x00[01][0-9A-Fa-f]_")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|" + _ESCAPED_CONTROL.pattern)
_DROPPED = re.compile(r"[\x00-\x08\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` with no character a Word document cannot hold: what a clerk saw in the cell.

    A line break stays one: CR LF, a lone CR, the vertical tab of Word's manual line break (Shift+Enter) and
    its form feed (page break) become a line feed. Every other control character but tab is dropped.
    """
    if (text.isprintable() and "_x" not in text) or not _CONTROL.search(text):  # nearly every cell: a quick look
        return text
    text = _ESCAPED_CONTROL.sub(lambda m: chr(int(m.group()[2:6], 16)), text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    return _DROPPED.sub("", text)


_PERIOD_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_LABEL_RE = re.compile(r"(\d{4})年(\d{1,2})月")


@dataclass(frozen=True, order=True)
class Period:
    """A reporting month, written ``YYYY-MM``; the ledger stores it as that text."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``YYYY-MM``; raise UsageError with a Chinese message otherwise."""
        match = _PERIOD_RE.match(text or "")
        if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 9999:
            raise UsageError(f"期次“{text}”无效：请写成“年-月”，例如 2010-11。")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def from_label(cls, text: str) -> Period | None:
        """The first 2010年11月 in ``text`` (a form's title), or None."""
        match = _LABEL_RE.search(text or "")
        if not match or not 1 <= int(match.group(2)) <= 12:
            return None
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Period:
        """The period a date falls in."""
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """How the period reads in Chinese text: 2010年11月."""
        return f"{self.year}年{self.month}月"

    def next(self) -> Period:
        """The following month."""
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Period:
        """The month before."""
        return Period(self.year - (self.month == 1), 12 if self.month == 1 else self.month - 1)
