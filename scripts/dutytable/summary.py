"""The month's summary: every status, count, lateness and light that 汇总, the 附件 and the year's summary show.

:func:`summarize` computes it from the ledger (returns are read once, by the collector; nothing here opens a
returned file). The writers read a :class:`Summary`: the 汇总 workbook (:mod:`consolidate`), the Word 附件
(:mod:`report`) and the 年度汇总 (:mod:`annual`). The lights come from :func:`warning.light`; the summary holds them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import namedtuple
from dataclasses import dataclass, field

from .closing import closed_label, closed_since
from .config import STATUS_MAIN_LEAD, STATUS_WORST, clamp_day
from .deadlines import deadline_column, parse_deadline
from .ledger import Ledger
from .matching import of_period
from .model import Task, TaskChange
from .pace import Pace, pace_of
from .schema import ANSWER, EXTRA, TASK, Schema
from .targets import SOURCE_UNSURE, Indicator, shown_target
from .vocab import (
    ATTAINMENT,
    CLOSED,
    COMPLETION,
    DONE,
    NO_LEAD,
    NO_OWNER,
    NOT_REPORTED,
    OVERDUE,
    REPORTED,
    ROLE_LEAD,
    ROLE_PARTNER,
    TO_FIX,
    UNCLEAR,
    Period,
    counted,
    counted_columns,
)
from .warning import LIGHT_GREEN, Light, light, light_counts, light_groups
from .xlsx import gc_paused

BLANK_STATUS = f"未填写（{UNCLEAR}）"  # a lead's reported form with no 完成状态


@dataclass(frozen=True)
class UnitAnswer:
    """What one unit of a task said this period; ``status`` is 未报送 when it has not reported."""

    recipient: str
    role: str
    reported: bool
    status: str  # by :func:`lead_status`
    texts: dict[str, str]  # answer column key (but the status) -> text


@dataclass(frozen=True)
class TaskSummary:
    task: Task
    status: str  # by config.status_rule from the leads' statuses: a completion status, "完成（待核实）", 未报送,
    # or 未明确牵头单位 when no lead gets a form (its leads are collectives config.ini does not expand)
    lead_statuses: str  # "质监分局：已完成；药监分局：未报送" when leads differ (未报送 included), else ""
    combined: dict[str, str]  # answer column key -> "质监分局：…；药监分局：…。" (leads first)
    missing: list[str]  # recipients of this task with no accepted return
    units: list[UnitAnswer] = field(default_factory=list)  # leads first in the table's order, then partners
    deadline: dt.date | None = None  # from the table's deadline column (完成时限 …), if it has one
    overdue: bool = False  # the deadline fell before the period's end and the task is not 已完成
    light: Light = LIGHT_GREEN  # 预警: by warning.light
    previous: str | None = None  # its status the period before (:func:`previous_statuses`); None: no record
    no_form: tuple = ()  # (name, role) of the task's collectives that get no form (区有关部门), leads first
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

    def value(self, column) -> object:
        """The text of ``column`` (a schema.Column) for this task in 汇总 and the 附件."""
        if column.source == TASK:
            return getattr(self.task, column.key)  # 序号 stays a number in the workbook
        if column.source == EXTRA:
            return column.task_value(self.task)
        if column.source == ANSWER:
            return self.shown_status if column.is_status else self.combined.get(column.key, "")
        return {
            "lead_statuses": self.lead_statuses,
            "missing": "、".join(self.missing),
            "warning": self.light.text,
        }.get(column.key, "")


@dataclass(frozen=True)
class RecipientState:
    name: str
    state: str  # 已报送, 待补正, 未报送
    received_at: str = ""  # when the collector first saw the return that counts
    file_time: str = ""  # when that file says it was saved
    file: str = ""
    filler: str = ""
    phone: str = ""
    problems: list[str] = field(default_factory=list)
    tasks: int = 0
    late: bool = False  # its first accepted return was received after the period's deadline (see :func:`timing`)
    fixes: int = 0  # returns of the period judged 待补正
    first_received: dt.date | None = None  # the day its first accepted return arrived: lateness is judged by it
    held: list[str] = field(default_factory=list)  # later versions waiting as 待确认 (original names)
    empty: str = ""  # original name of a form sent back with no answer (未填报), when nothing else counts


@dataclass(frozen=True)
class Timing:
    """How a unit reported in one period, by :func:`timing`."""

    first: dt.date  # the day its first accepted return (有效 or 待补正) arrived
    days_late: int  # days after the deadline; 0: on time
    fixes: int  # returns of the period judged 待补正


def timing(returns: list[tuple[str, str]], deadline: dt.date) -> Timing:
    """The one rule for lateness, the month's 汇总 and 附件 and the year's alike.

    Args:
        returns: (verdict, received_at) of a unit's accepted returns of one period, any order.

    A unit is late by the days from the deadline to the receipt of its **first** accepted return: a 待补正
    return received on time and corrected after the deadline is on time, the correction counted apart.
    """
    first = dt.date.fromisoformat(min(received for _, received in returns)[:10])
    return Timing(first, max((first - deadline).days, 0), sum(verdict == TO_FIX for verdict, _ in returns))


#: {unit's present name: {period: [(verdict, received_at)]}}, by :func:`returns_by_unit`.
ReturnsByUnit = dict[str, dict[str, list[tuple[str, str]]]]


def returns_by_unit(rows: list, aliases: dict) -> ReturnsByUnit:
    """{unit's present name ([aliases]): {period: [(verdict, received_at)]}} from the ledger's
    (recipient, period, verdict, received_at) rows: a renamed unit's returns under its former names are its own."""
    by_unit = {}
    for recipient, period, verdict, received_at in rows:
        by_unit.setdefault(aliases.get(recipient, recipient), {}).setdefault(period, []).append((verdict, received_at))
    return by_unit


@dataclass(frozen=True)
class IndicatorSummary:
    indicator: Indicator
    item: str  # the task's 工作内容
    actual: float | None  # None when not reported or unreadable
    raw: str
    note: str
    status: str  # 达标, 未达标, 未填报; 待核实 for an indicator no unit reports (its owner is "")
    series: dict[str, float | None]  # period "YYYY-MM" -> value (None where not reported)
    target: str = ""  # the target as every output prints it (indicators.shown_target)
    pace: Pace | None = None  # 序时进度 as of the summary's day; None: the indicator has none (a rate, 零发生, ≤)

    @property
    def owner(self) -> str:
        """Its 填报单位 as printed: 未明确填报单位 when no unit reports it (its task's leads get no form)."""
        return self.indicator.owner or NO_OWNER


@dataclass(frozen=True)
class Summary:
    period: Period
    title: str
    schema: Schema
    tasks: list[TaskSummary]  # in table order
    recipients: list[RecipientState]  # in recipient order
    detail: list[tuple]  # one DetailRow (a namedtuple) per (task, recipient), leads first within a task
    indicators: list[IndicatorSummary] = field(default_factory=list)  # in table order
    periods: list[str] = field(default_factory=list)  # "YYYY-MM" of the series, up to this period
    day: dt.date | None = None  # the day the summary speaks of (:func:`as_of`)
    timings: dict[str, Timing] = field(default_factory=dict)  # every unit with an accepted return this period

    @property
    def indicator_counts(self) -> dict[str, int]:
        counts = {s: 0 for s in ATTAINMENT}
        for i in self.indicators:
            counts[i.status] += 1
        return counts

    @property
    def status_counts(self) -> dict[str, int]:
        """{status: number of tasks}, 未报送 included, in display order (:func:`vocab.counted_columns`)."""
        counts = dict.fromkeys(counted_columns(t.counted_status for t in self.tasks), 0)
        for t in self.tasks:
            counts[t.counted_status] += 1
        return counts

    @property
    def by_light(self) -> dict[str, list[TaskSummary]]:
        """{红灯, 黄灯, 绿灯: the tasks of that light}, in table order (:func:`warning.light_groups`)."""
        return light_groups(self.tasks)

    @property
    def light_counts(self) -> dict[str, int]:
        """{红灯, 黄灯, 绿灯: number of tasks}."""
        return light_counts(self.tasks)

    @property
    def reported(self) -> list[RecipientState]:
        return [r for r in self.recipients if r.state != NOT_REPORTED]

    @property
    def not_reported(self) -> list[RecipientState]:
        return [r for r in self.recipients if r.state == NOT_REPORTED]


@gc_paused()  # tens of thousands of rows and answers, none in a cycle: the cyclic collector only costs time here
def summarize(
    table,
    config,
    period,
    today: dt.date | None = None,
    history: dict | None = None,
    returns: ReturnsByUnit | None = None,
) -> Summary:
    """Merge the latest accepted returns of ``period`` per task, and the indicators' series.

    Args:
        history: {period: the returns that count in it}, filled as periods are read and shared by the calls for
            several periods of one ledger (the year's summary), so that each period is read once.
        returns: the accepted returns by unit (:func:`returns_by_unit`) of ``period`` or more periods (the
            year's, read once for all its months); by default this period's, from the ledger.
    """
    history = {} if history is None else history
    latest, empty, periods, returns = _read(config, period, history, returns)
    table = of_period(table, period, latest, config.departments)  # the month's own tasks, a removed one at the end
    table = marked_collectives(table, config.departments)
    recipients = table.recipients(config.departments)
    day = as_of(period, today)  # 逾期未完成 is judged as of the day the summary speaks of
    due = config.deadline(period)
    timings = {
        name: timing(by_period[str(period)], due) for name, by_period in returns.items() if by_period.get(str(period))
    }
    closed = {t.task_id: c for t in table.tasks if (c := closed_since(t, period, config))}
    asked = {r.name: [a for a in r.assignments if a.task.task_id not in closed] for r in recipients}
    listed = {ind.owner for ind in table.indicators} | set(latest)  # an indicator's owner, or a unit that returned
    detail = _detail(table, config, recipients, latest, asked)
    deadlines = task_deadlines(table, config)
    indicators = _indicators(table, latest, history, periods, deadlines, day, pace_start(config, period))
    tasks = _tasks(table, config, period, detail, history, day, deadlines, paces_by_task(indicators), closed)
    return Summary(
        period=period,
        title=config.report_title(period),
        schema=table.schema,
        tasks=tasks,
        detail=detail,
        # a unit whose tasks are all 已办结 and that reports no indicator is asked nothing: not listed
        recipients=_states([r for r in recipients if asked[r.name] or r.name in listed], latest, empty, timings, asked),
        indicators=indicators,
        periods=periods,
        day=day,
        timings=timings,
    )


def _read(config, period, history: dict, returns: ReturnsByUnit | None) -> tuple:
    """(latest returns, empty returns, the series' periods, returns by unit) of ``period`` from the ledger;
    ``history`` gets every period up to it."""
    aliases = config.departments.aliases
    with Ledger(config.ledger, config.path.parent) as ledger:
        periods = [p for p in ledger.periods() if p <= str(period)]
        for p in [*periods, str(period)]:
            if p not in history:
                history[p] = present_names(ledger.latest_returns(p), aliases)
        empty = present_names(ledger.empty_returns(period), aliases)
        if returns is None:
            returns = returns_by_unit(ledger.accepted_in_period(period), aliases)
    return history[str(period)], empty, periods, returns


def _detail(table, config, recipients: list, latest: dict, asked: dict) -> list:
    """One row per (task, recipient) of the tasks ``asked`` of each: the recipient's answer from its latest return,
    or blanks; leads first within a task (in the table's order of its lead departments, expanded), then partners."""
    schema = table.schema
    kept = [c.key for c in schema.ledger_columns]
    extra = ["file", "received_at", "verdict", "filler", "phone"]
    Row = namedtuple("DetailRow", ["task_id", "recipient", "role", "reported", *kept, *extra])
    lead_rank = {}
    for task in table.tasks:
        names = config.departments.members(task.leads + task.partners)
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
    return detail


def _tasks(
    table, config, period, detail: list, history: dict, day: dt.date, deadlines: dict, paces: dict, closed: dict
) -> list[TaskSummary]:
    """One :class:`TaskSummary` per task of the month, with its light (``deadlines``: :func:`task_deadlines`;
    ``paces``: :func:`paces_by_task`); ``closed``: {task ID: the period that closed it} of the tasks 已办结 this
    month."""
    schema = table.schema
    texts = [c.key for c in schema.answer_columns if not c.is_status]
    choice = _choice(schema)
    by_task = {}
    for rec in detail:
        by_task.setdefault(rec.task_id, []).append(rec)
    before = previous_statuses(table, period.previous(), history.get(str(period.previous())), choice, config)
    due = config.deadline(period)
    summaries = []
    for task in table.tasks:
        group = by_task.get(task.task_id, [])
        units = [
            UnitAnswer(
                g.recipient,
                g.role,
                g.reported,
                lead_status(g.reported, getattr(g, choice) if g.reported else ""),
                {key: getattr(g, key) for key in texts},
            )
            for g in group
        ]
        leads = [(u.recipient, u.status) for u in units if u.role == ROLE_LEAD]
        statuses = [st for _, st in leads]
        status = CLOSED if task.task_id in closed else task_status(statuses, config.status_rule)
        deadline = deadlines[task.task_id]
        summaries.append(
            TaskSummary(
                task=task,
                status=status,
                lead_statuses="；".join(f"{r}：{st}" for r, st in leads) if len(set(statuses)) > 1 else "",
                combined={key: _combine(group, key) for key in texts},
                missing=[g.recipient for g in group if not g.reported],
                units=units,
                deadline=deadline,
                overdue=deadline is not None and deadline < day and counted(status) != DONE,
                light=light(
                    status, before.get(task.task_id), deadline, day, due, config.warning, paces.get(task.task_id, ())
                ),
                previous=before.get(task.task_id),
                no_form=unasked(task, config.departments),
                closed=closed.get(task.task_id, ""),
            )
        )
    return summaries


def marked_collectives(table, departments):
    """``table`` with each collective no form goes to marked in its tasks' 牵头部门 and 配合部门 as the summary shows
    them: 区有关部门（未发填报表）."""
    if not table.collectives(departments):
        return table
    tasks = [
        dataclasses.replace(
            t, leads_text=departments.marked(t.leads_text), partners_text=departments.marked(t.partners_text)
        )
        if unasked(t, departments)
        else t
        for t in table.tasks
    ]
    return dataclasses.replace(table, tasks=tasks)


def unasked(task, departments) -> tuple:
    """(name, role) of each collective of ``task`` that gets no form, its leads first."""
    return tuple(
        (name, role)
        for role, names in ((ROLE_LEAD, task.leads), (ROLE_PARTNER, task.partners))
        for name in names
        if departments.is_unexpanded_collective(name)
    )


def _choice(schema) -> str | None:
    """The key of the status column (完成状态), if the schema has one."""
    return schema.status_column.key if schema.status_column else None


def _states(
    recipients: list, latest: dict, empty: dict, timings: dict[str, Timing], asked: dict
) -> list[RecipientState]:
    """Each recipient's state this period, from the return that counts and its :class:`Timing`; its tasks, those
    ``asked`` of it (not 已办结)."""
    states = []
    for r in recipients:
        lr = latest.get(r.name)
        if lr is None:
            states.append(RecipientState(r.name, NOT_REPORTED, tasks=len(asked[r.name]), empty=empty.get(r.name, "")))
            continue
        when = timings[r.name]
        states.append(
            RecipientState(
                r.name,
                TO_FIX if lr.verdict == TO_FIX else REPORTED,
                lr.received_at.replace("T", " "),
                lr.file_time.replace("T", " "),
                lr.original_name,
                lr.filler,
                lr.phone,
                lr.problems,
                len(asked[r.name]),
                late=when.days_late > 0,
                fixes=when.fixes,
                first_received=when.first,
                held=lr.held,
            )
        )
    return states


def _indicators(
    table, latest: dict, history: dict, periods: list, deadlines: dict, day: dt.date, start: dt.date
) -> list[IndicatorSummary]:
    """Each indicator's value this period, its 达标, its series over ``periods`` and its 序时进度 as of ``day``
    (counted from ``start`` to its task's 完成时限 in ``deadlines``)."""
    items = {t.task_id: t.item for t in table.tasks}
    targets = {t.task_id: t.target for t in table.tasks}
    scored = []
    for ind in table.indicators:
        mine = latest.get(ind.owner)
        found = (mine.indicators or {}).get(ind.indicator_id, {}) if mine else {}
        actual = found.get("value")
        series = {
            p: (
                (history[p].get(ind.owner).indicators or {}).get(ind.indicator_id, {}).get("value")
                if history[p].get(ind.owner)
                else None
            )
            for p in periods
        }
        scored.append(
            IndicatorSummary(
                ind,
                items.get(ind.task_id, ""),
                actual,
                found.get("raw", ""),
                found.get("note", ""),
                ind.score(actual) if ind.owner else UNCLEAR,
                series,
                shown_target(ind, targets.get(ind.task_id, "")),
                pace_of(ind, actual, deadlines.get(ind.task_id), day, start, ind.source != SOURCE_UNSURE),
            )
        )
    return scored


def task_deadlines(table, config) -> dict[str, dt.date | None]:
    """{task ID: its 完成时限 from the table's deadline column (None where it has none or gives none)}."""
    header = deadline_column(table)
    return {
        t.task_id: parse_deadline(dict(t.extras).get(header, ""), config.year) if header else None for t in table.tasks
    }


def paces_by_task(scored: list[IndicatorSummary]) -> dict[str, tuple[Pace, ...]]:
    """{task ID: the :class:`pace.Pace` of each of its indicators that has one}."""
    paces = {}
    for i in scored:
        if i.pace is not None:
            paces.setdefault(i.indicator.task_id, []).append(i.pace)
    return {task_id: tuple(found) for task_id, found in paces.items()}


def pace_start(config, period) -> dt.date:
    """The day the 序时进度 counts from: the first of [warning] pace_start_month of the table's year."""
    return dt.date(config.year or period.year, config.warning.pace_start_month, 1)


def lead_status(reported: bool, said: str | None) -> str:
    """A unit's status of a task, the month's and the one the next month's light looks back at alike: as it
    reported it (``said``), 未报送 when it has not reported, or "未填写（待核实）" when its return has no status
    for the task (left blank, or the task's row missing from it)."""
    if not reported:
        return NOT_REPORTED
    return said or BLANK_STATUS


def previous_statuses(table, before, returns: dict | None, choice: str | None, config) -> dict[str, str]:
    """{task ID: its status in the period ``before``, by config.status_rule}, from that period's returns (unit's
    present name -> return); a task a re-import added after it is left out, and so is every task when that
    period has no returns at all (no record, not 未报送). Each lead's status is :func:`lead_status`, as that
    period's summary gives it."""
    if not returns or choice is None:
        return {}
    added = {c.task.task_id: c.period for c in table.history if c.kind == TaskChange.ADDED}
    statuses = {}
    for task in table.tasks:
        if added.get(task.task_id, "") > str(before):
            continue
        leads = []
        for name in config.departments.members(task.leads):
            ret = returns.get(name)
            ans = ret.answers.get(task.task_id) if ret is not None else None
            leads.append(lead_status(ret is not None, ans.values.get(choice) if ans is not None else ""))
        statuses[task.task_id] = task_status(leads, config.status_rule)
    return statuses


def as_of(period, today: dt.date | None = None) -> dt.date:
    """The day a summary or report of ``period`` speaks of: ``today``, or the period's last day once the month is
    over (or when no day is given)."""
    end = clamp_day(period.year, period.month, 31)
    return min(today, end) if today else end


def joined_names(units) -> str:
    """The units' names as a list in a sentence: "园区办、安监局"."""
    return "、".join(u.name for u in units)


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


def task_status(statuses: list[str], rule: str) -> str:
    """A task's status from its leads' statuses (table order, 未报送 for a lead that has not reported).

    ``main_lead``: the first lead's, 未报送 included. ``worst``: the least advanced of those that
    reported (a status to verify counts as least advanced). ``majority``: the commonest among those
    that reported, a tie going to the less advanced. 未报送 when no lead has reported; 未明确牵头单位
    when the task has no lead that gets a form (its leads are all collectives no group expands).
    """
    if not statuses:
        return NO_LEAD
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
    """ "质监分局：…；药监分局：…。" for the recipients with something to say, leads first.

    Each part's own closing stop goes, so that the parts read as one sentence.
    """
    parts = [f"{g.recipient}：{text}" for g in group if (text := str(getattr(g, key)).strip().rstrip("。；;."))]
    return "；".join(parts) + "。" if parts else ""


def consolidation_line(summary: Summary) -> str:
    """One line: tasks by status and who has not reported."""
    counts = summary.status_counts
    parts = "，".join(f"{k}{v}项" for k, v in counts.items() if v)
    missing = summary.not_reported
    tail = (f"尚未报送（{len(missing)} 个）：" + "、".join(r.name for r in missing)) if missing else "全部单位均已报送"
    return f"共 {len(summary.tasks)} 项任务：{parts}；{tail}。"
