"""The ledger: every file the collector has seen, in SQLite.

``returns`` holds one row per distinct content (sha256): who sent it, for which period,
the collector's verdict and the problems found, where the original bytes are kept.
``answers`` holds the task rows of accepted returns, each row's columns (see
:mod:`schema`) as one JSON object. ``drops`` records every physical file taken out of
inbox/, duplicates included. A row is written as ``pending`` before the inbox file is
removed and marked ``done`` after, so that a crash in between is completed next run.
``first_seen`` keeps when each inbox file was first seen, committed before the file is
touched (a hard link changes its ctime): a crashed run's files keep their receipt time.

The tables and their migrations are declared in :mod:`ledger_schema`; a ledger of an
earlier layout is brought up to date when it is opened.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BusyError, LedgerError, OutputError, disk_full
from .ledger_schema import (
    ANSWERS,
    CLOSINGS,
    DROPS,
    FIRST_SEEN,
    INDICATOR_VALUES,
    RETURNS,
    VERSION,
    Table,
    migrate,
    version_of,
)
from .model import Answer
from .vocab import ACCEPTED, CONFIRMED, EMPTY, HELD, REJECTED

# The rows read, each named by its columns.
AnswerRow = ANSWERS.row("AnswerRow", "task_id role rownum fields")  # as a return's answers are recorded
Known = RETURNS.row("Known", "id verdict original_name")
Drop = DROPS.row("Drop", "id sha256 source_path stored_path")
Held = RETURNS.row("Held", "id original_name recipient period stored_path")
Counting = RETURNS.row("Counting", "id original_name answered received_at")
Accepted = RETURNS.row("Accepted", "recipient period verdict received_at")
_Latest = RETURNS.row(
    "_Latest",
    "id recipient period verdict problems original_name received_at stored_path"
    " filler phone fill_date file_time standing",
)
_Answer = ANSWERS.row("_Answer", "return_id task_id role fields rownum")
_Value = INDICATOR_VALUES.row("_Value", "return_id indicator_id value raw note")
_Empty = RETURNS.row("_Empty", "recipient original_name")

# How long a write waits for another program holding the ledger before it gives up (BusyError).
BUSY_SECONDS = 30
# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF) that a clerk can act on.
_BUSY, _READ_ONLY, _FULL = {5, 6}, {3, 8, 14}, {13}
_DAMAGED = {11: "文件不完整或数据页损坏", 26: "不是 SQLite 数据库文件"}
# One encoder for every row: json.dumps with an option builds a new encoder at each call.
to_json = json.JSONEncoder(ensure_ascii=False).encode


def answer_row(answer: Answer) -> AnswerRow:
    """An answer as the answers table keeps it."""
    return AnswerRow(answer.task_id, answer.role, answer.rownum, to_json(answer.values))


@dataclass
class LatestReturn:
    """A recipient's latest accepted return for a period, with its answers by task ID."""

    id: int
    recipient: str
    period: str
    verdict: str
    problems: list
    original_name: str
    received_at: str
    stored_path: str
    filler: str
    phone: str
    fill_date: str
    answers: dict  # task_id -> model.Answer, in the form's order
    indicators: dict = field(default_factory=dict)  # indicator_id -> {"value", "raw", "note"}
    file_time: str = ""  # when the file says it was saved
    held: list = field(default_factory=list)  # original names of later versions waiting as 待确认


