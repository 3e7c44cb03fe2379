"""Shared fixtures: the repository, the shipped config, a scratch copy of the tool, script runner."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dutytable.config import load_config

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "seed_2010.txt"
KIT = ROOT / "templates" / "演示"  # the demo kit: the seed's config.ini and master table
SEED_CONFIG = KIT / "config.ini"
SEED_TABLE = KIT / "责任分解表.xlsx"


@pytest.fixture(scope="session")
def shipped_config():
    """The seed's config (the demo kit's): its identity, [aliases] and [groups]."""
    return load_config(SEED_CONFIG)


def seed_tool(folder):
    """``folder`` set up as a tool folder of the seed: the demo kit's config.ini and master table, the Word template."""
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED_CONFIG, folder / "config.ini")
    shutil.copy(SEED_TABLE, folder / "templates" / "责任分解表.xlsx")
    shutil.copy(ROOT / "templates" / "附件模板.docx", folder / "templates" / "附件模板.docx")
    (folder / "inbox").mkdir(exist_ok=True)
    (folder / "outbox").mkdir(exist_ok=True)
    return folder


def shipped(folder, *paths):
    """The tool's files under ``paths`` (relative to the tool folder) written into ``folder`` as the tool ships them:
    git's (its index: what is committed or staged), never what a clerk made of them in this working folder (a real
    import writes config.ini's [report] and templates/责任分解表.xlsx; a clerk edits config.ini). Outside a git
    checkout, the working folder's files. Returns ``folder``."""
    git = ["git", "-C", str(ROOT)]
    try:
        listed = subprocess.run([*git, "ls-files", "-z", "--", *paths], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):  # no git, or not a checkout: the files as they are
        for path in paths:
            if (ROOT / path).is_dir():
                shutil.copytree(ROOT / path, folder / path, ignore=shutil.ignore_patterns("*.备份-*", "~$*"))
            else:
                (folder / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(ROOT / path, folder / path)
        return folder
    names = [name for name in listed.decode("utf-8").split("\0") if name]
    subprocess.run([*git, "checkout-index", "-f", f"--prefix={folder.resolve().as_posix()}/", "--", *names], check=True)
    return folder


def fresh_clone(folder):
    """``folder`` as a fresh clone of the tool: the shipped config.ini and templates/ (no master table yet, the demo
    kit in templates/演示/), empty inbox/ and outbox/. Returns the demo kit's config.ini there."""
    shipped(folder, "config.ini", "templates")
    (folder / "inbox").mkdir()
    (folder / "outbox").mkdir()
    return folder / "templates" / "演示" / "config.ini"


def copy_config(target):
    """The seed's config.ini (the demo kit's: the shipped one with the seed's year, subject and office) copied to
    ``target``."""
    shutil.copy(SEED_CONFIG, target)


@pytest.fixture
def workdir(tmp_path):
    """A scratch tool folder with the seed's config.ini and templates/, empty inbox/ outbox/: scripts run against it."""
    return seed_tool(tmp_path)


@pytest.fixture
def config(workdir):
    return load_config(workdir / "config.ini")


def open_in_excel(monkeypatch, path):
    """Lock ``path`` as Excel does an open workbook on Windows: replacing it fails. Returns the undo (Excel closed)."""
    from dutytable import files

    real_replace = files._replace

    def locked(src, dst):
        if str(dst) == str(path):
            raise PermissionError(13, "locked by Excel")
        return real_replace(src, dst)

    monkeypatch.setattr(files, "_replace", locked)
    return lambda: monkeypatch.setattr(files, "_replace", real_replace)


def run_script(name, *args, cwd=None):
    """Run scripts/<name> as a clerk would, in a subprocess; returns CompletedProcess (text)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / name), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd or ROOT,
        env=env,
        timeout=600,
    )


def soffice():
    """The LibreOffice binary, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


needs_libreoffice = pytest.mark.skipif(
    soffice() is None,
    reason="LibreOffice 未安装（Debian: libreoffice-calc-nogui / libreoffice-writer-nogui），跳过转换与另存检查",
)


def libreoffice_convert(src, target_format, outdir):
    """Re-save ``src`` through LibreOffice (xlsx, xls, ods, pdf); returns the new file.

    A private profile folder lets tests run while another LibreOffice is open.
    """
    import subprocess as sp

    outdir.mkdir(parents=True, exist_ok=True)
    filters = {"xlsx": 'xlsx:"Calc MS Excel 2007 XML"', "xls": 'xls:"MS Excel 97"', "ods": "ods", "pdf": "pdf"}
    profile = (outdir / ".lo-profile").resolve().as_uri()
    cmd = [
        soffice(),
        f"-env:UserInstallation={profile}",
        "--headless",
        "--convert-to",
        filters[target_format].replace('"', ""),
        "--outdir",
        str(outdir),
        str(src),
    ]
    sp.run(cmd, check=True, capture_output=True, timeout=180)
    out = outdir / (Path(src).stem + "." + target_format)
    assert out.exists(), f"LibreOffice wrote nothing for {src}"
    return out


def set_section(path, section, lines):
    """config.ini at ``path`` with only ``lines`` in its [section] (the other sections as they were)."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"[{section}]\n")
    end = text.find("\n[", start + 1)
    path.write_text(text[:start] + f"[{section}]\n" + lines + ("" if end < 0 else text[end:]), encoding="utf-8")


def run_with_setting(path, section, lines, script, *args):
    """(exit code, stderr) of ``script`` run on config.ini at ``path`` with only ``lines`` in its [section]."""
    set_section(path, section, lines)
    result = run_script(script, "--config", path, *args)
    return result.returncode, result.stderr
