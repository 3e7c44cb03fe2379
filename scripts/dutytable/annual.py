"""Stage 7, the year at a glance: the year's summary that the 年度汇总 workbook (:mod:`annual_xlsx`) and the
Word 附件 of the 单位报送 table (:mod:`annual_word`) print.

Everything comes from the ledger: each unit's returns of the year through :meth:`Ledger.accepted_in_year`,
read once and given to :func:`summary.summarize`, called once per period that has data; the tasks'
statuses and each unit's lateness are those of the month's summary. Nothing is re-read from archived files.

Every cell says what is known: a month of the year with no accepted return at all is
无数据, a task the forms did not list that month (added later) is 当期未列入, a unit the
ledger knows but the present table does not is named as such and is not ranked. Rates and
scores are numbers computed here, so a reader that does not recalculate shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .config import STATUS_MAIN_LEAD, Assessment
from .ledger import Ledger
from .summary import ReturnsByUnit, as_of, returns_by_unit, summarize
from .vocab import (
    BEHIND,
    CORRECTED,
    LATE,
    NO_DATA,
    NOT_LISTED,
    NOT_REPORTED,
    NOT_STARTED,
    ON_TIME,
    OVERDUE,
    REMOVED,
    TO_FIX,
    UNCLEAR,
    Period,
    cn_date,
    month_header,
)

NOT_DUE = "未到截止日"  # a unit that has not reported yet in a month whose deadline has not come


@dataclass
class UnitMonth:
    """How one unit reported in one period: its first accepted return decides lateness (:func:`summary.timing`)."""

    received: dt.date | None  # the day its first accepted return arrived; None: nothing received
    days_late: int = 0
    fixes: int = 0  # returns of the period judged 待补正
    still_to_fix: bool = False  # its latest return is 待补正
    on_forms: bool = True  # False: none of the unit's present tasks was on that month's forms (added later)
    due: bool = True  # False: the month's deadline has not come; it is not scored, nor counted in the rate

    @property
    def reported(self) -> bool:
        return self.received is not None

    @property
    def text(self) -> str:
        """按时, 逾期3天, 待补正（逾期3天）, 按时，已补正, 未报送, 未到截止日."""
        if not self.reported:
            return NOT_LISTED if not self.on_forms else NOT_REPORTED if self.due else NOT_DUE
        timing = f"{LATE}{self.days_late}天" if self.days_late else ON_TIME
        if self.still_to_fix:
            return TO_FIX + (f"（{timing}）" if self.days_late else "")
        return timing + (f"，{CORRECTED}" if self.fixes else "")

    def points(self, rule: Assessment) -> int:
        """The period's points: a late return still 待补正 earns the lower of the two; none when not owed, nor
        before the deadline."""
        if not self.due:
            return 0
        if not self.reported:
            return rule.missing if self.on_forms else 0
        timing = rule.late if self.days_late else rule.on_time
        return min(timing, rule.to_fix) if self.still_to_fix else timing


@dataclass
class UnitYear:
    name: str
    months: dict  # period "YYYY-MM" -> UnitMonth, for the periods with data
    listed: bool = True  # in the present table
    score: int | None = None
    rank: int | None = None

    @property
    def fixes(self) -> int:
        return sum(m.fixes for m in self.months.values())

    @property
    def on_time_rate(self) -> float | None:
        """Returns by the deadline over the periods with data (None when there is none).

        For a unit the present table does not list, only the months it reported count: whether it owed
        a return in the others is not known. Months before any of its tasks was on the forms do not count,
        nor a month whose deadline has not come.
        """
        known = [m for m in self.months.values() if m.due and (m.reported or (self.listed and m.on_forms))]
        if not known:
            return None
        return sum(m.reported and not m.days_late for m in known) / len(known)

    def cell(self, period: str, data_periods: list) -> str:
        if period not in data_periods:
            return NO_DATA
        month = self.months[period]
        return UNCLEAR if not self.listed and not month.reported else month.text


@dataclass
class TaskYear:
    task_id: str
    item: str
    leads: str
    cells: dict  # period "YYYY-MM" -> what 任务进度 shows (a status, 逾期未完成（…）, 当期未列入)
    colours: dict  # period -> the status whose colour the cell takes
    lights: dict = field(default_factory=dict)  # period -> the month's warning.Light (none where 当期未列入)
    last_progress: str = ""
    behind: int = 0
    not_started: int = 0
    overdue: str = ""  # 逾期未完成 when the table's deadline has passed at the last period
    note: str = ""


@dataclass
class AnnualSummary:
    year: int
    title: str
    periods: list  # "YYYY-MM" from the first period with data to the last, gaps included
    data_periods: list  # those with at least one accepted return
    tasks: list  # TaskYear in table order, then those removed from the table
    units: list  # UnitYear in recipient order, then the ones the ledger alone knows
    indicators: list  # IndicatorSummary of the last period, series limited to the year
    rule: Assessment
    has_deadline: bool = False
    notes: list = field(default_factory=list)
    not_due: dict = field(default_factory=dict)  # period -> its deadline, for the periods whose deadline has not come
    status_rule: str = STATUS_MAIN_LEAD  # how a task with several leads gets its status (config.STATUS_RULES)
    day: dt.date | None = None  # the day the figures stand at: today, or the last period's last day once it is over

    @property
    def coverage(self) -> str:
        """The line under the 附件's title: "（2010年9月至11月，截至2010年11月30日）"."""
        if not self.periods:
            return f"（截至{cn_date(self.day)}）"
        months = month_header(self.periods[0])
        if len(self.periods) > 1:
            months += f"至{month_header(self.periods[-1])}"
        return f"（{self.year}年{months}，截至{cn_date(self.day)}）"

    @property
    def no_data(self) -> list:
        return [p for p in self.periods if p not in self.data_periods]

    @property
    def no_data_notes(self) -> list:
        """The line under each sheet on the months without data, if any."""
        if not self.no_data:
            return []
        return [f"{'、'.join(map(month_header, self.no_data))}没有收到任何单位的报送，标为“{NO_DATA}”，不是零。"]

    @property
    def not_due_notes(self) -> list:
        """The lines of the 单位报送 table on the months whose deadline has not come."""
        return [
            f"{month_header(p)}的报送截止日（{cn_date(d)}）还没到：尚未报送的单位写“{NOT_DUE}”；"
            f"这个月不计分，也不计入按时报送率。"
            for p, d in self.not_due.items()
        ]


