"""The master table in templates/: reading and checking it, and writing it.

An ordinary workbook a clerk may sort, filter and edit: one complete row per task, headed by
:data:`model.TABLE_COLUMNS` and followed by the received table's own further columns (完成时限, 备注 …),
then its 指标 sheet, the extraction record, and the tasks re-imports added and removed.
"""

import re
from pathlib import Path

from . import files, indicators
from .errors import InputError, TableError
from .headers import KEY_COLUMN, KEY_MARK, distinct_from_form
from .matching import H_CHANGE, H_PERIOD, HISTORY_SHEET, free_id
from .model import TABLE_COLUMNS, Table, Task, TaskChange
from .schema import (
    H_CATEGORY,
    H_COMPARISON,
    H_ID,
    H_IND_ID,
    H_IND_NAME,
    H_IND_UNIT,
    H_ITEM,
    H_LEADS,
    H_PARTNERS,
    H_SEQ,
    H_SOURCE,
    H_TARGET,
    H_TARGET_VALUE,
    H_UNIT,
)
from .vocab import HELP_SHEET, TABLE_SHEET
from .workbooks import open_workbook, text_of
from .xlsx import BODY, HEAD, new_workbook, print_a4


def load_table(path, departments, with_indicators: bool = True, sheets: list | None = None) -> Table:
    """Read and validate the master table.

    Args:
        path: the workbook (.xlsx, or .xls/.ods if a clerk saved it so).
        departments: the :class:`departments.Departments` of config.ini.
        with_indicators: read and check its 指标 sheet too (False: the tasks only, as a re-import compares them).
        sheets: the workbook's sheets, when the caller has opened it already.

    Returns:
        A :class:`model.Table`.

    Raises:
        TableError: with one row-precise line per problem in ``problems``.
        InputError: the file is missing or not a workbook.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"找不到责任分解表 {path}：请先导入本单位的责任分解表（python scripts/import_table.py "
            "收到的附件.docx，见 README.md“每月工作流程”第1步），"
            "或检查 config.ini 中 [paths] table 的设置。"
        )
    if sheets is None:
        _, sheets = open_workbook(path, label=f"责任分解表 {path.name}")
    where, records, extra_columns = _read_rows(path, sheets)
    history = _read_history(sheets, departments)
    used_ids = {v[H_ID] for _, v in records} | {c.task.task_id for c in history}
    tasks = _checked_tasks(records, where, departments, used_ids)
    table = Table(tasks=tasks, source=str(path), extra_columns=extra_columns, history=history)
    if not with_indicators:
        return table
    rows, record = indicators.read_sheet(sheets, table, path.name)
    table.indicators, table.indicator_record = indicators.merge(table, departments, rows, record)
    indicators.check_owners(table, departments, path.name)
    return table


def _read_rows(path, sheets):
    """(where, [(row number, {column: text, "extras": …, "key": …})], extra column headers) of the task sheet.

    Raises:
        TableError: the sheet is empty, a column is missing, or no row holds a task.
    """
    sheet = next((s for s in sheets if s.name == TABLE_SHEET), sheets[0] if sheets else None)
    where = f"{path.name} 工作表“{sheet.name if sheet else TABLE_SHEET}”"
    if sheet is None or not sheet.rows:
        raise TableError(f"{where} 是空的：请从第1行起写表头，第2行起每行一项工作内容。")
    header_index = _find_header(sheet.rows)
    header = [text_of(v).replace("\n", "") for v in sheet.rows[header_index]]
    columns, problems = _map_columns(header, where, header_index + 1)
    if problems:
        raise TableError(problems[0], problems[1:])

    extra_columns = [
        (distinct_from_form(name), i) for i, name in enumerate(header) if name and name not in TABLE_COLUMNS
    ]
    key_column = next((i for name, i in extra_columns if name == KEY_COLUMN), None)
    closed_column = next((i for name, i in extra_columns if name in CLOSED_HEADERS), None)
    extra_columns = [(name, i) for name, i in extra_columns if i not in (key_column, closed_column)]
    records = []
    for r in range(header_index + 1, len(sheet.rows)):
        values = {col: text_of(sheet.cell(r, i)) for col, i in columns.items()}
        if not any(values.values()):
            continue
        values["extras"] = tuple((name, text_of(sheet.cell(r, i))) for name, i in extra_columns)
        values["key"] = key_column is not None and bool(text_of(sheet.cell(r, key_column)))
        values["closed"] = text_of(sheet.cell(r, closed_column)) if closed_column is not None else ""
        records.append((r + 1, values))
    if not records:
        raise TableError(f"{where} 中没有任何任务：请从第{header_index + 2}行起每行填写一项工作内容。")
    return where, records, tuple(name for name, _ in extra_columns)


def _checked_tasks(records, where, departments, used_ids):
    """The tasks of the rows read, each row checked; every problem of every row raised at once (TableError)."""
    tasks, problems = [], []
    seen_ids, seen_items = {}, {}
    for rownum, v in records:
        item = v[H_ITEM]
        at = f"{where}第{rownum}行" + (f"（{item}）" if item else "")
        seq, row_problems = _seq(v[H_SEQ], at)
        leads = departments.split(v[H_LEADS])
        row_problems += _blank_cells(v, leads, at)
        row_problems += _repeated(v, rownum, at, seen_ids, seen_items, free_id(used_ids, seq))
        closed = closed_period(v["closed"])
        if closed is None:
            row_problems.append(
                f"{at}：{CLOSED_COLUMN}“{v['closed']}”无效：请写成“年-月”，例如 2010-11（该项任务从"
                "下一期起办结），或清空这一格（照常填报）。"
            )
        if row_problems:
            problems.extend(row_problems)
            continue
        tasks.append(
            Task(
                task_id=v[H_ID],
                seq=seq,
                category=v[H_CATEGORY],
                item=item,
                target=v[H_TARGET],
                leads=tuple(leads),
                partners=tuple(departments.split(v[H_PARTNERS])),
                leads_text=v[H_LEADS],
                partners_text=v[H_PARTNERS],
                row=rownum,
                extras=v["extras"],
                key=v["key"],
                closed=closed,
            )
        )
    if problems:
        raise TableError(problems[0], problems[1:])
    return tasks


# The master table's column for 办结销号 (closing.py): the period whose 已完成 closed the task; written when any is.
CLOSED_COLUMN = "办结（期次）"
CLOSED_HEADERS = (CLOSED_COLUMN, "办结(期次)", "办结")
_CLOSED_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-\d{1,2})?|年(\d{1,2})月)$")


def closed_period(text: str) -> str | None:
    """A 办结 cell as the period it names ("2010-11"; "" when blank): written 2010-11, 2010年11月, or the date
    Excel makes of a typed 2010-11 (2010-11-01); None when it names none."""
    if not text:
        return ""
    match = _CLOSED_RE.match(text.replace(" ", ""))
    if not match or not 1 <= int(match.group(2) or match.group(3)) <= 12:
        return None
    return f"{match.group(1)}-{int(match.group(2) or match.group(3)):02d}"


def _seq(text, at):
    """(the row's 序号 as a number or None, [its problem])."""
    if not text:
        return None, [f"{at}：序号为空，请填写该项所属类别的序号，例如 1。"]
    try:
        return int(float(text)), []
    except ValueError:
        return None, [f"{at}：序号“{text}”不是数字，请填写该项所属类别的序号，例如 1。"]


def _blank_cells(v, leads, at):
    """A row's problems of cells left blank: 类别, 工作内容, 工作目标, 牵头部门."""
    problems = []
    if not v[H_CATEGORY]:
        problems.append(f"{at}：类别为空，请填写该项所属的类别（大项的名称）。")
    if not v[H_ITEM]:
        problems.append(f"{at}：工作内容为空，请填写该项的名称，例如“产品质量”。")
    if not v[H_TARGET]:
        problems.append(f"{at}：工作目标为空，请填写该项的工作目标。")
    if not leads:
        problems.append(f"{at}：没有牵头部门，请至少填写一个牵头部门，多个部门用顿号“、”分隔。")
    return problems


def _repeated(v, rownum, at, seen_ids, seen_items, free):
    """A row's problems of its 任务编号 (blank, or another row's) and of a 工作内容 its category already has;
    ``seen_ids`` and ``seen_items`` take the row's. ``free`` is an unused ID to suggest."""
    problems = []
    task_id, item = v[H_ID], v[H_ITEM]
    if not task_id:
        problems.append(f"{at}：任务编号为空，请填写一个未用过的编号，例如 {free}。")
    elif task_id in seen_ids:
        problems.append(f"{at}：任务编号“{task_id}”与第{seen_ids[task_id]}行重复，每行的编号必须不同，请改为 {free}。")
    else:
        seen_ids[task_id] = rownum
    key = (v[H_CATEGORY], item)
    if item and key in seen_items:
        problems.append(
            f"{at}：与第{seen_items[key]}行重复（类别“{v[H_CATEGORY]}”下已有“{item}”），请合并这两行或修改其中一项的名称。"
        )
    elif item:
        seen_items[key] = rownum
    return problems


def _read_history(sheets, departments):
    """The tasks re-imports added and removed, from the master's :data:`matching.HISTORY_SHEET` (none without it)."""
    sheet = next((s for s in sheets if s.name == HISTORY_SHEET), None)
    if sheet is None or not sheet.rows:
        return []
    header = {text_of(v): i for i, v in enumerate(sheet.rows[0])}
    if not all(col in header for col in TABLE_COLUMNS + (H_CHANGE, H_PERIOD)):
        return []
    history = []
    for r in range(1, len(sheet.rows)):
        v = {col: text_of(sheet.cell(r, i)) for col, i in header.items()}
        if not v[H_ID] or v[H_CHANGE] not in (TaskChange.ADDED, TaskChange.REMOVED):
            continue
        seq = int(float(v[H_SEQ])) if v[H_SEQ].replace(".", "", 1).isdigit() else 0
        task = Task(
            task_id=v[H_ID],
            seq=seq,
            category=v[H_CATEGORY],
            item=v[H_ITEM],
            target=v[H_TARGET],
            leads=tuple(departments.split(v[H_LEADS])),
            partners=tuple(departments.split(v[H_PARTNERS])),
            leads_text=v[H_LEADS],
            partners_text=v[H_PARTNERS],
            row=r + 1,
        )
        history.append(TaskChange(v[H_CHANGE], v[H_PERIOD], task))
    return history


def _find_header(rows):
    """The first row (within the first ten) that names 工作目标; row 0 when none does."""
    for i, row in enumerate(rows[:10]):
        if any(text_of(v).replace("\n", "") == H_TARGET for v in row):
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


SET_ASIDE_SHEET = "移出的指标"


# ---------------------------------------------------------------------------
# Writing the master table


def write_table(table, path, set_aside: tuple | list = ()) -> None:
    """Write the master table atomically as an .xlsx a clerk can sort, filter and edit.

    The table's extra columns (完成时限, 备注 …) follow 配合部门 under their own headers, then a
    重点 column when any task is marked ★ and a 办结（期次） column when any is closed.

    Args:
        set_aside: (indicator, reason) pairs of the replaced table's 指标 sheet that no longer fit;
            written to a sheet of their own so that nothing the clerk typed is lost.
    """
    with files.atomic_path(path) as tmp:
        wb = new_workbook(tmp)
        wb.set_properties({"title": table.title or TABLE_SHEET, "comments": "目标任务责任分解表（主表）"})
        head = wb.add_format(HEAD)
        body = wb.add_format(BODY)
        center = wb.add_format({"border": 1, "valign": "top", "align": "center"})
        ws = wb.add_worksheet(TABLE_SHEET)
        widths = {H_ID: 9, H_SEQ: 6, H_CATEGORY: 14, H_ITEM: 12, H_TARGET: 60, H_LEADS: 18, H_PARTNERS: 30}
        trailing = [
            (h, value)
            for h, value in ((KEY_COLUMN, lambda t: KEY_MARK if t.key else ""), (CLOSED_COLUMN, lambda t: t.closed))
            if any(map(value, table.tasks))
        ]
        headers = list(TABLE_COLUMNS) + list(table.extra_columns) + [h for h, _ in trailing]
        for c, name in enumerate(headers):
            ws.set_column(c, c, widths.get(name, {KEY_COLUMN: 6, CLOSED_COLUMN: 12}.get(name, 14)))
            ws.write_string(0, c, name, head)
        for r, t in enumerate(table.tasks, start=1):
            ws.write_string(r, 0, t.task_id, center)
            ws.write_number(r, 1, t.seq, center)
            extras = dict(t.extras)
            values = [t.category, t.item, t.target, t.leads_text, t.partners_text]
            values += [extras.get(h, "") for h in table.extra_columns]
            for c, value in enumerate(values, start=2):
                ws.write_string(r, c, value, body)
            for c, (_, value) in enumerate(trailing, start=len(headers) - len(trailing)):
                ws.write_string(r, c, value(t), center)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(table.tasks), 1), len(headers) - 1)
        print_a4(ws, repeat_row=0, footer=None)
        _write_indicators(wb, table, head, body, center)
        _write_help_and_record(wb, table)
        if set_aside:
            _write_set_aside(wb, set_aside, head, body)
        if table.history:
            _write_history(wb, table.history, head, body)
        wb.close()


