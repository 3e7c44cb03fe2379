"""The house style of every workbook the tool writes (master table, forms, 分发清单, 汇总表).

One place for the options that keep text from returns as text (never a formula, number
or link), the A4 print setup and the formats shared across workbooks.
"""

from __future__ import annotations

import gc
import math
import unicodedata
from bisect import bisect_right
from contextlib import contextmanager
from functools import lru_cache
from itertools import accumulate, repeat

import xlsxwriter

from .vocab import WIDE_WIDTHS, text_width

# Text from returns is written as text: never a formula, a number or a link.
SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
A4 = 9  # xlsxwriter's paper code
A3 = 8
HEAD_FILL = "#D9E1F2"
# The header cell of every table the tool writes.
HEAD = {"bold": True, "bg_color": HEAD_FILL, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
# A bordered, wrapped body cell.
BODY = {"border": 1, "valign": "top", "text_wrap": True}
PAGE_FOOTER = "&C第 &P 页，共 &N 页"
# A wrapped line's height in font sizes: 宋体 in Excel or WPS takes about 1.35, the Noto CJK faces that stand in
# for it elsewhere 1.45; rows sized for the taller never cut a long cell's last line.
LINE_SPACING = 1.45


def new_workbook(target, in_memory: bool = False, font: dict | None = None) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook with the safe options; ``target`` is a path or a BytesIO.

    ``font`` ({"font_name": …, "font_size": …}) is the workbook's default font, which also sets
    the width of a column unit (its digits' width).
    """
    options = dict(SAFE_OPTIONS)
    if font:
        options["default_format_properties"] = font
    if in_memory:
        options["in_memory"] = True
    return xlsxwriter.Workbook(target if not hasattr(target, "__fspath__") else str(target), options)


def print_a4(
    ws,
    landscape: bool = True,
    fit_width: bool = True,
    repeat_row: int | None = None,
    footer: str | None = PAGE_FOOTER,
    margins: dict | None = None,
    one_page: bool = False,
) -> None:
    """A4 print setup: orientation, one page wide (or one page), the header row repeated, a page footer."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(A4)
    if one_page:
        ws.fit_to_pages(1, 1)
    elif fit_width:
        ws.fit_to_pages(1, 0)
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)
    if margins:
        ws.set_margins(**margins)
    if footer:
        ws.set_footer(footer)


# Printable width (inches) of a landscape sheet with 0.3-inch side margins, and Excel's pixels an inch.
PAPER_WIDTH_IN = {A4: 297 / 25.4, A3: 420 / 25.4}
SIDE_MARGIN_IN = 0.3
PX_PER_IN = 96
TOP_MARGIN_IN, BOTTOM_MARGIN_IN = 0.5, 0.6  # of a landscape table sheet (print_landscape)
LEAST_SCALE = 90  # below this a sheet's 10 pt text prints under 9 pt: it runs on to a second page width instead


def column_px(width: float) -> int:
    """A column's width in pixels as Excel sets it (Calibri 11: 7 pixels a unit and 5 of padding)."""
    return int(width * 7 + 5)


def print_scale(widths, paper: int = A4) -> int:
    """The print scale (%) that puts columns of these widths on one landscape page width, 100 at most."""
    room = (PAPER_WIDTH_IN[paper] - 2 * SIDE_MARGIN_IN) * PX_PER_IN
    return max(10, min(100, int(room * 100 / sum(column_px(w) for w in widths))))


def print_landscape(
    ws,
    widths,
    paper: int = A4,
    repeat_row: int | None = None,
    footer: str | None = PAGE_FOOTER,
    repeat_columns: int = 1,
) -> int:
    """Landscape print setup at the scale that fits ``widths`` to the page width; returns the scale.

    Never below :data:`LEAST_SCALE`: columns wider than that at it print at it on more than one page
    width, with their first ``repeat_columns`` columns repeated on each (text is never shrunk to fit).
    """
    ws.set_landscape()
    ws.set_paper(paper)
    ws.set_margins(left=SIDE_MARGIN_IN, right=SIDE_MARGIN_IN, top=TOP_MARGIN_IN, bottom=BOTTOM_MARGIN_IN)
    scale = print_scale(widths, paper)
    if scale >= LEAST_SCALE:
        ws.set_print_scale(scale)
        ws.fit_to_pages(1, 0)  # and never wider than the page, whatever a printer's fonts make of the columns
    else:
        scale = LEAST_SCALE
        ws.set_print_scale(scale)
        ws.repeat_columns(0, repeat_columns - 1)
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)
    if footer:
        ws.set_footer(footer)
    return scale


PAPER_HEIGHT_IN = {A4: 210 / 25.4, A3: 297 / 25.4}  # a landscape page's height
DEFAULT_ROW_PT = 15  # a row whose height is not set, as 宋体 11 pt shows it (near enough)
PAGE_SLACK = 0.97  # the share of a page the breaks fill: a printer's rounding never pushes a row over


