"""Stage 4, consolidation: the latest accepted return of each recipient, merged per task.

:func:`summarize` computes everything from the ledger (returns are read once, by the
collector; nothing here opens a returned file) and is shared by the consolidated
workbook and the Word report. :func:`write_workbook` writes the sheets and the charts.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from dataclasses import dataclass, field
from operator import itemgetter

from . import files
from .closing import closed_label, closed_since
from .config import STATUS_MAIN_LEAD, STATUS_WORST, clamp_day
from .errors import DiskFullError, OutputError
from .ledger import Ledger
from .matching import of_period
from .model import TaskChange
from .schema import (
    ANSWER,
    COMPUTED,
    DETAIL,
    EXTRA,
    H_ATTAINMENT,
    H_CATEGORY,
    H_FILE_TIME,
    H_FILLER,
    H_HELD,
    H_IND_ACTUAL,
    H_IND_ID,
    H_IND_NAME,
    H_IND_TARGET,
    H_ITEM,
    H_NOTE,
    H_PHONE,
    H_RECEIVED,
    H_SEQ,
    H_SUBMISSIONS,
    H_TASKS,
    H_TOTAL,
    H_UNIT,
    ROLE,
    SUMMARY,
    TASK,
)
from .table import deadline_column, parse_deadline
from .vocab import (
    ATTAINMENT,
    ATTAINMENT_COLORS,
    CLOSED,
    COMPLETION,
    COMPLETION_CHART_FILLS,
    COMPLETION_COLORS,
    CORRECTED,
    DETAIL_SHEET,
    DONE,
    EMPTY,
    FILE_STAMP,
    INDICATOR_SHEET,
    LATE,
    LIGHT_COLORS,
    NOT_REPORTED,
    OVERDUE,
    REPORTED,
    ROLE_LEAD,
    STATS_CHART_SHEET,
    STATS_SHEET,
    SUBMISSIONS_SHEET,
    SUMMARY_SHEET,
    TO_FIX,
    TREND_SHEET,
    UNCLEAR,
    counted,
    month_header,
    needs_attention,
)
from .warning import ALERTS, LIGHT_GREEN, Light, light, light_counts
from .xlsx import A3, A4, BODY, HEAD, cell_writers, gc_paused, new_workbook, print_landscape
from .xlsx import row_height as xlsx_row_height
from .xlsx import row_heights as xlsx_row_heights

EXCEL_CELL_LIMIT = 32767
BLANK_STATUS = f"未填写（{UNCLEAR}）"  # a lead's reported form with no 完成状态
TOO_LONG = f"……（内容过长，其余见“{DETAIL_SHEET}”工作表）"


@dataclass
class UnitAnswer:
    """What one unit of a task said this period; ``status`` is 未报送 when it has not reported."""

    recipient: str
    role: str
    reported: bool
    status: str
    texts: dict  # answer column key (without choices) -> text


@dataclass
class TaskSummary:
    task: object  # model.Task
    status: str  # by config.status_rule from the leads' statuses: a completion status, "完成（待核实）", or 未报送
    lead_statuses: str  # "质监分局：已完成；药监分局：未报送" when leads differ (未报送 included), else ""
    combined: dict  # answer column key -> "质监分局：…；药监分局：…。" (leads first)
    missing: list  # recipients of this task with no accepted return
    units: list = field(default_factory=list)  # UnitAnswer, leads first in the table's order, then partners
    deadline: dt.date | None = None  # from the table's deadline column (完成时限 …), if it has one
    overdue: bool = False  # the deadline fell before the period's end and the task is not 已完成
    light: Light = LIGHT_GREEN  # 预警: by warning.light
    closed: str = ""  # the period that closed it, when it is 已办结 in this one (closing.py): no answer asked

    @property
    def counted_status(self) -> str:
        """The status the counts file it under: a status written outside the list (完成（待核实）) as 待核实,
        never dropped from the totals."""
        return counted(self.status)

    @property
    def shown_status(self) -> str:
        """The status as 汇总 and the 附件 print it: 逾期未完成 first when the deadline has passed; a task closed
        before this period as 已办结（2010年11月）."""
        if self.closed:
            return closed_label(self.closed)
        return f"{OVERDUE}（{self.status}）" if self.overdue else self.status

    @property
    def progress(self) -> str:
        return self.combined.get("progress", "")

    def value(self, column):
        """The text of ``column`` (a schema.Column) for this task in 汇总 and the 附件."""
        if column.source == TASK:
            return getattr(self.task, column.key)  # 序号 stays a number in the workbook
        if column.source == EXTRA:
            return column.task_value(self.task)
        if column.source == ANSWER:
            return self.shown_status if column.choices else self.combined.get(column.key, "")
        return {"lead_statuses": self.lead_statuses, "missing": "、".join(self.missing),
                "warning": self.light.text}.get(column.key, "")


@dataclass
class RecipientState:
    name: str
    state: str  # 已报送, 待补正, 未报送
    received_at: str = ""  # when the collector first saw the return that counts
    file_time: str = ""  # when that file says it was saved
    file: str = ""
    filler: str = ""
    phone: str = ""
    problems: list = field(default_factory=list)
    tasks: int = 0
    late: bool = False  # its first accepted return was received after the period's deadline (see :func:`timing`)
    fixes: int = 0  # returns of the period judged 待补正
    first_received: dt.date | None = None  # the day its first accepted return arrived: lateness is judged by it
    held: list = field(default_factory=list)  # later versions waiting as 待确认 (original names)
    empty: str = ""  # original name of a form sent back with no answer (未填报), when nothing else counts


@dataclass(frozen=True)
class Timing:
    """How a unit reported in one period, by :func:`timing`."""

    first: dt.date  # the day its first accepted return (有效 or 待补正) arrived
    days_late: int  # days after the deadline; 0: on time
    fixes: int  # returns of the period judged 待补正


def timing(returns: list, deadline: dt.date) -> Timing:
    """The one rule for lateness, the month's 汇总 and 附件 and the year's alike.

    Args:
        returns: (verdict, received_at) of a unit's accepted returns of one period, any order.

    A unit is late by the days from the deadline to the receipt of its **first** accepted return: a 待补正
    return received on time and corrected after the deadline is on time, the correction counted apart.
    """
    first = dt.date.fromisoformat(min(received for _, received in returns)[:10])
    return Timing(first, max((first - deadline).days, 0), sum(verdict == TO_FIX for verdict, _ in returns))


def returns_by_unit(rows: list, aliases: dict) -> dict:
    """{unit's present name ([aliases]): {period: [(verdict, received_at)]}} from the ledger's
    (recipient, period, verdict, received_at) rows: a renamed unit's returns under its former names are its own."""
    by_unit = {}
    for recipient, period, verdict, received_at in rows:
        by_unit.setdefault(aliases.get(recipient, recipient), {}).setdefault(period, []).append((verdict, received_at))
    return by_unit


@dataclass
class IndicatorSummary:
    indicator: object  # indicators.Indicator
    item: str  # the task's 工作内容
    actual: float | None  # None when not reported or unreadable
    raw: str
    note: str
    status: str  # 达标, 未达标, 未填报
    series: dict  # period "YYYY-MM" -> value (None where not reported)


@dataclass
class Summary:
    period: object
    title: str
    schema: object  # schema.Schema
    tasks: list  # TaskSummary in table order
    recipients: list  # RecipientState in recipient order
    detail: list  # one DetailRow (a namedtuple) per (task, recipient), leads first within a task
    indicators: list = field(default_factory=list)  # IndicatorSummary in table order
    periods: list = field(default_factory=list)  # "YYYY-MM" of the series, up to this period

    @property
    def indicator_counts(self) -> dict:
        counts = {s: 0 for s in ATTAINMENT}
        for i in self.indicators:
            counts[i.status] += 1
        return counts

    @property
    def status_counts(self) -> dict:
        """{status: number of tasks}, 未报送 included, in display order."""
        counts = {s: 0 for s in COMPLETION + (NOT_REPORTED,)}
        for t in self.tasks:
            counts[t.counted_status] = counts.get(t.counted_status, 0) + 1
        return counts

    @property
    def light_counts(self) -> dict:
        """{红灯, 黄灯, 绿灯: number of tasks}."""
        return light_counts(t.light for t in self.tasks)

    @property
    def reported(self) -> list:
        return [r for r in self.recipients if r.state != NOT_REPORTED]

    @property
    def not_reported(self) -> list:
        return [r for r in self.recipients if r.state == NOT_REPORTED]


@gc_paused()  # tens of thousands of rows and answers, none in a cycle: the cyclic collector only costs time here
def summarize(table, config, period, today: dt.date | None = None, history: dict | None = None) -> Summary:
    """Merge the latest accepted returns of ``period`` per task, and the indicators' series.

    Args:
        history: {period: the returns that count in it}, filled as periods are read and shared by the calls for
            several periods of one ledger (the year's summary), so that each period is read once.

    Returns:
        A :class:`Summary`.
    """
    aliases = config.departments.aliases
    history = {} if history is None else history
    with Ledger(config.ledger, config.path.parent) as ledger:
        periods = [p for p in ledger.periods() if p <= str(period)]
        for p in [*periods, str(period)]:
            if p not in history:
                history[p] = present_names(ledger.latest_returns(p), aliases)
        latest = history[str(period)]
        empty = present_names(ledger.empty_returns(period), aliases)
        returns = returns_by_unit(ledger.accepted_in_period(period), aliases)
    table = of_period(table, period, latest, config.departments)  # the month's own tasks, a removed one at the end
    schema = table.schema
    kept = [c.key for c in schema.ledger_columns]
    texts = [c.key for c in schema.answer_columns if not c.choices]
    choice = next((c.key for c in schema.answer_columns if c.choices), None)
    recipients = table.recipients(config.departments)
    closed = {t.task_id: c for t in table.tasks if (c := closed_since(t, period, config))}
    asked = {r.name: [a for a in r.assignments if a.task.task_id not in closed] for r in recipients}

    # One row per (task, recipient): the recipient's answer from its latest return, or blanks.
    extra = ["file", "received_at", "verdict", "filler", "phone"]
    Row = namedtuple("DetailRow", ["task_id", "recipient", "role", "reported", *kept, *extra])
    lead_rank = {}  # leads first (in the table's order of its lead departments, expanded), then partners
    for task in table.tasks:
        names = [m for n in task.leads + task.partners for m in config.departments.expand(n)]
        for i, name in enumerate(names):
            lead_rank.setdefault((task.task_id, name), i)
    blank = ("",) * (len(kept) + len(extra))
    detail = []
    for r in recipients:
        lr = latest.get(r.name)
        if lr is None:
            detail.extend(Row(a.task.task_id, r.name, a.role, False, *blank) for a in asked[r.name])
            continue
        of_return = (lr.original_name, lr.received_at, lr.verdict, lr.filler, lr.phone)
        for a in asked[r.name]:
            ans = lr.answers.get(a.task.task_id)
            # ans[k] for each kept column, read from its values at C speed
            values = blank if ans is None else (*map(ans.values.get, kept, blank), *of_return)
            detail.append(Row(a.task.task_id, r.name, a.role, True, *values))
    detail.sort(key=lambda d: (d.task_id, d.role != ROLE_LEAD, lead_rank.get((d.task_id, d.recipient), 9999)))
    by_task = {}
    for rec in detail:
        by_task.setdefault(rec.task_id, []).append(rec)
    summaries = []
    deadline_header = deadline_column(table)
    day = as_of(period, today)  # 逾期未完成 is judged as of the day the summary speaks of
    before = previous_statuses(table, period.previous(), history.get(str(period.previous())), choice, config)
    due = config.deadline(period)
    for task in table.tasks:
        group = by_task.get(task.task_id, [])
        unit_statuses = [_unit_status(g, choice) for g in group]
        leads = [(g.recipient, st) for g, st in zip(group, unit_statuses) if g.role == ROLE_LEAD]
        statuses = [st for _, st in leads]
        status = CLOSED if task.task_id in closed else task_status(statuses, config.status_rule)
        lead_statuses = "；".join(f"{r}：{st}" for r, st in leads) if len(set(statuses)) > 1 else ""
        deadline = parse_deadline(dict(task.extras).get(deadline_header, ""), config.year) if deadline_header else None
        shown = light(status, before.get(task.task_id), deadline, day, due, config.warning)
        summaries.append(TaskSummary(
            task=task, status=status, lead_statuses=lead_statuses,
            combined={key: _combine(group, key) for key in texts},
            missing=[g.recipient for g in group if not g.reported],
            units=[UnitAnswer(g.recipient, g.role, g.reported, st, {key: getattr(g, key) for key in texts})
                   for g, st in zip(group, unit_statuses)],
            deadline=deadline, overdue=deadline is not None and deadline < day and counted(status) != DONE,
            light=shown, closed=closed.get(task.task_id, "")))

    states = []
    owners = {ind.owner for ind in table.indicators}
    for r in recipients:
        lr = latest.get(r.name)
        if lr is None and not asked[r.name] and r.name not in owners:
            continue  # its tasks are all 已办结: nothing is asked of it
        if lr is None:
            states.append(RecipientState(r.name, NOT_REPORTED, tasks=len(asked[r.name]), empty=empty.get(r.name, "")))
        else:
            when = timing(returns[r.name][str(period)], due)
            states.append(RecipientState(
                r.name, TO_FIX if lr.verdict == TO_FIX else REPORTED, lr.received_at.replace("T", " "),
                lr.file_time.replace("T", " "), lr.original_name, lr.filler, lr.phone, lr.problems,
                len(asked[r.name]), late=when.days_late > 0, fixes=when.fixes, first_received=when.first,
                held=lr.held))
    items = {t.task_id: t.item for t in table.tasks}
    scored = []
    for ind in table.indicators:
        mine = latest.get(ind.owner)
        found = (mine.indicators or {}).get(ind.indicator_id, {}) if mine else {}
        actual = found.get("value")
        series = {p: ((history[p].get(ind.owner).indicators or {}).get(ind.indicator_id, {}).get("value")
                      if history[p].get(ind.owner) else None) for p in periods}
        scored.append(IndicatorSummary(ind, items.get(ind.task_id, ""), actual, found.get("raw", ""),
                                       found.get("note", ""), ind.score(actual), series))
    return Summary(period=period, title=config.report_title(period), schema=schema, tasks=summaries,
                   recipients=states, detail=detail, indicators=scored, periods=periods)


def previous_statuses(table, before, returns: dict | None, choice, config) -> dict:
    """{task ID: its status in the period ``before``, by config.status_rule}, from that period's returns (unit's
    present name -> return); a task a re-import added after it is left out, and so is every task when that
    period has no returns at all (no record, not 未报送)."""
    if not returns or choice is None:
        return {}
    added = {c.task.task_id: c.period for c in table.history if c.kind == TaskChange.ADDED}
    statuses = {}
    for task in table.tasks:
        if added.get(task.task_id, "") > str(before):
            continue
        leads = []
        for name in (m for n in task.leads for m in config.departments.expand(n)):
            ret = returns.get(name)
            ans = ret.answers.get(task.task_id) if ret is not None else None
            leads.append(NOT_REPORTED if ans is None else ans.values.get(choice) or BLANK_STATUS)
        statuses[task.task_id] = task_status(leads, config.status_rule)
    return statuses


def as_of(period, today: dt.date | None = None) -> dt.date:
    """The day a summary or report of ``period`` speaks of: ``today``, or the period's last day once the month is
    over (or when no day is given)."""
    end = clamp_day(period.year, period.month, 31)
    return min(today, end) if today else end


def present_names(by_name: dict, aliases: dict) -> dict:
    """``by_name`` (a unit's name as the ledger has it -> its return) keyed by the unit's present name, through
    [aliases]: a unit renamed during the year reported under its former name. Where a unit has returns under
    both names, the one under its present name counts; under two former names, the later received.
    """
    present = {}
    for name, value in by_name.items():
        now = aliases.get(name, name)
        if now != name and now in by_name:
            continue  # its own return under the present name counts
        earlier = present.get(now)
        if earlier is None or getattr(value, "received_at", "") > getattr(earlier, "received_at", ""):
            present[now] = value
    return present


def _unit_status(g, choice) -> str:
    """A unit's status of a task: as it reported it, 未报送, or "未填写（待核实）" for a reported blank."""
    if not g.reported:
        return NOT_REPORTED
    return getattr(g, choice) or BLANK_STATUS


def task_status(statuses: list, rule: str) -> str:
    """A task's status from its leads' statuses (table order, 未报送 for a lead that has not reported).

    ``main_lead``: the first lead's, 未报送 included. ``worst``: the least advanced of those that
    reported (a status to verify counts as least advanced). ``majority``: the commonest among those
    that reported, a tie going to the less advanced. 未报送 when no lead has reported.
    """
    if not statuses:
        return NOT_REPORTED
    if rule == STATUS_MAIN_LEAD:
        return statuses[0]
    said = [s for s in statuses if s != NOT_REPORTED]
    if not said:
        return NOT_REPORTED

    def rank(status):
        return COMPLETION.index(status) if status in COMPLETION else len(COMPLETION)

    if rule == STATUS_WORST:
        return max(said, key=rank)
    counts = {s: said.count(s) for s in said}
    return max(counts, key=lambda s: (counts[s], rank(s)))


def _combine(group, key: str) -> str:
    """"质监分局：…；药监分局：…。" for the recipients with something to say, leads first.

    Each part's own closing stop goes, so that the parts read as one sentence.
    """
    parts = [f"{g.recipient}：{text}" for g in group
             if (text := str(getattr(g, key)).strip().rstrip("。；;."))]
    return "；".join(parts) + "。" if parts else ""


def _fit(text: str) -> str:
    """Excel keeps at most 32,767 characters in a cell."""
    if len(text) <= EXCEL_CELL_LIMIT:
        return text
    return text[:EXCEL_CELL_LIMIT - len(TOO_LONG)] + TOO_LONG


def consolidation_line(summary: Summary) -> str:
    """One line: tasks by status and who has not reported."""
    counts = summary.status_counts
    parts = "，".join(f"{k}{v}项" for k, v in counts.items() if v)
    missing = summary.not_reported
    tail = (f"尚未报送（{len(missing)} 个）：" + "、".join(r.name for r in missing)) if missing else "全部单位均已报送"
    return f"共 {len(summary.tasks)} 项任务：{parts}；{tail}。"


# ---------------------------------------------------------------------------
# The workbook

def workbook_path(config, period):
    """outbox/<period>/2010年…汇总表_2010-11.xlsx: the period in the name, a stem apart from the 附件's."""
    return config.period_dir(period) / f"{config.report_title(period)}汇总表_{period}.xlsx"


def consolidate(config, table, period, now=None, today: dt.date | None = None) -> tuple:
    """Summarize and write the consolidated workbook.

    If the previous workbook is open in Excel (locked on Windows), it is written under a
    new name instead.

    Returns:
        (path written, :class:`Summary`, a note for the clerk or "").
    """
    summary = summarize(table, config, period, today)
    target = workbook_path(config, period)
    note = ""
    try:
        write_workbook(summary, target, config.paper)
    except DiskFullError:  # another name is on the same full disk
        raise
    except OutputError:
        stamp = (now or dt.datetime.now()).strftime(FILE_STAMP)[-6:]
        other = files.free_name(target.with_name(f"{target.stem}_{stamp}{target.suffix}"))
        write_workbook(summary, other, config.paper)
        note = f"{target.name} 正被其他程序（如 Excel）打开，无法替换，本次汇总表已另存为 {other.name}。"
        target = other
    return target, summary, note


def write_workbook(summary: Summary, path, paper: str = "A4") -> None:
    """Write the consolidated workbook atomically: 汇总, 明细, 报送情况, 统计 and its chart (and 指标).

    Every table sheet prints landscape on ``paper`` (A4 or A3) at the scale that fits its
    width, which its columns keep at 85 % or more on A4.
    """
    code = A3 if paper == "A3" else A4
    # Hundreds of thousands of cell objects, none of them in a cycle: the cyclic collector only costs time here.
    with files.atomic_path(path) as tmp, gc_paused():
        wb = new_workbook(tmp, font={"font_name": FONT, "font_size": FONT_PT})
        wb.set_properties({"title": summary.title + "汇总表", "comments": f"期次 {summary.period}"})
        f = _formats(wb)
        _sheet_summary(wb, f, summary, code)
        _sheet_detail(wb, f, summary, code)
        _sheet_submissions(wb, f, summary, code)
        _sheet_stats(wb, f, summary)
        if summary.indicators:
            _sheet_indicators(wb, f, summary, code)
        wb.close()


FONT = "宋体"
FONT_PT = 10


def _formats(wb):
    base = {**BODY, "font_name": FONT, "font_size": FONT_PT}
    f = {
        "title": wb.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter",
                                "font_name": "黑体"}),
        "head": wb.add_format({**base, **HEAD}),
        "cell": wb.add_format(base),
        "center": wb.add_format({**base, "align": "center"}),
        "missing": wb.add_format({**base, "bg_color": "#FFC7CE", "font_color": "#9C0006", "bold": True}),
        "fix": wb.add_format({**base, "bg_color": "#FFEB9C"}),
        "pct": wb.add_format({**base, "num_format": "0.0%", "align": "center"}),
        "num": wb.add_format({**base, "align": "center"}),
        "bold": wb.add_format({**base, "bold": True}),
    }
    for status, (bg, fg) in list(COMPLETION_COLORS.items()) + list(ATTAINMENT_COLORS.items()):
        f["cf_" + status] = wb.add_format({"bg_color": bg, "font_color": fg, "bold": needs_attention(status)})
    for color, (bg, fg) in LIGHT_COLORS.items():
        f["cf_" + color] = wb.add_format({"bg_color": bg, "font_color": fg, "bold": color in ALERTS})
    return f


