"""The archive: where each collected file's original bytes are kept, and what is written beside them.

Every file is linked (or copied) to a deterministic place named by its receipt time and content digest
(:func:`rebuild.archive_prefix`): 已归档/<period>/<unit>/, 已归档/重复/, 已归档/压缩包/ or 退回/ with a
退回说明 beside it. A 待补正 return gets a marked copy of the unit's own form. A zip's members are
extracted into the staging folder (inbox/.解压), a source of its own (:class:`Staged`), taken next round.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import zipfile
from pathlib import Path, PurePosixPath

from . import files, rebuild
from .distribute import specs_for
from .examine import Examined, reject
from .forms import build_form
from .intake import Folder
from .rebuild import DUPLICATE_DIR, NOTE_SUFFIX
from .vocab import FILE_STAMP, REJECTED, TO_FIX, UNPACKED, Period
from .workbooks import MAX_UNCOMPRESSED, expands_too_far

UNPACK_DIR = ".解压"
ZIP_DIR = "压缩包"
FIX_DIR = TO_FIX
FIX_OLD_DIR = "旧版"  # 待补正/旧版/: the copies a newer return of the same unit replaced
ZIP_MAX_MEMBERS = 500  # members of a zip attachment; sizes are checked by workbooks.expands_too_far


class Staged(Folder):
    """The members of zips unpacked by the archive (inbox/.解压/<zip sha12>_<zip name>/member): written by the
    run itself, so never waited for; received when their zip was (:meth:`zip_digest` finds it in the ledger)."""

    def received_at(self, path: Path) -> str | None:
        return None  # the zip's receipt time, which the ledger keeps

    def zip_digest(self, path: Path) -> str:
        """The first 12 hex digits of the content digest of the zip ``path`` was extracted from."""
        return Path(path).relative_to(self.root).parts[0].split("_", 1)[0]

    def holds(self, path) -> bool:
        return Path(path).is_relative_to(self.root)

    def name(self, path: Path) -> str:
        """zip name/member."""
        parts = Path(path).relative_to(self.root).parts
        return "/".join((parts[0].split("_", 1)[-1],) + parts[1:])

    def cleanup(self) -> None:
        """Remove the staging folders left empty; a member not yet taken stays."""
        if not self.root.exists():
            return
        for dirpath, _, _ in sorted(os.walk(self.root), key=lambda t: -len(t[0])):
            try:
                os.rmdir(dirpath)
            except OSError:
                pass


class Archive:
    """The archive and 退回 folders of one tool folder, the staging folder of zips, and the marked copies."""

    def __init__(self, config, table, staged: Staged, now) -> None:
        self.config = config
        self.table = table
        self.archive = config.archive
        self.rejected = config.rejected
        self.staged = staged
        self.now = now
        self._specs = {}  # period -> recipient -> FormSpec, for marked copies

    def specs(self, period: Period, recipients=None) -> dict:
        """recipient -> FormSpec of ``period``: worked out anew for ``recipients``, else once per period."""
        if recipients is not None or period not in self._specs:
            self._specs[period] = {s.recipient: s for s in specs_for(self.table, self.config, period, recipients)}
        return self._specs[period]

    def destination(self, ex: Examined, duplicate: bool) -> Path:
        """Where a file's bytes go: named by its receipt time and content digest, then its own name."""
        head = rebuild.archive_prefix(ex.received_at, ex.sha256)  # "<receipt time>_<content digest>_"
        own_name = PurePosixPath(ex.original_name).name

        def name(prefix):  # the file's own name behind a prefix, cut to fit with its extension kept
            return files.safe_filename(own_name, prefix=prefix)

        if duplicate:
            tag = hashlib.sha256(ex.original_name.encode("utf-8")).hexdigest()[:6]
            return self.archive / DUPLICATE_DIR / name(f"{head}{tag}_")
        if ex.verdict == UNPACKED:
            return self.archive / ZIP_DIR / name(head)
        if ex.verdict == REJECTED:
            return self.rejected / name(head)
        return self.archive / ex.period / files.safe_filename(ex.recipient) / name(head)

    def put(self, source, dest: Path, sha: str) -> Path | None:
        """Link (or copy) ``source`` to ``dest``; an identical file already there counts as done.

        Returns:
            Where the bytes are; None when ``source`` no longer has the content ``sha`` (saved again since it
            was examined): nothing is placed, and the file stays where it came from for the next run.
        """
        dest.parent.mkdir(parents=True, exist_ok=True)
        while True:
            if dest.exists():
                if files.sha256_file(dest) == sha:
                    return dest
                dest = files.free_name(dest)
                continue
            try:
                os.link(source, dest)
            except FileExistsError:
                continue
            except FileNotFoundError:  # moved or deleted since it was examined: nothing to place
                return None
            except OSError:  # no hard links here (FAT, some network shares): a copy of the bytes examined
                return _copy_same(source, dest, sha)
            if files.sha256_file(dest) != sha:  # the link holds what the file is now, not what was examined
                dest.unlink()
                return None
            return dest

    def write_note(self, dest: Path, ex: Examined) -> None:
        """The 退回说明 beside a rejected file: why, and what to do."""
        note = dest.with_name(dest.name + NOTE_SUFFIX)
        lines = [
            "退回说明",
            f"文件：{ex.original_name}",
            f"收到时间：{ex.received_at.replace('T', ' ')}",
            "原因：" + "；".join(ex.problems),
            "处理：请按上述原因联系报送单位，请对方使用下发的填报表（.xlsx）重新填写后发回；"
            "重新发回的文件放进 inbox 文件夹即可，本文件已保存在此，不会被删除。",
        ]
        if not note.exists():
            files.atomic_write_bytes(note, ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))

    def marked_copy(self, ex: Examined) -> Path:
        """The department's own form, refilled with its answers, problem cells highlighted and commented."""
        period = Period.parse(ex.period)
        spec = None if ex.marked else dataclasses.replace(self.specs(period)[ex.recipient], fill=ex.fill)
        folder = self.config.period_dir(period) / FIX_DIR
        # One current copy per unit under a plain name; an older one goes to 旧版/ with the time it was replaced.
        path = folder / files.safe_filename(ex.recipient, f"_{ex.period}填报表_待补正.xlsx")
        if path.exists():
            stamp = self.now().strftime(FILE_STAMP)
            old = files.safe_filename(ex.recipient, f"_{ex.period}填报表_待补正_{stamp}.xlsx")
            files.move_no_clobber(path, folder / FIX_OLD_DIR / old)
        files.atomic_write_bytes(path, ex.marked or build_form(spec))
        return path

    def unpack(self, source, ex: Examined) -> bool | None:
        """Extract a zip's members into the staging folder; False (and ``ex`` rejected) when it is unsafe, None
        when it no longer has the content examined (nothing extracted)."""
        target = self.staged.root / files.safe_filename(Path(ex.original_name).stem, prefix=f"{ex.sha256[:12]}_")
        data = same_bytes(source, ex.sha256)
        if data is None:  # gone, or saved again since examined: not unpacked; put leaves it for the next run
            return None
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                infos = [i for i in z.infolist() if not i.is_dir()]
                refusal = _refusal(infos)
                if refusal:
                    reject(ex, f"{ex.original_name}：{refusal}")
                    return False
                for info in infos:
                    _extract(z, info, target, ex.mtime)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
            reject(ex, f"{ex.original_name}：压缩包已损坏，无法解压，请对方重新发送。")
            return False
        return True


