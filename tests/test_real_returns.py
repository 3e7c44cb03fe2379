"""Issue 22: returns as departments really send them, each with its exact outcome.

Control characters in answers (Excel's _x000B_ for a Shift+Enter pasted from Word), a copied form sheet,
a return that fills only 指标填报, a retyped key header. Every return is a generated form filled with
openpyxl (or written with xlsxwriter) and read back by the collector's own reader.
"""

import datetime as dt
import re
import shutil
import zipfile

import docx
import openpyxl
import pytest
import xlsxwriter
from conftest import ROOT
from dutytable.annual import make_annual
from dutytable.consolidate import consolidate
from dutytable.inbox import Collector, summary_lines
from dutytable.ledger import Ledger
from dutytable.model import Period
from dutytable.report import make_report
from dutytable.vocab import clean_text
from dutytable.wordml import cell_xml
from dutytable.workbooks import open_workbook
from returns import fill, prepare

P = Period(2010, 11)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Every C0 code point but tab and line feed, which a cell may hold and a Word document too.
CONTROLS = [c for c in range(0x20) if chr(c) not in "\t\n"]
LINE_BREAKS = {0x0B, 0x0C, 0x0D}  # Word's manual line break, its page break, a carriage return: one line break
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|_x00[01][0-9A-Fa-f]_")


def expected(code):
    return "第一行\n第二行" if code in LINE_BREAKS else "第一行第二行"


def excel_escape(code):
    """How Excel stores a control character in the workbook's XML: _x000B_."""
    return f"_x{code:04X}_"


def _lead_pairs(config, table):
    return [(a.task.task_id, r.name) for r in table.recipients(config.departments) for a in r.assignments
            if a.role == "牵头"]


@pytest.fixture(scope="module")
def controls(tmp_path_factory):
    """One run of collect → consolidate → report → annual, each control character in a lead's 推进情况."""
    workdir = tmp_path_factory.mktemp("controls")
    shutil.copy(ROOT / "config.ini", workdir / "config.ini")
    shutil.copytree(ROOT / "templates", workdir / "templates")
    (workdir / "inbox").mkdir()
    config, table, forms = prepare(workdir)
    placed = dict(zip(CONTROLS, _lead_pairs(config, table)))  # code -> (task, unit); 39 pairs for 30 codes
    rows = {}
    for code, (task_id, unit) in placed.items():
        rows.setdefault(unit, {})[task_id] = {"推进情况": f"第一行{excel_escape(code)}第二行"}
    for unit, answers in rows.items():
        fill(forms[unit], workdir / "inbox" / f"{unit}.xlsx", rows=answers)
    result = Collector(config, table, settle_seconds=0, now=lambda: dt.datetime(2010, 11, 20, 9)).run(P)
    path, _, _ = consolidate(config, table, P)
    _, written, _ = make_report(config, table, P, today=dt.date(2010, 11, 28), pdf=False)
    annual, annual_written = make_annual(config, table, 2010)
    return config, table, placed, result, path, written, annual_written


def test_every_return_with_control_characters_is_collected_as_valid(controls):
    config, table, placed, result, *_ = controls
    units = len({unit for _, unit in placed.values()})
    assert units == 12 and summary_lines(result)[0] == f"收到 {units} 份：有效 {units}，待补正 0，退回 0，重复 0"


def _docx_cells(path):
    cells = {}
    for tbl in docx.Document(str(path)).tables:
        for tr in tbl._tbl.findall(f"{W}tr"):
            texts = ["\n".join("".join(t.text for t in p.iter(f"{W}t")) for p in tc.findall(f"{W}p"))
                     for tc in tr.findall(f"{W}tc")]
            if len(texts) > 2:
                cells[texts[1]] = texts
    return cells


@pytest.mark.parametrize("code", CONTROLS, ids=[f"0x{c:02X}" for c in CONTROLS])
def test_a_control_character_in_an_answer_reaches_every_output_as_the_clerk_saw_it(controls, code):
    config, table, placed, result, path, written, annual_written = controls
    task_id, unit = placed[code]
    want = expected(code)
    with Ledger(config.ledger, config.path.parent) as ledger:
        assert ledger.latest_returns(P)[unit].answers[task_id].progress == want
    detail = openpyxl.load_workbook(path)["明细"]
    row = next(r for r in detail.iter_rows(min_row=3, values_only=True) if r[0] == task_id and r[3] == unit)
    assert row[7] == want
    item = next(t.item for t in table.tasks if t.task_id == task_id)
    cell = _docx_cells(written[0])[item][-2]  # 附件1's 推进情况 column
    assert re.search(f"(^|\n){unit}（牵头(，正常推进)?）：{want}。(\n|$)", cell), cell
    tasks = openpyxl.load_workbook(annual_written[0])["任务进度"]
    header = [c.value for c in tasks[2]]
    latest = next(r for r in tasks.iter_rows(min_row=3, values_only=True) if r[0] == task_id)[header.index("最近一期推进情况")]
    assert f"{unit}：{want}" in latest


def test_no_output_holds_a_control_character_or_an_escape(controls):
    *_, path, written, annual_written = controls
    for output in [path, *written, *annual_written]:
        with zipfile.ZipFile(output) as z:
            for name in z.namelist():
                if name.endswith(".xml"):
                    assert not ILLEGAL.search(z.read(name).decode("utf-8")), (output.name, name)


def test_a_carriage_return_line_feed_is_one_line_break():
    assert clean_text("第一行\r\n第二行\r第三行") == "第一行\n第二行\n第三行"
    assert clean_text("第一行_x000D__x000A_第二行") == "第一行\n第二行"  # escaped as Excel writes them
    assert clean_text("制表\t保留，换行\n保留") == "制表\t保留，换行\n保留"
    assert clean_text("\ufffe尾\uffff") == "尾"


def test_an_escape_the_reader_did_not_decode_is_decoded_then_cleaned(tmp_path):
    """xlsxwriter escapes a control character inside rich text as _x005F_x000B_: calamine gives back the
    escape itself, "_x000B_", not the character. Both are cleaned to what the clerk saw."""
    path = tmp_path / "rich.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("填报表")
    bold = wb.add_format({"bold": True})
    for r, code in enumerate(CONTROLS):
        ws.write_rich_string(r, 0, "第一行", bold, f"{chr(code)}第二行")
        ws.write_string(r, 1, f"第一行{chr(code)}第二行")  # a plain cell: the reader decodes the escape
    wb.close()
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/sharedStrings.xml").decode("utf-8")
    assert "_x005F_x000B_" in xml and "_x000B_" in xml  # both forms are in the file
    _, sheets = open_workbook(path)
    got = {code: tuple(sheets[0].rows[r][:2]) for r, code in enumerate(CONTROLS)}
    assert got == {code: (expected(code), expected(code)) for code in CONTROLS}


@pytest.mark.parametrize("code", CONTROLS, ids=[f"0x{c:02X}" for c in CONTROLS])
def test_the_word_writer_cleans_text_from_the_ledger_or_the_master_table_too(code):
    """Defence in depth: text that reached the Word writer without being cleaned (a ledger of an earlier
    version) is cleaned there, never refused."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    xml = cell_xml(f"第一行{chr(code)}第二行", 30, "a1").replace("<w:tc>", f"<w:tc {nsdecls('w')}>", 1)
    paragraphs = parse_xml(xml).findall(f"{W}p")
    assert ["".join(t.text for t in p.iter(f"{W}t")) for p in paragraphs] == expected(code).split("\n")