def row_height(values, widths) -> float:
    """A row height that shows every wrapped cell of the 汇总表 whole."""
    return xlsx_row_height(values, widths, FONT_PT)


def _table_sheet(wb, f, name, title, headers, rows, status_col=None, row_format=None, paper=A4):
    """A sheet with a title row, a frozen and filtered header row, printable landscape at 85 % or more.

    Each row is as tall as its longest text needs.
    """
    ws = wb.add_worksheet(name)
    ws.set_row(0, 26)
    ws.merge_range(0, 0, 0, len(headers) - 1, title, f["title"])
    widths = [w for _, w in headers]
    ws.set_row(1, row_height([h for h, _ in headers], widths))
    for c, (header, width) in enumerate(headers):
        ws.set_column(c, c, width)
        ws.write_string(1, c, header, f["head"])
    texts = []  # each cell's text once, for its row's height and its cell
    for values in rows:
        cells = list(map(str, values))
        texts.append(cells if max(map(len, cells), default=0) <= EXCEL_CELL_LIMIT else [_fit(t) for t in cells])
    cell, number = f["cell"], f["num"]
    write_string, write_number, write_blank = cell_writers(ws)
    for r, (values, cells, height) in enumerate(zip(rows, texts, xlsx_row_heights(texts, widths, FONT_PT)), start=2):
        fmt = row_format(values) if row_format else None
        ws.set_row(r, height)
        text_format, number_format = fmt or cell, fmt or number
        for c, (value, text) in enumerate(zip(values, cells)):
            # A str is its own text: only other values need the check for a number.
            if value is not text and isinstance(value, (int, float)) and not isinstance(value, bool):
                write_number(r, c, value, number_format)
            elif text:
                write_string(r, c, text, text_format)
            else:
                write_blank(r, c, None, text_format)
    last = max(len(rows) + 1, 2)
    ws.freeze_panes(2, 0)
    ws.autofilter(1, 0, last, len(headers) - 1)
    if status_col is not None and rows:
        for status in COMPLETION_COLORS:  # a status folded with the leads' own starts with it
            ws.conditional_format(2, status_col, last, status_col, {
                "type": "text", "criteria": "begins with", "value": status, "format": f["cf_" + status]})
    print_landscape(ws, widths, paper, repeat_row=1)
    return ws