def _write_help_and_record(wb, table) -> None:
    """The 填表说明 sheet, and the hidden record of each task's 工作目标 when its indicators were taken."""
    notes = wb.add_worksheet(HELP_SHEET)
    notes.set_column(0, 0, 100)
    for r, line in enumerate(_TABLE_HELP):
        notes.write_string(r, 0, line)
    record = wb.add_worksheet(indicators.RECORD_SHEET)
    record.write_row(0, 0, [H_ID, "提取时的工作目标指纹"])
    for r, (task_id, fp) in enumerate(sorted(table.indicator_record.items()), start=1):
        record.write_string(r, 0, task_id)
        record.write_string(r, 1, fp)
    record.hide()


def _write_history(wb, history, head, body):
    """The tasks re-imports added and removed: a removed task's ID stays taken, and the months before a task
    was added, or after it was removed, still show their own tasks."""
    ws = wb.add_worksheet(HISTORY_SHEET)
    columns = TABLE_COLUMNS + (H_CHANGE, H_PERIOD)
    for c, name in enumerate(columns):
        ws.set_column(c, c, 40 if name == H_TARGET else 12)
        ws.write_string(0, c, name, head)
    for r, change in enumerate(history, start=1):
        t = change.task
        for c, value in enumerate(
            (
                t.task_id,
                str(t.seq),
                t.category,
                t.item,
                t.target,
                t.leads_text,
                t.partners_text,
                change.kind,
                change.period,
            )
        ):
            ws.write_string(r, c, value, body)
    ws.set_column(len(columns) + 1, len(columns) + 1, 60)
    ws.write_string(
        0,
        len(columns) + 1,
        "重新导入时新增和删除的任务，供以前各月的汇总写出当月的任务、已删除任务的编号不再给新任务使用。请不要修改。",
    )


