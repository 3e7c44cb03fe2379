"""Examining one return: what the file is, whose form, for which period, and each row and answer checked.

:func:`examine` is pure (it reads the file, never writes): it runs in a worker process when there are many.
It identifies the form sheet (:func:`_the_form`), the unit and period (sender.py), matches each task row
(:func:`_match_rows`) and checks it (:func:`_checked_rows`) and each answer (:func:`_check_answer`), the
indicators' values (examine_indicators.py), and decides 有效, 待补正, 未填报 or 退回.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, NotAFormError
from .examine_indicators import check_indicators
from .formread import form_sheets, read_form
from .forms import DATE_LABEL, FILLER_LABEL, PHONE_LABEL, FormFill, build_form, locked_columns
from .ledger import answer_row
from .matching import find_task, renumbered
from .model import Answer
from .schema import FORM
from .sender import identity_problems, recipient_of
from .vocab import (
    CLOSED,
    EMPTY,
    FORM_SHEET,
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
from .workbooks import open_workbook, sniff


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
    indicator_values: list = field(default_factory=list)  # examine_indicators.IndicatorValue
    answered: int = 0  # task rows with at least one answer
    standing: str = ""  # vocab.HELD when it waits for the clerk instead of replacing an earlier return
    replaces: str = ""  # original name of the return of the unit that counted before this one
    repeats: str | None = None  # for a duplicate, the original name of the file it repeats
    marked: bytes = b""  # the marked copy of a 待补正 or 未填报 return of the period collected, built by the examiner

    @property
    def file_time(self) -> str:
        """When the file says it was saved (its modification time)."""
        return dt.datetime.fromtimestamp(self.mtime).isoformat(timespec="seconds")


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
    ex = Examined(
        path=str(path),
        original_name=original_name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mtime=st.st_mtime,
        received_at="",
    )
    label = original_name
    ex.kind = sniff(data)
    if ex.kind == "zip":
        ex.verdict = UNPACKED
        return ex
    try:
        _, sheets = open_workbook(path, label=label, data=data, wanted=form_sheets, kind=ex.kind)
        form, note = _the_form(sheets, label, expectations.schema)
    except InputError as exc:  # unreadable, encrypted, unsafe, not a form: all rejected with their reason
        return reject(ex, str(exc))
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
        return form, (
            f"已读取填好的工作表“{form.sheet}”，" + "".join(f"“{n}”" for n in blank) + "没有填写。" if blank else ""
        )
    pool = filled or found
    if len({_answers(f, headers) for f in pool}) == 1:
        return next((f for f in pool if f.sheet == FORM_SHEET), pool[0]), ""
    matching = [f for f in pool if f.meta.get("fingerprint") == f.locked_fingerprint()]
    if len(matching) == 1:
        return matching[0], ""
    listed = "".join(f"“{f.sheet}”" for f in pool)
    raise NotAFormError(
        f"{label}：有 {len(pool)} 个工作表（{listed}）都像填报表，填写的内容各不相同，"
        "无法判断哪个是交回的，请对方只保留填好的那一个后重新发送。"
    )


def _answers(form, headers) -> tuple:
    """What a form sheet says, row by row: to tell a copy that says the same from one that does not."""
    return tuple((row.rownum, tuple(row[h] for h in headers)) for row in form.rows)


_WORKER_EXPECTATIONS = None


def set_worker_expectations(expectations: Expectations) -> None:
    """A worker process's expectations, set once when it starts."""
    global _WORKER_EXPECTATIONS
    _WORKER_EXPECTATIONS = expectations


def examine_in_worker(path, name: str) -> Examined:
    """:func:`examine_safely` in a worker, with the expectations it was started with."""
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
        ex = Examined(
            path=str(path),
            original_name=original_name,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            mtime=st.st_mtime if st else time.time(),
            received_at="",
        )
        return reject(
            ex, f"{original_name}：无法读取（{type(exc).__name__}），已退回；请对方用下发的填报表重新填写后发回。"
        )


def reject(ex: Examined, reason: str) -> Examined:
    """``ex`` rejected (退回) for ``reason``, its only problem."""
    ex.verdict = REJECTED
    ex.problems = [reason]
    return ex


def _validate(ex, form, expectations):
    """Judge a form read from a return: whose it is, for which period, and each row and answer."""
    recipient, refusal = recipient_of(ex, form, expectations)
    if recipient is None:
        reject(ex, refusal)
        return
    problems = identity_problems(ex, form, recipient, expectations)
    expected = {row.task_id: row for row in expectations.recipients[recipient]}
    checked = _checked_rows(ex, form, expected, expectations.schema)
    if checked is None:  # rejected: its rows cannot be told apart
        return
    row_problems, order_problems = checked
    indicator_problems = []
    if "indicators" in form.meta or form.indicator_rows:  # forms made before indicators existed have none
        indicator_problems = check_indicators(ex, form, expectations.indicators.get(recipient, ()))
    ex.problems = problems + row_problems + indicator_problems + order_problems
    ex.verdict = TO_FIX if ex.problems else VALID
    if not ex.answered and any(not row.closed for row in expected.values()):
        _unanswered(ex, f"工作表“{form.sheet}”", indicator_problems)


