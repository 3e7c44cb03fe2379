"""A second intake source is one new class: a mailbox whose message dates are the receipt times.

The mailbox here is the tests' own (in memory: attachment bytes, name, message date), with the five methods of
intake.Source; the collect run, the examiner, the archive and the ledger are used as they are.
"""

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from dutytable.collect import Collector
from dutytable.consolidate import consolidate
from dutytable.model import Period
from dutytable.screen import summary_lines
from returns import fill, prepare, tree

P = Period(2010, 11)
RUN = dt.datetime(2010, 11, 28, 9, 0)  # the run's clock: after the deadline (the 25th)


class Mailbox:
    """Messages (attachment bytes, attachment name, message date); each attachment is spooled to a file to be
    examined and archived, and the message is taken out of the mailbox once its attachment is archived."""

    def __init__(self, spool: Path, messages: list) -> None:
        self.spool = spool
        self.messages = {spool / f"{i:03d}" / name: (data, name, date) for i, (data, name, date) in enumerate(messages)}
        self.taken = []  # attachment names, in the order their messages were taken out

    def check(self) -> None:
        pass  # nothing on disk to be refused

    def candidates(self, skip=()):
        ready = []
        for path, (data, _name, date) in sorted(self.messages.items(), key=lambda m: m[1][2]):
            if str(path) in skip:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            ready.append(path)
        return ready, []

    def received_at(self, path: Path) -> str | None:
        return self.messages[path][2].isoformat(timespec="seconds")

    def name(self, path: Path) -> str:
        return self.messages[path][1]

    def remove(self, path: Path, sha: str) -> bool | None:
        data, name, _date = self.messages.pop(path)
        assert hashlib.sha256(data).hexdigest() == sha
        path.unlink()
        self.taken.append(name)
        return True


@pytest.fixture
def mailed(workdir, tmp_path):
    """Six messages collected through a mailbox, with a filled form left in inbox/ beside them."""
    config, table, forms = prepare(workdir)
    filled = {
        name: fill(forms[name], tmp_path / "filled" / f"{name}.xlsx", progress=f"{name}本月推进。")
        for name in ("环保局", "农业局")
    }
    draft = fill(
        forms["环保局"],
        tmp_path / "filled" / "环保局草稿.xlsx",
        status=None,
        progress=None,
        rows={"T0104": {"完成状态": "正常推进", "推进情况": "草稿"}},
    )
    messages = [
        (filled["环保局"].read_bytes(), "环保局回复.xlsx", dt.datetime(2010, 11, 24, 17, 0)),
        (filled["农业局"].read_bytes(), "农业局.xlsx", dt.datetime(2010, 11, 27, 10, 15)),  # after the deadline
        (filled["环保局"].read_bytes(), "环保局（再发）.xlsx", dt.datetime(2010, 11, 25, 8, 0)),
        (forms["城建局"].read_bytes(), "城建局.xlsx", dt.datetime(2010, 11, 23, 9, 30)),  # sent back blank
        ("附件请查收".encode(), "说明.txt", dt.datetime(2010, 11, 22, 14, 0)),
        (draft.read_bytes(), "环保局草稿.xlsx", dt.datetime(2010, 11, 26, 11, 0)),  # fewer tasks, same run
    ]
    inbox = workdir / "inbox"
    left = fill(forms["质监分局"], inbox / "质监分局.xlsx")
    before = tree(inbox), left.stat().st_mtime_ns
    box = Mailbox(tmp_path / "spool", messages)
    result = Collector(config, table, now=lambda: RUN, settle_seconds=0, source=box).run(P)
    return config, table, box, result, inbox, before


def test_a_mailbox_source_is_collected_with_the_message_dates_as_receipt_times(mailed):
    config, table, box, result, inbox, before = mailed
    db = sqlite3.connect(config.ledger)
    assert db.execute(
        "SELECT original_name, recipient, verdict, received_at, standing FROM returns ORDER BY id"
    ).fetchall() == [
        ("说明.txt", None, "退回", "2010-11-22T14:00:00", ""),
        ("城建局.xlsx", "城建局", "未填报", "2010-11-23T09:30:00", ""),
        ("环保局回复.xlsx", "环保局", "有效", "2010-11-24T17:00:00", ""),
        ("环保局草稿.xlsx", "环保局", "待补正", "2010-11-26T11:00:00", "待确认"),
        ("农业局.xlsx", "农业局", "有效", "2010-11-27T10:15:00", ""),
    ]
    assert db.execute("SELECT original_name, duplicate, state FROM drops ORDER BY id").fetchall() == [
        ("说明.txt", 0, "done"),
        ("城建局.xlsx", 0, "done"),
        ("环保局回复.xlsx", 0, "done"),
        ("环保局（再发）.xlsx", 1, "done"),
        ("环保局草稿.xlsx", 0, "done"),
        ("农业局.xlsx", 0, "done"),
    ]
    assert box.messages == {} and box.taken == [
        "说明.txt",
        "城建局.xlsx",
        "环保局回复.xlsx",
        "环保局（再发）.xlsx",
        "环保局草稿.xlsx",
        "农业局.xlsx",
    ]
    lines = summary_lines(result)
    assert lines[0] == "收到 6 份：有效 2，待补正 1，退回 1，重复 1，未填报 1"
    assert "重复：环保局（再发）.xlsx（与已收到的“环保局回复.xlsx”内容完全相同，只登记一次）" in lines
    assert (
        "待确认：环保局草稿.xlsx（环保局）填写的任务比已收到的“环保局回复.xlsx”少，或与之同时收到，暂不替换；"
        '如确应以它为准，请运行 python scripts/collect.py --accept "环保局草稿.xlsx"。'
    ) in lines


