"""Stage 4, consolidation: the 汇总 workbook of a month's :class:`summary.Summary`.

:func:`summary.summarize` computes everything from the ledger; :func:`write_workbook` writes the sheets
and the charts from the summary it is given.
"""

from __future__ import annotations

import datetime as dt
from operator import itemgetter

from . import files
from .errors import DiskFullError, OutputError
from .pace import pace_value
from .schema import (
    ANSWER,
    COMPUTED,
    DETAIL,
    H_ATTAINMENT,
    H_CATEGORY,
    H_FILE_TIME,
    H_FILLER,
    H_HELD,
    H_IND_ACTUAL,
    H_IND_ID,
    H_IND_NAME,
    H_IND_TARGET,
    H_ITEM,
    H_NOTE,
    H_PACE,
    H_PHONE,
    H_RECEIVED,
    H_SEQ,
    H_SUBMISSIONS,
    H_TASKS,
    H_TOTAL,
    H_UNIT,
    ROLE,
    SUMMARY,
)
from .summary import RecipientState, Summary, summarize
from .vocab import (
    ATTAINMENT_COLORS,
    COMPLETION_CHART_FILLS,
    COMPLETION_COLORS,
    CORRECTED,
    DETAIL_SHEET,
    EMPTY,
    FILE_STAMP,
    INDICATOR_SHEET,
    LATE,
    LIGHT_COLORS,
    NOT_REPORTED,
    REPORTED,
    STATS_CHART_SHEET,
    STATS_SHEET,
    SUBMISSIONS_SHEET,
    SUMMARY_SHEET,
    TO_FIX,
    TREND_SHEET,
    counted_columns,
    month_header,
    needs_attention,
)
from .warning import ALERTS
from .xlsx import (
    A3,
    A4,
    begins_with,
    body,
    cell_writers,
    colour_formats,
    freeze_and_filter,
    gc_paused,
    new_workbook,
    print_landscape,
    table_formats,
    table_head,
)
from .xlsx import row_height as xlsx_row_height
from .xlsx import row_heights as xlsx_row_heights

EXCEL_CELL_LIMIT = 32767
TOO_LONG = f"……（内容过长，其余见“{DETAIL_SHEET}”工作表）"


def _fit(text: str) -> str:
    """Excel keeps at most 32,767 characters in a cell."""
    if len(text) <= EXCEL_CELL_LIMIT:
        return text
    return text[: EXCEL_CELL_LIMIT - len(TOO_LONG)] + TOO_LONG


# ---------------------------------------------------------------------------
# The workbook


def workbook_path(config, period):
    """outbox/<period>/2010年…汇总表_2010-11.xlsx: the period in the name, a stem apart from the 附件's."""
    return config.period_dir(period) / f"{config.report_title(period)}汇总表_{period}.xlsx"


def consolidate(config, table, period, now=None, today: dt.date | None = None) -> tuple:
    """Summarize and write the consolidated workbook.

    If the previous workbook is open in Excel (locked on Windows), it is written under a
    new name instead.

    Returns:
        (path written, :class:`Summary`, a note for the clerk or "").
    """
    summary = summarize(table, config, period, today)
    target = workbook_path(config, period)
    note = ""
    try:
        write_workbook(summary, target, config.paper)
    except DiskFullError:  # another name is on the same full disk
        raise
    except OutputError:
        stamp = (now or dt.datetime.now()).strftime(FILE_STAMP)[-6:]
        other = files.free_name(target.with_name(f"{target.stem}_{stamp}{target.suffix}"))
        write_workbook(summary, other, config.paper)
        note = f"{target.name} 正被其他程序（如 Excel）打开，无法替换，本次汇总表已另存为 {other.name}。"
        target = other
    return target, summary, note


def write_workbook(summary: Summary, path, paper: str = "A4") -> None:
    """Write the consolidated workbook atomically: 汇总, 明细, 报送情况, 统计 and its chart (and 指标).

    Every table sheet prints landscape on ``paper`` (A4 or A3) at the scale that fits its
    width, which its columns keep at 85 % or more on A4.
    """
    code = A3 if paper == "A3" else A4
    # Hundreds of thousands of cell objects, none of them in a cycle: the cyclic collector only costs time here.
    with files.atomic_path(path) as tmp, gc_paused():
        wb = new_workbook(tmp, font={"font_name": FONT, "font_size": FONT_PT})
        wb.set_properties({"title": summary.title + "汇总表", "comments": f"期次 {summary.period}"})
        f = _formats(wb)
        _sheet_summary(wb, f, summary, code)
        _sheet_detail(wb, f, summary, code)
        _sheet_submissions(wb, f, summary, code)
        _sheet_stats(wb, f, summary)
        if summary.indicators:
            _sheet_indicators(wb, f, summary, code)
        wb.close()


