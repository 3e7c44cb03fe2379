"""Stage 2, the fill-in form: one workbook per recipient, and reading one back.

The form's layout is described here once, for writing (:func:`build_form`) and for
reading a return (:func:`read_form`). Columns are found by their header names, never
by position: the names in :data:`FORM_COLUMNS` are a published contract.

A hidden sheet carries what identifies a return without trusting its file name: the
form version, period, recipient, task IDs and roles, and a fingerprint of the locked
content, so that an edited target or a swapped row is noticed.
"""

import datetime as dt
import hashlib
import io
import json
import logging
import os
import shutil
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from . import __version__, files
from .errors import InputError, OutputError
from .model import STATUSES
from .workbooks import text_of

log = logging.getLogger(__name__)

FORM_VERSION = 1
FORM_SHEET = "填报表"
HELP_SHEET = "填表说明"
META_SHEET = "表单信息"

COL_ID = "任务编号"
COL_ITEM = "工作内容"
COL_TARGET = "工作目标"
COL_ROLE = "职责"
COL_STATUS = "完成状态"
COL_PROGRESS = "推进情况"
COL_PROBLEMS = "存在问题"
COL_PLANS = "下步打算"
# (header, width); the first four are locked, the rest are filled in.
FORM_COLUMNS = ((COL_ID, 9), (COL_ITEM, 11), (COL_TARGET, 42), (COL_ROLE, 6),
                (COL_STATUS, 11), (COL_PROGRESS, 42), (COL_PROBLEMS, 26), (COL_PLANS, 26))
UNIT_LABEL = "填报单位："
FILLER_LABEL, PHONE_LABEL, DATE_LABEL = "填报人：", "联系电话：", "填报日期："
HEADER_ROW = 4  # 0-based: title, unit line, date line, blank, header
HEADER_INPUTS = {(1, 5): FILLER_LABEL, (1, 7): PHONE_LABEL, (2, 5): DATE_LABEL}  # 0-based cell -> label
INDICATOR_FORM_SHEET = "指标填报"
COL_IND_ID, COL_IND_VALUE, COL_IND_NOTE = "指标编号", "截至本月累计完成值", "说明"
INDICATOR_FORM_COLUMNS = ((COL_IND_ID, 10), ("任务编号", 9), ("指标名称", 36), ("目标", 12), ("单位", 7),
                          (COL_IND_VALUE, 16), (COL_IND_NOTE, 40))
DIST_DIR = "分发"
DIST_LIST = "分发清单.xlsx"
POOL_THRESHOLD = 64  # below this many forms a process pool costs more than it saves

_WRITE_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                  "strings_to_urls": False}


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
    rows: tuple  # ((task_id, item, target, role), ...)
    # For a copy sent back for correction: the department's own answers and the cells at fault.
    prefill: dict = field(default_factory=dict)  # task_id, "header" or indicator_id -> {column: text}
    marks: dict = field(default_factory=dict)  # (task_id, "header" or indicator_id, column) -> message
    indicators: tuple = ()  # ((indicator_id, task_id, name, target_text, unit), ...) this recipient reports