def _headers(columns, place):
    return tuple((c.header, c.width(place)) for c in columns)


def _status_col(columns):
    return next((i for i, c in enumerate(columns) if c.choices), None)


def _shown(columns, rows, always=lambda c: c.key in ("seq", "item") or bool(c.choices)):
    """The columns with something to show (a column empty in every row is left out, unless ``always`` keeps it),
    and the rows cut to them."""
    kept = [i for i, c in enumerate(columns) if always(c) or any(r[i] != "" for r in rows)]
    return [columns[i] for i in kept], [tuple(r[i] for i in kept) for r in rows]


def _sheet_summary(wb, f, s, paper=A4):
    """One row a task; 序号 runs 1…n; the leads' own statuses folded into 完成状态 when they disagree."""
    columns = [c for c in s.schema.at(SUMMARY) if c.key != "lead_statuses"]
    rows = []
    for n, t in enumerate(s.tasks, start=1):
        values = []
        for c in columns:
            if c.key == "seq":
                values.append(n)
            elif c.choices:
                values.append(t.shown_status + (f"（{t.lead_statuses}）" if t.lead_statuses else ""))
            else:
                values.append(t.value(c))
        rows.append(tuple(values))
    columns, rows = _shown(columns, rows)
    ws = _table_sheet(wb, f, SUMMARY_SHEET, f"{s.title}汇总表（{s.period.label}）", _headers(columns, SUMMARY), rows,
                      status_col=_status_col(columns), paper=paper)
    light_col = next((i for i, c in enumerate(columns) if c.key == "warning"), None)
    if light_col is not None and rows:
        for color in LIGHT_COLORS:  # the word and bold say it in black and white; the fill on screen
            ws.conditional_format(2, light_col, len(rows) + 1, light_col, {
                "type": "text", "criteria": "begins with", "value": color, "format": f["cf_" + color]})