def _write_set_aside(wb, set_aside, head, body):
    """指标 rows of the replaced table whose task or unit is gone, with the reason; not read back."""
    ws = wb.add_worksheet(SET_ASIDE_SHEET)
    columns = (H_IND_ID, H_ID, H_IND_NAME, H_COMPARISON, H_TARGET_VALUE, H_IND_UNIT, H_UNIT, H_SOURCE, "移出原因")
    for c, name in enumerate(columns):
        ws.set_column(c, c, 40 if c in (2, 8) else 11)
        ws.write_string(0, c, name, head)
    for r, (ind, reason) in enumerate(set_aside, start=1):
        for c, value in enumerate(
            (
                ind.indicator_id,
                ind.task_id,
                ind.name,
                ind.comparison,
                ind.target_text,
                ind.unit,
                ind.owner,
                ind.source,
                reason,
            )
        ):
            ws.write_string(r, c, value, body)


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
    ws.data_validation(
        1,
        4,
        last + 200,
        4,
        {"validate": "list", "source": list(indicators.COMPARISONS), "error_message": "请从下拉列表中选择。"},
    )
    ws.data_validation(
        1,
        9,
        last + 200,
        9,
        {"validate": "list", "source": list(indicators.SOURCES), "error_message": "请从下拉列表中选择。"},
    )
    ws.conditional_format(
        1,
        9,
        last + 200,
        9,
        {  # the rows whose reading the clerk is to confirm
            "type": "cell",
            "criteria": "==",
            "value": f'"{indicators.SOURCE_UNSURE}"',
            "format": wb.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"}),
        },
    )
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, last, len(indicators.INDICATOR_COLUMNS) - 1)


