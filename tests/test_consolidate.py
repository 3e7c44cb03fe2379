"""Stage 4: the consolidated workbook, row by row against filled returns."""

import datetime as dt
import zipfile

import openpyxl
import pytest
from conftest import open_in_excel, run_script
from dutytable.collect import Collector
from dutytable.consolidate import consolidate, workbook_path
from dutytable.model import Period
from dutytable.summary import summarize
from heads import detail_head
from returns import OLD, age, fill, prepare
from test_forms import TOWNS

P = Period(2010, 11)


def _text(ws, ref, value):
    ws[ref].value = value
    ws[ref].data_type = "s"  # typed as text (a leading apostrophe in Excel)


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """Returns from every recipient but 安监局 and 龙虎塘街道; 环保局 twice; 科技局 待补正."""
    from conftest import seed_tool

    workdir = seed_tool(tmp_path_factory.mktemp("cycle"))
    config, table, forms = prepare(workdir)
    inbox = workdir / "inbox"
    when = OLD
    for name, form in forms.items():
        if name in ("安监局", "龙虎塘街道", "环保局"):
            continue
        rows, edit, phone = {}, None, "0519-85000000"
        if name == "质监分局":
            rows = {"T0101": {"完成状态": "已完成", "推进情况": "抽检合格率93%", "存在问题": "检测设备老化"}}
        elif name == "药监分局":
            rows = {"T0101": {"完成状态": "进度滞后", "推进情况": "食品抽检合格率88%", "下步打算": "加大抽检"}}
        elif name == "园区办":
            rows = {"T0101": {"推进情况": "配合抽检"}}

            def edit(ws):
                _text(ws, "F7", "=SUM(1,2)")  # T0102, formula-like text
                _text(ws, "G7", "@cmd|' /c calc'!A0")
        elif name == "科技局":
            phone = None
        fill(
            form,
            inbox / f"{name}.xlsx",
            progress=f"{name}已推进",
            rows=rows,
            phone=phone,
            edit=_partners_quiet(rows, edit),
        )
        age(inbox / f"{name}.xlsx", when)
        when += 1
    fill(forms["环保局"], inbox / "环保局-初稿.xlsx", status="未启动", progress="初稿")
    age(inbox / "环保局-初稿.xlsx", when)
    Collector(config, table, settle_seconds=0, now=lambda: dt.datetime(2010, 11, 5, 10, 0)).run(P)
    fill(forms["环保局"], inbox / "环保局-终稿.xlsx", progress="终稿")
    age(inbox / "环保局-终稿.xlsx", when + 100)
    Collector(config, table, settle_seconds=0, now=lambda: dt.datetime(2010, 11, 6, 10, 0)).run(P)
    path, summary, note = consolidate(config, table, P)
    return config, table, path, summary, note


def _partners_quiet(rows, then=None):
    """Partners leave 推进情况 empty unless the test says otherwise, as most do."""

    def edit(ws):
        for r in range(6, ws.max_row + 1):
            if ws[f"D{r}"].value == "配合" and "推进情况" not in rows.get(ws[f"A{r}"].value, {}):
                ws[f"F{r}"] = None
        if then:
            then(ws)

    return edit


def _summary_rows(path):
    ws = openpyxl.load_workbook(path)["汇总"]
    header = [c.value for c in ws[2]]
    return header, {r[2]: dict(zip(header, r)) for r in ws.iter_rows(min_row=3, values_only=True)}


