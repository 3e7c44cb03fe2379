"""Checks of a written workbook as it prints: charts plot visible cells, no wrapped cell clipped, bold statuses."""

import re
import zipfile
from xml.etree import ElementTree

import openpyxl
from dutytable.xlsx import _lines_height, text_lines

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
