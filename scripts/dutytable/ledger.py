"""The ledger: every file the collector has seen, in SQLite.

``returns`` holds one row per distinct content (sha256): who sent it, for which period,
the collector's verdict and the problems found, where the original bytes are kept.
``answers`` holds the task rows of accepted returns, each row's columns (see
:mod:`schema`) as one JSON object. ``drops`` records every physical file taken out of
inbox/, duplicates included. A row is written as ``pending`` before the inbox file is
removed and marked ``done`` after, so that a crash in between is completed next run.
``first_seen`` keeps when each inbox file was first seen, committed before the file is
touched (a hard link changes its ctime): a crashed run's files keep their receipt time.

The layout carries a version (``PRAGMA user_version``); :data:`MIGRATIONS` brings a
ledger written by any earlier version of the tool up to date when it is opened, in one
transaction per step, without changing what it says.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BusyError, LedgerError, OutputError, disk_full
from .model import Answer
from .vocab import ACCEPTED, CONFIRMED, EMPTY, HELD, REJECTED

# Version 1: the layout of the first release, answers in fixed columns.
_V1 = """
CREATE TABLE IF NOT EXISTS returns (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    original_name TEXT NOT NULL,
    received_at TEXT NOT NULL,
    size INTEGER NOT NULL,
    kind TEXT,
    recipient TEXT,
    period TEXT,
    status TEXT NOT NULL,
    problems TEXT NOT NULL DEFAULT '[]',
    identified_by TEXT,
    filler TEXT, phone TEXT, fill_date TEXT,
    stored_path TEXT NOT NULL,
    marked_copy TEXT
);
CREATE INDEX IF NOT EXISTS returns_period ON returns(period, recipient);
CREATE TABLE IF NOT EXISTS answers (
    return_id INTEGER NOT NULL REFERENCES returns(id),
    task_id TEXT NOT NULL,
    role TEXT, status TEXT, progress TEXT, problems TEXT, plans TEXT, rownum INTEGER,
    PRIMARY KEY (return_id, task_id)
);
CREATE TABLE IF NOT EXISTS indicator_values (
    return_id INTEGER NOT NULL REFERENCES returns(id),
    indicator_id TEXT NOT NULL,
    value REAL, raw TEXT, note TEXT,
    PRIMARY KEY (return_id, indicator_id)
);
CREATE TABLE IF NOT EXISTS drops (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    original_name TEXT NOT NULL,
    source_path TEXT NOT NULL,
    stored_path TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    duplicate INTEGER NOT NULL,
    state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""

# Version 2: each answer's columns as one JSON object, so that a declared column needs no
# new SQL; the collector's decision is called a verdict; the unused meta table goes.
_V2 = """
ALTER TABLE answers ADD COLUMN fields TEXT NOT NULL DEFAULT '{}';
UPDATE answers SET fields = json_object('status', coalesce(status, ''), 'progress', coalesce(progress, ''),
                                        'problems', coalesce(problems, ''), 'plans', coalesce(plans, ''));
ALTER TABLE answers DROP COLUMN status;
ALTER TABLE answers DROP COLUMN progress;
ALTER TABLE answers DROP COLUMN problems;
ALTER TABLE answers DROP COLUMN plans;
ALTER TABLE returns RENAME COLUMN status TO verdict;
DROP TABLE IF EXISTS meta;
"""

# Version 3: when the file itself says it was saved (file_time; received_at becomes the time the collector
# first saw it), how many task rows it answered, and its standing against the unit's other versions
# ('' counts in order of receipt, 待确认 waits for the clerk, 已确认 was accepted by the clerk).
_V3 = """
ALTER TABLE returns ADD COLUMN file_time TEXT NOT NULL DEFAULT '';
ALTER TABLE returns ADD COLUMN answered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE returns ADD COLUMN standing TEXT NOT NULL DEFAULT '';
UPDATE returns SET file_time = received_at;
UPDATE returns SET answered = (SELECT COUNT(*) FROM answers WHERE answers.return_id = returns.id
                                AND EXISTS (SELECT 1 FROM json_each(answers.fields) WHERE json_each.value != ''));
"""

# Version 4: the moment a held return was accepted by the clerk (counted_at) orders it after the others,
# while received_at stays when it really arrived (lateness is judged by that).
_V4 = """
ALTER TABLE returns ADD COLUMN counted_at TEXT;
"""

# Version 5: when each inbox file (by content and path) was first seen, written before the file is linked
# into the archive or unpacked; its row goes when the file is recorded.
_V5 = """
CREATE TABLE IF NOT EXISTS first_seen (
    sha256 TEXT NOT NULL,
    source_path TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (sha256, source_path)
);
"""

# Version 6: 办结销号 (closing.py): each task the tool closed in the master table's 办结 column and the period whose
# 已完成 closed it. A task the row names whose cell the clerk has cleared since was reopened: it is closed again only
# from a later period's 已完成, never from the same answer.
_V6 = """
CREATE TABLE IF NOT EXISTS closings (
    task_id TEXT PRIMARY KEY,
    period TEXT NOT NULL
);
"""

MIGRATIONS = (_V1, _V2, _V3, _V4, _V5, _V6)  # MIGRATIONS[n - 1] brings version n - 1 to version n
VERSION = len(MIGRATIONS)
# How long a write waits for another program holding the ledger before it gives up (BusyError).
BUSY_SECONDS = 30
# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF) that a clerk can act on.
_BUSY, _READ_ONLY, _FULL = {5, 6}, {3, 8, 14}, {13}
_DAMAGED = {11: "文件不完整或数据页损坏", 26: "不是 SQLite 数据库文件"}
# One encoder for every row: json.dumps with an option builds a new encoder at each call.
to_json = json.JSONEncoder(ensure_ascii=False).encode


def answer_row(answer: Answer) -> tuple:
    """(task_id, role, rownum, fields) of an answer, as the answers table keeps it."""
    return answer.task_id, answer.role, answer.rownum, to_json(answer.values)


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
        yield items[start:start + size]


def fault(exc: sqlite3.Error, path) -> Exception:
    """The one line a clerk can act on for an SQLite failure on the ledger at ``path``; ``exc`` itself if none."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    where = f"收文台账 {path}"
    if code in _BUSY:
        return BusyError(f"{where} 正被另一个程序占用（等了 {BUSY_SECONDS} 秒仍未释放），"
                         "请关闭打开它的程序（如 DB Browser for SQLite）后再运行。")
    if code in _READ_ONLY:
        return OutputError(f"{where} 不允许写入（文件是“只读”的，或没有写入权限），请在该文件的“属性”中取消“只读”"
                           "或请管理员开放写入权限后再运行。")
    if code in _FULL:
        return disk_full(where)
    if code in _DAMAGED:
        return LedgerError(f"{where} 已损坏（{_DAMAGED[code]}），没有改动它。请从备份恢复该文件，"
                           "或运行 python scripts/collect.py：损坏的文件改名保留，台账按 inbox/已归档 中的文件重建。",
                           reason=_DAMAGED[code])
    return exc


def split_reported(recipients: list, reporters: set) -> tuple[list, list]:
    """(those of ``recipients`` that have reported, those that have not), each in order."""
    return [r for r in recipients if r.name in reporters], [r for r in recipients if r.name not in reporters]


def migrate(db: sqlite3.Connection) -> int:
    """Bring the ledger's layout to :data:`VERSION`; returns the version it had."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == 0 and db.execute("SELECT 1 FROM sqlite_master WHERE name = 'returns'").fetchone():
        version = 1  # written before the layout carried a version
    start = version
    for number in range(version + 1, VERSION + 1):
        db.execute("BEGIN IMMEDIATE")
        try:
            current = db.execute("PRAGMA user_version").fetchone()[0]
            if current >= number:  # another run migrated it meanwhile
                db.execute("ROLLBACK")
                continue
            for statement in MIGRATIONS[number - 1].split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            if db.in_transaction:  # SQLite has rolled back itself on some errors (SQLITE_FULL)
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    return start


class Ledger:
    """The SQLite ledger; paths stored relative to ``base`` so the folder can move."""

    def __init__(self, path, base) -> None:
        self.path = Path(path)
        self.base = Path(base)
        self._base_abs = os.path.abspath(self.base)
        self._base_prefix = os.path.join(self._base_abs, "")  # with its trailing separator
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._recorded = set()  # returns ids recorded through this connection: one run's files
        self.db = None
        try:
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

    def rel(self, path) -> str:
        """``path`` relative to the tool folder, with / separators; absolute when outside it."""
        full = os.path.abspath(path)
        if full.startswith(self._base_prefix):  # the common case, without commonpath's and relpath's work
            return full[len(self._base_prefix):].replace(os.sep, "/")
        if os.path.commonpath([full, self._base_abs]) != self._base_abs:
            return full
        return Path(os.path.relpath(full, self._base_abs)).as_posix()

    def abs(self, stored: str) -> Path:
        p = Path(stored)
        return p if p.is_absolute() else self.base / p

    def known(self, sha: str):
        """The returns row id, verdict and original name for this content, or None."""
        return self.db.execute("SELECT id, verdict, original_name FROM returns WHERE sha256 = ?", (sha,)).fetchone()

    def received(self, sha_prefix: str) -> str | None:
        """When the zip whose content hash starts with ``sha_prefix`` was received (or first seen), or None."""
        row = self.db.execute("SELECT received_at FROM returns WHERE kind = 'zip' AND substr(sha256, 1, ?) = ?"
                              " UNION ALL SELECT min(seen_at) FROM first_seen WHERE substr(sha256, 1, ?) = ?",
                              (len(sha_prefix), sha_prefix) * 2).fetchall()
        return next((r[0] for r in row if r[0]), None)

    def first_seen(self, sha: str, source) -> str | None:
        """When the inbox file ``source`` with content ``sha`` was first seen by a run that did not record it."""
        row = self.db.execute("SELECT seen_at FROM first_seen WHERE sha256 = ? AND source_path = ?",
                              (sha, self.rel(source))).fetchone()
        return row[0] if row else None

    def note_first_seen(self, items) -> None:
        """Commit (sha256, source path, seen_at) of files about to be linked or unpacked; a first sight is kept."""
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO first_seen (sha256, source_path, seen_at) VALUES (?,?,?)",
                           [(sha, self.rel(source), seen_at) for sha, source, seen_at in items])

    def pending_drops(self) -> list:
        return self.db.execute(
            "SELECT id, sha256, source_path, stored_path FROM drops WHERE state = 'pending'").fetchall()

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
                    # A rejected file put back is examined anew: its new verdict replaces the rejection.
                    db.execute("DELETE FROM returns WHERE sha256 = ? AND verdict = ?", (examined.sha256, REJECTED))
                    if examined.verdict in ACCEPTED and judge is not None:
                        judge(examined, self.counting(examined.recipient, examined.period))
                    cur = db.execute(
                        "INSERT INTO returns (sha256, original_name, received_at, size, kind, recipient, period,"
                        " verdict, problems, identified_by, filler, phone, fill_date, stored_path, marked_copy,"
                        " file_time, answered, standing)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (examined.sha256, examined.original_name, examined.received_at, examined.size, examined.kind,
                         examined.recipient, examined.period, examined.verdict,
                         to_json(examined.problems), examined.identified_by,
                         examined.filler, examined.phone, examined.fill_date, self.rel(stored_path),
                         self.rel(marked_copy) if marked_copy else None, examined.file_time, examined.answered,
                         examined.standing))
                    self._recorded.add(cur.lastrowid)
                    if examined.verdict in ACCEPTED:
                        db.executemany(
                            "INSERT INTO answers (return_id, task_id, role, rownum, fields) VALUES (?,?,?,?,?)",
                            [(cur.lastrowid, *row) for row in examined.answers])
                        db.executemany(
                            "INSERT INTO indicator_values (return_id, indicator_id, value, raw, note) VALUES "
                            "(?,?,?,?,?)",
                            [(cur.lastrowid, v.indicator_id, v.value, v.raw, v.note)
                             for v in examined.indicator_values])
                db.execute("DELETE FROM first_seen WHERE sha256 = ? AND source_path = ?",
                           (examined.sha256, self.rel(source_path)))
                cur = db.execute(
                    "INSERT INTO drops (sha256, original_name, source_path, stored_path, seen_at, duplicate, state)"
                    " VALUES (?,?,?,?,?,?, 'pending')",
                    (examined.sha256, examined.original_name, self.rel(source_path), self.rel(stored_path), seen_at,
                     int(duplicate)))
                ids.append(cur.lastrowid)
        return ids

    def _counting(self, recipient: str, period: str):
        """(id, original_name, answered, received_at) of the return that counts now, or None."""
        return self.db.execute(
            "SELECT id, original_name, answered, received_at FROM returns WHERE recipient = ? AND period = ?"
            " AND verdict IN (?, ?) AND standing != ? ORDER BY coalesce(counted_at, received_at) DESC,"
            " counted_at IS NOT NULL DESC, id DESC LIMIT 1",
            (recipient, period, *ACCEPTED, HELD)).fetchone()

    def counting(self, recipient: str, period: str) -> tuple[str, int, bool] | None:
        """(original name, answered rows, whether recorded through this connection since :meth:`new_run`) of the
        return that counts now for ``recipient`` and ``period``, or None."""
        now = self._counting(recipient, period)
        return None if now is None else (now[1], now[2], now[0] in self._recorded)

    def held_named(self, name: str) -> list:
        """The held returns whose original name (or archived name) is ``name``:
        (id, original_name, recipient, period, stored_path) rows."""
        return [r for r in self.db.execute(
            "SELECT id, original_name, recipient, period, stored_path FROM returns WHERE standing = ? ORDER BY id",
            (HELD,)) if name in (r[1], Path(r[1]).name, Path(r[4]).name)]

    def accept(self, rows: list) -> list:
        """Let held returns (rows of :meth:`held_named`) count; returns their (original_name, recipient, period).

        The confirmed one counts from now on: it is ordered after every return of its unit and period
        so far (counted_at), and keeps its real receipt time, by which its lateness is judged.
        """
        with self.transaction() as db:
            for r in rows:
                latest = db.execute("SELECT max(coalesce(counted_at, received_at)) FROM returns"
                                    " WHERE recipient = ? AND period = ?", (r[2], r[3])).fetchone()[0]
                db.execute("UPDATE returns SET standing = ?, counted_at = ? WHERE id = ?", (CONFIRMED, latest, r[0]))
        return [(r[1], r[2], r[3]) for r in rows]

    def reporters(self, period) -> set:
        """The recipients with an accepted return for ``period``."""
        return {row[0] for row in self.db.execute(
            "SELECT DISTINCT recipient FROM returns WHERE period = ? AND verdict IN (?, ?)",
            (str(period), *ACCEPTED))}

    def latest_returns(self, period) -> dict:
        """recipient -> :class:`LatestReturn`: the newest accepted return of each recipient for ``period``."""
        rows = self.db.execute(
            "SELECT id, recipient, period, verdict, problems, original_name, received_at, stored_path,"
            " filler, phone, fill_date, file_time, standing FROM returns WHERE period = ? AND verdict IN (?, ?)"
            " ORDER BY coalesce(counted_at, received_at), counted_at IS NOT NULL, id",  # the clerk's choice wins ties
            (str(period), *ACCEPTED)).fetchall()
        latest, held = {}, {}
        for r in rows:
            if r[12] == HELD:
                held.setdefault(r[1], []).append(r[5])
            else:
                latest[r[1]] = r  # later receipt supersedes earlier; never the file's own time or name
                held[r[1]] = []  # a version held before a later return came is superseded, not waiting
        # Two queries for all the returns that count, not two per return.
        ids = {r[0]: r[1] for r in latest.values()}
        answers, values = {name: {} for name in latest}, {name: {} for name in latest}
        for chunk in _chunks(list(ids), 900):  # SQLite's limit on parameters in one statement
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT return_id, task_id, role, fields, rownum FROM answers"
                                   f" WHERE return_id IN ({marks}) ORDER BY return_id, rownum", chunk).fetchall()
            for a, fields in zip(rows, json_each([a[3] for a in rows])):
                answers[ids[a[0]]][a[1]] = Answer(a[1], a[2], fields, a[4])
            for v in self.db.execute(f"SELECT return_id, indicator_id, value, raw, note FROM indicator_values"
                                     f" WHERE return_id IN ({marks})", chunk):
                values[ids[v[0]]][v[1]] = {"value": v[2], "raw": v[3], "note": v[4]}
        return {r[1]: LatestReturn(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], r[7], r[8] or "", r[9] or "",
                                   r[10] or "", answers[r[1]], values[r[1]], r[11], held.get(r[1], []))
                for r in latest.values()}

    def empty_returns(self, period) -> dict:
        """recipient -> original name of its latest form sent back with no answer (未填报) for ``period``."""
        return {row[0]: row[1] for row in self.db.execute(
            "SELECT recipient, original_name FROM returns WHERE period = ? AND verdict = ? ORDER BY received_at, id",
            (str(period), EMPTY))}

    def periods(self) -> list:
        """Every period with an accepted return, in order."""
        return [row[0] for row in self.db.execute(
            "SELECT DISTINCT period FROM returns WHERE verdict IN (?, ?) AND period IS NOT NULL ORDER BY period",
            ACCEPTED)]

    def counts(self) -> tuple:
        """(returns rows, drops rows): what tests and the bench compare across runs."""
        return (self.db.execute("SELECT COUNT(*) FROM returns").fetchone()[0],
                self.db.execute("SELECT COUNT(*) FROM drops").fetchone()[0])

    def accepted_in_year(self, year: int) -> list[tuple[str, str, str, str]]:
        """(recipient, period, verdict, received_at) of every accepted return of ``year``, oldest first."""
        return self._accepted(f"{year:04d}-%")

    def accepted_in_period(self, period) -> list[tuple[str, str, str, str]]:
        """(recipient, period, verdict, received_at) of every accepted return of ``period``, oldest first."""
        return self._accepted(str(period))

    def _accepted(self, pattern: str) -> list[tuple[str, str, str, str]]:
        return [tuple(row) for row in self.db.execute(
            "SELECT recipient, period, verdict, received_at FROM returns WHERE period LIKE ? AND verdict IN (?, ?)"
            " ORDER BY id", (pattern, *ACCEPTED))]

    def answered_tasks(self, period) -> set[str]:
        """The task IDs that any accepted return of ``period`` answers: the tasks its forms listed."""
        return {row[0] for row in self.db.execute(
            "SELECT DISTINCT a.task_id FROM answers a JOIN returns r ON r.id = a.return_id"
            " WHERE r.period = ? AND r.verdict IN (?, ?)", (str(period), *ACCEPTED))}

    def task_ids(self) -> set[str]:
        """Every task ID any return has answers for: IDs a re-import must not give to a new task."""
        return {row[0] for row in self.db.execute("SELECT DISTINCT task_id FROM answers")}

    def closings(self) -> dict:
        """{task ID: the period whose 已完成 last closed it in the master}."""
        return dict(self.db.execute("SELECT task_id, period FROM closings").fetchall())

    def note_closings(self, closed: dict) -> None:
        """Record the tasks just closed in the master: {task ID: period}."""
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO closings (task_id, period) VALUES (?, ?)", list(closed.items()))