FONT = "宋体"
FONT_PT = 10


MISSING = {"bg_color": "#FFC7CE", "font_color": "#9C0006", "bold": True}  # a 未报送 row
FIX = {"bg_color": "#FFEB9C"}  # a 待补正 row


def _formats(wb) -> dict:
    base = body(FONT, FONT_PT)
    f = {
        **table_formats(wb, base),
        "missing": wb.add_format({**base, **MISSING}),
        "missing_num": wb.add_format({**base, **MISSING, "align": "center"}),  # centred as the other rows' numbers
        "fix": wb.add_format({**base, **FIX}),
        "fix_num": wb.add_format({**base, **FIX, "align": "center"}),
        "num": wb.add_format({**base, "align": "center"}),
        "bold": wb.add_format({**base, "bold": True}),
    }
    # The statuses and the lights: the word and bold say it in black and white; the fill on screen.
    colours = {**COMPLETION_COLORS, **ATTAINMENT_COLORS, **LIGHT_COLORS}
    for name, fmt in colour_formats(wb, colours, lambda name: needs_attention(name) or name in ALERTS).items():
        f["cf_" + name] = fmt
    return f


def row_height(values, widths) -> float:
    """A row height that shows every wrapped cell of the 汇总表 whole."""
    return xlsx_row_height(values, widths, FONT_PT)


def _table_sheet(wb, f, name, title, headers, rows, status_col=None, row_format=None, paper=A4, printed=None):
    """A sheet with a title row, a frozen and filtered header row, printable landscape at 90 % or more
    (:func:`xlsx.print_landscape`); only its first ``printed`` columns print (default: all).

    Each row is as tall as its longest text needs.
    """
    ws = table_head(wb, f, name, title, headers)
    widths = [w for _, w in headers]
    texts = []  # each cell's text once, for its row's height and its cell
    for values in rows:
        cells = list(map(str, values))
        texts.append(cells if max(map(len, cells), default=0) <= EXCEL_CELL_LIMIT else [_fit(t) for t in cells])
    cell, number = f["cell"], f["num"]
    write_string, write_number, write_blank = cell_writers(ws)
    for r, (values, cells, height) in enumerate(zip(rows, texts, xlsx_row_heights(texts, widths, FONT_PT)), start=2):
        key = row_format(values) if row_format else None  # a highlighted row's text and number formats
        ws.set_row(r, height)
        text_format, number_format = (f[key], f[key + "_num"]) if key else (cell, number)
        for c, (value, text) in enumerate(zip(values, cells)):
            # A str is its own text: only other values need the check for a number.
            if value is not text and isinstance(value, (int, float)) and not isinstance(value, bool):
                write_number(r, c, value, number_format)
            elif text:
                write_string(r, c, text, text_format)
            else:
                write_blank(r, c, None, text_format)
    freeze_and_filter(ws, len(rows), len(headers))
    if status_col is not None:  # a status folded with the leads' own starts with it
        begins_with(ws, status_col, len(rows), {status: f["cf_" + status] for status in COMPLETION_COLORS})
    printed = printed or len(headers)
    if printed < len(headers):
        ws.print_area(0, 0, max(len(rows) + 1, 2), printed - 1)
    print_landscape(ws, widths[:printed], paper, repeat_row=1, repeat_columns=2)
    return ws


def _headers(columns, place):
    return tuple((c.header, c.width(place)) for c in columns)


def _status_col(columns):
    return next((i for i, c in enumerate(columns) if c.is_status), None)


def _shown(columns, rows, always=lambda c: c.key in ("seq", "item") or c.is_status):
    """The columns with something to show (a column empty in every row is left out, unless ``always`` keeps it),
    and the rows cut to them."""
    kept = [i for i, c in enumerate(columns) if always(c) or any(r[i] != "" for r in rows)]
    return [columns[i] for i in kept], [tuple(r[i] for i in kept) for r in rows]


