"""Stage 2, the fill-in form: what one recipient's form shows (:class:`FormSpec`) and its workbook.

The form's layout is described here once, for writing (:func:`build_form`) and for reading a return
(formread.py). Columns are found by their header names, never by position: the names in
:data:`FORM_COLUMNS` are a published contract.

A hidden sheet carries what identifies a return without trusting its file name: the
form version, period, recipient, task IDs and roles, and a fingerprint of the locked
content, so that an edited target or a swapped row is noticed. Which forms a period sends,
and writing them as one set, is distribute.py's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache

from . import __version__
from .schema import (
    FORM,
    H_DATE,
    H_DEADLINE,
    H_FILLER,
    H_IND_VALUE,
    H_NOTE,
    H_PHONE,
    H_UNIT,
    INDICATOR_FORM_COLUMNS,
    Schema,
)
from .vocab import (
    CLOSED,
    COMPLETION,
    FORM_SHEET,
    HELP_SHEET,
    INDICATOR_FORM_SHEET,
    META_SHEET,
    ZERO,
    nfkc,
)
from .workbooks import text_of
from .xlsx import (
    A4,
    DEFAULT_ROW_PT,
    HEAD,
    PAPER_HEIGHT_IN,
    SIDE_MARGIN_IN,
    col_letter,
    fit_scale,
    footer_text,
    new_workbook,
    page_breaks,
    print_a4,
    row_height,
)

FORM_VERSION = 1
UNIT_LABEL = H_UNIT + "："
FILLER_LABEL, PHONE_LABEL, DATE_LABEL = H_FILLER + "：", H_PHONE + "：", H_DATE + "："
HEADER_ROW = 4  # 0-based: title, unit line, date line, blank, header
FORM_FONT_PT = 11
ANSWER_LINES = 8  # an input row holds about 150 characters of 推进情况 before it grows
HELP_WIDTH = 64  # 填表说明: one column, wrapped, within a portrait A4 page whatever the printer's default font


def header_inputs(width: int) -> dict:
    """{(row, col): label} of the 填报人, 联系电话 and 填报日期 inputs of a form ``width`` columns wide.

    They take the last three columns (the wide answer columns): 填报人 and 填报日期 in the
    third from the right, 联系电话 in the last, each label just before its input.
    """
    return {(1, width - 3): FILLER_LABEL, (1, width - 1): PHONE_LABEL, (2, width - 3): DATE_LABEL}


def form_cells(schema: Schema) -> tuple[dict, dict, int]:
    """Where things stand on a form of ``schema``, for code that fills one in as a department would.

    Returns:
        ({column key: column letter}, {header input label: A1 reference}, the first task row, 1-based).
    """
    columns = schema.at(FORM)
    letters = {c.key: col_letter(i) for i, c in enumerate(columns)}
    inputs = {label: f"{col_letter(c)}{r + 1}" for (r, c), label in header_inputs(len(columns)).items()}
    return letters, inputs, HEADER_ROW + 2


@dataclass(frozen=True)
class LockedRow:
    """A task as one recipient's form shows it: the read-only columns' values, in the form's order."""

    task_id: str
    role: str
    values: tuple
    closed: str = ""  # the period that closed the task (已办结, closing.py): shown locked, no answer asked


@dataclass
class FormFill:
    """A department's own answers, and the cells at fault, for a copy sent back for correction."""

    header: dict = field(default_factory=dict)  # FILLER_LABEL / PHONE_LABEL / DATE_LABEL -> text
    rows: dict = field(default_factory=dict)  # task_id -> {column key -> text}
    indicators: dict = field(default_factory=dict)  # indicator_id -> {H_IND_VALUE / H_NOTE -> text}
    header_marks: dict = field(default_factory=dict)  # label -> message
    row_marks: dict = field(default_factory=dict)  # (task_id, column key) -> message
    indicator_marks: dict = field(default_factory=dict)  # (indicator_id, header) -> message


