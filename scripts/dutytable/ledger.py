"""The ledger: every file the collector has seen, in SQLite.

``returns`` holds one row per distinct content (sha256): who sent it, for which period,
its status and problems, where the original bytes are kept. ``answers`` holds the
task rows of accepted returns. ``drops`` records every physical file taken out of
inbox/, duplicates included. A row is written as ``pending`` before the inbox file is
removed and marked ``done`` after, so that a crash in between is completed next run.
"""

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STATUS_VALID = "有效"
STATUS_FIX = "待补正"
STATUS_REJECTED = "退回"
STATUS_UNPACKED = "已解压"
ACCEPTED = (STATUS_VALID, STATUS_FIX)

SCHEMA = """
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


@dataclass
class LatestReturn:
    """A recipient's latest accepted return for a period, with its answers by task ID."""

    id: int
    recipient: str
    period: str
    status: str
    problems: list
    original_name: str
    received_at: str
    stored_path: str
    filler: str
    phone: str
    fill_date: str
    answers: dict  # task_id -> {"status", "progress", "problems", "plans", "role"}
    indicators: dict = None  # indicator_id -> {"value", "raw", "note"}


class Ledger:
    """The SQLite ledger; paths stored relative to ``base`` so the folder can move."""

    def __init__(self, path, base):
        self.path = Path(path)
        self.base = Path(base)
        self._base_abs = os.path.abspath(self.base)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def close(self):
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def transaction(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def rel(self, path):
        """``path`` relative to the tool folder, with / separators; absolute when outside it."""
        full = os.path.abspath(path)
        if os.path.commonpath([full, self._base_abs]) != self._base_abs:
            return full
        return Path(os.path.relpath(full, self._base_abs)).as_posix()

    def abs(self, stored):
        p = Path(stored)
        return p if p.is_absolute() else self.base / p

    def known(self, sha):
        """The returns row id, status and original name for this content, or None."""
        row = self.db.execute("SELECT id, status, original_name FROM returns WHERE sha256 = ?", (sha,)).fetchone()
        return row

    def pending_drops(self):
        return self.db.execute(
            "SELECT id, sha256, source_path, stored_path FROM drops WHERE state = 'pending'").fetchall()

    def mark_done_many(self, drop_ids):
        with self.transaction() as db:
            db.executemany("UPDATE drops SET state = 'done' WHERE id = ?", [(i,) for i in drop_ids])

    def mark_done(self, drop_id):
        self.mark_done_many([drop_id])

    def record_many(self, items):
        """Record files in one transaction: each one's returns row (unless a duplicate), answers, and drop.

        Args:
            items: (examined, stored_path, source_path, seen_at, duplicate, marked_copy) tuples.

        Returns:
            The drops' ids, still ``pending``.
        """
        ids = []
        with self.transaction() as db:
            for examined, stored_path, source_path, seen_at, duplicate, marked_copy in items:
                if not duplicate:
                    # A rejected file put back is examined anew: its new verdict replaces the rejection.
                    db.execute("DELETE FROM returns WHERE sha256 = ? AND status = ?",
                               (examined.sha256, STATUS_REJECTED))
                    cur = db.execute(
                        "INSERT INTO returns (sha256, original_name, received_at, size, kind, recipient, period,"
                        " status, problems, identified_by, filler, phone, fill_date, stored_path, marked_copy)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (examined.sha256, examined.original_name, examined.received_at, examined.size, examined.kind,
                         examined.recipient, examined.period, examined.status,
                         json.dumps(examined.problems, ensure_ascii=False), examined.identified_by,
                         examined.filler, examined.phone, examined.fill_date, self.rel(stored_path),
                         self.rel(marked_copy) if marked_copy else None))
                    if examined.status in ACCEPTED:
                        db.executemany(
                            "INSERT INTO answers (return_id, task_id, role, status, progress, problems, plans, rownum)"
                            " VALUES (?,?,?,?,?,?,?,?)",
                            [(cur.lastrowid, a["task_id"], a["role"], a["status"], a["progress"], a["problems"],
                              a["plans"], a["rownum"]) for a in examined.answers])
                        db.executemany(
                            "INSERT INTO indicator_values (return_id, indicator_id, value, raw, note) VALUES (?,?,?,?,?)",
                            [(cur.lastrowid, v["indicator_id"], v["value"], v["raw"], v["note"])
                             for v in examined.indicator_values])
                cur = db.execute(
                    "INSERT INTO drops (sha256, original_name, source_path, stored_path, seen_at, duplicate, state)"
                    " VALUES (?,?,?,?,?,?, 'pending')",
                    (examined.sha256, examined.original_name, self.rel(source_path), self.rel(stored_path), seen_at,
                     int(duplicate)))
                ids.append(cur.lastrowid)
        return ids

    def latest_returns(self, period):
        """recipient -> :class:`LatestReturn`: the newest accepted return of each recipient for ``period``."""
        rows = self.db.execute(
            "SELECT id, recipient, period, status, problems, original_name, received_at, stored_path,"
            " filler, phone, fill_date FROM returns WHERE period = ? AND status IN (?, ?) ORDER BY id",
            (str(period), *ACCEPTED)).fetchall()
        latest = {}
        for r in rows:
            latest[r[1]] = r  # later ids supersede earlier ones
        result = {}
        for r in latest.values():
            answers = {a[0]: {"role": a[1], "status": a[2], "progress": a[3], "problems": a[4], "plans": a[5]}
                       for a in self.db.execute(
                           "SELECT task_id, role, status, progress, problems, plans FROM answers WHERE return_id = ?"
                           " ORDER BY rownum", (r[0],))}
            values = {v[0]: {"value": v[1], "raw": v[2], "note": v[3]} for v in self.db.execute(
                "SELECT indicator_id, value, raw, note FROM indicator_values WHERE return_id = ?", (r[0],))}
            result[r[1]] = LatestReturn(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], r[7],
                                        r[8] or "", r[9] or "", r[10] or "", answers, values)
        return result

    def periods(self):
        """Every period with an accepted return, in order."""
        return [row[0] for row in self.db.execute(
            "SELECT DISTINCT period FROM returns WHERE status IN (?, ?) AND period IS NOT NULL ORDER BY period",
            ACCEPTED)]

    def counts(self):
        """(returns rows, drops rows): what tests and the bench compare across runs."""
        return (self.db.execute("SELECT COUNT(*) FROM returns").fetchone()[0],
                self.db.execute("SELECT COUNT(*) FROM drops").fetchone()[0])