def _sheet_summary(wb, f, s, paper=A4):
    """One row a task; 序号 runs 1…n; the leads' own statuses folded into 完成状态 when they disagree."""
    columns = [c for c in s.schema.at(SUMMARY) if c.key != "lead_statuses"]
    rows = []
    for n, t in enumerate(s.tasks, start=1):
        values = []
        for c in columns:
            if c.key == "seq":
                values.append(n)
            elif c.is_status:
                values.append(t.shown_status + (f"（{t.lead_statuses}）" if t.lead_statuses else ""))
            else:
                values.append(t.value(c))
        rows.append(tuple(values))
    columns, rows = _shown(columns, rows)
    ws = _table_sheet(
        wb,
        f,
        SUMMARY_SHEET,
        f"{s.title}汇总表（{s.period.label}）",
        _headers(columns, SUMMARY),
        rows,
        status_col=_status_col(columns),
        paper=paper,
    )
    light_col = next((i for i, c in enumerate(columns) if c.key == "warning"), None)
    if light_col is not None:
        begins_with(ws, light_col, len(rows), {color: f["cf_" + color] for color in LIGHT_COLORS})


# The 明细 cells worked out from a detail row.
DETAIL_COMPUTED = ("recipient", "submission", "filler", "phone", "file", "received_at")
# 明细's columns for the clerk alone, last in its layout: on screen, not on paper.
CLERK_ONLY = ("file", "received_at")


def _sheet_detail(wb, f, s, paper=A4):
    """One row a unit and task, in the table's order of tasks (leads first, as the summary has them)."""
    columns = s.schema.at(DETAIL)
    submission = next((i for i, c in enumerate(columns) if c.key == "submission"), None)
    # A task's own cells from the table are the same in each of its rows: read once a task.
    own = [c for c in columns if c.source not in (COMPUTED, ROLE, ANSWER)]
    rows = []
    if s.detail:
        pick = _detail_picks(columns, s.detail[0]._fields, own)
        by_task = {}
        for rec in s.detail:
            by_task.setdefault(rec.task_id, []).append(rec)
        for t in s.tasks:
            cells = tuple(c.task_value(t.task) for c in own)
            for rec in by_task.get(t.task.task_id, ()):
                state = NOT_REPORTED if not rec.reported else (TO_FIX if rec.verdict == TO_FIX else REPORTED)
                rows.append(
                    pick[rec.reported](
                        (
                            *rec,
                            rec.recipient,
                            state,
                            rec.filler,
                            rec.phone,
                            rec.file,
                            str(rec.received_at).replace("T", " "),
                            "",
                            *cells,
                        )
                    )
                )
    _table_sheet(
        wb,
        f,
        DETAIL_SHEET,
        f"{s.title}{DETAIL_SHEET}（{s.period.label}）",
        _headers(columns, DETAIL),
        rows,
        status_col=_status_col(columns),
        row_format=(lambda v: "missing" if v[submission] == NOT_REPORTED else None) if submission is not None else None,
        paper=paper,
        printed=len([c for c in columns if c.key not in CLERK_ONLY]),
    )


def _detail_picks(columns, fields, own) -> dict:
    """{reported: a function that picks a 明细 row's cells}, at C speed, from the tuple made of the row:
    the detail row's ``fields``, the values of :data:`DETAIL_COMPUTED`, "" (any other computed column),
    then the task's cells of the ``own`` columns. A unit's return, once it has reported, overrides the
    table's read-only columns that the ledger keeps."""
    computed_at = len(fields)
    own_at = computed_at + len(DETAIL_COMPUTED) + 1

    def position(c, reported):
        if c.source == COMPUTED:
            known = c.key in DETAIL_COMPUTED
            return computed_at + (DETAIL_COMPUTED.index(c.key) if known else len(DETAIL_COMPUTED))
        if c.source == ROLE:
            return fields.index("role")
        if c.source == ANSWER or (c.ledger and reported):
            return fields.index(c.key)
        return own_at + own.index(c)

    picks = {}
    for reported in (True, False):
        get = itemgetter(*(position(c, reported) for c in columns))
        picks[reported] = get if len(columns) > 1 else (lambda row, get=get: (get(row),))  # one index: no tuple
    return picks