def json_each(texts: list) -> list:
    """``[json.loads(t) for t in texts]``, decoded as one array: one call into the decoder, not thousands."""
    try:
        values = json.loads(f"[{','.join(texts)}]")
    except ValueError:
        values = None
    if values is None or len(values) != len(texts):  # a text that is not one JSON value fails as json.loads fails
        return [json.loads(t) for t in texts]
    return values


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def fault(exc: sqlite3.Error, path) -> Exception:
    """The one line a clerk can act on for an SQLite failure on the ledger at ``path``; ``exc`` itself if none."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    where = f"收文台账 {path}"
    if code in _BUSY:
        return BusyError(
            f"{where} 正被另一个程序占用（等了 {BUSY_SECONDS} 秒仍未释放），"
            "请关闭打开它的程序（如 DB Browser for SQLite）后再运行。"
        )
    if code in _READ_ONLY:
        return OutputError(
            f"{where} 不允许写入（文件是“只读”的，或没有写入权限），请在该文件的“属性”中取消“只读”"
            "或请管理员开放写入权限后再运行。"
        )
    if code in _FULL:
        return disk_full(where)
    if code in _DAMAGED:
        return LedgerError(
            f"{where} 已损坏（{_DAMAGED[code]}），没有改动它。请从备份恢复该文件，"
            "或运行 python scripts/collect.py：损坏的文件改名保留，台账按 inbox/已归档 中的文件重建。",
            reason=_DAMAGED[code],
        )
    return exc


def split_reported(recipients: list, reporters: set) -> tuple[list, list]:
    """(those of ``recipients`` that have reported, those that have not), each in order."""
    return [r for r in recipients if r.name in reporters], [r for r in recipients if r.name not in reporters]


def _open_read_only(path: Path) -> sqlite3.Connection:
    """The ledger at ``path`` opened without writing to it; one of an earlier layout brought up to date in a copy
    in memory, so that every query reads the present layout and the file keeps its bytes."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=BUSY_SECONDS)
    if version_of(db) == VERSION:
        return db
    copy = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db.backup(copy)
    finally:
        db.close()
    migrate(copy)
    return copy


