"""The demo's outputs as text: every cell value of every workbook and the text of every Word file it writes.

tests/test_golden.py compares a fresh demo run with tests/fixtures/golden_demo.json, so a refactor that changes what
the paper says fails. After a change meant to alter the outputs, update the snapshot and read its diff:

    python tests/golden.py --update
    git diff tests/fixtures/golden_demo.json
"""

import json
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl

HERE = Path(__file__).resolve().parent
SNAPSHOT = HERE / "fixtures" / "golden_demo.json"
PERIOD = "2010-11"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# What changes from run to run: the machine's clock (receipt and generation times) and the form's content code.
_VOLATILE = [
    (re.compile(r"20[2-9]\d-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?"), "<时间>"),
    (re.compile(r"20[2-9]\d-\d\d-\d\d"), "<日期>"),
    (re.compile(r"20[2-9]\d年\d{1,2}月\d{1,2}日"), "<日期>"),
    (re.compile(r"\b[0-9a-f]{12,64}\b"), "<编号>"),
]


def _steady(text: str) -> str:
    for pattern, mark in _VOLATILE:
        text = pattern.sub(mark, text)
    return text


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return _steady(value.isoformat(sep=" "))
    return _steady(str(value))


def workbook_text(path: Path) -> dict:
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        sheets = {}
        for ws in book.worksheets:
            rows = [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
            while rows and not any(rows[-1]):
                rows.pop()
            sheets[ws.title] = ["\t".join(r).rstrip("\t") for r in rows]
        return sheets
    finally:
        book.close()


def document_text(path: Path) -> list:
    """The paragraphs of the body, headers and footers, in document order (a table cell's paragraphs included)."""
    lines = []
    with zipfile.ZipFile(path) as z:
        parts = ["word/document.xml"] + sorted(n for n in z.namelist() if re.match(r"word/(header|footer)\d*\.xml$", n))
        for part in parts:
            root = ElementTree.fromstring(z.read(part))
            for p in root.iter(_W + "p"):
                text = "".join(t.text or "" for t in p.iter(_W + "t"))
                lines.append(_steady(text))
    return lines


def snapshot(out: Path) -> dict:
    """{relative path: text} of every .xlsx and .docx below ``out``."""
    found = {}
    for path in sorted(out.rglob("*")):
        key = path.relative_to(out).as_posix()
        if path.suffix == ".xlsx":
            found[key] = workbook_text(path)
        elif path.suffix == ".docx":
            found[key] = document_text(path)
    return found


def demo_snapshot(folder: Path) -> dict:
    """Run the README's first command (the demo, without PDF) in ``folder`` as a fresh clone, and snapshot it."""
    sys.path.insert(0, str(HERE))
    from conftest import fresh_clone
    from dutytable.cli import Demo, main

    kit = fresh_clone(folder)
    assert main(Demo(), ["--config", str(kit), "--period", PERIOD, "--no-pdf"]) == 0
    return snapshot(folder / "outbox" / "演示" / "outbox" / PERIOD)


def load() -> dict:
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("用法：python tests/golden.py --update")
    sys.path.insert(0, str(HERE.parent / "scripts"))
    with tempfile.TemporaryDirectory() as tmp:
        data = demo_snapshot(Path(tmp))
    SNAPSHOT.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{SNAPSHOT}: {len(data)} files")
