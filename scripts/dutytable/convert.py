"""Old Word, WPS and Excel files (.doc, .wps, .rtf, .et, .xls) turned into .docx/.xlsx through LibreOffice.

LibreOffice runs headless with a private profile folder, so a conversion works while the
clerk has LibreOffice open. Without LibreOffice the clerk is told to re-save the file.
"""

import logging
import shutil
import subprocess
from pathlib import Path

from .errors import InputError

log = logging.getLogger(__name__)

# Where the Windows installer puts LibreOffice when it is not on PATH.
_WINDOWS_PLACES = (Path("C:/Program Files/LibreOffice/program/soffice.exe"),
                   Path("C:/Program Files (x86)/LibreOffice/program/soffice.exe"))
TIMEOUT_SECONDS = 180


def find_soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return next((str(p) for p in _WINDOWS_PLACES if p.is_file()), None)


def convert(source: Path, target_format: str, outdir: Path, soffice: str | None = None) -> Path:
    """``source`` saved as ``target_format`` (docx or xlsx) in ``outdir``.

    Args:
        soffice: the LibreOffice program; None looks for it; "" means it is not installed.

    Raises:
        InputError: LibreOffice is not installed or cannot convert the file; the line says to re-save it.
    """
    source = Path(source)
    binary = find_soffice() if soffice is None else soffice
    program = "Word 或 WPS" if target_format == "docx" else "Excel 或 WPS"
    resave = f"请用 {program} 打开它，“另存为” .{target_format} 格式后再导入。"
    if not binary:
        raise InputError(f"{source.name}：是 {source.suffix or '旧版'} 格式，本机没有安装 LibreOffice，"
                         f"无法直接读取。{resave}")
    # LibreOffice names its output after the input; a plain copy name avoids surprises with odd suffixes.
    staged = outdir / ("源文件" + source.suffix.lower())
    shutil.copyfile(source, staged)
    profile = (outdir / "lo-profile").resolve().as_uri()
    argv = [binary, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target_format,
            "--outdir", str(outdir), str(staged)]
    try:
        subprocess.run(argv, check=True, capture_output=True, timeout=TIMEOUT_SECONDS)
    except (subprocess.SubprocessError, OSError) as exc:
        log.debug("LibreOffice failed on %s: %s", source, exc)
        raise InputError(f"{source.name}：LibreOffice 无法转换该文件（{type(exc).__name__}）。{resave}") from None
    made = outdir / f"源文件.{target_format}"
    if not made.is_file():
        raise InputError(f"{source.name}：LibreOffice 未能转换该文件。{resave}")
    return made
