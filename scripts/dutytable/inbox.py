"""Stage 3, collecting returns: inbox/ into the archive and the ledger, never losing a file.

For each file, in order of arrival:

1. :func:`examine` reads and validates it (pure: runs in a worker process when there
   are many) and decides 有效, 待补正 or 退回;
2. when it was first seen is committed to the ledger; then the original bytes are linked
   or copied to a deterministic place in the archive, named by that receipt time (or the
   退回 folder, with a note beside it);
3. the ledger records it as ``pending`` in one transaction;
4. the inbox file is removed, and the ledger row marked ``done``.

A crash between any two steps is completed by the next run (:meth:`Collector.recover`),
and nothing is recorded twice: the ledger knows every content hash it has seen. A ledger
lost or damaged is rebuilt from the archive first (:mod:`rebuild`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import itertools
import json
import multiprocessing
import os
import re
import stat
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import files, rebuild
from .errors import InputError, NotAFormError, OutputError, UsageError
from .forms import (
    DATE_LABEL,
    FILLER_LABEL,
    PHONE_LABEL,
    FormFill,
    asks,
    build_form,
    form_sheets,
    locked_columns,
    read_form,
    specs_for,
)
from .indicators import check_reported
from .ledger import answer_row, split_reported
from .matching import find_task, renumbered
from .model import Answer
from .pool import ordered_map, worker_pool
from .rebuild import DUPLICATE_DIR, NOTE_SUFFIX
from .schema import FORM, H_IND_VALUE, H_NOTE
from .vocab import (
    AFTER_REPORT,
    CLOSED,
    EMPTY,
    FILE_STAMP,
    FORM_SHEET,
    HELD,
    INDICATOR_FORM_SHEET,
    META_SHEET,
    REJECTED,
    TO_FIX,
    UNCLEAR,
    UNPACKED,
    VALID,
    Period,
    nfkc,
)
from .workbooks import MAX_UNCOMPRESSED, expands_too_far, open_workbook, sniff, text_of

IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store", "ehthumbs.db"}
IGNORED_SUFFIXES = (".tmp", ".crdownload", ".part", ".partial")
UNPACK_DIR = ".解压"
ZIP_DIR = "压缩包"
FIX_DIR = TO_FIX
FIX_OLD_DIR = "旧版"  # 待补正/旧版/: the copies a newer return of the same unit replaced
# Files below which examining in the parent beats a pool of two (bench/bench.py, 2 cores, 2026-11-26): with
# fork the pool gains from about 128 returns (128: 0.22 s against 0.26 s; 48: 0.13 against 0.11); spawned
# workers, as on Windows, start slowly and still only draw level at 512 (0.63 s against 0.61 s).
POOL_THRESHOLD = {"fork": 128, "forkserver": 128, "spawn": 1024}
BATCH = 64  # files recorded per ledger transaction
# Limits for a zip attachment's members.
ZIP_MAX_MEMBERS = 500  # members of a zip attachment; sizes are checked by workbooks.expands_too_far


@dataclass(slots=True)  # thousands are kept for the run's summary: no dict each
class Examined:
    """What one file turned out to be, and what to do with it."""

    path: str
    original_name: str
    sha256: str
    size: int
    mtime: float
    received_at: str  # when the collector first saw it (a zip's members: the zip's); set when placed
    kind: str | None = None
    verdict: str = REJECTED  # vocab.VALID, TO_FIX, REJECTED or UNPACKED
    recipient: str | None = None
    period: str | None = None
    identified_by: str | None = None
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    # What each task row said, as the ledger keeps it (ledger.answer_row of a model.Answer), in the form's order;
    # made where the file is examined, in a worker when there are many.
    answers: list = field(default_factory=list)
    filler: str = ""
    phone: str = ""
    fill_date: str = ""
    # What the form said and the cells at fault; None once no marked copy is still to be made from it.
    fill: FormFill | None = field(default_factory=FormFill)
    indicator_values: list = field(default_factory=list)  # IndicatorValue
    answered: int = 0  # task rows with at least one answer
    standing: str = ""  # vocab.HELD when it waits for the clerk instead of replacing an earlier return
    replaces: str = ""  # original name of the return of the unit that counted before this one
    repeats: str | None = None  # for a duplicate, the original name of the file it repeats
    marked: bytes = b""  # the marked copy of a 待补正 or 未填报 return of the period collected, built by the examiner

    @property
    def file_time(self) -> str:
        """When the file says it was saved (its modification time)."""
        return dt.datetime.fromtimestamp(self.mtime).isoformat(timespec="seconds")


@dataclass(frozen=True)
class IndicatorValue:
    """An indicator's value to date as a return states it; ``value`` is None when unreadable."""

    indicator_id: str
    value: float | None
    raw: str
    note: str


@dataclass
class Expectations:
    """What a return must match, picklable for worker processes."""

    schema: object  # schema.Schema of the table
    recipients: dict  # name -> (forms.LockedRow, ...)
    period: str  # the period being collected, used when a return does not say its own
    indicators: dict = field(default_factory=dict)  # name -> ((indicator_id, task_id, name, target, unit), ...)
    specs: dict = field(default_factory=dict)  # name -> forms.FormSpec of ``period``, for marked copies
    aliases: dict = field(default_factory=dict)  # a unit's former (or other) name -> its present name, [aliases]

    def __post_init__(self):
        self.positions = {name: i for i, name in enumerate(self.recipients)}  # name -> place in the table's order
        self.name_lengths = tuple(sorted({len(name) for name in self.recipients}, reverse=True))


def examine(path, original_name: str, expectations: Expectations) -> Examined:
    """Read and validate one file; never raises for bad content.

    Returns:
        An :class:`Examined` with status 有效, 待补正, 退回, or kind "zip" for the caller to unpack.
    """
    path = Path(path)
    data = path.read_bytes()
    st = path.stat()
    ex = Examined(path=str(path), original_name=original_name, sha256=hashlib.sha256(data).hexdigest(),
                  size=len(data), mtime=st.st_mtime, received_at="")
    label = original_name
    ex.kind = sniff(data)
    if ex.kind == "zip":
        ex.verdict = UNPACKED
        return ex
    try:
        _, sheets = open_workbook(path, label=label, data=data, wanted=form_sheets, kind=ex.kind)
        form, note = _the_form(sheets, label, expectations.schema)
    except InputError as exc:  # unreadable, encrypted, unsafe, not a form: all rejected with their reason
        return _reject(ex, str(exc))
    if note:
        ex.notes.append(note)
    _validate(ex, form, expectations)
    spec = expectations.specs.get(ex.recipient)
    if ex.verdict in (TO_FIX, EMPTY) and spec is not None and ex.period == expectations.period:
        # Built here, in the worker: building a thousand marked copies one by one in the parent kept both workers idle.
        ex.marked = build_form(dataclasses.replace(spec, fill=ex.fill))
    if ex.marked or ex.verdict not in (TO_FIX, EMPTY):
        ex.fill = None  # needed only for a marked copy still to be made: not sent back to the run
    return ex


