"""Stage 2: one fill-in workbook per recipient, exactly its tasks and roles, readable after Excel/WPS/LibreOffice."""

import datetime as dt
import json
import re

import openpyxl
import pytest
from conftest import libreoffice_convert, needs_libreoffice, run_script
from dutytable.config import load_config
from dutytable.distribute import generate, specs_for
from dutytable.formread import read_form
from dutytable.forms import META_SHEET, build_form
from dutytable.master import load_table
from dutytable.workbooks import open_workbook
from expected_table import EXPECTED
from heads import form_head

TOWNS = ["春江镇", "孟河镇", "新桥镇", "薛家镇", "罗溪镇", "西夏墅镇", "三井街道", "河海街道", "龙虎塘街道"]


def expected_assignments():
    """Recipient -> [(task_id, role)], derived from EXPECTED independently of the code under test: 区有关部门, a
    collective no group expands, gets no form."""
    result = {}
    for task_id, _, _, _, leads, partners in EXPECTED:
        for role, names in (("牵头", leads), ("配合", partners)):
            for name in names:
                for member in TOWNS if name == "各镇、街道" else [] if name == "区有关部门" else [name]:
                    pairs = result.setdefault(member, [])
                    if task_id not in [p[0] for p in pairs]:
                        pairs.append((task_id, role))
    return result


@pytest.fixture
def generated(config):
    table = load_table(config.table, config.departments)
    from dutytable.model import Period

    return generate(table, config, Period(2010, 11))


def test_every_recipient_gets_exactly_its_tasks_and_roles(generated):
    expected = expected_assignments()
    assert sorted(r for r, _ in generated.files) == sorted(expected)
    assert len(generated.files) == 23 and "区有关部门" not in dict(generated.files)
    for recipient, path in generated.files:
        assert path.name == f"{recipient}_2010-11填报表.xlsx"
        _, sheets = open_workbook(path)
        form = read_form(sheets, path.name)
        assert form.unit == recipient
        assert [(r["任务编号"], r["职责"]) for r in form.rows] == expected[recipient], recipient
        assert form.meta["recipient"] == recipient and form.meta["period"] == "2010-11"
        assert json.loads(form.meta["tasks"]) == [list(p) for p in expected[recipient]]
        assert form.locked_fingerprint() == form.meta["fingerprint"]
        assert all(r["完成状态"] == r["推进情况"] == "" for r in form.rows)


def test_form_structure_protection_validation_and_print_setup(generated):
    path = dict(generated.files)["质监分局"]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["填报表", "指标填报", "填表说明", "表单信息"]
    ws = wb["填报表"]
    assert ws["A1"].value == "2010年11月区质量振兴工作推进情况填报表"
    assert ws["A2"].value == "填报单位：质监分局"
    assert (ws["D2"].value, ws["G2"].value, ws["D3"].value) == ("填报人：", "联系电话：", "填报日期：")
    assert ws["A3"].value == "报送截止日期：2010年11月25日"
    assert [c.value for c in ws[5]] == form_head()
    assert [ws.cell(r, 1).value for r in range(6, ws.max_row + 1)] == [
        "T0101",
        "T0103",
        "T0201",
        "T0202",
        "T0203",
        "T0204",
        "T0205",
        "T0206",
        "T0301",
        "T0303",
        "T0402",
    ]
    assert ws["C6"].value.startswith("确保不发生食品等重要产品的质量安全责任事故")
    # protection: structure locked, inputs unlocked and shaded, text wraps, rows tall
    assert ws.protection.sheet is True
    for col in "ABCD":
        assert ws[f"{col}6"].protection.locked is True
    for col in "EFGH":
        cell = ws[f"{col}6"]
        assert cell.protection.locked is False and cell.fill.fgColor.rgb == "FFFFF2CC" and cell.alignment.wrap_text
    for ref in ("F2", "H2", "F3"):
        assert ws[ref].protection.locked is False
    assert ws.row_dimensions[6].height >= 75
    # the dropdown
    dv = [d for d in ws.data_validations.dataValidation if "E6" in d.sqref][0]
    assert dv.type == "list" and dv.formula1 == '"已完成,正常推进,进度滞后,未启动"'
    assert str(dv.sqref) == "E6:E16"
    assert dv.promptTitle == "完成状态" and dv.prompt == "请从下拉列表中选择：已完成、正常推进、进度滞后、未启动"
    assert dv.error == "完成状态只能是：已完成、正常推进、进度滞后、未启动。请从下拉列表中选择。"
    # printing
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    # one page wide (fitToWidth left out means 1 in OOXML), as many pages tall as needed
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth is None and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$5:$5"
    assert ws.oddFooter.left.text == "填报单位：质监分局" and ws.oddFooter.right.text == "第 &P 页，共 &N 页"
    assert wb[META_SHEET].sheet_state == "hidden"
    notes = [c.value for c in wb["填表说明"]["A"]]
    assert notes[2] == "报送截止日期：2010年11月25日"
    assert notes[6] == "3. 完成状态：从下拉列表中选择“已完成”“正常推进”“进度滞后”“未启动”之一。"
    # no space beside a 汉字 (after the item's number "3. ")
    assert [n for n in notes if n and re.search(r"[^\x00-\x7f] | [^\x00-\x7f]", re.sub(r"^\d\. ", "", n))] == []
    assert notes[10].startswith("7. 交回方式：请在截止日期前将填好的表格")


