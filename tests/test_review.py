"""Review proofs (issue #16). Each shows a defect found in review, as fixed on this branch."""

import datetime as dt
import os
import sqlite3
import zipfile

import pytest
from dutytable.inbox import Collector, summary_lines
from dutytable.model import Period
from returns import age, fill, prepare

P = Period(2010, 11)


@pytest.fixture
def env(workdir):
    config, table, forms = prepare(workdir)
    return config, table, forms, workdir / "inbox"


def collect(config, table, **kw):
    return Collector(config, table, settle_seconds=0, **kw).run(P)


def test_a_return_removed_after_being_examined_stops_the_run(env, monkeypatch):
    """The clerk drags a file out of inbox/ (or Excel's save renames it away) while the run is collecting."""
    config, table, forms, inbox = env
    fill(forms["环保局"], inbox / "环保局.xlsx")
    fill(forms["园区办"], inbox / "园区办.xlsx")
    real = Collector._destination

    def removed(self, ledger, ex, result, seen):
        if ex.original_name == "环保局.xlsx":
            os.unlink(ex.path)
        return real(self, ledger, ex, result, seen)

    monkeypatch.setattr(Collector, "_destination", removed)
    result = collect(config, table)  # fixed: the run goes on; the file gone is not recorded
    assert result.changed == ["环保局.xlsx"] and [e.original_name for e in result.processed] == ["园区办.xlsx"]


def test_a_zip_saved_again_after_being_examined_is_unpacked_though_not_recorded(env, monkeypatch):
    config, table, forms, inbox = env
    member = fill(forms["环保局"], inbox.parent / "环保局.xlsx")
    z = inbox / "附件.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(member, "环保局.xlsx")
    age(z)
    real = Collector._destination

    def saved_again(self, ledger, ex, result, seen):
        if ex.original_name == "附件.zip" and not getattr(saved_again, "done", False):
            saved_again.done = True
            with zipfile.ZipFile(z, "a") as zf:  # saved again: one more member
                zf.writestr("说明.txt", "见附件")
        return real(self, ledger, ex, result, seen)

    monkeypatch.setattr(Collector, "_destination", saved_again)
    first = collect(config, table)
    assert first.changed == ["附件.zip"] and first.unpacked == []
    assert not (inbox / ".解压").exists() or not any(p.is_file() for p in (inbox / ".解压").rglob("*"))
    monkeypatch.setattr(Collector, "_destination", real)
    later = dt.datetime.now() + dt.timedelta(days=3)
    second = collect(config, table, now=lambda: later)
    print(summary_lines(second))
    db = sqlite3.connect(config.ledger)
    rows = db.execute("SELECT original_name, received_at, kind FROM returns ORDER BY id").fetchall()
    print(rows)
    run_at = [r for r in rows if r[0].endswith("环保局.xlsx")]
    # fixed: every member has its zip's receipt time
    assert all(r[1] == [x for x in rows if x[0] == "附件.zip"][0][1] for r in run_at), rows


def test_recover_marks_done_a_drop_whose_bytes_it_could_not_place(env, monkeypatch):
    """Crash after the ledger row is committed pending; before the next run the archived copy is gone
    and the inbox file was saved again: recover records the drop as done with nothing at stored_path."""
    config, table, forms, inbox = env
    src = fill(forms["环保局"], inbox / "环保局.xlsx")
    import dutytable.inbox as inbox_mod

    def crash(path, sha):
        raise KeyboardInterrupt

    monkeypatch.setattr(inbox_mod, "_unlink_same", crash)
    with pytest.raises(KeyboardInterrupt):
        collect(config, table)
    monkeypatch.undo()
    db = sqlite3.connect(config.ledger)
    (stored,) = db.execute("SELECT stored_path FROM drops WHERE state='pending'").fetchone()
    stored = config.path.parent / stored
    stored.unlink()  # e.g. an antivirus quarantined it / clerk tidied the archive
    fill(forms["环保局"], src, progress="改过")  # saved again
    result = collect(config, table)
    print(summary_lines(result))
    assert result.recovered == 1
    assert db.execute("SELECT state FROM drops ORDER BY id LIMIT 1").fetchone()[0] == "done"
    assert not stored.exists()  # ledger row 'done', the returns row still points here


def test_fingerprint_rows_cache_confuses_equal_values_of_other_types():
    from dutytable.forms import _row_bytes, fingerprint
    _row_bytes.cache_clear()
    fresh_one = fingerprint([("T1", 1)])
    _row_bytes.cache_clear()
    fingerprint([("T1", True)])  # True == 1: once the same cache key
    assert fingerprint([("T1", 1)]) == fresh_one


def test_a_file_listed_as_left_for_next_run_is_collected_in_the_next_round_of_the_same_run(env, monkeypatch):
    config, table, forms, inbox = env
    member = fill(forms["园区办"], inbox.parent / "园区办.xlsx")
    z = inbox / "a附件.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(member, "园区办.xlsx")
    age(z)
    src = fill(forms["环保局"], inbox / "环保局.xlsx")
    real = Collector._destination

    def saved_again(self, ledger, ex, result, seen):
        if ex.original_name == "环保局.xlsx" and not getattr(saved_again, "done", False):
            saved_again.done = True
            fill(forms["环保局"], src, progress="终稿")
        return real(self, ledger, ex, result, seen)

    monkeypatch.setattr(Collector, "_destination", saved_again)
    result = collect(config, table)
    lines = summary_lines(result)
    print(lines)
    assert "环保局.xlsx" in [e.original_name for e in result.processed]  # collected after all, in round 2
    assert not src.exists() and result.changed == []  # fixed: not listed as left for the next run
