"""The ledger's layout: its tables declared once, and the migrations that bring an old ledger up to date.

:class:`Table` declares each table of the present layout (:data:`VERSION`); every statement that names
columns is built from it. The layout carries a version (``PRAGMA user_version``); :data:`MIGRATIONS` brings a
ledger written by any earlier version of the tool up to date when it is opened, in one transaction per step,
without changing what it says. :mod:`ledger` reads and writes the rows.
"""

from __future__ import annotations

import sqlite3
import sys
from collections import namedtuple
from dataclasses import dataclass

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
CREATE TABLE IF NOT EXISTS closings (task_id TEXT PRIMARY KEY, period TEXT NOT NULL);
"""

MIGRATIONS = (_V1, _V2, _V3, _V4, _V5, _V6)  # MIGRATIONS[n - 1] brings version n - 1 to version n
VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class Table:
    """One table of the ledger as :data:`VERSION` lays it out: its columns (name, SQL declaration) and constraints.

    Every statement that names its columns is built from here, and every row read is named by them.
    """

    name: str
    columns: tuple[tuple[str, str], ...]
    constraints: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def create(self) -> str:
        parts = [f"{name} {declaration}" for name, declaration in self.columns] + list(self.constraints)
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(parts)})"

    def _known(self, names) -> tuple[str, ...]:
        unknown = [n for n in names if n not in self.names]
        if unknown:
            raise KeyError(f"{self.name} has no column {', '.join(unknown)}")
        return tuple(names)

    def insert(self, names, verb: str = "INSERT") -> str:
        names = self._known(names)
        return f"{verb} INTO {self.name} ({', '.join(names)}) VALUES ({','.join('?' * len(names))})"

    def select(self, names) -> str:
        return f"SELECT {', '.join(self._known(names))} FROM {self.name}"

    def row(self, kind: str, names: str) -> type:
        """A named tuple of ``names`` (space-separated columns of this table): what a select of them reads.

        It belongs to the module that declares it, as a namedtuple declared there would, so that it pickles
        (a recorded return's rows cross to and from worker processes).
        """
        return namedtuple(kind, self._known(names.split()), module=sys._getframe(1).f_globals["__name__"])


RETURNS = Table(
    "returns",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("sha256", "TEXT NOT NULL UNIQUE"),
        ("original_name", "TEXT NOT NULL"),
        ("received_at", "TEXT NOT NULL"),
        ("size", "INTEGER NOT NULL"),
        ("kind", "TEXT"),
        ("recipient", "TEXT"),
        ("period", "TEXT"),
        ("verdict", "TEXT NOT NULL"),
        ("problems", "TEXT NOT NULL DEFAULT '[]'"),
        ("identified_by", "TEXT"),
        ("filler", "TEXT"),
        ("phone", "TEXT"),
        ("fill_date", "TEXT"),
        ("stored_path", "TEXT NOT NULL"),
        ("marked_copy", "TEXT"),
        ("file_time", "TEXT NOT NULL DEFAULT ''"),
        ("answered", "INTEGER NOT NULL DEFAULT 0"),
        ("standing", "TEXT NOT NULL DEFAULT ''"),
        ("counted_at", "TEXT"),
    ),
)
ANSWERS = Table(
    "answers",
    (
        ("return_id", "INTEGER NOT NULL REFERENCES returns(id)"),
        ("task_id", "TEXT NOT NULL"),
        ("role", "TEXT"),
        ("rownum", "INTEGER"),
        ("fields", "TEXT NOT NULL DEFAULT '{}'"),
    ),
    ("PRIMARY KEY (return_id, task_id)",),
)
INDICATOR_VALUES = Table(
    "indicator_values",
    (
        ("return_id", "INTEGER NOT NULL REFERENCES returns(id)"),
        ("indicator_id", "TEXT NOT NULL"),
        ("value", "REAL"),
        ("raw", "TEXT"),
        ("note", "TEXT"),
    ),
    ("PRIMARY KEY (return_id, indicator_id)",),
)
DROPS = Table(
    "drops",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("sha256", "TEXT NOT NULL"),
        ("original_name", "TEXT NOT NULL"),
        ("source_path", "TEXT NOT NULL"),
        ("stored_path", "TEXT NOT NULL"),
        ("seen_at", "TEXT NOT NULL"),
        ("duplicate", "INTEGER NOT NULL"),
        ("state", "TEXT NOT NULL"),
    ),
)
FIRST_SEEN = Table(
    "first_seen",
    (("sha256", "TEXT NOT NULL"), ("source_path", "TEXT NOT NULL"), ("seen_at", "TEXT NOT NULL")),
    ("PRIMARY KEY (sha256, source_path)",),
)
CLOSINGS = Table("closings", (("task_id", "TEXT PRIMARY KEY"), ("period", "TEXT NOT NULL")))
TABLES = (RETURNS, ANSWERS, INDICATOR_VALUES, DROPS, FIRST_SEEN, CLOSINGS)
# A new ledger: the tables as VERSION lays them out, at once (MIGRATIONS bring an old one to the same layout).
_CREATE = tuple(t.create() for t in TABLES) + (
    "CREATE INDEX IF NOT EXISTS returns_period ON returns(period, recipient)",
)


def _step(db: sqlite3.Connection, number: int, statements) -> None:
    """Bring the ledger to version ``number`` by ``statements``, in one transaction, unless another run has."""
    db.execute("BEGIN IMMEDIATE")
    try:
        if _user_version(db) >= number:  # another run migrated it meanwhile
            db.execute("ROLLBACK")
            return
        for statement in statements:
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {number}")
    except BaseException:
        if db.in_transaction:  # SQLite has rolled back itself on some errors (SQLITE_FULL)
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _user_version(db: sqlite3.Connection) -> int:
    (version,) = db.execute("PRAGMA user_version").fetchone()
    return version


def version_of(db: sqlite3.Connection) -> int:
    """The layout version of the ledger ``db``: 0 for an empty file."""
    version = _user_version(db)
    if version == 0 and db.execute("SELECT 1 FROM sqlite_master WHERE name = 'returns'").fetchone():
        version = 1  # written before the layout carried a version
    return version


def migrate(db: sqlite3.Connection) -> int:
    """Bring the ledger's layout to :data:`VERSION`; returns the version it had."""
    start = version_of(db)
    if start == 0:
        _step(db, VERSION, _CREATE)
        return start
    for number in range(start + 1, VERSION + 1):
        _step(db, number, [s for s in MIGRATIONS[number - 1].split(";") if s.strip()])
    return start