def test_a_form_filled_with_openpyxl_reads_back(generated, tmp_path):
    path = dict(generated.files)["环保局"]
    wb = openpyxl.load_workbook(path)
    ws = wb["填报表"]
    ws["F2"], ws["H2"], ws["F3"] = "李四", "0519-85001234", dt.datetime(2010, 11, 22)
    ws["E6"], ws["F6"], ws["G6"], ws["H6"] = "正常推进", "化学需氧量已削减65吨。\n二氧化硫削减360吨。", "无", "继续推进"
    wb.save(tmp_path / "环保局-已填.xlsx")
    _, sheets = open_workbook(tmp_path / "环保局-已填.xlsx")
    form = read_form(sheets, "环保局-已填.xlsx")
    assert (form.filler, form.phone, form.date) == ("李四", "0519-85001234", "2010-11-22")
    row = form.rows[0]
    assert (row["任务编号"], row["完成状态"], row["推进情况"], row["存在问题"], row["下步打算"]) == (
        "T0104",
        "正常推进",
        "化学需氧量已削减65吨。\n二氧化硫削减360吨。",
        "无",
        "继续推进",
    )
    assert form.ref(row.rownum, "完成状态") == "E6"
    assert form.locked_fingerprint() == form.meta["fingerprint"]


@needs_libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_a_form_resaved_by_libreoffice_keeps_every_field_and_the_hidden_sheet(generated, tmp_path, fmt):
    path = dict(generated.files)["农业局"]
    wb = openpyxl.load_workbook(path)
    ws = wb["填报表"]
    ws["F2"], ws["E6"], ws["F6"] = "王五", "已完成", "新增无公害农产品5只"
    filled = tmp_path / "农业局.xlsx"
    wb.save(filled)
    resaved = libreoffice_convert(filled, fmt, tmp_path / "lo")
    kind, sheets = open_workbook(resaved)
    assert kind == fmt
    assert [(s.name, s.visible) for s in sheets] == [
        ("填报表", True),
        ("指标填报", True),
        ("填表说明", True),
        ("表单信息", False),
    ]
    form = read_form(sheets, resaved.name)
    assert form.unit == "农业局" and form.filler == "王五" and form.meta["recipient"] == "农业局"
    assert [(r["任务编号"], r["职责"], r["完成状态"], r["推进情况"]) for r in form.rows] == [
        ("T0202", "牵头", "已完成", "新增无公害农产品5只")
    ]
    assert form.locked_fingerprint() == form.meta["fingerprint"]


