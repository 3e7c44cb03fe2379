"""A lost ledger rebuilt from the archive, so that returns kept there are never forgotten.

Every archived, duplicate or rejected file is named "收到时间_内容编号_原文件名"
(:func:`archive_prefix`): the receipt time and the first 12 hex digits of its sha256. When the
ledger is missing, empty or damaged while such files exist, each one is examined again and
recorded with the receipt time its name carries; a damaged ledger is first set aside under a
name with the time (never overwritten). When an archived file no longer has the content its
name says, the archive cannot be trusted: nothing is rebuilt and the clerk is told to restore
the ledger from a backup.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from pathlib import Path

from . import files
from .errors import LedgerError
from .ledger import Ledger
from .vocab import FILE_STAMP, HELD, REJECTED

# "<receipt time>_<sha256[:12]>_" and, for a duplicate, a 6-digit tag of its own name after it.
_ARCHIVED = re.compile(r"(\d{8}-\d{6})_([0-9a-f]{12})_(?:([0-9a-f]{6})_)?(.+)")
NOTE_SUFFIX = ".退回说明.txt"  # beside a file in 退回/ (the collector writes it)
DUPLICATE_DIR = "重复"  # the archive's folder of files sent again
CONFIRMED_SUFFIX = ".已确认.txt"  # beside an archived return the clerk confirmed (collect.py --accept)
_CONFIRMED_AT = re.compile(r"确认时间：(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")


def archive_prefix(received_at: str, sha: str) -> str:
    """The start of an archived file's name: when it was received and its content's digest."""
    return f"{dt.datetime.fromisoformat(received_at).strftime(FILE_STAMP)}_{sha[:12]}_"


def archived_files(folders) -> list[tuple[str, Path, str, bool]]:
    """(received_at, path, own name, duplicate) of every file named by :func:`archive_prefix`, oldest first."""
    found = []
    for folder in folders:
        for dirpath, _, filenames in os.walk(folder):
            for name in filenames:
                match = _ARCHIVED.fullmatch(name)
                if match is None or name.endswith((NOTE_SUFFIX, CONFIRMED_SUFFIX)):
                    continue
                received = dt.datetime.strptime(match[1], FILE_STAMP).isoformat(timespec="seconds")
                duplicate = Path(dirpath).name == DUPLICATE_DIR and match[3] is not None
                found.append(
                    (
                        received,
                        Path(dirpath, name),
                        match[4] if duplicate or not match[3] else f"{match[3]}_{match[4]}",
                        duplicate,
                    )
                )
    found.sort(key=lambda f: (f[0], f[3], str(f[1])))  # an original before its duplicates
    return found


def note_confirmed(stored: Path, recipient: str, period: str, when: dt.datetime) -> Path:
    """The note beside an archived return that the clerk confirmed, so that a rebuilt ledger confirms it again."""
    note = stored.with_name(stored.name + CONFIRMED_SUFFIX)
    text = (
        f"确认时间：{when.isoformat(timespec='seconds')}\n"
        f"这份报送已确认作为{recipient} {period} 的报送（collect.py --accept），汇总时以它为准；"
        "收文台账丢失重建时照此确认。请不要删除或修改本文件。\n"
    )
    files.atomic_write_bytes(note, text.encode("utf-8"))
    return note


def confirmed_at(stored: Path) -> str | None:
    """When the clerk confirmed the archived return ``stored`` (its note's time), or None."""
    note = stored.with_name(stored.name + CONFIRMED_SUFFIX)
    try:
        match = _CONFIRMED_AT.search(note.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return match[1] if match else None


def open_ledger(path: Path, base: Path, folders, examine, now, judge=None) -> tuple[Ledger, str]:
    """The ledger at ``path``, rebuilt from the files in ``folders`` when it is missing, empty or damaged.

    Args:
        examine: ``(path, original name) -> examine.Examined``, the collector's examiner.
        judge: the collector's rule of a return's standing (:meth:`Ledger.record_many`).
        now: the clock, for the name a damaged ledger is set aside under.

    Returns:
        (the open ledger, the line saying it was rebuilt, or "").

    Raises:
        LedgerError: the ledger is damaged with nothing to rebuild it from, or an archived file's
            content no longer matches its name.
    """
    path = Path(path)
    state = "不存在" if not path.exists() else "是空文件" if path.stat().st_size == 0 else ""
    if not state:
        try:
            return Ledger(path, base), ""
        except LedgerError as exc:
            state, damage = f"已损坏（{exc.reason}）", exc
    found = archived_files(folders)
    where = "、".join(_shown(f, base) for f in folders)
    if not found:
        if state.startswith("已损坏"):
            raise LedgerError(
                f"收文台账 {path} {state}，没有改动它；{where} 中也没有可据以重建的文件。"
                "请从备份恢复该文件；如果还没有收取过任何报送，把它改名移走后再运行即可。"
            ) from damage
        return Ledger(path, base), ""  # the first run: nothing was ever recorded
    examined = _examined(found, examine)  # each archived file read once: examined, and its digest checked
    changed = next(
        (p for (_, p, _, _), ex in zip(found, examined) if ex.sha256[:12] != _ARCHIVED.fullmatch(p.name)[2]), None
    )
    if changed is not None:
        raise LedgerError(
            f"收文台账 {path} {state}，而 {changed} 的内容与文件名中的内容编号不符（归档后被改动过），"
            f"不能按 {where} 重建台账；请从备份恢复 {path} 后再运行。"
        )
    aside = _set_aside(path, now()) if path.exists() else None
    ledger = Ledger(path, base)
    try:
        held = _record(ledger, found, examined, judge)
    except BaseException:
        ledger.close()
        raise
    kept = f"原文件已改名保留为 {aside.name}，" if aside and state != "是空文件" else ""
    line = f"收文台账 {path} {state}，{kept}已按 {where} 中的 {len(found)} 份文件重建。"
    if held:
        line += f"其中 {'、'.join(held)} 是“待确认”的报送，之前如用 --accept 确认过，请再确认一次。"
    return ledger, line


def require(config) -> None:
    """Stop a stage that only reads the ledger when it is missing or empty while returns sit in the archive.

    Raises:
        LedgerError: naming the ledger and saying to collect (which rebuilds it) first.
    """
    path, base, folders = config.ledger, config.path.parent, (config.archive, config.rejected)
    if path.exists() and path.stat().st_size:
        return
    found = archived_files(folders)
    if found:
        where = "、".join(_shown(f, base) for f in folders)
        raise LedgerError(
            f"收文台账 {path} {'不存在' if not path.exists() else '是空文件'}，而 {where} 中有 "
            f"{len(found)} 份文件：请先运行 python scripts/collect.py 按它们重建台账，再汇总或出报告。"
        )


def _examined(found, examine) -> list:
    """Each archived file examined, what only a marked copy needs let go (none is written when rebuilding)."""
    examined = []
    for _received, stored, name, _duplicate in found:
        ex = examine(stored, name)
        ex.fill, ex.marked = None, b""
        examined.append(ex)
    return examined


def _record(ledger: Ledger, found, examined, judge) -> list[str]:
    """Record each archived file as the collector did when it arrived: same receipt time, same verdict; a
    return the clerk confirmed (its note, :func:`note_confirmed`) is confirmed again where its time falls.

    Files received at one moment were collected together, one transaction for them; others at other runs.

    Returns:
        The names of the returns held as 待确认 that no note says were confirmed.
    """
    seen, held, confirming = {}, [], []  # seen: sha256 -> original name, of the returns recorded so far not rejected
    for received, group in itertools.groupby(zip(found, examined), key=lambda pair: pair[0][0]):
        _confirm(ledger, confirming, before=received)
        items = []
        for (_received, stored, _name, _duplicate), ex in group:
            ex.received_at = received
            ex.repeats = seen.get(ex.sha256)  # the ledger is new: it knows only what was recorded here
            duplicate = ex.repeats is not None
            if not duplicate and ex.verdict != REJECTED:
                seen[ex.sha256] = ex.original_name
            items.append((ex, stored, stored, received, duplicate, None))
        ledger.new_run()
        ledger.mark_done_many(ledger.record_many(items, judge))
        for ex, stored, _, _, duplicate, _ in items:
            if ex.standing == HELD and not duplicate:
                when = confirmed_at(stored)
                if when is None:
                    held.append(stored.name)
                else:
                    confirming.append((when, stored.name))
    _confirm(ledger, confirming)
    return held


def _confirm(ledger: Ledger, confirming: list, before: str | None = None) -> None:
    """Confirm again the held returns of ``confirming`` ((time, archived name), taken from it) whose clerk's
    confirmation came before ``before`` (a receipt time; all when None)."""
    due = sorted(c for c in confirming if before is None or c[0] < before)
    for c in due:
        confirming.remove(c)
        ledger.accept(ledger.held_named(c[1]))


def _set_aside(path: Path, when: dt.datetime) -> Path:
    """Rename the ledger (and its -wal, -shm) to "<name>.损坏-<time><suffix>"; returns the new name."""
    aside = files.free_name(path.with_name(f"{path.stem}.损坏-{when.strftime(FILE_STAMP)}{path.suffix}"))
    for extra in ("-wal", "-shm"):
        side = path.with_name(path.name + extra)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + extra))
    os.replace(path, aside)
    return aside


def _shown(folder: Path, base: Path) -> str:
    try:
        return Path(folder).resolve().relative_to(Path(base).resolve()).as_posix()
    except ValueError:
        return str(folder)