@dataclass(frozen=True)
class FormSpec:
    """Everything one recipient's form shows; plain data so a worker process can build it."""

    recipient: str
    period: str  # YYYY-MM
    title: str
    deadline: str  # 2010年11月25日
    office: str
    return_note: str
    password: str
    schema: Schema
    rows: tuple  # LockedRow, in task order
    fill: FormFill = field(default_factory=FormFill)  # for a copy sent back for correction
    indicators: tuple = ()  # ((indicator_id, task_id, name, target_text, unit), ...) this recipient reports
    contact: str = ""  # "联系人：…，联系电话：…" of the 填表说明 (config's contact_text)

    @property
    def columns(self) -> list:
        return self.schema.at(FORM)


def locked_columns(schema: Schema) -> list:
    """The form's read-only columns, in order: what the fingerprint covers."""
    return [c for c in schema.at(FORM) if c.locked]


def fingerprint(rows) -> str:
    """A short hash of the locked content (task IDs, names, targets, roles, …), row by row in order."""
    h = hashlib.sha256()
    for row in rows:
        row = tuple(row)
        # Keyed with the values' types: 1, 1.0 and True are equal keys but not the same text.
        h.update(_row_bytes(row, tuple(map(type, row))))
    return h.hexdigest()[:16]


@lru_cache(maxsize=1 << 14)
def _row_bytes(values: tuple, _types: tuple) -> bytes:
    """One row's part of the fingerprint; remembered, as every recipient of a task shows the same row."""
    return "\x1f".join(norm_text(v) for v in values).encode("utf-8") + b"\x1e"


def norm_text(value) -> str:
    """A cell's text as the form compares it: full-width forms as ordinary ones, no outer white space."""
    return nfkc(text_of(value)).strip()


def asks(spec: FormSpec) -> bool:
    """Whether the form asks anything: a task not 已办结, or an indicator."""
    return bool(spec.indicators) or any(not row.closed for row in spec.rows)


def build_form(spec: FormSpec) -> bytes:
    """The .xlsx bytes of one recipient's form."""
    buffer = io.BytesIO()
    wb = new_workbook(buffer, in_memory=True)
    wb.set_properties(
        {
            "title": spec.title,
            "subject": spec.recipient,
            "author": spec.office,
            "comments": f"由目标任务责任分解表工具生成，请勿删除隐藏的“{META_SHEET}”工作表。",
        }
    )
    f = _formats(wb)
    _write_form_sheet(wb, spec, f)
    if spec.indicators:
        _write_indicator_sheet(wb, spec, f)
    _write_help(wb, spec, f)
    _write_meta(wb, spec)
    wb.close()
    return buffer.getvalue()


# The 填报表 prints one A4 page wide at this scale or more, as the default form does (11 pt prints 10.67 pt).
FORM_FIT = 0.97
ROOMY = ("target", "progress", "problems", "plans")  # the columns that give way to a table's own (完成时限 …)
LEAST_ROOMY = 14


def form_widths(columns: list) -> list:
    """Each 填报表 column's width: its own, the wide text columns (:data:`ROOMY`) narrowed in proportion (down to
    :data:`LEAST_ROOMY`) when the table's own columns would print the form below :data:`FORM_FIT`, so that the
    form still prints at 10.5 pt or more."""
    own = [column.width(FORM) for column in columns]
    roomy = [i for i, column in enumerate(columns) if column.key in ROOMY and own[i] > LEAST_ROOMY]
    widths, step = list(own), 0
    while fit_scale(widths) < FORM_FIT and roomy and step < 50:
        step += 1
        share = step / 50  # of what each roomy column has above LEAST_ROOMY
        widths = [math.floor((w - (w - LEAST_ROOMY) * share) * 10) / 10 if i in roomy else w for i, w in enumerate(own)]
    return widths