def test_rerun_does_not_overwrite_and_force_moves_old_forms_aside(workdir):
    first = run_script("generate.py", "--config", workdir / "config.ini", "--period", "2010-11")
    assert first.returncode == 0, first.stderr
    folder = workdir / "outbox" / "2010-11" / "分发"
    assert first.stdout.splitlines()[:2] == [
        f"已生成 2010-11 填报表 23 份：{folder}",
        f"分发清单：{workdir / 'outbox' / '2010-11' / '分发清单.xlsx'}",
    ]
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    again = run_script("generate.py", "--config", workdir / "config.ini", "--period", "2010-11")
    assert again.returncode == 4
    assert again.stderr == (
        f"2010-11 的填报表已经生成过（{folder}，共 23 份），为免覆盖未重新生成："
        "如责任分解表有改动需要重新生成，请加 --force（旧的填报表会移到“分发.旧版-时间”文件夹）。\n"
    )
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    forced = run_script("generate.py", "--config", workdir / "config.ini", "--period", "2010-11", "--force")
    assert forced.returncode == 0, forced.stderr
    aside = [p for p in folder.parent.iterdir() if p.name.startswith("分发.旧版-")]
    assert len(aside) == 1
    assert forced.stdout.splitlines()[0] == f"原有的填报表已移到 {aside[0]}。"
    assert {
        p.name: p.read_bytes() for p in aside[0].iterdir() if p.suffix == ".xlsx" and p.name != "分发清单.xlsx"
    } == before
    assert (aside[0] / "分发清单.xlsx").exists() and (folder.parent / "分发清单.xlsx").exists()
    assert len(list(folder.glob("*.xlsx"))) == 23


def test_distribution_list(generated):
    ws = openpyxl.load_workbook(generated.list_path)["分发清单"]
    assert [c.value for c in ws[1]] == [
        "序号",
        "填报单位",
        "文件名",
        "牵头任务数",
        "配合任务数",
        "任务编号",
        "报送截止日期",
        "发出日期",
        "备注",
    ]
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 23 and "区有关部门" not in rows  # a collective no group expands gets no form
    assert rows["质监分局"][2:7] == (
        "质监分局_2010-11填报表.xlsx",
        10,
        1,
        "T0101、T0103、T0201、T0202、T0203、T0204、T0205、T0206、T0301、T0303、T0402",
        "2010年11月25日",
    )
    assert rows["罗溪镇"][3:5] == (2, 16)


def test_unsafe_recipient_names_become_safe_distinct_files(workdir):
    text = (workdir / "config.ini").read_text(encoding="utf-8")
    text = text.replace("区相关部门 = 区有关部门", "区相关部门 = 区有关部门\n区有关部门 = 区有关部门")
    text = text.replace(
        "[groups]\n", "[groups]\n区有关部门 = 财政/审计局、CON、财政?审计局、" + "超长单位名" * 20 + "\n"
    )
    (workdir / "config.ini").write_text(text, encoding="utf-8")
    config = load_config(workdir / "config.ini")
    from dutytable.model import Period

    result = generate(load_table(config.table, config.departments), config, Period(2010, 12))
    names = {r: p.name for r, p in result.files}
    assert names["财政/审计局"] == "财政_审计局_2010-12填报表.xlsx"
    assert names["财政?审计局"] == "财政_审计局(2)_2010-12填报表.xlsx"
    assert names["CON"] == "CON__2010-12填报表.xlsx"
    assert len(names["超长单位名" * 20]) == 80
    for recipient, path in result.files:
        _, sheets = open_workbook(path)
        assert read_form(sheets, path.name).meta["recipient"] == recipient


def test_process_pool_builds_the_same_forms(config):
    from dutytable.model import Period

    table = load_table(config.table, config.departments)
    specs = specs_for(table, config, Period(2010, 11))
    serial = generate(table, config, Period(2011, 1), workers=1)
    pooled = generate(table, config, Period(2011, 2), workers=2)
    for (r1, p1), (r2, p2) in zip(serial.files, pooled.files):
        assert r1 == r2
        f1 = read_form(open_workbook(p1)[1], p1.name)
        f2 = read_form(open_workbook(p2)[1], p2.name)
        assert [r.values for r in f1.rows] == [r.values for r in f2.rows]
    assert len(build_form(specs[0])) > 5000


