"""Stage 7's workbook: the 年度汇总 workbook (任务进度, 单位报送, 指标) of an :class:`annual.AnnualSummary`.

Each sheet prints what the year's summary says, cell for cell: a month with no data greyed as 无数据, a task's
status coloured with its light under it, a unit's month as the summary judged it, each indicator's latest
value after its month. :func:`make_annual` writes it and the Word 附件 (:mod:`annual_word`) of the same summary.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import files
from .annual import NOT_DUE, AnnualSummary, dated, latest_of, summarize_year
from .annual_word import score_rule, write_report
from .config import STATUS_RULE_WORDS
from .pace import pace_value
from .schema import (
    H_ATTAINMENT,
    H_BEHIND_PERIODS,
    H_FIX_COUNT,
    H_ID,
    H_IND_ID,
    H_IND_NAME,
    H_IND_TARGET,
    H_ITEM,
    H_LAST_ACTUAL,
    H_LAST_PROGRESS,
    H_LEADS,
    H_NOT_STARTED_PERIODS,
    H_NOTE,
    H_ON_TIME_RATE,
    H_PACE,
    H_RANK,
    H_SCORE,
    H_SEQ,
    H_UNIT,
)
from .vocab import (
    ATTAINMENT_COLORS,
    BEHIND,
    COMPLETION_COLORS,
    EMPTY,
    INDICATOR_SHEET,
    LATE,
    LIGHTS,
    NO_DATA,
    NOT_LISTED,
    NOT_REPORTED,
    NOT_STARTED,
    OVERDUE,
    TASK_YEAR_SHEET,
    TO_FIX,
    UNCLEAR,
    UNIT_YEAR_SHEET,
    month_header,
    needs_attention,
)
from .warning import ALERTS
from .xlsx import (
    DEFAULT_ROW_PT,
    body,
    colour_formats,
    freeze_and_filter,
    landscape_room,
    new_workbook,
    page_breaks,
    print_landscape,
    row_height,
    table_formats,
    table_head,
)

ALERT = "alert"  # the format key of a month's cell whose light is 红灯 or 黄灯: bold
NOT_IN_TABLE = "不在当前主表中（可能已改名或撤销），不参与排名"
GREY = ("#D9D9D9", "#595959")
UNCLEAR_COLORS = ("#E4DFEC", "#7030A0")  # 待核实 in the year's sheets


def latest_indicator(i, last: str) -> tuple:
    """(最近一期完成值, 达标情况) of an indicator in the year: the last period's value, or, when that month's
    return has none, the latest earlier one after its month, judged against the target; an unreadable value
    of the last period as written."""
    if i.actual is None and i.raw:
        return i.raw, i.status
    p, value = latest_of(i.series)
    if p is None:
        return "", i.status
    return dated(p, value, last), i.indicator.score(value)


def workbook_path(config, year: int) -> Path:
    return config.outbox / f"{year}年度汇总.xlsx"


def write_workbook(s: AnnualSummary, path) -> None:
    """Write 任务进度, 单位报送 and 指标 atomically."""
    with files.atomic_path(path) as tmp:
        # 宋体 10 the default, as the 汇总表's: a column unit is its digit, whatever fonts a PC lacks (without
        # Calibri a reader widens every column of a Calibri workbook and prints its text a quarter smaller)
        wb = new_workbook(tmp, font={"font_name": "宋体", "font_size": 10})
        wb.set_properties({"title": f"{s.title}年度汇总", "comments": f"{s.year}年 {len(s.data_periods)} 期"})
        f = _formats(wb)
        _sheet_tasks(wb, f, s)
        _sheet_units(wb, f, s)
        _sheet_indicators(wb, f, s)
        wb.close()


def _formats(wb) -> dict:
    base = body()
    f = {
        **table_formats(wb, base),
        "note": wb.add_format({"font_name": "宋体", "font_size": 10, "text_wrap": True, "valign": "top"}),
        None: wb.add_format({**base, "align": "center", "bg_color": GREY[0], "font_color": GREY[1]}),
    }
    colours = {**COMPLETION_COLORS, **ATTAINMENT_COLORS, UNCLEAR: UNCLEAR_COLORS}
    f.update(colour_formats(wb, colours, needs_attention, {**base, "align": "center"}))
    # the same, bold, for a month whose light is 红灯 or 黄灯
    f.update(
        {
            (name, ALERT): fmt
            for name, fmt in colour_formats(wb, colours, lambda _: True, {**base, "align": "center"}).items()
        }
    )
    f[TO_FIX] = wb.add_format({**base, "align": "center", "bg_color": "#FFEB9C"})
    return f


def _sheet(wb, f, name: str, title: str, headers: list, rows: list) -> object:
    """A sheet with a title row and a frozen, filtered header row; each cell a (value, format) pair.

    Each row is as tall as its longest wrapped text needs, so that no cell is cut off in print.
    """
    ws = table_head(wb, f, name, title, headers, least_lines=2)
    widths = [width for _, width in headers]
    ws.heights = [26, row_height([h for h, _ in headers], widths, least_lines=2)]  # each row's, for page breaks
    for r, cells in enumerate(rows, start=2):
        # A width stored with 宋体 10 as the workbook's font opens about one unit narrower: lines counted for that.
        ws.heights.append(row_height([v if isinstance(v, str) else "" for v, _ in cells], [w - 1 for w in widths]))
        ws.set_row(r, ws.heights[-1])
        for c, (value, fmt) in enumerate(cells):
            if value is None or value == "":
                ws.write_blank(r, c, None, fmt)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value, fmt)
            else:
                ws.write_string(r, c, str(value), fmt)
    freeze_and_filter(ws, len(rows), len(headers))
    ws.scale = print_landscape(ws, widths, repeat_row=1, repeat_columns=2)
    return ws


def _notes(ws, f, s: AnnualSummary, row: int, widths: list, lines: list) -> None:
    """The lines under a table, after a blank row; the page breaks keep them with its last row."""
    notes = lines + s.no_data_notes
    ws.heights.append(DEFAULT_ROW_PT)
    for line in notes:
        ws.heights.append(row_height([line], [sum(widths)]))
        ws.merge_range(row, 0, row, len(widths) - 1, line, f["note"])
        ws.set_row(row, ws.heights[-1])
        row += 1
    ws.set_h_pagebreaks(page_breaks(ws.heights, 2, ws.heights[1], landscape_room(ws.scale), tail=1 + len(notes)))


def _sheet_tasks(wb, f, s: AnnualSummary) -> None:
    headers = [(H_ID, 9), (H_ITEM, 14), (H_LEADS, 16)] + [(month_header(p), 14) for p in s.periods]
    headers += [(H_LAST_PROGRESS, 40), (H_BEHIND_PERIODS, 8), (H_NOT_STARTED_PERIODS, 8)]
    if s.has_deadline:
        headers.append((OVERDUE, 10))
    headers.append((H_NOTE, 16))
    rows = []
    for t in s.tasks:
        cells = [(t.task_id, f["center"]), (t.item, f["cell"]), (t.leads, f["cell"])]
        for p in s.periods:
            if p not in s.data_periods:
                cells.append((NO_DATA, f[None]))
            elif p in t.lights:  # the status, and under it the light with its reason (bold when 红灯 or 黄灯)
                shown, fmt = t.lights[p], f[t.colours[p]]
                fmt = f.get((t.colours[p], ALERT), fmt) if shown.color in ALERTS else fmt
                cells.append((f"{t.cells[p]}\n{shown.text}", fmt))
            elif p in t.cells:
                cells.append((t.cells[p], f[t.colours[p]]))
            else:
                cells.append(("", f["cell"]))
        removed = not t.cells and t.note
        cells += [
            (t.last_progress, f["cell"]),
            ("" if removed else t.behind, f["center"]),
            ("" if removed else t.not_started, f["center"]),
        ]
        if s.has_deadline:
            cells.append((t.overdue, f[NOT_STARTED] if t.overdue else f["center"]))
        cells.append((t.note, f["cell"]))
        rows.append(cells)
    ws = _sheet(wb, f, TASK_YEAR_SHEET, f"{s.title}{TASK_YEAR_SHEET}（{s.year}年）", headers, rows)
    _notes(
        ws,
        f,
        s,
        len(rows) + 3,
        [w for _, w in headers],
        [
            f"各月为该期汇总表的完成状态（有几个牵头单位的任务，{STATUS_RULE_WORDS[s.status_rule]}）和预警"
            f"（{'、'.join(LIGHTS)}及原因）；{NOT_LISTED}：当月填报表中没有这项任务。"
        ],
    )


def _sheet_units(wb, f, s: AnnualSummary) -> None:
    headers = (
        [(H_SEQ, 5), (H_UNIT, 14)]
        + [(month_header(p), 11) for p in s.periods]
        + [(H_ON_TIME_RATE, 9), (H_FIX_COUNT, 8), (H_SCORE, 7), (H_RANK, 6), (H_NOTE, 20)]
    )
    rows = []
    for n, u in enumerate(s.units, start=1):
        cells = [(n, f["center"]), (u.name, f["cell"])]
        for p in s.periods:
            text = u.cell(p, s.data_periods)
            fmt = {
                NO_DATA: f[None],
                UNCLEAR: f[None],
                NOT_LISTED: f[None],
                NOT_DUE: f[None],
                NOT_REPORTED: f[NOT_STARTED],
            }.get(text)
            if fmt is None:
                fmt = f[TO_FIX] if text.startswith(TO_FIX) else f[BEHIND] if text.startswith(LATE) else f["center"]
            cells.append((text, fmt))
        rate = u.on_time_rate
        cells += [
            (rate if rate is not None else "", f["pct"]),
            (u.fixes, f["center"]),
            (u.score if u.score is not None else "", f["center"]),
            (u.rank or "", f["center"]),
            ("" if u.listed else NOT_IN_TABLE, f["cell"]),
        ]
        rows.append(cells)
    ws = _sheet(wb, f, UNIT_YEAR_SHEET, f"{s.title}{UNIT_YEAR_SHEET}（{s.year}年）", headers, rows)
    _notes(ws, f, s, len(rows) + 3, [w for _, w in headers], [score_rule(s.rule)] + s.not_due_notes)


def _sheet_indicators(wb, f, s: AnnualSummary) -> None:
    headers = (
        [(H_IND_ID, 10), (H_ITEM, 10), (H_IND_NAME, 34), (H_IND_TARGET, 10), (H_UNIT, 12)]
        + [(month_header(p), 9) for p in s.periods]
        + [(H_LAST_ACTUAL, 12), (H_PACE, 9), (H_ATTAINMENT, 9)]
    )
    rows = []
    for i in s.indicators:
        ind = i.indicator
        cells = [
            (ind.indicator_id, f["center"]),
            (i.item, f["cell"]),
            (ind.name, f["cell"]),
            (i.target, f["center"]),
            (i.owner, f["cell"]),
        ]
        for p in s.periods:
            if p not in s.data_periods:
                cells.append((NO_DATA, f[None]))
            elif i.series.get(p) is None:
                cells.append((EMPTY, f[None]))
            else:
                cells.append((i.series[p], f["center"]))
        shown, status = latest_indicator(i, s.data_periods[-1])
        cells += [(shown, f["center"]), (pace_value(i.pace), f["center"]), (status, f[status])]
        rows.append(cells)
    ws = _sheet(wb, f, INDICATOR_SHEET, f"{s.title}量化指标逐月完成情况（{s.year}年）", headers, rows)
    _chart(wb, ws, s, len(rows) + 3)


def _chart(wb, ws, s: AnnualSummary, row: int) -> None:
    """A line chart of the percentage indicators, only with two periods of data or more.

    A missing value is an empty cell in a hidden block below the table, plotted as a gap, never as zero; the
    chart plots hidden cells (Excel and LibreOffice leave them out otherwise and draw nothing).
    """
    if len(s.data_periods) < 2:
        return
    percent = [i for i in s.indicators if i.indicator.unit == "%"][:12]  # a dozen lines stay readable
    if not percent:
        return
    first = 5
    for r, i in enumerate(percent, start=row):
        ws.set_row(r, None, None, {"hidden": True})
        ws.write_string(r, 0, i.indicator.name)
        for c, p in enumerate(s.periods, start=first):
            value = i.series.get(p)
            if value is not None:
                ws.write_number(r, c, value)
    chart = wb.add_chart({"type": "line"})
    for r in range(row, row + len(percent)):
        chart.add_series(
            {
                "name": [INDICATOR_SHEET, r, 0],
                "categories": [INDICATOR_SHEET, 1, first, 1, first + len(s.periods) - 1],
                "values": [INDICATOR_SHEET, r, first, r, first + len(s.periods) - 1],
                "marker": {"type": "circle"},
            }
        )
    chart.show_blanks_as("gap")
    chart.show_hidden_data()
    chart.set_title({"name": "百分比指标逐月累计完成值"})
    chart.set_y_axis({"name": "%"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 900, "height": 420})
    ws.insert_chart(row + len(percent) + 1, 2, chart)


def make_annual(config, table, year: int, today: dt.date | None = None) -> tuple:
    """Write the 年度汇总 workbook and its Word 附件, as of ``today`` (default: the clock's date).

    Returns:
        (:class:`AnnualSummary`, [paths written]).
    """
    s = summarize_year(table, config, year, today)
    workbook = workbook_path(config, year)
    write_workbook(s, workbook)
    return s, [workbook, write_report(s, config)]
