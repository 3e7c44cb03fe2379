"""Stage 1, the responsibility table: import from Word, text or Excel; load; validate; write.

The master table in templates/ is an ordinary workbook a clerk may sort, filter and
edit: one complete row per sub-item, headed by :data:`model.TABLE_COLUMNS`. Tables
received from elsewhere arrive in the layout of the Word 附件 (序号 and 类别 merged over
their sub-items, the header repeated on each page); :func:`import_source` turns those
into :class:`model.Table`.
"""

import re
from pathlib import Path

from . import files, indicators
from .errors import InputError, TableError
from .model import (
    COL_CATEGORY,
    COL_ID,
    COL_ITEM,
    COL_LEADS,
    COL_PARTNERS,
    COL_SEQ,
    COL_TARGET,
    TABLE_COLUMNS,
    Table,
    Task,
)
from .vocab import HELP_SHEET, TABLE_SHEET
from .workbooks import check_zip, open_workbook, sniff, text_of
from .xlsx import BODY, HEAD, new_workbook, print_a4

_DEPT_SEPARATOR_RUN = re.compile(r"[\s\u3000]*、[\s\u3000、]*")


# ---------------------------------------------------------------------------
# Building tasks from cell text

def join_text(paragraphs):
    """A text cell's paragraphs as one line: breaks that only wrapped a narrow cell go."""
    return "".join(p.strip() for p in paragraphs if p.strip())


def join_departments(paragraphs):
    """A department cell's paragraphs joined by 、: each break separates two names."""
    text = "、".join(p.strip() for p in paragraphs if p.strip())
    return _DEPT_SEPARATOR_RUN.sub("、", text).strip("、 ")


def make_task(departments, task_id, seq, category, item, target, leads_text, partners_text, row=0):
    return Task(task_id=task_id, seq=seq, category=category, item=item, target=target,
                leads=tuple(departments.split(leads_text)), partners=tuple(departments.split(partners_text)),
                leads_text=leads_text, partners_text=partners_text, row=row)


def task_id_for(seq, index):
    """T0103: category 1, third sub-item. A letter first, so no spreadsheet makes it a number or date."""
    return f"T{seq:02d}{index:02d}"


# ---------------------------------------------------------------------------
# Loading and validating the master table