def _the_form(sheets: list, label: str, schema) -> tuple:
    """The form a return is read from, and a note when it is not the sheet one would expect.

    Of the sheets with the form's header (the 填报表 and any copy of it, such as Excel's “填报表 (2)”, or a
    renamed one): the only one; else the only one filled in; else, when those filled in say the same (or
    none is), the 填报表 or the first; else the one whose locked content matches the hidden identity's
    fingerprint.

    Raises:
        NotAFormError: no sheet has the form's header, or several filled in differently cannot be told apart.
    """
    aux = [s for s in sheets if s.name in (META_SHEET, INDICATOR_FORM_SHEET)]
    found = []
    for sheet in sheets:
        if sheet in aux:
            continue
        try:
            found.append(read_form([sheet] + aux, label, schema))
        except NotAFormError:
            continue
    if not found:
        return read_form(sheets, label, schema), ""  # raises, naming the headers it looked for
    headers = [c.header for c in schema.answer_columns]
    filled = [f for f in found if any(row[h] for row in f.rows for h in headers)]
    if len(found) == 1 or len(filled) == 1:
        form = (filled or found)[0]
        blank = [f.sheet for f in found if f is not form]
        return form, (f"已读取填好的工作表“{form.sheet}”，" + "".join(f"“{n}”" for n in blank) + "没有填写。"
                      if blank else "")
    pool = filled or found
    if len({_answers(f, headers) for f in pool}) == 1:
        return next((f for f in pool if f.sheet == FORM_SHEET), pool[0]), ""
    matching = [f for f in pool if f.meta.get("fingerprint") == f.locked_fingerprint()]
    if len(matching) == 1:
        return matching[0], ""
    listed = "".join(f"“{f.sheet}”" for f in pool)
    raise NotAFormError(f"{label}：有 {len(pool)} 个工作表（{listed}）都像填报表，填写的内容各不相同，"
                        "无法判断哪个是交回的，请对方只保留填好的那一个后重新发送。")


def _answers(form, headers) -> tuple:
    """What a form sheet says, row by row: to tell a copy that says the same from one that does not."""
    return tuple((row.rownum, tuple(row[h] for h in headers)) for row in form.rows)


_WORKER_EXPECTATIONS = None


def _set_worker_expectations(expectations):
    global _WORKER_EXPECTATIONS
    _WORKER_EXPECTATIONS = expectations


def _examine_in_worker(path, name):
    return examine_safely(path, name, _WORKER_EXPECTATIONS)


def examine_safely(path, original_name: str, expectations: Expectations) -> Examined:
    """:func:`examine`, but a file that breaks the examiner is 退回 with its reason: no file stops a run."""
    try:
        return examine(path, original_name, expectations)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others being collected
        try:
            data = Path(path).read_bytes()
            st = Path(path).stat()
        except OSError:
            data, st = b"", None
        ex = Examined(path=str(path), original_name=original_name, sha256=hashlib.sha256(data).hexdigest(),
                      size=len(data), mtime=st.st_mtime if st else time.time(), received_at="")
        return _reject(ex, f"{original_name}：无法读取（{type(exc).__name__}），已退回；"
                           "请对方用下发的填报表重新填写后发回。")


def _reject(ex, reason):
    ex.verdict = REJECTED
    ex.problems = [reason]
    return ex


def _validate(ex, form, expectations):
    """Judge a form read from a return: whose it is, for which period, and each row and answer."""
    recipient = _recipient(ex, form, expectations)
    if recipient is None:
        return
    where = f"工作表“{form.sheet}”"
    problems = _period_problems(ex, form, expectations)
    ex.filler, ex.phone, ex.fill_date = form.filler, form.phone, form.date
    problems.extend(_sender_doubts(ex.original_name, form.filler, recipient, expectations))
    problems.extend(_header_problems(ex.fill, form, where))
    expected = {row.task_id: row for row in expectations.recipients[recipient]}
    rows = _rows_by_task(ex, form, expected, expectations.schema, where)
    if rows is None:
        _reject(ex, f"{ex.original_name}：{where}找不到“{expectations.schema.column('task_id').header}”列"
                    f"（表头被改动或删除），行数也与下发时不同，无法判断每一行是哪项任务，"
                    f"请把第{form.header_row}行的表头恢复后重新发送。")
        return
    got, row_problems, rows_reported, by_text = rows
    problems.extend(row_problems)
    locked_changed = _check_rows(ex, form, expected, got, by_text, expectations.schema, problems)
    ex.fill.header.update({FILLER_LABEL: form.filler, PHONE_LABEL: form.phone, DATE_LABEL: form.date})
    indicator_problems = []
    if "indicators" in form.meta or form.indicator_rows:  # forms made before indicators existed have none
        indicator_problems = _validate_indicators(ex, form, expectations.indicators.get(recipient, ()))
    problems.extend(indicator_problems)
    # Rows in the order they were sent out leave the fingerprint as it was (each locked cell is compared):
    # it is worked out only for a reordered form.
    same_order = [t for t in got if t in expected] == list(expected)
    fingerprint_ok = (form.meta.get("fingerprint") is None or same_order
                      or form.meta["fingerprint"] == form.locked_fingerprint())
    if not fingerprint_ok and not locked_changed and not rows_reported:
        problems.append(f"{where}：锁定内容与下发时不一致（行的顺序或内容被调整），已按任务编号对应处理，请核对。")
    ex.problems = problems
    ex.verdict = TO_FIX if problems else VALID
    if not ex.answered and any(not row.closed for row in expected.values()):
        _unanswered(ex, where, indicator_problems)


def _unanswered(ex, where, indicator_problems):
    """A return with no task answered: 未填报 (not a report), unless it gives indicator values, which count."""
    if ex.indicator_values:  # only 指标填报 filled in: a report, its tasks to be filled in
        ex.verdict = TO_FIX
        ex.problems = [f"{where}：只填写了“{INDICATOR_FORM_SHEET}”，各项任务都没有填写；指标的完成值已收到，"
                       "请补填各项任务的完成状态和推进情况后重新发送。"] + indicator_problems
        return
    ex.verdict = EMPTY  # sent back as it was sent out: not a report
    ex.problems = [f"{where}：表格交回时没有填写任何任务的内容（{EMPTY}），不算报送，请填写后重新发送。"]