# 区有关部门 gets no form: T0501 and T0502 ask their concrete leads, the towns; T0401 and T0403 have none.
TOWN_LEADS = (
    "春江镇：正常推进；孟河镇：正常推进；新桥镇：正常推进；薛家镇：正常推进；"
    "罗溪镇：正常推进；西夏墅镇：正常推进；三井街道：正常推进；河海街道：正常推进；龙虎塘街道：未报送"
)
EXPECTED_STATUS = {  # task item -> (完成状态 with each lead's own beside it, 预警, 未报送单位)
    # Every indicator reported at 1 (100 for a %): a count short of its 序时进度 (92% on 30 November) lights 黄灯.
    # status_rule = main_lead: the first lead listed, each lead's own status beside it
    "产品质量": ("已完成（质监分局：已完成；药监分局：进度滞后）", "绿灯", "龙虎塘街道"),
    "工程质量": ("正常推进", "绿灯", "龙虎塘街道"),
    "服务质量": ("正常推进", "黄灯（指标低于序时进度：完成50%，序时92%）", "龙虎塘街道"),
    "环境质量": ("正常推进", "黄灯（5项指标低于序时进度：完成0%～33%，序时92%）", "龙虎塘街道"),
    "工业标准化": ("正常推进", "黄灯（2项指标低于序时进度：完成20%和3%，序时92%）", "龙虎塘街道"),
    "农业标准化": ("正常推进", "黄灯（2项指标低于序时进度：完成20%和50%，序时92%）", "龙虎塘街道"),
    "服务标准化": ("正常推进", "绿灯", "龙虎塘街道"),
    "工业计量": ("正常推进", "黄灯（2项指标低于序时进度：完成10%和50%，序时92%）", "龙虎塘街道"),
    "民生计量": ("正常推进", "绿灯", "龙虎塘街道"),
    "能源计量": ("正常推进", "绿灯", "龙虎塘街道"),
    "名牌创建": ("正常推进", "黄灯（2项指标低于序时进度：完成33%和20%，序时92%）", "龙虎塘街道"),
    "商标创建": ("正常推进", "黄灯（2项指标低于序时进度：完成50%和13%，序时92%）", "龙虎塘街道"),
    "质量管理": ("正常推进", "绿灯", "龙虎塘街道"),
    "打假治劣": ("未明确牵头单位", "黄灯（牵头单位未明确具体单位）", "龙虎塘街道"),
    "确保安全生产": (
        "未报送（安监局：未报送；质监分局：正常推进）",
        "黄灯（牵头单位本期未报送）",
        "安监局、龙虎塘街道",
    ),  # its first lead is silent
    "长效管理": ("未明确牵头单位", "黄灯（牵头单位未明确具体单位）", "龙虎塘街道"),
    "宣传": (f"正常推进（{TOWN_LEADS}）", "绿灯", "龙虎塘街道"),
    "培训": (f"正常推进（{TOWN_LEADS}）", "绿灯", "龙虎塘街道"),
}

TOWNS_REPORTING = [t for t in TOWNS if t != "龙虎塘街道"]
EXPECTED_PROGRESS = {
    "产品质量": "质监分局：抽检合格率93%；药监分局：食品抽检合格率88%；园区办：配合抽检。",
    "工程质量": "城建局：城建局已推进；园区办：=SUM(1,2)。",
    "环境质量": "环保局：终稿。",  # the newer return superseded 初稿
    "农业标准化": "农业局：农业局已推进；质监分局：质监分局已推进。",
    "打假治劣": None,  # its partners, the towns, left 推进情况 empty; no lead was asked
    "确保安全生产": "质监分局：质监分局已推进。",
    "宣传": "；".join(f"{n}：{n}已推进" for n in TOWNS_REPORTING) + "。",
}


