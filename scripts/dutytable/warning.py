"""预警: the one rule that gives each task of a period its light (红灯, 黄灯 or 绿灯) and the reason.

Every output (the 汇总 and 统计 sheets, 附件1 and its paragraph, the 预警通报) reads the light that
:func:`light` gives; the rule is written here only. It judges the task's status (the first lead's,
by [report] status_rule), the status the period before, the task's 完成时限, its indicators against their
序时进度 (:mod:`pace`) and the day the summary speaks of, with the thresholds of config.ini's [warning]
section (:class:`WarningRule`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .schema import H_STATUS
from .vocab import (
    BEHIND,
    CLOSED,
    DONE,
    GREEN,
    LIGHTS,
    NO_LEAD,
    NOT_REPORTED,
    NOT_STARTED,
    RED,
    UNCLEAR,
    YELLOW,
    cn_date,
    counted,
)

LAGGING = (BEHIND, NOT_STARTED)  # 进度滞后 or 未启动: a task that does not move
ALERTS = (RED, YELLOW)  # the lights that call for action: bold on paper, listed in the paragraph and the 预警通报
NO_LEAD_REASON = "牵头单位未明确具体单位"  # 黄灯 of a task whose leads are all collectives that get no form
# The states in which no lead has said how the task stands, each with its reason.
UNKNOWN = {NOT_REPORTED: "牵头单位本期未报送", UNCLEAR: f"{H_STATUS}{UNCLEAR}", NO_LEAD: NO_LEAD_REASON}


@dataclass(frozen=True)
class WarningRule:
    """[warning]: the thresholds of the lights."""

    warn_days: int = 30  # 黄灯 when a task not 已完成 has this many days or fewer to its 完成时限
    pace_tolerance: int = 10  # 黄灯 when an indicator is more than this many percentage points below its 序时进度
    lagging_twice_red: bool = True  # 进度滞后 / 未启动 this period and the one before: 红灯 (else 黄灯)
    pace_start_month: int = 1  # the 序时进度 counts from the first day of this month of the year


@dataclass(frozen=True)
class Light:
    """A task's light and the reasons for it (those of its colour only; none for 绿灯)."""

    color: str  # RED, YELLOW or GREEN
    reasons: tuple = ()

    @property
    def text(self) -> str:
        """ "红灯（逾期未完成，完成时限2010年10月31日）", "黄灯（距完成时限15天）", "绿灯"."""
        return f"{self.color}（{'；'.join(self.reasons)}）" if self.reasons else self.color


LIGHT_GREEN = Light(GREEN)


def light(
    status: str,
    previous: str | None,
    deadline: dt.date | None,
    day: dt.date,
    due: dt.date,
    rule: WarningRule = WarningRule(),
    paces: tuple = (),
) -> Light:
    """The light of one task in one period.

    Args:
        status: the task's status this period (a completion status, 未报送, or one to verify).
        previous: its status the period before; None when there was no period before (or no record of it).
        deadline: its 完成时限, if the table gives one.
        day: the day the summary speaks of.
        due: the period's 截止日 (a lead that has not reported is only late after it).
        paces: the :class:`pace.Pace` of each of the task's indicators that has one.
    """
    now = counted(status)
    red, yellow = [], []
    overdue = deadline is not None and deadline < day and now != DONE
    if overdue:  # not done is known only from a lead's answer: of a state in UNKNOWN, only that the time is past
        red.append(f"{'已过' if now in UNKNOWN else '逾期未完成，'}完成时限{cn_date(deadline)}")
    before = counted(previous) if previous is not None else None
    if now in LAGGING and before in LAGGING:
        twice = f"连续两期{now}" if now == before else f"上期{before}，本期{now}"
        (red if rule.lagging_twice_red else yellow).append(twice)
    elif now in LAGGING:
        yellow.append(f"本期{now}")
    if now == NOT_REPORTED and before == NOT_REPORTED and day > due:
        red.append("牵头单位连续两期未报送")
    elif now in UNKNOWN:  # beside a passed 完成时限, why it is not known whether the task is done
        (red if overdue else yellow).append(UNKNOWN[now])
    if deadline is not None and now != DONE and 0 <= (deadline - day).days <= rule.warn_days:
        left = (deadline - day).days
        yellow.append(f"距完成时限{left}天" if left else "今日到完成时限")
    # a task 已办结 is asked nothing more: its figures no longer make it 黄灯
    lagging = "" if status == CLOSED else behind_pace(paces, rule.pace_tolerance)
    if lagging:
        yellow.append(lagging)
    if red:
        return Light(RED, tuple(red))
    if yellow:
        return Light(YELLOW, tuple(yellow))
    return LIGHT_GREEN


LISTED_BEHIND = 2  # more indicators of a task behind their pace than this give their range, not each figure


def behind_pace(paces, tolerance: int) -> str:
    """The reason when an indicator is more than ``tolerance`` percentage points below its 序时进度 (as printed:
    whole percentages; exactly ``tolerance`` below is not behind); "" when none is.

    "指标低于序时进度：完成55%，序时92%"; "2项指标低于序时进度：完成40%和0%，序时92%"; more than
    :data:`LISTED_BEHIND`, their range: "3项指标低于序时进度：完成0%～33%，序时92%". No names: 附件2 lists each
    indicator's 完成 and 序时进度, and the cell of 附件1 stays a few lines. The indicators of a task share its
    deadline, hence its 序时.
    """
    behind = [p for p in paces if p.judged and p.actual is not None and p.pace_percent - p.done_percent > tolerance]
    if not behind:
        return ""
    done = [f"{p.done_percent}%" for p in behind]
    if len(behind) > LISTED_BEHIND:
        ordered = sorted(p.done_percent for p in behind)
        done = [f"{ordered[0]}%～{ordered[-1]}%"]
    count = f"{len(behind)}项" if len(behind) > 1 else ""
    return f"{count}指标低于序时进度：完成{'和'.join(done)}，序时{behind[0].pace_percent}%"


def light_groups(tasks) -> dict:
    """{light: the tasks (anything with a ``light``) of that light, in their order}, 红灯 first, none left out."""
    groups = {color: [] for color in LIGHTS}
    for task in tasks:
        groups[task.light.color].append(task)
    return groups


def light_counts(tasks) -> dict:
    """{light: number of tasks}, 红灯 first, zero counts kept."""
    return {color: len(of_color) for color, of_color in light_groups(tasks).items()}
