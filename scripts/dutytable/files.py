"""File-system helpers: atomic writes, never-overwrite moves, Windows-safe names."""

import datetime as dt
import errno
import hashlib
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError, disk_full
from .vocab import FILE_STAMP

# Characters Windows forbids in file names, plus control characters.
UNSAFE_IN_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
# The rename that publishes a finished file; a name of its own so a test can play a locked file.
_replace = os.replace
# Leave room in a 260-character Windows path for the folders above the file: the part of a name
# that comes from input (a department, a file's own name) is cut to this many characters.
MAX_NAME_CHARS = 80
# Linux and macOS take 255 bytes of UTF-8 per name. Room is left for the "(2)" that free_name adds
# and the ".退回说明.txt" written beside a rejected file.
MAX_NAME_BYTES = 255 - 24
# What counts as a file's extension, kept whole whatever happens to the rest of its name.
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def safe_filename(name: str, suffix: str = "", prefix: str = "") -> str:
    """A file name that is valid on Windows and Linux for any text: a department name, a file's own name.

    Reserved characters become "_", a reserved device name (CON, NUL, COM1 …, also as CON.xlsx)
    gets an underscore after it, trailing dots and spaces go. The part taken from ``name`` is cut
    to MAX_NAME_CHARS characters and the whole name to MAX_NAME_BYTES bytes of UTF-8; the cut
    never touches ``prefix``, ``suffix`` or, when there is no suffix, ``name``'s own extension.

    Args:
        name: the text the name is made from.
        suffix: fixed text after it, e.g. "_2010-11填报表.xlsx"; ``name``'s extension then counts as text.
        prefix: fixed text before it, e.g. the archive's "<time>_<hash>_".
    """
    stem = UNSAFE_IN_NAME.sub("_", name).strip().rstrip(". ")
    if not suffix:
        match = _EXTENSION.search(stem)
        if match and match.start() > 0:
            stem, suffix = stem[: match.start()], match.group()
    stem = stem or "_"
    if not prefix:
        device, dot, rest = stem.partition(".")
        if device.rstrip(" ").upper() in _RESERVED:
            stem = device + "_" + dot + rest
    room = MAX_NAME_BYTES - len((prefix + suffix).encode("utf-8"))
    stem = stem[: MAX_NAME_CHARS - len(suffix)]
    while len(stem.encode("utf-8")) > room:
        stem = stem[:-1]
    if not suffix:
        stem = stem.rstrip(". ")  # Windows drops them, and a cut may have left some at the end
    return prefix + (stem or "_") + suffix


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def atomic_path(target):
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    A crash leaves either the old file or the new one, never half of one. The
    temporary file is removed when the block fails.

    Raises:
        OutputError: the target is locked (open in Excel or Word on Windows), or the disk is full.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~tmp-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        # mkstemp makes the file private (0600); an output is for colleagues on a shared folder too.
        os.chmod(tmp, 0o666 & ~_umask())
        _fsync(tmp)
        try:
            _replace(tmp, target)
        except PermissionError:
            raise OutputError(f"无法写入 {target}：文件可能正在被 Excel、WPS 或 Word 打开，请关闭后重试。") from None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:  # the bytes, or their flush to the disk (Windows: ERROR_DISK_FULL)
            raise disk_full(target) from exc
        raise
    finally:
        if tmp.exists():
            tmp.unlink()


def _umask():
    """The process umask, which a plain open() applies to a new file (there is no way to read it without setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_bytes(target, data):
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def _fsync(path):
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def free_name(path):
    """``path`` if nothing is there, else the first ``stem(2).ext``, ``stem(3).ext`` … that is free."""
    path = Path(path)
    if not path.exists():
        return path
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem}({n}){path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def move_no_clobber(src, dest):
    """Move ``src`` to ``dest`` without ever replacing an existing file; returns where it went.

    os.link + unlink is atomic and fails rather than overwrite; where hard links are not
    available (some network or FAT drives) it falls back to a checked rename.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    while True:
        dest = free_name(dest)
        try:
            os.link(src, dest)
        except FileExistsError:
            continue
        except OSError:
            if dest.exists():
                continue
            os.replace(src, dest)
            return dest
        os.unlink(src)
        return dest


def backup(path, move=True, now=None):
    """Keep ``path`` as ``<stem>.备份-<time><suffix>`` beside it, never replacing another backup.

    Args:
        move: move the file (it is about to be written anew); False keeps a copy.

    Returns:
        The backup's path.
    """
    path = Path(path)
    stamp = (now or dt.datetime.now()).strftime(FILE_STAMP)
    target = path.with_name(f"{path.stem}.备份-{stamp}{path.suffix}")
    if move:
        return move_no_clobber(path, target)
    target = free_name(target)
    atomic_write_bytes(target, path.read_bytes())
    return target