def _recipient(ex, form, expectations) -> str | None:
    """The unit a return is from, as the table names it; None when ``ex`` is rejected for it."""
    recipient = form.meta.get("recipient", "")
    if recipient:
        ex.identified_by = "表单信息"
    elif form.unit:
        recipient = form.unit
        ex.identified_by = "填报单位单元格"
        ex.notes.append(f"未找到隐藏的“表单信息”工作表（可能复制到了新文件中填写），已按“填报单位”单元格识别为“{recipient}”。")
    else:
        _reject(ex, f"{ex.original_name}：无法识别填报单位（没有“表单信息”工作表，“填报单位”也是空的），"
                    "请对方使用下发的填报表填写后重新发送。")
        return None
    present = expectations.aliases.get(recipient)
    if recipient not in expectations.recipients and present in expectations.recipients:
        ex.notes.append(f"表格中的填报单位“{recipient}”按 config.ini 的 [aliases] 视为“{present}”。")
        recipient = present
    ex.recipient = recipient
    if recipient not in expectations.recipients:
        _reject(ex, f"{ex.original_name}：填报单位“{recipient}”不在填报单位名单中，请核对单位名称；"
                    "如确属新增单位，请先在责任分解表或 config.ini 中加入，再把此文件放回 inbox 重新收取。")
        return None
    return recipient


def _period_problems(ex, form, expectations) -> list:
    """Set ``ex.period`` from the hidden sheet, else the title, else the period collected; a bad one is a problem."""
    written = form.meta.get("period", "")
    if written:
        ex.period = _period_of(written)
        if ex.period is None:  # never used as written: it becomes part of the archive's path
            ex.period = expectations.period
            return [f"工作表“{META_SHEET}”：期次“{written}”无效（应为“年-月”，例如 2010-11），"
                    f"已按本次收取的期次 {expectations.period} 处理，请核对。"]
        return []
    titled = Period.from_label(form.title)
    ex.period = str(titled) if titled else expectations.period
    if not titled:
        ex.notes.append(f"表格中没有写明期次，按本次收取的期次 {expectations.period} 处理。")
    return []


def _header_problems(fill, form, where) -> list:
    """填报人 and 联系电话 left empty, each marked on the copy sent back."""
    problems = []
    for label, value in ((FILLER_LABEL, form.filler), (PHONE_LABEL, form.phone)):
        if not value:
            ref = form.header_refs.get(label, "")
            problems.append(f"{where}{ref}：{label.rstrip('：')}未填写，请补填。")
            fill.header_marks[label] = f"{label.rstrip('：')}未填写，请补填。"
    return problems


def _rows_by_task(ex, form, expected, schema, where):
    """The form's rows by task ID, first of each, with the problems of duplicated, foreign and lost ones.

    A form whose 任务编号 header was retyped or deleted is read by the order of its rows, the order they were
    sent out in (the hidden sheet lists it), when there are as many; each locked cell is still compared.

    Returns:
        ({task_id: FormRow}, problems, whether a row's problem explains a changed fingerprint, the IDs whose row
        was read by the task text it shows); None when the 任务编号 column is lost and the rows cannot be matched
        to the tasks.
    """
    id_header = schema.column("task_id").header
    problems = [_lost_column(c.header, form, where) for c in schema.answer_columns if c.header not in form.columns]
    if id_header not in form.columns:
        sent = [task_id for task_id, _role in json.loads(form.meta.get("tasks") or "[]")]
        if len(sent) != len(form.rows):
            return None
        for task_id, row in zip(sent, form.rows):
            row.values[id_header] = task_id
        problems.insert(0, _lost_column(id_header, form, where, "已按下发时各行的顺序对应任务"))
    before = len(problems)
    got, by_text = _match_rows(ex, form, expected, locked_columns(schema), where, problems)
    rows_reported = len(problems) > before  # a duplicated, foreign or missing row explains a fingerprint change
    return got, problems, rows_reported or any(t not in got for t in expected), by_text


def _lost_column(header, form, where, done="这一列的内容没有收到") -> str:
    """The problem of a column whose header was retyped or deleted: said once, not as every row's 未填写."""
    return (f"{where}：找不到“{header}”列（表头被改动或删除），{done}，"
            f"请把第{form.header_row}行的表头恢复为“{header}”后重新发送。")


def _check_rows(ex, form, expected, got, by_text, schema, problems) -> bool:
    """Each task's row against the table: its locked cells (not for a row read by its text) and its answers,
    into ``ex``; True when a locked cell was changed."""
    where = f"工作表“{form.sheet}”"
    columns = schema.at(FORM)
    locked = locked_columns(schema)
    first_choice = next((c for c in columns if c.choices), columns[0])
    fill = ex.fill
    locked_changed = False
    for task_id, want in expected.items():
        shown = {c.key: v for c, v in zip(locked, want.values)}
        item = shown.get("item", task_id)
        row = got.get(task_id)
        if want.closed:  # 已办结: nothing asked; what a unit wrote in it anyway is not counted, and said
            if row is not None and _written_in_closed(row, schema):
                ex.notes.append(f"{where}第{row.rownum}行（{item}）：该任务已于{Period.parse(want.closed).label}办结，"
                                "本期不再填报，填写的内容未计入。")
            continue
        if row is None:
            problems.append(f"{where}：缺少任务 {task_id}（{item}）的行，请不要删除填报表中的行，补上后重新发送。")
            fill.row_marks[(task_id, first_choice.key)] = "这一行在交回的表格中被删除了，请补填。"
            continue
        for column, wanted in zip(locked, want.values):
            if column.key == "task_id" or column.header not in form.columns or task_id in by_text:
                continue
            if row[column.header] != wanted and _squash(row[column.header]) != _squash(wanted):
                locked_changed = True
                problems.append(f"{where}{form.ref(row.rownum, column.header)}：{column.header}被改动，"
                                "锁定的内容不能修改，已按责任分解表原文处理。")
        values = {c.key: wanted for c, wanted in zip(locked, want.values) if c.ledger}
        for column in schema.answer_columns:
            text = row[column.header]
            value, problem, mark = _check_answer(column, text, want.role, column.header in form.columns)
            values[column.key] = value
            if problem:  # the cell is named only when something is wrong with it
                problems.append(f"{where}{form.ref(row.rownum, column.header)}（{item}）：{problem}")
                fill.row_marks[(task_id, column.key)] = mark
        ex.answers.append(answer_row(Answer(task_id, want.role, values, row.rownum)))
        ex.answered += any(row[c.header] for c in schema.answer_columns)
        fill.rows[task_id] = {c.key: row[c.header] for c in schema.answer_columns}
    return locked_changed


