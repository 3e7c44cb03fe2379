"""Where returns come from: an intake source, and its first kind, the inbox folder.

A source offers files to collect and is told when one is safely archived. Its interface is narrow:

- :meth:`Source.check` stops a run before anything is touched when files cannot be taken from it;
- :meth:`Source.candidates` lists what is ready to collect, oldest first, and what is not ready yet;
- :meth:`Source.received_at` says when a file arrived (lateness is judged by it);
- :meth:`Source.name` is how the clerk knows a file;
- :meth:`Source.remove` takes a file away once its bytes are archived, or says why it stays (kept).

A second source (a mailbox, whose message dates are the receipt times) is a new class with these five
methods: the collect run (:mod:`collect`) and the archive (:mod:`archive`) do not change.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Protocol

from . import files
from .errors import OutputError

IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store", "ehthumbs.db"}
IGNORED_SUFFIXES = (".tmp", ".crdownload", ".part", ".partial")


class Source(Protocol):
    """Where returns come from. Every file is a path the collector can read, link and hash."""

    def check(self) -> None:
        """Raise :class:`errors.OutputError` when files could not be taken away after archiving."""

    def candidates(self, skip: Collection[str] = ()) -> tuple[list[Path], list[Path]]:
        """(files ready to collect, oldest first; files not ready yet); none whose absolute path is in ``skip``."""

    def received_at(self, path: Path) -> str | None:
        """When ``path`` arrived (ISO, to the second); None when that cannot be told."""

    def name(self, path: Path) -> str:
        """How the clerk knows ``path``."""

    def remove(self, path: Path, sha: str) -> bool | None:
        """Take ``path`` away now that its bytes (content ``sha``) are archived, unless it has other content now.

        Returns:
            True when taken away (or already gone, or changed); False when it is kept because another program
            holds it (taken by a later run); None when it is kept because its place cannot be written.
        """


def require_writable(folders) -> None:
    """Stop before anything is collected when a folder the run writes in cannot be written.

    Raises:
        OutputError: naming the folder and how to open it for writing.
    """
    for folder in folders:
        if folder.exists() and not os.access(folder, os.W_OK):
            raise OutputError(
                f"文件夹 {folder} 不允许写入，本次没有收取任何文件。"
                "请在文件夹“属性”中取消“只读”或请管理员开放写入权限后再运行。"
            )


def unlink_same(path, sha) -> bool | None:
    """Remove a file once its bytes are safe elsewhere; only if it is still the same content.

    Returns:
        True when removed; False when the file is open in another program (Windows refuses to
        delete it); None when the folder holding it cannot be written.
    """
    path = Path(path)
    try:
        if path.exists() and files.sha256_file(path) == sha:
            path.unlink()
    except PermissionError:
        return False if os.access(path.parent, os.W_OK) else None
    return True


class Folder:
    """A folder and its subfolders as a source: the inbox/ the clerk drops files into.

    Args:
        root: the folder.
        leave_out: folders inside it that are not collected (the archive, 退回/ when they are inside).
        settle_seconds: a file modified this recently is watched once for change before it is taken.
        now: the clock.
    """

    def __init__(
        self, root: Path, leave_out=(), settle_seconds: int = 0, now: Callable[[], dt.datetime] = dt.datetime.now
    ) -> None:
        self.root = Path(root)
        self.leave_out = tuple(Path(f) for f in leave_out)
        self.settle = settle_seconds
        self.now = now

    def check(self) -> None:
        require_writable([self.root])

    def candidates(self, skip: Collection[str] = ()) -> tuple[list[Path], list[Path]]:
        return self.stable([p for p in self.files() if os.path.abspath(p) not in skip])

    def files(self) -> list[Path]:
        """Files in the folder and its subfolders, oldest first; ignored files and left-out folders left out."""
        own = {f.resolve() for f in self.leave_out}
        found = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and (here / d).resolve() not in own)
            for name in filenames:
                path = here / name
                try:
                    st = path.stat()
                except OSError:  # gone (moved or renamed) since the folder was listed
                    continue
                if not _ignored(path, st):
                    found.append((st.st_mtime, str(path), path))
        found.sort()
        return [p for _, _, p in found]

    def stable(self, paths: list[Path]) -> tuple[list[Path], list[Path]]:
        """Split into (ready, busy): files modified within the settle time are watched once for change."""
        if self.settle <= 0:
            return paths, []
        young, present = {}, []
        now = self.now().timestamp()
        for p in paths:
            try:
                st = p.stat()
            except OSError:  # gone since it was listed: nothing to collect
                continue
            present.append(p)
            if now - st.st_mtime < self.settle:
                young[p] = (st.st_size, st.st_mtime)
        if young:
            time.sleep(self.settle)
        ready, busy = [], []
        for p in present:
            (busy if p in young and _changed(p, young[p]) else ready).append(p)
        return ready, busy

    def received_at(self, path: Path) -> str | None:
        """The moment the file was put into the folder: its creation there, as the file system records it.

        A file dropped in on the deadline day and collected by the next morning's run arrived on time.
        """
        try:
            st = os.stat(path)
        except OSError:
            return None
        created = getattr(st, "st_birthtime", st.st_ctime)  # Windows: creation; POSIX: the move or copy in
        return dt.datetime.fromtimestamp(created).isoformat(timespec="seconds")

    def name(self, path: Path) -> str:
        """Its path in the folder; its own name when it is outside (recorded when the folder was elsewhere)."""
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).name

    def remove(self, path: Path, sha: str) -> bool | None:
        return unlink_same(path, sha)


def _ignored(path: Path, st) -> bool:
    name = path.name
    if name.startswith(("~$", ".")) or name.lower() in IGNORED_NAMES or name.lower().endswith(IGNORED_SUFFIXES):
        return True
    attrs = getattr(st, "st_file_attributes", 0)
    return bool(attrs & (getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 2) | getattr(stat, "FILE_ATTRIBUTE_SYSTEM", 4)))


def _changed(path: Path, seen: tuple) -> bool:
    """Whether a young file was written to while watched, or cannot be opened (being written on Windows)."""
    try:
        st = path.stat()
        with open(path, "rb"):
            pass  # Windows refuses this while another program is writing the file
    except OSError:
        return True
    return (st.st_size, st.st_mtime) != seen
