"""Importing a table received as a Word 附件, its text export, or a workbook.

Received tables come in many layouts: :func:`read_source` finds their columns by meaning
(:data:`headers.COLUMN_WORDS`), their categories as a merged column, band rows ("一、…") or numbering,
and turns them into :class:`model.Table`. A workbook already in the master layout is read by
:func:`master.load_table`.
"""

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import convert, indicators
from .errors import InputError
from .grids import (
    NOTE_ROW,
    Above,
    Grid,
    cell_texts,
    docx_grids,
    join_text,
    read_text,
    sheet_grid,
    tabbed_grid,
    text_grid,
    workbook_title,
)
from .headers import (
    CATEGORY,
    DEADLINE,
    KEPT,
    LEADS,
    PARTNERS,
    RESPONSIBLE,
    SEQ,
    TEXT,
    ImportOptions,
    distinct_from_form,
    header_like,
    meaning_of,
    normalise_header,
)
from .master import load_table
from .model import TABLE_COLUMNS, Table
from .rows import FIRST_IS_LEAD, Columns, category_heading, clean_heading, inline_pattern, records_to_tasks
from .schema import H_CATEGORY, H_ID, H_ITEM, H_LEADS, H_PARTNERS, H_SEQ, H_TARGET
from .vocab import TABLE_SHEET
from .workbooks import OLE2_MAGIC, open_workbook, sniff, text_of

# ---------------------------------------------------------------------------
# Importing a table received as a Word 附件, its text export, or a workbook


@dataclass
class Imported:
    """A table as imported, with what the clerk is shown about how it was read.

    Attributes:
        table: the :class:`model.Table`.
        where: the document and table it came from, as messages name it.
        columns: (header as written, what it became) in column order.
        first_listed_lead: the lead was taken as the first unit of 责任单位.
        joins: (row, first line, second line, unit) for each unit name read whole from two lines of a cell.
        notes: further lines --check shows.
    """

    table: Table
    where: str = ""
    columns: list = field(default_factory=list)
    first_listed_lead: bool = False
    joins: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # further lines for --check (numbered paragraphs not read as tasks)


_CONVERTIBLE = {"doc": "docx", "wps": "docx", "rtf": "docx", "et": "xlsx", "xls": "xlsx"}


def import_source(path, departments, options: ImportOptions | None = None) -> Table:
    """Read a responsibility table received as .docx/.doc/.wps, .txt (Word's text export) or a workbook.

    Returns:
        A :class:`model.Table` with task IDs assigned by category and position.

    Raises:
        InputError: the source is not a table of a known shape; one line names what was found and the fix.
    """
    return read_source(path, departments, options).table


def read_source(path, departments, options: ImportOptions | None = None) -> Imported:
    """:func:`import_source`, also saying how the columns were read (for ``import_table.py --check``)."""
    options = options or ImportOptions()
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到要导入的文件 {path}：请检查路径。")
    kind = _kind(path)
    if kind == "pdf":
        raise InputError(
            f"{path.name}：是 PDF 文件，无法读取其中的表格。请向发文单位索取 Word 原文件（.docx 或 .doc）后再导入。"
        )
    if kind in ("doc", "wps", "rtf", "et"):
        with tempfile.TemporaryDirectory() as tmp:
            made = convert.convert(path, _CONVERTIBLE[kind], Path(tmp), options.soffice)
            return _read_kind(made, _kind(made), departments, options, path)
    return _read_kind(path, kind, departments, options, path)


def _kind(path):
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(OLE2_MAGIC):
        if "WordDocument".encode("utf-16-le") in data:
            return "wps" if path.suffix.lower() == ".wps" else "doc"
        if path.suffix.lower() == ".et":
            return "et"
    kind = sniff(data)
    if kind is None and b"\x00" not in data[:4096]:
        return "text"
    return kind