def _write_form_sheet(wb, spec: FormSpec, f: dict) -> None:
    """The 填报表 sheet: head, one row per task, the date's check, protection, the printed pages."""
    ws = wb.add_worksheet(FORM_SHEET)
    columns = spec.columns
    widths = form_widths(columns)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    date_at, heights = _write_head(ws, spec, f, columns, widths)
    first = HEADER_ROW + 1
    heights += _write_task_rows(ws, spec, f, columns, widths, first)
    ws.data_validation(
        date_at[0],
        date_at[1],
        date_at[0],
        date_at[1],
        {
            "validate": "date",
            "criteria": ">=",
            "value": dt.date(2000, 1, 1),
            "input_title": H_DATE,
            "input_message": f"请填写日期，例如 {spec.period}-20",  # a day of the period's own year
            "error_title": "日期有误",
            "error_message": f"请填写日期，例如 {spec.period}-20。",
            "error_type": "warning",
        },
    )
    ws.freeze_panes(first, 0)
    _protect(ws, spec)
    margins = {"left": SIDE_MARGIN_IN, "right": SIDE_MARGIN_IN, "top": 0.6, "bottom": 0.7}
    print_a4(
        ws,
        repeat_row=HEADER_ROW,
        margins=margins,
        footer=f"&L{UNIT_LABEL}{footer_text(spec.recipient)}&R第 &P 页，共 &N 页",
    )
    # No page holds a single task: the breaks set where the rows' heights put them (Excel would leave one).
    room = (PAPER_HEIGHT_IN[A4] - margins["top"] - margins["bottom"]) * 72 / fit_scale(widths)
    ws.set_h_pagebreaks(page_breaks(heights, first, heights[HEADER_ROW], room))
    ws.activate()


def _write_meta(wb, spec: FormSpec) -> None:
    """The hidden, protected sheet of what the form was issued as (:func:`meta_items`)."""
    meta = wb.add_worksheet(META_SHEET)
    for r, (key, value) in enumerate(meta_items(spec)):
        meta.write_string(r, 0, key)
        meta.write_string(r, 1, value)
    meta.hide()
    meta.protect(spec.password)


def _write_head(ws, spec: FormSpec, f: dict, columns: list, widths: list) -> tuple[tuple[int, int], list]:
    """The title, the unit, the filler's inputs, the note or the problems to correct, the column heads;
    returns where the fill date is typed (row, column) and the heights (pt) of the rows written."""
    last_col = len(columns) - 1
    inputs = header_inputs(len(columns))
    (filler_at, phone_at, date_at) = inputs
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, last_col, spec.title, f["title"])
    ws.merge_range(1, 0, 1, 2, UNIT_LABEL + spec.recipient, f["label"])
    # Label/input pairs: each label just before its input, in the wide answer columns.
    ws.merge_range(1, filler_at[1] - 2, 1, filler_at[1] - 1, FILLER_LABEL, f["label_right"])
    ws.write_string(1, phone_at[1] - 1, PHONE_LABEL, f["label_right"])
    ws.merge_range(2, 0, 2, 2, f"{H_DEADLINE}：{spec.deadline}", f["deadline"])
    ws.merge_range(2, date_at[1] - 2, 2, date_at[1] - 1, DATE_LABEL, f["label_right"])
    for (r, c), label in inputs.items():
        fmt = f["input_date"] if label == DATE_LABEL else f["input_line"]
        _write_input(ws, r, c, spec.fill.header.get(label, ""), spec.fill.header_marks.get(label), fmt, spec, f)
    dropdowns = "、".join(c.header for c in columns if c.choices)
    problems = _problems(spec)
    heights = [30, DEFAULT_ROW_PT, DEFAULT_ROW_PT, DEFAULT_ROW_PT, DEFAULT_ROW_PT]  # rows 0 to HEADER_ROW
    if problems:  # the copy sent back for correction says in words, in print too, what is to be corrected
        banner = "请更正以下问题（红色粗框单元格，改好后重新发回）：" + "；".join(problems) + "。"
        heights[3] = row_height([banner], [sum(widths)], FORM_FONT_PT)
        ws.set_row(3, heights[3])
        ws.merge_range(3, 0, 3, last_col, banner, f["banner"])
    else:
        ws.write_string(3, 0, f"黄色单元格为填写处；{dropdowns}请从下拉列表中选择。", f["note"])
    for c, column in enumerate(columns):
        ws.write_string(HEADER_ROW, c, column.header, f["head"])
    return date_at, heights


