"""Quantitative indicators: extracted from the target text, kept in the master table, scored.

"工业产品生产许可证产品抽检平均合格率≥92%" becomes an :class:`Indicator` named
工业产品生产许可证产品抽检平均合格率 with comparison ≥, value 92 and unit %. The
extracted indicators are written to the master table's 指标 sheet, where a clerk may
correct, add or delete any; a hidden sheet remembers each task's target as it was when
extracted, so that only new or changed targets are extracted again and the clerk's
rows always win.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace

from .errors import TableError
from .schema import (
    H_COMPARISON,
    H_ID,
    H_IND_ID,
    H_IND_NAME,
    H_IND_UNIT,
    H_SOURCE,
    H_TARGET_UPPER,
    H_TARGET_VALUE,
    H_UNIT,
    INDICATOR_COLUMNS,
)
from .vocab import INDICATOR_SHEET, MET, NOT_FILLED, NOT_MET, RECORD_SHEET  # noqa: F401 - used by table.py
from .workbooks import Percent, text_of

GE, LE, EQ, AT_LEAST, RANGE, ZERO = "≥", "≤", "=", "至少", "区间", "零发生"
COMPARISONS = (GE, LE, EQ, AT_LEAST, RANGE, ZERO)
SOURCE_AUTO, SOURCE_CLERK = "自动提取", "人工"
NOT_REPORTED = NOT_FILLED  # an indicator with no value this period

_UNITS = ("个行政村", "万元", "亿元", "%", "吨", "家", "只", "个", "项", "起", "人", "次", "件", "台", "所", "批", "场")
_UNIT_NAMES = {"个行政村": "行政村"}
_NUMBER = re.compile(
    r"(?P<sym>≥|≤|>=|<=)?(?P<a>\d+(?:\.\d+)?)(?:[-~～至](?P<b>\d+(?:\.\d+)?))?(?P<unit>"
    + "|".join(re.escape(u) for u in _UNITS) + ")?")
_TRAILING_UNIT = re.compile(r"(" + "|".join(re.escape(u) for u in _UNITS if u != "%") + r"|行政村)$")  # "71吨" -> 71
_ZERO = re.compile(r"^(?:确保)?(?:不发生|无)(?P<name>[^\d]+?(?:事故|行为|事件))$")
_LE_BEFORE = re.compile(r"(不超过|不高于|低于|控制在)$")
_GE_BEFORE = re.compile(r"(达到|达|不低于|超过)$")
_AT_LEAST_VERBS = re.compile(r"力争|争取|争创|新增|新创|申报|完成|建设|培育|确保|创建|实现")
_MODAL = re.compile(r"^(确保|力争|争取|争创|积极|年内|全年|全区|重点对|组织|大力|继续)+")


@dataclass(frozen=True)
class Indicator:
    """One measurable indicator of a task."""

    indicator_id: str
    task_id: str
    name: str
    comparison: str  # one of COMPARISONS
    value: float
    unit: str
    upper: float = None  # the top of a range
    owner: str = ""  # the recipient that reports it
    source: str = SOURCE_AUTO

    @property
    def target_text(self):
        """How the target reads: ≥92%, 至少3只, 1–2家, 零发生."""
        if self.comparison == ZERO:
            return "零发生"
        unit = "个行政村" if self.unit == "行政村" else self.unit
        if self.comparison == RANGE:
            return f"{_num(self.value)}–{_num(self.upper)}{unit}"
        prefix = {GE: "≥", LE: "≤", EQ: "", AT_LEAST: "至少"}[self.comparison]
        return f"{prefix}{_num(self.value)}{unit}"

    def score(self, actual):
        """达标, 未达标, or 未填报 when ``actual`` is None. Values are cumulative to date."""
        if actual is None:
            return NOT_REPORTED
        if self.comparison == ZERO:
            ok = actual == 0
        elif self.comparison == LE:
            ok = actual <= self.value
        else:  # ≥, at least, =, and the bottom of a range: reached
            ok = actual >= self.value
        return MET if ok else NOT_MET


def _num(value):
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def extract(task_id, target):
    """The indicators in one target text, numbered T0101-1, T0101-2, …"""
    found = []
    for sentence in re.split(r"[。]", target):
        inherited = None
        for clause in re.split(r"[，；;,]", sentence):
            clause = clause.strip()
            if not clause:
                continue
            zero = _ZERO.match(clause)
            if zero:
                found.append((zero.group("name"), ZERO, 0.0, None, "起"))
                continue
            matches = list(_NUMBER.finditer(clause))
            start = 0
            for m in matches:
                before = clause[start:m.start()].lstrip("、")
                rest = clause[m.end():]
                cut = rest.find("、")
                after = rest if cut < 0 else rest[:cut]
                if after and matches[-1] is not m and _NUMBER.search(after):
                    after = ""  # the next number's name, not this one's
                comparison = _comparison(m, before, after, inherited)
                if comparison in (AT_LEAST, GE, LE):
                    inherited = comparison
                name = _clean_name(re.sub(r"(不超过|不高于|低于|控制在|达到|达|不低于|超过)$", "", before),
                                   after[2:] if after.startswith(("以上", "以下", "以内")) else after)
                unit = _UNIT_NAMES.get(m.group("unit"), m.group("unit") or "")
                upper = float(m.group("b")) if m.group("b") else None
                for part in _split_rates(name):
                    found.append((part, comparison, float(m.group("a")), upper, unit))
                start = m.end() + (len(after) if after else 0)
    return [Indicator(f"{task_id}-{i}", task_id, name, comparison, value, unit, upper)
            for i, (name, comparison, value, upper, unit) in enumerate(found, start=1)]


_WRITTEN_BEFORE = re.compile(r"(不超过|不高于|低于|控制在|达到|达|不低于|超过|至少)$")


def written_target(indicator: Indicator, target: str) -> str:
    """The indicator's target as the table wrote it ("达100%", "≥92%", "71吨", "1-2家"); else :attr:`target_text`.

    The number is looked for in the task's target text with its unit and the comparison word just before
    it (and 以上/以下/以内 just after); an indicator a clerk added whose number the text lacks keeps
    the tool's own wording.
    """
    if indicator.comparison == ZERO:
        return indicator.target_text
    unit = "个行政村" if indicator.unit == "行政村" else indicator.unit
    for m in _NUMBER.finditer(target or ""):
        same_unit = (m.group("unit") or "") == unit
        same_upper = (float(m.group("b")) if m.group("b") else None) == indicator.upper
        if float(m.group("a")) == indicator.value and same_unit and same_upper:
            word = _WRITTEN_BEFORE.search(target[:m.start()])
            tail = target[m.end():m.end() + 2]
            return ((word.group(1) if word else "") + m.group(0)
                    + (tail if tail in ("以上", "以下", "以内") else ""))
    return indicator.target_text


def _comparison(m, before, after, inherited):
    sym = m.group("sym")
    if sym in ("≥", ">="):
        return GE
    if sym in ("≤", "<="):
        return LE
    if m.group("b"):
        return RANGE
    if _LE_BEFORE.search(before) or after.startswith(("以下", "以内")):
        return LE
    if _GE_BEFORE.search(before) or after.startswith("以上"):
        return GE
    if _AT_LEAST_VERBS.search(before):
        return AT_LEAST
    return inherited or EQ


def _clean_name(before, after):
    name = (before + after).strip("、 ")
    name = _MODAL.sub("", name)
    return name.strip("、 ")


def _split_rates(name):
    """"万台设备事故率、死亡率" names two rates; "中国名牌、江苏名牌产品企业…培训率" names one."""
    parts = name.split("、")
    if len(parts) > 1 and all(p.endswith("率") for p in parts):
        return parts
    return [name]


def fingerprint(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# ---------------------------------------------------------------------------
# The 指标 sheet: the clerk's rows win

def default_owner(task, departments):
    """The task's first lead; a collective lead's first member."""
    return departments.expand(task.leads[0])[0] if task.leads else ""


def merge(table, departments, rows=None, record=None):
    """The indicators to use: the clerk's 指标 sheet where it covers a task's current target, extraction elsewhere.

    Args:
        rows: indicators read from the 指标 sheet (None when the sheet is absent).
        record: task_id -> fingerprint of the target when it was last extracted.

    Returns:
        (indicators in table order, the updated record).
    """
    rows = rows or []
    record = dict(record or {})
    tasks = {t.task_id: t for t in table.tasks}
    by_task = {}
    for ind in rows:
        # An owner left empty is the default; one named as a collective is its first member.
        owner = departments.expand(ind.owner)[0] if ind.owner else default_owner(tasks[ind.task_id], departments)
        by_task.setdefault(ind.task_id, []).append(replace(ind, owner=owner))
    result = []
    for task in table.tasks:
        fp = fingerprint(task.target)
        if record.get(task.task_id) == fp:
            result.extend(by_task.get(task.task_id, []))  # as the clerk left it, deletions included
            continue
        kept = [i for i in by_task.get(task.task_id, []) if i.source == SOURCE_CLERK]
        owner = default_owner(task, departments)
        fresh = [replace(i, owner=owner) for i in extract(task.task_id, task.target)]
        taken = {i.indicator_id for i in kept}
        fresh = [i if i.indicator_id not in taken else replace(i, indicator_id=i.indicator_id + "a") for i in fresh]
        result.extend(fresh + kept)
        record[task.task_id] = fp
    return result, record


def read_sheet(sheets, table, label, unknown=None):
    """Indicators and the extraction record from the master table's sheets, checked row by row.

    Args:
        unknown: a list that collects the rows whose task is not in ``table`` (re-import)
            instead of reporting them as problems.

    Returns:
        (rows or None when there is no 指标 sheet, record dict).

    Raises:
        TableError: one row-precise line per problem.
    """
    by_name = {s.name: s for s in sheets}
    record = {}
    if RECORD_SHEET in by_name:
        for row in by_name[RECORD_SHEET].rows[1:]:
            if len(row) >= 2 and text_of(row[0]):
                record[text_of(row[0])] = text_of(row[1])
    sheet = by_name.get(INDICATOR_SHEET)
    if sheet is None:
        return None, record
    where = f"{label} 工作表“{INDICATOR_SHEET}”"
    header = [text_of(v) for v in (sheet.rows[0] if sheet.rows else [])]
    missing = [c for c in INDICATOR_COLUMNS if c not in header]
    if missing:
        raise TableError(f"{where}第1行：缺少“{missing[0]}”列，请恢复该列，"
                         f"表头必须是：{'、'.join(INDICATOR_COLUMNS)}。")
    col = {name: header.index(name) for name in INDICATOR_COLUMNS}
    tasks = {t.task_id for t in table.tasks}
    rows, problems, seen = [], [], {}
    for r, raw in enumerate(sheet.rows[1:], start=2):
        v = {name: text_of(raw[i]) if i < len(raw) else "" for name, i in col.items()}
        if not any(v.values()):
            continue
        at = f"{where}第{r}行" + (f"（{v[H_IND_NAME]}）" if v[H_IND_NAME] else "")
        if v[H_ID] not in tasks and unknown is not None and v[H_IND_NAME]:
            unknown.append(Indicator(v[H_IND_ID], v[H_ID], v[H_IND_NAME], v[H_COMPARISON],
                                     parse_number(v[H_TARGET_VALUE]) or 0.0, v[H_IND_UNIT],
                                     parse_number(v[H_TARGET_UPPER]), v[H_UNIT],
                                     SOURCE_AUTO if v[H_SOURCE] == SOURCE_AUTO else SOURCE_CLERK))
            continue
        if v[H_ID] not in tasks:
            problems.append(f"{at}：任务编号“{v[H_ID]}”不在责任分解表中，请改为该指标所属任务的编号。")
            continue
        if not v[H_IND_NAME]:
            problems.append(f"{at}：指标名称为空，请填写。")
            continue
        if v[H_COMPARISON] not in COMPARISONS:
            problems.append(f"{at}：比较“{v[H_COMPARISON]}”无效，请填写 {'、'.join(COMPARISONS)} 之一。")
            continue
        value = parse_number(v[H_TARGET_VALUE]) if v[H_COMPARISON] != ZERO else 0.0
        upper = parse_number(v[H_TARGET_UPPER]) if v[H_COMPARISON] == RANGE else None
        if value is None or (v[H_COMPARISON] == RANGE and upper is None):
            problems.append(f"{at}：目标值不是数字，请填写数字，例如 92。")
            continue
        # A row the clerk added without an ID gets one from its name: stable however the sheet is sorted.
        ident = v[H_IND_ID] or f"{v[H_ID]}-R{fingerprint(v[H_IND_NAME])[:6]}"
        if ident in seen:
            problems.append(f"{at}：指标编号“{ident}”与第{seen[ident]}行重复，请改用一个新的编号。")
            continue
        seen[ident] = r
        source = SOURCE_AUTO if v[H_SOURCE] == SOURCE_AUTO else SOURCE_CLERK
        rows.append(Indicator(ident, v[H_ID], v[H_IND_NAME], v[H_COMPARISON], value, v[H_IND_UNIT], upper,
                              v[H_UNIT], source))
    if problems:
        raise TableError(problems[0], problems[1:])
    return rows, record


# ---------------------------------------------------------------------------
# Reading a reported value

_NUMBER_TEXT = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)\s*(%|‰)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*(?:%|‰)?$")
# Units that count whole things: a fraction of one is a slip.
COUNT_UNITS = ("个行政村", "行政村", "家", "只", "个", "项", "起", "人", "次", "件", "台", "所", "批", "场")
# A value this many times its target is taken for a slip (an extra zero or two, 1e9).
MAX_TIMES_TARGET = 100
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


def reported_value(raw, unit):
    """The value in the indicator's unit, or None if unreadable.

    One rule for text and numbers alike: a value written with "%" (typed as 92%, or a number
    cell formatted as a percentage, which Excel stores as 0.92) is a percentage; a bare
    number is taken as written, in the indicator's unit, so 92 and "92" in a % indicator
    are 92 %, and 0.92 and "0.92" are 0.92 %. "‰" is a tenth of a percent.
    """
    written = _written(raw)
    return None if written in (None, _AMBIGUOUS) else _in_unit(*written, unit)


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
        return None, (f"完成值“{shown}”中的逗号不知是小数点还是千位分隔符，"
                      "请核实：小数请用小数点（如 92.5），千位请写成 1,234。")
    if written is None:
        return None, None
    number, sign = written
    value = _in_unit(number, sign, unit)
    low, high = _target_bounds(target)
    if sign and unit != "%":
        return None, f"完成值“{shown}”带有“{sign}”，但该指标的目标是“{target}”，不是百分比，请核实后填写数字。"
    if value < 0:
        return None, f"完成值“{shown}”是负数，截至本月的累计完成值不会小于 0，请核实。"
    if unit in COUNT_UNITS and not value.is_integer():
        return None, f"完成值“{shown}”不是整数，该指标以“{unit}”计数，请核实。"
    if unit == "%" and value > 100 and high is not None and high <= 100:
        return None, f"完成值“{shown}”超过 100%，而目标是“{target}”，请核实。"
    if unit == "%" and not sign and 0 < value <= 1 and low is not None and low > 1:
        percent = _num(round(value * 100, 8))
        return None, (f"完成值“{shown}”按 {_num(value)}% 计，与目标“{target}”相差很大，请核实："
                      f"如果是 {percent}%，请写成 {percent}%。")
    if high and value > MAX_TIMES_TARGET * high:
        return None, f"完成值“{shown}”超过目标“{target}”的 {MAX_TIMES_TARGET} 倍，请核实。"
    return value, None


_TARGET = re.compile(r"^(?:≥|≤|至少)?(\d+(?:\.\d+)?)(?:–(\d+(?:\.\d+)?))?")


def _target_bounds(target):
    """(low, high) of a target as :attr:`Indicator.target_text` writes it; (0, 0) for 零发生, Nones if unknown."""
    if target == "零发生":
        return 0.0, 0.0
    m = _TARGET.match(target or "")
    if not m:
        return None, None
    low = float(m.group(1))
    return low, float(m.group(2)) if m.group(2) else low


def carry_over(table, departments, sheets: list, label: str) -> list[tuple[Indicator, str]]:
    """On re-import, keep the replaced table's 指标 rows that still fit the new table.

    A row whose task is gone, or a clerk's row whose 填报单位 is no longer a unit of the new
    table, is set aside rather than left to fail the next generate. An extracted row whose
    unit was renamed is extracted again for its task, with the task's current first lead.

    Returns:
        (indicator, reason) pairs set aside, in sheet order; ``table`` holds the merged indicators.

    Raises:
        TableError: a kept row is malformed (the clerk's own edit), naming the row.
    """
    unknown = []
    rows, record = read_sheet(sheets, table, label, unknown)
    set_aside = [(i, f"任务编号“{i.task_id}”在新表中已不存在") for i in unknown]
    if rows is not None:
        names = {r.name for r in table.recipients(departments)} | set(departments.groups)
        kept = []
        for ind in rows:
            if not ind.owner or ind.owner in names:
                kept.append(ind)
            elif ind.source == SOURCE_AUTO:
                record.pop(ind.task_id, None)  # extract this task's indicators again, for its current units
            else:
                set_aside.append((ind, f"填报单位“{ind.owner}”在新表中已不存在"))
        stale = {i.task_id for i in rows if i.task_id not in record}
        rows = [i for i in kept if not (i.task_id in stale and i.source == SOURCE_AUTO)]
    table.indicators, table.indicator_record = merge(table, departments, rows, record)
    return set_aside


def check_owners(table, departments, label):
    """Every indicator's 填报单位 must be a recipient; raises TableError naming the indicator."""
    names = {r.name for r in table.recipients(departments)}
    problems = [f"{label} 工作表“{INDICATOR_SHEET}”（{i.indicator_id} {i.name}）：填报单位“{i.owner}"
                "”不在填报单位名单中，"
                f"请改为该任务的牵头或配合单位之一。" for i in table.indicators if i.owner not in names]
    if problems:
        raise TableError(problems[0], problems[1:])