def _checked_rows(ex, form, expected, schema) -> tuple[list, list] | None:
    """Each task row matched and checked, into ``ex``: (the rows' problems, the problem of rows reordered or
    changed that no row's problem explains); None when ``ex`` is rejected because its rows cannot be matched."""
    where = f"工作表“{form.sheet}”"
    rows = _rows_by_task(ex, form, expected, schema, where)
    if rows is None:
        reject(
            ex,
            f"{ex.original_name}：{where}找不到“{schema.column('task_id').header}”列"
            f"（表头被改动或删除），行数也与下发时不同，无法判断每一行是哪项任务，"
            f"请把第{form.header_row}行的表头恢复后重新发送。",
        )
        return None
    got, problems, rows_reported, by_text = rows
    locked_changed = _check_rows(ex, form, expected, got, by_text, schema, problems)
    ex.fill.header.update({FILLER_LABEL: form.filler, PHONE_LABEL: form.phone, DATE_LABEL: form.date})
    # Rows in the order they were sent out leave the fingerprint as it was (each locked cell is compared):
    # it is worked out only for a reordered form.
    same_order = [t for t in got if t in expected] == list(expected)
    fingerprint_ok = (
        form.meta.get("fingerprint") is None or same_order or form.meta["fingerprint"] == form.locked_fingerprint()
    )
    if not fingerprint_ok and not locked_changed and not rows_reported:
        return problems, [f"{where}：锁定内容与下发时不一致（行的顺序或内容被调整），已按任务编号对应处理，请核对。"]
    return problems, []


def _unanswered(ex, where, indicator_problems):
    """A return with no task answered: 未填报 (not a report), unless it gives indicator values, which count."""
    if ex.indicator_values:  # only 指标填报 filled in: a report, its tasks to be filled in
        ex.verdict = TO_FIX
        ex.problems = [
            f"{where}：只填写了“{INDICATOR_FORM_SHEET}”，各项任务都没有填写；指标的完成值已收到，"
            "请补填各项任务的完成状态和推进情况后重新发送。"
        ] + indicator_problems
        return
    ex.verdict = EMPTY  # sent back as it was sent out: not a report
    ex.problems = [f"{where}：表格交回时没有填写任何任务的内容（{EMPTY}），不算报送，请填写后重新发送。"]


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
    return (
        f"{where}：找不到“{header}”列（表头被改动或删除），{done}，"
        f"请把第{form.header_row}行的表头恢复为“{header}”后重新发送。"
    )


def _check_rows(ex, form, expected, got, by_text, schema, problems) -> bool:
    """Each task's row against the table: its locked cells (not for a row read by its text) and its answers,
    into ``ex``; True when a locked cell was changed."""
    where = f"工作表“{form.sheet}”"
    columns = schema.at(FORM)
    locked = locked_columns(schema)
    first_choice = schema.status_column or columns[0]
    locked_changed = False
    for task_id, want in expected.items():
        item = {c.key: v for c, v in zip(locked, want.values)}.get("item", task_id)
        row = got.get(task_id)
        if want.closed:  # 已办结: nothing asked; what a unit wrote in it anyway is not counted, and said
            if row is not None and _written_in_closed(row, schema):
                ex.notes.append(
                    f"{where}第{row.rownum}行（{item}）：该任务已于{Period.parse(want.closed).label}办结，"
                    "本期不再填报，填写的内容未计入。"
                )
            continue
        if row is None:
            problems.append(f"{where}：缺少任务 {task_id}（{item}）的行，请不要删除填报表中的行，补上后重新发送。")
            ex.fill.row_marks[(task_id, first_choice.key)] = "这一行在交回的表格中被删除了，请补填。"
            continue
        if task_id not in by_text:
            locked_changed |= _check_locked(form, row, want, locked, where, problems)
        _check_answers(ex, form, row, want, item, (schema, locked, where), problems)
    return locked_changed


def _written_in_closed(row, schema) -> bool:
    """Whether a 已办结 row of a return says anything but the 已办结 its form showed."""
    return any(row[c.header] not in ("", CLOSED) if c.is_status else row[c.header] for c in schema.answer_columns)


def _check_locked(form, row, want, locked, where, problems) -> bool:
    """A row's locked cells against what was sent out, each change a problem; True when one was changed."""
    changed = False
    for column, wanted in zip(locked, want.values):
        if column.key == "task_id" or column.header not in form.columns:
            continue
        if row[column.header] != wanted and _squash(row[column.header]) != _squash(wanted):
            changed = True
            problems.append(
                f"{where}{form.ref(row.rownum, column.header)}：{column.header}被改动，"
                "锁定的内容不能修改，已按责任分解表原文处理。"
            )
    return changed


