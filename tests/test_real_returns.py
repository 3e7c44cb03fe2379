"""Issue 22: returns as departments really send them, each with its exact outcome.

Control characters in answers (Excel's _x000B_ for a Shift+Enter pasted from Word), a copied form sheet,
a return that fills only 指标填报, a retyped key header. Every return is a generated form filled with
openpyxl (or written with xlsxwriter) and read back by the collector's own reader.
"""

import datetime as dt
import re
import zipfile

import docx
import openpyxl
import pytest
import xlsxwriter
from conftest import seed_tool
from dutytable.annual_xlsx import make_annual
from dutytable.collect import Collector
from dutytable.consolidate import consolidate
from dutytable.ledger import Ledger
from dutytable.model import Period
from dutytable.report import make_report
from dutytable.screen import summary_lines
from dutytable.vocab import clean_text
from dutytable.wordml import cell_xml
from dutytable.workbooks import open_workbook
from returns import COLUMNS, FIRST_ROW, LETTERS, age, fill, prepare

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
    return [
        (a.task.task_id, r.name)
        for r in table.recipients(config.departments)
        for a in r.assignments
        if a.role == "牵头"
    ]


@pytest.fixture(scope="module")
def controls(tmp_path_factory):
    """One run of collect → consolidate → report → annual, each control character in a lead's 推进情况."""
    workdir = seed_tool(tmp_path_factory.mktemp("controls"))
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
            texts = [
                "\n".join("".join(t.text for t in p.iter(f"{W}t")) for p in tc.findall(f"{W}p"))
                for tc in tr.findall(f"{W}tc")
            ]
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
    cell = _docx_cells(written[0])[item][-3]  # 附件1's 推进情况 column (完成状态 and 预警 after it)
    assert re.search(f"(^|\n){unit}（牵头(，正常推进)?）：{want}。(\n|$)", cell), cell
    tasks = openpyxl.load_workbook(annual_written[0])["任务进度"]
    header = [c.value for c in tasks[2]]
    latest = next(r for r in tasks.iter_rows(min_row=3, values_only=True) if r[0] == task_id)[
        header.index("最近一期推进情况")
    ]
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


# -- a copy of the form sheet ("填报表 (2)", as Excel names it) ------------------------------------------


@pytest.fixture
def env(workdir):
    config, table, forms = prepare(workdir)
    return config, table, forms, workdir / "inbox"


def collect(config, table):
    return Collector(config, table, settle_seconds=0, now=lambda: dt.datetime(2010, 11, 20, 9)).run(P)


def _with_copy(path, original):
    """Copy the filled 填报表 to “填报表 (2)”, then leave the original ``original``: "blank", "stale" or "same"."""
    wb = openpyxl.load_workbook(path)
    ws = wb["填报表"]
    copy = wb.copy_worksheet(ws)
    copy.title = "填报表 (2)"
    if original != "same":
        for r in range(FIRST_ROW, ws.max_row + 1):
            for header in ("完成状态", "推进情况"):
                cell = ws[f"{COLUMNS[header]}{r}"]
                if cell.value:
                    cell.value = None if original == "blank" else ("未启动" if header == "完成状态" else "上月的内容")
    wb.save(path)
    return age(path)


def detail(config, table, task_id, unit):
    path, _, _ = consolidate(config, table, P)
    rows = openpyxl.load_workbook(path)["明细"].iter_rows(min_row=3, values_only=True)
    return next(r for r in rows if r[0] == task_id and r[3] == unit)


@pytest.mark.parametrize(
    "original, notes",
    [
        ("blank", ["注意：环保局.xlsx：已读取填好的工作表“填报表 (2)”，“填报表”没有填写。"]),
        ("same", []),  # a copy that says the same as the original: one return, nothing to say
    ],
)
def test_a_copy_filled_while_the_original_stays_blank_is_read_and_the_unit_has_reported(env, original, notes):
    config, table, forms, inbox = env
    _with_copy(fill(forms["环保局"], inbox / "环保局.xlsx", progress="写在副本里的内容"), original)
    result = collect(config, table)
    lines = summary_lines(result)
    assert lines[0] == "收到 1 份：有效 1，待补正 0，退回 0，重复 0"
    assert [line for line in lines if line.startswith("注意：")] == notes
    assert "环保局" in result.reported and "环保局" not in result.missing
    assert detail(config, table, "T0104", "环保局")[5:8] == ("已报送", "正常推进", "写在副本里的内容")


