"""A received table's cells on a grid: from a Word document, Word's text export, tab-delimited text or a sheet.

Each cell is its paragraphs; a cell merged with the one above is :class:`Above`. :mod:`importer` finds the
header and reads the rows.
"""

import html
import re
from dataclasses import dataclass

from .errors import InputError
from .headers import TEXT, header_like, meaning_of
from .vocab import clean_text
from .workbooks import check_zip, text_of


def join_text(paragraphs):
    """A text cell's paragraphs as one line: breaks that only wrapped a narrow cell go."""
    return "".join(p.strip() for p in paragraphs if p.strip())


@dataclass
class Grid:
    """One table of a document: rows of cells, each cell its paragraphs, every row as wide as the table."""

    where: str
    rows: list  # (row number, [paragraphs of each cell], True when one cell spans the whole row)
    title: str = ""
    note: str = ""
    paged: bool = False  # a Word table: the next table without a header may continue it after a page break


class Above(list):
    """A cell merged with the one above it (Word's vMerge, an Excel merged range): blank on the grid, but
    known to belong to the cell above, so that a row under one merged 序号 or 责任单位 is told from a row
    continued over a page, and a merged 项目名称 or unit is carried down to it."""


def read_text(path):
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return clean_text(data.decode(encoding))  # as a workbook's text: no control character goes on
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path.name}：无法识别文本编码，请用 UTF-8 编码另存后再导入。")


_TITLE_WORDS = re.compile(r"表|分解|清单|任务|要点|方案|计划")


def title_of(lines) -> str:
    """The table's title among the lines above it: the nearest that names a table or its tasks and is
    no sentence ("2024年XX区优化营商环境重点任务责任分解表", "关于印发《…》的通知"); "" when none does."""
    found = [
        t
        for t in (line.strip() for line in lines)
        if t and len(t) <= 80 and _TITLE_WORDS.search(t) and not t.endswith(("。", "：", ":", "；", ";", "，"))
    ]
    return found[-1] if found else ""