_TABLE_HELP = (
    "目标任务责任分解表（主表）填写说明",
    "1. 每行一项工作内容（子项），各列都要填写完整，不要合并单元格，这样才能排序和筛选。",
    "2. 任务编号是每项工作的固定编号，填报表和汇总表都靠它对应，已有的编号请不要修改；新增一行时，填一个未用过的编号，"
    "如 T0106。",
    "3. 序号是该项所属类别的序号，类别是该项所属大项的名称（责任分解表中“一、……”那样的标题）。",
    "4. 牵头部门、配合部门可以填多个，用顿号“、”分隔；名称中带顿号的集体名称（如“各乡镇、街道”）作为一个整体填写，"
    "在 config.ini 的 [groups] 中列出其中的单位时，会展开到各单位。",
    "5. “指标”工作表列出从工作目标中自动提取的量化指标，可以修改、增加或删除；改过的内容以您的为准。"
    "自己增加的行，“来源”请填“人工”。只有新增的任务或工作目标改动过的任务才会重新自动提取。"
    "“来源”为“待确认”的行，工具没有把握读对目标（比较、目标值、单位），请核对改正后把“来源”改为“人工”。",
    f"6. “{CLOSED_COLUMN}”列（办结销号启用时由工具填写）：写有期次（如 2010-11）的任务从下一期起已办结，填报表中锁定、"
    "不再填写；要重新督办，清空这一格即可。",
    "7. 改完保存后，运行 python scripts/generate.py 重新生成填报表。",
)