def load_table(path, departments):
    """Read and validate the master table.

    Args:
        path: the workbook (.xlsx, or .xls/.ods if a clerk saved it so).
        departments: the :class:`departments.Departments` of config.ini.

    Returns:
        A :class:`model.Table`.

    Raises:
        TableError: with one row-precise line per problem in ``problems``.
        InputError: the file is missing or not a workbook.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到责任分解表 {path}：请检查 config.ini 中 [paths] table 的设置，或用 import_table.py 导入。")
    _, sheets = open_workbook(path, label=f"责任分解表 {path.name}")
    sheet = next((s for s in sheets if s.name == TABLE_SHEET), sheets[0] if sheets else None)
    where = f"{path.name} 工作表“{sheet.name if sheet else TABLE_SHEET}”"
    if sheet is None or not sheet.rows:
        raise TableError(f"{where} 是空的：请从第1行起写表头，第2行起每行一项工作内容。")
    header_index = _find_header(sheet.rows)
    header = [text_of(v).replace("\n", "") for v in sheet.rows[header_index]]
    columns, problems = _map_columns(header, where, header_index + 1)
    if problems:
        raise TableError(problems[0], problems[1:])

    tasks, problems = [], []
    seen_ids, seen_items = {}, {}
    records = []
    for r in range(header_index + 1, len(sheet.rows)):
        values = {col: text_of(sheet.cell(r, i)) for col, i in columns.items()}
        if not any(values.values()):
            continue
        records.append((r + 1, values))
    if not records:
        raise TableError(f"{where} 中没有任何任务：请从第{header_index + 2}行起每行填写一项工作内容。")
    used_ids = {v[COL_ID] for _, v in records}
    for rownum, v in records:
        item = v[COL_ITEM]
        at = f"{where}第{rownum}行" + (f"（{item}）" if item else "")
        row_problems = []
        seq = None
        if not v[COL_SEQ]:
            row_problems.append(f"{at}：序号为空，请填写该项所属类别的序号，例如 1。")
        else:
            try:
                seq = int(float(v[COL_SEQ]))
            except ValueError:
                row_problems.append(f"{at}：序号“{v[COL_SEQ]}”不是数字，请填写该项所属类别的序号，例如 1。")
        if not v[COL_CATEGORY]:
            row_problems.append(f"{at}：类别为空，请填写该项所属的类别，例如“提高质量水平”。")
        if not item:
            row_problems.append(f"{at}：工作内容为空，请填写该项的名称，例如“产品质量”。")
        if not v[COL_TARGET]:
            row_problems.append(f"{at}：工作目标为空，请填写该项的工作目标。")
        leads = departments.split(v[COL_LEADS])
        if not leads:
            row_problems.append(f"{at}：没有牵头部门，请至少填写一个牵头部门，多个部门用顿号“、”分隔。")
        task_id = v[COL_ID]
        if not task_id:
            row_problems.append(f"{at}：任务编号为空，请填写一个未用过的编号，例如 {_free_id(used_ids, seq)}。")
        elif task_id in seen_ids:
            row_problems.append(
                f"{at}：任务编号“{task_id}”与第{seen_ids[task_id]}行重复，每行的编号必须不同，请改为 {_free_id(used_ids, seq)}。")
        else:
            seen_ids[task_id] = rownum
        key = (v[COL_CATEGORY], item)
        if item and key in seen_items:
            row_problems.append(
                f"{at}：与第{seen_items[key]}行重复（类别“{v[COL_CATEGORY]}”下已有“{item}”），请合并这两行或修改其中一项的名称。")
        elif item:
            seen_items[key] = rownum
        if row_problems:
            problems.extend(row_problems)
            continue
        tasks.append(Task(task_id=task_id, seq=seq, category=v[COL_CATEGORY], item=item, target=v[COL_TARGET],
                          leads=tuple(leads), partners=tuple(departments.split(v[COL_PARTNERS])),
                          leads_text=v[COL_LEADS], partners_text=v[COL_PARTNERS], row=rownum))
    if problems:
        raise TableError(problems[0], problems[1:])
    table = Table(tasks=tasks, source=str(path))
    rows, record = indicators.read_sheet(sheets, table, path.name)
    table.indicators, table.indicator_record = indicators.merge(table, departments, rows, record)
    indicators.check_owners(table, departments, path.name)
    return table


def _find_header(rows):
    """The first row (within the first ten) that names 工作目标; row 0 when none does."""
    for i, row in enumerate(rows[:10]):
        if any(text_of(v).replace("\n", "") == COL_TARGET for v in row):
            return i
    return 0


def _map_columns(header, where, rownum):
    """Column positions by header name; one problem per missing column, guessing renames."""
    columns, problems = {}, []
    for i, name in enumerate(header):
        if name in TABLE_COLUMNS and name not in columns:
            columns[name] = i
    unknown = [name for name in header if name and name not in TABLE_COLUMNS]
    for col in TABLE_COLUMNS:
        if col in columns:
            continue
        guess = next((u for u in unknown if _similar(u, col)), None)
        if guess:
            problems.append(f"{where}第{rownum}行：缺少“{col}”列，表头“{guess}”是否由它改名而来？请把表头改回“{col}”。")
        else:
            problems.append(f"{where}第{rownum}行：缺少“{col}”列，请恢复该列，表头必须是：{'、'.join(TABLE_COLUMNS)}。")
    return columns, problems


def _similar(a, b):
    """Two header names share at least two characters (牵头单位 ~ 牵头部门)."""
    return len(set(a) & set(b)) >= 2


def _free_id(used, seq):
    seq = seq or 99
    n = 1
    while task_id_for(seq, n) in used:
        n += 1
    return task_id_for(seq, n)


# ---------------------------------------------------------------------------
# Importing a table received as a Word 附件, its text export, or a workbook

def import_source(path, departments):
    """Read a responsibility table received as .docx, .txt (Word's text export) or .xlsx/.xls/.ods.

    Returns:
        A :class:`model.Table` with task IDs assigned by category and position.

    Raises:
        InputError: the source is not a table of the expected shape; the message names the row.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到要导入的文件 {path}：请检查路径。")
    kind = sniff(path)
    if kind == "docx":
        title, rows = _docx_rows(path)
        where = f"{path.name} 表格"
    elif kind in ("xlsx", "xlsm", "xls", "ods"):
        _, sheets = open_workbook(path)
        sheet = next((s for s in sheets if s.name == TABLE_SHEET), sheets[0])
        if any(text_of(v) == COL_ID for row in sheet.rows[:10] for v in row):
            table = load_table(path, departments)  # already in the master layout
            return table
        title = ""
        # A line break inside a cell is a paragraph break, as in Word.
        rows = [(n, [text_of(v).splitlines() for v in row]) for n, row in enumerate(sheet.rows, start=1)]
        where = f"{path.name} 工作表“{sheet.name}”"
    elif kind is None and not _is_binary(path):
        title, rows = _text_rows(_read_text(path))
        where = f"{path.name} 文本"
    else:
        raise InputError(f"{path.name}：不是 Word 表格、文本或 Excel 表格，无法导入。请提供 .docx、.txt 或 .xlsx 文件。")
    tasks = _rows_to_tasks(rows, departments, where)
    table = Table(tasks=tasks, source=str(path), title=title)
    table.indicators, table.indicator_record = indicators.merge(table, departments)
    return table


def _is_binary(path):
    return b"\x00" in path.read_bytes()[:4096]


def _read_text(path):
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path.name}：无法识别文本编码，请用 UTF-8 编码另存后再导入。")


