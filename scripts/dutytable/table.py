"""Stage 1, the responsibility table: import from Word, text or Excel; load; validate; write.

The master table in templates/ is an ordinary workbook a clerk may sort, filter and
edit: one complete row per task, headed by :data:`model.TABLE_COLUMNS` and followed by the
received table's own further columns (完成时限, 备注 …). Tables received from elsewhere
come in many layouts; :func:`import_source` finds their columns by meaning
(:data:`COLUMN_WORDS`, the one list of accepted header words), their categories as a merged
column, band rows ("一、…") or numbering, and turns them into :class:`model.Table`.
"""

import calendar
import datetime as dt
import functools
import html
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import convert, files, indicators
from .errors import ConfigError, InputError, TableError
from .matching import H_CHANGE, H_PERIOD, HISTORY_SHEET, free_id, task_id_for
from .model import (
    ROLE_LEAD,
    ROLE_PARTNER,
    TABLE_COLUMNS,
    Table,
    Task,
    TaskChange,
)
from .schema import (
    DEFAULT,
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
from .vocab import HELP_SHEET, TABLE_SHEET, clean_text
from .workbooks import OLE2_MAGIC, check_zip, open_workbook, sniff, text_of
from .xlsx import BODY, HEAD, new_workbook, print_a4

# ---------------------------------------------------------------------------
# Building tasks from cell text

def join_text(paragraphs):
    """A text cell's paragraphs as one line: breaks that only wrapped a narrow cell go."""
    return "".join(p.strip() for p in paragraphs if p.strip())




# ---------------------------------------------------------------------------
# Loading and validating the master table

def load_table(path, departments, with_indicators: bool = True):
    """Read and validate the master table.

    Args:
        path: the workbook (.xlsx, or .xls/.ods if a clerk saved it so).
        departments: the :class:`departments.Departments` of config.ini.
        with_indicators: read and check its 指标 sheet too (False: the tasks only, as a re-import compares them).

    Returns:
        A :class:`model.Table`.

    Raises:
        TableError: with one row-precise line per problem in ``problems``.
        InputError: the file is missing or not a workbook.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到责任分解表 {path}：请先导入本单位的责任分解表（python scripts/import_table.py "
                         "收到的附件.docx，见 README.md“每月工作流程”第1步），"
                         "或检查 config.ini 中 [paths] table 的设置。")
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

    extra_columns = [(distinct_from_form(name), i) for i, name in enumerate(header)
                     if name and name not in TABLE_COLUMNS]
    key_column = next((i for name, i in extra_columns if name == KEY_COLUMN), None)
    closed_column = next((i for name, i in extra_columns if name in CLOSED_HEADERS), None)
    extra_columns = [(name, i) for name, i in extra_columns if i not in (key_column, closed_column)]
    tasks, problems = [], []
    seen_ids, seen_items = {}, {}
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
    history = _read_history(sheets, departments)
    used_ids = {v[H_ID] for _, v in records} | {c.task.task_id for c in history}
    for rownum, v in records:
        item = v[H_ITEM]
        at = f"{where}第{rownum}行" + (f"（{item}）" if item else "")
        row_problems = []
        seq = None
        if not v[H_SEQ]:
            row_problems.append(f"{at}：序号为空，请填写该项所属类别的序号，例如 1。")
        else:
            try:
                seq = int(float(v[H_SEQ]))
            except ValueError:
                row_problems.append(f"{at}：序号“{v[H_SEQ]}”不是数字，请填写该项所属类别的序号，例如 1。")
        if not v[H_CATEGORY]:
            row_problems.append(f"{at}：类别为空，请填写该项所属的类别（大项的名称）。")
        if not item:
            row_problems.append(f"{at}：工作内容为空，请填写该项的名称，例如“产品质量”。")
        if not v[H_TARGET]:
            row_problems.append(f"{at}：工作目标为空，请填写该项的工作目标。")
        leads = departments.split(v[H_LEADS])
        if not leads:
            row_problems.append(f"{at}：没有牵头部门，请至少填写一个牵头部门，多个部门用顿号“、”分隔。")
        task_id = v[H_ID]
        if not task_id:
            row_problems.append(f"{at}：任务编号为空，请填写一个未用过的编号，例如 {free_id(used_ids, seq)}。")
        elif task_id in seen_ids:
            row_problems.append(
                f"{at}：任务编号“{task_id}”与第{seen_ids[task_id]}行重复，每行的编号必须不同，请改为"
                f" {free_id(used_ids, seq)}。")
        else:
            seen_ids[task_id] = rownum
        key = (v[H_CATEGORY], item)
        if item and key in seen_items:
            row_problems.append(
                f"{at}：与第{seen_items[key]}行重复（类别“{v[H_CATEGORY]}”下已有“{item}”），请合并这两行或修改其中一项的名称。")
        elif item:
            seen_items[key] = rownum
        closed = closed_period(v["closed"])
        if closed is None:
            row_problems.append(f"{at}：{CLOSED_COLUMN}“{v['closed']}”无效：请写成“年-月”，例如 2010-11（该项任务从"
                                "下一期起办结），或清空这一格（照常填报）。")
        if row_problems:
            problems.extend(row_problems)
            continue
        tasks.append(Task(task_id=task_id, seq=seq, category=v[H_CATEGORY], item=item, target=v[H_TARGET],
                          leads=tuple(leads), partners=tuple(departments.split(v[H_PARTNERS])),
                          leads_text=v[H_LEADS], partners_text=v[H_PARTNERS], row=rownum,
                          extras=v["extras"], key=v["key"], closed=closed))
    if problems:
        raise TableError(problems[0], problems[1:])
    table = Table(tasks=tasks, source=str(path), extra_columns=tuple(name for name, _ in extra_columns),
                  history=history)
    if not with_indicators:
        return table
    rows, record = indicators.read_sheet(sheets, table, path.name)
    table.indicators, table.indicator_record = indicators.merge(table, departments, rows, record)
    indicators.check_owners(table, departments, path.name)
    return table


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
        task = Task(task_id=v[H_ID], seq=seq, category=v[H_CATEGORY], item=v[H_ITEM], target=v[H_TARGET],
                    leads=tuple(departments.split(v[H_LEADS])), partners=tuple(departments.split(v[H_PARTNERS])),
                    leads_text=v[H_LEADS], partners_text=v[H_PARTNERS], row=r + 1)
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


# ---------------------------------------------------------------------------
# Column meanings: every header word the import accepts, in this one table

SEQ, CATEGORY, TEXT, LEADS, PARTNERS, RESPONSIBLE, DEADLINE = (
    "seq", "category", "text", "leads", "partners", "responsible", "deadline")

COLUMN_WORDS = {
    # meaning: (its name for clerks, also its key in config.ini [columns]; the header words that mean it)
    SEQ: (H_SEQ, (H_SEQ, "编号", "序")),
    CATEGORY: (H_CATEGORY, (H_CATEGORY, "分类", "类型", "任务类别", "工作类别", "项目类别", "领域", "板块")),
    TEXT: ("任务内容", (H_ITEM, H_TARGET, "目标任务", "目标与任务", "重点工作任务", "工作任务", "任务内容", "事项",
                     "工作事项", "主要任务", "重点任务", "具体任务", "任务", "工作要点", "重点工作", "主要工作",
                     "内容", "工作目标任务", "任务名称", "具体工作", "工作措施", "主要内容", "重点事项", "具体措施",
                     "主要措施", "措施", "督查内容", "督查事项", "项目名称", "项目内容", "建设内容")),
    LEADS: ("牵头单位", (H_LEADS, "牵头单位", "牵头责任单位", "牵头责任部门", "牵头处室", "主要责任单位",
                     "主要责任部门", ROLE_LEAD, "主办单位", "主责单位", "主责部门", "责任牵头单位")),
    PARTNERS: ("配合单位", (H_PARTNERS, "配合单位", "协同配合单位", "协同责任单位", "协同单位", "协同部门",
                        "协办单位", "协办部门", "参与单位", "参与部门", ROLE_PARTNER, "配合责任单位", "其他责任单位")),
    RESPONSIBLE: ("责任单位", ("责任单位", "责任部门", "责任主体", "承办单位", "落实单位")),
    DEADLINE: ("完成时限", ("完成时限", "时间节点", "完成时间", "时限要求", "时限", "完成期限", "时间要求",
                        "进度安排", "完成时间节点")),
}
"""Header words by meaning. Two columns of task text (项目名称 | 主要内容, 重点任务 | 具体措施) are the
item and its target; one is both. 责任单位 alone lists every unit (the lead marked （牵头）, or listed first
when config.ini says so); beside a lead column it lists the cooperating units. 完成时限 and the
other words of DEADLINE name an extra column that holds the deadline. Any other header is an extra
column kept under its own name."""

COLUMN_LABELS = {label: meaning for meaning, (label, _) in COLUMN_WORDS.items()}

# Headers of a received table that mean what the form asks each month (besides the form's own headers).
ANSWER_WORDS = ("完成情况", "落实情况", "进展情况", "工作进展", "进展", "进度", "完成进度", "推进落实情况",
                "工作推进情况", "目前进展", "当前进展", "进展成效", "完成进展")
KEPT = "其他列（保留）"  # what --check says of an extra column
SOURCE_PREFIX = "原表"  # 完成情况 of the received table is kept as 原表完成情况


def distinct_from_form(header: str) -> str:
    """An extra column's header as kept: one the form has (完成状态, 推进情况 …) or one meaning what the
    form asks each month (完成情况, 落实情况 …) gets :data:`SOURCE_PREFIX`, so that the form never shows
    two columns of one name and last year's status never reads as this month's."""
    return SOURCE_PREFIX + header if normalise_header(header) in _form_headers() else header


@functools.cache
def _form_headers() -> frozenset:
    """The headers of the form's own columns and the words meaning them, normalised: worked out once."""
    return frozenset({normalise_header(c.header) for c in DEFAULT.columns} | set(ANSWER_WORDS))
KEY_COLUMN = "重点"  # the master table's column for ★ key tasks, written only when there are any
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
KEY_MARK = "★"
SET_ASIDE_SHEET = "移出的指标"
NO_CATEGORY = "全部任务"  # the category of a table that has none
_BRACKET_TAIL = re.compile(r"\([^()]*\)$")


def normalise_header(text: str) -> str:
    """A header cell as matched: full-width forms folded, spaces and line breaks gone, 牵 头 单 位 → 牵头单位."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s*★:]+", "", text)


@dataclass(frozen=True)
class ImportOptions:
    """How tables are read: config.ini's [columns] and [import], and the table chosen on the command line.

    Attributes:
        columns: meaning label (a key of :data:`COLUMN_LABELS`) -> further header words.
        first_listed_lead: a single 责任单位 column names the lead first.
        table_number: which table of a document to import, 1-based; 0 finds it.
        soffice: the LibreOffice program; None looks for it, "" means it is not installed.
    """

    columns: dict = field(default_factory=dict)
    first_listed_lead: bool = False
    table_number: int = 0
    soffice: str | None = None

    def words(self):
        """meaning -> set of normalised header words, the built-in ones and config.ini's."""
        result = {}
        for meaning, (label, words) in COLUMN_WORDS.items():
            extra = tuple(self.columns.get(label, ()))
            result[meaning] = {normalise_header(w) for w in words + extra}
        return result

    def accepted(self, meaning):
        """The header words of a meaning as a clerk reads them: 牵头部门、牵头单位、…"""
        label, words = COLUMN_WORDS[meaning]
        return "、".join(dict.fromkeys(words + tuple(self.columns.get(label, ()))))


def check_column_config(columns: dict, path) -> dict:
    """config.ini [columns] checked: every key one of :data:`COLUMN_LABELS`; raises ConfigError."""
    for key in columns:
        if key not in COLUMN_LABELS:
            raise ConfigError(f"配置文件 {path} 的 [columns] 中“{key}”无效：左边应写以下之一："
                              f"{'、'.join(COLUMN_LABELS)}，例如“牵头单位 = 牵头科室、主抓单位”。")
    return columns


def _meaning(label, words):
    key = normalise_header(label)
    for candidate in (key, _BRACKET_TAIL.sub("", key)):
        for meaning, accepted in words.items():
            if candidate and candidate in accepted:
                return meaning
    return None


# ---------------------------------------------------------------------------
# Deadlines

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_YEAR_END_OF = re.compile(r"(\d{4})年(?:底|末|内)")
_YEAR_END = re.compile(r"全年|年底|年末|年内|年度内|四季度|下半年")
_HALVES = ((re.compile(r"上半年|二季度|第二季度"), 6), (re.compile(r"一季度|第一季度"), 3),
           (re.compile(r"三季度|第三季度|前三季度"), 9))
_DATE = re.compile(r"(?:(?P<y>\d{4})\s*[年.\-/])?\s*(?P<m>\d{1,2})\s*(?:月|(?=[.\-/]\d)|$)"
                   r"(?:\s*[.\-/]?\s*(?P<d>\d{1,2})\s*日?)?")


def _cn_number(text):
    """一 → 1, 十二 → 12, 十 → 10; digits pass through."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text, 0)


def parse_deadline(text: str, year: int) -> dt.date | None:
    """The date a deadline cell means, or None.

    "6月底前", "6月底", "6月" → 30 June of ``year``; "年底前", "全年", "年内" → 31 December;
    "2021年6月30日", "2021.6.30" → that day; "2021.6" → 30 June 2021; "上半年" → 30 June,
    "三季度" → 30 September. "长期", "长期坚持", "持续推进" have no deadline (None), nor has
    text without a date. Where a cell names several dates the latest counts.
    """
    text = unicodedata.normalize("NFKC", text or "").replace(" ", "")
    if not text:
        return None
    text = re.sub(r"[〇一二三四五六七八九十两]{1,3}(?=月)", lambda m: str(_cn_number(m.group())), text)
    found = []
    for m in _DATE.finditer(text):
        y = int(m.group("y")) if m.group("y") else year
        month = int(m.group("m"))
        if not 1 <= month <= 12 or not 1900 <= y <= 9999:
            continue
        last = calendar.monthrange(y, month)[1]
        day = int(m.group("d")) if m.group("d") else last
        if 1 <= day <= last:
            found.append(dt.date(y, month, day))
    if found:
        return max(found)
    m = _YEAR_END_OF.search(text)
    if m:
        return dt.date(int(m.group(1)), 12, 31)
    for pattern, month in _HALVES:
        if pattern.search(text):
            return dt.date(year, month, calendar.monthrange(year, month)[1])
    if _YEAR_END.search(text):
        return dt.date(year, 12, 31)
    return None  # 长期, 长期坚持, 持续推进, or no date at all


def deadline_column(table: Table) -> str | None:
    """The extra column that holds deadlines (完成时限, 时间节点 …), or None."""
    words = ImportOptions().words()[DEADLINE]
    return next((h for h in table.extra_columns if normalise_header(h) in words), None)


# ---------------------------------------------------------------------------
# Importing a table received as a Word 附件, its text export, or a workbook

@dataclass
class Imported:
    """A table as imported, with what the clerk is shown about how it was read.

    Attributes:
        table: the :class:`model.Table`.
        where: the document and table it came from, as messages name it.
        columns: (header as written, what it became) in column order.
        first_listed_lead: the lead was taken as the first unit of 责任单位.
        joins: (row, first line, second line, unit) for each unit name read whole from two lines of a cell.
        notes: further lines --check shows.
    """

    table: Table
    where: str = ""
    columns: list = field(default_factory=list)
    first_listed_lead: bool = False
    joins: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # further lines for --check (numbered paragraphs not read as tasks)


@dataclass
class _Grid:
    """One table of a document: rows of cells, each cell its paragraphs, every row as wide as the table."""

    where: str
    rows: list  # (row number, [paragraphs of each cell], True when one cell spans the whole row)
    title: str = ""
    note: str = ""
    paged: bool = False  # a Word table: the next table without a header may continue it after a page break


class _Above(list):
    """A cell merged with the one above it (Word's vMerge, an Excel merged range): blank on the grid, but
    known to belong to the cell above, so that a row under one merged 序号 or 责任单位 is told from a row
    continued over a page, and a merged 项目名称 or unit is carried down to it."""


_CONVERTIBLE = {"doc": "docx", "wps": "docx", "rtf": "docx", "et": "xlsx", "xls": "xlsx"}


def import_source(path, departments, options: ImportOptions | None = None) -> Table:
    """Read a responsibility table received as .docx/.doc/.wps, .txt (Word's text export) or a workbook.

    Returns:
        A :class:`model.Table` with task IDs assigned by category and position.

    Raises:
        InputError: the source is not a table of a known shape; one line names what was found and the fix.
    """
    return read_source(path, departments, options).table


def read_source(path, departments, options: ImportOptions | None = None) -> Imported:
    """:func:`import_source`, also saying how the columns were read (for ``import_table.py --check``)."""
    options = options or ImportOptions()
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到要导入的文件 {path}：请检查路径。")
    kind = _kind(path)
    if kind == "pdf":
        raise InputError(f"{path.name}：是 PDF 文件，无法读取其中的表格。请向发文单位索取 Word 原文件（.docx 或 .doc）"
                         "后再导入。")
    if kind in ("doc", "wps", "rtf", "et"):
        with tempfile.TemporaryDirectory() as tmp:
            made = convert.convert(path, _CONVERTIBLE[kind], Path(tmp), options.soffice)
            return _read_kind(made, _kind(made), departments, options, path)
    return _read_kind(path, kind, departments, options, path)


def _kind(path):
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(OLE2_MAGIC):
        if "WordDocument".encode("utf-16-le") in data:
            return "wps" if path.suffix.lower() == ".wps" else "doc"
        if path.suffix.lower() == ".et":
            return "et"
    kind = sniff(data)
    if kind is None and b"\x00" not in data[:4096]:
        return "text"
    return kind


def _read_kind(path, kind, departments, options, original):
    name = original.name
    if kind == "docx":
        grids, paragraphs = _docx_grids(path, name)
        words = options.words()
        if not options.table_number and not any(_find_import_header(g, words) is not None for g in grids):
            # no table of tasks (none at all, or only a contact table): the tasks may be a numbered list
            return _read_list(paragraphs, name, f"{name} 正文", "段", departments, options, original, grids)
    elif kind in ("xlsx", "xlsm", "xls", "ods"):
        _, sheets = open_workbook(path, label=name)
        sheet = next((s for s in sheets if s.name == TABLE_SHEET), sheets[0] if sheets else None)
        if sheet is not None and any(text_of(v) == H_ID for row in sheet.rows[:10] for v in row):
            table = load_table(path, departments)  # already in the master layout
            table.source = str(original)
            table.title = _workbook_title(path)
            shown = [(c, c) for c in TABLE_COLUMNS] + [(c, KEPT) for c in table.extra_columns]
            return Imported(table, f"{name} 工作表“{sheet.name}”", shown)
        grids = [_sheet_grid(s, name) for s in sheets if s.visible and s.rows]
    elif kind == "text":
        text = _read_text(path)
        lines = text.splitlines()
        side_by_side = sum("\t" in line[1:] for line in lines)  # lines of a row of cells, as Excel saves them
        opening = sum(line.startswith("\t") and "\t" not in line[1:] for line in lines)  # a cell, as Word exports
        if side_by_side > opening:
            grids = [_tabbed_grid(text, name)]
        elif any(line.startswith("\t") for line in lines):
            grids = [_text_grid(text, name, options.words())]
        else:
            return _read_list(list(enumerate(lines, start=1)), name, f"{name} 文本", "行", departments, options,
                              original)
    else:
        raise InputError(f"{name}：不是 Word 表格、文本或 Excel 表格，无法导入。"
                         "请提供 .docx、.doc、.wps、.txt、.xlsx 或 .xls 文件。")
    grid, header = _choose_grid(grids, name, options)
    return _interpret(grid, header, departments, options, original)


class NoTable(InputError):
    """A document without a table of tasks; its message is the refusal. :func:`narrative.read_source` reads its
    paragraphs as a numbered list of tasks before giving it."""

    def __init__(self, message, paragraphs, where, unit):
        super().__init__(message)
        self.paragraphs, self.where, self.unit = paragraphs, where, unit  # unit: 段 of a .docx, 行 of a .txt


NOT_A_LIST = ("文件中既没有表格，也没有写明责任单位的编号条目（如“1.……（牵头单位：……；责任单位：……）”），"
              "请确认这是目标任务责任分解表。")


def _read_list(paragraphs, name, where, unit, departments, options, original, grids=()):
    """A document without a table of tasks: refused, its tables named (if any), its paragraphs kept for the list
    reader."""
    message = _no_text_column(grids[0], options) if grids else f"{name}：{NOT_A_LIST}"
    raise NoTable(message, paragraphs, where, unit)


def _read_text(path):
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return clean_text(data.decode(encoding))  # as a workbook's text: no control character goes on
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path.name}：无法识别文本编码，请用 UTF-8 编码另存后再导入。")


_TITLE_WORDS = re.compile(r"表|分解|清单|任务|要点|方案|计划")


def _title_of(lines) -> str:
    """The table's title among the lines above it: the nearest that names a table or its tasks and is
    no sentence ("2024年XX区优化营商环境重点任务责任分解表", "关于印发《…》的通知"); "" when none does."""
    found = [t for t in (line.strip() for line in lines)
             if t and len(t) <= 80 and _TITLE_WORDS.search(t) and not t.endswith(("。", "：", ":", "；", ";", "，"))]
    return found[-1] if found else ""


def _workbook_title(path) -> str:
    """The title a workbook's properties carry (the master table keeps its source's title there)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8")
    except (KeyError, OSError, zipfile.BadZipFile, UnicodeDecodeError):
        return ""
    found = re.search(r"<dc:title>([^<]*)</dc:title>", core)
    return html.unescape(found.group(1)) if found else ""


def _text_grid(text, name, words):
    """Word's text export of a table ("另存为 纯文本"): a tab opens each cell, a cell's paragraphs are
    separated by a blank line, a blank line ends each row, a cell merged down is a bare tab.

    A cell spanning columns is one cell of the export, so a row narrower than the table gets its
    blanks where the span was (see :func:`_widen`); a row of one cell is a band across the table. A
    paragraph "注：…" after the last row ends the table.
    """
    above, rows, after = [], [], []
    blank = False
    for number, line in enumerate(text.splitlines(), start=1):
        if after or (rows and blank and _NOTE_ROW.match(line)):
            after.append(line)
        elif line.startswith("\t"):
            if blank or not rows:
                rows.append((number, []))
            rows[-1][1].append([line[1:]] if line[1:].strip() else [])
        elif not line.strip():
            blank = True
            continue
        elif rows:
            rows[-1][1][-1].append(line)
        else:
            above.append(line)
        blank = False
    width = max((len(cells) for _, cells in rows), default=0)
    grid = []
    for i, (number, cells) in enumerate(rows):
        below = rows[i + 1][1] if i + 1 < len(rows) else []
        grid.append((number, _widen(cells, width, below, words), len(cells) == 1 < width))
    return _Grid(f"{name} 文本", _pad(grid), _title_of(above), "\n".join(after))


def _tabbed_grid(text, name):
    """A table saved as text with one row per line, its cells separated by tabs (Excel's 文本文件（制表符分隔）,
    Word's 表格转换成文本): a cell holding line breaks is quoted; a line without a tab is a band across the table."""
    import csv
    import io

    above, rows, after = [], [], []
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    for record in reader:
        number = reader.line_num
        filled = [c for c in record if c.strip()]
        if not filled:
            continue
        if after or (rows and len(record) == 1 and _NOTE_ROW.match(record[0])):
            after.append(record[0])
        elif len(record) > 1 or rows:
            rows.append((number, [c.splitlines() if c.strip() else [] for c in record], len(record) == 1))
        else:
            above.append(record[0])
    return _Grid(f"{name} 文本", _pad(rows), _title_of(above), "\n".join(after))


def _widen(cells, width, below, words):
    """A row of the text export as wide as the table: blanks after the cell that spans columns.

    Under a header cell spanning columns the next row names each of them (责任单位 over 牵头单位 |
    配合单位); failing that, the header's task text spans them (工作内容 over 类别 | 子项, as in the seed).
    Any other short row is padded at its end.
    """
    missing = width - len(cells)
    if missing <= 0 or len(cells) == 1:
        return cells
    at = None
    filled = [c for c, cell in enumerate(below) if join_text(cell)]
    if len(below) == width and len(filled) == missing + 1 and filled[-1] - filled[0] == missing:
        at = filled[0]  # the second header row names exactly the columns under the span
    if at is None and _header_like(_texts(cells), words):
        at = next((c for c, t in enumerate(_texts(cells)) if _meaning(t, words) == TEXT), None)
    if at is None:
        return cells + [[] for _ in range(missing)]
    return cells[:at + 1] + [[] for _ in range(missing)] + cells[at + 1:]


def _sheet_grid(sheet, name):
    """A worksheet pasted from Word: a line break inside a cell is a paragraph break."""
    rows = [(n, [text_of(v).splitlines() for v in row], False) for n, row in enumerate(sheet.rows, start=1)]
    for (top, left), (bottom, right) in sheet.merged:
        for r in range(top + 1, min(bottom + 1, len(rows))):
            cells = rows[r][1]
            for c in range(left, min(right + 1, len(cells))):
                cells[c] = _Above()
    above = []
    for _, cells, _ in rows[:5]:
        texts = set(filter(None, _texts(cells)))
        if len(texts) > 1:
            break  # the header: the title is above it
        above.extend(texts)
    return _Grid(f"{name} 工作表“{sheet.name}”", _pad(rows), _title_of(above))


def _docx_grids(path, name):
    """Every top-level table of a .docx on its layout grid (spanned and merged-down cells come back blank), and
    the (number, text) of its body paragraphs, for a document whose tasks are a numbered list."""
    import docx  # python-docx; imported here so the other stages start faster
    from docx.oxml.ns import qn
    from docx.table import _Cell

    try:
        check_zip(path, name)
        document = docx.Document(str(path))
    except InputError:
        raise
    except Exception:
        raise InputError(f"{name}：Word 文件已损坏，无法打开。请用 Word 重新保存后再导入。") from None
    texts = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    above = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:tbl"):
            break
        if element.tag == qn("w:p"):
            above.append("".join(t.text or "" for t in element.iter(qn("w:t"))))
    title = _title_of(above)
    note = "\n".join(texts)
    tables = document.tables
    body = [(n, p.text) for n, p in enumerate(document.paragraphs, start=1)]
    grids = []
    for n, table in enumerate(tables, start=1):
        rows = []
        for number, row in enumerate(table.rows, start=1):
            tr = row._tr
            cells = [[] for _ in range(tr.grid_before)]
            tcs = tr.tc_lst
            for tc in tcs:
                paragraphs = _Above() if tc.vMerge == "continue" else [p.text for p in _Cell(tc, table).paragraphs]
                cells.append(paragraphs)
                cells.extend([] for _ in range(tc.grid_span - 1))
            rows.append((number, cells, len(tcs) == 1 and len(table.columns) > 1))
        where = f"{name} 第{n}个表格" if len(tables) > 1 else f"{name} 表格"
        grids.append(_Grid(where, _pad(rows), title, note, paged=True))
    return grids, body


def _pad(rows):
    width = max((len(cells) for _, cells, _ in rows), default=0)
    return [(n, cells + [[] for _ in range(width - len(cells))], band) for n, cells, band in rows]


# --- finding the header and the table --------------------------------------------------------

def _texts(cells):
    return [join_text(c) for c in cells]


def _header_like(labels, words):
    """True for a row of header words: the task text and at least one more known column."""
    meanings = [_meaning(t, words) for t in labels if t]
    return TEXT in meanings and sum(1 for m in meanings if m) >= 2


def _find_import_header(grid, words):
    """Index of the header row within the first fifteen rows, or None.

    The header names the task text and one more known column; failing that, the first row
    that names the task text among at least three cells (its other columns are then unknown).
    """
    for i, (_, cells, _) in enumerate(grid.rows[:15]):
        if _header_like(_texts(cells), words):
            return i
    for i, (_, cells, _) in enumerate(grid.rows[:15]):
        labels = [t for t in _texts(cells) if t]
        if len(labels) >= 3 and any(_meaning(t, words) == TEXT for t in labels):
            return i
    return None


def _choose_grid(grids, name, options):
    """The grid holding the responsibility table (tables with the same header continue it) and its header row."""
    words = options.words()
    if options.table_number:
        if options.table_number > len(grids):
            raise InputError(f"{name} 中只有 {len(grids)} 个表格，--table {options.table_number} 无效："
                             f"请写 1 到 {len(grids)} 之间的数字。")
        grid = grids[options.table_number - 1]
        header = _find_import_header(grid, words)
        if header is None:
            raise InputError(_no_text_column(grid, options))
        return grid, header
    found = [(g, h) for g, h in ((g, _find_import_header(g, words)) for g in grids) if h is not None]
    if not found:
        raise InputError(_no_text_column(grids[0], options))
    first, header = found[0]
    heads = {tuple(_texts(first.rows[header][1]))}
    others = []
    merged = list(first.rows)
    start = grids.index(first)
    for grid in grids[start + 1:]:
        h = _find_import_header(grid, words)
        if h is None and first.paged and len(grid.rows[0][1]) == len(first.rows[0][1]):
            merged.extend(grid.rows)  # a table Word split at a page break: more rows of the same table
        elif h is not None and tuple(_texts(grid.rows[h][1])) in heads:
            merged.extend(grid.rows)
        elif h is not None:
            others.append((grid, h))
        else:
            break
    if others:
        listed = "；".join(f"{g.where}（{'、'.join(t for t in _header_labels(g, h, words)[0] if t)}）"
                          for g, h in [(first, header)] + others)
        raise InputError(f"{name} 中有 {len(others) + 1} 个像责任分解表的表格：{listed}。"
                         "请加 --table 序号 指定导入第几个表格，例如 --table 1。")
    return _Grid(first.where, merged, first.title, first.note), header


def _presumed_header(grid):
    for _, cells, _ in grid.rows[:15]:
        labels = [t for t in _texts(cells) if t]
        if len(labels) >= 2:
            return labels
    return []


def _no_text_column(grid, options):
    labels = _presumed_header(grid)
    found = f"表头有：{'、'.join(dict.fromkeys(labels))}；" if labels else "没有找到表头；"
    return (f"{grid.where}：{found}没有找到任务内容列。任务内容列可以写作：{options.accepted(TEXT)}；"
            f"也可以在 config.ini 的 [columns] 中添加。")


# --- reading the columns ---------------------------------------------------------------------

@dataclass
class _Columns:
    """Grid columns by meaning; each meaning may span several grid columns."""

    seq: list = field(default_factory=list)
    category: list = field(default_factory=list)
    item: list = field(default_factory=list)
    target: list = field(default_factory=list)
    leads: list = field(default_factory=list)
    partners: list = field(default_factory=list)
    responsible: list = field(default_factory=list)
    extras: list = field(default_factory=list)  # (header, [columns])
    shown: list = field(default_factory=list)  # (header, what it became)


def _header_labels(grid, index, words):
    """The header's labels by grid column, a second header row (牵头单位 | 配合单位 under 责任单位) folded in.

    Returns:
        (labels, index of the first data row).
    """
    labels = _texts(grid.rows[index][1])
    if index + 1 < len(grid.rows):
        below = _texts(grid.rows[index + 1][1])
        parents = _spanning_parents(labels)
        filled = [(c, t) for c, t in enumerate(below) if t]
        known = [t for _, t in filled if _meaning(t, words) or t in labels]
        if known and all(t in known or (c in parents and _SUB_LABEL.fullmatch(t)) for c, t in filled):
            return [a if not b else b if _meaning(b, words) or c not in parents or _PERSON_HEADER.search(b)
                    else parents[c] for c, (a, b) in enumerate(zip(labels, below))], index + 2
    return labels, index + 1


_PERSON_HEADER = re.compile(r"领导|责任人|联系人|负责人|分管|电话")  # people, never units: kept as their own column
_SUB_LABEL = re.compile(r"[^\d\s，,。；;：:、]{1,6}")  # a short word, as 子项 under 工作内容


def _spanning_parents(labels):
    """{column: the header label spanning it} for every column under a header cell merged across columns.

    A label of its own below such a cell (子项 under 工作内容) that is no known header word keeps the
    meaning of the cell above: 工作内容 over 类别 | 子项 reads as 类别 and 工作内容.
    """
    parents, start = {}, None
    for c, label in enumerate(labels + [""]):
        if label or c == len(labels):
            if start is not None and c - start >= 2:
                parents.update({i: labels[start] for i in range(start, c)})
            start = c if label else None
    return parents


def _map_import_columns(labels, words):
    """Meanings of the header's columns; a blank header continues the one on its left (a merged header)."""
    groups = []
    for c, label in enumerate(labels):
        if not label:
            if groups:
                groups[-1][2].append(c)
            continue
        groups.append([re.sub(r"\s+", "", label), _meaning(label, words), [c]])
    cols = _Columns()
    has_lead = any(m == LEADS for _, m, _ in groups)
    has_category = any(m == CATEGORY for _, m, _ in groups)
    text_groups = [id(g) for g in groups if g[1] == TEXT]
    for group in groups:
        label, meaning, where = group
        if meaning == SEQ and not cols.seq:
            cols.seq = where
            cols.shown.append((label, H_SEQ))
        elif meaning == CATEGORY and not cols.category:
            cols.category = where
            cols.shown.append((label, H_CATEGORY))
        elif meaning == TEXT and id(group) in text_groups[:2]:
            two = len(text_groups) >= 2
            if id(group) == text_groups[0] and len(where) >= 2 and not has_category:
                cols.category, where = where[:-1], where[-1:]  # 工作内容 over 类别 | 子项, as in the seed
                if two:
                    cols.item = where
                    cols.shown.append((label, f"{H_CATEGORY}、{H_ITEM}"))
                else:
                    cols.target = where
                    cols.shown.append((label, f"{H_CATEGORY}、{H_ITEM}、{H_TARGET}"))
            elif id(group) == text_groups[0] and two:
                cols.item = where
                cols.shown.append((label, H_ITEM))
            else:
                cols.target = where
                cols.shown.append((label, H_TARGET if two else f"{H_ITEM}、{H_TARGET}"))
        elif meaning == LEADS:
            cols.leads += where
            cols.shown.append((label, H_LEADS))
        elif meaning == PARTNERS or (meaning == RESPONSIBLE and has_lead):
            cols.partners += where
            cols.shown.append((label, H_PARTNERS))
        elif meaning == RESPONSIBLE:
            cols.responsible += where
            cols.shown.append((label, f"{H_LEADS}、{H_PARTNERS}"))
        else:
            cols.extras.append((label, where))
            cols.shown.append((label, KEPT))
    seen = {}
    for i, (label, where) in enumerate(cols.extras):  # two columns both headed 备注 stay apart
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            cols.extras[i] = (f"{label}{seen[label]}", where)
    _keep_apart_from_form(cols)
    return cols


def _keep_apart_from_form(cols):
    """Extra columns the form already has (完成状态, or 完成情况 meaning it) kept as 原表完成状态, said in --check."""
    extras = iter(range(len(cols.extras)))
    for i, (label, meaning) in enumerate(cols.shown):
        if meaning != KEPT:
            continue
        e = next(extras)
        kept = distinct_from_form(cols.extras[e][0])
        if kept != cols.extras[e][0]:
            cols.extras[e] = (kept, cols.extras[e][1])
            cols.shown[i] = (label, f"其他列（与填报表的列同名或同义，保留为“{kept}”）")


# --- rows ------------------------------------------------------------------------------------

_CN = "一二三四五六七八九十百零〇两"
_HEADING = re.compile(rf"^\s*(?:(?P<l1>[{_CN}]{{1,3}})\s*[、.．，,]|[（(]\s*(?P<l2>[{_CN}]{{1,3}})\s*[）)]"
                      rf"|第(?P<l1b>[{_CN}]{{1,3}})(?:部分|类|章|篇|项)?[、：:，,\s]*)")
_SEQ_HEADING = re.compile(rf"^(?:[（(](?P<l2>[{_CN}]{{1,3}})[）)]|(?P<l1>[{_CN}]{{1,3}})[、.．]?)$")
_LEADER_NOTE = re.compile(r"[（(][^（）()]*(?:领导|分管|负责人)[^（）()]*[）)]")
_NUMBERING = re.compile(r"^\s*(?:\d{1,3}\s*[.、．](?!\d)|[（(]\s*\d{1,3}\s*[）)]|\d{1,3}\s+)\s*")
_NOTE_ROW = re.compile(r"^\s*(?:注|备注|说明)\s*[：:\d]")
_FIRST_IS_LEAD = re.compile(r"第一[位个].{0,6}牵头|排[在名]?第一.{0,6}牵头|首位.{0,6}牵头")
_ITEM_CUT = re.compile(r"[，,：:；;。！!？?]")
_SENTENCE_ENDS = ("。", "；", ";", "！", "!", "）", ")")


def _inline_pattern(words):
    labels = sorted(words[LEADS] | words[PARTNERS] | words[RESPONSIBLE], key=len, reverse=True)
    return re.compile(r"[（(]?\s*(" + "|".join(re.escape(w) for w in labels) + r")\s*[：:]")


def _inline_units(text, words, pattern):
    """Split "…工作。（牵头单位：甲；责任单位：乙、丙）" into the task text and {meaning: units}."""
    matches = list(pattern.finditer(text))
    if not matches:
        return text, {}
    found = {}
    for m, following in zip(matches, matches[1:] + [None]):
        value = text[m.end():following.start() if following else len(text)]
        meaning = _meaning(m.group(1), words)
        found[meaning] = (found.get(meaning, "") + "、" + value.strip(" ；;。）)")).strip("、")
    return text[:matches[0].start()].rstrip(" ，,；;"), found


def short_item(text: str) -> str:
    """The short 工作内容 label of a task known only by one text: its first clause when 2–20 characters
    long ("加快产业转型升级，…" → "加快产业转型升级"), else its first 18 characters and "…"."""
    first = _ITEM_CUT.split(text, maxsplit=1)[0].strip()
    if 2 <= len(first) <= 20:
        return first
    return text if len(text) <= 20 else text[:18] + "…"


def _heading(texts, cols, band, units, previous):
    """(level, name) when a row heads a category ("一、…", "（一）…", a 序号 of 一, a band across the row).

    A short phrase alone in the task column, after a task whose text ends a sentence, heads a
    category too; text that carries on a sentence is the previous task continued after a page break.
    """
    if units:
        return None
    filled = [(c, t) for c, t in enumerate(texts) if t]
    if not filled:
        return None
    seq = "".join(texts[c] for c in cols.seq)
    m = _SEQ_HEADING.match(seq) if seq else None
    if m:
        name = next((t for c, t in filled if c not in cols.seq), "")
        return (2 if m.group("l2") else 1), name
    first_col, first = filled[0]
    m = _HEADING.match(first)
    if m:
        return (2 if m.group("l2") else 1), first
    text_cols = cols.item or cols.target
    if len({t for _, t in filled}) == 1 and (band or (text_cols and first_col < text_cols[0])):
        return 1, first
    if (len(filled) == 1 and first_col in text_cols and len(first) <= 20 and not _ITEM_CUT.search(first)
            and not seq and (previous is None or previous.endswith(_SENTENCE_ENDS))):
        return 1, first
    return None


def _clean_heading(name):
    """一、加快产业发展工作目标（牵头领导：王副区长） → 加快产业发展工作目标."""
    name = _HEADING.sub("", name.replace(KEY_MARK, ""), count=1)
    name = _LEADER_NOTE.sub("", name)
    return name.strip(" ：:。；;")


class _Problems:
    """Problems grouped by cause: one line per cause naming every row it applies to."""

    def __init__(self, where, unit="行"):
        self.where = where
        self.unit = unit  # 行 of a table or a text, 段 (paragraph) of a Word list
        self.causes = {}

    def add(self, rownum, cause):
        self.causes.setdefault(cause, []).append(rownum)

    def lines(self):
        result = []
        for cause, rows in self.causes.items():
            shown = "、".join(str(r) for r in rows[:10]) + (f"等 {len(rows)} " if len(rows) > 10 else "")
            result.append(f"{self.where}第{shown}{self.unit}：{cause}")
        return result


def _interpret(grid, header_index, departments, options, original):
    """Tasks from the grid's rows below the header, by the meanings of its columns."""
    words = options.words()
    labels, first_row = _header_labels(grid, header_index, words)
    header_texts = [t for t in labels if t]
    cols = _map_import_columns(labels, words)
    inline = _inline_pattern(words)
    body = grid.rows[first_row:]
    has_inline = any(inline.search(join_text(p)) for _, cells, _ in body for c in cols.target for p in [cells[c]])
    if not cols.leads and not cols.responsible and not has_inline:
        raise InputError(f"{grid.where}：表头有：{'、'.join(dict.fromkeys(header_texts))}；没有找到牵头单位列。"
                         f"牵头单位列可以写作：{options.accepted(LEADS)}；也可以在 config.ini 的 [columns] 中添加。")
    first_listed = options.first_listed_lead
    deadlines = [c for label, where in cols.extras if normalise_header(label) in words[DEADLINE] for c in where]
    records = []  # dicts of paragraphs per meaning
    top = sub = ""
    current = None
    notes = [grid.note]
    for rownum, cells, band in body:
        texts = _texts(cells)
        if not any(texts):
            continue
        filled = [t for t in texts if t]
        if _header_like(texts, words) or (len(filled) >= 2 and all(_meaning(t, words) for t in filled)):
            continue  # the header repeated after a page break
        if len(filled) >= 3 and all(t == str(i + 1) for i, t in enumerate(t for t in texts if t)):
            continue  # a row numbering the columns 1 2 3 …
        if _NOTE_ROW.match(filled[0]) and len(set(filled)) == 1:
            notes.append(filled[0])
            continue

        def paragraphs(where, cells=cells):
            return [p for c in where for p in cells[c]]

        unit_cols = cols.leads + cols.partners + cols.responsible
        units = any(texts[c] or isinstance(cells[c], _Above) for c in unit_cols)  # a merged unit cell too
        target_text = "".join(texts[c] for c in cols.target)
        if not units and inline.search(target_text):
            units = True
        previous = join_text(current["target"]) if current is not None else None
        heading = _heading(texts, cols, band, units, previous)
        if heading:
            level, name = heading
            if level == 1:
                top, sub = _clean_heading(name), ""
            else:
                sub = _clean_heading(name)
            current = None
            continue
        category_text = "".join(texts[c] for c in cols.category)
        if category_text:
            top, sub = _clean_heading(category_text) or category_text, ""
        if cols.item:
            new = bool("".join(texts[c] for c in cols.item))
        elif cols.seq:
            new = bool("".join(texts[c] for c in cols.seq)) or units
        else:
            new = units
        if not new and current is not None and target_text:
            new = _own_task(cells, texts, cols, deadlines)
        if not new and current is not None:
            for key, where in (("target", cols.target), ("leads", cols.leads), ("partners", cols.partners),
                               ("responsible", cols.responsible)):
                current[key].extend(paragraphs(where))
            for i, (_, where) in enumerate(cols.extras):
                current["extras"][i].extend(paragraphs(where))
            continue
        current = _record(rownum, cells, cols, sub or top, current)
        records.append(current)
    if any(_FIRST_IS_LEAD.search(n) for n in notes):
        first_listed = True
    joins = []
    tasks = _records_to_tasks(records, cols, departments, grid.where, first_listed, words, inline, joins)
    table = Table(tasks=tasks, source=str(original), title=grid.title,
                  extra_columns=tuple(label for label, _ in cols.extras))
    table.indicators, table.indicator_record = indicators.merge(table, departments)
    return Imported(table, grid.where, cols.shown, first_listed and bool(cols.responsible or has_inline), joins)


def _own_task(cells, texts, cols, deadlines):
    """A row with task text but no 序号 or unit of its own is a task of its own, not the task above continued
    over a page, when it has its own 完成时限 or its 工作内容 or units are merged with the row above
    (two rows under one merged 序号 and 责任单位: 5月底前动工 | 12月底前建成)."""
    if any(texts[c] for c in deadlines):
        return True
    return any(isinstance(cells[c], _Above) for c in cols.item + cols.leads + cols.partners + cols.responsible)


def _record(rownum, cells, cols, category, above):
    """The paragraphs of a task's row by meaning; a cell merged with the one above carries the task above's."""
    def paragraphs(where, key=None, i=None):
        if above is not None and key and where and all(isinstance(cells[c], _Above) for c in where):
            return list(above[key] if i is None else above[key][i])
        return [p for c in where for p in cells[c]]

    record = {"row": rownum, "category": category, "seq": "".join(join_text(cells[c]) for c in cols.seq),
              "item": join_text(paragraphs(cols.item)), "target": paragraphs(cols.target),
              "leads": paragraphs(cols.leads, "leads"), "partners": paragraphs(cols.partners, "partners"),
              "responsible": paragraphs(cols.responsible, "responsible"),
              "extras": [paragraphs(where, "extras", i) for i, (_, where) in enumerate(cols.extras)],
              "carried": False}
    if above is not None and cols.item and all(isinstance(cells[c], _Above) for c in cols.item):
        record["item"], record["carried"] = above["item"], True
    return record


def _records_to_tasks(records, cols, departments, where, first_listed, words, inline, joins, unit="行"):
    """Tasks from the rows gathered under each task: text cleaned (★, numbering, inline units), units by role.

    Categories are numbered in order of appearance and tasks within each, as T0102; problems
    are grouped by cause, one line each, naming every row. ``joins`` receives (row, first line,
    second line, unit) for each unit name broken over two lines of a cell. ``unit`` names the rows in
    problems (行, or 段 for the paragraphs of a list).
    """
    problems = _Problems(where, unit)
    tasks, seen, counts, category_seq = [], {}, {}, {}
    for r in records:
        text = join_text(r["target"])
        key = KEY_MARK in text or KEY_MARK in r["seq"] or KEY_MARK in r["item"]
        text = text.replace(KEY_MARK, "").strip()
        text, found = _inline_units(text, words, inline)
        text = _NUMBERING.sub("", text).strip()
        units = _task_units(r, found, departments, first_listed, joins)
        if units is None:
            problems.add(r["row"], "责任单位中没有标明牵头单位。请在牵头单位名称后加“（牵头）”，"
                                   "或者在 config.ini 的 [import] 中写“first_listed_lead = "
                                   "是”（列第一位的为牵头单位）。")
            continue
        lead_tokens, partner_tokens = units
        leads = list(dict.fromkeys(departments.aliases.get(t, t) for t in lead_tokens))
        lead_tokens = list(dict.fromkeys(lead_tokens))
        partner_tokens = [t for t in dict.fromkeys(partner_tokens) if departments.aliases.get(t, t) not in leads]
        partners = list(dict.fromkeys(departments.aliases.get(t, t) for t in partner_tokens))
        item = r["item"].replace(KEY_MARK, "").strip()
        if not text:
            problems.add(r["row"], f"{H_TARGET}为空，请填写该项的任务内容。")
            continue
        if not leads:
            problems.add(r["row"], "没有牵头单位，请至少填写一个牵头单位。")
            continue
        category = r["category"] or NO_CATEGORY
        if cols.item and not r["carried"]:
            item = _NUMBERING.sub("", item)
            if (category, item) in seen:
                problems.add(r["row"], f"与第{seen[(category, item)]}行重复（类别“{category}”下已有“{item}”），"
                                       "请删除重复的一行。")
                continue
        else:  # a name of its own for each row under one merged 项目名称 too
            base = item = _NUMBERING.sub("", item) if r["carried"] else short_item(text)
            n = 1
            while (category, item) in seen:
                n += 1
                item = f"{base}（{n}）"
        seen[(category, item)] = r["row"]
        seq = category_seq.setdefault(category, len(category_seq) + 1)
        counts[seq] = counts.get(seq, 0) + 1
        extras = tuple((label, join_text(p)) for (label, _), p in zip(cols.extras, r["extras"]))
        tasks.append(Task(task_id=task_id_for(seq, counts[seq]), seq=seq, category=category, item=item, target=text,
                          leads=tuple(leads), partners=tuple(partners), leads_text="、".join(lead_tokens),
                          partners_text="、".join(partner_tokens), row=r["row"], extras=extras, key=key))
    lines = problems.lines()
    if lines:
        raise TableError(lines[0], lines[1:])
    if not tasks:
        raise TableError(f"{where}：表格中没有任何工作内容，请确认这是目标任务责任分解表。")
    return tasks


def _task_units(r, found, departments, first_listed, joins):
    """(lead names, partner names) of a task as written, or None when its 责任单位 lists several units
    and the lead is not known.

    One unit alone in a 责任单位 cell is the lead; of several, the one marked （牵头）, or the first
    when the table or config.ini says so. Lines of a cell that break one name are joined (``joins``).
    """
    def cell(key):
        text, made = departments.join_lines(r[key])
        joins.extend((r["row"], *j) for j in made)
        return text

    leads_raw = cell("leads") or found.get(LEADS, "")
    partners_raw = cell("partners") or found.get(PARTNERS, "")
    responsible_raw = cell("responsible") or ("" if leads_raw else found.get(RESPONSIBLE, ""))
    if found.get(RESPONSIBLE) and leads_raw and not partners_raw:
        partners_raw = found[RESPONSIBLE]  # 牵头单位：甲；责任单位：乙 — 责任单位 beside a lead
    lead_tokens = [t for t, _ in departments.tokens(leads_raw)]
    partner_tokens = []
    for token, marked in departments.tokens(partners_raw):
        (lead_tokens if marked else partner_tokens).append(token)
    listed = departments.tokens(responsible_raw)
    marked = [t for t, m in listed if m]
    if marked:
        lead_tokens += marked
        partner_tokens += [t for t, m in listed if not m]
    elif listed and (len(listed) == 1 or first_listed):
        lead_tokens.append(listed[0][0])
        partner_tokens += [t for t, _ in listed[1:]]
    elif listed:
        return None
    return lead_tokens, partner_tokens


# ---------------------------------------------------------------------------
# Writing the master table

def write_table(table, path, set_aside: tuple | list = ()) -> None:
    """Write the master table atomically as an .xlsx a clerk can sort, filter and edit.

    The table's extra columns (完成时限, 备注 …) follow 配合部门 under their own headers, then a
    重点 column when any task is marked ★.

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
        widths = {H_ID: 9, H_SEQ: 6, H_CATEGORY: 14, H_ITEM: 12, H_TARGET: 60, H_LEADS: 18,
                  H_PARTNERS: 30}
        headers = list(TABLE_COLUMNS) + list(table.extra_columns)
        keys = any(t.key for t in table.tasks)
        if keys:
            headers.append(KEY_COLUMN)
        closed = any(t.closed for t in table.tasks)
        if closed:
            headers.append(CLOSED_COLUMN)
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
            if keys:
                ws.write_string(r, len(headers) - 1 - closed, KEY_MARK if t.key else "", center)
            if closed:
                ws.write_string(r, len(headers) - 1, t.closed, center)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(table.tasks), 1), len(headers) - 1)
        print_a4(ws, repeat_row=0, footer=None)
        _write_indicators(wb, table, head, body, center)
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
        if set_aside:
            _write_set_aside(wb, set_aside, head, body)
        if table.history:
            _write_history(wb, table.history, head, body)
        wb.close()


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
        for c, value in enumerate((t.task_id, str(t.seq), t.category, t.item, t.target, t.leads_text,
                                   t.partners_text, change.kind, change.period)):
            ws.write_string(r, c, value, body)
    ws.set_column(len(columns) + 1, len(columns) + 1, 60)
    ws.write_string(0, len(columns) + 1, "重新导入时新增和删除的任务，供以前各月的汇总写出当月的任务、"
                                         "已删除任务的编号不再给新任务使用。请不要修改。")


def _write_set_aside(wb, set_aside, head, body):
    """指标 rows of the replaced table whose task or unit is gone, with the reason; not read back."""
    ws = wb.add_worksheet(SET_ASIDE_SHEET)
    columns = (H_IND_ID, H_ID, H_IND_NAME, H_COMPARISON, H_TARGET_VALUE, H_IND_UNIT, H_UNIT, H_SOURCE, "移出原因")
    for c, name in enumerate(columns):
        ws.set_column(c, c, 40 if c in (2, 8) else 11)
        ws.write_string(0, c, name, head)
    for r, (ind, reason) in enumerate(set_aside, start=1):
        for c, value in enumerate((ind.indicator_id, ind.task_id, ind.name, ind.comparison, ind.target_text,
                                   ind.unit, ind.owner, ind.source, reason)):
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
    ws.data_validation(1, 4, last + 200, 4, {"validate": "list", "source": list(indicators.COMPARISONS),
                                             "error_message": "请从下拉列表中选择。"})
    ws.data_validation(1, 9, last + 200, 9, {"validate": "list", "source": list(indicators.SOURCES),
                                             "error_message": "请从下拉列表中选择。"})
    ws.conditional_format(1, 9, last + 200, 9, {  # the rows whose reading the clerk is to confirm
        "type": "cell", "criteria": "==", "value": f'"{indicators.SOURCE_UNSURE}"',
        "format": wb.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"})})
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
