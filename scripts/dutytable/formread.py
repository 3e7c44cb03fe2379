"""Reading a returned form: its sheets interpreted by header names, as text, wherever the unit moved them.

:func:`read_form` finds the form's header row (by the key headers 任务编号 and 完成状态, or on a form whose
hidden sheet is intact by most of the headers), reads each task row, the 填报单位, 填报人, 联系电话 and
填报日期 beside their labels, the 指标填报 sheet's values and the hidden 表单信息. It judges nothing:
examine.py checks what it read.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import NotAFormError
from .forms import (
    DATE_LABEL,
    FILLER_LABEL,
    PHONE_LABEL,
    UNIT_LABEL,
    fingerprint,
    header_inputs,
    locked_columns,
    norm_text,
)
from .schema import DEFAULT, FORM, H_IND_ID, H_IND_VALUE, H_NOTE, Schema
from .vocab import FORM_SHEET, HELP_SHEET, INDICATOR_FORM_SHEET, META_SHEET
from .workbooks import text_of
from .xlsx import col_letter


@dataclass
class FormRow:
    """One task row of a return, as text; ``rownum`` is the sheet's 1-based row."""

    rownum: int
    values: dict  # header -> text

    def __getitem__(self, header: str) -> str:
        return self.values.get(header, "")


@dataclass
class FormData:
    """What a returned workbook says, read by header names."""

    sheet: str
    title: str  # the first row's text: 2010年11月…填报表
    meta: dict  # the hidden sheet's keys; empty when the sheet is gone
    unit: str  # the 填报单位 cell's recipient
    filler: str
    phone: str
    date: str
    header_refs: dict  # label (填报人：…) -> A1 reference of its input cell
    indicator_rows: dict  # indicator_id -> (sheet row, raw value as read, note, A1 reference of the value)
    rows: list
    columns: dict  # header -> 0-based column
    header_row: int  # 1-based
    schema: Schema

    def ref(self, row: int, header: str) -> str:
        """The A1 reference of the column headed ``header`` in sheet row ``row``: E7; "" when it is missing."""
        return f"{col_letter(self.columns[header])}{row}" if header in self.columns else ""

    def locked_fingerprint(self) -> str:
        locked = locked_columns(self.schema)
        return fingerprint([tuple(r[c.header] for c in locked) for r in self.rows])


def form_sheets(names: list) -> list:
    """The sheets a return is read from: all but the 填表说明 (a copy of the form, such as “填报表 (2)”, may be
    the one filled in), or every sheet if the form is renamed."""
    if FORM_SHEET in names:
        return [n for n in names if n != HELP_SHEET]
    return names


def read_form(sheets: list, label: str, schema: Schema = DEFAULT) -> FormData:
    """Interpret a workbook's sheets (from :func:`workbooks.open_workbook`) as a return of ``schema``'s form.

    Raises:
        NotAFormError: no sheet has the form's header row.
    """
    meta = {}
    meta_sheet = next((s for s in sheets if s.name == META_SHEET), None)
    if meta_sheet is not None:
        for row in meta_sheet.rows:
            if len(row) >= 2 and text_of(row[0]):
                meta[text_of(row[0])] = text_of(row[1])
    headers = [c.header for c in schema.at(FORM)]
    key_headers = (schema.column("task_id").header, schema.status_column.header)
    ordered = sorted(sheets, key=lambda s: s.name != FORM_SHEET)
    intact = bool(meta.get("recipient"))  # the hidden sheet says it is our form: a retyped key header is only that
    for sheet in ordered:
        if sheet is meta_sheet or sheet.name == INDICATOR_FORM_SHEET:
            continue
        header = _find_form_header(sheet, headers, key_headers, intact)
        if header is None:
            continue
        r0, columns = header
        rows, wanted = [], tuple(columns.items())
        for r in range(r0 + 1, len(sheet.rows)):
            cells = sheet.rows[r]
            values = {name: text_of(cells[c]) if c < len(cells) else "" for name, c in wanted}
            if any(values.values()):
                rows.append(FormRow(r + 1, values))
        top = sheet.rows[:r0]
        inputs = header_inputs(len(headers))
        found = {label: _labelled(top, label, inputs) for label in (FILLER_LABEL, PHONE_LABEL, DATE_LABEL)}
        title = next((text_of(v) for row in top[:2] for v in row if text_of(v)), "")
        return FormData(
            sheet=sheet.name,
            title=title,
            meta=meta,
            indicator_rows=_indicator_rows(sheets),
            unit=_labelled(top, UNIT_LABEL, inputs, same_cell=True)[0],
            filler=found[FILLER_LABEL][0],
            phone=found[PHONE_LABEL][0],
            date=found[DATE_LABEL][0],
            header_refs={label: ref for label, (_, ref) in found.items()},
            rows=rows,
            columns=columns,
            header_row=r0 + 1,
            schema=schema,
        )
    raise NotAFormError(
        f"{label}：不是本工具生成的填报表（找不到“{key_headers[0]}”“{key_headers[1]}”等表头），"
        "请对方使用下发的填报表填写后重新发送。"
    )