# The 明细 cells worked out from a detail row.
DETAIL_COMPUTED = ("recipient", "submission", "filler", "phone", "file", "received_at")


def _sheet_detail(wb, f, s, paper=A4):
    """One row a unit and task, in the table's order of tasks (leads first, as the summary has them)."""
    columns = s.schema.at(DETAIL)
    submission = next((i for i, c in enumerate(columns) if c.key == "submission"), None)
    # A task's own cells from the table are the same in each of its rows: read once a task.
    own = [c for c in columns if c.source not in (COMPUTED, ROLE, ANSWER)]
    rows = []
    if s.detail:
        pick = _detail_picks(columns, s.detail[0]._fields, own)
        by_task = {}
        for rec in s.detail:
            by_task.setdefault(rec.task_id, []).append(rec)
        for t in s.tasks:
            cells = tuple(c.task_value(t.task) for c in own)
            for rec in by_task.get(t.task.task_id, ()):
                state = NOT_REPORTED if not rec.reported else (TO_FIX if rec.verdict == TO_FIX else REPORTED)
                rows.append(pick[rec.reported]((*rec, rec.recipient, state, rec.filler, rec.phone, rec.file,
                                                str(rec.received_at).replace("T", " "), "", *cells)))
    _table_sheet(wb, f, DETAIL_SHEET, f"{s.title}{DETAIL_SHEET}（{s.period.label}）", _headers(columns, DETAIL),
                 rows, status_col=_status_col(columns),
                 row_format=(lambda v: f["missing"] if v[submission] == NOT_REPORTED else None)
                 if submission is not None else None, paper=paper)