def _check_answers(ex, form, row, want, item, context, problems) -> None:
    """A row's answer cells, each checked (:func:`_check_answer`): the answer kept, what the copy sent back shows,
    each problem named by its cell. ``context`` is (schema, locked columns, where)."""
    schema, locked, where = context
    task_id = want.task_id
    values = {c.key: wanted for c, wanted in zip(locked, want.values) if c.ledger}
    for column in schema.answer_columns:
        value, problem, mark = _check_answer(column, row[column.header], want.role, column.header in form.columns)
        values[column.key] = value
        if problem:  # the cell is named only when something is wrong with it
            problems.append(f"{where}{form.ref(row.rownum, column.header)}（{item}）：{problem}")
            ex.fill.row_marks[(task_id, column.key)] = mark
    ex.answers.append(answer_row(Answer(task_id, want.role, values, row.rownum)))
    ex.answered += any(row[c.header] for c in schema.answer_columns)
    ex.fill.rows[task_id] = {c.key: row[c.header] for c in schema.answer_columns}


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
            return (
                "",
                f"{column.header}未填写，请从下拉列表中选择 {listed} 之一。",
                f"{column.header}未填写，请从下拉列表中选择：{listed}。",
            )
        return (
            "",
            f"{column.header}未填写，本单位{role}的任务必须填写{column.header}。",
            f"本单位{role}的任务，{column.header}必须填写。",
        )
    if not column.choices:
        return text, "", ""
    choice = normalize_choice(text, column.choices)
    if choice is None:
        return (
            f"{text}（{UNCLEAR}）",
            f"{column.header}“{text}”不是可选值，请改为 {listed} 之一。",
            f"“{text}”不是可选值，请改为：{listed}。",
        )
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
    headers = {c.key: c.header for c in locked}
    tasks = _shown_tasks(expected, locked)
    by_id = {t.task_id: t for t in tasks}
    got, by_text, moved = {}, set(), {}
    for row in form.rows:
        task_id = row[id_header]
        item, target = row[headers.get("item", "")], row[headers.get("target", "")]
        want = by_id.get(task_id)
        if _shows_other_text(item, target, want):
            if intact is None:
                intact = form.meta.get("fingerprint") == form.locked_fingerprint()
            found = None if not intact else find_task(item, target, [t for t in tasks if t.task_id not in got])
            if found is not None and found.task_id != task_id:
                ex.notes.append(
                    f"{where}第{row.rownum}行：{id_header}“{task_id}”在现在的责任分解表中是另一项任务"
                    f"（表格是重新导入主表前下发的），已按这一行的任务内容“{item}”对应为 {found.task_id}。"
                )
                moved[task_id] = found.task_id
                task_id = found.task_id
            if found is not None:
                by_text.add(task_id)
            elif want is None and intact:
                problems.append(
                    f"{where}第{row.rownum}行：任务“{item}”（{id_header}“{task_id}”）已不在本单位现在的任务中"
                    "（责任分解表已重新导入），已忽略该行，请核对。"
                )
                continue
        if task_id in got:
            problems.append(
                f"{where}第{row.rownum}行：{id_header}“{task_id}”与第{got[task_id].rownum}行重复，已只采用第一行，请删除重复的行。"
            )
            continue
        got[task_id] = row
    for task_id in got:
        if task_id not in expected:
            problems.append(
                f"{where}第{got[task_id].rownum}行：{id_header}“{task_id}”不是本单位的任务，已忽略该行，请不要在填报表中增加行。"
            )
    if moved:  # its indicators are numbered by their task: T0102-1 is T0103-1 when T0102's row is T0103's
        form.indicator_rows = {renumbered(ind_id, moved): row for ind_id, row in form.indicator_rows.items()}
    return got, by_text


def _shown_tasks(expected, locked) -> list:
    """The unit's tasks as its form shows them now: the locked 项目名称 and 任务内容 of each expected row."""
    keys = [c.key for c in locked]
    return [
        _Shown(row.task_id, *(row.values[keys.index(k)] if k in keys else "" for k in ("item", "target")))
        for row in expected.values()
    ]


def _shows_other_text(item: str, target: str, want) -> bool:
    """Whether a row showing ``item`` and ``target`` shows a text that is not its ID's task ``want`` (None:
    the ID names no task of the unit); a blank text, or one that differs only in spaces and width, is its."""
    return bool(item or target) and (
        want is None
        or ((item, target) != (want.item, want.target) and _squash(item + target) != _squash(want.item + want.target))
    )


@dataclass(frozen=True)
class _Shown:
    """A task as the unit's form shows it now: what a form row's text is matched against."""

    task_id: str
    item: str
    target: str


def _squash(text: str) -> str:
    """Text compared leniently: full-width forms as ordinary ones, no white space."""
    return re.sub(r"\s+", "", nfkc(text))


def normalize_choice(text: str, choices: tuple) -> str | None:
    """One of ``choices``, tolerating spaces and full-width characters; None if it is none of them."""
    if text in choices:
        return text
    value = _squash(text)
    return value if value in choices else None
