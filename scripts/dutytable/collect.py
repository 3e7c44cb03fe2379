"""Stage 3, collecting returns: an intake source into the archive and the ledger, never losing a file.

For each file the source offers, in order of arrival:

1. :func:`examine.examine` reads and validates it (pure: runs in a worker process when there
   are many) and decides 有效, 待补正 or 退回;
2. when it was first seen is committed to the ledger; then the original bytes are linked
   or copied to a deterministic place in the archive, named by that receipt time (or the
   退回 folder, with a note beside it): :mod:`archive`;
3. the ledger records it as ``pending`` in one transaction; the run decides there whether a unit's
   later return counts or waits for the clerk (:func:`standing`);
4. the source takes the file away (:meth:`intake.Source.remove`), and the ledger row is marked ``done``.

A crash between any two steps is completed by the next run (:meth:`Collector.recover`),
and nothing is recorded twice: the ledger knows every content hash it has seen. A ledger
lost or damaged is rebuilt from the archive first (:mod:`rebuild`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import files, rebuild
from .archive import UNPACK_DIR, Archive, Staged, detach
from .examine import Examined, Expectations, examine_in_worker, examine_safely, set_worker_expectations
from .forms import asks
from .intake import Folder, Source, require_writable
from .ledger import split_reported
from .pool import ordered_map, worker_pool
from .vocab import EMPTY, HELD, REJECTED, TO_FIX, UNPACKED, Period

# Files below which examining in the parent beats a pool of two (bench/bench.py, 2 cores, 2026-11-26): with
# fork the pool gains from about 128 returns (128: 0.22 s against 0.26 s; 48: 0.13 against 0.11); spawned
# workers, as on Windows, start slowly and still only draw level at 512 (0.63 s against 0.61 s).
POOL_THRESHOLD = {"fork": 128, "forkserver": 128, "spawn": 1024}
BATCH = 64  # files recorded per ledger transaction


@dataclass
class CollectResult:
    """What one run did, for the summary and the tests."""

    period: Period
    processed: list = field(default_factory=list)  # Examined, in order (zip containers excluded)
    duplicates: list = field(default_factory=list)  # Examined
    unpacked: list = field(default_factory=list)  # Examined of zip containers
    skipped_busy: list = field(default_factory=list)  # names of files still being written
    in_use: list = field(default_factory=list)  # archived, but open elsewhere: not yet taken from the source
    read_only: list = field(default_factory=list)  # archived, but in a folder that cannot be written
    changed: list = field(default_factory=list)  # names of files saved again while being collected: left for next run
    lost: list = field(default_factory=list)  # names of files a crashed run recorded whose bytes could not be archived
    recovered: int = 0
    rebuilt: str = ""  # the line saying the ledger was rebuilt from the archive, or ""
    missing: list = field(default_factory=list)  # recipients with no accepted return for the period
    reported: list = field(default_factory=list)
    marked_copies: list = field(default_factory=list)
    after_report: list = field(default_factory=list)  # Examined for another period whose report day had passed

    def count(self, verdict: str) -> int:
        return sum(1 for e in self.processed if e.verdict == verdict)


def standing(ex: Examined, counting: tuple[str, int, bool] | None) -> None:
    """Whether a unit's new accepted return counts now or waits for the clerk (待确认), into ``ex``.

    ``counting`` is (original name, answered rows, recorded this run) of the return that counts now
    (:meth:`ledger.Ledger.counting`). A return with fewer answered rows than that one, or one received at the
    same run (two versions found together: which came later cannot be told), waits as 待确认.
    """
    if counting is None:
        ex.standing, ex.replaces = "", ""
        return
    name, answered, this_run = counting
    ex.standing, ex.replaces = (HELD if ex.answered < answered or this_run else ""), name


class Collector:
    """Collects one intake source (inbox/ unless another is given) for one table and config.

    The clock and the settle time are parameters.
    """

    def __init__(
        self,
        config,
        table,
        now=None,
        settle_seconds: int | None = None,
        workers: int | None = None,
        progress=None,
        source: Source | None = None,
    ) -> None:
        self.config = config
        self.table = table
        self.now = now or dt.datetime.now
        settle = config.settle_seconds if settle_seconds is None else settle_seconds
        self.workers = workers
        self.progress = progress
        self.source = source or Folder(config.inbox, (config.archive, config.rejected), settle, self.now)
        self.staged = Staged(config.inbox / UNPACK_DIR)  # zips' members, taken the round after their zip
        self.archive = Archive(config, table, self.staged, self.now)
        self._pending_sources = set()  # files archived but still open elsewhere

    # -- the run -------------------------------------------------------------
    def run(self, period: Period) -> CollectResult:
        result = CollectResult(period=period)
        self._run_at = self.now().isoformat(timespec="seconds")
        self._period = period
        self.source.check()
        require_writable((self.config.archive, self.config.rejected, self.config.ledger.parent))
        recipients = self.table.recipients(self.config.departments)
        specs = self.archive.specs(period, recipients)
        expectations = Expectations(
            self.table.schema,
            {name: spec.rows for name, spec in specs.items()},
            str(period),
            {name: spec.indicators for name, spec in specs.items()},
            specs,
            self.config.departments.aliases,
        )
        ledger, result.rebuilt = rebuild.open_ledger(
            self.config.ledger,
            self.config.path.parent,
            (self.config.archive, self.config.rejected),
            lambda path, name: examine_safely(path, name, expectations),
            self.now,
            standing,
        )
        with ledger:
            result.recovered = self.recover(ledger, result)
            self._rounds(ledger, result, expectations)
            taken = {e.original_name for e in result.processed + result.duplicates}
            result.changed = [n for n in dict.fromkeys(result.changed) if n not in taken]
            aliases = self.config.departments.aliases  # a return under a unit's former name is the unit's
            reported, missing = split_reported(
                [r for r in recipients if asks(specs[r.name])], {aliases.get(n, n) for n in ledger.reporters(period)}
            )
        result.reported = [r.name for r in reported]
        result.missing = [r.name for r in missing]
        self.staged.cleanup()
        return result

    def _rounds(self, ledger, result, expectations) -> None:
        """Examine and place what the source offers; zips unpack into the staging folder, taken next round."""
        for _round in range(3):
            ready, busy = self._scan()
            result.skipped_busy = [self._name(p) for p in busy]
            if not ready:
                break
            examined = self._examine_all(ready, expectations)
            unpacked_any, seen, done = False, {}, 0  # seen: sha256 -> name, of files not rejected
            while batch := list(itertools.islice(examined, BATCH)):
                unpacked_any |= self._place_batch(ledger, batch, result, seen)
                done += len(batch)
                if self.progress:
                    self.progress(done, len(ready))
            if not unpacked_any:
                break

    def _scan(self) -> tuple[list, list]:
        """(ready, busy): the source's files and the staged zip members, in order of arrival."""
        ready, busy = self.source.candidates(self._pending_sources)
        staged, _ = self.staged.candidates(self._pending_sources)
        if staged:
            ready = sorted(ready + staged, key=_arrival)
        return ready, busy

    def _source_of(self, path) -> Source:
        return self.staged if self.staged.holds(path) else self.source

    def _name(self, path) -> str:
        """How the clerk knows a file: the source's name of it, a zip's member as zip name/member."""
        return self._source_of(path).name(Path(path))

    def _examine_all(self, paths, expectations):
        """Examined files in order, as they are ready: placing overlaps examining when a pool is used."""
        names = [self._name(p) for p in paths]
        workers = self.workers
        if workers is None:
            threshold = POOL_THRESHOLD.get(multiprocessing.get_start_method(), 1024)
            workers = min(2, os.cpu_count() or 1) if len(paths) >= threshold else 1
        if workers <= 1:
            yield from (examine_safely(p, n, expectations) for p, n in zip(paths, names))
            return
        # The expectations go to each worker once, not with every file.
        with worker_pool(workers, set_worker_expectations, (expectations,)) as pool:
            yield from ordered_map(pool, examine_in_worker, paths, names, chunksize=16, ahead=2 * workers + 2)

    def _place_batch(self, ledger, batch, result, seen) -> bool:
        """Archive a batch: link every file into place, record them in one transaction, then take them away.

        Per file the order is the one a crash can be recovered from: bytes placed, ledger
        row committed as pending, source file removed, row marked done.

        Returns:
            True if a zip was unpacked (its members wait in the staging folder for the next round).
        """
        placed, unpacked_any = [], False
        for ex in batch:
            ex.received_at = self._received_at(ledger, ex)
        # Linking a file changes its ctime: when each was first seen is committed before any is touched.
        ledger.note_first_seen([(ex.sha256, ex.path, ex.received_at) for ex in batch])
        for ex in batch:
            dest, duplicate = self._destination(ledger, ex, result, seen)
            stored = self.archive.put(Path(ex.path), dest, ex.sha256)
            if stored is None:  # saved again since it was examined: the new version is examined next run
                result.changed.append(ex.original_name)
                continue
            marked = self._consequences(ex, stored, duplicate, result)
            unpacked_any |= ex.verdict == UNPACKED and not duplicate
            placed.append((ex, stored, duplicate, marked))
            if ex.verdict != REJECTED:  # a rejection is no original: the same bytes are examined again
                seen.setdefault(ex.sha256, ex.original_name)
        seen_at = self.now().isoformat(timespec="seconds")
        drops = ledger.record_many(
            [(ex, dest, Path(ex.path), seen_at, duplicate, marked) for ex, dest, duplicate, marked in placed], standing
        )
        self._take_away(ledger, placed, drops, result)
        return unpacked_any

    def _take_away(self, ledger, placed, drops, result) -> None:
        """Remove each recorded file from its source and mark its drop done; one still held elsewhere stays."""
        done = []
        for (ex, stored, *_), drop in zip(placed, drops):
            removed = self._source_of(ex.path).remove(Path(ex.path), ex.sha256)
            if removed:
                done.append(drop)
                continue
            detach(stored, ex.sha256)  # the source file stays: whatever is written to it later is not archived
            if removed is None:  # archived, in a folder that cannot be written: stays pending
                result.read_only.append(ex.original_name)
            else:  # archived, but open in Excel: stays pending, finished by a later run
                result.in_use.append(ex.original_name)
        ledger.mark_done_many(done)
        for ex, *_ in placed:  # the ledger has them now: the run's result keeps what its summary says
            ex.answers, ex.indicator_values, ex.fill, ex.marked = (), (), None, b""

    def _destination(self, ledger, ex, result, seen) -> tuple[Path, bool]:
        """Where a file goes, and whether it is a duplicate; a zip's members are unpacked here."""
        ex.repeats = seen.get(ex.sha256)
        if ex.repeats is None:
            known = ledger.known(ex.sha256)
            if known is not None and known.verdict != REJECTED:  # a rejected file put back is examined again
                ex.repeats = known.original_name
        duplicate = ex.repeats is not None
        if not duplicate and ex.verdict == UNPACKED and self.archive.unpack(Path(ex.path), ex):
            result.unpacked.append(ex)  # else: unpack rejected it; it goes to 退回
        return self.archive.destination(ex, duplicate), duplicate

    def _consequences(self, ex, stored, duplicate, result):
        """What follows from a file placed at ``stored``: its note or marked copy, and its place in the result.

        Returns:
            The marked copy's path, or None.
        """
        marked = None
        if duplicate:
            result.duplicates.append(ex)
        elif ex.verdict == REJECTED:
            self.archive.write_note(stored, ex)
            result.processed.append(ex)
        elif ex.verdict != UNPACKED:
            if ex.period != str(self._period) and (
                ex.received_at[:10] > self.config.report_date(Period.parse(ex.period)).isoformat()
            ):
                result.after_report.append(ex)
            if ex.verdict in (TO_FIX, EMPTY):
                marked = self.archive.marked_copy(ex)
                result.marked_copies.append(marked)
            result.processed.append(ex)
        return marked

    def _received_at(self, ledger, ex) -> str:
        """When ``ex`` arrived: as its source says, at the latest this run; for a zip's member, the time the zip
        was received. A file a crashed run saw first keeps the time that run committed (linking it since
        changed its ctime)."""
        seen = ledger.first_seen(ex.sha256, ex.path)
        if seen:
            return seen
        if self.staged.holds(ex.path):
            return ledger.received(self.staged.zip_digest(ex.path)) or self._run_at
        arrived = self.source.received_at(Path(ex.path))
        return min(self._run_at, arrived) if arrived else self._run_at

    def recover(self, ledger, result) -> int:
        """Finish what a crashed run recorded but did not complete; returns how many.

        A file whose bytes can no longer be placed (its archived copy gone, and the source file moved or saved
        again since) is finished all the same and named in ``result.lost``: the ledger keeps what was read.
        """
        done = 0
        self._pending_sources = set()
        for drop_id, sha, source_rel, stored_rel in ledger.pending_drops():
            source, stored = ledger.abs(source_rel), ledger.abs(stored_rel)
            if not (stored.exists() and files.sha256_file(stored) == sha):
                if not (source.exists() and self.archive.put(source, stored, sha) is not None):
                    result.lost.append(self._name(source))
            if not self._source_of(source).remove(source, sha):
                self._pending_sources.add(os.path.abspath(source))  # still open: leave it for next time
                continue
            ledger.mark_done_many([drop_id])
            done += 1
        return done


def _arrival(path: Path) -> tuple:
    """Files in order of arrival: by the time they were saved (a zip's members: the zip's), then by path."""
    try:
        return path.stat().st_mtime, str(path)
    except OSError:  # gone since it was listed: its turn comes last, where it is found missing
        return math.inf, str(path)