def fingerprint(rows):
    """A short hash of the locked content: task IDs, names, targets and roles, in order."""
    h = hashlib.sha256()
    for row in rows:
        h.update("\x1f".join(_norm(v) for v in row).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()[:16]


def _norm(value):
    text = text_of(value)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.strip()


def specs_for(table, config, period):
    """One :class:`FormSpec` per recipient of ``table``, in recipient order."""
    deadline = config.deadline(period)
    owned = {}
    for ind in table.indicators:
        owned.setdefault(ind.owner, []).append(
            (ind.indicator_id, ind.task_id, ind.name, ind.target_text, ind.unit))
    specs = []
    for rec in table.recipients(config.departments):
        specs.append(FormSpec(
            recipient=rec.name, period=str(period), title=config.form_title(period),
            deadline=f"{deadline.year}年{deadline.month}月{deadline.day}日", office=config.office,
            return_note=config.return_note, password=config.password,
            rows=tuple((a.task.task_id, a.task.item, a.task.target, a.role) for a in rec.assignments),
            indicators=tuple(owned.get(rec.name, ()))))
    return specs


def build_form(spec):
    """The .xlsx bytes of one recipient's form."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, _WRITE_OPTIONS)
    wb.set_properties({"title": spec.title, "subject": spec.recipient, "author": spec.office,
                       "comments": "由目标任务责任分解表工具生成，请勿删除隐藏的“表单信息”工作表。"})
    f = _formats(wb)
    ws = wb.add_worksheet(FORM_SHEET)
    last_col = len(FORM_COLUMNS) - 1
    for c, (_, width) in enumerate(FORM_COLUMNS):
        ws.set_column(c, c, width)
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, last_col, spec.title, f["title"])
    ws.merge_range(1, 0, 1, 2, UNIT_LABEL + spec.recipient, f["label"])
    # Label/input pairs: the label over 职责+完成状态, inputs in the wide columns.
    ws.merge_range(1, 3, 1, 4, FILLER_LABEL, f["label_right"])
    ws.write_string(1, 6, PHONE_LABEL, f["label_right"])
    ws.merge_range(2, 0, 2, 2, f"报送截止日期：{spec.deadline}", f["note"])
    ws.merge_range(2, 3, 2, 4, DATE_LABEL, f["label_right"])
    for (r, c), label in HEADER_INPUTS.items():
        _write_input(ws, r, c, "header", label, spec, f["input_date"] if label == DATE_LABEL else f["input_line"], f)
    ws.write_string(3, 0, "黄色单元格为填写处；完成状态请从下拉列表中选择。", f["note"])
    for c, (name, _) in enumerate(FORM_COLUMNS):
        ws.write_string(HEADER_ROW, c, name, f["head"])
    first = HEADER_ROW + 1
    for r, (task_id, item, target, role) in enumerate(spec.rows, start=first):
        ws.set_row(r, max(75, 15 * (len(target) // 20 + 1)))
        ws.write_string(r, 0, task_id, f["locked_center"])
        ws.write_string(r, 1, item, f["locked"])
        ws.write_string(r, 2, target, f["locked"])
        ws.write_string(r, 3, role, f["locked_center"])
        for c in range(4, len(FORM_COLUMNS)):
            _write_input(ws, r, c, task_id, FORM_COLUMNS[c][0], spec, f["input"], f)
    last = first + len(spec.rows) - 1
    if spec.rows:
        ws.data_validation(first, 4, last, 4, {
            "validate": "list", "source": list(STATUSES),
            "input_title": "完成状态", "input_message": "请从下拉列表中选择：" + "、".join(STATUSES),
            "error_title": "输入有误", "error_message": "完成状态只能是：" + "、".join(STATUSES) + "。请从下拉列表中选择。",
        })
    ws.data_validation(2, 5, 2, 5, {
        "validate": "date", "criteria": ">=", "value": dt.date(2000, 1, 1),
        "input_title": "填报日期", "input_message": "请填写日期，例如 2010-11-20",
        "error_title": "日期有误", "error_message": "请填写日期，例如 2010-11-20。", "error_type": "warning"})
    ws.freeze_panes(first, 0)
    ws.protect(spec.password, {"format_rows": True, "format_columns": True, "select_locked_cells": True,
                               "select_unlocked_cells": True})
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.set_footer(f"&L{UNIT_LABEL}{_footer_text(spec.recipient)}&R第 &P 页，共 &N 页")
    ws.activate()

    if spec.indicators:
        _write_indicator_sheet(wb, spec, f)
    _write_help(wb, spec, f)
    meta = wb.add_worksheet(META_SHEET)
    for r, (key, value) in enumerate(meta_items(spec)):
        meta.write_string(r, 0, key)
        meta.write_string(r, 1, value)
    meta.hide()
    meta.protect(spec.password)
    wb.close()
    return buffer.getvalue()


def _write_indicator_sheet(wb, spec, f):
    """One input row per indicator this recipient reports: the value to date and a note."""
    ws = wb.add_worksheet(INDICATOR_FORM_SHEET)
    for c, (name, width) in enumerate(INDICATOR_FORM_COLUMNS):
        ws.set_column(c, c, width)
        ws.write_string(0, c, name, f["head"])
    for r, (ind_id, task_id, name, target, unit) in enumerate(spec.indicators, start=1):
        ws.set_row(r, 33)
        for c, value in enumerate((ind_id, task_id, name, target, unit)):
            ws.write_string(r, c, value, f["locked_center"] if c in (0, 1, 4) else f["locked"])
        _write_input(ws, r, 5, ind_id, COL_IND_VALUE, spec, f["input"], f)
        _write_input(ws, r, 6, ind_id, COL_IND_NOTE, spec, f["input"], f)
        hint = "请填写百分数，例如 92%" if unit == "%" else (
            "没有发生请填 0" if target == "零发生" else f"请填写数字（单位：{unit or '无'}），例如 12")
        ws.data_validation(r, 5, r, 5, {
            "validate": "decimal", "criteria": ">=", "value": 0, "error_type": "warning",
            "input_title": "截至本月累计完成值", "input_message": hint,
            "error_title": "请填写数字", "error_message": hint + "。确实无法用数字表示的，请在“说明”中写明。"})
    ws.freeze_panes(1, 0)
    ws.protect(spec.password, {"format_rows": True, "format_columns": True, "select_locked_cells": True,
                               "select_unlocked_cells": True})
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_footer(f"&L{UNIT_LABEL}{_footer_text(spec.recipient)}&R第 &P 页，共 &N 页")


def _write_input(ws, r, c, key, column, spec, fmt, formats):
    """An input cell: blank, or the department's own text (always as text, never a formula), marked if at fault."""
    value = spec.prefill.get(key, {}).get(column, "")
    message = spec.marks.get((key, column))
    if message:
        fmt = formats["marked_date" if fmt is formats["input_date"] else "marked"]
        ws.write_comment(r, c, message, {"author": spec.office, "x_scale": 2, "y_scale": 1.5})
    if value:
        ws.write_string(r, c, value, fmt)
    else:
        ws.write_blank(r, c, None, fmt)


def meta_items(spec):
    """The hidden sheet's key/value rows."""
    return (
        ("form_version", str(FORM_VERSION)),
        ("period", spec.period),
        ("recipient", spec.recipient),
        ("tasks", json.dumps([[r[0], r[3]] for r in spec.rows], ensure_ascii=False)),
        ("fingerprint", fingerprint(spec.rows)),
        ("indicators", json.dumps([i[0] for i in spec.indicators], ensure_ascii=False)),
        ("tool", f"dutytable {__version__}"),
    )


def _footer_text(text):
    return text.replace("&", "&&")


def _formats(wb):
    base = {"font_name": "宋体", "font_size": 11, "valign": "top", "text_wrap": True}

    def fmt(**kw):
        return wb.add_format({**base, **kw})

    return {
        "title": fmt(bold=True, font_size=16, align="center", valign="vcenter", font_name="黑体"),
        "label": fmt(bold=True, valign="vcenter"),
        "label_right": fmt(align="right", valign="vcenter"),
        "note": fmt(font_color="#595959", font_size=10, valign="vcenter", text_wrap=False),
        "head": fmt(bold=True, bg_color="#D9E1F2", border=1, align="center", valign="vcenter"),
        "locked": fmt(border=1),
        "locked_center": fmt(border=1, align="center"),
        "input": fmt(border=1, bg_color="#FFF2CC", locked=False),
        "input_line": fmt(bottom=1, bg_color="#FFF2CC", locked=False, valign="vcenter"),
        "input_date": fmt(bottom=1, bg_color="#FFF2CC", locked=False, valign="vcenter", num_format="yyyy-mm-dd",
                          align="left"),
        "marked": fmt(border=2, border_color="#C00000", bg_color="#F8CBAD", locked=False),
        "marked_date": fmt(border=2, border_color="#C00000", bg_color="#F8CBAD", locked=False, num_format="yyyy-mm-dd",
                           align="left"),
    }


def _write_help(wb, spec, f):
    ws = wb.add_worksheet(HELP_SHEET)
    ws.set_column(0, 0, 100)
    lines = [
        f"{spec.title}  填表说明",
        f"填报单位：{spec.recipient}",
        f"报送截止日期：{spec.deadline}",
        "",
        "1. 请在“填报表”工作表的黄色单元格中填写，其他单元格已锁定，不能修改。",
        "2. 每一行是本单位负责的一项工作；“职责”列为“牵头”的，由本单位牵头，必须填写“推进情况”。",
        "3. 完成状态：从下拉列表中选择 " + "、".join(STATUSES) + " 之一。",
        "4. 推进情况：写明本月截至目前的工作进展、数据和成效；存在问题、下步打算：如实填写，没有可不填。",
        "5. 请同时填写表头的填报人、联系电话和填报日期。"
        + ("“指标填报”工作表中的量化指标，请填写截至本月的累计完成值（数字，百分数如 92%），并可在“说明”中补充。"
           if spec.indicators else ""),
        "6. 请不要增删行、列或工作表，不要复制到新文件中填写，也不要修改隐藏的工作表；表格可以改名后发回。",
        f"7. 交回方式：{spec.return_note}",
        f"如有疑问，请联系{spec.office}。",
    ]
    for r, line in enumerate(lines):
        ws.write_string(r, 0, line, f["label"] if r == 0 else None)
    return ws


# ---------------------------------------------------------------------------
# Generating a period's forms

@dataclass
class Generated:
    """What :func:`generate` wrote."""

    folder: Path
    files: list = field(default_factory=list)  # (recipient, Path)
    list_path: Path = None
    moved_aside: Path = None


def form_filename(recipient, period, taken):
    """质监分局_2010-11填报表.xlsx, safe on Windows and unique within ``taken``."""
    name = files.safe_filename(recipient, f"_{period}填报表.xlsx")
    n = 2
    base = name
    while name.lower() in taken:
        name = base.replace(f"_{period}填报表.xlsx", f"({n})_{period}填报表.xlsx")
        n += 1
    taken.add(name.lower())
    return name


def existing_forms(config, period):
    folder = config.period_dir(period) / DIST_DIR
    return sorted(folder.glob("*.xlsx")) if folder.is_dir() else []


def generate(table, config, period, force=False, workers=None, now=None):
    """Write every recipient's form for ``period`` into outbox/<period>/分发/ and the 分发清单.

    Forms are built in a temporary folder that replaces 分发/ only when all are written,
    so a crash never leaves a half set. Existing forms are never overwritten: without
    ``force`` this raises OutputError; with it the old folder is moved aside.

    Args:
        workers: processes to build with; default: both cores when there are many forms.
        now: the time used for the moved-aside folder's name.

    Returns:
        A :class:`Generated`.
    """
    period_dir = config.period_dir(period)
    folder = period_dir / DIST_DIR
    old = existing_forms(config, period)
    if old and not force:
        raise OutputError(
            f"{period} 的填报表已经生成过（{folder}，共 {len(old)} 份），为免覆盖未重新生成："
            f"如责任分解表有改动需要重新生成，请加 --force（旧的填报表会移到“{DIST_DIR}.旧版-时间”文件夹）。")
    specs = specs_for(table, config, period)
    period_dir.mkdir(parents=True, exist_ok=True)
    for stale in period_dir.glob(f".{DIST_DIR}.tmp-*"):  # our own leftovers of a crashed run
        shutil.rmtree(stale, ignore_errors=True)
    tmp = period_dir / f".{DIST_DIR}.tmp-{os.getpid()}"
    tmp.mkdir()
    taken, result = set(), Generated(folder=folder)
    names = [form_filename(s.recipient, period, taken) for s in specs]
    for spec, name, data in zip(specs, names, _build_all(specs, workers)):
        (tmp / name).write_bytes(data)
        result.files.append((spec.recipient, folder / name))
    if folder.exists():
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        result.moved_aside = files.free_name(period_dir / f"{DIST_DIR}.旧版-{stamp}")
        os.replace(folder, result.moved_aside)
    os.replace(tmp, folder)
    result.list_path = period_dir / DIST_LIST
    if result.list_path.exists() and result.moved_aside:
        os.replace(result.list_path, result.moved_aside / DIST_LIST)
    _write_list(result.list_path, specs, names, config, period)
    return result


def _build_all(specs, workers):
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(specs) >= POOL_THRESHOLD else 1
    if workers <= 1:
        return [build_form(s) for s in specs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(build_form, specs, chunksize=max(1, len(specs) // (workers * 4))))


def _write_list(path, specs, names, config, period):
    with files.atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {k: v for k, v in _WRITE_OPTIONS.items() if k != "in_memory"})
        head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "align": "center"})
        cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        ws = wb.add_worksheet("分发清单")
        headers = (("序号", 6), ("填报单位", 16), ("文件名", 34), ("牵头任务数", 10), ("配合任务数", 10),
                   ("任务编号", 50), ("报送截止日期", 14), ("发出日期", 12), ("备注", 20))
        for c, (h, w) in enumerate(headers):
            ws.set_column(c, c, w)
            ws.write_string(0, c, h, head)
        for r, (spec, name) in enumerate(zip(specs, names), start=1):
            leads = sum(1 for row in spec.rows if row[3] == "牵头")
            ws.write_number(r, 0, r, cell)
            ws.write_string(r, 1, spec.recipient, cell)
            ws.write_string(r, 2, name, cell)
            ws.write_number(r, 3, leads, cell)
            ws.write_number(r, 4, len(spec.rows) - leads, cell)
            ws.write_string(r, 5, "、".join(row[0] for row in spec.rows), cell)
            ws.write_string(r, 6, spec.deadline, cell)
            ws.write_blank(r, 7, None, cell)
            ws.write_blank(r, 8, None, cell)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(specs), len(headers) - 1)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        ws.set_header(f"&C{config.form_title(period).replace('填报表', '')}填报表分发清单")
        wb.close()


