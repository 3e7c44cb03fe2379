"""A collector killed at any moment loses no file and leaves no half-recorded return; a rerun completes."""

import datetime as dt
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from returns import OLD, age, drop, fill, prepare, quick_returns

DRIVER = Path(__file__).with_name("crash_driver.py")


def digest(data):
    return hashlib.sha256(data).hexdigest()


def _inbox_batch(inbox, forms, tmp_path, recipients):
    """Different returns for ``recipients``, one duplicate and one non-spreadsheet; returns their contents."""
    contents = []
    for i, name in enumerate(recipients):
        path = fill(forms[name], inbox / f"{name}回复.xlsx", progress=f"第{i}份")
        age(path, OLD + i)
        contents.append(path.read_bytes())
    dup = drop(inbox / f"{recipients[0]}回复.xlsx", inbox / "再发", "重发.xlsx")
    age(dup, OLD + 1000)
    (inbox / "说明.txt").write_text("附件请查收", encoding="utf-8")
    age(inbox / "说明.txt", OLD + 1001)
    contents += [dup.read_bytes(), (inbox / "说明.txt").read_bytes()]
    return contents


def _assert_complete(config, inbox, contents, recipients):
    left = [
        p
        for p in inbox.rglob("*")
        if p.is_file() and not p.is_relative_to(inbox / "已归档") and not p.is_relative_to(inbox / "退回")
    ]
    assert left == [], left
    kept = {digest(p.read_bytes()) for p in inbox.rglob("*") if p.is_file() and not p.name.endswith(".退回说明.txt")}
    assert {digest(c) for c in contents} <= kept, "a file was lost"
    db = sqlite3.connect(config.ledger)
    assert (
        db.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM returns").fetchone()
        == (len({digest(c) for c in contents}),) * 2
    )
    assert db.execute("SELECT COUNT(*) FROM drops").fetchone()[0] == len(contents)
    assert db.execute("SELECT COUNT(*) FROM drops WHERE state != 'done'").fetchone()[0] == 0
    answers = db.execute("SELECT COUNT(DISTINCT return_id) FROM answers").fetchone()[0]
    assert answers == len(recipients)
    reported = {r[0] for r in db.execute("SELECT recipient FROM returns WHERE verdict = '有效'")}
    assert reported == set(recipients)


def _collect(config):
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "collect.py"), "--config", str(config.path), "--period", "2010-11"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


