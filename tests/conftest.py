"""Shared fixtures: the repository, the shipped config, a scratch copy of the tool, script runner."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dutytable.config import load_config, write_values

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "seed_2010.txt"
# The shipped config.ini leaves the year's identity blank; the tests run the seed's year.
SEED_IDENTITY = {"subject": "区质量振兴工作", "year": "2010", "office": "区质量振兴工作领导小组办公室"}


@pytest.fixture(scope="session")
def shipped_config():
    return load_config(ROOT / "config.ini")


def copy_config(target):
    """The shipped config.ini copied to ``target``, with the seed's year, subject and office set in the copy."""
    shutil.copy(ROOT / "config.ini", target)
    write_values(target, "report", SEED_IDENTITY)


@pytest.fixture
def workdir(tmp_path):
    """A scratch copy of config.ini, templates/ and empty inbox/ outbox/: scripts run against it."""
    copy_config(tmp_path / "config.ini")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "inbox").mkdir()
    (tmp_path / "outbox").mkdir()
    return tmp_path


@pytest.fixture
def config(workdir):
    return load_config(workdir / "config.ini")


def run_script(name, *args, cwd=None):
    """Run scripts/<name> as a clerk would, in a subprocess; returns CompletedProcess (text)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, str(ROOT / "scripts" / name), *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8", cwd=cwd or ROOT, env=env,
                          timeout=600)


def soffice():
    """The LibreOffice binary, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice 未安装（Debian: libreoffice-calc-nogui / libreoffice-writer-nogui），跳过转换与另存检查")


def libreoffice_convert(src, target_format, outdir):
    """Re-save ``src`` through LibreOffice (xlsx, xls, ods, pdf); returns the new file.

    A private profile folder lets tests run while another LibreOffice is open.
    """
    import subprocess as sp
    outdir.mkdir(parents=True, exist_ok=True)
    filters = {"xlsx": 'xlsx:"Calc MS Excel 2007 XML"', "xls": 'xls:"MS Excel 97"', "ods": "ods", "pdf": "pdf"}
    profile = (outdir / ".lo-profile").resolve().as_uri()
    cmd = [soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to",
           filters[target_format].replace('"', ""), "--outdir", str(outdir), str(src)]
    sp.run(cmd, check=True, capture_output=True, timeout=180)
    out = outdir / (Path(src).stem + "." + target_format)
    assert out.exists(), f"LibreOffice wrote nothing for {src}"
    return out