def _text_rows(text):
    """Rows of Word's text export: a line starting with a tab opens a cell; other lines continue it.

    The export loses row boundaries, so rows are rebuilt from the column count: the
    header names 工作内容 once over two columns (5 cells up to 配合部门), data rows have 6.

    Returns:
        (title, rows), each row ``(line number of its first cell, cells)``.
    """
    title, cells = "", []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("\t"):
            cells.append((number, [line[1:]]))
        elif cells:
            cells[-1][1].append(line)
        elif "表" in line and line.strip() and not title:
            title = line.strip()
    rows, i = [], 0
    while i < len(cells):
        width = 6
        if join_text(cells[i][1]) == COL_SEQ:
            width = 1
            while i + width < len(cells) and not join_text(cells[i + width - 1][1]).startswith("配合"):
                width += 1
        rows.append((cells[i][0], [c for _, c in cells[i:i + width]]))
        i += width
    return title, rows


def _docx_rows(path):
    """Rows of the first table of a .docx with a 工作目标 header: ``(row number, cells of paragraphs)``."""
    import docx  # python-docx; imported here so the other stages start faster

    try:
        check_zip(path, path.name)
        document = docx.Document(str(path))
    except InputError:
        raise
    except Exception:
        raise InputError(f"{path.name}：Word 文件已损坏，无法打开。请用 Word 重新保存后再导入。") from None
    title = next((p.text.strip() for p in document.paragraphs if "表" in p.text and p.text.strip()), "")
    for table in document.tables:
        rows = []
        for number, row in enumerate(table.rows, start=1):
            cells, previous = [], None
            for cell in row.cells:
                if previous is not None and cell._tc is previous._tc:
                    continue  # a horizontally merged cell appears once per grid column
                previous = cell
                cells.append([p.text for p in cell.paragraphs])
            rows.append((number, cells))
        if any(COL_TARGET in join_text(c) for _, r in rows[:3] for c in r):
            return title, rows
    raise InputError(f"{path.name}：没有找到含“{COL_TARGET}”表头的表格，请确认这是目标任务责任分解表。")


def _is_header(row):
    texts = [join_text(c) for c in row]
    return COL_TARGET in texts and any(t.startswith("牵头") for t in texts)