SUBMISSION_HEADERS = (
    (H_SEQ, 5),
    (H_UNIT, 12),
    (H_SUBMISSIONS, 8),
    (H_TASKS, 6),
    (H_RECEIVED, 17),
    (LATE, 5),
    ("文件", 20),
    (H_FILE_TIME, 16),
    (H_HELD, 24),
    (H_FILLER, 8),
    (H_PHONE, 13),
    ("问题", 36),
)


def _sheet_submissions(wb, f, s, paper=A4):
    rows = [
        (
            i,
            r.name,
            r.state,
            r.tasks,
            r.received_at,
            LATE if r.late else "",
            r.file,
            r.file_time,
            "、".join(r.held),
            r.filler,
            r.phone,
            _remarks(r),
        )
        for i, r in enumerate(s.recipients, start=1)
    ]
    fills = {NOT_REPORTED: "missing", TO_FIX: "fix"}
    headers, rows = _shown(SUBMISSION_HEADERS, rows, always=lambda h: h[0] not in (H_FILE_TIME, H_HELD))
    _table_sheet(
        wb,
        f,
        SUBMISSIONS_SHEET,
        f"{s.title}{SUBMISSIONS_SHEET}（{s.period.label}）",
        tuple(headers),
        rows,
        row_format=lambda v: fills.get(v[2]),
        paper=paper,
    )


def _remarks(r: RecipientState) -> str:
    """报送情况's 问题: the problems of the return that counts, 已补正 for a unit whose earlier return was
    待补正, or the empty form it sent back."""
    if r.problems:
        return "；".join(r.problems)
    if r.state == REPORTED and r.fixes:
        return (
            f"{CORRECTED}（此前收到的{r.fixes}份为{TO_FIX}；是否{LATE}按{r.first_received.isoformat()}"
            f"收到的第一份判断）"
        )
    return f"“{r.empty}”交回时没有填写任何内容（{EMPTY}）" if r.empty else ""


INDICATOR_HEADERS = (
    (H_IND_ID, 9),
    (H_ITEM, 9),
    (H_IND_NAME, 30),
    (H_IND_TARGET, 10),
    (H_UNIT, 10),
    (H_IND_ACTUAL, 11),
    (H_PACE, 9),
    (H_ATTAINMENT, 8),
    (H_NOTE, 24),
)
MAX_TREND_LINES = 12  # a chart stays readable with a dozen lines


def _sheet_indicators(wb, f, s, paper=A4):
    """Target, actual and 达标 for every indicator and the month-by-month series; the trend chart on its own
    sheet once there are two periods to draw a line between."""
    headers = INDICATOR_HEADERS + tuple((month_header(p, s.period.year), 8) for p in s.periods)
    rows = []
    for i in s.indicators:
        ind = i.indicator
        actual = i.actual if i.actual is not None else (i.raw or "")
        rows.append(
            (ind.indicator_id, i.item, ind.name, i.target, i.owner, actual, pace_value(i.pace), i.status, i.note)
            + tuple("" if i.series[p] is None else i.series[p] for p in s.periods)
        )
    ws = _table_sheet(
        wb, f, INDICATOR_SHEET, f"{s.title}量化指标完成情况（{s.period.label}）", headers, rows, paper=paper
    )
    last, at = len(rows) + 1, [h for h, _ in INDICATOR_HEADERS].index(H_ATTAINMENT)
    for status in ATTAINMENT_COLORS:
        ws.conditional_format(
            2, at, last, at, {"type": "cell", "criteria": "==", "value": f'"{status}"', "format": f["cf_" + status]}
        )
    percent = [r for r, i in enumerate(s.indicators, start=2) if i.indicator.unit == "%"]
    if len(s.periods) >= 2 and percent:
        first_col = len(INDICATOR_HEADERS)
        last_col = first_col + len(s.periods) - 1
        chart = wb.add_chart({"type": "line"})
        for r in percent[:MAX_TREND_LINES]:
            chart.add_series(
                {
                    "name": [INDICATOR_SHEET, r, 2],
                    "categories": [INDICATOR_SHEET, 1, first_col, 1, last_col],
                    "values": [INDICATOR_SHEET, r, first_col, r, last_col],
                    "marker": {"type": "automatic", "size": 7},
                    "line": {"width": 2.25},
                    "data_labels": {"value": True, "position": "above"},
                }
            )
        chart.set_title({"name": "百分比指标逐月累计完成值"})
        chart.set_y_axis({"name": "%"})
        chart.set_legend({"position": "bottom"})
        sheet = wb.add_chartsheet(TREND_SHEET)
        sheet.set_chart(chart)
        sheet.set_landscape()
        sheet.set_paper(paper)