def _written_in_closed(row, schema) -> bool:
    """Whether a 已办结 row of a return says anything but the 已办结 its form showed."""
    return any(row[c.header] not in ("", CLOSED) if c.choices else row[c.header] for c in schema.answer_columns)


def _check_answer(column, text, role, present=True) -> tuple:
    """(the value kept, the problem, the mark on the copy sent back) of one answer cell; "" when all is well.

    A word not in a dropdown's list is kept as written, marked: never lost, never read as 未报送.
    """
    if not present:  # its column is lost: said once for the whole column
        return "", "", ""
    listed = column.choices_text
    if not text:
        if role not in column.required:
            return "", "", ""
        if column.choices:
            return ("", f"{column.header}未填写，请从下拉列表中选择 {listed} 之一。",
                    f"{column.header}未填写，请从下拉列表中选择：{listed}。")
        return ("", f"{column.header}未填写，本单位{role}的任务必须填写{column.header}。",
                f"本单位{role}的任务，{column.header}必须填写。")
    if not column.choices:
        return text, "", ""
    choice = normalize_choice(text, column.choices)
    if choice is None:
        return (f"{text}（{UNCLEAR}）", f"{column.header}“{text}”不是可选值，请改为 {listed} 之一。",
                f"“{text}”不是可选值，请改为：{listed}。")
    return choice, "", ""


def _match_rows(ex, form, expected, locked, where, problems) -> tuple[dict, set]:
    """The form's rows by task ID (first of each), and the IDs whose row was read by the task text it shows.

    A form issued before the table was re-imported shows each task's text beside the ID it had then;
    where the ID now names another text, the row is the task of the same (or the most similar) text.
    A row no task of the unit matches is named in ``problems``. Only a form whose locked cells are as
    issued (its fingerprint) is read by its text: in an edited one, the ID and the text are the unit's doing.
    """
    intact = None  # worked out at the first row whose text is not its ID's
    id_header = form.schema.column("task_id").header
    keys = [c.key for c in locked]
    headers = {c.key: c.header for c in locked}
    tasks = [_Shown(row.task_id, *(row.values[keys.index(k)] if k in keys else "" for k in ("item", "target")))
             for row in expected.values()]
    by_id = {t.task_id: t for t in tasks}
    got, by_text, moved = {}, set(), {}
    for row in form.rows:
        task_id = row[id_header]
        item, target = row[headers.get("item", "")], row[headers.get("target", "")]
        want = by_id.get(task_id)
        if (item or target) and (want is None or ((item, target) != (want.item, want.target)
                                                  and _squash(item + target) != _squash(want.item + want.target))):
            if intact is None:
                intact = form.meta.get("fingerprint") == form.locked_fingerprint()
            found = None if not intact else find_task(item, target, [t for t in tasks if t.task_id not in got])
            if found is not None and found.task_id != task_id:
                ex.notes.append(f"{where}第{row.rownum}行：{id_header}“{task_id}”在现在的责任分解表中是另一项任务"
                                f"（表格是重新导入主表前下发的），已按这一行的任务内容“{item}”对应为 {found.task_id}。")
                moved[task_id] = found.task_id
                task_id = found.task_id
            if found is not None:
                by_text.add(task_id)
            elif want is None and intact:
                problems.append(f"{where}第{row.rownum}行：任务“{item}”（{id_header}“{task_id}”）已不在本单位现在的任务中"
                                "（责任分解表已重新导入），已忽略该行，请核对。")
                continue
        if task_id in got:
            problems.append(f"{where}第{row.rownum}行：{id_header}“{task_id}”与第{got[task_id].rownum}行重复，已只采用第一行，请删除重复的行。")
            continue
        got[task_id] = row
    for task_id in got:
        if task_id not in expected:
            problems.append(f"{where}第{got[task_id].rownum}行：{id_header}“{task_id}”不是本单位的任务，已忽略该行，请不要在填报表中增加行。")
    if moved:  # its indicators are numbered by their task: T0102-1 is T0103-1 when T0102's row is T0103's
        form.indicator_rows = {renumbered(ind_id, moved): row for ind_id, row in form.indicator_rows.items()}
    return got, by_text


@dataclass(frozen=True)
class _Shown:
    """A task as the unit's form shows it now: what a form row's text is matched against."""

    task_id: str
    item: str
    target: str


def _validate_indicators(ex, form, expected):
    """Read each indicator's value to date; what cannot be read is a problem naming its cell."""
    where = f"工作表“{INDICATOR_FORM_SHEET}”"
    marks = ex.fill.indicator_marks
    problems = []
    for ind_id, _task_id, name, target, unit in expected:
        found = form.indicator_rows.get(ind_id)
        if found is None:
            problems.append(f"{where}：缺少指标 {ind_id}（{name}）的行，请不要删除“{INDICATOR_FORM_SHEET}”中的行，"
                            "补上后重新发送。")
            marks[(ind_id, H_IND_VALUE)] = "这一行在交回的表格中被删除了，请补填。"
            continue
        _rownum, raw, note, ref = found
        ex.fill.indicators[ind_id] = {H_IND_VALUE: text_of(raw), H_NOTE: note}
        example = "92%" if unit == "%" else "0" if target == "零发生" else "12"
        if raw is None:
            problems.append(f"{where}{ref}（{name}）：{H_IND_VALUE}未填写，请填写数字，例如 {example}。")
            marks[(ind_id, H_IND_VALUE)] = f"请填写截至本月的累计完成值（数字），例如 {example}。"
            continue
        value, doubt = check_reported(raw, target, unit)
        if doubt:  # a number the indicator cannot take: not scored until the department confirms it
            problems.append(f"{where}{ref}（{name}）：{doubt}")
            marks[(ind_id, H_IND_VALUE)] = doubt
        elif value is None:
            problems.append(f"{where}{ref}（{name}）：完成值“{text_of(raw)}”无法识别为数字，"
                            f"请改为数字，例如 {example}。")
            marks[(ind_id, H_IND_VALUE)] = (f"“{text_of(raw)}”不是数字，请改为数字，例如 {example}；"
                                            f"文字说明请写在“{H_NOTE}”中。")
        ex.indicator_values.append(IndicatorValue(ind_id, value, text_of(raw), note))
    return problems


