"""序时进度 (expected pace): what a cumulative indicator should have reached by the day a summary speaks of.

For a target to reach by a deadline (the task's 完成时限, else the year's end), the expected value is the
target times the share of the span from the start (the year's 1 January, or the first day of [warning]
pace_start_month) to the deadline that has passed by that day, days counted inclusively: as of 30 November
of a whole year 334 of 365 days, 92 %. Only a cumulative value (counts, amounts, anything named 累计) has a
pace; a rate or a level (%, 个百分点, 倍, a concentration, a time limit, a name ending in 率 or 比例), a
"零发生" target and a ceiling (≤: 不高于, 压缩至, 控制在……以内) are judged on their own: staying under a
ceiling is no race, and being below its share of the year is no delay. warning.light compares the
percentages as they are printed (whole numbers), so that a reader can check the light by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .vocab import LE, ZERO

NOT_APPLICABLE = "不适用"  # the 序时进度 cell of an indicator without a pace
# Units of a rate or a level, never summed over the months; "" is a bare number (an index, a rate per 万台).
LEVEL_UNITS = ("%", "‰", "个百分点", "倍", "微克/立方米", "个工作日", "工作日", "天", "小时", "分钟", "")
_LEVEL_NAME = re.compile(r"(?:率|比例|比重|占比|指数|均值|平均值|浓度|时限|时间)$")


@dataclass(frozen=True)
class Pace:
    """An indicator's 序时进度 in one period."""

    target: float  # the value to reach by the deadline (a range's bottom)
    share: float  # of the span from the start to the deadline passed by the day, 0 to 1
    actual: float | None = None  # the value reported to date; None: not reported
    judged: bool = True  # False while the target's reading is 待确认: shown, but no light from it

    @property
    def expected(self) -> float:
        """The value expected by the day, in the indicator's unit."""
        return self.target * self.share

    @property
    def pace_percent(self) -> int:
        """The share as a whole percentage: 92."""
        return percent(self.share)

    @property
    def done_percent(self) -> int | None:
        """The value reported as a whole percentage of the target: 55; None when not reported."""
        return None if self.actual is None else percent(self.actual / self.target)


def percent(fraction: float) -> int:
    """A fraction as a whole percentage, half up (0.915 is 92, not the banker's 91 or 92)."""
    return int(fraction * 100 + 0.5 + 1e-9)


def cumulative(indicator) -> bool:
    """Whether the indicator's value adds up over the year (counts, amounts), so that it has a 序时进度."""
    if indicator.comparison in (ZERO, LE) or not indicator.value:
        return False
    if "累计" in indicator.name:
        return True
    return indicator.unit not in LEVEL_UNITS and not _LEVEL_NAME.search(indicator.name)


def span_share(start: dt.date, deadline: dt.date, day: dt.date) -> float:
    """The share of the days from ``start`` to ``deadline`` (both counted) passed by ``day`` (counted), 0 to 1."""
    span = (deadline - start).days + 1
    if span <= 0:  # a deadline before the start: all of it is due once the deadline is reached
        return 1.0 if day >= deadline else 0.0
    return min(max((day - start).days + 1, 0), span) / span


def pace_of(
    indicator, actual: float | None, deadline: dt.date | None, day: dt.date, start: dt.date, judged: bool = True
) -> Pace | None:
    """The indicator's :class:`Pace` as of ``day``, or None when it has none (see :func:`cumulative`).

    Args:
        deadline: the task's 完成时限; None: the end of ``start``'s year.
        start: the first day of the span (the year's, or the table's first month's).
        judged: False for a target whose reading the clerk has not confirmed.
    """
    if not cumulative(indicator):
        return None
    deadline = deadline or dt.date(start.year, 12, 31)
    # a range is reached at its bottom, as Indicator.score has it
    return Pace(indicator.value, span_share(start, deadline, day), actual, judged)


def pace_value(pace: Pace | None) -> float | str:
    """The 序时进度 cell of a sheet: the expected value to one decimal, or 不适用."""
    if pace is None:
        return NOT_APPLICABLE
    value = round(pace.expected, 1)
    return int(value) if value.is_integer() else value


def pace_text(pace: Pace | None, unit: str) -> str:
    """The 序时进度 cell of 附件2: "11家", "64.9吨", or 不适用."""
    value = pace_value(pace)
    return value if pace is None else f"{value:g}{unit}"
