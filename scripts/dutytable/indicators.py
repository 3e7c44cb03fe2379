"""Quantitative indicators: extracted from the target text, kept in the master table, scored.

"工业产品生产许可证产品抽检平均合格率≥92%" becomes an :class:`Indicator` named
工业产品生产许可证产品抽检平均合格率 with comparison ≥, value 92 and unit %. The
extracted indicators are written to the master table's 指标 sheet, where a clerk may
correct, add or delete any; a hidden sheet remembers each task's target as it was when
extracted, so that only new or changed targets are extracted again and the clerk's
rows always win.
"""

import hashlib
import math
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
from .vocab import (  # noqa: F401 - the comparisons and MET/NOT_MET are used by master.py and the tests
    AFTER,
    AT_LEAST,
    BASELINE,
    BEFORE,
    COMPARISONS,
    EARLIER,
    EMPTY,
    EQ,
    GE,
    INDICATOR_SHEET,
    LE,
    MET,
    NOT_MET,
    RANGE,
    RECORD_SHEET,
    STRETCH_WORDS,
    TARGET_WORDS,
    UNCLEAR,
    ZERO,
)
from .workbooks import Percent, text_of

SOURCE_AUTO, SOURCE_UNSURE, SOURCE_CLERK = "自动提取", "待确认", "人工"
SOURCES = (SOURCE_AUTO, SOURCE_UNSURE, SOURCE_CLERK)

_UNITS = sorted(
    (
        "个行政村 万元 亿元 元 % 个百分点 倍 吨 万吨 家 家次 只 个 个点位 项 起 人 万人 人次 万人次 次 件 台 所 批 场 "
        "户 万户 套 座 辆 名 条 处 宗 亩 万亩 公里 千米 米 平方米 万平方米 公顷 立方米 微克/立方米 个工作日 "
        "工作日 天 小时 分钟"
    ).split(),
    key=len,
    reverse=True,
)
_UNIT_NAMES = {"个行政村": "行政村"}
# A number that is not part of a name (PM2.5, 5G, PM10), with an optional range and its unit.
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.])(?P<a>\d+(?:\.\d+)?)(?:\s*[-~～至—–]\s*(?P<b>\d+(?:\.\d+)?))?(?P<unit>"
    + "|".join(re.escape(u) for u in _UNITS)
    + r")?(?![A-Za-z0-9.])"
)
_DATE = re.compile(r"^(?:年|月|季度|号)")  # 2025年, 6月: a time, not a target
_TRAILING_UNIT = re.compile(r"(" + "|".join(re.escape(u) for u in _UNITS if u != "%") + r"|行政村)$")  # "71吨" -> 71


def _word_pattern(where, template):
    words = sorted((w for w, at, _ in TARGET_WORDS if at == where), key=len, reverse=True)
    return re.compile(template.format("|".join(re.escape(w) for w in words)))


_WORD = {(w, at): c for w, at, c in TARGET_WORDS}
_BEFORE = _word_pattern(BEFORE, r"({})\s*$")
_AFTER = _word_pattern(AFTER, r"^\s*({})")
_AFTER_AT_END = _word_pattern(AFTER, r"({})$")
_EARLIER = _word_pattern(EARLIER, r"({})")
_STRETCH = re.compile("|".join(STRETCH_WORDS))
_NOT_VERBS = re.compile("|".join(STRETCH_WORDS + ("建成区",)))  # 建成区绿化覆盖率: a name, not 建成
# A clause without a number that says something must not happen: 不发生…, 杜绝…, 无…事故, …零发生.
_ZERO_PREFIX = re.compile(r"^(?:确保|坚决|全年|年内|全区|实现)*")
_ZERO_LEAD = re.compile(
    _ZERO_PREFIX.pattern
    + "(?P<word>"
    + "|".join(re.escape(w) for w, at, c in TARGET_WORDS if c == ZERO and at == BEFORE)
    + ")"
)
_ZERO_NAMES_AFTER_NONE = re.compile(r"(?:事故|行为|事件|案件)$")  # 无 needs one of these: 无公害农产品 is a name
_MODAL = re.compile(r"^(确保|力争|争取|争创|积极|年内|全年|全区|重点对|组织|大力|继续|[到至]\d{4}年[底末]?)+")