def test_every_task_row_of_the_summary_sheet(cycle):
    config, table, path, summary, note = cycle
    assert path == config.outbox / "2010-11" / "2010年区质量振兴工作目标任务推进情况汇总表_2010-11.xlsx"
    assert note == ""
    header, rows = _summary_rows(path)
    # The leads' own statuses are folded into 完成状态 when they disagree: no column of its own.
    assert header == [
        "序号",
        "类别",
        "工作内容",
        "工作目标",
        "牵头部门",
        "配合部门",
        "完成状态",
        "预警",
        "推进情况",
        "存在问题",
        "下步打算",
        "未报送单位",
    ]
    assert list(rows) == list(EXPECTED_STATUS)
    for item, (status, light, missing) in EXPECTED_STATUS.items():
        assert (rows[item]["完成状态"], rows[item]["预警"], rows[item]["未报送单位"]) == (status, light, missing), item
    assert [r["序号"] for r in rows.values()] == list(range(1, 19))  # 序号 per task
    for item, progress in EXPECTED_PROGRESS.items():
        assert rows[item]["推进情况"] == progress, item
    first = rows["产品质量"]
    assert (first["序号"], first["类别"], first["牵头部门"], first["配合部门"]) == (
        1,
        "提高质量水平",
        "质监分局、药监分局",
        "园区办、各镇、街道",
    )
    assert first["存在问题"] == "质监分局：检测设备老化。" and first["下步打算"] == "药监分局：加大抽检。"
    assert rows["工程质量"]["存在问题"] == "园区办：@cmd|' /c calc'!A0。"
    assert rows["农业标准化"]["配合部门"] == "各镇政府、街道办事处、园区办"  # the table's own wording
    # a collective no group expands is marked where the task's units show
    assert (rows["打假治劣"]["牵头部门"], rows["打假治劣"]["配合部门"]) == ("区有关部门（未发填报表）", "各镇、街道")
    assert rows["宣传"]["牵头部门"] == "区相关部门（未发填报表）、各镇、街道"


def test_formula_like_text_stays_text_in_the_file(cycle):
    config, table, path, summary, note = cycle
    ws = openpyxl.load_workbook(path)["明细"]
    cells = [
        c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in ("=", "@", "+", "-")
    ]
    assert {c.value for c in cells} >= {"=SUM(1,2)", "@cmd|' /c calc'!A0"}
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name), name


def test_detail_submissions_and_stats_sheets(cycle):
    config, table, path, summary, note = cycle
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总", "明细", "报送情况", "统计", "统计图", "指标"]  # one period: no trend chart
    detail = list(wb["明细"].iter_rows(min_row=3, values_only=True))
    # 12+11+16+11 + 12+12+12+11+13+13 + 17+14+12 + 9+12+9 + 9+9 (task by task, 各镇、街道 = 9 towns, 区有关部门 none)
    assert len(detail) == sum(len(r.assignments) for r in table.recipients(config.departments)) == 214
    assert not [r for r in detail if r[3] == "区有关部门"]
    row = next(r for r in detail if r[0] == "T0101" and r[3] == "药监分局")
    assert row[:10] == (
        "T0101",
        "提高质量水平",
        "产品质量",
        "药监分局",
        "牵头",
        "已报送",
        "进度滞后",
        "食品抽检合格率88%",
        None,
        "加大抽检",
    )
    assert row[12] == "药监分局.xlsx" and row[13].startswith("2010-11-0")
    env_row = next(r for r in detail if r[0] == "T0104" and r[3] == "环保局")
    assert env_row[7] == "终稿" and env_row[12] == "环保局-终稿.xlsx"
    missing_row = next(r for r in detail if r[0] == "T0402" and r[3] == "安监局")
    assert missing_row[5:8] == ("未报送", None, None)
    sub = {r[1]: r for r in wb["报送情况"].iter_rows(min_row=3, values_only=True)}
    assert len(sub) == 23 and "区有关部门" not in sub
    assert sub["安监局"][2:6] == ("未报送", 1, None, None) and sub["龙虎塘街道"][2] == "未报送"
    assert [c.value for c in wb["报送情况"][2]] == [
        "序号",
        "填报单位",
        "报送情况",
        "任务数",
        "收到时间",
        "逾期",
        "文件",
        "文件时间",
        "填报人",
        "联系电话",
        "问题",
    ]  # no version is held: no 待确认版本
    assert sub["科技局"][2] == "待补正" and sub["科技局"][10] == "工作表“填报表”H2：联系电话未填写，请补填。"
    assert sub["质监分局"][2:4] == ("已报送", 11)
    assert sub["质监分局"][5] is None  # received 2010-11-05, before the deadline of the 25th
    ws = wb["报送情况"]
    missing_cells = [r for r in range(3, ws.max_row + 1) if ws[f"C{r}"].value == "未报送"]
    assert all(ws[f"B{r}"].fill.fgColor.rgb == "FFFFC7CE" for r in missing_cells) and len(missing_cells) == 2
    stats = list(wb["统计"].iter_rows(min_row=2, max_row=8, values_only=True))
    assert stats[0] == ("类别", "已完成", "正常推进", "进度滞后", "未启动", "未明确牵头单位", "未报送", "合计")
    assert stats[1] == ("提高质量水平", 1, 3, 0, 0, 0, 0, 4)
    assert stats[4] == ("严格质量监管", 0, 0, 0, 0, 2, 1, 3)
    assert stats[6] == ("合计", 1, 14, 0, 0, 2, 1, 18)
    tail = {r[0]: r[1] for r in wb["统计"].iter_rows(min_row=9, max_row=13, values_only=True) if r[0]}
    assert tail == {"应报送单位": 23, "已报送单位": 21, "未报送单位": 2, "报送率": pytest.approx(21 / 23)}
    assert len(wb["统计图"]._charts) == 1 and len(wb["统计"]._charts) == 0


