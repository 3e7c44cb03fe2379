"""The ledger's layout is declared once: new and migrated ledgers agree with it; a read-only open writes nothing."""

import sqlite3

from conftest import SEED_TABLE, run_script
from dutytable.config import load_config
from dutytable.ledger import Ledger
from dutytable.ledger_schema import MIGRATIONS, TABLES, VERSION
from dutytable.model import Period
from test_house import V1_ROWS

P = Period(2010, 11)


def _columns(path) -> dict:
    db = sqlite3.connect(path)
    try:
        names = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: [(c[1], c[2], c[3], c[4], c[5]) for c in db.execute(f"PRAGMA table_info({t})")] for t in names}
    finally:
        db.close()


def _first_release(path):
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + V1_ROWS)  # the first release's layout, with no version set
    db.commit()
    db.close()
    return path


def test_a_new_ledger_has_the_declared_tables_and_a_migrated_one_the_same_columns(tmp_path):
    with Ledger(tmp_path / "new.sqlite3", tmp_path):
        pass
    with Ledger(_first_release(tmp_path / "old.sqlite3"), tmp_path):
        pass
    new, old = _columns(tmp_path / "new.sqlite3"), _columns(tmp_path / "old.sqlite3")
    assert (
        sorted(new)
        == sorted(t.name for t in TABLES)
        == ["answers", "closings", "drops", "first_seen", "indicator_values", "returns"]
    )
    assert {t: [c[0] for c in cs] for t, cs in new.items()} == {t.name: list(t.names) for t in TABLES}
    assert {t: sorted(cs) for t, cs in new.items()} == {t: sorted(cs) for t, cs in old.items()}


def test_a_read_only_ledger_of_an_earlier_version_reads_the_present_layout_and_keeps_its_bytes(tmp_path):
    path = _first_release(tmp_path / "收文台账.sqlite3")
    before = path.read_bytes()
    with Ledger(path, tmp_path, read_only=True) as ledger:
        assert ledger.task_ids() == {"T0104", "T0206"}
        assert (ledger.latest_returns(P)["环保局"].verdict, ledger.reporters(P)) == ("待补正", {"环保局"})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["收文台账.sqlite3"]


def test_a_read_only_ledger_of_this_version_is_read_in_place(tmp_path):
    path = tmp_path / "收文台账.sqlite3"
    with Ledger(path, tmp_path):
        pass
    before = path.read_bytes()
    with Ledger(path, tmp_path, read_only=True) as ledger:
        assert (ledger.db.execute("PRAGMA user_version").fetchone()[0], ledger.counts()) == (VERSION, (0, 0))
    assert path.read_bytes() == before


def test_import_check_leaves_an_old_ledger_as_it_was(workdir):
    config = load_config(workdir / "config.ini")
    config.ledger.parent.mkdir(parents=True, exist_ok=True)
    path = _first_release(config.ledger)
    before = path.read_bytes()
    result = run_script("import_table.py", SEED_TABLE, "--check", "--config", workdir / "config.ini")
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name)) == [path.name]
