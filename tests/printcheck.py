"""Checks of a written workbook as it prints: charts plot visible cells, no wrapped cell clipped, bold statuses."""

import math
import re
import zipfile
from xml.etree import ElementTree

import openpyxl
from dutytable.xlsx import _lines_height, column_px, text_lines

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
REF = re.compile(r"^'?(?P<sheet>[^!']+)'?!\$?(?P<c1>[A-Z]+)\$?(?P<r1>\d+)(?::\$?(?P<c2>[A-Z]+)\$?(?P<r2>\d+))?$")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def chart_refs(path) -> list:
    """(plot_visible_only, [(sheet, row1, col1, row2, col2), …]) of every chart in the xlsx, from its XML."""
    charts = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("xl/charts/chart")):
            root = ElementTree.fromstring(z.read(name))
            vis = root.find(f".//{C}plotVisOnly")
            # No element is Excel's "show data in hidden rows and columns" (xlsxwriter's show_hidden_data).
            visible_only = vis is not None and vis.get("val", "1") in ("1", "true")
            refs = []
            for f in root.iter(f"{C}f"):
                m = REF.match(f.text or "")
                assert m, f.text
                c1, r1 = _col(m["c1"]), int(m["r1"])
                c2, r2 = (_col(m["c2"]), int(m["r2"])) if m["c2"] else (c1, r1)
                refs.append((m["sheet"], r1, c1, r2, c2))
            charts.append((visible_only, refs))
    return charts


def hidden_chart_cells(path) -> list:
    """Cells a chart plots that Excel and LibreOffice would leave out: in a hidden row or column of a chart that
    plots visible cells only."""
    wb = openpyxl.load_workbook(path)
    out = []
    for visible_only, refs in chart_refs(path):
        for sheet, r1, c1, r2, c2 in refs:
            ws = wb[sheet]
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    letter = openpyxl.utils.get_column_letter(c)
                    hidden = ws.row_dimensions[r].hidden or ws.column_dimensions[letter].hidden
                    if hidden and visible_only:
                        out.append((sheet, f"{letter}{r}"))
    return out


def clipped_cells(path) -> list:
    """Wrapped cells whose text needs more lines than their row (or merged rows) is tall: (sheet, cell, text).

    Lines are counted as the tool counts them (:func:`dutytable.xlsx.text_lines`, LINE_SPACING).
    """
    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            out += _clipped(ws)
    return out


def _width(ws, c: int) -> float:
    dim = ws.column_dimensions[openpyxl.utils.get_column_letter(c)]
    return dim.width if dim.width else (ws.sheet_format.defaultColWidth or 8.43)


def _height(ws, r: int):
    """A row's set height; None for a row Excel and LibreOffice fit to its wrapped text themselves."""
    return ws.row_dimensions[r].height


def _clipped(ws) -> list:
    merged = {(rng.min_row, rng.min_col): (rng.max_row, rng.max_col) for rng in ws.merged_cells.ranges}
    out = []
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or not cell.value or not cell.alignment.wrap_text:
                continue
            r2, c2 = merged.get((cell.row, cell.column), (cell.row, cell.column))
            w = sum(_width(ws, c) for c in range(cell.column, c2 + 1))
            heights = [_height(ws, r) for r in range(cell.row, r2 + 1)]
            if r2 == cell.row and heights[0] is None:
                continue  # fitted on opening (a merged range is not)
            h = sum(15 if h is None else h for h in heights)
            pt = cell.font.sz or 11
            if h + 0.5 < _lines_height(text_lines(cell.value, w, pt), pt):
                out.append((ws.title, cell.coordinate, cell.value))
    return out


CONFIG_WORDS = ("config", ".ini", "status_rule", "[assessment]", "[report]", "main_lead")


def config_words(path) -> list:
    """The config words that a written .xlsx or .docx would put on paper (its text, its properties)."""
    found = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith(".xml"):
                continue
            text = "".join(ElementTree.fromstring(z.read(name)).itertext())
            found += [(name, w) for w in CONFIG_WORDS if w in text]
    return found