# ---------------------------------------------------------------------------
# Reading a return

class NotAFormError(InputError):
    """The workbook has no sheet with the form's header row."""


@dataclass
class FormRow:
    """One task row of a return, as text; ``rownum`` is the sheet's 1-based row."""

    rownum: int
    values: dict  # header name -> text

    def __getitem__(self, column):
        return self.values.get(column, "")


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
    columns: dict  # header name -> 0-based column
    header_row: int  # 1-based

    def ref(self, row, column):
        """The A1 reference of ``column`` (a header name) in sheet row ``row``: E7."""
        return f"{col_letter(self.columns[column])}{row}"

    def locked_fingerprint(self):
        return fingerprint([(r[COL_ID], r[COL_ITEM], r[COL_TARGET], r[COL_ROLE]) for r in self.rows])


def col_letter(index):
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def form_sheets(names):
    """The sheets a return is read from: form, indicators and hidden sheet, or every sheet if the form is renamed."""
    if FORM_SHEET in names:
        return [n for n in names if n in (FORM_SHEET, META_SHEET, INDICATOR_FORM_SHEET)]
    return names


def read_form(sheets, label):
    """Interpret a workbook's sheets (from :func:`workbooks.open_workbook`) as a return.

    Raises:
        NotAFormError: no sheet has the form's header row.
    """
    meta = {}
    meta_sheet = next((s for s in sheets if s.name == META_SHEET), None)
    if meta_sheet is not None:
        for row in meta_sheet.rows:
            if len(row) >= 2 and text_of(row[0]):
                meta[text_of(row[0])] = text_of(row[1])
    ordered = sorted(sheets, key=lambda s: s.name != FORM_SHEET)
    for sheet in ordered:
        header = _find_form_header(sheet)
        if header is None:
            continue
        r0, columns = header
        rows = []
        for r in range(r0 + 1, len(sheet.rows)):
            values = {name: _clean(sheet.cell(r, c)) for name, c in columns.items()}
            if any(values.values()):
                rows.append(FormRow(r + 1, values))
        top = sheet.rows[:r0]
        found = {label: _labelled(top, label) for label in (FILLER_LABEL, PHONE_LABEL, DATE_LABEL)}
        title = next((_clean(v) for row in top[:2] for v in row if _clean(v)), "")
        return FormData(sheet=sheet.name, title=title, meta=meta, indicator_rows=_indicator_rows(sheets), unit=_labelled(top, UNIT_LABEL, same_cell=True)[0],
                        filler=found[FILLER_LABEL][0], phone=found[PHONE_LABEL][0], date=found[DATE_LABEL][0],
                        header_refs={label: ref for label, (_, ref) in found.items()},
                        rows=rows, columns=columns, header_row=r0 + 1)
    raise NotAFormError(f"{label}：不是本工具生成的填报表（找不到“{COL_ID}”“{COL_STATUS}”等表头），"
                        "请对方使用下发的填报表填写后重新发送。")


