"""Run the collector and die with os._exit (as kill -9 would) right after the Nth call of one step.

Usage: python crash_driver.py CONFIG PERIOD STEP N
STEP is one of: _put (bytes placed in the archive), _unpack (a zip's members extracted into inbox/.解压),
record_many (ledger rows committed as pending), _unlink_same (inbox file removed, ledger row not yet marked done).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from dutytable import archive, collect, intake, ledger  # noqa: E402
from dutytable.config import load_config  # noqa: E402
from dutytable.master import load_table  # noqa: E402
from dutytable.model import Period  # noqa: E402

config_path, period, step, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
# The step as the tests name it -> (where it is, its name there).
owners = {
    "_put": (archive.Archive, "put"),
    "_unpack": (archive.Archive, "unpack"),
    "record_many": (ledger.Ledger, "record_many"),
    "_unlink_same": (intake, "unlink_same"),
}
calls = 0
owner, attr = owners[step]
original = getattr(owner, attr)


def dying(*args, **kwargs):
    global calls
    result = original(*args, **kwargs)
    calls += 1
    if calls == n:
        os._exit(137)
    return result


setattr(owner, attr, dying)
config = load_config(config_path)
collect.Collector(config, load_table(config.table, config.departments), settle_seconds=0).run(Period.parse(period))
sys.exit(0)
