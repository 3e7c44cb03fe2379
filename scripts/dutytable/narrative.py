"""A responsibility breakdown published as a numbered list of paragraphs instead of a table.

The usual form of a 政府工作报告 breakdown or a 工作计划: "一、…" and "（一）…" headings, and under them
numbered items ("1." "1、" "（1）" "①", or "（一）" when the item itself names its units), each ending
in its units: "（牵头单位：甲；责任单位：乙、丙，6月底完成）", "牵头单位：甲。配合单位：乙。完成时限：年底前",
or a paragraph of its own "责任单位：甲、乙（列第一位者为牵头单位）". Each item is a task under its
heading; its units are read by the same rule as a table's inline units, and a 完成时限 clause is kept
as the 完成时限 extra column. :func:`read_source` is what ``import_table.py`` reads a source with: a
table by :func:`importer.read_source`, and a document without one as such a list.
"""

import re
from dataclasses import dataclass, field

from . import grids, importer, indicators, rows
from .deadlines import parse_deadline
from .headers import COLUMN_WORDS, DEADLINE, ImportOptions
from .model import Table
from .schema import H_LEADS, H_PARTNERS, H_TARGET
from .vocab import CN_NUMERALS

DEADLINE_COLUMN = "完成时限"
_ITEM = re.compile(r"^\s*(?:\d{1,3}\s*[.、．](?!\d)|[（(]\s*\d{1,3}\s*[）)]|[①-⑳])\s*")
_CN_ITEM = re.compile(rf"^\s*(?:[（(]\s*[{CN_NUMERALS}]{{1,3}}\s*[）)]|[{CN_NUMERALS}]{{1,3}}\s*[、．.])\s*")
_DEADLINE_WORDS = "|".join(sorted(COLUMN_WORDS[DEADLINE][1], key=len, reverse=True))
_DEADLINE_LABEL = re.compile(rf"[，,。；;\s]*(?:{_DEADLINE_WORDS})\s*[：:]\s*([^。；;（）()]*)[。；;]?")
_TAIL = re.compile(r"[，,]\s*([^，,；;。（）()：:]+?)\s*(?=[）)]?\s*[。.；;]?\s*$)")
_NO_DEADLINE = ("长期", "长期坚持", "持续推进", "持续开展")
_FIRST_NOTE = re.compile(r"[（(][^（）()]*第一[位个][^（）()]*[）)]")
_AND = re.compile(r"(?<=[局委办院府会心门位厅])及(?=[^、，,；;（）()])")  # 州委编办及州直相关单位: two units
PARAGRAPH = "段"
# The State Council's form: "（省政务局、省司法厅牵头，省直相关部门及各市州人民政府按职责分工负责）"
_PROSE_UNITS = re.compile(
    r"[（(](?P<leads>[^（）()：:]+?)牵头(?:[，,；;]\s*(?P<partners>[^（）()：:]+?)"
    r"(?:按职责分工负责|按职责分工落实|按职责负责|配合|参与|负责))?[）)](?P<end>\s*[。.]?\s*)$"
)


@dataclass
class _Item:
    number: int  # paragraph (line of a .txt) where the item starts
    category: str
    text: list = field(default_factory=list)


def import_source(path, departments, options=None) -> Table:
    """:func:`importer.import_source`, a document whose tasks are a numbered list included."""
    return read_source(path, departments, options).table


def read_source(path, departments, options=None) -> importer.Imported:
    """:func:`importer.read_source`, a document whose tasks are a numbered list included (``import_table.py``)."""
    options = options or ImportOptions()
    try:
        return importer.read_source(path, departments, options)
    except importer.NoTable as refusal:
        imported = read_list(refusal.paragraphs, refusal.where, departments, options, path, refusal.unit)
        if imported is None:
            raise
        return imported