def _write_task_rows(ws, spec: FormSpec, f: dict, columns: list, widths: list, first: int) -> list:
    """One row a task from row ``first``: its locked cells, its answers' inputs, each dropdown's list; returns
    the rows' heights (pt)."""
    locked_at = [c for c, column in enumerate(columns) if column.locked]
    heights = []
    for r, row in enumerate(spec.rows, start=first):
        answers = spec.fill.rows.get(row.task_id, {})
        shown = dict(zip(locked_at, row.values))
        texts = [shown.get(c, answers.get(column.key, "")) for c, column in enumerate(columns)]
        heights.append(row_height(texts, widths, FORM_FONT_PT, 1 if row.closed else ANSWER_LINES))
        ws.set_row(r, heights[-1])
        for c, value in zip(locked_at, row.values):
            ws.write_string(r, c, value, f["locked_center"] if columns[c].width(FORM) <= 9 else f["locked"])
        for c, column in enumerate(columns):
            if column.is_input and row.closed:  # 已办结: locked, nothing to answer
                ws.write_string(r, c, CLOSED if column.is_status else "", f["locked_center"])
            elif column.is_input:
                _write_input(
                    ws,
                    r,
                    c,
                    answers.get(column.key, ""),
                    spec.fill.row_marks.get((row.task_id, column.key)),
                    f["input"],
                    spec,
                    f,
                )
    last = first + len(spec.rows) - 1
    for c, column in enumerate(columns):
        if spec.rows and column.choices:
            listed = column.choices_text
            ws.data_validation(
                first,
                c,
                last,
                c,
                {
                    "validate": "list",
                    "source": list(column.choices),
                    "input_title": column.header,
                    "input_message": "请从下拉列表中选择：" + listed,
                    "error_title": "输入有误",
                    "error_message": f"{column.header}只能是：{listed}。请从下拉列表中选择。",
                },
            )
    return heights


def _problems(spec: FormSpec) -> list:
    """The problems of a copy sent back for correction, each with its cell, in the order of the sheet."""
    letters, at_input, first = form_cells(spec.schema)
    rows = {row.task_id: n for n, row in enumerate(spec.rows, start=first)}
    keys = [c.key for c in locked_columns(spec.schema)]
    items = {row.task_id: row.values[keys.index("item")] if "item" in keys else "" for row in spec.rows}
    indicator_rows = {ind[0]: n for n, ind in enumerate(spec.indicators, start=2)}
    value_letter = col_letter([h for h, _ in INDICATOR_FORM_COLUMNS].index(H_IND_VALUE))
    fill = spec.fill
    found = [f"{at_input.get(label, label)}：{m}" for label, m in fill.header_marks.items()]
    # A row's cell with the task it belongs to: "E6（T0101 产品质量）"
    found += [
        f"{letters.get(key, '')}{rows.get(task_id, '')}（{task_id} {items.get(task_id, '')}".rstrip() + f"）：{m}"
        for (task_id, key), m in sorted(fill.row_marks.items(), key=lambda i: rows.get(i[0][0], 0))
    ]
    found += [
        f"“{INDICATOR_FORM_SHEET}”{value_letter if header == H_IND_VALUE else ''}{indicator_rows.get(ind_id, '')}：{m}"
        for (ind_id, header), m in fill.indicator_marks.items()
    ]
    return [line.rstrip("。") for line in found]


def _protect(ws, spec: FormSpec) -> None:
    ws.protect(
        spec.password,
        {"format_rows": True, "format_columns": True, "select_locked_cells": True, "select_unlocked_cells": True},
    )