def _sheet_stats(wb, f, s: Summary) -> None:
    """Tasks by category and status, the submission counts, and the status chart on a sheet of its own."""
    ws = wb.add_worksheet(STATS_SHEET)
    counted = [(t.task.category, t.counted_status) for t in s.tasks]
    statuses = counted_columns(st for _, st in counted)
    table = {}  # category -> {status: tasks}, categories in table order
    for category, status in counted:
        row = table.setdefault(category, dict.fromkeys(statuses, 0))
        row[status] += 1
    widths = [18] + [10] * (len(statuses) + 1)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_row(0, 26)  # the 14 pt title whole, as on the other sheets
    ws.merge_range(0, 0, 0, len(statuses) + 1, f"{s.title}{STATS_SHEET}（{s.period.label}）", f["title"])
    ws.write_string(1, 0, H_CATEGORY, f["head"])
    for c, status in enumerate(statuses, start=1):
        ws.write_string(1, c, status, f["head"])
    ws.write_string(1, len(statuses) + 1, H_TOTAL, f["head"])
    rows = [(category, [counts[st] for st in statuses]) for category, counts in table.items()]
    rows.append((H_TOTAL, [sum(row[st] for row in table.values()) for st in statuses]))
    for r, (category, numbers) in enumerate(rows, start=2):
        ws.set_row(r, row_height([category], widths[:1]))
        ws.write_string(r, 0, category, f["bold" if r == len(rows) + 1 else "cell"])
        for c, number in enumerate(numbers, start=1):
            ws.write_number(r, c, number, f["num"])
        ws.write_number(r, len(statuses) + 1, sum(numbers), f["num"])
    total_row = 2 + len(table)
    _stats_counts(ws, f, s, total_row + 2, widths[:1])
    print_landscape(ws, widths, footer=None)
    _stats_chart(wb, s, statuses, total_row)


def _stats_counts(ws, f, s: Summary, r: int, widths: list) -> None:
    """From row ``r`` of 统计: the units due, reported and not, the rate; a row below, the tasks per light."""
    due, done = len(s.recipients), len(s.reported)
    lines = [
        ("应报送单位", due, f["num"]),
        (f"{REPORTED}单位", done, f["num"]),
        (f"{NOT_REPORTED}单位", due - done, f["num"]),
        ("报送率", done / due if due else 0.0, f["pct"]),
        None,
    ]
    lines += [(f"{color}任务", number, f["num"]) for color, number in s.light_counts.items()]  # 预警: tasks per light
    for line in lines:
        if line is not None:
            label, value, fmt = line
            ws.set_row(r, row_height([label], widths))
            ws.write_string(r, 0, label, f["bold"])
            ws.write_number(r, 1, value, fmt)
        r += 1


def _stats_chart(wb, s: Summary, statuses: list, total_row: int) -> None:
    """The tasks of each category by status, a stacked column chart on a sheet of its own."""
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    for c, status in enumerate(statuses, start=1):
        chart.add_series(
            {
                "name": [STATS_SHEET, 1, c],
                "categories": [STATS_SHEET, 2, 0, total_row - 1, 0],
                "values": [STATS_SHEET, 2, c, total_row - 1, c],
                **COMPLETION_CHART_FILLS[status],
                "border": {"color": "#000000", "width": 0.75},
                "gap": 60,
                # on a white box, readable on every fill and pattern
                "data_labels": {
                    "value": True,
                    "num_format": "0;;;",
                    "fill": {"color": "#FFFFFF"},
                    "border": {"color": "#000000"},
                    "font": {"bold": True, "color": "#000000", "size": 11},
                },
            }
        )
    chart.set_title({"name": f"各类别任务完成状态（{s.period.label}）"})
    chart.set_y_axis({"name": "任务数", "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom", "font": {"size": 11}})
    sheet = wb.add_chartsheet(STATS_CHART_SHEET)
    sheet.set_chart(chart)
    sheet.set_landscape()
    sheet.set_paper(A4)