PAPER_MM = {9: (210, 297), 8: (297, 420)}  # paperSize code: (width, height) portrait


def column_pixels(ws) -> list:
    """Each used column's width in Excel's pixels (a stored width of w units is w × 7 pixels: the 5 of padding
    are in it), grouped <col min max> ranges included."""
    widths = {}
    for dim in ws.column_dimensions.values():
        for c in range(dim.min or 1, (dim.max or dim.min or 1) + 1):
            widths[c] = dim.width
    default = ws.sheet_format.defaultColWidth or 8.43
    return [
        round((widths.get(c) or default) * 7) if widths.get(c) else column_px(default)
        for c in range(1, printed_columns(ws) + 1)
    ]


def printed_columns(ws) -> int:
    """How many columns print: those of the print area when the sheet has one, else all."""
    area = ws.print_area
    if not area:
        return ws.max_column
    m = re.search(r"\$?([A-Z]+)\$?\d+$", area if isinstance(area, str) else area[0])
    return _col(m[1])


def print_factor(ws) -> float:
    """The scale (1 = 100 %) at which Excel prints ``ws``: its fit to pages wide (and tall, when set), else its
    print scale; from the column widths (:func:`dutytable.xlsx.column_px`), the paper and the margins."""
    setup = ws.page_setup
    w_mm, h_mm = PAPER_MM[int(setup.paperSize or 9)]
    if setup.orientation == "landscape":
        w_mm, h_mm = h_mm, w_mm
    m = ws.page_margins
    room_w = (w_mm / 25.4 - m.left - m.right) * 72
    room_h = (h_mm / 25.4 - m.top - m.bottom) * 72
    fit = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    if not fit:
        return (setup.scale or 100) / 100
    used_w = sum(column_pixels(ws)) * 0.75
    factor = 1.0
    wide = 1 if setup.fitToWidth is None else int(setup.fitToWidth)
    if wide:
        factor = min(factor, wide * room_w / used_w)
    if setup.fitToHeight not in (None, 0, "0"):
        used_h = sum(_height(ws, r) or 15 for r in range(1, ws.max_row + 1))
        factor = min(factor, setup.fitToHeight * room_h / used_h)
    return math.floor(factor * 100) / 100  # Excel's scale is a whole percent


def printed_sizes(path) -> dict:
    """{sheet: the smallest printed size (pt) of any text on it}: each font size times the sheet's print scale."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        last = printed_columns(ws)
        sizes = [
            cell.font.sz or 11
            for row in ws.iter_rows(max_col=last)
            for cell in row
            if cell.value not in (None, "") and not ws.row_dimensions[cell.row].hidden
        ]
        if sizes:
            out[ws.title] = round(min(sizes) * print_factor(ws), 2)
    return out


def printed_pages(ws, first: int) -> list:
    """[(body rows, height pt at the sheet's size)] of each printed page of ``ws``, its body from row ``first``
    (1-based), split at its manual page breaks; the header row above ``first`` repeats on every page after the
    first. With the room a page has (:func:`page_room`) it says whether Excel would break elsewhere."""
    breaks = sorted(b.id for b in ws.row_breaks.brk)  # a break after row id
    bounds = [first - 1] + [b for b in breaks if b >= first] + [ws.max_row]
    pages = []
    for n, (a, b) in enumerate(zip(bounds, bounds[1:])):
        rows = list(range(a + 1, b + 1))
        above = range(1, first) if n == 0 else [first - 1]
        pages.append((rows, sum(_height(ws, r) or 15 for r in [*above, *rows])))
    return pages


def page_room(ws) -> float:
    """A page's printable height (pt) at the sheet's own size: the paper's less the margins, over the scale."""
    setup = ws.page_setup
    w_mm, h_mm = PAPER_MM[int(setup.paperSize or 9)]
    height = w_mm if setup.orientation == "landscape" else h_mm
    return (height / 25.4 - ws.page_margins.top - ws.page_margins.bottom) * 72 / print_factor(ws)