def fit_scale(widths, paper: int = A4, side_in: float = SIDE_MARGIN_IN) -> float:
    """The scale (1 = 100 %) at which Excel prints columns of ``widths`` one landscape page wide, a whole
    percent, never above 100 %."""
    room = (PAPER_WIDTH_IN[paper] - 2 * side_in) * PX_PER_IN
    return min(100, math.floor(room * 100 / sum(column_px(w) for w in widths))) / 100


def landscape_room(scale: int, paper: int = A4) -> float:
    """A :func:`print_landscape` page's printable height (pt) at the sheet's own size, printed at ``scale`` %."""
    return (PAPER_HEIGHT_IN[paper] - TOP_MARGIN_IN - BOTTOM_MARGIN_IN) * 72 * 100 / scale


def page_breaks(heights, first: int, repeat_pt: float, room_pt: float, tail: int = 0) -> list:
    """The rows (0-based) that begin a printed page, for rows of ``heights`` (pt, every row from the first),
    the body from row ``first``, a repeated header ``repeat_pt`` tall on each page after the first, and
    ``room_pt`` of page (at the sheet's own size, before the print scale).

    Each page takes the rows that fit (of :data:`PAGE_SLACK` of the room); when the last page would hold a
    single row, the page before gives it its last row, if the two fit. The last ``tail`` rows (a blank row and
    the notes under a table) stay with the row above them, never on a page of their own.
    """
    if tail:
        cut = len(heights) - tail - 1
        return page_breaks([*heights[:cut], sum(heights[cut:])], first, repeat_pt, room_pt)
    room = room_pt * PAGE_SLACK
    breaks, used = [], sum(heights[:first])
    for r in range(first, len(heights)):
        if used + heights[r] > room and used > (repeat_pt if breaks else sum(heights[:first])):
            breaks.append(r)
            used = repeat_pt
        used += heights[r]
    if breaks and breaks[-1] == len(heights) - 1:
        start = breaks[-2] if len(breaks) > 1 else first
        if breaks[-1] - 1 > start and repeat_pt + heights[-2] + heights[-1] <= room:
            breaks[-1] -= 1
    return breaks


@lru_cache(maxsize=1 << 16)
def text_lines(text: str, width: float, font_pt: float) -> int:
    """Lines ``text`` takes in a wrapped cell ``width`` units wide: CJK characters a full em, others half."""
    return _lines(str(text), _per_line(width, font_pt))


def _per_line(width: float, font_pt: float) -> float:
    """How many full-em characters a line of a wrapped cell ``width`` units wide holds."""
    room = column_px(width) - 6  # the cell's inner padding
    return max(room / (font_pt * PX_PER_IN / 72), 1.0)


def _lines(text: str, per_line: float) -> int:
    if "\n" in text:  # each paragraph starts a line
        return sum(_lines(part, per_line) for part in text.split("\n"))
    if text_width(text) <= per_line:
        return 1
    return _filled_lines(text, per_line)


# Where Excel, WPS and LibreOffice may break a wrapped line: not inside a word of Latin letters and digits
# ("75%", the "2026" of "2026年"), not before a closing mark, not after an opening one.
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.%‰-/")
_CLOSING = frozenset("，。、；：？！）」』】》〉〕］｝〗〙’”％,;:?!)]}")
_OPENING = frozenset("（「『【《〈〔［｛〖〘‘“([{")


class _HalfWidths(dict):
    """{character: its width in half character widths}, each character looked up once (as text_width counts)."""

    def __missing__(self, ch: str) -> int:
        self[ch] = halves = 2 if unicodedata.east_asian_width(ch) in WIDE_WIDTHS else 1
        return halves


_HALVES = _HalfWidths()


def _breaks_before(text: str, i: int) -> bool:
    """Whether a line may break between ``text[i - 1]`` and ``text[i]``."""
    before, after = text[i - 1], text[i]
    return not (after in _CLOSING or before in _OPENING or (before in _WORD and after in _WORD))


def _filled_lines(text: str, per_line: float) -> int:
    """The lines of one paragraph as a wrapped cell fills them: each line takes the text up to its last break
    that fits; a word wider than a line starts a line of its own and is broken where the line is full."""
    ends = list(accumulate(map(_HALVES.__getitem__, text), initial=0))  # ends[i]: the width of text[:i]
    room = int(per_line * 2)  # in half widths, as the text is measured
    lines, start, last = 0, 0, len(text)
    while start < last:
        lines += 1
        fits = max(bisect_right(ends, ends[start] + room) - 1, start + 1)  # one character at least
        if fits >= last:
            break
        cut = fits
        while cut > start and not _breaks_before(text, cut):
            cut -= 1
        start = cut if cut > start else fits
    return lines


def row_height(values, widths, font_pt: float = 10, least_lines: int = 1) -> float:
    """A row height (pt) that shows every wrapped cell whole, from its text's width; at least ``least_lines``."""
    lines = max([text_lines(str(v), w, font_pt) for v, w in zip(values, widths) if str(v)] + [least_lines])
    return _lines_height(lines, font_pt)


