"""Checking a reported number: the 截至本月累计完成值 a unit wrote, read and checked against its indicator.

:func:`check_reported` reads a cell ("92%", "９２％", "1,234", "71吨", a percentage-formatted number) and
says, in one Chinese sentence ending in 请核实, why a value cannot be scored as it is (a comma that may be
a decimal point, a share above 100%, a fraction of a count, a value far beyond its target);
:func:`parse_number` is the reading alone, as the 指标 sheet's 目标值 cells use it.
"""

import math
import re
import unicodedata

from .targets import ABOUT_BEFORE_WORDS, UNITS, number_text
from .vocab import ZERO
from .workbooks import Percent, text_of

_TRAILING_UNIT = re.compile(r"(" + "|".join(re.escape(u) for u in UNITS if u != "%") + r"|行政村)$")  # "71吨" -> 71
_NUMBER_TEXT = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)\s*(%|‰)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*(?:%|‰)?$")
# Units that count whole things: a fraction of one is a slip.
COUNT_UNITS = ("个行政村", "行政村", "家", "只", "个", "项", "起", "人", "次", "件", "台", "所", "批", "场")
# A value this many times its target is taken for a slip (an extra zero or two, 1e9).
MAX_TIMES_TARGET = 100
MAX_VALUE = 10**9  # no cumulative value of a district's indicator is above this
_AMBIGUOUS = "ambiguous"


def _written(value):
    """A cell as written: (number, sign) with sign "%", "‰" or ""; None if it is not a number.

    Returns _AMBIGUOUS for a comma that is no thousands separator ("92,5": 92.5 or 925?).
    A number cell formatted as a percentage (:class:`workbooks.Percent`) is written with "%".
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Percent):
        return round(float(value) * 100, 10), "%"
    if isinstance(value, (int, float)):
        return float(value), ""
    text = unicodedata.normalize("NFKC", str(value)).strip().replace("\u2212", "-")
    text = _TRAILING_UNIT.sub("", text).strip()
    if "," in text:
        if not _GROUPED.match(text):
            return _AMBIGUOUS
        text = text.replace(",", "")
    m = _NUMBER_TEXT.match(text)
    if not m:
        return None
    number = float(m.group(2))
    return (-number if m.group(1) == "-" else number), m.group(3) or ""


def parse_number(value):
    """A number from a cell: 92, "92", "92%", "９２％", "1,234", "71吨"; None if it is not one (or "92,5")."""
    written = _written(value)
    return None if written in (None, _AMBIGUOUS) else written[0]


def _in_unit(number, sign, unit):
    return number / 10 if sign == "‰" and unit == "%" else number


def check_reported(raw, target: str, unit: str) -> tuple[float | None, str | None]:
    """Read a reported value and check that the indicator can take it.

    Args:
        raw: the cell as read.
        target: the indicator's target as the form shows it (:attr:`Indicator.target_text`: ≥92%, 至少71吨).
        unit: the indicator's unit.

    Returns:
        (value, None) for a value to score; (None, doubt) for one the clerk must check, where
        ``doubt`` is one sentence of Chinese saying why and ending in 请核实; (None, None) when
        ``raw`` is not a number at all.
    """
    shown = text_of(raw)
    written = _written(raw)
    if written == _AMBIGUOUS:
        return None, (
            f"完成值“{shown}”中的逗号不知是小数点还是千位分隔符，请核实：小数请用小数点（如 92.5），千位请写成 1,234。"
        )
    if written is None:
        return None, None
    number, sign = written
    value = _in_unit(number, sign, unit)
    low, high = _target_bounds(target)
    if not math.isfinite(value):
        return None, f"完成值“{shown}”不是有效的数字，请核实。"
    if value > MAX_VALUE:
        return None, f"完成值“{shown}”超过 10 亿，不会是截至本月的累计完成值，请核实。"
    if target == ZERO and (sign or value < 0 or not value.is_integer()):
        return None, f"完成值“{shown}”不是起数，该指标的目标是“{ZERO}”，应填写发生的起数（没有发生填 0），请核实。"
    if sign and unit != "%":
        return None, f"完成值“{shown}”带有“{sign}”，但该指标的目标是“{target}”，不是百分比，请核实后填写数字。"
    if value < 0:
        return None, f"完成值“{shown}”是负数，截至本月的累计完成值不会小于 0，请核实。"
    if unit in COUNT_UNITS and not value.is_integer():
        return None, f"完成值“{shown}”不是整数，该指标以“{unit}”计数，请核实。"
    if unit == "%" and value > 100 and high is not None and high <= 100:
        return None, f"完成值“{shown}”超过 100%，而目标是“{target}”，请核实。"
    if unit == "%" and not sign and 0 < value <= 1 and low is not None and low > 1:
        percent = number_text(round(value * 100, 8))
        return None, (
            f"完成值“{shown}”按 {number_text(value)}% 计，与目标“{target}”相差很大，请核实："
            f"如果是 {percent}%，请写成 {percent}%。"
        )
    if high and value > MAX_TIMES_TARGET * high:
        return None, f"完成值“{shown}”超过目标“{target}”的 {MAX_TIMES_TARGET} 倍，请核实。"
    return value, None


_TARGET = re.compile(r"^(?:≥|≤|至少|" + "|".join(ABOUT_BEFORE_WORDS) + r")?(\d+(?:\.\d+)?)(?:–(\d+(?:\.\d+)?))?")


def _target_bounds(target):
    """(low, high) of a target as :attr:`Indicator.target_text` writes it (≥92%, 1–2家, 约5000万元, 6.5%左右); (0, 0)
    for 零发生, Nones if unknown."""
    if target == ZERO:
        return 0.0, 0.0
    m = _TARGET.match(target or "")
    if not m:
        return None, None
    low = float(m.group(1))
    return low, float(m.group(2)) if m.group(2) else low