@dataclass(frozen=True)
class Indicator:
    """One measurable indicator of a task.

    ``source`` is 自动提取, 待确认 (extracted, but the target's wording does not tell its comparison for
    sure: the clerk confirms it in the 指标 sheet) or 人工 (the clerk's row).
    """

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
            return ZERO
        unit = "个行政村" if self.unit == "行政村" else self.unit
        if self.comparison == RANGE:
            return f"{_num(self.value)}–{_num(self.upper)}{unit}"
        prefix = {GE: "≥", LE: "≤", EQ: "", AT_LEAST: "至少"}[self.comparison]
        return f"{prefix}{_num(self.value)}{unit}"

    def score(self, actual):
        """达标, 未达标, 未填报 when ``actual`` is None, 待核实 while the target's reading is 待确认.

        Values are cumulative to date.
        """
        if actual is None:
            return EMPTY
        if self.source == SOURCE_UNSURE:
            return UNCLEAR
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
    """The indicators in one target text, numbered T0101-1, T0101-2, …

    The comparison comes from the words of :data:`vocab.TARGET_WORDS` around each number; an indicator
    whose comparison the words do not tell for sure has the source 待确认.
    """
    found = []
    for sentence in re.split(r"[。]", target):
        inherited = None
        for clause in re.split(r"[，；;,]", sentence):
            clause = clause.strip()
            if clause:
                inherited = _extract_clause(clause, inherited, found)
    return [
        Indicator(
            f"{task_id}-{i}",
            task_id,
            name,
            comparison,
            value,
            unit,
            upper,
            source=SOURCE_AUTO if sure else SOURCE_UNSURE,
        )
        for i, (name, comparison, value, upper, unit, sure) in enumerate(found, start=1)
    ]


def _extract_clause(clause, inherited, found):
    """Append the clause's indicators to ``found``; returns the comparison a following clause inherits."""
    zero = _zero_clause(clause)
    if zero:
        found.append((zero, ZERO, 0.0, None, "起", True))
        return inherited
    matches = [
        m
        for m in _NUMBER.finditer(clause)
        if not _DATE.match(clause[m.end() :]) and not clause[: m.start()].endswith("第")
    ]
    start, previous_name, carried = 0, "", ""
    for m in matches:
        before = carried + clause[start : m.start()].lstrip("、")
        rest = clause[m.end() :]
        after_word = _AFTER.match(rest)
        rest = rest[after_word.end() :] if after_word else rest
        cut = rest.find("、")
        after = rest if cut < 0 else rest[:cut]
        if after and matches[-1] is not m and _NUMBER.search(after):
            after = ""  # the next number's name, not this one's
        start = m.end() + (after_word.end() if after_word else 0) + len(after)
        before_word = _BEFORE.search(before)
        carried = ""
        if before_word and _WORD[(before_word.group(1), BEFORE)] == BASELINE:
            carried = before[: before_word.start()]  # 审批时限由5个工作日压缩至3个: the 5 is where it starts
            continue
        comparison, sure = _comparison(m, before_word, after_word, before, inherited)
        if sure and comparison in (AT_LEAST, GE, LE):
            inherited = comparison
        name = _clean_name(before[: before_word.start()] if before_word else before, after) or previous_name
        previous_name = name or _clean_name(clause, "")
        unit = _UNIT_NAMES.get(m.group("unit"), m.group("unit") or "")
        upper = float(m.group("b")) if m.group("b") else None
        for part in _split_rates(previous_name):
            found.append((part, comparison, float(m.group("a")), upper, unit, sure))
    # The next clause keeps counting what a verb counted (申报试点5家，高新技术企业试点1家); a ≥ or ≤ stays in its own.
    return inherited if inherited == AT_LEAST else None


def _zero_clause(clause):
    """The name of what must not happen, for a clause such as 全年不发生较大以上安全事故; else None."""
    if _NUMBER.search(clause):
        return None
    lead = _ZERO_LEAD.match(clause)
    if lead:
        name = clause[lead.end() :].strip()
        if name and (lead.group("word") != "无" or _ZERO_NAMES_AFTER_NONE.search(name)):
            return name
        return None
    tail = _AFTER_AT_END.search(clause)
    if tail and _WORD[(tail.group(1), AFTER)] == ZERO:
        return _ZERO_PREFIX.sub("", clause[: tail.start()]).strip() or None
    return None


def _comparison(m, before_word, after_word, before, inherited):
    """(comparison, sure) of one number, from the words just before and after it, then those earlier."""
    words = [_WORD[(w.group(1), at)] for w, at in ((before_word, BEFORE), (after_word, AFTER)) if w]
    words = [c for c in words if c != ZERO]  # 无3起: a number after a word of no occurrence is no target read
    stretch = bool(_STRETCH.search(before))
    if m.group("b"):
        return RANGE, not words  # 1-2家; 不低于3-5家 mixes a range with words
    if words:
        return words[0], len(set(words)) == 1  # 不低于…以内 contradicts itself
    if _EARLIER.search(_NOT_VERBS.sub("", before)):
        return AT_LEAST, True
    if inherited and not stretch:
        return inherited, True
    if float(m.group("a")) == 100 and m.group("unit") == "%":
        return EQ, True  # 合格率100%: nothing above it
    return (AT_LEAST if stretch else inherited or EQ), False