def _read_kind(path, kind, departments, options, original):
    name = original.name
    if kind == "docx":
        grids, paragraphs = docx_grids(path, name)
        words = options.words()
        if not options.table_number and not any(_find_import_header(g, words) is not None for g in grids):
            # no table of tasks (none at all, or only a contact table): the tasks may be a numbered list
            return _read_list(paragraphs, name, f"{name} 正文", "段", departments, options, original, grids)
    elif kind in ("xlsx", "xlsm", "xls", "ods"):
        _, sheets = open_workbook(path, label=name)
        sheet = next((s for s in sheets if s.name == TABLE_SHEET), sheets[0] if sheets else None)
        if sheet is not None and any(text_of(v) == H_ID for row in sheet.rows[:10] for v in row):
            table = load_table(path, departments)  # already in the master layout
            table.source = str(original)
            table.title = workbook_title(path)
            shown = [(c, c) for c in TABLE_COLUMNS] + [(c, KEPT) for c in table.extra_columns]
            return Imported(table, f"{name} 工作表“{sheet.name}”", shown)
        grids = [sheet_grid(s, name) for s in sheets if s.visible and s.rows]
    elif kind == "text":
        text = read_text(path)
        lines = text.splitlines()
        side_by_side = sum("\t" in line[1:] for line in lines)  # lines of a row of cells, as Excel saves them
        opening = sum(line.startswith("\t") and "\t" not in line[1:] for line in lines)  # a cell, as Word exports
        if side_by_side > opening:
            grids = [tabbed_grid(text, name)]
        elif any(line.startswith("\t") for line in lines):
            grids = [text_grid(text, name, options.words())]
        else:
            return _read_list(
                list(enumerate(lines, start=1)), name, f"{name} 文本", "行", departments, options, original
            )
    else:
        raise InputError(
            f"{name}：不是 Word 表格、文本或 Excel 表格，无法导入。请提供 .docx、.doc、.wps、.txt、.xlsx 或 .xls 文件。"
        )
    grid, header = _choose_grid(grids, name, options)
    return _interpret(grid, header, departments, options, original)


class NoTable(InputError):
    """A document without a table of tasks; its message is the refusal. :func:`narrative.read_source` reads its
    paragraphs as a numbered list of tasks before giving it."""

    def __init__(self, message, paragraphs, where, unit):
        super().__init__(message)
        self.paragraphs, self.where, self.unit = paragraphs, where, unit  # unit: 段 of a .docx, 行 of a .txt


NOT_A_LIST = (
    "文件中既没有表格，也没有写明责任单位的编号条目（如“1.……（牵头单位：……；责任单位：……）”），"
    "请确认这是目标任务责任分解表。"
)


def _read_list(paragraphs, name, where, unit, departments, options, original, grids=()):
    """A document without a table of tasks: refused, its tables named (if any), its paragraphs kept for the list
    reader."""
    message = _no_text_column(grids[0], options) if grids else f"{name}：{NOT_A_LIST}"
    raise NoTable(message, paragraphs, where, unit)


def _find_import_header(grid, words):
    """Index of the header row within the first fifteen rows, or None.

    The header names the task text and one more known column; failing that, the first row
    that names the task text among at least three cells (its other columns are then unknown).
    """
    for i, (_, cells, _) in enumerate(grid.rows[:15]):
        if header_like(cell_texts(cells), words):
            return i
    for i, (_, cells, _) in enumerate(grid.rows[:15]):
        labels = [t for t in cell_texts(cells) if t]
        if len(labels) >= 3 and any(meaning_of(t, words) == TEXT for t in labels):
            return i
    return None