def test_status_colours_freeze_filter_and_print_setup(cycle):
    config, table, path, summary, note = cycle
    ws = openpyxl.load_workbook(path)["汇总"]
    rules = {
        r.formula[0]: (r.dxf.fill.bgColor.rgb, bool(r.dxf.font.b))
        for rng in ws.conditional_formatting
        for r in rng.rules
    }
    # "begins with": a status folded with the leads' own is coloured as its first word; those that need
    # attention are bold (they stand out in black and white), 未报送 black on white; 预警: the fill on screen,
    # the word, and bold for 红灯 and 黄灯, on paper
    assert rules == {
        'LEFT(G3,3)="已完成"': ("FFC6EFCE", False),
        'LEFT(G3,4)="正常推进"': ("FFF2F2F2", False),
        'LEFT(G3,4)="进度滞后"': ("FFFFEB9C", True),
        'LEFT(G3,3)="未启动"': ("FFFFC7CE", True),
        'LEFT(G3,5)="逾期未完成"': ("FFFFC7CE", True),
        'LEFT(G3,3)="已办结"': ("FFC6EFCE", False),
        'LEFT(G3,3)="未报送"': ("FFFFFFFF", True),
        'LEFT(G3,7)="未明确牵头单位"': ("FFE4DFEC", True),
        'LEFT(H3,2)="红灯"': ("FFFFC7CE", True),
        'LEFT(H3,2)="黄灯"': ("FFFFEB9C", True),
        'LEFT(H3,2)="绿灯"': ("FFC6EFCE", False),
    }
    assert [str(rng.sqref) for rng in ws.conditional_formatting] == ["G3:G20", "H3:H20"]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:L20"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9 and ws.print_title_rows == "$2:$2"
    assert ws["A1"].value == "2010年区质量振兴工作目标任务推进情况汇总表（2010年11月）"


def test_locked_workbook_is_written_under_a_new_name(cycle, monkeypatch):
    config, table, path, summary, note = cycle
    open_in_excel(monkeypatch, path)
    import datetime as dt

    before = path.read_bytes()
    new_path, _, new_note = consolidate(config, table, P, now=dt.datetime(2010, 11, 28, 9, 30, 0))
    assert new_path.name == "2010年区质量振兴工作目标任务推进情况汇总表_2010-11_093000.xlsx"
    assert new_note == (
        "2010年区质量振兴工作目标任务推进情况汇总表_2010-11.xlsx 正被其他程序（如 Excel）打开，无法替换，"
        "本次汇总表已另存为 2010年区质量振兴工作目标任务推进情况汇总表_2010-11_093000.xlsx。"
    )
    assert path.read_bytes() == before and new_path.exists()
    new_path.unlink()


