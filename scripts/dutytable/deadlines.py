"""Deadlines: the date a 完成时限 cell means, and which extra column of a table holds them.

Light: the standard library and :mod:`headers` only (consolidate and the warning lights read deadlines).
"""

import calendar
import datetime as dt
import re
import unicodedata

from .headers import DEADLINE, ImportOptions, normalise_header
from .model import Table
from .vocab import CN_DIGITS

_YEAR_END_OF = re.compile(r"(\d{4})年(?:底|末|内)")
_YEAR_END = re.compile(r"全年|年底|年末|年内|年度内|四季度|下半年")
_HALVES = (
    (re.compile(r"上半年|二季度|第二季度"), 6),
    (re.compile(r"一季度|第一季度"), 3),
    (re.compile(r"三季度|第三季度|前三季度"), 9),
)
_DATE = re.compile(
    r"(?:(?P<y>\d{4})\s*[年.\-/])?\s*(?P<m>\d{1,2})\s*(?:月|(?=[.\-/]\d)|$)"
    r"(?:\s*[.\-/]?\s*(?P<d>\d{1,2})\s*日?)?"
)


def _cn_number(text):
    """一 → 1, 十二 → 12, 十 → 10; digits pass through."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (CN_DIGITS.get(ones, 0) if ones else 0)
    return CN_DIGITS.get(text, 0)


def parse_deadline(text: str, year: int) -> dt.date | None:
    """The date a deadline cell means, or None.

    "6月底前", "6月底", "6月" → 30 June of ``year``; "年底前", "全年", "年内" → 31 December;
    "2021年6月30日", "2021.6.30" → that day; "2021.6" → 30 June 2021; "上半年" → 30 June,
    "三季度" → 30 September. "长期", "长期坚持", "持续推进" have no deadline (None), nor has
    text without a date. Where a cell names several dates the latest counts.
    """
    text = unicodedata.normalize("NFKC", text or "").replace(" ", "")
    if not text:
        return None
    text = re.sub(r"[〇一二三四五六七八九十两]{1,3}(?=月)", lambda m: str(_cn_number(m.group())), text)
    found = []
    for m in _DATE.finditer(text):
        y = int(m.group("y")) if m.group("y") else year
        month = int(m.group("m"))
        if not 1 <= month <= 12 or not 1900 <= y <= 9999:
            continue
        last = calendar.monthrange(y, month)[1]
        day = int(m.group("d")) if m.group("d") else last
        if 1 <= day <= last:
            found.append(dt.date(y, month, day))
    if found:
        return max(found)
    m = _YEAR_END_OF.search(text)
    if m:
        return dt.date(int(m.group(1)), 12, 31)
    for pattern, month in _HALVES:
        if pattern.search(text):
            return dt.date(year, month, calendar.monthrange(year, month)[1])
    if _YEAR_END.search(text):
        return dt.date(year, 12, 31)
    return None  # 长期, 长期坚持, 持续推进, or no date at all


def deadline_column(table: Table) -> str | None:
    """The extra column that holds deadlines (完成时限, 时间节点 …), or None."""
    words = ImportOptions().words()[DEADLINE]
    return next((h for h in table.extra_columns if normalise_header(h) in words), None)