def _rows_to_tasks(rows, departments, where):
    """Interpret ``(row number, cells)`` in the Word layout: 序号, 类别, 子项, 工作目标, 牵头部门, 配合部门.

    Merged cells arrive blank or repeated: 序号 and 类别 carry forward. A row with no
    sub-item but other text continues the previous sub-item across a page break.
    Repeated header rows are skipped.
    """
    tasks, problems = [], []
    seq, category = None, ""
    seen_header = False
    counts = {}
    current = None  # [seq, category, item, target_parts, lead_parts, partner_parts, rownum]
    finished = []
    for rownum, row in rows:
        if _is_header(row):
            seen_header = True
            continue
        if not seen_header or not any(join_text(c) for c in row):
            continue
        if len(row) < 6:
            problems.append(f"{where}第{rownum}行：只有{len(row)}列，应有 序号、类别、工作内容、工作目标、牵头部门、配合部门 6列。请检查该行是否有单元格被合并或删除。")
            continue
        seq_text, cat_text, item_text = join_text(row[0]), join_text(row[1]), join_text(row[2])
        target_p, lead_p, partner_p = row[-3], row[-2], row[-1]
        # Merged 序号/类别 cells come back blank (text export) or repeated (Word): either way
        # a row without a sub-item under the same 序号 continues the previous sub-item.
        if not item_text and current is not None and seq_text in ("", str(current[0])):
            current[3].extend(target_p)
            current[4].extend(lead_p)
            current[5].extend(partner_p)
            continue
        if seq_text:
            try:
                seq = int(float(seq_text))
            except ValueError:
                problems.append(f"{where}第{rownum}行：序号“{seq_text}”不是数字，请改为类别的序号，例如 1。")
                continue
        if cat_text:
            category = cat_text
        if seq is None:
            problems.append(f"{where}第{rownum}行：缺少序号，请在第一项工作内容前填写序号 1。")
            continue
        if current is not None:
            finished.append(current)
        current = [seq, category, item_text, list(target_p), list(lead_p), list(partner_p), rownum]
    if current is not None:
        finished.append(current)
    if not seen_header:
        problems.append(f"{where}：没有找到表头行（序号、工作内容、{COL_TARGET}、牵头部门、配合部门），请确认这是目标任务责任分解表。")
    seen = {}
    for seq, category, item, target_p, lead_p, partner_p, rownum in finished:
        at = f"{where}第{rownum}行" + (f"（{item}）" if item else "")
        target = join_text(target_p)
        leads_text, partners_text = join_departments(lead_p), join_departments(partner_p)
        if not item:
            problems.append(f"{at}：工作内容为空，请填写该项的名称。")
            continue
        if (category, item) in seen:
            problems.append(f"{at}：与第{seen[(category, item)]}行重复（类别“{category}”下已有“{item}”），请删除重复的一行。")
            continue
        seen[(category, item)] = rownum
        if not target:
            problems.append(f"{at}：工作目标为空，请填写该项的工作目标。")
        if not departments.split(leads_text):
            problems.append(f"{at}：没有牵头部门，请至少填写一个牵头部门。")
        counts[seq] = counts.get(seq, 0) + 1
        tasks.append(make_task(departments, task_id_for(seq, counts[seq]), seq, category, item, target,
                               leads_text, partners_text, row=rownum))
    if problems:
        raise TableError(problems[0], problems[1:])
    if not tasks:
        raise TableError(f"{where}：表格中没有任何工作内容，请确认这是目标任务责任分解表。")
    return tasks


# ---------------------------------------------------------------------------
# Writing the master table