def _indicator_rows(sheets):
    sheet = next((s for s in sheets if s.name == INDICATOR_FORM_SHEET), None)
    rows = {}
    if sheet is None or not sheet.rows:
        return rows
    header = [_norm(v) for v in sheet.rows[0]]
    if COL_IND_ID not in header or COL_IND_VALUE not in header:
        return rows
    c_id, c_value = header.index(COL_IND_ID), header.index(COL_IND_VALUE)
    c_note = header.index(COL_IND_NOTE) if COL_IND_NOTE in header else None
    for r in range(1, len(sheet.rows)):
        ind_id = _clean(sheet.cell(r, c_id))
        if ind_id:
            raw = sheet.cell(r, c_value)
            rows[ind_id] = (r + 1, raw if raw != "" else None,
                            _clean(sheet.cell(r, c_note)) if c_note is not None else "", f"{col_letter(c_value)}{r + 1}")
    return rows


def _clean(value):
    text = text_of(value)
    return text.replace("\r\n", "\n").strip()


def _find_form_header(sheet):
    for r, row in enumerate(sheet.rows[:30]):
        names = {_norm(v): c for c, v in enumerate(row) if text_of(v)}
        if COL_ID in names and COL_STATUS in names:
            return r, {name: names[name] for name, _ in FORM_COLUMNS if name in names}
    return None


def _labelled(rows, label, same_cell=False):
    """The value after a label such as 填报人： above the header, and the A1 reference of its input.

    Returns:
        (text, ref); ref is "" when the label is not there.
    """
    bare = label.rstrip("：")
    labels = {lbl.rstrip("：") for lbl in (FILLER_LABEL, PHONE_LABEL, DATE_LABEL)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = _norm(value).replace(":", "：")
            if not text.startswith(bare):
                continue
            rest = text[len(bare):].lstrip("：").strip()
            if same_cell or rest:
                return rest, f"{col_letter(c)}{r + 1}"
            input_ref = ""
            for c2 in range(c + 1, len(row)):
                later_text = _clean(row[c2])
                if later_text.rstrip("：:") in labels:
                    break  # the next label: this one's input was left empty
                if not input_ref and (c2, r) in {(k[1], k[0]) for k in HEADER_INPUTS}:
                    input_ref = f"{col_letter(c2)}{r + 1}"
                if later_text:
                    return later_text, f"{col_letter(c2)}{r + 1}"
            return "", input_ref or f"{col_letter(c + 1)}{r + 1}"
    return "", ""