def _write_indicator_sheet(wb, spec, f):
    """One input row per indicator this recipient reports: the value to date and a note."""
    ws = wb.add_worksheet(INDICATOR_FORM_SHEET)
    head = 0  # the header on the first row, as returns are read; the title and the unit print above it
    widths = [w for _, w in INDICATOR_FORM_COLUMNS]
    for c, (name, width) in enumerate(INDICATOR_FORM_COLUMNS):
        ws.set_column(c, c, width)
        ws.write_string(head, c, name, f["head"])
    for r, indicator in enumerate(spec.indicators, start=head + 1):
        _write_indicator_row(ws, r, indicator, spec, f, widths)
    ws.freeze_panes(head + 1, 0)
    _protect(ws, spec)
    print_a4(ws, repeat_row=head, footer=f"&L{UNIT_LABEL}{footer_text(spec.recipient)}&R第 &P 页，共 &N 页")
    # The size before the font: "&14" followed by the title's "2010" would read as size 142010.
    ws.set_header(
        f'&C&14&"黑体,常规"{footer_text(spec.title)}（量化指标）\n'
        f'&11&"宋体,常规"{UNIT_LABEL}{footer_text(spec.recipient)}    '
        f"{H_DEADLINE}：{footer_text(spec.deadline)}",
        {"margin": 0.3},
    )


def _write_indicator_row(ws, r: int, indicator: tuple, spec: FormSpec, f: dict, widths: list) -> None:
    """One indicator's row: its locked description, the value to date (checked as a number) and the note."""
    ind_id, task_id, name, target, unit = indicator
    value_at = [h for h, _ in INDICATOR_FORM_COLUMNS].index(H_IND_VALUE)
    given = spec.fill.indicators.get(ind_id, {})
    ws.set_row(
        r,
        row_height(
            [ind_id, task_id, name, target, unit, given.get(H_IND_VALUE, ""), given.get(H_NOTE, "")],
            widths,
            FORM_FONT_PT,
            2,
        ),
    )
    for c, value in enumerate((ind_id, task_id, name, target, unit)):
        ws.write_string(r, c, value, f["locked_center"] if c in (0, 1, 4) else f["locked"])
    for c, header in ((value_at, H_IND_VALUE), (value_at + 1, H_NOTE)):
        _write_input(
            ws, r, c, given.get(header, ""), spec.fill.indicator_marks.get((ind_id, header)), f["input"], spec, f
        )
    hint = (
        "请填写百分数，例如 92%"
        if unit == "%"
        else ("没有发生请填 0" if target == ZERO else f"请填写数字（单位：{unit or '无'}），例如 12")
    )
    ws.data_validation(
        r,
        value_at,
        r,
        value_at,
        {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_type": "warning",
            "input_title": H_IND_VALUE,
            "input_message": hint,
            "error_title": "请填写数字",
            "error_message": hint + f"。确实无法用数字表示的，请在“{H_NOTE}”中写明。",
        },
    )


def _write_input(ws, r, c, value, message, fmt, spec, formats):
    """An input cell: blank, or the department's own text (always as text, never a formula), marked if at fault."""
    if message:
        fmt = formats["marked_date" if fmt is formats["input_date"] else "marked"]
        ws.write_comment(
            r, c, message, {"author": spec.office, "x_scale": 2, "y_scale": 1.5, "font_name": "宋体", "font_size": 10.5}
        )
    if value:
        ws.write_string(r, c, value, fmt)
    else:
        ws.write_blank(r, c, None, fmt)


def meta_items(spec: FormSpec) -> tuple:
    """The hidden sheet's key/value rows."""
    return (
        ("form_version", str(FORM_VERSION)),
        ("period", spec.period),
        ("recipient", spec.recipient),
        ("tasks", json.dumps([[r.task_id, r.role] for r in spec.rows], ensure_ascii=False)),
        ("fingerprint", fingerprint([r.values for r in spec.rows])),
        ("indicators", json.dumps([i[0] for i in spec.indicators], ensure_ascii=False)),
        ("tool", f"dutytable {__version__}"),
    )