def _clean_name(before, after):
    name = (before + after).strip("、 ")
    name = _MODAL.sub("", name)
    return name.strip("、 ")


def _split_rates(name):
    """ "万台设备事故率、死亡率" names two rates; "中国名牌、江苏名牌产品企业…培训率" names one."""
    parts = name.split("、")
    if len(parts) > 1 and all(p.endswith("率") for p in parts):
        return parts
    return [name]


_RANGE_DASH = re.compile(r"(?<=\d)[–\-~](?=\d)")


def printed_target(text: str) -> str:
    """A target as an official table prints a range: 1～2家 (not 1–2家)."""
    return _RANGE_DASH.sub("～", text)


def shown_target(indicator: Indicator, target: str) -> str:
    """The one writing of an indicator's target in every output: as the task's ``target`` text wrote it
    (达100%, not ≥100% here and 达100% there), a range with ～."""
    return printed_target(written_target(indicator, target))


def written_target(indicator: Indicator, target: str) -> str:
    """The indicator's target as the table wrote it ("达100%", "≥92%", "71吨", "1-2家"); else :attr:`target_text`.

    The number is looked for in the task's target text with its unit and the comparison word just before
    it (and 以上/以下/以内 just after); an indicator a clerk added whose number the text lacks keeps
    the tool's own wording.
    """
    if indicator.comparison == ZERO:
        return indicator.target_text
    unit = "个行政村" if indicator.unit == "行政村" else indicator.unit
    target = target or ""
    named = max(target.find(indicator.name), 0)  # 兑现资金2亿元，发放贷款不少于2亿元: each its own 2亿元
    for m in sorted(_NUMBER.finditer(target), key=lambda m: m.start() < named):
        same_unit = (m.group("unit") or "") == unit
        same_upper = (float(m.group("b")) if m.group("b") else None) == indicator.upper
        if float(m.group("a")) == indicator.value and same_unit and same_upper:
            word = _BEFORE.search(target[: m.start()])
            tail = _AFTER.match(target[m.end() :])
            return (word.group(1) if word else "") + m.group(0) + (tail.group(1) if tail else "")
    return indicator.target_text


