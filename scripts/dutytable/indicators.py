"""The master table's 指标 sheet: the indicators in use, where the clerk's rows always win.

The indicators extracted from each task's target (:mod:`targets`) are written to the master table's
指标 sheet, where a clerk may correct, add or delete any; a hidden sheet remembers each task's target
as it was when extracted, so that only new or changed targets are extracted again. This module merges
the two, reads and checks the sheet row by row, carries it over on re-import and names the readings
and owners the clerk must look at.
"""

import hashlib
from dataclasses import replace

from .errors import TableError
from .reported import parse_number
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
from .targets import SOURCE_AUTO, SOURCE_CLERK, SOURCE_UNSURE, Indicator, extract
from .vocab import COMPARISONS, INDICATOR_SHEET, RANGE, RECORD_SHEET, UNCLEAR, ZERO
from .workbooks import text_of

SOURCES = (SOURCE_AUTO, SOURCE_UNSURE, SOURCE_CLERK)  # the 来源 column's choices


def fingerprint(text):
    """What the hidden 指标记录 sheet keeps of a target text, to tell whether it changed since extraction."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


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
    """The rows of a task, a 待确认 row whose reading the clerk changed in the 指标 sheet counted as the clerk's; one
    left as extracted keeps the approximate word the sheet has no column for (6.5%左右)."""
    if not any(i.source == SOURCE_UNSURE for i in rows):
        return rows
    extracted = {i.indicator_id: i for i in extract(task.task_id, task.target)}
    confirmed = []
    for i in rows:
        fresh = extracted.get(i.indicator_id)
        if i.source != SOURCE_UNSURE:
            confirmed.append(i)
        elif fresh is None or _reading(fresh) != _reading(i):
            confirmed.append(replace(i, source=SOURCE_CLERK))
        else:
            confirmed.append(replace(i, about=fresh.about))
    return confirmed


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
    ] + [
        f"  {i.indicator_id} {i.name}：读作“{i.reading_text}”"
        + (f"（工作目标写的是约数“{i.target_text}”，没有确切的达标线，请写明按多少算达标）" if i.about else "")
        for i in unsure
    ]


def reading_changes(table) -> list[str]:
    """Lines naming each 自动提取 row whose comparison differs from how the target reads now, or whose number the
    target now reads as approximate (an earlier version's misreading, such as 比例不低于30% kept as ≤30%, 增长6.5%左右
    as 至少6.5%); the row is left as it is, the clerk decides.
    """
    changed = []
    for task in table.tasks:
        rows = [i for i in table.indicators if i.task_id == task.task_id and i.source == SOURCE_AUTO]
        fresh = {i.indicator_id: i for i in extract(task.task_id, task.target)} if rows else {}
        changed += [
            (i, fresh[i.indicator_id])
            for i in rows
            if i.indicator_id in fresh
            and (fresh[i.indicator_id].comparison != i.comparison or fresh[i.indicator_id].about)
        ]
    if not changed:
        return []
    return [
        f"以下 {len(changed)} 项“{SOURCE_AUTO}”的指标，“{INDICATOR_SHEET}”工作表中的比较与工作目标现在的读法不同"
        "（可能是早先读错了），请核对，需要时改正并把“来源”改为“人工”："
    ] + [
        f"  {old.indicator_id} {old.name}：表中为“{old.target_text}”，工作目标读作“{new.target_text}”"
        + ("（约数，没有确切的达标线）" if new.about else "")
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