def _sender_doubts(name: str, filler: str, owner: str, expectations) -> list:
    """One line when the file's (or its zip's) name or the 填报人 cell names a known unit other than the owner.

    The longest unit name found counts; among names as long, the one earlier in the table.
    """
    units, lengths = expectations.positions, expectations.name_lengths
    for source, text in ((f"文件名“{name}”", name), (f"{FILLER_LABEL.rstrip('：')}“{filler}”", filler)):
        # Every piece of the text as long as some unit's name: as quick with 10,000 units as with 10.
        others = {piece for n in lengths for i in range(len(text) - n + 1)
                  if (piece := text[i:i + n]) in units and piece != owner and piece not in owner}
        if others:
            other = min(others, key=lambda u: (-len(u), units[u]))
            return [f"{name}：这是{owner}的填报表，但{source}写的是{other}，像是{other}用{owner}的表填报的；"
                    f"已暂按{owner}登记为待补正，{other}仍算未报送，请向两个单位核实。"]
    return []


def _period_of(text: str) -> str | None:
    """``YYYY-MM`` as written in a form's hidden sheet, checked; None when it is anything else."""
    if not re.fullmatch(r"\d{4}-\d{2}", text):
        return None
    try:
        return str(Period.parse(text))
    except UsageError:
        return None


def _squash(text: str) -> str:
    """Text compared leniently: full-width forms as ordinary ones, no white space."""
    return re.sub(r"\s+", "", nfkc(text))


def normalize_choice(text: str, choices: tuple) -> str | None:
    """One of ``choices``, tolerating spaces and full-width characters; None if it is none of them."""
    if text in choices:
        return text
    value = _squash(text)
    return value if value in choices else None


# ---------------------------------------------------------------------------
# The run

@dataclass
class CollectResult:
    """What one run did, for the summary and the tests."""

    period: Period
    processed: list = field(default_factory=list)  # Examined, in order (zip containers excluded)
    duplicates: list = field(default_factory=list)  # Examined
    unpacked: list = field(default_factory=list)  # Examined of zip containers
    skipped_busy: list = field(default_factory=list)  # names of files still being written
    in_use: list = field(default_factory=list)  # archived, but open elsewhere: not yet removed from inbox/
    read_only: list = field(default_factory=list)  # archived, but in a folder that cannot be written
    changed: list = field(default_factory=list)  # names of files saved again while being collected: left for next run
    lost: list = field(default_factory=list)  # names of files a crashed run recorded whose bytes could not be archived
    recovered: int = 0
    rebuilt: str = ""  # the line saying the ledger was rebuilt from the archive, or ""
    missing: list = field(default_factory=list)  # recipients with no accepted return for the period
    reported: list = field(default_factory=list)
    marked_copies: list = field(default_factory=list)
    after_report: list = field(default_factory=list)  # Examined for another period whose report day had passed

    def count(self, verdict: str) -> int:
        return sum(1 for e in self.processed if e.verdict == verdict)


