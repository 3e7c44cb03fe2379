"""Stage 5, the Word summary as official 附件 (GB/T 9704-2012): 附件1 (the tasks) and 附件2 (the indicators),
written with the period's notices (:mod:`notices`).

The house style (template, styles, page setup, table XML, PDF) is :mod:`wordml`; this
module says what the documents contain. The table's columns are the schema's ATTACHMENT place.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from functools import partial
from pathlib import Path

from docx.shared import Length

from . import files
from .config import PARTNER_COLLAPSE, PARTNER_OMIT
from .notices import bulletin_path, reminder_path, write_bulletin, write_reminder
from .pace import NOT_APPLICABLE, pace_text
from .schema import (
    ATTACHMENT,
    H_ATTAINMENT,
    H_IND_NAME,
    H_IND_TARGET,
    H_ITEM,
    H_PACE,
    H_RESPONSIBLE,
    H_SEQ,
    H_STATUS,
    H_UNIT,
    H_WARNING,
)
from .summary import Summary, TaskSummary, as_of, joined_names, pace_start, summarize
from .vocab import (
    CLOSED,
    COMPLETION,
    EMPTY,
    GREEN,
    LATE,
    MET,
    NO_FORM,
    NO_LEAD,
    NOT_MET,
    NOT_REPORTED,
    ROLE_LEAD,
    TO_FIX,
    UNCLEAR,
    Period,
    cn_date,
    cn_number,
    month_header,
    needs_attention,
    text_width,
)
from .warning import ALERTS
from .wordml import (
    CELL_PADDING_MM,
    PT_5,
    PT_S4,
    STYLE_CELL,
    STYLE_HEAD,
    TABLE_LINE,
    TABLE_LINE_SMALL,
    TABLE_ROOM_MM,
    TYPE_WIDTH_LANDSCAPE,
    cell_xml,
    head_mm,
    table_xml,
    to_pdf,
    write_attachment,
)

ALL_REPORTED = "全部单位均已报送，无需催报。"
ALL_GREEN = f"全部任务均为{GREEN}，不发预警通报。"
NO_CONTACT = "催报通知中没有联系人和电话：请在 config.ini 的 [report] 中填写 contact 和 phone。"
#: 推进情况's least share of the 附件1 table; the narrowest 工作目标 before the table text goes down to 五号.
PROGRESS_SHARE = 0.45
MIN_TARGET_MM = 30
MAX_ITEM_MM = 30  # 工作内容 no wider than this, for a long name (it then wraps)
MAX_WIDER_MM = 40  # a column other than 工作目标 widens up to this when its text would make the rows taller


def overview(summary: Summary, day: dt.date) -> str:
    """The sentence above the table, as a 文秘 writes it: counts that are zero are left out.

    截至2010年11月30日，共18项目标任务，其中已完成2项、正常推进8项…；41项量化指标均已填报，…；
    24个单位均已报送（其中逾期1个：园区办；待补正1个：药监分局）。
    """
    counts = summary.status_counts
    # past its 完成时限 and not done: said beside the status it is counted under (正常推进10项（其中逾期2项）)
    overdue = Counter(t.counted_status for t in summary.tasks if t.overdue and not t.closed)

    def part(label: str, status: str) -> str:
        return f"{label}{counts[status]}项" + (f"（其中逾期{overdue[status]}项）" if overdue[status] else "")

    parts = [part(s, s) for s in COMPLETION if counts[s]]
    if closed := sum(bool(t.closed) for t in summary.tasks):  # 已办结 counts as 已完成
        parts[0] += f"（含{CLOSED}{closed}项）"
    if counts.get(UNCLEAR):  # statuses written outside the list, kept as written with a mark
        parts.append(part(f"{H_STATUS}{UNCLEAR}", UNCLEAR))
    if counts.get(NO_LEAD):  # leads all collectives that get no form: no unit was asked
        parts.append(part(NO_LEAD, NO_LEAD))
    if counts[NOT_REPORTED]:
        parts.append(part("牵头单位尚未报送", NOT_REPORTED))
    text = f"截至{cn_date(day)}，共{len(summary.tasks)}项目标任务，其中{'、'.join(parts)}；{warning_clause(summary)}；"
    if summary.indicators:
        ic = summary.indicator_counts
        labels = ((MET, f"已{MET}"), (NOT_MET, NOT_MET), (UNCLEAR, UNCLEAR))
        scored = "、".join(f"{label}{ic[s]}项" for s, label in labels if ic[s])
        if ic[EMPTY]:
            scored += "、" if scored else ""
            text += f"量化指标{len(summary.indicators)}项，{scored}{EMPTY}{ic[EMPTY]}项；"
        elif not all(i.indicator.owner for i in summary.indicators):  # one no unit reports: not 均已填报
            text += f"量化指标{len(summary.indicators)}项，{scored}；"
        else:
            text += f"{len(summary.indicators)}项量化指标均已填报，{scored}；"
    return text + submission_clause(summary) + "。"


def warning_clause(summary: Summary) -> str:
    """ "预警红灯1项（质量提升行动）、黄灯2项（标准化建设、品牌培育）" naming the tasks (工作内容); "预警均为绿灯"."""
    by_light = summary.by_light
    parts = [
        f"{color}{len(tasks)}项（{'、'.join(t.task.item for t in tasks)}）"
        for color in ALERTS
        if (tasks := by_light[color])
    ]
    return f"{H_WARNING}{'、'.join(parts)}" if parts else f"{H_WARNING}均为{GREEN}"


def submission_clause(summary: Summary) -> str:
    """Who reported, each "其中" beside the count it belongs to: the late and the 待补正 are among the reported,
    those that sent back an empty form (未填报) among the unreported.

    应报送24个单位，已报送3个（其中逾期1个：园区办；待补正1个：药监分局），未报送21个（…；其中未填报1个：春江镇）
    """
    reported, missing = summary.reported, summary.not_reported
    among = _among(
        [(LATE, [r for r in reported if r.late]), (TO_FIX, [r for r in reported if r.state == TO_FIX])], len(reported)
    )
    if not missing:
        return f"{len(summary.recipients)}个单位均已报送" + among
    empty = [r for r in missing if r.empty]
    empties = f"；其中{EMPTY}{len(empty)}个：{joined_names(empty)}" if empty else ""
    return (
        f"应报送{len(summary.recipients)}个单位，已报送{len(reported)}个{among}，"
        f"{NOT_REPORTED}{len(missing)}个（{joined_names(missing)}{empties}）"
    )


def _among(groups, total: int) -> str:
    """ "（其中逾期1个：园区办；待补正1个：药监分局）" for the groups with units in them, "" when none has; a group
    of all ``total`` units is "均逾期", not "其中逾期24个"."""
    every = [f"均{label}" for label, units in groups if units and len(units) == total]
    some = [f"{label}{len(units)}个：{joined_names(units)}" for label, units in groups if units and len(units) < total]
    parts = every + ([f"其中{'；'.join(some)}"] if some else [])
    return f"（{'；'.join(parts)}）" if parts else ""


def report_paths(config, period) -> tuple[Path, Path, Path]:
    """(附件1, 附件2, 催报通知): each name carries the period, so months cannot be confused."""
    folder = config.period_dir(period)
    title = config.report_title(period)
    return (
        folder / f"附件{config.attachment}_{title}汇总表_{period}.docx",
        folder / f"附件{config.attachment2}_{title}量化指标完成情况表_{period}.docx",
        reminder_path(config, period),
    )


def write_report(summary: Summary, config, today: dt.date) -> Path:
    """Write 附件1 (the tasks); returns its path."""
    return write_attachment(
        config,
        (config.attachment, summary.title + "汇总表", today),
        [overview(summary, as_of(summary.period, today))],
        lambda ids: _table_xml(summary, ids, config.partner_text, config.departments),
        report_paths(config, summary.period)[0],
    )


def write_indicator_report(summary: Summary, config, today: dt.date) -> Path:
    """Write 附件2 (the quantitative indicators) in its own file; returns its path."""
    return write_attachment(
        config,
        (config.attachment2, f"{summary.title}量化指标完成情况表", today),
        [pace_note(pace_start(config, summary.period))] if any(i.pace for i in summary.indicators) else [],
        partial(_indicator_table_xml, summary),
        report_paths(config, summary.period)[1],
        as_of=f"（截至{cn_date(as_of(summary.period, today))}）",
    )


def pace_note(start: dt.date) -> str:
    """How 附件2's 序时进度 is worked out (to the day of the as-of line above it), in one sentence a reader can
    check a row by."""
    start = cn_date(start)
    return (
        f"序时进度为累计类指标到截至日应完成的量：目标值×（{start}至截至日的天数÷{start}至完成时限的天数），"
        f"未写明完成时限的算至年底；比率、零发生和“不超过”类指标{NOT_APPLICABLE}。"
    )


def report_widths(columns, longest_item: float = 0, size_pt: float = PT_S4.pt, rows=None) -> list:
    """Column widths (mm) filling the landscape type area.

    Every column is at least as wide as its head needs to stay on one line (:func:`wordml.head_mm`).
    工作内容 widens (up to :data:`MAX_ITEM_MM`) so that its longest name, ``longest_item``
    characters at ``size_pt``, stays on one line.

    推进情况 takes at least :data:`PROGRESS_SHARE` of the width: 工作目标 gives way to it first,
    down to :data:`MIN_TARGET_MM`; if that is not enough (many extra columns), the other columns
    narrow in proportion. Given the table's ``rows`` (texts), the columns then share the width as
    makes the table shortest (:func:`balanced_target`).
    """
    least_of = [head_mm(H_RESPONSIBLE if c.key == "leads_text" else c.header, size_pt) for c in columns]
    widths = [max(c.width(ATTACHMENT), least) for c, least in zip(columns, least_of)]
    keys = [c.key for c in columns]
    progress, target = keys.index("progress"), keys.index("target")
    if "item" in keys:
        item = keys.index("item")
        needed = longest_item * size_pt * 25.4 / 72 + CELL_PADDING_MM + 0.5
        widths[item] = max(widths[item], min(MAX_ITEM_MM, round(needed, 1)))
    least = TYPE_WIDTH_LANDSCAPE * PROGRESS_SHARE
    rest = TYPE_WIDTH_LANDSCAPE - sum(w for i, w in enumerate(widths) if i != progress)
    if rest < least:
        widths[target] = max(MIN_TARGET_MM, math.floor((widths[target] - (least - rest)) * 10) / 10)
        others = sum(w for i, w in enumerate(widths) if i != progress)
        if TYPE_WIDTH_LANDSCAPE - others < least:  # each gives way down to its head's width, in proportion
            floor = sum(x for i, x in enumerate(least_of) if i != progress)
            shrink = max((TYPE_WIDTH_LANDSCAPE - least - floor) / (others - floor), 0)
            widths = [
                w if i == progress else round(x + (w - x) * shrink, 1) for i, (w, x) in enumerate(zip(widths, least_of))
            ]
    widths[progress] = round(TYPE_WIDTH_LANDSCAPE - sum(w for i, w in enumerate(widths) if i != progress), 1)
    if rows:
        fixed = tuple(keys.index(k) for k in ("seq", "item") if k in keys)
        widths = balanced_target(widths, rows, target, progress, size_pt, fixed)
    return widths


def balanced_target(widths, rows, target: int, progress: int, size_pt: float, fixed: tuple = ()) -> list:
    """``widths`` with the columns sharing the type area so that the rows are the fewest lines in all (a long
    target in a narrow column makes a row as tall as a page, and so does a light's reason or a list of units in a
    column of two characters a line); of equal heights the widest 推进情况.

    Each column but 推进情况 and those at ``fixed`` (序号, 工作内容: sized by their own rule) may widen, in whole
    millimetres: 工作目标 up to a half of it and 推进情况 together, the others up to :data:`MAX_WIDER_MM`;
    推进情况 takes the rest and stays at least as wide as 工作目标. One column at a time is widened where that
    makes the table shortest, until none does. Each text is measured once, and each column's lines counted once
    for each number of characters a line holds (several widths hold the same number).
    """
    char_mm = size_pt * 25.4 / 72
    measured = [measure(r) for r in rows]
    counted = {}

    def lines_at(column: int, width: float) -> list:
        key = (column, per_line(width, char_mm))
        if key not in counted:
            counted[key] = [wrapped(m[column], key[1]) for m in measured]
        return counted[key]

    def score(ws: list) -> tuple:
        return sum(map(max, *(lines_at(i, w) for i, w in enumerate(ws)))), -ws[progress]

    total = sum(widths)
    top = {target: int((widths[target] + widths[progress]) / 2)}
    best, current = score(widths), list(widths)
    improved = True
    while improved:
        improved = False
        for column in [i for i in range(len(widths)) if i != progress and i not in fixed]:
            for w in range(math.floor(current[column]) + 1, top.get(column, MAX_WIDER_MM) + 1):
                trial = list(current)
                trial[column] = w
                trial[progress] = round(total - sum(x for i, x in enumerate(trial) if i != progress), 1)
                if trial[progress] < trial[target]:
                    break
                key = score(trial)
                if key < best:
                    best, current, improved = key, trial, True
    return current


def measure(texts) -> tuple:
    """A row's texts as what :func:`row_lines` counts: each cell's lines as their widths in character widths."""
    return tuple(tuple(text_width(line) for line in text.split("\n")) for text in texts)


def per_line(width: float, char_mm: float) -> int:
    """How many character widths a line of a cell ``width`` mm wide holds (at least one)."""
    return max(int((width - CELL_PADDING_MM) / char_mm), 1)


def wrapped(line_widths: tuple, per: int) -> int:
    """How many lines a cell takes whose lines are ``line_widths`` wide, wrapping at ``per``; an empty line is one."""
    return int(sum(-(-w // per) or 1 for w in line_widths))


def row_lines(texts, widths, size_pt: float) -> int:
    """How many lines the tallest cell of a row takes at ``size_pt`` (each text's lines wrap at its width)."""
    char_mm = size_pt * 25.4 / 72
    return max([1] + [wrapped(c, per_line(w, char_mm)) for c, w in zip(measure(texts), widths)])


def table_size(rows, widths) -> Length:
    """小四 when the rows at 小四 average at most a third of the page's table room (three tasks a page
    or more), else 五号: a larger size would leave a reader two tasks a page, or one."""
    return _size([row_lines(r, widths, PT_S4.pt) for r in rows])


def _size(lines: list) -> Length:
    """:func:`table_size` of rows that take ``lines`` lines each at 小四."""
    if not lines:
        return PT_S4
    average = sum(lines) * (TABLE_LINE.pt * 25.4 / 72) / len(lines)
    return PT_S4 if average <= TABLE_ROOM_MM / 3 else PT_5


def written_names(t: TaskSummary, departments) -> dict:
    """{unit: its name as the task's row writes it}, for the units the row names by another name ([aliases]:
    区相关部门 for 区有关部门), so that the row's 推进情况 names them as its 责任单位 does."""
    names = {}
    for text in (t.task.leads_text, t.task.partners_text):
        for token, _ in departments.tokens(text):
            if departments.aliases.get(token, token) != token:
                names[departments.aliases[token]] = token
    return names


def progress_lines(t: TaskSummary, partner_text: str = PARTNER_COLLAPSE, names: dict | None = None) -> list:
    """The 推进情况 of one task, one line per unit: the leads first, named, then the partners.

    A lead that has not reported says so; leads that disagree on the status each say theirs;
    partners with the same text share one line naming them all. ``names``: a unit's name as the row
    writes it, where it differs (:func:`written_names`). A collective that got no form says so
    (区有关部门（牵头）：未发填报表。): a lead first, a partner after the partners.
    """
    if t.closed:
        return [f"已于{Period.parse(t.closed).label}办结。"]
    names = names or {}
    lines = [f"{names.get(name, name)}（{role}）：{NO_FORM}。" for name, role in t.no_form if role == ROLE_LEAD]
    leads = [u for u in t.units if u.role == ROLE_LEAD]
    partners = [u for u in t.units if u.role != ROLE_LEAD]
    for u in leads:
        role = f"{u.role}，{u.status}" if t.lead_statuses and u.reported else u.role
        text = _sentence(u.texts.get("progress", "")) if u.reported else f"{NOT_REPORTED}。"
        lines.append(f"{names.get(u.recipient, u.recipient)}（{role}）：{text or '未填写推进情况。'}")
    if partner_text != PARTNER_OMIT:
        said = {}
        for u in partners:
            text = _sentence(u.texts.get("progress", "")) if u.reported else ""
            if text:
                key = text if partner_text == PARTNER_COLLAPSE else f"{u.recipient}\0{text}"
                said.setdefault(key, []).append(names.get(u.recipient, u.recipient))
        for key, units in said.items():
            lines.append(f"{'、'.join(units)}（{partners[0].role}）：{key.split(chr(0))[-1]}")
    silent = [names.get(u.recipient, u.recipient) for u in partners if not u.reported]
    if silent:
        lines.append(f"{'、'.join(silent)}（{partners[0].role}）：{NOT_REPORTED}。")
    return lines + [f"{names.get(name, name)}（{role}）：{NO_FORM}。" for name, role in t.no_form if role != ROLE_LEAD]


def _sentence(text: str) -> str:
    """A unit's text as one sentence ending in 。 ("" when it said nothing)."""
    text = str(text).strip().rstrip("。；;.")
    return f"{text}。" if text else ""


def responsible(t: TaskSummary) -> str:
    """责任单位: "牵头：…" and, when the task has partners, "配合：…" on the next line."""
    lines = [f"牵头：{t.task.leads_text}"]
    if t.task.partners_text:
        lines.append(f"配合：{t.task.partners_text}")
    return "\n".join(lines)


def _table_xml(summary: Summary, ids: dict, partner_text: str = PARTNER_COLLAPSE, departments=None) -> str:
    """附件1's table as WordprocessingML: one table, its column heads repeated on every page, each 大项 a band
    row ("一、提高质量水平") kept with its first task; 序号 runs 1…n.

    A row that fits in half a page is never split across pages (a page break would leave a line or two of it
    alone at the foot of a page); only a taller row may break.
    """
    cell_style, head_style = ids[STYLE_CELL], ids[STYLE_HEAD]
    columns = summary.schema.at(ATTACHMENT)
    texts = [
        [_task_text(t, c, n, partner_text, names) for c in columns]
        for n, t in enumerate(summary.tasks, start=1)
        for names in (written_names(t, departments) if departments else {},)
    ]
    longest = max((text_width(t.task.item) for t in summary.tasks), default=0)
    widths = report_widths(columns, longest, rows=texts)
    lines = [row_lines(row, widths, PT_S4.pt) for row in texts]  # each row's lines, counted once at its size
    size = _size(lines)
    small = size == PT_5
    if small:
        widths = report_widths(columns, longest, size.pt, rows=texts)
        lines = [row_lines(row, widths, size.pt) for row in texts]
    head = "".join(
        cell_xml(H_RESPONSIBLE if c.key == "leads_text" else c.header, w, head_style, center=True, small=small)
        for c, w in zip(columns, widths)
    )
    rows = [f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{head}</w:tr>"]
    category, band = None, 0
    for t, row, height in zip(summary.tasks, texts, map(partial(row_mm, size=size), lines)):
        if t.task.category and t.task.category != category:
            band += 1
            cell = cell_xml(
                f"{cn_number(band)}、{t.task.category}",
                sum(widths),
                head_style,
                span=len(widths),
                left=True,
                keep_next=True,
                small=small,
            )
            rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cell}</w:tr>")
        category = t.task.category
        cells = "".join(
            cell_xml(
                text,
                w,
                cell_style,
                center=c.key in CENTRED or c.is_status,
                small=small,
                bold=(c.is_status and needs_attention(text)) or (c.key == "warning" and t.light.color in ALERTS),
            )
            for text, c, w in zip(row, columns, widths)
        )
        whole = "<w:trPr><w:cantSplit/></w:trPr>" if height <= TABLE_ROOM_MM / 2 else ""
        rows.append(f"<w:tr>{whole}{cells}</w:tr>")
    return table_xml(widths, rows)


def row_mm(lines: int, size: Length) -> float:
    """The height (mm) of a table row whose tallest cell takes ``lines`` lines at ``size``."""
    line = TABLE_LINE_SMALL if size == PT_5 else TABLE_LINE
    return lines * line.pt * 25.4 / 72 + 1


CENTRED = ("seq", "item")


def _task_text(t: TaskSummary, c, n: int, partner_text: str, names: dict) -> str:
    """The text of one cell of a task's row in 附件1."""
    if c.key == "seq":
        return str(n)
    if c.key == "leads_text":
        return responsible(t)
    if c.key == "progress":
        return "\n".join(progress_lines(t, partner_text, names))
    if c.is_status:
        return t.shown_status
    return str(t.value(c))


INDICATOR_COLUMNS = (
    (H_SEQ, 11),
    (H_ITEM, 28),
    (H_IND_NAME, 0),
    (H_IND_TARGET, 26),
    ("截至{month}\n完成", 26),
    (H_PACE, 26),
    (H_ATTAINMENT, 18),
    (H_UNIT, 24),
)


def _indicator_table_xml(summary: Summary, ids: dict) -> str:
    """附件2: every quantitative indicator with its target, value to date and 达标情况; 指标名称 takes the rest."""
    cell_style, head_style = ids[STYLE_CELL], ids[STYLE_HEAD]
    widths = [w for _, w in INDICATOR_COLUMNS]
    widths[2] = TYPE_WIDTH_LANDSCAPE - sum(widths)
    # 五号: one line a row, so that the list runs on few pages and each name stays on its line.
    month = month_header(str(summary.period))
    head = "".join(
        cell_xml(name.format(month=month), w, head_style, center=True, small=True)
        for (name, _), w in zip(INDICATOR_COLUMNS, widths)
    )
    rows = [f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{head}</w:tr>"]
    for n, i in enumerate(summary.indicators, start=1):
        ind = i.indicator
        unit = "个行政村" if ind.unit == "行政村" else ind.unit
        actual = "" if i.actual is None else f"{i.actual:g}{unit}"
        values = (str(n), i.item, ind.name, i.target, actual or i.raw, pace_text(i.pace, unit), i.status, i.owner)
        cells = "".join(
            cell_xml(v, w, cell_style, center=c != 2, small=True) for c, (v, w) in enumerate(zip(values, widths))
        )
        rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
    return table_xml(widths, rows)


def _retired(stale: Path) -> list:
    """An earlier run's notice, no longer true, kept under a name that says so: the line saying it, if any."""
    if not stale.exists():
        return []
    moved = files.backup(stale)
    return [f"原有的 {stale.name} 已改名为 {moved.name}，不必再发。"]


def make_report(config, table, period, today: dt.date, pdf: bool = True, summary: Summary | None = None) -> tuple:
    """Write 附件1, 附件2 (when the table has indicators), the 催报通知 (when a unit is missing) and the
    预警通报 (when a task is 红灯 or 黄灯).

    PDFs of the 附件 are made where LibreOffice is installed.

    Args:
        summary: the period's :class:`summary.Summary` when the caller has just made it.

    Returns:
        (summary, [paths written], [notes]).
    """
    summary = summary or summarize(table, config, period, today)
    attachments = [write_report(summary, config, today)]
    if summary.indicators:
        attachments.append(write_indicator_report(summary, config, today))
    notes = []
    reminder = write_reminder(summary, config, today)
    if reminder is None:
        notes += [ALL_REPORTED, *_retired(report_paths(config, period)[2])]
    elif not (config.contact and config.phone):
        notes.append(NO_CONTACT)
    bulletin = write_bulletin(summary, config, today)
    if bulletin is None:
        notes += [ALL_GREEN, *_retired(bulletin_path(config, period))]
    written = attachments + [p for p in (reminder, bulletin) if p]
    if pdf:
        for path in attachments:
            made, why = to_pdf(path)
            if made:
                written.append(made)
            else:
                notes.append(why)
                break
    return summary, written, notes