def test_a_mailbox_returns_lateness_is_judged_by_its_message_date(mailed):
    config, table, *_ = mailed
    path, _, _ = consolidate(config, table, P)
    ws = openpyxl.load_workbook(path)["报送情况"]
    header = [c.value for c in ws[2]]
    rows = {r[1]: dict(zip(header, r)) for r in ws.iter_rows(min_row=3, values_only=True)}
    assert (rows["环保局"]["收到时间"], rows["环保局"]["逾期"]) == ("2010-11-24 17:00:00", None)
    assert (rows["农业局"]["收到时间"], rows["农业局"]["逾期"]) == ("2010-11-27 10:15:00", "逾期")


def test_a_mailbox_rejection_and_duplicate_are_archived_as_the_folders_are(mailed):
    config, _table, _box, _result, _inbox, _before = mailed
    rejected = sorted(p.name for p in config.rejected.iterdir())
    digest = hashlib.sha256("附件请查收".encode()).hexdigest()[:12]
    assert rejected == [f"20101122-140000_{digest}_说明.txt", f"20101122-140000_{digest}_说明.txt.退回说明.txt"]
    (duplicate,) = (config.archive / "重复").iterdir()
    assert duplicate.name.startswith("20101125-080000_") and duplicate.name.endswith("_环保局（再发）.xlsx")
    kept = sorted(p.name for p in (config.archive / "2010-11" / "环保局").iterdir())
    assert [n[:16] for n in kept] == ["20101124-170000_", "20101126-110000_"]


def test_collecting_a_mailbox_leaves_the_inbox_folder_alone(mailed):
    config, _table, _box, _result, inbox, (files_before, mtime_before) = mailed
    outside = {k: v for k, v in tree(inbox).items() if not k.startswith(("已归档/", "退回/"))}
    assert outside == {k: v for k, v in files_before.items() if not k.startswith(("已归档/", "退回/"))}
    assert list(outside) == ["质监分局.xlsx"] and (inbox / "质监分局.xlsx").stat().st_mtime_ns == mtime_before
    db = sqlite3.connect(config.ledger)
    assert db.execute("SELECT count(*) FROM returns WHERE recipient = '质监分局'").fetchone() == (0,)


def _accepted(answered: int):
    from dutytable.examine import Examined

    return Examined(
        path="",
        original_name="新.xlsx",
        sha256="",
        size=0,
        mtime=0.0,
        received_at="",
        verdict="有效",
        recipient="环保局",
        period="2010-11",
        answered=answered,
    )


@pytest.mark.parametrize(
    "counting, expected",
    [
        (None, ("", "")),  # the unit's first return counts
        (("旧.xlsx", 4, False), ("", "旧.xlsx")),  # as many tasks, an earlier run's: replaces it
        (("旧.xlsx", 5, False), ("待确认", "旧.xlsx")),  # fewer tasks than the one that counts: held
        (("旧.xlsx", 3, True), ("待确认", "旧.xlsx")),  # received at the same run: which came later cannot be told
    ],
)
def test_the_collect_run_decides_what_is_held_for_the_clerk(counting, expected):
    from dutytable.collect import standing

    ex = _accepted(4)
    standing(ex, counting)
    assert (ex.standing, ex.replaces) == expected


def test_the_ledger_stores_the_standing_it_is_given_and_leaves_the_return_alone(tmp_path):
    from dutytable.ledger import Ledger

    with Ledger(tmp_path / "台账.db", tmp_path) as ledger:
        first, second = _accepted(4), _accepted(1)
        first.sha256, second.sha256, second.standing = "a" * 64, "b" * 64, "已确认"
        ledger.record_many(
            [
                (first, tmp_path / "a.xlsx", tmp_path / "a.xlsx", "2010-11-20T09:00:00", False, None),
                (second, tmp_path / "b.xlsx", tmp_path / "b.xlsx", "2010-11-20T09:00:00", False, None),
            ]
        )
        assert (second.standing, second.replaces) == ("已确认", "")
        assert ledger.db.execute("SELECT sha256, standing FROM returns ORDER BY id").fetchall() == [
            ("a" * 64, ""),
            ("b" * 64, "已确认"),
        ]