def _indicator_rows(sheets):
    sheet = next((s for s in sheets if s.name == INDICATOR_FORM_SHEET), None)
    rows = {}
    if sheet is None or not sheet.rows:
        return rows
    header = [norm_text(v) for v in sheet.rows[0]]
    if H_IND_ID not in header or H_IND_VALUE not in header:
        return rows
    c_id, c_value = header.index(H_IND_ID), header.index(H_IND_VALUE)
    c_note = header.index(H_NOTE) if H_NOTE in header else None
    for r in range(1, len(sheet.rows)):
        ind_id = text_of(sheet.cell(r, c_id))
        if ind_id:
            raw = sheet.cell(r, c_value)
            note = text_of(sheet.cell(r, c_note)) if c_note is not None else ""
            rows[ind_id] = (r + 1, raw if raw != "" else None, note, f"{col_letter(c_value)}{r + 1}")
    return rows


def _find_form_header(sheet, headers, key_headers, intact=False):
    """(0-based row, {header: 0-based column}) of the form's header row: the first row with both key headers
    (任务编号, 完成状态); on a form whose hidden sheet is intact, else the first with most of the headers
    (one of the key headers was retyped or deleted). None when there is none."""
    found = []
    for r, row in enumerate(sheet.rows[:30]):
        names = {norm_text(v): c for c, v in enumerate(row) if text_of(v)}
        columns = {name: names[name] for name in headers if name in names}
        if all(h in names for h in key_headers):
            return r, columns
        found.append((r, columns))
    if intact:
        return next(((r, columns) for r, columns in found if len(columns) > len(headers) // 2), None)
    return None


def _labelled(rows, label, inputs, same_cell=False):
    """The value after a label such as 填报人： above the header, and the A1 reference of its input.

    Returns:
        (text, ref); ref is "" when the label is not there.
    """
    bare = label.rstrip("：")
    labels = {lbl.rstrip("：") for lbl in (FILLER_LABEL, PHONE_LABEL, DATE_LABEL)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = norm_text(value).replace(":", "：")
            if not text.startswith(bare):
                continue
            rest = text[len(bare) :].lstrip("：").strip()
            if same_cell or rest:
                return rest, f"{col_letter(c)}{r + 1}"
            input_ref = ""
            for c2 in range(c + 1, len(row)):
                later_text = text_of(row[c2])
                if later_text.rstrip("：:") in labels:
                    break  # the next label: this one's input was left empty
                if not input_ref and (r, c2) in inputs:
                    input_ref = f"{col_letter(c2)}{r + 1}"
                if later_text:
                    return later_text, f"{col_letter(c2)}{r + 1}"
            return "", input_ref or f"{col_letter(c + 1)}{r + 1}"
    return "", ""