def summarize_year(table, config, year: int, today: dt.date | None = None) -> AnnualSummary:
    """Everything the 年度汇总 shows, from the ledger alone, as of ``today`` (default: the clock's date): a month
    whose deadline is still to come is not scored."""
    today = today or dt.date.today()
    with Ledger(config.ledger, config.path.parent) as ledger:
        rows = ledger.accepted_in_year(year)
        data_periods = sorted({p for _, p, _, _ in rows})
        answered = {p: ledger.answered_tasks(p) for p in data_periods}
    periods = []
    if data_periods:
        p = Period.parse(data_periods[0])
        while str(p) <= data_periods[-1]:
            periods.append(str(p))
            p = p.next()
    returns = returns_by_unit(rows, config.departments.aliases)  # a unit renamed through [aliases] is one unit
    history = {}  # each month's returns read once, for its own summary and the later months' series
    # As of ``today``: the month under way stands as its own 汇总 of the day has it (lights, 逾期未完成).
    summaries = {
        p: summarize(table, config, Period.parse(p), today, history=history, returns=returns) for p in data_periods
    }
    tasks = _tasks(table, config, summaries, answered)
    unlisted = {p: {t.task_id for t in tasks if t.cells.get(p) == NOT_LISTED} for p in data_periods}
    asked = {p: {r.name for r in s.recipients} for p, s in summaries.items()}  # not those with all tasks 已办结
    deadlines = {p: config.deadline(Period.parse(p)) for p in data_periods}
    not_due = {p: d for p, d in deadlines.items() if today <= d}
    return AnnualSummary(
        year=year,
        title=f"{year}年{config.subject}",
        periods=periods,
        data_periods=data_periods,
        tasks=tasks,
        units=_units(table, config, returns, summaries, unlisted, not_due, asked),
        indicators=_indicators(summaries, data_periods),
        rule=config.assessment,
        has_deadline=any(t.deadline for s in summaries.values() for t in s.tasks),
        not_due=not_due,
        day=as_of(Period.parse(periods[-1]), today) if periods else today,
        status_rule=config.status_rule,
    )