def fingerprint(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# ---------------------------------------------------------------------------
# The 指标 sheet: the clerk's rows win


def default_owner(task, departments):
    """The task's first lead that gets a form (a group's first member); "" (no owner) when no lead gets one: a
    collective that config.ini does not expand (区有关部门) is no unit to ask."""
    return next(iter(departments.members(task.leads)), "")


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
        # An owner left empty is the default; one named as a group is its first member, an unexpanded collective none.
        owner = owner_name(ind.owner, departments) if ind.owner else default_owner(tasks[ind.task_id], departments)
        by_task.setdefault(ind.task_id, []).append(replace(ind, owner=owner))
    result = []
    for task in table.tasks:
        fp = fingerprint(task.target)
        if record.get(task.task_id) == fp:
            result.extend(_confirmed(by_task.get(task.task_id, []), task))  # as the clerk left it, deletions included
            continue
        kept = [i for i in by_task.get(task.task_id, []) if i.source == SOURCE_CLERK]
        owner = default_owner(task, departments)
        fresh = [replace(i, owner=owner) for i in extract(task.task_id, task.target)]
        taken = {i.indicator_id for i in kept}
        fresh = [i if i.indicator_id not in taken else replace(i, indicator_id=i.indicator_id + "a") for i in fresh]
        result.extend(fresh + kept)
        record[task.task_id] = fp
    return result, record


def owner_name(name, departments):
    """The recipient a 填报单位 of the 指标 sheet names: through [aliases], a group's first member; "" (no owner) for a
    collective that config.ini does not expand."""
    return next(iter(departments.expand(departments.aliases.get(name, name))), "")


def _confirmed(rows, task):
    """The rows of a task, a 待确认 row whose reading the clerk changed in the 指标 sheet counted as the clerk's."""
    if not any(i.source == SOURCE_UNSURE for i in rows):
        return rows
    extracted = {i.indicator_id: _reading(i) for i in extract(task.task_id, task.target)}
    return [
        replace(i, source=SOURCE_CLERK)
        if i.source == SOURCE_UNSURE and extracted.get(i.indicator_id) != _reading(i)
        else i
        for i in rows
    ]


def _reading(ind):
    return ind.name, ind.comparison, ind.value, ind.upper, ind.unit


def needs_confirming(table) -> list[str]:
    """One line per indicator whose target's reading the clerk must confirm (来源 待确认); none when all are sure."""
    unsure = [i for i in table.indicators if i.source == SOURCE_UNSURE]
    if not unsure:
        return []
    return [
        f"以下 {len(unsure)} 项指标的目标读法没有把握，请在主表“{INDICATOR_SHEET}”工作表中核对“比较”“目标值”"
        f"“单位”，改正后把“来源”改为“{SOURCE_CLERK}”（确认前填报的值在附件2中写“{UNCLEAR}”）："
    ] + [f"  {i.indicator_id} {i.name}：读作“{i.target_text}”" for i in unsure]


def reading_changes(table) -> list[str]:
    """Lines naming each 自动提取 row whose comparison differs from how the target reads now (an earlier version's
    misreading, such as 比例不低于30% kept as ≤30%); the row is left as it is, the clerk decides.
    """
    changed = []
    for task in table.tasks:
        rows = [i for i in table.indicators if i.task_id == task.task_id and i.source == SOURCE_AUTO]
        fresh = {i.indicator_id: i for i in extract(task.task_id, task.target)} if rows else {}
        changed += [
            (i, fresh[i.indicator_id])
            for i in rows
            if i.indicator_id in fresh and fresh[i.indicator_id].comparison != i.comparison
        ]
    if not changed:
        return []
    return [
        f"以下 {len(changed)} 项“{SOURCE_AUTO}”的指标，“{INDICATOR_SHEET}”工作表中的比较与工作目标现在的读法不同"
        "（可能是早先读错了），请核对，需要时改正并把“来源”改为“人工”："
    ] + [
        f"  {old.indicator_id} {old.name}：表中为“{old.target_text}”，工作目标读作“{new.target_text}”"
        for old, new in changed
    ]


def _source(text):
    """The 来源 cell: 自动提取 and 待确认 as written; anything else is the clerk's row."""
    return text if text in (SOURCE_AUTO, SOURCE_UNSURE) else SOURCE_CLERK


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
    record = _read_record(by_name.get(RECORD_SHEET))
    sheet = by_name.get(INDICATOR_SHEET)
    if sheet is None:
        return None, record
    where = f"{label} 工作表“{INDICATOR_SHEET}”"
    col = _sheet_columns(sheet, where)
    tasks = {t.task_id for t in table.tasks}
    rows, problems, seen = [], [], {}
    for r, raw in enumerate(sheet.rows[1:], start=2):
        v = {name: text_of(raw[i]) if i < len(raw) else "" for name, i in col.items()}
        if not any(v.values()):
            continue
        if v[H_ID] not in tasks and unknown is not None and v[H_IND_NAME]:
            unknown.append(
                _indicator(v, v[H_IND_ID], parse_number(v[H_TARGET_VALUE]) or 0.0, parse_number(v[H_TARGET_UPPER]))
            )
            continue
        at = f"{where}第{r}行" + (f"（{v[H_IND_NAME]}）" if v[H_IND_NAME] else "")
        found = _checked_row(v, tasks)
        if isinstance(found, str):
            problems.append(f"{at}：{found}")
        elif found.indicator_id in seen:
            problems.append(
                f"{at}：指标编号“{found.indicator_id}”与第{seen[found.indicator_id]}行重复，请改用一个新的编号。"
            )
        else:
            seen[found.indicator_id] = r
            rows.append(found)
    if problems:
        raise TableError(problems[0], problems[1:])
    return rows, record


def _read_record(sheet) -> dict:
    """{task ID: fingerprint of its target when last extracted} from the hidden 指标记录 sheet (if any)."""
    rows = sheet.rows[1:] if sheet is not None else []
    return {text_of(row[0]): text_of(row[1]) for row in rows if len(row) >= 2 and text_of(row[0])}


def _sheet_columns(sheet, where) -> dict:
    """{header: column index} of the 指标 sheet; TableError naming the first missing column."""
    header = [text_of(v) for v in (sheet.rows[0] if sheet.rows else [])]
    missing = [c for c in INDICATOR_COLUMNS if c not in header]
    if missing:
        raise TableError(
            f"{where}第1行：缺少“{missing[0]}”列，请恢复该列，表头必须是：{'、'.join(INDICATOR_COLUMNS)}。"
        )
    return {name: header.index(name) for name in INDICATOR_COLUMNS}


def _checked_row(v: dict, tasks: set):
    """The :class:`Indicator` of one row of the 指标 sheet (``v``: header -> text), or what is wrong with it."""
    if v[H_ID] not in tasks:
        return f"任务编号“{v[H_ID]}”不在责任分解表中，请改为该指标所属任务的编号。"
    if not v[H_IND_NAME]:
        return "指标名称为空，请填写。"
    if v[H_COMPARISON] not in COMPARISONS:
        return f"比较“{v[H_COMPARISON]}”无效，请填写 {'、'.join(COMPARISONS)} 之一。"
    value = parse_number(v[H_TARGET_VALUE]) if v[H_COMPARISON] != ZERO else 0.0
    upper = parse_number(v[H_TARGET_UPPER]) if v[H_COMPARISON] == RANGE else None
    if value is None or (v[H_COMPARISON] == RANGE and upper is None):
        return "目标值不是数字，请填写数字，例如 92。"
    # A row the clerk added without an ID gets one from its name: stable however the sheet is sorted.
    return _indicator(v, v[H_IND_ID] or f"{v[H_ID]}-R{fingerprint(v[H_IND_NAME])[:6]}", value, upper)


def _indicator(v: dict, ident: str, value, upper) -> Indicator:
    return Indicator(
        ident, v[H_ID], v[H_IND_NAME], v[H_COMPARISON], value, v[H_IND_UNIT], upper, v[H_UNIT], _source(v[H_SOURCE])
    )


# ---------------------------------------------------------------------------
# Reading a reported value

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
        percent = _num(round(value * 100, 8))
        return None, (
            f"完成值“{shown}”按 {_num(value)}% 计，与目标“{target}”相差很大，请核实："
            f"如果是 {percent}%，请写成 {percent}%。"
        )
    if high and value > MAX_TIMES_TARGET * high:
        return None, f"完成值“{shown}”超过目标“{target}”的 {MAX_TIMES_TARGET} 倍，请核实。"
    return value, None


_TARGET = re.compile(r"^(?:≥|≤|至少)?(\d+(?:\.\d+)?)(?:–(\d+(?:\.\d+)?))?")


def _target_bounds(target):
    """(low, high) of a target as :attr:`Indicator.target_text` writes it; (0, 0) for 零发生, Nones if unknown."""
    if target == ZERO:
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
        names = {r.name for r in table.recipients(departments)} | set(departments.groups) | {""}  # "": no owner
        kept = []
        for ind in rows:
            if not ind.owner or owner_name(ind.owner, departments) in names:
                kept.append(ind)
            elif ind.source != SOURCE_CLERK:
                record.pop(ind.task_id, None)  # extract this task's indicators again, for its current units
            else:
                set_aside.append((ind, f"填报单位“{ind.owner}”在新表中已不存在"))
        stale = {i.task_id for i in rows if i.task_id not in record}
        rows = [i for i in kept if not (i.task_id in stale and i.source != SOURCE_CLERK)]
    table.indicators, table.indicator_record = merge(table, departments, rows, record)
    return set_aside


def check_owners(table, departments, label) -> list[str]:
    """Every indicator's 填报单位 must be a recipient (raises TableError naming the indicator); returns one line per
    indicator that has none (:func:`ownerless`)."""
    names = {r.name for r in table.recipients(departments)}
    problems = [
        f"{label} 工作表“{INDICATOR_SHEET}”（{i.indicator_id} {i.name}）：填报单位“{i.owner}"
        "”不在填报单位名单中，"
        f"请改为该任务的牵头或配合单位之一。"
        for i in table.indicators
        if i.owner and i.owner not in names
    ]
    if problems:
        raise TableError(problems[0], problems[1:])
    return ownerless(table, departments)


def ownerless(table, departments) -> list[str]:
    """One line per indicator no unit reports (its task's leads are collectives no form goes to), naming it and the
    line of [groups] that gives it one."""
    leads = {t.task_id: [n for n in t.leads if departments.is_unexpanded_collective(n)] for t in table.tasks}
    lines = []
    for i in table.indicators:
        if i.owner:
            continue
        named = leads.get(i.task_id)
        why = (
            f"任务 {i.task_id} 的牵头单位“{'、'.join(named)}”是集体名称，不发填报表；请在 config.ini 的 [groups] "
            f"中列出其中的单位，例如“{named[0]} = 单位甲、单位乙”，或"
            if named
            else "主表中写的填报单位是集体名称，不发填报表；请"
        )
        lines.append(
            f"提示：指标 {i.indicator_id}（{i.name}）没有填报单位：{why}在主表“{INDICATOR_SHEET}”工作表中"
            "填写该指标的填报单位。"
        )
    return lines