class Collector:
    """Collects inbox/ for one table and config. The clock and the settle time are parameters."""

    def __init__(self, config, table, now=None, settle_seconds: int | None = None, workers: int | None = None,
                 progress=None):
        self.config = config
        self.table = table
        self.now = now or dt.datetime.now
        self.settle = config.settle_seconds if settle_seconds is None else settle_seconds
        self.workers = workers
        self.progress = progress
        self.inbox = config.inbox
        self.archive = config.archive
        self.rejected = config.rejected
        self.unpack = config.inbox / UNPACK_DIR
        self._specs = {}  # period -> recipient -> FormSpec, for marked copies
        self._pending_sources = set()  # inbox files archived but still open elsewhere

    # -- scanning ------------------------------------------------------------
    def candidates(self):
        """Files in inbox/ and its subfolders to process, oldest first; ignored and own folders left out."""
        own = {self.archive.resolve(), self.rejected.resolve()}
        found = []
        for dirpath, dirnames, filenames in os.walk(self.inbox):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames
                                 if (here / d).resolve() not in own
                                 and (not d.startswith(".") or (here / d) == self.unpack))
            for name in filenames:
                path = here / name
                try:
                    st = path.stat()
                except OSError:  # gone (moved or renamed) since the folder was listed
                    continue
                if self._ignored(path, st) or os.path.abspath(path) in self._pending_sources:
                    continue
                found.append((st.st_mtime, str(path), path))
        found.sort()
        return [p for _, _, p in found]

    @staticmethod
    def _ignored(path, st):
        name = path.name
        if name.startswith(("~$", ".")) or name.lower() in IGNORED_NAMES or name.lower().endswith(IGNORED_SUFFIXES):
            return True
        attrs = getattr(st, "st_file_attributes", 0)
        return bool(attrs & (getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 2) | getattr(stat, "FILE_ATTRIBUTE_SYSTEM", 4)))

    def stable(self, paths):
        """Split into (ready, busy): files modified within the settle time are watched once for change."""
        if self.settle <= 0:
            return paths, []
        young, present = {}, []
        now = self.now().timestamp()
        for p in paths:
            try:
                st = p.stat()
            except OSError:  # gone since it was listed: nothing to collect
                continue
            present.append(p)
            if now - st.st_mtime < self.settle:
                young[p] = (st.st_size, st.st_mtime)
        paths = present
        if young:
            time.sleep(self.settle)
        ready, busy = [], []
        for p in paths:
            if p in young:
                try:
                    st = p.stat()
                    with open(p, "rb"):
                        pass  # Windows refuses this while another program is writing the file
                except OSError:
                    busy.append(p)
                    continue
                if (st.st_size, st.st_mtime) != young[p]:
                    busy.append(p)
                    continue
            ready.append(p)
        return ready, busy

    # -- the run -------------------------------------------------------------
    def run(self, period: Period) -> CollectResult:
        result = CollectResult(period=period)
        self._run_at = self.now().isoformat(timespec="seconds")
        self._period = period
        for folder in (self.inbox, self.archive, self.rejected, self.config.ledger.parent):
            if folder.exists() and not os.access(folder, os.W_OK):
                raise OutputError(f"文件夹 {folder} 不允许写入，本次没有收取任何文件。"
                                  "请在文件夹“属性”中取消“只读”或请管理员开放写入权限后再运行。")
        recipients = self.table.recipients(self.config.departments)
        self._specs[period] = {s.recipient: s for s in specs_for(self.table, self.config, period, recipients)}
        specs = self._specs[period]
        expectations = Expectations(self.table.schema, {name: spec.rows for name, spec in specs.items()}, str(period),
                                    {name: spec.indicators for name, spec in specs.items()}, specs,
                                    self.config.departments.aliases)
        ledger, result.rebuilt = rebuild.open_ledger(
            self.config.ledger, self.config.path.parent, (self.archive, self.rejected),
            lambda path, name: examine_safely(path, name, expectations), self.now)
        with ledger:
            result.recovered = self.recover(ledger, result)
            for _round in range(3):  # zips unpack into inbox/.解压, whose members are taken next round
                ready, busy = self.stable(self.candidates())
                result.skipped_busy = [self._name(p) for p in busy]
                if not ready:
                    break
                examined = self._examine_all(ready, expectations)
                unpacked_any, seen, done = False, {}, 0  # seen: sha256 -> name, of files not rejected
                while batch := list(itertools.islice(examined, BATCH)):
                    unpacked_any |= self._place_batch(ledger, batch, result, expectations, seen)
                    done += len(batch)
                    if self.progress:
                        self.progress(done, len(ready))
                if not unpacked_any:
                    break
            taken = {e.original_name for e in result.processed + result.duplicates}
            result.changed = [n for n in dict.fromkeys(result.changed) if n not in taken]
            aliases = self.config.departments.aliases  # a return under a unit's former name is the unit's
            reported, missing = split_reported([r for r in recipients if asks(specs[r.name])],
                                               {aliases.get(n, n) for n in ledger.reporters(period)})
        result.reported = [r.name for r in reported]
        result.missing = [r.name for r in missing]
        self._cleanup_unpack_dir()
        return result

    def _name(self, path):
        """How the clerk knows a file: its path in inbox/, a zip's member as zip name/member."""
        path = Path(path)
        try:
            rel = path.relative_to(self.unpack)
            parts = rel.parts
            # .解压/<zip sha12>_<zip name>/member -> zip name/member
            return "/".join((parts[0].split("_", 1)[-1],) + parts[1:])
        except ValueError:
            pass
        try:
            return path.relative_to(self.inbox).as_posix()
        except ValueError:  # outside inbox/ (recorded when inbox/ was elsewhere): its own name
            return path.name

    def _examine_all(self, paths, expectations):
        """Examined files in order, as they are ready: placing overlaps examining when a pool is used."""
        names = [self._name(p) for p in paths]
        workers = self.workers
        if workers is None:
            threshold = POOL_THRESHOLD.get(multiprocessing.get_start_method(), 1024)
            workers = min(2, os.cpu_count() or 1) if len(paths) >= threshold else 1
        if workers <= 1:
            yield from (examine_safely(p, n, expectations) for p, n in zip(paths, names))
            return
        # The expectations go to each worker once, not with every file.
        with worker_pool(workers, _set_worker_expectations, (expectations,)) as pool:
            yield from ordered_map(pool, _examine_in_worker, paths, names, chunksize=16, ahead=2 * workers + 2)

    def _place_batch(self, ledger, batch, result, expectations, seen):
        """Archive a batch: link every file into place, record them in one transaction, then unlink.

        Per file the order is the one a crash can be recovered from: bytes placed, ledger
        row committed as pending, inbox file removed, row marked done.

        Returns:
            True if a zip was unpacked (its members wait in inbox/.解压 for the next round).
        """
        placed, unpacked_any = [], False
        for ex in batch:
            ex.received_at = self._received_at(ledger, ex)
        # Linking a file changes its ctime: when each was first seen is committed before any is touched.
        ledger.note_first_seen([(ex.sha256, ex.path, ex.received_at) for ex in batch])
        for ex in batch:
            dest, duplicate = self._destination(ledger, ex, result, seen)
            stored = self._put(Path(ex.path), dest, ex.sha256)
            if stored is None:  # saved again since it was examined: the new version is examined next run
                result.changed.append(ex.original_name)
                continue
            marked = self._consequences(ex, stored, duplicate, result, expectations)
            unpacked_any |= ex.verdict == UNPACKED and not duplicate
            placed.append((ex, stored, duplicate, marked))
            if ex.verdict != REJECTED:  # a rejection is no original: the same bytes are examined again
                seen.setdefault(ex.sha256, ex.original_name)
        seen_at = self.now().isoformat(timespec="seconds")
        drops = ledger.record_many([(ex, dest, Path(ex.path), seen_at, duplicate, marked)
                                    for ex, dest, duplicate, marked in placed])
        done = []
        for (ex, stored, *_), drop in zip(placed, drops):
            removed = _unlink_same(ex.path, ex.sha256)
            if removed:
                done.append(drop)
                continue
            _detach(stored, ex.sha256)  # the inbox file stays: whatever is written to it later is not archived
            if removed is None:  # archived, in a folder that cannot be written: stays pending
                result.read_only.append(ex.original_name)
            else:  # archived, but open in Excel: stays pending, finished by a later run
                result.in_use.append(ex.original_name)
        ledger.mark_done_many(done)
        for ex, *_ in placed:  # the ledger has them now: the run's result keeps what its summary says
            ex.answers, ex.indicator_values, ex.fill, ex.marked = (), (), None, b""
        return unpacked_any

    def _destination(self, ledger, ex, result, seen):
        """Where a file goes, and whether it is a duplicate; a zip's members are unpacked here."""
        head = rebuild.archive_prefix(ex.received_at, ex.sha256)  # "<receipt time>_<content digest>_"
        own_name = PurePosixPath(ex.original_name).name

        def name(prefix):  # the file's own name behind a prefix, cut to fit with its extension kept
            return files.safe_filename(own_name, prefix=prefix)

        ex.repeats = seen.get(ex.sha256)
        if ex.repeats is None:
            known = ledger.known(ex.sha256)
            if known is not None and known[1] != REJECTED:  # a rejected file put back is examined again
                ex.repeats = known[2]
        duplicate = ex.repeats is not None
        if not duplicate and ex.verdict == UNPACKED:
            if self._unpack(Path(ex.path), ex):
                result.unpacked.append(ex)
            # else: _unpack rejected it; it goes to 退回 below
        if duplicate:
            tag = hashlib.sha256(ex.original_name.encode("utf-8")).hexdigest()[:6]
            return self.archive / DUPLICATE_DIR / name(f"{head}{tag}_"), True
        if ex.verdict == UNPACKED:
            return self.archive / ZIP_DIR / name(head), False
        if ex.verdict == REJECTED:
            return self.rejected / name(head), False
        return self.archive / ex.period / files.safe_filename(ex.recipient) / name(head), False

    def _consequences(self, ex, stored, duplicate, result, expectations):
        """What follows from a file placed at ``stored``: its note or marked copy, and its place in the result.

        Returns:
            The marked copy's path, or None.
        """
        marked = None
        if duplicate:
            result.duplicates.append(ex)
        elif ex.verdict == REJECTED:
            self._write_note(stored, ex)
            result.processed.append(ex)
        elif ex.verdict != UNPACKED:
            if ex.period != str(self._period) and (
                    ex.received_at[:10] > self.config.report_date(Period.parse(ex.period)).isoformat()):
                result.after_report.append(ex)
            if ex.verdict in (TO_FIX, EMPTY):
                marked = self._marked_copy(ex, expectations)
                result.marked_copies.append(marked)
            result.processed.append(ex)
        return marked

    def _received_at(self, ledger, ex) -> str:
        """When ``ex`` arrived: the moment the file was put into inbox/ (its creation there, as the file
        system records it), at the latest this run; for a zip's member, the time the zip was received.

        A file dropped into inbox/ on the deadline day and collected by the next morning's run arrived on time.
        A file a crashed run saw first keeps the time that run committed (linking it since changed its ctime).
        """
        seen = ledger.first_seen(ex.sha256, ex.path)
        if seen:
            return seen
        try:
            folder = Path(ex.path).relative_to(self.unpack).parts[0]
        except ValueError:
            try:
                st = os.stat(ex.path)
            except OSError:
                return self._run_at
            created = getattr(st, "st_birthtime", st.st_ctime)  # Windows: creation; POSIX: the move or copy in
            return min(self._run_at, dt.datetime.fromtimestamp(created).isoformat(timespec="seconds"))
        zipped = ledger.received(folder.split("_", 1)[0])
        return zipped or self._run_at

    def _put(self, source, dest, sha):
        """Link (or copy) ``source`` to ``dest``; an identical file already there counts as done.

        Returns:
            Where the bytes are; None when ``source`` no longer has the content ``sha`` (saved again since it
            was examined): nothing is placed, and the file stays in inbox/ for the next run.
        """
        dest.parent.mkdir(parents=True, exist_ok=True)
        while True:
            if dest.exists():
                if files.sha256_file(dest) == sha:
                    return dest
                dest = files.free_name(dest)
                continue
            try:
                os.link(source, dest)
            except FileExistsError:
                continue
            except FileNotFoundError:  # moved or deleted since it was examined: nothing to place
                return None
            except OSError:  # no hard links here (FAT, some network shares): a copy of the bytes examined
                data = _same_bytes(source, sha)
                if data is None:
                    return None
                with files.atomic_path(dest) as tmp:
                    tmp.write_bytes(data)
                return dest
            if files.sha256_file(dest) != sha:  # the link holds what the file is now, not what was examined
                dest.unlink()
                return None
            return dest

    def recover(self, ledger, result):
        """Finish what a crashed run recorded but did not complete; returns how many.

        A file whose bytes can no longer be placed (its archived copy gone, and the inbox file moved or saved
        again since) is finished all the same and named in ``result.lost``: the ledger keeps what was read.
        """
        done = 0
        self._pending_sources = set()
        for drop_id, sha, source_rel, stored_rel in ledger.pending_drops():
            source, stored = ledger.abs(source_rel), ledger.abs(stored_rel)
            if not (stored.exists() and files.sha256_file(stored) == sha):
                if not (source.exists() and self._put(source, stored, sha) is not None):
                    result.lost.append(self._name(source))
            if not _unlink_same(source, sha):
                self._pending_sources.add(os.path.abspath(source))  # still open: leave it for next time
                continue
            ledger.mark_done_many([drop_id])
            done += 1
        return done

    def _write_note(self, dest, ex):
        note = dest.with_name(dest.name + NOTE_SUFFIX)
        lines = [
            "退回说明",
            f"文件：{ex.original_name}",
            f"收到时间：{ex.received_at.replace('T', ' ')}",
            "原因：" + "；".join(ex.problems),
            "处理：请按上述原因联系报送单位，请对方使用下发的填报表（.xlsx）重新填写后发回；"
            "重新发回的文件放进 inbox 文件夹即可，本文件已保存在此，不会被删除。",
        ]
        if not note.exists():
            files.atomic_write_bytes(note, ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))

    def _marked_copy(self, ex, expectations):
        """The department's own form, refilled with its answers, problem cells highlighted and commented."""
        period = Period.parse(ex.period)
        if not ex.marked and period not in self._specs:
            self._specs[period] = {s.recipient: s for s in specs_for(self.table, self.config, period)}
        spec = None if ex.marked else dataclasses.replace(self._specs[period][ex.recipient], fill=ex.fill)
        folder = self.config.period_dir(Period.parse(ex.period)) / FIX_DIR
        # One current copy per unit under a plain name; an older one goes to 旧版/ with the time it was replaced.
        path = folder / files.safe_filename(ex.recipient, f"_{ex.period}填报表_待补正.xlsx")
        if path.exists():
            stamp = self.now().strftime(FILE_STAMP)
            old = files.safe_filename(ex.recipient, f"_{ex.period}填报表_待补正_{stamp}.xlsx")
            files.move_no_clobber(path, folder / FIX_OLD_DIR / old)
        files.atomic_write_bytes(path, ex.marked or build_form(spec))
        return path

    def _unpack(self, source, ex):
        """Extract a zip's members into inbox/.解压/; False (and ``ex`` rejected) when it is unsafe, None when
        it no longer has the content examined (nothing extracted)."""
        target = self.unpack / files.safe_filename(Path(ex.original_name).stem, prefix=f"{ex.sha256[:12]}_")
        data = _same_bytes(source, ex.sha256)
        if data is None:  # gone, or saved again since examined: not unpacked; _put leaves it for the next run
            return None
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                infos = [i for i in z.infolist() if not i.is_dir()]
                if len(infos) > ZIP_MAX_MEMBERS or expands_too_far(infos):
                    _reject(ex, f"{ex.original_name}：压缩包解压后体积异常（压缩炸弹），为保护本机已拒收，"
                                "请对方直接发送填报表。")
                    return False
                for info in infos:
                    if info.flag_bits & 0x1:
                        _reject(ex, f"{ex.original_name}：压缩包设置了密码，无法解压，请对方去掉密码或直接发送填报表。")
                        return False
                for info in infos:
                    parts = [files.safe_filename(p) for p in PurePosixPath(_member_name(info)).parts
                             if p not in ("", ".", "..", "/")]
                    if not parts or any(p.startswith("~$") for p in parts):
                        continue
                    out = target.joinpath(*parts)
                    if out.exists() and out.stat().st_size == info.file_size:
                        continue  # a crashed run extracted it already
                    with z.open(info) as member:
                        data = member.read(MAX_UNCOMPRESSED + 1)
                    files.atomic_write_bytes(out, data)
                    os.utime(out, (ex.mtime, ex.mtime))
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
            _reject(ex, f"{ex.original_name}：压缩包已损坏，无法解压，请对方重新发送。")
            return False
        return True

    def _cleanup_unpack_dir(self):
        if not self.unpack.exists():
            return
        for dirpath, _, _ in sorted(os.walk(self.unpack), key=lambda t: -len(t[0])):
            try:
                os.rmdir(dirpath)  # only empty folders go; a member not yet taken stays
            except OSError:
                pass