class Ledger:
    """The SQLite ledger; paths stored relative to ``base`` so the folder can move.

    ``read_only``: the file is never written (nor migrated, nor created): for what only reads it.
    """

    def __init__(self, path, base, read_only: bool = False) -> None:
        self.path = Path(path)
        self.base = Path(base)
        self._base_abs = os.path.abspath(self.base)
        self._base_prefix = os.path.join(self._base_abs, "")  # with its trailing separator
        self._recorded = set()  # returns ids recorded through this connection: one run's files
        self.db = None
        try:
            if read_only:
                self.db = _open_read_only(self.path)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(str(self.path), isolation_level=None, timeout=BUSY_SECONDS)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                migrate(self.db)
        except sqlite3.Error as exc:
            self.close()
            translated = fault(exc, self.path)
            if translated is exc:
                raise
            raise translated from exc

    def close(self) -> None:
        if self.db is not None:
            self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        self.close()
        if isinstance(exc, sqlite3.Error) and (translated := fault(exc, self.path)) is not exc:
            raise translated from exc

    def new_run(self) -> None:
        """What is recorded from now on counts as received at another run than what was recorded so far."""
        self._recorded.clear()

    @contextmanager
    def transaction(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            if self.db.in_transaction:  # SQLite has rolled back itself on some errors (SQLITE_FULL)
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _rows(self, kind: type, table: Table, where: str = "", params=()) -> list:
        """The rows of ``table`` selected by ``where`` (its WHERE, ORDER BY … clauses), each a ``kind``."""
        return [kind._make(r) for r in self.db.execute(f"{table.select(kind._fields)} {where}", params)]

    def _values(self, sql: str, params=()) -> list:
        """The values of a query of one column."""
        return [value for (value,) in self.db.execute(sql, params)]

    def rel(self, path) -> str:
        """``path`` relative to the tool folder, with / separators; absolute when outside it."""
        full = os.path.abspath(path)
        if full.startswith(self._base_prefix):  # the common case, without commonpath's and relpath's work
            return full[len(self._base_prefix) :].replace(os.sep, "/")
        if os.path.commonpath([full, self._base_abs]) != self._base_abs:
            return full
        return Path(os.path.relpath(full, self._base_abs)).as_posix()

    def abs(self, stored: str) -> Path:
        p = Path(stored)
        return p if p.is_absolute() else self.base / p

    def known(self, sha: str) -> Known | None:
        """The returns row (id, verdict, original name) for this content, or None."""
        return next(iter(self._rows(Known, RETURNS, "WHERE sha256 = ?", (sha,))), None)

    def received(self, sha_prefix: str) -> str | None:
        """When the zip whose content hash starts with ``sha_prefix`` was received (or first seen), or None."""
        return next(
            (
                v
                for v in self._values(
                    "SELECT received_at FROM returns WHERE kind = 'zip' AND substr(sha256, 1, ?) = ?"
                    " UNION ALL SELECT min(seen_at) FROM first_seen WHERE substr(sha256, 1, ?) = ?",
                    (len(sha_prefix), sha_prefix) * 2,
                )
                if v
            ),
            None,
        )

    def first_seen(self, sha: str, source) -> str | None:
        """When the inbox file ``source`` with content ``sha`` was first seen by a run that did not record it."""
        return next(
            iter(
                self._values(
                    "SELECT seen_at FROM first_seen WHERE sha256 = ? AND source_path = ?", (sha, self.rel(source))
                )
            ),
            None,
        )

    def note_first_seen(self, items) -> None:
        """Commit (sha256, source path, seen_at) of files about to be linked or unpacked; a first sight is kept."""
        with self.transaction() as db:
            db.executemany(
                FIRST_SEEN.insert(("sha256", "source_path", "seen_at"), "INSERT OR IGNORE"),
                [(sha, self.rel(source), seen_at) for sha, source, seen_at in items],
            )

    def pending_drops(self) -> list[Drop]:
        return self._rows(Drop, DROPS, "WHERE state = 'pending'")

    def mark_done_many(self, drop_ids) -> None:
        with self.transaction() as db:
            db.executemany("UPDATE drops SET state = 'done' WHERE id = ?", [(i,) for i in drop_ids])

    def record_many(self, items, judge=None) -> list:
        """Record files in one transaction: each one's returns row (unless a duplicate), answers, and drop.

        Args:
            items: (examined, stored_path, source_path, seen_at, duplicate, marked_copy) tuples.
            judge: ``(examined, self.counting(...)) -> None``, called for each accepted return before it is
                stored: the collector decides its ``standing`` (and ``replaces``) there.

        Returns:
            The drops' ids, still ``pending``.
        """
        ids = []
        with self.transaction() as db:
            for examined, stored_path, source_path, seen_at, duplicate, marked_copy in items:
                if not duplicate:
                    self._record_return(db, examined, stored_path, marked_copy, judge)
                db.execute(
                    "DELETE FROM first_seen WHERE sha256 = ? AND source_path = ?",
                    (examined.sha256, self.rel(source_path)),
                )
                ids.append(
                    _insert(
                        db,
                        DROPS,
                        {
                            "sha256": examined.sha256,
                            "original_name": examined.original_name,
                            "source_path": self.rel(source_path),
                            "stored_path": self.rel(stored_path),
                            "seen_at": seen_at,
                            "duplicate": int(duplicate),
                            "state": "pending",
                        },
                    )
                )
        return ids

    def _record_return(self, db: sqlite3.Connection, examined, stored_path, marked_copy, judge) -> None:
        """The returns row of a file that is not a duplicate, and the answers and values of an accepted one."""
        # A rejected file put back is examined anew: its new verdict replaces the rejection.
        db.execute("DELETE FROM returns WHERE sha256 = ? AND verdict = ?", (examined.sha256, REJECTED))
        if examined.verdict in ACCEPTED and judge is not None:
            judge(examined, self.counting(examined.recipient, examined.period))
        kept = {
            name: getattr(examined, name)
            for name in (
                "sha256",
                "original_name",
                "received_at",
                "size",
                "kind",
                "recipient",
                "period",
                "verdict",
                "identified_by",
                "filler",
                "phone",
                "fill_date",
                "file_time",
                "answered",
                "standing",
            )
        }
        return_id = _insert(
            db,
            RETURNS,
            kept
            | {
                "problems": to_json(examined.problems),
                "stored_path": self.rel(stored_path),
                "marked_copy": self.rel(marked_copy) if marked_copy else None,
            },
        )
        self._recorded.add(return_id)
        if examined.verdict in ACCEPTED:
            db.executemany(
                ANSWERS.insert(("return_id", *AnswerRow._fields)), [(return_id, *row) for row in examined.answers]
            )
            names = _Value._fields[1:]
            db.executemany(
                INDICATOR_VALUES.insert(_Value._fields),
                [(return_id, *(getattr(v, n) for n in names)) for v in examined.indicator_values],
            )

    def _counting(self, recipient: str, period: str) -> Counting | None:
        """The return that counts now, or None."""
        return next(
            iter(
                self._rows(
                    Counting,
                    RETURNS,
                    "WHERE recipient = ? AND period = ? AND verdict IN (?, ?) AND standing != ?"
                    " ORDER BY coalesce(counted_at, received_at) DESC, counted_at IS NOT NULL DESC, id DESC LIMIT 1",
                    (recipient, period, *ACCEPTED, HELD),
                )
            ),
            None,
        )

    def counting(self, recipient: str, period: str) -> tuple[str, int, bool] | None:
        """(original name, answered rows, whether recorded through this connection since :meth:`new_run`) of the
        return that counts now for ``recipient`` and ``period``, or None."""
        now = self._counting(recipient, period)
        return None if now is None else (now.original_name, now.answered, now.id in self._recorded)

    def held_named(self, name: str) -> list[Held]:
        """The held returns whose original name (or archived name) is ``name``."""
        return [
            r
            for r in self._rows(Held, RETURNS, "WHERE standing = ? ORDER BY id", (HELD,))
            if name in (r.original_name, Path(r.original_name).name, Path(r.stored_path).name)
        ]

    def accept(self, rows: list[Held]) -> list:
        """Let held returns (rows of :meth:`held_named`) count; returns their (original_name, recipient, period).

        The confirmed one counts from now on: it is ordered after every return of its unit and period
        so far (counted_at), and keeps its real receipt time, by which its lateness is judged.
        """
        with self.transaction() as db:
            for r in rows:
                (latest,) = self._values(
                    "SELECT max(coalesce(counted_at, received_at)) FROM returns WHERE recipient = ? AND period = ?",
                    (r.recipient, r.period),
                )
                db.execute("UPDATE returns SET standing = ?, counted_at = ? WHERE id = ?", (CONFIRMED, latest, r.id))
        return [(r.original_name, r.recipient, r.period) for r in rows]

    def reporters(self, period) -> set:
        """The recipients with an accepted return for ``period``."""
        return set(
            self._values(
                "SELECT DISTINCT recipient FROM returns WHERE period = ? AND verdict IN (?, ?)",
                (str(period), *ACCEPTED),
            )
        )

    def latest_returns(self, period) -> dict:
        """recipient -> :class:`LatestReturn`: the newest accepted return of each recipient for ``period``."""
        latest, held = {}, {}
        for r in self._rows(
            _Latest,
            RETURNS,
            "WHERE period = ? AND verdict IN (?, ?)"
            " ORDER BY coalesce(counted_at, received_at), counted_at IS NOT NULL, id",  # the clerk's
            (str(period), *ACCEPTED),
        ):  # choice wins ties
            if r.standing == HELD:
                held.setdefault(r.recipient, []).append(r.original_name)
            else:
                latest[r.recipient] = r  # later receipt supersedes earlier; never the file's own time or name
                held[r.recipient] = []  # a version held before a later return came is superseded, not waiting
        answers, values = self._answers_of({r.id: r.recipient for r in latest.values()})
        return {
            name: LatestReturn(
                r.id,
                name,
                r.period,
                r.verdict,
                json.loads(r.problems),
                r.original_name,
                r.received_at,
                r.stored_path,
                r.filler or "",
                r.phone or "",
                r.fill_date or "",
                answers[name],
                values[name],
                r.file_time,
                held.get(name, []),
            )
            for name, r in latest.items()
        }

    def _answers_of(self, ids: dict) -> tuple[dict, dict]:
        """({recipient: {task_id: Answer}}, {recipient: {indicator_id: value}}) of the returns ``ids``
        (id -> recipient): two queries for all of them, not two per return."""
        answers, values = {name: {} for name in ids.values()}, {name: {} for name in ids.values()}
        for chunk in _chunks(list(ids), 900):  # SQLite's limit on parameters in one statement
            marks = ",".join("?" * len(chunk))
            rows = self._rows(_Answer, ANSWERS, f"WHERE return_id IN ({marks}) ORDER BY return_id, rownum", chunk)
            for a, fields in zip(rows, json_each([a.fields for a in rows])):
                answers[ids[a.return_id]][a.task_id] = Answer(a.task_id, a.role, fields, a.rownum)
            for v in self._rows(_Value, INDICATOR_VALUES, f"WHERE return_id IN ({marks})", chunk):
                values[ids[v.return_id]][v.indicator_id] = {"value": v.value, "raw": v.raw, "note": v.note}
        return answers, values

    def empty_returns(self, period) -> dict:
        """recipient -> original name of its latest form sent back with no answer (未填报) for ``period``."""
        return {
            r.recipient: r.original_name
            for r in self._rows(
                _Empty, RETURNS, "WHERE period = ? AND verdict = ? ORDER BY received_at, id", (str(period), EMPTY)
            )
        }

    def periods(self) -> list:
        """Every period with an accepted return, in order."""
        return self._values(
            "SELECT DISTINCT period FROM returns WHERE verdict IN (?, ?) AND period IS NOT NULL ORDER BY period",
            ACCEPTED,
        )

    def counts(self) -> tuple:
        """(returns rows, drops rows): what tests and the bench compare across runs."""
        return (*self._values("SELECT COUNT(*) FROM returns"), *self._values("SELECT COUNT(*) FROM drops"))

    def accepted_in_year(self, year: int) -> list[Accepted]:
        """Every accepted return of ``year``, oldest first."""
        return self._accepted(f"{year:04d}-%")

    def accepted_in_period(self, period) -> list[Accepted]:
        """Every accepted return of ``period``, oldest first."""
        return self._accepted(str(period))

    def _accepted(self, pattern: str) -> list[Accepted]:
        return self._rows(
            Accepted, RETURNS, "WHERE period LIKE ? AND verdict IN (?, ?) ORDER BY id", (pattern, *ACCEPTED)
        )

    def answered_tasks(self, period) -> set[str]:
        """The task IDs that any accepted return of ``period`` answers: the tasks its forms listed."""
        return set(
            self._values(
                "SELECT DISTINCT a.task_id FROM answers a JOIN returns r ON r.id = a.return_id"
                " WHERE r.period = ? AND r.verdict IN (?, ?)",
                (str(period), *ACCEPTED),
            )
        )

    def task_ids(self) -> set[str]:
        """Every task ID any return has answers for: IDs a re-import must not give to a new task."""
        return set(self._values("SELECT DISTINCT task_id FROM answers"))

    def closings(self) -> dict:
        """{task ID: the period whose 已完成 last closed it in the master (closing.py)}."""
        return dict(self.db.execute(CLOSINGS.select(CLOSINGS.names)).fetchall())

    def note_closings(self, closed: dict) -> None:
        """Record the tasks just closed in the master: {task ID: period}."""
        with self.transaction():
            self.db.executemany(CLOSINGS.insert(CLOSINGS.names, "INSERT OR REPLACE"), list(closed.items()))


def _insert(db: sqlite3.Connection, table: Table, values: dict) -> int:
    """Insert one row of ``values`` (column -> value) into ``table``; returns its rowid."""
    return db.execute(table.insert(tuple(values)), tuple(values.values())).lastrowid