def read_list(paragraphs, where, departments, options, original, unit=PARAGRAPH):
    """The tasks of a numbered list, as :class:`importer.Imported`; None when the paragraphs are no such list.

    Args:
        paragraphs: (number, text) of every paragraph (or line) of the document, in order.
        where: the document as messages name it ("附件.docx 正文").
        unit: what the numbers count: 段 (paragraphs of a .docx) or 行 (lines of a .txt).
    """
    words = options.words()
    inline = rows.inline_pattern(words)
    paragraphs = [(n, _PROSE_UNITS.sub(_labelled, t or "")) for n, t in paragraphs]
    items = _items(paragraphs, inline)
    if not any(inline.search("".join(i.text)) for i in items):
        return None
    first_listed = options.first_listed_lead or any(rows.FIRST_IS_LEAD.search(t) for _, t in paragraphs)
    records, skipped, has_deadline = _records(items, inline)
    cols = rows.Columns(extras=[(DEADLINE_COLUMN, [])] if has_deadline else [])
    joins = []
    tasks = rows.records_to_tasks(records, cols, departments, where, first_listed, words, inline, joins, unit)
    title = grids.title_of([t for n, t in paragraphs if n < items[0].number])
    table = Table(tasks=tasks, source=str(original), title=title, extra_columns=tuple(c for c, _ in cols.extras))
    table.indicators, table.indicator_record = indicators.merge(table, departments)
    shown = [
        ("编号条目（1. 1、（1）①）", f"工作内容、{H_TARGET}"),
        ("牵头单位：…", H_LEADS),
        ("配合单位：…、责任单位：…", H_PARTNERS),
    ]
    if has_deadline:
        shown.append(("完成时限：…、“，6月底完成”", DEADLINE_COLUMN))
    notes = (
        [
            f"未作为任务：第{'、'.join(map(str, skipped))}{unit}是编号条目，但没有写明责任单位；如果是任务，"
            "请在其后写上“（牵头单位：……；责任单位：……）”再导入。"
        ]
        if skipped
        else []
    )
    return importer.Imported(table, where, shown, first_listed, joins, notes)


def _records(items, inline):
    """(the items that name their units as :func:`rows.records_to_tasks` records, the numbers of those that
    do not, whether any has a deadline); the deadline is the one extra column, kept only when one has it."""
    records, skipped, has_deadline = [], [], False
    for item in items:
        text = "".join(item.text)
        if not inline.search(text):
            skipped.append(item.number)
            continue
        text, deadline = _split_deadline(text, inline)
        has_deadline = has_deadline or bool(deadline)
        records.append(
            {
                "row": item.number,
                "category": item.category,
                "seq": "",
                "item": "",
                "target": [text],
                "leads": [],
                "partners": [],
                "responsible": [],
                "extras": [[deadline] if deadline else []],
                "carried": False,
            }
        )
    if not has_deadline:
        for r in records:
            r["extras"] = []
    return records, skipped, has_deadline


def _items(paragraphs, inline):
    """The numbered items under their headings; an unnumbered paragraph continues the item above it
    until that item has its units (a paragraph "责任单位：…" of its own ends it)."""
    items, top, sub, current = [], "", "", None
    for number, text in paragraphs:
        text = text.strip()
        if not text:
            continue
        units = bool(inline.search(text))
        numbered = _ITEM.match(text)
        heading = rows.HEADING.match(text)
        if numbered or (heading and units and _CN_ITEM.match(text)):
            body = (numbered or _CN_ITEM.match(text)).end()
            current = _Item(number, sub or top, [text[body:]])
            items.append(current)
        elif heading and not units:
            name = rows.clean_heading(text)
            if heading.group("l2"):
                sub = name
            else:
                top, sub = name, ""
            current = None
        elif current is not None and (units or not inline.search("".join(current.text))):
            current.text.append(text)
        else:
            current = None
    return items


def _labelled(m):
    """ "（甲牵头，乙按职责分工负责）" written the labelled way: "（牵头单位：甲；配合单位：乙）"."""
    partners = f"；配合单位：{m.group('partners')}" if m.group("partners") else ""
    return f"（牵头单位：{m.group('leads')}{partners}）{m.group('end')}"


def _split_deadline(text, inline):
    """(the item's text without its deadline and first-listed note, the deadline as written or "")."""
    m = inline.search(text)
    head, units = text[: m.start()], text[m.start() :]
    units = _AND.sub("、", _FIRST_NOTE.sub("", units))
    deadline = ""
    labelled = _DEADLINE_LABEL.search(units)
    if labelled:
        deadline = labelled.group(1).strip()
        units = units[: labelled.start()] + units[labelled.end() :]
    else:
        tail = _TAIL.search(units)
        if tail and (parse_deadline(tail.group(1), 2000) or tail.group(1) in _NO_DEADLINE):
            deadline = tail.group(1)
            units = units[: tail.start()] + units[tail.end() :]
    return head + units, deadline