def _choose_grid(grids, name, options):
    """The grid holding the responsibility table (tables with the same header continue it) and its header row."""
    words = options.words()
    if options.table_number:
        if options.table_number > len(grids):
            raise InputError(
                f"{name} 中只有 {len(grids)} 个表格，--table {options.table_number} 无效："
                f"请写 1 到 {len(grids)} 之间的数字。"
            )
        grid = grids[options.table_number - 1]
        header = _find_import_header(grid, words)
        if header is None:
            raise InputError(_no_text_column(grid, options))
        return grid, header
    found = [(g, h) for g, h in ((g, _find_import_header(g, words)) for g in grids) if h is not None]
    if not found:
        raise InputError(_no_text_column(grids[0], options))
    first, header = found[0]
    heads = {tuple(cell_texts(first.rows[header][1]))}
    others = []
    merged = list(first.rows)
    start = grids.index(first)
    for grid in grids[start + 1 :]:
        h = _find_import_header(grid, words)
        if h is None and first.paged and len(grid.rows[0][1]) == len(first.rows[0][1]):
            merged.extend(grid.rows)  # a table Word split at a page break: more rows of the same table
        elif h is not None and tuple(cell_texts(grid.rows[h][1])) in heads:
            merged.extend(grid.rows)
        elif h is not None:
            others.append((grid, h))
        else:
            break
    if others:
        listed = "；".join(
            f"{g.where}（{'、'.join(t for t in _header_labels(g, h, words)[0] if t)}）"
            for g, h in [(first, header)] + others
        )
        raise InputError(
            f"{name} 中有 {len(others) + 1} 个像责任分解表的表格：{listed}。"
            "请加 --table 序号 指定导入第几个表格，例如 --table 1。"
        )
    return Grid(first.where, merged, first.title, first.note), header


def _presumed_header(grid):
    for _, cells, _ in grid.rows[:15]:
        labels = [t for t in cell_texts(cells) if t]
        if len(labels) >= 2:
            return labels
    return []


def _no_text_column(grid, options):
    labels = _presumed_header(grid)
    found = f"表头有：{'、'.join(dict.fromkeys(labels))}；" if labels else "没有找到表头；"
    return (
        f"{grid.where}：{found}没有找到任务内容列。任务内容列可以写作：{options.accepted(TEXT)}；"
        f"也可以在 config.ini 的 [columns] 中添加。"
    )


def _header_labels(grid, index, words):
    """The header's labels by grid column, a second header row (牵头单位 | 配合单位 under 责任单位) folded in.

    Returns:
        (labels, index of the first data row).
    """
    labels = cell_texts(grid.rows[index][1])
    if index + 1 < len(grid.rows):
        below = cell_texts(grid.rows[index + 1][1])
        parents = _spanning_parents(labels)
        filled = [(c, t) for c, t in enumerate(below) if t]
        known = [t for _, t in filled if meaning_of(t, words) or t in labels]
        if known and all(t in known or (c in parents and _SUB_LABEL.fullmatch(t)) for c, t in filled):
            return [
                a
                if not b
                else b
                if meaning_of(b, words) or c not in parents or _PERSON_HEADER.search(b)
                else parents[c]
                for c, (a, b) in enumerate(zip(labels, below))
            ], index + 2
    return labels, index + 1


_PERSON_HEADER = re.compile(r"领导|责任人|联系人|负责人|分管|电话")  # people, never units: kept as their own column
_SUB_LABEL = re.compile(r"[^\d\s，,。；;：:、]{1,6}")  # a short word, as 子项 under 工作内容


def _spanning_parents(labels):
    """{column: the header label spanning it} for every column under a header cell merged across columns.

    A label of its own below such a cell (子项 under 工作内容) that is no known header word keeps the
    meaning of the cell above: 工作内容 over 类别 | 子项 reads as 类别 and 工作内容.
    """
    parents, start = {}, None
    for c, label in enumerate(labels + [""]):
        if label or c == len(labels):
            if start is not None and c - start >= 2:
                parents.update({i: labels[start] for i in range(start, c)})
            start = c if label else None
    return parents


def _map_import_columns(labels, words):
    """Meanings of the header's columns; a blank header continues the one on its left (a merged header)."""
    groups = []
    for c, label in enumerate(labels):
        if not label:
            if groups:
                groups[-1][2].append(c)
            continue
        groups.append([re.sub(r"\s+", "", label), meaning_of(label, words), [c]])
    has_lead = any(m == LEADS for _, m, _ in groups)
    has_category = any(m == CATEGORY for _, m, _ in groups)
    text_groups = [i for i, (_, meaning, _) in enumerate(groups) if meaning == TEXT]
    cols = Columns()
    for i, (label, meaning, where) in enumerate(groups):
        text_role = (i == text_groups[0], len(text_groups) >= 2, has_category) if i in text_groups[:2] else None
        cols.shown.append((label, _place(cols, label, meaning, where, text_role, has_lead)))
    seen = {}
    for i, (label, where) in enumerate(cols.extras):  # two columns both headed 备注 stay apart
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            cols.extras[i] = (f"{label}{seen[label]}", where)
    _keep_apart_from_form(cols)
    return cols