def test_the_consolidate_script(cycle):
    config, table, path, summary, note = cycle
    result = run_script("consolidate.py", "--config", config.path, "--period", "2010-11")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"已生成汇总表：{path}",
        "共 18 项任务：已完成1项，正常推进14项，未明确牵头单位2项，未报送1项；尚未报送（2 个）：龙虎塘街道、安监局。",
    ]


def test_no_returns_at_all(workdir):
    config, table, forms = prepare(workdir)
    summary = summarize(table, config, P)
    assert {t.task.task_id: t.status for t in summary.tasks if t.status != "未报送"} == {
        "T0401": "未明确牵头单位",
        "T0403": "未明确牵头单位",
    }  # 区有关部门 alone leads them: no form, no lead asked
    assert len(summary.not_reported) == 23
    path, _, _ = consolidate(config, table, P)
    assert path == workbook_path(config, P) and path.exists()


def test_one_writing_of_a_target_in_the_workbook_and_the_attachment(cycle):
    config, table, path, summary, note = cycle
    sheet = {r[0]: r[3] for r in openpyxl.load_workbook(path)["指标"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert sheet["T0101-4"] == "达100%" and sheet["T0101-2"] == "≥92%"  # as 附件2 prints them
    assert sheet["T0303-3"] == "1～2家"  # a range as the official table prints it
    assert {i.indicator.indicator_id: i.target for i in summary.indicators}["T0101-4"] == "达100%"


def test_every_sheet_prints_its_text_at_9_points_or_more_the_detail_without_the_clerks_columns(cycle, tmp_path):
    from dutytable.xlsx import new_workbook, print_landscape
    from printcheck import printed_sizes

    config, table, path, summary, note = cycle
    # 宋体 10 pt at Excel's fit to one page wide (A4 landscape, 0.3-inch sides): every column shown in 汇总 at 91 %
    assert printed_sizes(path) == {"汇总": 9.1, "明细": 10.0, "报送情况": 9.8, "统计": 10.0, "指标": 10.0}
    ws = openpyxl.load_workbook(path)["明细"]
    # 来源文件 and 收到时间, for the clerk alone, stay on screen, off paper
    assert ws.print_area == "'明细'!$A$1:$L$216" and [c.value for c in ws[2]][12:] == ["来源文件", "收到时间"]
    # columns too wide for 90 % print at 90 % on two page widths, the first two repeated: never smaller
    wb = new_workbook(tmp_path / "wide.xlsx")
    wide = wb.add_worksheet("宽")
    wide.write_string(0, 0, "字")
    assert print_landscape(wide, [12] * 30, repeat_columns=2) == 90
    narrow = wb.add_worksheet("窄")
    assert print_landscape(narrow, [12] * 10) == 100
    wb.close()
    ws = openpyxl.load_workbook(tmp_path / "wide.xlsx")["宽"]
    assert (ws.page_setup.scale, ws.sheet_properties.pageSetUpPr.fitToPage, ws.print_title_cols) == (90, None, "$A:$B")


def test_every_sheet_prints_at_90_percent_and_no_row_is_shorter_than_its_text(cycle):
    import math
    import re

    config, table, path, summary, note = cycle
    wb = openpyxl.load_workbook(path)
    with zipfile.ZipFile(path) as z:
        workbook = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
        sheets = {
            name: z.read("xl/" + targets[rid]).decode("utf-8")
            for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', workbook)
        }
    for name in ("汇总", "明细", "报送情况", "统计", "指标"):
        setup = re.search(r"<pageSetup [^>]*/>", sheets[name]).group(0)
        scale = int(re.search(r'scale="(\d+)"', setup).group(1)) if "scale=" in setup else 100
        assert scale >= 90 and 'orientation="landscape"' in setup and 'paperSize="9"' in setup, (name, setup)
        ws = wb[name]
        widths = {
            c: ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width for c in range(1, ws.max_column + 1)
        }
        for row in ws.iter_rows(min_row=3):
            if all(c.value is None for c in row):
                continue
            lines = 1
            for cell in row:
                if isinstance(cell.value, str) and cell.value:
                    per_line = (widths[cell.column] * 7 - 1) / (10 * 96 / 72)  # 宋体 10 pt in a cell of 7-px units
                    cjk = [sum(1 if ord(ch) > 0x2E80 else 0.5 for ch in part) for part in cell.value.split("\n")]
                    lines = max(lines, sum(max(math.ceil(w / per_line), 1) for w in cjk))
            height = ws.row_dimensions[row[0].row].height
            assert height is not None and height >= 13.5 * lines, (name, row[0].row, height, lines)
    # The chart on a sheet of its own, sized to the page; no trend line for one month.
    assert wb.sheetnames[4] == "统计图" and "指标趋势" not in wb.sheetnames


def test_the_summary_prints_on_a3_when_config_says(cycle, tmp_path):
    from dutytable.consolidate import write_workbook

    config, table, path, summary, note = cycle
    write_workbook(summary, tmp_path / "a3.xlsx", "A3")
    ws = openpyxl.load_workbook(tmp_path / "a3.xlsx")["汇总"]
    assert ws.page_setup.paperSize == 8 and ws.page_setup.scale in (None, 100)  # 100 % is not written


def test_a_text_longer_than_a_cell_holds_is_cut_with_a_pointer_and_its_row_is_the_highest(cycle, tmp_path):
    import dataclasses

    from dutytable.consolidate import TOO_LONG, write_workbook

    config, table, path, summary, note = cycle
    first = next(i for i, d in enumerate(summary.detail) if d.reported)
    detail = list(summary.detail)
    detail[first] = detail[first]._replace(progress="进" * 40000, plans=12)  # a number in a text column
    write_workbook(dataclasses.replace(summary, detail=detail), tmp_path / "long.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "long.xlsx")["明细"]
    headers = [c.value for c in ws[2]]
    row = next(r for r in ws.iter_rows(min_row=3) if str(r[headers.index("推进情况")].value).startswith("进进"))
    assert row[headers.index("推进情况")].value == "进" * (32767 - len(TOO_LONG)) + TOO_LONG
    assert row[headers.index("下步打算")].value == 12 and row[headers.index("下步打算")].data_type == "n"
    assert ws.row_dimensions[row[0].row].height == 408.75  # 409 pt, in the whole pixels the file keeps
    assert sum(1 for r in ws.iter_rows(min_row=3) if ws.row_dimensions[r[0].row].height == 408.75) == 1


def test_detail_cells_are_picked_from_the_row_what_is_worked_out_from_it_and_its_tasks_cells():
    from collections import namedtuple

    from dutytable.consolidate import _detail_picks
    from dutytable.schema import ANSWER, COMPUTED, DEFAULT, DETAIL, ROLE, Column, extra_key

    schema = DEFAULT.with_extras(("完成时限",))
    columns = schema.at(DETAIL)
    own = [c for c in columns if c.source not in (COMPUTED, ROLE, ANSWER)]
    kept = [c.key for c in schema.ledger_columns]
    Row = namedtuple(
        "DetailRow",
        ["task_id", "recipient", "role", "reported", *kept, "file", "received_at", "verdict", "filler", "phone"],
    )
    said = {
        "status": "正常推进",
        "progress": "按计划推进",
        "problems": "",
        "plans": "继续",
        extra_key("完成时限"): "1月底",
    }
    row = Row(
        "T0101",
        "环保局",
        "牵头",
        True,
        *(said[k] for k in kept),
        "环保局.xlsx",
        "2010-11-20T09:00:00",
        "有效",
        "张三",
        "0519",
    )
    table_cells = {"task_id": "T0101", "category": "提高质量水平", "item": "产品质量", extra_key("完成时限"): "6月底前"}
    made = (
        *row,
        "环保局",
        "已报送",
        "张三",
        "0519",
        "环保局.xlsx",
        "2010-11-20 09:00:00",
        "",
        *(table_cells[c.key] for c in own),
    )
    picks = _detail_picks(columns, Row._fields, own)
    assert [c.header for c in columns] == detail_head("完成时限")
    assert picks[True](made) == (
        "T0101",
        "提高质量水平",
        "产品质量",
        "1月底",
        "环保局",
        "牵头",
        "已报送",
        "正常推进",
        "按计划推进",
        "",
        "继续",
        "张三",
        "0519",
        "环保局.xlsx",
        "2010-11-20 09:00:00",
    )
    # Not reported: the table's own cell stands where the return's would
    assert picks[False](made)[3] == "6月底前" and picks[False](made)[:3] == picks[True](made)[:3]
    # A computed column the sheet knows nothing of is empty; a single column still gives a row
    stray = Column("lead_statuses", "牵头单位状态", COMPUTED, {DETAIL: 10})
    assert _detail_picks([stray, columns[4]], Row._fields, [])[True](made) == ("", "环保局")
    assert _detail_picks([columns[5]], Row._fields, [])[False](made) == ("牵头",)


def test_detail_rows_follow_the_tables_tasks_leads_first(cycle):
    import itertools

    config, table, path, summary, note = cycle
    detail = list(openpyxl.load_workbook(path)["明细"].iter_rows(min_row=3, values_only=True))
    assert [task for task, _ in itertools.groupby(r[0] for r in detail)] == [t.task_id for t in table.tasks]
    for task, group in itertools.groupby(detail, key=lambda r: r[0]):
        roles = [r[4] for r in group]
        assert roles == sorted(roles, key=lambda role: role != "牵头")
        assert ("牵头" in roles) == (task not in ("T0401", "T0403")), task  # led by 区有关部门 alone: no lead asked


def test_every_chart_shows_its_data_and_no_cell_is_clipped(cycle):
    from printcheck import chart_refs, clipped_cells, hidden_chart_cells

    path = cycle[2]
    assert chart_refs(path)
    assert hidden_chart_cells(path) == []
    assert clipped_cells(path) == []


def test_units_not_reported_are_bold_in_the_submissions_sheet(cycle):
    config, table, path, summary, note = cycle
    ws = openpyxl.load_workbook(path)["报送情况"]
    bold = {r[1].value: (r[2].value, r[1].font.b) for r in ws.iter_rows(min_row=3)}
    assert bold["安监局"] == ("未报送", True) and bold["质监分局"] == ("已报送", False)
    # every row's numbers (序号, 任务数) centred alike, the highlighted rows' too
    align = {r[1].value: (r[0].alignment.horizontal, r[3].alignment.horizontal) for r in ws.iter_rows(min_row=3)}
    assert align["安监局"] == align["科技局"] == align["质监分局"] == ("center", "center")
    assert ws["A3"].data_type == ws["D3"].data_type == "n"
    stats = openpyxl.load_workbook(path)["统计"]
    assert stats["A1"].font.sz == 14 and stats.row_dimensions[1].height == 26.25  # the title's lower edge whole


def test_no_workbook_or_form_shows_config_words(cycle):
    from printcheck import config_words

    config, table, path, summary, note = cycle
    written = [
        path,
        *path.parent.glob("分发/*.xlsx"),
        *path.parent.glob("待补正/*.xlsx"),
        path.parent / "分发清单.xlsx",
    ]
    assert len(written) > 20 and {p.name: config_words(p) for p in written if config_words(p)} == {}


def test_a_month_column_is_headed_with_its_month_and_its_year_only_when_another():
    from dutytable.vocab import month_header

    assert [month_header("2010-11", 2010), month_header("2009-12", 2010), month_header("2010-09")] == [
        "11月",
        "2009年12月",
        "9月",
    ]