def _member_name(info):
    """A zip member's name: UTF-8 when flagged, else the GBK that Chinese Windows zips use."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _same_bytes(path, sha) -> bytes | None:
    """The bytes of ``path`` if it still has the content ``sha`` (the content examined); None if not, or gone."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha else None


def _detach(stored, sha):
    """Give an archived file bytes of its own: a hard link shares them with the inbox file it was made from."""
    data = _same_bytes(stored, sha)
    if data is not None:
        files.atomic_write_bytes(stored, data)


def _unlink_same(path, sha):
    """Remove an inbox file once its bytes are safe elsewhere; only if it is still the same content.

    Returns:
        True when removed; False when the file is open in another program (Windows refuses to
        delete it); None when the folder holding it cannot be written.
    """
    path = Path(path)
    try:
        if path.exists() and files.sha256_file(path) == sha:
            path.unlink()
    except PermissionError:
        return False if os.access(path.parent, os.W_OK) else None
    return True


def summary_lines(result):
    """The Chinese summary a clerk reads after collecting."""
    n = len(result.processed) + len(result.duplicates)
    lines = [result.rebuilt] if result.rebuilt else []
    lines += [f"收到 {n} 份：有效 {result.count(VALID)}，待补正 {result.count(TO_FIX)}，"
             f"退回 {result.count(REJECTED)}，重复 {len(result.duplicates)}"
             + (f"，{EMPTY} {result.count(EMPTY)}" if result.count(EMPTY) else "")]
    if result.recovered:
        lines.append(f"已完成上次中断时未完成的 {result.recovered} 个文件的归档。")
    if result.lost:
        lines.append("上次中断时已登记、未归档的文件已找不回原样（归档副本已不在，inbox 中的文件已被移走或改动）："
                     + "、".join(result.lost) + "；台账保留了当时读到的内容，inbox 中改动后的文件按新的报送收取。")
    if result.unpacked:
        lines.append(f"已解压压缩包 {len(result.unpacked)} 个：" + "、".join(e.original_name for e in result.unpacked))
    other = {}
    for e in result.processed:
        if e.period and e.period != str(result.period) and e.verdict != REJECTED:
            other.setdefault(e.period, []).append(e)
    for p, items in sorted(other.items()):
        named = "、".join(f"{e.recipient}（{_replacing(e)}）" for e in items)
        lines.append(f"其中 {len(items)} 份属于 {p}，已归入该期次：{named}")
    for e in result.after_report:
        lines.append(f"{AFTER_REPORT}：{e.recipient}（{_replacing(e)}）是 {e.period} 的报送，收到时该期的报告日已过；"
                     "已登记，该期的汇总表和报告没有改动，"
                     f"如需更新请运行 python scripts/monthly.py --period {e.period}。")
    for e in result.processed:
        for note in e.notes:
            lines.append(f"注意：{e.original_name}：{note}")
        if e.verdict == TO_FIX:
            lines.append(f"待补正：{e.original_name}（{e.recipient}）")
            lines.extend(f"  · {problem}" for problem in e.problems)
        elif e.verdict == REJECTED:
            lines.append(f"退回：{e.problems[0]}")
        elif e.verdict == EMPTY:
            lines.append(f"{EMPTY}：{e.original_name}（{e.recipient}）交回的表格是空的，不算报送，仍在催报名单中。")
        if e.standing == HELD:
            lines.append(f"{HELD}：{e.original_name}（{e.recipient}）填写的任务比已收到的“{e.replaces}”少，"
                         "或与之同时收到，暂不替换；如确应以它为准，请运行 "
                         f"python scripts/collect.py --accept \"{PurePosixPath(e.original_name).name}\"。")
    for e in result.duplicates:
        lines.append(f"重复：{e.original_name}（与已收到的“{e.repeats}”内容完全相同，只登记一次）")
    if result.marked_copies:
        lines.append(f"已为待补正的单位生成标注了问题的表格，可直接发回：{result.marked_copies[0].parent}")
    if result.in_use:
        lines.append("以下文件已归档，但正被其他程序（如 Excel）打开，暂未从 inbox 移走；关闭后再运行一次即可："
                     + "、".join(result.in_use))
    if result.read_only:
        lines.append("以下文件已归档，但所在文件夹不允许写入，无法从 inbox 移走；请取消该文件夹的“只读”后再运行一次："
                     + "、".join(result.read_only))
    if result.skipped_busy:
        lines.append("以下文件可能仍在写入，本次未处理，下次运行时再处理：" + "、".join(result.skipped_busy))
    if result.changed:
        lines.append("以下文件在收取过程中又被保存过或被移走，本次未收取；仍在 inbox 中的，下次运行时按新内容收取："
                     + "、".join(result.changed))
    total = len(result.missing) + len(result.reported)
    if result.missing:
        lines.append(f"{result.period} 已报送 {len(result.reported)}/{total} 个单位；尚未报送（{len(result.missing)} "
                     "个）："
                     + "、".join(result.missing))
    else:
        lines.append(f"{result.period} 全部 {total} 个单位均已报送。")
    return lines


def _replacing(e) -> str:
    """A file's name, and the earlier return of its unit and period that it now stands in for."""
    if e.replaces and e.standing != HELD:
        return f"{e.original_name}，代替先收到的“{e.replaces}”"
    return e.original_name


def progress_printer(stream=None):
    """A one-line progress bar on a terminal; nothing when output is redirected."""
    stream = stream or sys.stderr
    if not getattr(stream, "isatty", lambda: False)():
        return None

    def show(done, total):
        if total < 20:
            return
        width = 30
        filled = width * done // total
        stream.write(f"\r处理中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show