def _detail_picks(columns, fields, own) -> dict:
    """{reported: a function that picks a 明细 row's cells}, at C speed, from the tuple made of the row:
    the detail row's ``fields``, the values of :data:`DETAIL_COMPUTED`, "" (any other computed column),
    then the task's cells of the ``own`` columns. A unit's return, once it has reported, overrides the
    table's read-only columns that the ledger keeps."""
    computed_at = len(fields)
    own_at = computed_at + len(DETAIL_COMPUTED) + 1

    def position(c, reported):
        if c.source == COMPUTED:
            known = c.key in DETAIL_COMPUTED
            return computed_at + (DETAIL_COMPUTED.index(c.key) if known else len(DETAIL_COMPUTED))
        if c.source == ROLE:
            return fields.index("role")
        if c.source == ANSWER or (c.ledger and reported):
            return fields.index(c.key)
        return own_at + own.index(c)

    picks = {}
    for reported in (True, False):
        get = itemgetter(*(position(c, reported) for c in columns))
        picks[reported] = get if len(columns) > 1 else (lambda row, get=get: (get(row),))  # one index: no tuple
    return picks


SUBMISSION_HEADERS = ((H_SEQ, 5), (H_UNIT, 12), (H_SUBMISSIONS, 8), (H_TASKS, 6), (H_RECEIVED, 17), (LATE, 5),
                      ("文件", 26), (H_FILE_TIME, 16), (H_HELD, 24), (H_FILLER, 8), (H_PHONE, 13), ("问题", 48))