def _refusal(infos) -> str:
    """Why a zip's members are not extracted (a zip bomb, a password), or ""."""
    if len(infos) > ZIP_MAX_MEMBERS or expands_too_far(infos):
        return "压缩包解压后体积异常（压缩炸弹），为保护本机已拒收，请对方直接发送填报表。"
    if any(info.flag_bits & 0x1 for info in infos):
        return "压缩包设置了密码，无法解压，请对方去掉密码或直接发送填报表。"
    return ""


def _extract(z: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, mtime: float) -> None:
    """One member into ``target``, under its own (safe) path, dated as the zip is; Office's ~$ files left out."""
    parts = [files.safe_filename(p) for p in PurePosixPath(_member_name(info)).parts if p not in ("", ".", "..", "/")]
    if not parts or any(p.startswith("~$") for p in parts):
        return
    out = target.joinpath(*parts)
    if out.exists() and out.stat().st_size == info.file_size:
        return  # a crashed run extracted it already
    with z.open(info) as member:
        data = member.read(MAX_UNCOMPRESSED + 1)
    files.atomic_write_bytes(out, data)
    os.utime(out, (mtime, mtime))


def _member_name(info):
    """A zip member's name: UTF-8 when flagged, else the GBK that Chinese Windows zips use."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def same_bytes(path, sha) -> bytes | None:
    """The bytes of ``path`` if it still has the content ``sha`` (the content examined); None if not, or gone."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha else None


def _copy_same(source, dest: Path, sha) -> Path | None:
    """A copy at ``dest`` of ``source``'s bytes if they are still the content ``sha``; None if not."""
    data = same_bytes(source, sha)
    if data is None:
        return None
    with files.atomic_path(dest) as tmp:
        tmp.write_bytes(data)
    return dest


def detach(stored, sha) -> None:
    """Give an archived file bytes of its own: a hard link shares them with the source file it was made from."""
    data = same_bytes(stored, sha)
    if data is not None:
        files.atomic_write_bytes(stored, data)