def row_heights(rows, widths, font_pt: float = 10, least_lines: int = 1) -> list:
    """:func:`row_height` of each row of a table, the same numbers; its rows are texts (str), all of one length.

    A table of tens of thousands of rows repeats its names, statuses and dates in every row: each distinct
    text of a column is measured once, and the rows' tallest cells are found at C speed.
    """
    columns, floor = [], least_lines
    for texts, width in zip(zip(*rows), widths):
        per_line = _per_line(width, font_pt)
        lines = {text: _lines(text, per_line) if text else least_lines for text in set(texts)}
        floor = max(floor, min(lines.values()))  # every row is at least as tall as any column's shortest cell
        columns.append((texts, lines))
    # A column whose cells never take more lines than that floor cannot make a row taller.
    taller = [map(lines.__getitem__, texts) for texts, lines in columns if max(lines.values()) > floor]
    if not taller:
        return [_lines_height(floor, font_pt)] * len(rows)
    return [_lines_height(n, font_pt) for n in map(max, repeat(floor), *taller)]


def _lines_height(lines: int, font_pt: float = 10) -> float:
    """The height (pt) of a row of ``lines`` lines of text."""
    return min(font_pt * LINE_SPACING * lines + 4, 409)  # a line with its leading; 409 is Excel's highest row


def cell_writers(ws) -> tuple:
    """``ws``'s (write_string, write_number, write_blank), for cells given by 0-based row and column only.

    Each public writer of XlsxWriter first tries its arguments for A1 notation, through a decorator, then calls
    its undecorated twin (``_write_string`` …); for a sheet of hundreds of thousands of cells that check is nearly
    a third of the time of writing them. The twins are used where the XlsxWriter pinned in requirements.txt has
    them (tests compare the cells they write with the public writers'), the public writers otherwise.
    """
    twins = tuple(getattr(ws, f"_write_{kind}", None) for kind in ("string", "number", "blank"))
    return twins if all(twins) else (ws.write_string, ws.write_number, ws.write_blank)


@contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector while a large workbook or summary is built (it finds nothing to
    free there). Also a decorator: ``@gc_paused()``."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def footer_text(text: str) -> str:
    """Text for a header or footer: "&" is a control character there."""
    return text.replace("&", "&&")


def col_letter(index: int) -> str:
    """The letters of a 0-based column: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---------------------------------------------------------------------------
# The table sheets of the 汇总表 and the 年度汇总: a title row, a header row, the rows, frozen and filtered.

TITLE = {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter", "font_name": "黑体"}


def body(font: str = "宋体", size: float = 10) -> dict:
    """The properties of a bordered, wrapped body cell in ``font`` at ``size`` pt."""
    return {**BODY, "font_name": font, "font_size": size}


def table_formats(wb, base: dict) -> dict:
    """The formats every table sheet uses: its title, header, text cell, centred cell and percentage."""
    return {
        "title": wb.add_format(TITLE),
        "head": wb.add_format({**base, **HEAD}),
        "cell": wb.add_format(base),
        "center": wb.add_format({**base, "align": "center"}),
        "pct": wb.add_format({**base, "num_format": "0.0%", "align": "center"}),
    }


def colour_formats(wb, colours: dict, bold, base: dict | None = None) -> dict:
    """{name: a format of its (fill, font) colours from ``colours``, bold where ``bold(name)``}, on ``base``."""
    return {
        name: wb.add_format({**(base or {}), "bg_color": bg, "font_color": fg, "bold": bold(name)})
        for name, (bg, fg) in colours.items()
    }


def table_head(wb, f: dict, name: str, title: str, headers, least_lines: int = 1):
    """A new sheet ``name`` with its merged ``title`` row and a header row of (header, width) ``headers``,
    each column as wide as its header says; returns the sheet."""
    ws = wb.add_worksheet(name)
    ws.set_row(0, 26)
    ws.merge_range(0, 0, 0, len(headers) - 1, title, f["title"])
    widths = [w for _, w in headers]
    ws.set_row(1, row_height([h for h, _ in headers], widths, least_lines=least_lines))
    for c, (header, width) in enumerate(headers):
        ws.set_column(c, c, width)
        ws.write_string(1, c, header, f["head"])
    return ws


def freeze_and_filter(ws, rows: int, columns: int) -> None:
    """The title and header rows frozen, a filter on the header row over ``rows`` rows of ``columns`` columns."""
    ws.freeze_panes(2, 0)
    ws.autofilter(1, 0, max(rows + 1, 2), columns - 1)


def begins_with(ws, column: int, rows: int, formats: dict) -> None:
    """Conditional formats of ``column`` over ``rows`` table rows: a cell that begins with a key of ``formats``
    takes its format (a status folded with more text, "逾期未完成（进度滞后）", starts with its own)."""
    if not rows:
        return
    for value, fmt in formats.items():
        ws.conditional_format(
            2, column, rows + 1, column, {"type": "text", "criteria": "begins with", "value": value, "format": fmt}
        )