def _sheet_submissions(wb, f, s, paper=A4):
    rows = [(i, r.name, r.state, r.tasks, r.received_at, LATE if r.late else "", r.file, r.file_time,
             "、".join(r.held), r.filler, r.phone, _remarks(r))
            for i, r in enumerate(s.recipients, start=1)]
    fills = {NOT_REPORTED: f["missing"], TO_FIX: f["fix"]}
    headers, rows = _shown(SUBMISSION_HEADERS, rows, always=lambda h: h[0] not in (H_FILE_TIME, H_HELD))
    _table_sheet(wb, f, SUBMISSIONS_SHEET, f"{s.title}{SUBMISSIONS_SHEET}（{s.period.label}）", tuple(headers),
                 rows, row_format=lambda v: fills.get(v[2]), paper=paper)


def _remarks(r: RecipientState) -> str:
    """报送情况's 问题: the problems of the return that counts, 已补正 for a unit whose earlier return was
    待补正, or the empty form it sent back."""
    if r.problems:
        return "；".join(r.problems)
    if r.state == REPORTED and r.fixes:
        return (f"{CORRECTED}（此前收到的{r.fixes}份为{TO_FIX}；是否{LATE}按{r.first_received.isoformat()}"
                f"收到的第一份判断）")
    return f"“{r.empty}”交回时没有填写任何内容（{EMPTY}）" if r.empty else ""