def _place(cols, label, meaning, where, text_role, has_lead):
    """Give a header's grid columns their meaning in ``cols``; returns what --check says it became.

    ``text_role`` is None unless the header is one of the first two of task text; then (it is the first,
    there are two, the table has a category column)."""
    if meaning == SEQ and not cols.seq:
        cols.seq = where
        return H_SEQ
    if meaning == CATEGORY and not cols.category:
        cols.category = where
        return H_CATEGORY
    if meaning == TEXT and text_role:
        return _place_text(cols, where, *text_role)
    if meaning == LEADS:
        cols.leads += where
        return H_LEADS
    if meaning == PARTNERS or (meaning == RESPONSIBLE and has_lead):
        cols.partners += where
        return H_PARTNERS
    if meaning == RESPONSIBLE:
        cols.responsible += where
        return f"{H_LEADS}、{H_PARTNERS}"
    cols.extras.append((label, where))
    return KEPT


def _place_text(cols, where, first, two, has_category):
    """A column of task text: the item and the target when there are two, else both; spanning two grid columns
    with no category column of its own, category and item (工作内容 over 类别 | 子项, as in the seed)."""
    if first and len(where) >= 2 and not has_category:
        cols.category, where = where[:-1], where[-1:]
        if two:
            cols.item = where
            return f"{H_CATEGORY}、{H_ITEM}"
        cols.target = where
        return f"{H_CATEGORY}、{H_ITEM}、{H_TARGET}"
    if first and two:
        cols.item = where
        return H_ITEM
    cols.target = where
    return H_TARGET if two else f"{H_ITEM}、{H_TARGET}"


def _keep_apart_from_form(cols):
    """Extra columns the form already has (完成状态, or 完成情况 meaning it) kept as 原表完成状态, said in --check."""
    extras = iter(range(len(cols.extras)))
    for i, (label, meaning) in enumerate(cols.shown):
        if meaning != KEPT:
            continue
        e = next(extras)
        kept = distinct_from_form(cols.extras[e][0])
        if kept != cols.extras[e][0]:
            cols.extras[e] = (kept, cols.extras[e][1])
            cols.shown[i] = (label, f"其他列（与填报表的列同名或同义，保留为“{kept}”）")


def _interpret(grid, header_index, departments, options, original):
    """Tasks from the grid's rows below the header, by the meanings of its columns."""
    words = options.words()
    labels, first_row = _header_labels(grid, header_index, words)
    cols = _map_import_columns(labels, words)
    inline = inline_pattern(words)
    body = grid.rows[first_row:]
    has_inline = any(inline.search(join_text(p)) for _, cells, _ in body for c in cols.target for p in [cells[c]])
    if not cols.leads and not cols.responsible and not has_inline:
        header_texts = [t for t in labels if t]
        raise InputError(
            f"{grid.where}：表头有：{'、'.join(dict.fromkeys(header_texts))}；没有找到牵头单位列。"
            f"牵头单位列可以写作：{options.accepted(LEADS)}；也可以在 config.ini 的 [columns] 中添加。"
        )
    records, notes = _gather(body, cols, words, inline, grid.note)
    first_listed = options.first_listed_lead or any(FIRST_IS_LEAD.search(n) for n in notes)
    joins = []
    tasks = records_to_tasks(records, cols, departments, grid.where, first_listed, words, inline, joins)
    table = Table(
        tasks=tasks, source=str(original), title=grid.title, extra_columns=tuple(label for label, _ in cols.extras)
    )
    table.indicators, table.indicator_record = indicators.merge(table, departments)
    return Imported(table, grid.where, cols.shown, first_listed and bool(cols.responsible or has_inline), joins)