# _put runs per file (1st, 3rd: before the batch is recorded); record_many once per batch of
# files (all 5 here), leaving them pending; _unlink_same per file, after the batch is recorded.
@pytest.mark.parametrize(
    "step, n, recovered",
    [("_put", 1, 0), ("_put", 3, 0), ("record_many", 1, 5), ("_unlink_same", 1, 5), ("_unlink_same", 3, 5)],
)
def test_a_crash_after_any_step_is_completed_by_the_next_run(workdir, tmp_path, step, n, recovered):
    config, table, forms = prepare(workdir)
    inbox = workdir / "inbox"
    recipients = ["环保局", "农业局", "城建局"]
    contents = _inbox_batch(inbox, forms, tmp_path, recipients)
    crashed = subprocess.run(
        [sys.executable, str(DRIVER), str(config.path), "2010-11", step, str(n)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert crashed.returncode == 137, crashed.stderr
    rerun = _collect(config)
    assert rerun.returncode == 0, rerun.stderr
    _assert_complete(config, inbox, contents, recipients)
    if recovered:
        assert f"已完成上次中断时未完成的 {recovered} 个文件的归档。" in rerun.stdout.splitlines()
    else:
        assert "已完成上次中断时" not in rerun.stdout


def _received(path):
    """When the collector receives ``path`` (dropped before any run): its creation in inbox/, to the second."""
    return dt.datetime.fromtimestamp(path.stat().st_ctime).isoformat(timespec="seconds")


@pytest.mark.parametrize("step", ["_put", "_unpack", "record_many"])
def test_a_crashed_runs_files_keep_the_receipt_time_they_were_first_seen_at(workdir, step):
    """Linking a file into the archive changes its ctime; a zip's members wait for the zip's row: neither may
    make a file later than when it was first seen (2 of 24 were 4 s late, a zip member 逾期 beside its sibling)."""
    config, table, forms = prepare(workdir)
    inbox = workdir / "inbox"
    first, second = (
        age(fill(forms[name], inbox / f"{name}.xlsx"), OLD + i) for i, name in enumerate(["环保局", "农业局"])
    )
    with zipfile.ZipFile(inbox / "两份.zip", "w") as z:
        for name in ("城建局", "质监分局"):
            z.write(fill(forms[name], workdir / f"{name}.xlsx"), f"{name}.xlsx")
    zipped = age(inbox / "两份.zip", OLD + 2)
    dropped = {p.name: _received(p) for p in (first, second, zipped)}
    time.sleep(1.1)  # whatever the crashed run does to a file shows a second later
    crashed = subprocess.run(
        [sys.executable, str(DRIVER), str(config.path), "2010-11", step, "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert crashed.returncode == 137, crashed.stderr
    time.sleep(1.1)
    rerun = _collect(config)
    assert rerun.returncode == 0, rerun.stderr
    db = sqlite3.connect(config.ledger)
    assert dict(db.execute("SELECT original_name, received_at FROM returns")) == {
        "环保局.xlsx": dropped["环保局.xlsx"],
        "农业局.xlsx": dropped["农业局.xlsx"],
        "两份.zip": dropped["两份.zip"],
        "两份/城建局.xlsx": dropped["两份.zip"],
        "两份/质监分局.xlsx": dropped["两份.zip"],
    }
    assert db.execute("SELECT COUNT(*) FROM first_seen").fetchone()[0] == 0  # each row went with its file's record


def _children(pid):
    """The processes whose parent is ``pid`` (Linux /proc); empty where /proc is not there."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_kill_9_at_varied_moments_loses_nothing(workdir, tmp_path):
    config, table, forms = prepare(workdir)
    inbox = workdir / "inbox"
    recipients = sorted(forms)
    contents = _inbox_batch(inbox, forms, tmp_path, recipients)
    # 16 more returns from each recipient: 410 files in all, enough for kills to land mid-batch
    contents += [p.read_bytes() for p in quick_returns(config, table, inbox / "第二批", 16, start=OLD + 5000)]
    received = {}  # content -> when its first copy (in order of modification, as collected) came into inbox/
    for path in sorted((p for p in inbox.rglob("*") if p.is_file()), key=lambda p: p.stat().st_mtime):
        received.setdefault(digest(path.read_bytes()), _received(path))
    time.sleep(1.1)  # a file linked by a killed run shows a later ctime
    mid_way = 0  # kills that landed with part of the files archived and part still waiting in inbox/
    left_behind = set()  # worker processes of killed runs: each must end by itself
    delay = 0.1
    for _ in range(300):  # kill ever later until a run finishes by itself
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "collect.py"), "--config", str(config.path), "--period", "2010-11"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        if proc.poll() is not None:
            break
        workers = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        left_behind.update(workers)
        archived = sum(1 for p in (inbox / "已归档").rglob("*") if p.is_file()) if (inbox / "已归档").exists() else 0
        waiting = sum(1 for p in inbox.rglob("*.xlsx") if not p.is_relative_to(inbox / "已归档"))
        mid_way += archived > 0 and waiting > 0
        delay += 0.01
    final = _collect(config)
    assert final.returncode == 0, final.stderr
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in left_behind):
        time.sleep(0.2)
    assert [pid for pid in left_behind if Path(f"/proc/{pid}").exists()] == [], "a killed run left workers behind"
    assert mid_way >= 1, "no kill landed mid-batch: nothing was tested"
    db = sqlite3.connect(config.ledger)
    assert db.execute("SELECT COUNT(*) FROM returns").fetchone()[0] == len({digest(c) for c in contents})
    assert dict(db.execute("SELECT sha256, received_at FROM returns")) == received  # each at its first sight
    assert db.execute("SELECT COUNT(*) FROM drops").fetchone()[0] == len(contents)
    assert db.execute("SELECT COUNT(*) FROM drops WHERE state != 'done'").fetchone()[0] == 0
    kept = {digest(p.read_bytes()) for p in inbox.rglob("*") if p.is_file() and not p.name.endswith(".退回说明.txt")}
    assert {digest(c) for c in contents} <= kept
    assert [
        p
        for p in inbox.rglob("*")
        if p.is_file() and not p.is_relative_to(inbox / "已归档") and not p.is_relative_to(inbox / "退回")
    ] == []


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_pool_workers_live_as_long_as_their_run_under_every_start_method(method):
    """Under forkserver a worker's OS parent is the fork server, not the run: that must not end it."""
    code = (
        "import multiprocessing as mp, sys, time\n"
        f"mp.set_start_method({method!r})\n"
        "from dutytable.pool import worker_pool\n"
        "if __name__ == '__main__':\n"
        "    with worker_pool(2) as pool:\n"
        "        print(list(pool.map(time.sleep, [1.3] * 4)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")},
    )
    assert (result.returncode, result.stdout) == (0, "[None, None, None, None]\n"), result.stderr[-800:]


def test_ordered_map_gives_results_in_order_and_only_a_few_chunks_ahead():
    from dutytable.pool import ordered_map, worker_pool

    with worker_pool(2) as pool:
        assert list(ordered_map(pool, divmod, range(40), [7] * 40, chunksize=3, ahead=2)) == [
            divmod(n, 7) for n in range(40)
        ]
        with pytest.raises(ZeroDivisionError):  # a worker's error reaches the caller
            list(ordered_map(pool, divmod, [1, 2, 3], [1, 0, 1], chunksize=1))
        given = []
        real = pool.submit
        pool.submit = lambda *a: given.append(real(*a)) or given[-1]
        results = ordered_map(pool, time.sleep, [0.2] * 100, chunksize=1, ahead=12)
        assert next(results) is None and len(given) == 13  # twelve chunks ahead, one more as the first is taken
        results.close()  # the caller stops: chunks given out and not yet started are cancelled, not worked on
        # Of the 12 not taken, at most 1 more finished, 2 running and 3 queued for the 2 workers.
        assert sum(f.cancelled() for f in given) >= 6