def _tasks(table, config, summaries: dict, answered: dict) -> list:
    """One TaskYear per task of the table, then one per task the year's returns answered that it lacks.

    A return filed under a unit's former name ([aliases]) counts for the unit in its month, as the
    month's summary counts it.
    """
    recipients = table.recipients(config.departments)
    reporters = {p: {r.name for r in s.reported} for p, s in summaries.items()}
    last = list(summaries)[-1] if summaries else None
    progress = {}  # task ID -> {period: its 推进情况 that month}
    rows = []
    by_id = {p: {ts.task.task_id: ts for ts in s.tasks} for p, s in summaries.items()}
    for task in table.tasks:
        assigned = {r.name for r in recipients if task.task_id in r.task_ids}
        row = TaskYear(task.task_id, task.item, config.departments.marked("、".join(task.leads)), {}, {})
        for p in summaries:
            ts = by_id[p].get(task.task_id)  # none: the month's summary leaves out what its forms did not list
            if ts is None or (not ts.closed and task.task_id not in answered[p] and assigned & reporters[p]):
                # Units that owe this task reported, and no return listed it: it was not on that month's forms.
                row.cells[p], row.colours[p] = NOT_LISTED, None
                continue
            # A status written outside the list is shown as written (完成（待核实）) and coloured as 待核实.
            row.cells[p], row.colours[p], row.lights[p] = ts.shown_status, ts.counted_status, ts.light
            row.behind += ts.status == BEHIND
            row.not_started += ts.status == NOT_STARTED
            progress.setdefault(task.task_id, {})[p] = ts.progress
            row.overdue = OVERDUE if ts.overdue else ""
        row.last_progress = dated(*latest_of(progress.get(task.task_id, {})), last)
        rows.append(row)
    known = {t.task_id for t in table.tasks}
    retired = {t.task_id: t for t in table.retired}
    for task_id in sorted({t for ids in answered.values() for t in ids} - known):
        shown = [p for p, ids in answered.items() if task_id in ids]
        task = retired.get(task_id)
        rows.append(
            TaskYear(
                task_id,
                task.item if task else "",
                "、".join(task.leads) if task else "",
                {},
                {},
                note=f"{REMOVED}；{'、'.join(map(month_header, shown))}有报送",
            )
        )
    return rows


def latest_of(values: dict) -> tuple:
    """(period, value) of the last period whose value is there (not None, not ""): the one rule for "the latest"
    that 任务进度's 推进情况 and 指标's 完成值 share; (None, "") when no period has one."""
    for p in reversed(list(values)):
        if values[p] not in (None, ""):
            return p, values[p]
    return None, ""


def dated(period, value, last):
    """A latest value as printed: as it is when it is the last period's, else after its month: "（11月）93"."""
    if period is None or period == last:
        return value
    return f"（{month_header(period)}）{value:g}" if isinstance(value, float) else f"（{month_header(period)}）{value}"


def _units(table, config, returns: ReturnsByUnit, summaries: dict, unlisted: dict, not_due: dict, asked: dict) -> list:
    """Each unit's months from its accepted returns, late as the month's summary judged it (its ``timings``);
    scores and ranks for the units of the present table.

    ``summaries``: {period with data: its summary}. ``unlisted``: {period: the tasks that month's forms did
    not list}; a unit all of whose tasks are among them was not asked that month (当期未列入), rather than
    未报送; so is a unit a month's summary did not ask (``asked``: {period: the units it lists}), its tasks all
    已办结. ``not_due``: the periods whose deadline has not come (not scored).
    """
    tasks_of = {r.name: set(r.task_ids) for r in table.recipients(config.departments)}
    names = list(tasks_of)
    listed = set(names)
    scored = not summaries or any(p not in not_due for p in summaries)  # months but none due: no score, no rank
    units = []
    for name in names + [n for n in returns if n not in listed]:
        months = {}
        for p, month in summaries.items():
            got = returns.get(name, {}).get(p, [])
            if not got:
                months[p] = UnitMonth(
                    None,
                    on_forms=not (name in listed and (tasks_of[name] <= unlisted[p] or name not in asked[p])),
                    due=p not in not_due,
                )
                continue
            when = month.timings[name]
            months[p] = UnitMonth(when.first, when.days_late, when.fixes, got[-1][0] == TO_FIX, due=p not in not_due)
        unit = UnitYear(name, months, listed=name in listed)
        if unit.listed and scored:
            unit.score = sum(m.points(config.assessment) for m in months.values())
        units.append(unit)
    scores = sorted((u.score for u in units if u.listed and scored), reverse=True)
    for u in units:
        if u.listed and scored:
            u.rank = scores.index(u.score) + 1  # equal scores share a rank: 1, 2, 2, 4
    return units


def _indicators(summaries: dict, data_periods: list) -> list:
    if not data_periods:
        return []
    return summaries[data_periods[-1]].indicators


def annual_line(s: AnnualSummary) -> str:
    """One line for the clerk: the periods covered and the first-ranked units."""
    if not s.data_periods:
        return f"{s.year}年台账中还没有任何有效报送，年度汇总表各栏为空。"
    top = [u.name for u in s.units if u.rank == 1]
    gap = f"；{'、'.join(map(month_header, s.no_data))}{NO_DATA}" if s.no_data else ""
    scored = [p for p in s.data_periods if p not in s.not_due]
    ranked = f"得分第一：{'、'.join(top)}" if scored else "报送截止日都还没到，尚未计分、排名"
    months = "、".join(map(month_header, s.data_periods))
    return f"{s.year}年共 {len(s.data_periods)} 期有报送（{months}）{gap}；{ranked}。"
