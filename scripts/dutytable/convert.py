"""LibreOffice, found and run in one place: old Word, WPS and Excel files (.doc, .wps, .rtf, .et, .xls)
turned into .docx/.xlsx on import, and the Word outputs saved as PDF.

LibreOffice runs headless with a private profile folder, so a conversion works while the
clerk has LibreOffice open. It starts in a process group of its own: a conversion that
does not end in time is killed with every process it started (soffice's launcher starts
soffice.bin, which would otherwise go on at full CPU). Without LibreOffice the clerk is
told to re-save the file.
"""

import logging
import os
import shutil
import signal
import subprocess
from pathlib import Path, PureWindowsPath

from .errors import InputError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 180


def _windows_places() -> list[Path]:
    """Where the Windows installer puts LibreOffice when it is not on PATH (any version's folder)."""
    roots = {os.environ.get(v) for v in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")}
    roots |= {"C:/Program Files", "C:/Program Files (x86)"}
    if os.environ.get("LOCALAPPDATA"):
        roots.add(str(Path(os.environ["LOCALAPPDATA"], "Programs")))
    places = []
    for root in sorted(r for r in roots if r):
        places += sorted(Path(root).glob("LibreOffice*/program/soffice.exe"), reverse=True)  # the newest first
    return places


def find_soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.name != "nt":
        return None
    return next((str(p) for p in _windows_places() if p.is_file()), None)


def run_soffice(binary: str, args: list, profile: Path, timeout: float) -> None:
    """Run LibreOffice headless with the private profile folder ``profile``; its whole process tree is killed
    when it does not end within ``timeout`` seconds (or the run is interrupted).

    Raises:
        subprocess.TimeoutExpired, subprocess.CalledProcessError, OSError: as subprocess.run would.
    """
    argv = [
        binary,
        f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
        "--headless",
        "--norestore",
        *map(str, args),
    ]
    if os.name == "nt":  # a group of its own, no console window; its tree killed by taskkill below
        group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | getattr(subprocess, "CREATE_NO_WINDOW", 0)}
    else:
        group = {"start_new_session": True}  # its own process group: os.killpg reaches soffice.bin too
    # No pipes: a process left holding one would keep this call waiting after the kill.
    proc = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **group
    )
    try:
        code = proc.wait(timeout=timeout)
    except BaseException:
        _kill_tree(proc)
        raise
    if code:
        raise subprocess.CalledProcessError(code, argv)


def windows_tree_kill(pid: int, system_root: str | None = None) -> list[str]:
    """The command that ends process ``pid`` on Windows with every process it started (soffice.exe's soffice.bin):
    the system's own taskkill, by its full path, run without a shell."""
    root = system_root or os.environ.get("SystemRoot") or r"C:\Windows"
    return [str(PureWindowsPath(root) / "System32" / "taskkill.exe"), "/T", "/F", "/PID", str(pid)]


def _kill_tree(proc: subprocess.Popen) -> None:
    if os.name == "nt":
        try:  # the tree first, while the launcher still links its children to it; then the launcher for sure
            subprocess.run(
                windows_tree_kill(proc.pid), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30
            )
        except (OSError, subprocess.SubprocessError):
            pass
        proc.kill()
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()


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
        raise InputError(
            f"{source.name}：是 {source.suffix or '旧版'} 格式，本机没有安装 LibreOffice，无法直接读取。{resave}"
        )
    # LibreOffice names its output after the input; a plain copy name avoids surprises with odd suffixes.
    staged = outdir / ("源文件" + source.suffix.lower())
    shutil.copyfile(source, staged)
    try:
        run_soffice(
            binary, ["--convert-to", target_format, "--outdir", outdir, staged], outdir / "lo-profile", TIMEOUT_SECONDS
        )
    except (subprocess.SubprocessError, OSError) as exc:
        log.debug("LibreOffice failed on %s: %s", source, exc)
        raise InputError(f"{source.name}：LibreOffice 无法转换该文件（{type(exc).__name__}）。{resave}") from None
    made = outdir / f"源文件.{target_format}"
    if not made.is_file():
        raise InputError(f"{source.name}：LibreOffice 未能转换该文件。{resave}")
    return made