def _formats(wb):
    base = {"font_name": "宋体", "font_size": FORM_FONT_PT, "valign": "top", "text_wrap": True}

    def fmt(**kw):
        return wb.add_format({**base, **kw})

    return {
        "title": fmt(bold=True, font_size=16, align="center", valign="vcenter", font_name="黑体"),
        "label": fmt(bold=True, valign="vcenter"),
        "label_right": fmt(align="right", valign="vcenter"),
        "note": fmt(font_color="#595959", valign="vcenter", text_wrap=False),
        "deadline": fmt(bold=True, valign="vcenter", text_wrap=False),  # black 11 pt: a date not to miss
        "banner": fmt(bold=True, font_color="#FFFFFF", bg_color="#C00000", valign="vcenter", border=2),
        "help": fmt(valign="vcenter"),
        "head": fmt(**HEAD),
        "locked": fmt(border=1),
        "locked_center": fmt(border=1, align="center"),
        "input": fmt(border=1, bg_color="#FFF2CC", locked=False),
        "input_line": fmt(bottom=1, bg_color="#FFF2CC", locked=False, valign="vcenter"),
        "input_date": fmt(
            bottom=1, bg_color="#FFF2CC", locked=False, valign="vcenter", num_format="yyyy-mm-dd", align="left"
        ),
        # A thick dark border and a dotted fill: a problem cell shows in black-and-white print too.
        "marked": fmt(
            border=5, border_color="#C00000", pattern=18, fg_color="#C00000", bg_color="#F8CBAD", locked=False
        ),
        "marked_date": fmt(
            border=5,
            border_color="#C00000",
            pattern=18,
            fg_color="#C00000",
            bg_color="#F8CBAD",
            locked=False,
            num_format="yyyy-mm-dd",
            align="left",
        ),
    }


def _write_help(wb, spec: FormSpec, f: dict):
    ws = wb.add_worksheet(HELP_SHEET)
    ws.set_column(0, 0, HELP_WIDTH)
    lines = [
        f"{spec.title}·填表说明",
        f"填报单位：{spec.recipient}",
        f"报送截止日期：{spec.deadline}",
        "",
        "1. 请在“填报表”工作表的黄色单元格中填写，其他单元格已锁定，不能修改。",
        "2. 每一行是本单位负责的一项工作；“职责”列为“牵头”的，由本单位牵头，必须填写“推进情况”。",
        "3. 完成状态：从下拉列表中选择" + "".join(f"“{c}”" for c in COMPLETION) + "之一。",
        "4. 推进情况：写明本月截至目前的工作进展、数据和成效；存在问题、下步打算：如实填写，没有可不填。",
        "5. 请同时填写表头的填报人、联系电话和填报日期。"
        + (
            "“指标填报”工作表中的量化指标，请填写截至本月的累计完成值（数字，百分数如92%），并可在“说明”中补充。"
            if spec.indicators
            else ""
        ),
        "6. 请不要增删行、列或工作表，不要复制到新文件中填写，也不要修改隐藏的工作表；表格可以改名后发回。",
        f"7. 交回方式：{spec.return_note}",
        *([f"8. 完成状态为“{CLOSED}”的任务已经办结，不用再填写。"] if any(row.closed for row in spec.rows) else []),
        f"如有疑问，请联系{spec.office}" + (f"（{spec.contact}）" if spec.contact else "") + "。",
    ]
    for r, line in enumerate(lines):
        ws.set_row(r, row_height([line], [HELP_WIDTH], FORM_FONT_PT))
        if line:
            ws.write_string(r, 0, line, f["label"] if r == 0 else f["help"])
    print_a4(ws, landscape=False, footer=None, margins={"left": 0.7, "right": 0.7, "top": 0.8, "bottom": 0.8})
    return ws