INDICATOR_HEADERS = ((H_IND_ID, 9), (H_ITEM, 9), (H_IND_NAME, 30), (H_IND_TARGET, 10), (H_UNIT, 10),
                     (H_IND_ACTUAL, 11), (H_ATTAINMENT, 8), (H_NOTE, 24))
MAX_TREND_LINES = 12  # a chart stays readable with a dozen lines


def _sheet_indicators(wb, f, s, paper=A4):
    """Target, actual and 达标 for every indicator and the month-by-month series; the trend chart on its own
    sheet once there are two periods to draw a line between."""
    headers = INDICATOR_HEADERS + tuple((month_header(p, s.period.year), 8) for p in s.periods)
    rows = []
    for i in s.indicators:
        ind = i.indicator
        actual = i.actual if i.actual is not None else (i.raw or "")
        rows.append((ind.indicator_id, i.item, ind.name, ind.target_text, ind.owner, actual, i.status, i.note)
                    + tuple("" if i.series[p] is None else i.series[p] for p in s.periods))
    ws = _table_sheet(wb, f, INDICATOR_SHEET, f"{s.title}量化指标完成情况（{s.period.label}）", headers, rows,
                      paper=paper)
    last = len(rows) + 1
    for status in ATTAINMENT_COLORS:
        ws.conditional_format(2, 6, last, 6, {"type": "cell", "criteria": "==", "value": f'"{status}"',
                                              "format": f["cf_" + status]})
    percent = [r for r, i in enumerate(s.indicators, start=2) if i.indicator.unit == "%"]
    if len(s.periods) >= 2 and percent:
        first_col = len(INDICATOR_HEADERS)
        last_col = first_col + len(s.periods) - 1
        chart = wb.add_chart({"type": "line"})
        for r in percent[:MAX_TREND_LINES]:
            chart.add_series({"name": [INDICATOR_SHEET, r, 2],
                              "categories": [INDICATOR_SHEET, 1, first_col, 1, last_col],
                              "values": [INDICATOR_SHEET, r, first_col, r, last_col],
                              "marker": {"type": "automatic", "size": 7}, "line": {"width": 2.25},
                              "data_labels": {"value": True, "position": "above"}})
        chart.set_title({"name": "百分比指标逐月累计完成值"})
        chart.set_y_axis({"name": "%"})
        chart.set_legend({"position": "bottom"})
        sheet = wb.add_chartsheet(TREND_SHEET)
        sheet.set_chart(chart)
        sheet.set_landscape()
        sheet.set_paper(paper)