def test_a_copy_and_a_stale_original_both_filled_differently_are_returned_naming_both(env):
    config, table, forms, inbox = env
    _with_copy(fill(forms["环保局"], inbox / "环保局.xlsx", progress="本月的内容"), "stale")
    result = collect(config, table)
    assert summary_lines(result)[:2] == [
        "收到 1 份：有效 0，待补正 0，退回 1，重复 0",
        "退回：环保局.xlsx：有 2 个工作表（“填报表”“填报表 (2)”）都像填报表，填写的内容各不相同，无法判断哪个是交回的，"
        "请对方只保留填好的那一个后重新发送。",
    ]
    assert "环保局" in result.missing
    assert [p.name.split("_", 2)[2] for p in (inbox / "退回").glob("*.txt")] == ["环保局.xlsx.退回说明.txt"]


# -- a return that fills only 指标填报 -------------------------------------------------------------------


def test_a_return_that_fills_only_the_indicators_is_a_return_its_values_count_its_tasks_to_be_filled(env):
    config, table, forms, inbox = env
    fill(forms["环保局"], inbox / "环保局.xlsx", status=None, progress=None, indicators={"T0104-1": 65})
    result = collect(config, table)
    lines = summary_lines(result)
    assert lines[:3] == [
        "收到 1 份：有效 0，待补正 1，退回 0，重复 0",
        "待补正：环保局.xlsx（环保局）",
        "  · 工作表“填报表”：只填写了“指标填报”，各项任务都没有填写；指标的完成值已收到，请补填各项任务的完成状态和推进情况后重新发送。",
    ]
    assert lines[-1] == (
        "2010-11 已报送 1/23 个单位；尚未报送（22 个）：质监分局、药监分局、园区办、春江镇、孟河镇、新桥镇、薛家镇、罗溪镇、"
        "西夏墅镇、三井街道、河海街道、龙虎塘街道、城建局、经发局、社会事业局、工商分局、交通分局、科技局、农业局、国税局、"
        "地税四分局、安监局"
    )
    assert "环保局" in result.reported
    with Ledger(config.ledger, config.path.parent) as ledger:
        latest = ledger.latest_returns(P)["环保局"]
    assert latest.answers["T0104"].status == "" and latest.answers["T0104"].progress == ""
    path, _, _ = consolidate(config, table, P)
    wb = openpyxl.load_workbook(path)
    assert [c.value for c in wb["指标"][2]][5:8] == ["截至本月完成值", "序时进度", "达标情况"]
    values = {r[0]: r for r in wb["指标"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert values["T0104-1"][4:8] == ("环保局", 65, 65, "未达标")  # 71吨 × 334/365
    assert values["T0104-2"][4:8] == ("环保局", 1, 364.2, "未达标")
    assert detail(config, table, "T0104", "环保局")[5:8] == ("待补正", None, None)  # its tasks: not filled in
    marked = config.period_dir(P) / "待补正" / "环保局_2010-11填报表_待补正.xlsx"
    assert marked.exists()
    summary, written, _ = make_report(config, table, P, today=dt.date(2010, 11, 28), pdf=False)
    row = _docx_cells(written[0])["环境质量"]  # its tasks in 附件1: not filled in, said so
    assert row[-2] == "未填写（待核实）" and row[-3].startswith("环保局（牵头）：未填写推进情况。\n")
    assert row[-1] == "黄灯（完成状态待核实；4项指标低于序时进度：完成0%～33%，序时91%）"  # 65 of 71吨 is on pace
    reminder = next(p for p in written if p.name.startswith("催报通知"))
    assert "环保局" not in "\n".join(p.text for p in docx.Document(str(reminder)).paragraphs)


def test_a_form_with_nothing_filled_anywhere_is_still_not_a_report(env):
    config, table, forms, inbox = env
    fill(forms["环保局"], inbox / "环保局.xlsx", status=None, progress=None, indicators=False)
    result = collect(config, table)
    assert summary_lines(result)[0] == "收到 1 份：有效 0，待补正 0，退回 0，重复 0，未填报 1"
    assert "环保局" in result.missing


# -- a retyped or deleted key header on a form whose hidden sheet is intact --------------------------------


@pytest.mark.parametrize("header", ["完成状态", "任务编号"])
@pytest.mark.parametrize("typed", ["状态", None], ids=["retyped", "deleted"])
def test_a_changed_key_header_is_named_as_a_lost_column_not_as_a_foreign_form(env, header, typed):
    config, table, forms, inbox = env
    letter = {"完成状态": COLUMNS["完成状态"], "任务编号": LETTERS["task_id"]}[header]
    fill(
        forms["环保局"],
        inbox / "环保局.xlsx",
        progress="已读到的内容",
        edit=lambda ws: ws.__setitem__(f"{letter}5", typed),
    )
    result = collect(config, table)
    done = "这一列的内容没有收到" if header == "完成状态" else "已按下发时各行的顺序对应任务"
    assert summary_lines(result)[:3] == [
        "收到 1 份：有效 0，待补正 1，退回 0，重复 0",
        "待补正：环保局.xlsx（环保局）",
        f"  · 工作表“填报表”：找不到“{header}”列（表头被改动或删除），{done}，请把第5行的表头恢复为“{header}”后重新发送。",
    ]
    assert summary_lines(result)[-1].startswith("2010-11 已报送 1/23 个单位")
    with Ledger(config.ledger, config.path.parent) as ledger:
        answers = ledger.latest_returns(P)["环保局"].answers
    assert list(answers) == ["T0104", "T0206", "T0301", "T0302"]
    assert answers["T0104"].progress == "已读到的内容"
    assert answers["T0104"].status == ("" if header == "完成状态" else "正常推进")


def test_a_lost_task_id_header_and_a_deleted_row_cannot_be_matched_and_are_returned(env):
    config, table, forms, inbox = env

    def edit(ws):
        ws[f"{LETTERS['task_id']}5"] = None
        ws.delete_rows(FIRST_ROW + 1)

    fill(forms["环保局"], inbox / "环保局.xlsx", edit=edit)
    result = collect(config, table)
    assert summary_lines(result)[:2] == [
        "收到 1 份：有效 0，待补正 0，退回 1，重复 0",
        "退回：环保局.xlsx：工作表“填报表”找不到“任务编号”列（表头被改动或删除），行数也与下发时不同，"
        "无法判断每一行是哪项任务，请把第5行的表头恢复后重新发送。",
    ]


def test_a_changed_key_header_without_the_hidden_sheet_is_not_taken_for_a_form(env):
    config, table, forms, inbox = env

    def edit(ws):
        ws[f"{COLUMNS['完成状态']}5"] = "状态"
        del ws.parent["表单信息"]

    fill(forms["环保局"], inbox / "环保局.xlsx", edit=edit)
    result = collect(config, table)
    assert summary_lines(result)[1] == (
        "退回：环保局.xlsx：不是本工具生成的填报表（找不到“任务编号”“完成状态”等表头），"
        "请对方使用下发的填报表填写后重新发送。"
    )


def test_control_characters_in_the_master_table_reach_no_output(workdir):
    """The master table is read by the same reader: a category and a target pasted from Word print as seen."""
    path = workdir / "templates" / "责任分解表.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["责任分解表"]
    for r in range(2, 6):  # the four tasks of 提高质量水平
        ws[f"C{r}"] = "提高_x0001_质量水平"
    target = ws["E3"].value
    ws["E3"] = target.replace("，", "_x000B_", 1)
    wb.save(path)
    config, table, forms = prepare(workdir)
    assert [t.category for t in table.tasks[:4]] == ["提高质量水平"] * 4
    fill(forms["城建局"], workdir / "inbox" / "城建局.xlsx")
    collect(config, table)
    consolidate(config, table, P)
    _, written, _ = make_report(config, table, P, today=dt.date(2010, 11, 28), pdf=False)
    cells = _docx_cells(written[0])
    assert cells["工程质量"][2] == target.replace("，", "\n", 1)
    bands = [
        "".join(t.text for t in tr.iter(f"{W}t"))
        for tbl in docx.Document(str(written[0])).tables
        for tr in tbl._tbl.findall(f"{W}tr")
    ]
    assert "一、提高质量水平" in bands