def test_print_layout_rows_deadline_help_sheet_and_indicator_header(generated):
    path = dict(generated.files)["质监分局"]
    wb = openpyxl.load_workbook(path)
    ws = wb["填报表"]
    # input rows hold a realistic answer: 8 lines of 宋体 11 pt (about 150 characters of 推进情况)
    heights = [ws.row_dimensions[r].height for r in range(6, ws.max_row + 1)]
    assert heights and min(heights) >= 8 * 15
    deadline = ws["A3"]
    assert deadline.value == "报送截止日期：2010年11月25日"
    assert (deadline.font.sz, deadline.font.color.theme, deadline.font.b) == (11, 1, True)  # black (theme text 1), bold
    help_sheet = wb["填表说明"]
    assert help_sheet.page_setup.orientation == "portrait" and help_sheet.page_setup.paperSize == 9
    assert help_sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert round(help_sheet.column_dimensions["A"].width) == 65  # 64 characters and Excel's padding
    assert all(
        help_sheet[f"A{r}"].alignment.wrap_text and help_sheet[f"A{r}"].font.name == "宋体"
        for r in range(1, help_sheet.max_row + 1)
        if help_sheet[f"A{r}"].value
    )
    indicators = wb["指标填报"]
    # the title and the unit print above the header row (which stays the sheet's first row, as returns are read)
    assert indicators.HeaderFooter.oddHeader.center.text == (
        "2010年11月区质量振兴工作推进情况填报表（量化指标）\n填报单位：质监分局    报送截止日期：2010年11月25日"
    )


def test_every_form_prints_its_answers_at_ten_and_a_half_points_and_no_page_with_one_task(generated, config):
    from printcheck import page_room, printed_pages, printed_sizes

    pages_of = {}
    for name, path in generated.files:
        # 宋体 11 pt at the fit Excel makes of the columns (0.97 on A4 landscape with 0.3-inch sides)
        assert printed_sizes(path) == {
            "填报表": 10.67,
            **({"指标填报": 11.0} if "指标填报" in openpyxl.load_workbook(path).sheetnames else {}),
            "填表说明": 11.0,
        }, name
        ws = openpyxl.load_workbook(path)["填报表"]
        pages = printed_pages(ws, 6)
        assert all(height <= page_room(ws) for _, height in pages), name  # Excel breaks nowhere else
        assert sum(len(rows) for rows, _ in pages) == ws.max_row - 5
        pages_of[name] = [len(rows) for rows, _ in pages]
        if ws.max_row > 6:
            assert min(pages_of[name]) >= 2, (name, pages_of[name])
    assert pages_of["质监分局"] == [3, 3, 3, 2] and pages_of["园区办"] == [3, 2, 3, 3, 3]
    from printcheck import clipped_cells, printed_sizes

    assert printed_sizes(generated.list_path) == {"分发清单": 10.01}  # 11 pt at 91 %
    assert clipped_cells(generated.list_path) == []  # each row as tall as its list of tasks
    assert pages_of["经发局"] == [3, 3]  # 6 tasks; and 4 would print 2 and 2, never 3 and 1
    from dutytable.xlsx import page_breaks

    assert page_breaks([30, 15, 15, 15, 15] + [131] * 4, 5, 15, 517) == [7]
    assert page_breaks([30, 15, 15, 15, 15] + [131] * 3, 5, 15, 517) == []


def test_a_long_answer_written_back_makes_its_row_taller(config):
    import dataclasses
    import io

    from dutytable.forms import FormFill
    from dutytable.model import Period

    table = load_table(config.table, config.departments)
    spec = next(s for s in specs_for(table, config, Period(2010, 11)) if s.recipient == "质监分局")
    long = "本月完成抽检任务，" * 30  # 270 characters
    copy = build_form(dataclasses.replace(spec, fill=FormFill(rows={spec.rows[0].task_id: {"progress": long}})))
    ws = openpyxl.load_workbook(io.BytesIO(copy))["填报表"]
    assert ws.row_dimensions[6].height > ws.row_dimensions[7].height >= 8 * 15