def workbook_title(path) -> str:
    """The title a workbook's properties carry (the master table keeps its source's title there)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8")
    except (KeyError, OSError, zipfile.BadZipFile, UnicodeDecodeError):
        return ""
    found = re.search(r"<dc:title>([^<]*)</dc:title>", core)
    return html.unescape(found.group(1)) if found else ""


def text_grid(text, name, words):
    """Word's text export of a table ("另存为 纯文本"): a tab opens each cell, a cell's paragraphs are
    separated by a blank line, a blank line ends each row, a cell merged down is a bare tab.

    A cell spanning columns is one cell of the export, so a row narrower than the table gets its
    blanks where the span was (see :func:`_widen`); a row of one cell is a band across the table. A
    paragraph "注：…" after the last row ends the table.
    """
    above, rows, after = [], [], []
    blank = False
    for number, line in enumerate(text.splitlines(), start=1):
        if after or (rows and blank and NOTE_ROW.match(line)):
            after.append(line)
        elif line.startswith("\t"):
            if blank or not rows:
                rows.append((number, []))
            rows[-1][1].append([line[1:]] if line[1:].strip() else [])
        elif not line.strip():
            blank = True
            continue
        elif rows:
            rows[-1][1][-1].append(line)
        else:
            above.append(line)
        blank = False
    width = max((len(cells) for _, cells in rows), default=0)
    grid = []
    for i, (number, cells) in enumerate(rows):
        below = rows[i + 1][1] if i + 1 < len(rows) else []
        grid.append((number, _widen(cells, width, below, words), len(cells) == 1 < width))
    return Grid(f"{name} 文本", _pad(grid), title_of(above), "\n".join(after))


def tabbed_grid(text, name):
    """A table saved as text with one row per line, its cells separated by tabs (Excel's 文本文件（制表符分隔）,
    Word's 表格转换成文本): a cell holding line breaks is quoted; a line without a tab is a band across the table."""
    import csv
    import io

    above, rows, after = [], [], []
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    for record in reader:
        number = reader.line_num
        filled = [c for c in record if c.strip()]
        if not filled:
            continue
        if after or (rows and len(record) == 1 and NOTE_ROW.match(record[0])):
            after.append(record[0])
        elif len(record) > 1 or rows:
            rows.append((number, [c.splitlines() if c.strip() else [] for c in record], len(record) == 1))
        else:
            above.append(record[0])
    return Grid(f"{name} 文本", _pad(rows), title_of(above), "\n".join(after))


def _widen(cells, width, below, words):
    """A row of the text export as wide as the table: blanks after the cell that spans columns.

    Under a header cell spanning columns the next row names each of them (责任单位 over 牵头单位 |
    配合单位); failing that, the header's task text spans them (工作内容 over 类别 | 子项, as in the seed).
    Any other short row is padded at its end.
    """
    missing = width - len(cells)
    if missing <= 0 or len(cells) == 1:
        return cells
    at = None
    filled = [c for c, cell in enumerate(below) if join_text(cell)]
    if len(below) == width and len(filled) == missing + 1 and filled[-1] - filled[0] == missing:
        at = filled[0]  # the second header row names exactly the columns under the span
    if at is None and header_like(cell_texts(cells), words):
        at = next((c for c, t in enumerate(cell_texts(cells)) if meaning_of(t, words) == TEXT), None)
    if at is None:
        return cells + [[] for _ in range(missing)]
    return cells[: at + 1] + [[] for _ in range(missing)] + cells[at + 1 :]


def sheet_grid(sheet, name):
    """A worksheet pasted from Word: a line break inside a cell is a paragraph break."""
    rows = [(n, [text_of(v).splitlines() for v in row], False) for n, row in enumerate(sheet.rows, start=1)]
    for (top, left), (bottom, right) in sheet.merged:
        for r in range(top + 1, min(bottom + 1, len(rows))):
            cells = rows[r][1]
            for c in range(left, min(right + 1, len(cells))):
                cells[c] = Above()
    above = []
    for _, cells, _ in rows[:5]:
        texts = set(filter(None, cell_texts(cells)))
        if len(texts) > 1:
            break  # the header: the title is above it
        above.extend(texts)
    return Grid(f"{name} 工作表“{sheet.name}”", _pad(rows), title_of(above))


def docx_grids(path, name):
    """Every top-level table of a .docx on its layout grid (spanned and merged-down cells come back blank), and
    the (number, text) of its body paragraphs, for a document whose tasks are a numbered list."""
    import docx  # python-docx; imported here so the other stages start faster
    from docx.oxml.ns import qn
    from docx.table import _Cell

    try:
        check_zip(path, name)
        document = docx.Document(str(path))
    except InputError:
        raise
    except Exception:
        raise InputError(f"{name}：Word 文件已损坏，无法打开。请用 Word 重新保存后再导入。") from None
    texts = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    above = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:tbl"):
            break
        if element.tag == qn("w:p"):
            above.append("".join(t.text or "" for t in element.iter(qn("w:t"))))
    title = title_of(above)
    note = "\n".join(texts)
    tables = document.tables
    body = [(n, p.text) for n, p in enumerate(document.paragraphs, start=1)]
    grids = []
    for n, table in enumerate(tables, start=1):
        rows = []
        for number, row in enumerate(table.rows, start=1):
            tr = row._tr
            cells = [[] for _ in range(tr.grid_before)]
            tcs = tr.tc_lst
            for tc in tcs:
                paragraphs = Above() if tc.vMerge == "continue" else [p.text for p in _Cell(tc, table).paragraphs]
                cells.append(paragraphs)
                cells.extend([] for _ in range(tc.grid_span - 1))
            rows.append((number, cells, len(tcs) == 1 and len(table.columns) > 1))
        where = f"{name} 第{n}个表格" if len(tables) > 1 else f"{name} 表格"
        grids.append(Grid(where, _pad(rows), title, note, paged=True))
    return grids, body


def _pad(rows):
    width = max((len(cells) for _, cells, _ in rows), default=0)
    return [(n, cells + [[] for _ in range(width - len(cells))], band) for n, cells, band in rows]


# --- finding the header and the table --------------------------------------------------------


def cell_texts(cells):
    return [join_text(c) for c in cells]


NOTE_ROW = re.compile(r"^\s*(?:注|备注|说明)\s*[：:\d]")