def write_table(table, path):
    """Write the master table atomically as an .xlsx a clerk can sort, filter and edit."""
    with files.atomic_path(path) as tmp:
        wb = new_workbook(tmp)
        wb.set_properties({"title": table.title or TABLE_SHEET, "comments": "目标任务责任分解表（主表）"})
        head = wb.add_format(HEAD)
        body = wb.add_format(BODY)
        center = wb.add_format({"border": 1, "valign": "top", "align": "center"})
        ws = wb.add_worksheet(TABLE_SHEET)
        widths = {COL_ID: 9, COL_SEQ: 6, COL_CATEGORY: 14, COL_ITEM: 12, COL_TARGET: 60, COL_LEADS: 18,
                  COL_PARTNERS: 30}
        for c, name in enumerate(TABLE_COLUMNS):
            ws.set_column(c, c, widths[name])
            ws.write_string(0, c, name, head)
        for r, t in enumerate(table.tasks, start=1):
            ws.write_string(r, 0, t.task_id, center)
            ws.write_number(r, 1, t.seq, center)
            for c, value in enumerate((t.category, t.item, t.target, t.leads_text, t.partners_text), start=2):
                ws.write_string(r, c, value, body)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(table.tasks), 1), len(TABLE_COLUMNS) - 1)
        print_a4(ws, repeat_row=0, footer=None)
        _write_indicators(wb, table, head, body, center)
        notes = wb.add_worksheet(HELP_SHEET)
        notes.set_column(0, 0, 100)
        for r, line in enumerate(_TABLE_HELP):
            notes.write_string(r, 0, line)
        record = wb.add_worksheet(indicators.RECORD_SHEET)
        record.write_row(0, 0, [COL_ID, "提取时的工作目标指纹"])
        for r, (task_id, fp) in enumerate(sorted(table.indicator_record.items()), start=1):
            record.write_string(r, 0, task_id)
            record.write_string(r, 1, fp)
        record.hide()
        wb.close()


def _write_indicators(wb, table, head, body, center):
    """The editable 指标 sheet: one row per indicator, in table order."""
    ws = wb.add_worksheet(indicators.INDICATOR_SHEET)
    widths = (11, 9, 12, 40, 7, 9, 9, 8, 14, 9)
    items = {t.task_id: t.item for t in table.tasks}
    for c, (name, width) in enumerate(zip(indicators.INDICATOR_COLUMNS, widths)):
        ws.set_column(c, c, width)
        ws.write_string(0, c, name, head)
    for r, ind in enumerate(table.indicators, start=1):
        ws.write_string(r, 0, ind.indicator_id, center)
        ws.write_string(r, 1, ind.task_id, center)
        ws.write_string(r, 2, items.get(ind.task_id, ""), body)
        ws.write_string(r, 3, ind.name, body)
        ws.write_string(r, 4, ind.comparison, center)
        ws.write_number(r, 5, ind.value, center)
        if ind.upper is None:
            ws.write_blank(r, 6, None, center)
        else:
            ws.write_number(r, 6, ind.upper, center)
        ws.write_string(r, 7, ind.unit, center)
        ws.write_string(r, 8, ind.owner, body)
        ws.write_string(r, 9, ind.source, center)
    last = max(len(table.indicators), 1)
    ws.data_validation(1, 4, last + 200, 4, {"validate": "list", "source": list(indicators.COMPARISONS),
                                             "error_message": "请从下拉列表中选择。"})
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, last, len(indicators.INDICATOR_COLUMNS) - 1)


_TABLE_HELP = (
    "目标任务责任分解表（主表）填写说明",
    "1. 每行一项工作内容（子项），各列都要填写完整，不要合并单元格，这样才能排序和筛选。",
    "2. 任务编号是每项工作的固定编号，填报表和汇总表都靠它对应，已有的编号请不要修改；新增一行时，填一个未用过的编号，如 T0106。",
    "3. 序号是该项所属类别的序号，类别是“提高质量水平”这样的大项名称。",
    "4. 牵头部门、配合部门可以填多个，用顿号“、”分隔；“各镇、街道”作为一个整体填写，会按 config.ini 的 [groups] 展开到各单位。",
    "5. “指标”工作表列出从工作目标中自动提取的量化指标，可以修改、增加或删除；改过的内容以您的为准。"
    "自己增加的行，“来源”请填“人工”。只有新增的任务或工作目标改动过的任务才会重新自动提取。",
    "6. 改完保存后，运行 python scripts/generate.py 重新生成填报表。",
)