def _sheet_stats(wb, f, s):
    """Tasks by category and status, the submission counts, and the status chart on a sheet of its own."""
    ws = wb.add_worksheet(STATS_SHEET)
    counted = [(t.task.category, t.counted_status) for t in s.tasks]
    statuses = list(COMPLETION) + ([UNCLEAR] if any(st == UNCLEAR for _, st in counted) else []) + [NOT_REPORTED]
    table = {}  # category -> {status: tasks}, categories in table order
    for category, status in counted:
        row = table.setdefault(category, dict.fromkeys(statuses, 0))
        row[status] += 1
    widths = [18] + [10] * (len(statuses) + 1)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.merge_range(0, 0, 0, len(statuses) + 1, f"{s.title}{STATS_SHEET}（{s.period.label}）", f["title"])
    ws.write_string(1, 0, H_CATEGORY, f["head"])
    for c, status in enumerate(statuses, start=1):
        ws.write_string(1, c, status, f["head"])
    ws.write_string(1, len(statuses) + 1, H_TOTAL, f["head"])
    for r, (category, counts) in enumerate(table.items(), start=2):
        ws.set_row(r, row_height([category], widths[:1]))
        ws.write_string(r, 0, category, f["cell"])
        for c, status in enumerate(statuses, start=1):
            ws.write_number(r, c, counts[status], f["num"])
        ws.write_number(r, len(statuses) + 1, sum(counts.values()), f["num"])
    total_row = 2 + len(table)
    ws.set_row(total_row, row_height([H_TOTAL], widths[:1]))
    ws.write_string(total_row, 0, H_TOTAL, f["bold"])
    for c, status in enumerate(statuses, start=1):
        ws.write_number(total_row, c, sum(row[status] for row in table.values()), f["num"])
    ws.write_number(total_row, len(statuses) + 1, len(counted), f["num"])

    r = total_row + 2
    due, done = len(s.recipients), len(s.reported)
    for label, value, fmt in (("应报送单位", due, f["num"]), (f"{REPORTED}单位", done, f["num"]),
                              (f"{NOT_REPORTED}单位", due - done, f["num"]),
                              ("报送率", done / due if due else 0.0, f["pct"])):
        ws.set_row(r, row_height([label], widths[:1]))
        ws.write_string(r, 0, label, f["bold"])
        ws.write_number(r, 1, value, fmt)
        r += 1
    r += 1
    for color, number in s.light_counts.items():  # 预警: tasks per light
        ws.set_row(r, row_height([f"{color}任务"], widths[:1]))
        ws.write_string(r, 0, f"{color}任务", f["bold"])
        ws.write_number(r, 1, number, f["num"])
        r += 1
    print_landscape(ws, widths, footer=None)

    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    for c, status in enumerate(statuses, start=1):
        chart.add_series({"name": [STATS_SHEET, 1, c], "categories": [STATS_SHEET, 2, 0, total_row - 1, 0],
                          "values": [STATS_SHEET, 2, c, total_row - 1, c], **COMPLETION_CHART_FILLS[status],
                          "border": {"color": "#000000", "width": 0.75}, "gap": 60,
                          # on a white box, readable on every fill and pattern
                          "data_labels": {"value": True, "num_format": "0;;;", "fill": {"color": "#FFFFFF"},
                                          "border": {"color": "#000000"},
                                          "font": {"bold": True, "color": "#000000", "size": 11}}})
    chart.set_title({"name": f"各类别任务完成状态（{s.period.label}）"})
    chart.set_y_axis({"name": "任务数", "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom", "font": {"size": 11}})
    sheet = wb.add_chartsheet(STATS_CHART_SHEET)
    sheet.set_chart(chart)
    sheet.set_landscape()
    sheet.set_paper(A4)