def _gather(body, cols, words, inline, note):
    """The tasks' records (dicts of paragraphs per meaning) from the rows under the header, and the notes
    (the grid's ``note``, then the 注： rows). A heading row sets the category; a row that starts no task
    continues the one above."""
    deadlines = [c for label, where in cols.extras if normalise_header(label) in words[DEADLINE] for c in where]
    records, notes = [], [note]
    top = sub = ""
    current = None
    for rownum, cells, band in body:
        texts = cell_texts(cells)
        if _skipped(texts, words, notes):
            continue
        units = _has_units(cells, texts, cols, inline)
        previous = join_text(current["target"]) if current is not None else None
        heading = category_heading(texts, cols, band, units, previous)
        if heading:
            level, name = heading
            top, sub = (clean_heading(name), "") if level == 1 else (top, clean_heading(name))
            current = None
            continue
        category_text = "".join(texts[c] for c in cols.category)
        if category_text:
            top, sub = clean_heading(category_text) or category_text, ""
        if current is not None and not _starts_task(cells, texts, cols, units, deadlines):
            for key, where in (
                ("target", cols.target),
                ("leads", cols.leads),
                ("partners", cols.partners),
                ("responsible", cols.responsible),
            ):
                current[key].extend(p for c in where for p in cells[c])
            for i, (_, where) in enumerate(cols.extras):
                current["extras"][i].extend(p for c in where for p in cells[c])
            continue
        current = _record(rownum, cells, cols, sub or top, current)
        records.append(current)
    return records, notes


def _skipped(texts, words, notes):
    """True for a row that holds no task nor heading: blank, the header repeated after a page break, a row
    numbering the columns 1 2 3 …, or a 注： row (added to ``notes``)."""
    filled = [t for t in texts if t]
    if not filled:
        return True
    if header_like(texts, words) or (len(filled) >= 2 and all(meaning_of(t, words) for t in filled)):
        return True
    if len(filled) >= 3 and all(t == str(i + 1) for i, t in enumerate(filled)):
        return True
    if NOTE_ROW.match(filled[0]) and len(set(filled)) == 1:
        notes.append(filled[0])
        return True
    return False


def _has_units(cells, texts, cols, inline):
    """A row names units: in a unit column (a cell merged with the one above too), or inline in its task text."""
    if any(texts[c] or isinstance(cells[c], Above) for c in cols.leads + cols.partners + cols.responsible):
        return True
    return bool(inline.search("".join(texts[c] for c in cols.target)))


def _starts_task(cells, texts, cols, units, deadlines):
    """A row below a task starts a new one: its 工作内容 (or 序号, or units) filled, or :func:`_own_task`."""
    if cols.item:
        new = bool("".join(texts[c] for c in cols.item))
    elif cols.seq:
        new = bool("".join(texts[c] for c in cols.seq)) or units
    else:
        new = units
    return new or (bool("".join(texts[c] for c in cols.target)) and _own_task(cells, texts, cols, deadlines))


def _own_task(cells, texts, cols, deadlines):
    """A row with task text but no 序号 or unit of its own is a task of its own, not the task above continued
    over a page, when it has its own 完成时限 or its 工作内容 or units are merged with the row above
    (two rows under one merged 序号 and 责任单位: 5月底前动工 | 12月底前建成)."""
    if any(texts[c] for c in deadlines):
        return True
    return any(isinstance(cells[c], Above) for c in cols.item + cols.leads + cols.partners + cols.responsible)


def _record(rownum, cells, cols, category, above):
    """The paragraphs of a task's row by meaning; a cell merged with the one above carries the task above's."""

    def paragraphs(where, key=None, i=None):
        if above is not None and key and where and all(isinstance(cells[c], Above) for c in where):
            return list(above[key] if i is None else above[key][i])
        return [p for c in where for p in cells[c]]

    record = {
        "row": rownum,
        "category": category,
        "seq": "".join(join_text(cells[c]) for c in cols.seq),
        "item": join_text(paragraphs(cols.item)),
        "target": paragraphs(cols.target),
        "leads": paragraphs(cols.leads, "leads"),
        "partners": paragraphs(cols.partners, "partners"),
        "responsible": paragraphs(cols.responsible, "responsible"),
        "extras": [paragraphs(where, "extras", i) for i, (_, where) in enumerate(cols.extras)],
        "carried": False,
    }
    if above is not None and cols.item and all(isinstance(cells[c], Above) for c in cols.item):
        record["item"], record["carried"] = above["item"], True
    return record
