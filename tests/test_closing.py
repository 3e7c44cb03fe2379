"""办结销号 (issue #26): with close_completed = 是 a task whose first lead said 已完成 is 已办结 from the next period.

Two periods: 2010-11 closes 工程质量 (T0102) and 服务质量 (T0103); 2010-12's forms show them locked, its 汇总 and
附件1 say 已办结（2010年11月）, 交通分局 (whose only task is T0103) gets no form and is not chased. The clerk
reopens T0102 by clearing its cell in the master: the old answer never closes it again, a later 已完成 does.
"""

import datetime as dt

import docx
import openpyxl
import pytest
from conftest import open_in_excel, run_with_setting, set_section
from dutytable import pipeline
from dutytable.annual_xlsx import make_annual
from dutytable.cli import main
from dutytable.cli_import import ImportTable
from dutytable.collect import Collector
from dutytable.config import load_config
from dutytable.distribute import generate
from dutytable.errors import TableError
from dutytable.ledger import Ledger
from dutytable.master import closed_period, load_table
from dutytable.model import Period
from dutytable.report import make_report
from dutytable.screen import summary_lines
from dutytable.workbooks import open_workbook
from returns import LETTERS, fill, prepare
from test_reimport import attachment_rows, summary_sheet

NOV, DEC = Period(2010, 11), Period(2010, 12)
CLOSED_NOV = "已办结 2 项（2010年11月牵头单位报已完成，2010年12月起不再填报）：T0102（工程质量）、T0103（服务质量）；"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def turn_on(workdir, value="是"):
    path = workdir / "config.ini"
    path.write_text(
        path.read_text(encoding="utf-8").replace("close_completed = 否", f"close_completed = {value}"), encoding="utf-8"
    )


def collect(config, table, period, day):
    return Collector(config, table, settle_seconds=0, now=lambda: dt.datetime(day.year, day.month, day.day, 9)).run(
        period
    )


def consolidate(config, period, day):
    """Consolidate as the monthly run does, with the master as it is now; returns (summary, the lines said)."""
    lines = []
    summary = pipeline.step_consolidate(config, pipeline.load(config), period, lines.append, today=day)
    return summary, lines


def closings_line(lines):
    return [line for line in lines if "办结" in line]


def master_column(config, header="办结（期次）"):
    """{task ID: the master's cell under ``header``}, or None when it has no such column."""
    _, sheets = open_workbook(config.table)
    rows = sheets[0].rows
    if header not in rows[0]:
        return None
    at = rows[0].index(header)
    return {row[0]: row[at] or "" for row in rows[1:]}


def clear_cell(config, task_id):
    """The clerk reopens a task: its 办结 cell emptied in Excel."""
    wb = openpyxl.load_workbook(config.table)
    ws = wb["责任分解表"]
    at = [c.value for c in ws[1]].index("办结（期次）") + 1
    for row in ws.iter_rows(min_row=2):
        if row[0].value == task_id:
            ws.cell(row[0].row, at).value = None
    wb.save(config.table)


@pytest.fixture
def november(workdir):
    """close_completed = 是; 2010-11's returns: 经发局 and 城建局 say 已完成 of the tasks they lead (T0103, T0102),
    环保局 writes “完成” for 环境质量 (待核实), 药监分局, second lead of 产品质量, says 已完成 (质监分局, its first,
    does not report)."""
    turn_on(workdir)
    config, table, forms = prepare(workdir, NOV)
    fill(forms["经发局"], workdir / "inbox" / "经发局.xlsx", rows={"T0103": {"完成状态": "已完成"}})
    fill(forms["城建局"], workdir / "inbox" / "城建局.xlsx", rows={"T0102": {"完成状态": "已完成"}})
    fill(forms["环保局"], workdir / "inbox" / "环保局.xlsx", rows={"T0104": {"完成状态": "完成"}})
    fill(forms["药监分局"], workdir / "inbox" / "药监分局.xlsx", status="已完成")
    collect(config, table, NOV, dt.date(2010, 11, 20))
    return config, config.table.read_bytes()


def test_the_period_closes_what_its_first_leads_said_is_done_in_the_master(november):
    config, before = november
    summary, lines = consolidate(config, NOV, dt.date(2010, 11, 28))
    backup = next(config.table.parent.glob("责任分解表.备份-*.xlsx"))
    assert closings_line(lines) == [CLOSED_NOV + f"已写入主表的“办结（期次）”列（原主表已备份为 {backup.name}）。"]
    assert backup.read_bytes() == before
    column = master_column(config)
    assert {k: v for k, v in column.items() if v} == {"T0102": "2010-11", "T0103": "2010-11"}  # not 完成（待核实）,
    assert column["T0104"] == column["T0101"] == ""  # nor a second lead's 已完成
    with Ledger(config.ledger, config.path.parent) as ledger:
        assert ledger.closings() == {"T0102": "2010-11", "T0103": "2010-11"}
    # 已办结 from the next period: November's own summary says 已完成
    assert {t.task.task_id: t.shown_status for t in summary.tasks if t.task.task_id in ("T0102", "T0103")} == {
        "T0102": "已完成",
        "T0103": "已完成",
    }


def test_every_other_cell_of_the_master_is_kept(november):
    config, before = november
    consolidate(config, NOV, dt.date(2010, 11, 28))
    _, old = open_workbook(next(config.table.parent.glob("责任分解表.备份-*.xlsx")))
    _, new = open_workbook(config.table)
    assert [(s.name, s.visible) for s in new] == [(s.name, s.visible) for s in old]
    width = len(old[0].rows[0])
    assert [row[:width] for row in new[0].rows] == old[0].rows
    assert [row[width:] for row in new[0].rows][:4] == [["办结（期次）"], [""], ["2010-11"], ["2010-11"]]
    assert [s.rows for s in new[1:]] == [s.rows for s in old[1:]]
    ws = openpyxl.load_workbook(config.table)["责任分解表"]
    assert (ws.freeze_panes, ws["H1"].font.b, ws["H3"].number_format) == ("A2", ws["A1"].font.b, "@")
    table = load_table(config.table, config.departments)
    assert table.extra_columns == () and table.task("T0102").closed == "2010-11"  # not an extra column


def test_consolidating_the_period_again_writes_nothing(november):
    config, _ = november
    consolidate(config, NOV, dt.date(2010, 11, 28))
    written = config.table.read_bytes()
    summary, lines = consolidate(config, NOV, dt.date(2010, 11, 29))
    assert closings_line(lines) == []
    assert config.table.read_bytes() == written
    assert len(list(config.table.parent.glob("责任分解表.备份-*.xlsx"))) == 1


def test_a_master_open_in_excel_is_left_alone_and_written_next_time(november, monkeypatch):
    config, before = november
    lock = config.table.with_name("~$责任分解表.xlsx")
    lock.write_bytes(b"owner")
    _, lines = consolidate(config, NOV, dt.date(2010, 11, 28))
    assert closings_line(lines) == [
        "主表 责任分解表.xlsx 正在 Excel 或 WPS 中打开，本次没有写入办结：T0102（工程质量）、"
        "T0103（服务质量）；请关闭主表后重新运行汇总。"
    ]
    assert config.table.read_bytes() == before
    with Ledger(config.ledger, config.path.parent) as ledger:
        assert ledger.closings() == {}  # not remembered: no reopening to see next time
    lock.unlink()
    undo = open_in_excel(monkeypatch, config.table)  # Windows: no owner file seen, the replace refused
    _, lines = consolidate(config, NOV, dt.date(2010, 11, 28))
    assert closings_line(lines)[0].startswith("主表 责任分解表.xlsx 正在 Excel 或 WPS 中打开，本次没有写入办结：")
    assert config.table.read_bytes() == before
    undo()
    _, lines = consolidate(config, NOV, dt.date(2010, 11, 28))
    assert closings_line(lines)[0].startswith(CLOSED_NOV)
    assert master_column(config)["T0102"] == "2010-11"


def test_a_master_saved_with_macros_or_in_a_folder_that_refuses_writing_is_left_alone(november, monkeypatch):
    import errno
    import zipfile

    from dutytable import files

    config, before = november
    xlsm = config.table.with_suffix(".xlsm")  # saved by the clerk with macros: a rewrite would drop them
    with zipfile.ZipFile(config.table) as src, zipfile.ZipFile(xlsm, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"\0")
    macro = xlsm.read_bytes()
    path = config.path
    path.write_text(path.read_text(encoding="utf-8").replace("责任分解表.xlsx", "责任分解表.xlsm"), encoding="utf-8")
    _, lines = consolidate(load_config(path), NOV, dt.date(2010, 11, 28))
    assert closings_line(lines) == [
        "主表 责任分解表.xlsm 不是 .xlsx 格式，本次没有写入办结：T0102（工程质量）、"
        "T0103（服务质量）；请把主表另存为 .xlsx 后重新运行汇总，或自己在它的“办结（期次）”列中"
        "填写 2010-11。"
    ]
    assert xlsm.read_bytes() == macro
    real_replace = files._replace

    def read_only(src, dst):  # the master's folder on a share that refuses writing
        if str(dst) == str(config.table):
            raise OSError(errno.EROFS, "read-only")
        return real_replace(src, dst)

    monkeypatch.setattr(files, "_replace", read_only)
    _, lines = consolidate(config, NOV, dt.date(2010, 11, 28))
    assert closings_line(lines) == [
        "主表 责任分解表.xlsx 无法写入，本次没有写入办结：T0102（工程质量）、T0103（服务质量）；"
        "请检查主表所在的文件夹是否允许写入后重新运行汇总。"
    ]
    assert config.table.read_bytes() == before


@pytest.fixture
def december(november):
    """2010-11 consolidated (T0102, T0103 closed), 2010-12's forms generated; returns (config, forms, lines said)."""
    config, _ = november
    consolidate(config, NOV, dt.date(2010, 11, 28))
    lines = []
    pipeline.step_generate(config, pipeline.load(config), DEC, lines.append)
    forms = {p.name.split("_")[0]: p for p in (config.outbox / "2010-12" / "分发").glob("*.xlsx")}
    return config, forms, lines


def form_rows(path):
    """{task ID: (完成状态, whether the cell is locked)} of a form."""
    ws = openpyxl.load_workbook(path)["填报表"]
    column = LETTERS["status"]
    return {
        ws[f"A{r}"].value: (ws[f"{column}{r}"].value, ws[f"{column}{r}"].protection.locked)
        for r in range(6, ws.max_row + 1)
        if ws[f"A{r}"].value
    }


def test_the_next_periods_forms_show_a_closed_task_locked_and_ask_nothing_of_it(december):
    config, forms, lines = december
    assert "1 个单位的任务均已办结，本期不发填报表：交通分局。" in lines
    assert (
        "交通分局" not in forms and len(forms) == 22
    )  # 24 units, less 交通分局 (asked nothing) and 区有关部门 (a collective)
    assert form_rows(forms["城建局"]) == {"T0102": ("已办结", True), "T0103": ("已办结", True)}  # its 指标 still asked
    assert openpyxl.load_workbook(forms["城建局"]).sheetnames == ["填报表", "指标填报", "填表说明", "表单信息"]
    rows = form_rows(forms["经发局"])
    assert rows["T0103"] == ("已办结", True) and rows["T0203"] == (None, False)
    help_lines = [c.value for c in openpyxl.load_workbook(forms["经发局"])["填表说明"]["A"] if c.value]
    assert help_lines[-2] == "8. 完成状态为“已办结”的任务已经办结，不用再填写。"
    listed = {
        r[1]: r[8]
        for r in openpyxl.load_workbook(config.outbox / "2010-12" / "分发清单.xlsx").active.iter_rows(
            min_row=2, values_only=True
        )
    }
    assert "交通分局" not in listed
    assert (listed["城建局"], listed["经发局"], listed["环保局"]) == (
        "其中已办结（不用填写）：T0102、T0103",
        "其中已办结（不用填写）：T0103",
        None,
    )


def test_a_return_that_writes_in_a_closed_row_is_accepted_and_the_text_not_counted(december):
    config, forms, _ = december
    fill(forms["经发局"], config.inbox / "经发局12月.xlsx", rows={"T0103": {"推进情况": "又做了一些"}})
    result = collect(config, pipeline.load(config), DEC, dt.date(2010, 12, 20))
    assert result.count("有效") == 1
    assert (
        "注意：经发局12月.xlsx：工作表“填报表”第6行（服务质量）：该任务已于2010年11月办结，本期不再填报，"
        "填写的内容未计入。" in summary_lines(result)
    )
    assert "交通分局" not in result.missing and "城建局" in result.missing
    summary, _ = consolidate(config, DEC, dt.date(2010, 12, 28))
    t = next(t for t in summary.tasks if t.task.task_id == "T0103")
    assert (t.shown_status, t.progress, t.units, t.missing, t.light.text) == (
        "已办结（2010年11月）",
        "",
        [],
        [],
        "绿灯",
    )
    assert not any(d.task_id == "T0103" for d in summary.detail)


def test_the_next_periods_summary_and_attachment_say_closed_with_its_month(december):
    config, _, _ = december
    summary, lines = consolidate(config, DEC, dt.date(2010, 12, 28))
    assert closings_line(lines) == []
    assert summary.status_counts["已完成"] == 2  # the counts take 已办结 as 已完成
    assert "交通分局" not in [r.name for r in summary.recipients]
    assert [r.tasks for r in summary.recipients if r.name in ("城建局", "经发局")] == [0, 5]
    assert ("提高质量水平", "工程质量", "已办结（2010年11月）") in summary_sheet(_summary_path(config))
    wb = openpyxl.load_workbook(_summary_path(config))
    head = [c.value for c in wb["汇总"][2]]
    row = next(r for r in wb["汇总"].iter_rows(min_row=3, values_only=True) if r[head.index("工作内容")] == "工程质量")
    assert (row[head.index("完成状态")], row[head.index("预警")]) == ("已办结（2010年11月）", "绿灯")
    assert "交通分局" not in [r[0] for r in wb["报送情况"].iter_rows(min_row=3, values_only=True)]
    _, written, _ = make_report(
        config, pipeline.load(config), DEC, today=dt.date(2010, 12, 28), pdf=False, summary=summary
    )
    rows = attachment_rows(written[0])
    at = rows.index("一、提高质量水平")
    assert rows[at + 2] == ("工程质量", "已于2010年11月办结。", "已办结（2010年11月）")
    assert rows[at + 3] == ("服务质量", "已于2010年11月办结。", "已办结（2010年11月）")
    overview = next(p.text for p in docx.Document(str(written[0])).paragraphs if p.text.startswith("截至"))
    assert overview.startswith(
        "截至2010年12月28日，共18项目标任务，其中已完成2项（含已办结2项）、未明确牵头单位2项、牵头单位尚未报送14项；"
    )
    reminder = [p.text for p in docx.Document(str(written[2])).paragraphs]
    assert "交通分局" not in "".join(reminder)
    assert "、城建局（量化指标）、" in reminder[3]  # its tasks are closed, its 指标 still asked
    assert "、经发局（5项）、" in reminder[3]


def _summary_path(config):
    return config.outbox / "2010-12" / "2010年区质量振兴工作目标任务推进情况汇总表_2010-12.xlsx"


def test_the_year_counts_a_closed_task_and_does_not_score_a_unit_with_nothing_asked(december):
    config, _, _ = december
    fill(next((config.outbox / "2010-12" / "分发").glob("经发局_*.xlsx")), config.inbox / "经发局12月.xlsx")
    collect(config, pipeline.load(config), DEC, dt.date(2010, 12, 20))
    annual, written = make_annual(config, pipeline.load(config), 2010, today=dt.date(2010, 12, 31))
    row = next(t for t in annual.tasks if t.task_id == "T0102")
    assert row.cells == {"2010-11": "已完成", "2010-12": "已办结（2010年11月）"}
    assert row.colours == {"2010-11": "已完成", "2010-12": "已完成"}
    unit = next(u for u in annual.units if u.name == "交通分局")
    assert (unit.months["2010-11"].text, unit.months["2010-12"].text) == ("未报送", "当期未列入")
    assert unit.months["2010-12"].points(config.assessment) == 0
    own = next(u for u in annual.units if u.name == "城建局")  # its tasks all 已办结, its 指标 still asked
    assert own.months["2010-12"].text == "未报送"


def test_the_clerk_reopens_a_task_by_clearing_its_cell(december):
    config, _, _ = december
    clear_cell(config, "T0102")
    _, lines = consolidate(config, NOV, dt.date(2010, 11, 28))  # November again: its 已完成 does not close it again
    assert closings_line(lines) == []
    assert master_column(config)["T0102"] == "" and master_column(config)["T0103"] == "2010-11"
    table = pipeline.load(config)
    result = generate(table, config, DEC, force=True)
    forms = dict(result.files)
    assert form_rows(forms["城建局"]) == {"T0102": (None, False), "T0103": ("已办结", True)}  # asked again
    fill(forms["城建局"], config.inbox / "城建局12月.xlsx", rows={"T0102": {"完成状态": "进度滞后"}})
    collect(config, table, DEC, dt.date(2010, 12, 20))
    summary, lines = consolidate(config, DEC, dt.date(2010, 12, 28))
    assert closings_line(lines) == []
    assert next(t.shown_status for t in summary.tasks if t.task.task_id == "T0102") == "进度滞后"
    # a later period's 已完成 closes it again, from the period after
    fill(forms["城建局"], config.inbox / "城建局12月终稿.xlsx", rows={"T0102": {"完成状态": "已完成"}})
    collect(config, table, DEC, dt.date(2010, 12, 21))
    _, lines = consolidate(config, DEC, dt.date(2010, 12, 28))
    assert closings_line(lines)[0].startswith(
        "已办结 1 项（2010年12月牵头单位报已完成，2011年1月起不再填报）：T0102（工程质量）；"
    )
    assert master_column(config)["T0102"] == "2010-12"
    with Ledger(config.ledger, config.path.parent) as ledger:
        assert ledger.closings() == {"T0102": "2010-12", "T0103": "2010-11"}


def test_a_reimport_keeps_each_tasks_closing_by_its_id(december, capsys):
    config, _, _ = december
    from builders import build_docx, seed_rows
    from conftest import SEED

    rows = seed_rows(SEED, config.departments)
    rows.insert(
        1,
        (
            "1",
            ["提高", "质量", "水平"],
            ["质量", "强区"],
            "创建省级质量强区示范区，年内通过省级验收。",
            "城建局",
            "园区办",
        ),
    )
    source = build_docx(config.path.parent / "新表.docx", rows)
    assert main(ImportTable(), ["--config", str(config.path), "--period", "2010-12", str(source), "--force"]) == 0
    capsys.readouterr()
    table = load_table(config.table, config.departments)
    assert {t.task_id: t.closed for t in table.tasks if t.closed} == {"T0102": "2010-11", "T0103": "2010-11"}
    assert [t.item for t in table.tasks][:4] == ["产品质量", "质量强区", "工程质量", "服务质量"]
    pipeline.refresh_indicators(config, DEC, lambda line: None)  # the master rewritten: its 办结 column goes along
    assert {k: v for k, v in master_column(config).items() if v} == {"T0102": "2010-11", "T0103": "2010-11"}


def test_off_by_default_nothing_closes_and_the_column_is_not_read(workdir):
    config, table, forms = prepare(workdir, NOV)
    assert config.close_completed is False
    fill(forms["城建局"], workdir / "inbox" / "城建局.xlsx", rows={"T0102": {"完成状态": "已完成"}})
    collect(config, table, NOV, dt.date(2010, 11, 20))
    before = config.table.read_bytes()
    _, lines = consolidate(config, NOV, dt.date(2010, 11, 28))
    assert closings_line(lines) == [] and config.table.read_bytes() == before
    wb = openpyxl.load_workbook(config.table)  # a closing the clerk typed, with the setting off
    wb["责任分解表"]["H1"], wb["责任分解表"]["H3"] = "办结（期次）", "2010-11"
    wb.save(config.table)
    result = generate(pipeline.load(config), config, DEC)
    assert form_rows(dict(result.files)["城建局"])["T0102"] == (None, False) and result.not_asked == []


def test_the_setting_is_read_checked_and_a_misspelt_key_warned(workdir):
    path = workdir / "config.ini"
    turn_on(workdir)
    assert load_config(path).close_completed is True
    assert run_with_setting(path, "warning", "close_completed = 也许\n", "consolidate.py", "--period", "2010-11") == (
        2,
        f"配置文件 {path} 的 [warning] close_completed = 也许 无效：请写“是”或“否”。\n",
    )
    set_section(path, "warning", "close_complete = 是\n")
    config = load_config(path)
    assert config.warnings == [
        f"配置文件 {path} 的 [warning] close_complete：不认识的设置，是不是 close_completed？这一项没有起作用。"
    ]
    assert config.close_completed is False


@pytest.mark.parametrize(
    "text, period",
    [
        ("", ""),
        ("2010-11", "2010-11"),
        ("2010-1", "2010-01"),
        ("2010年11月", "2010-11"),
        ("2010-11-01", "2010-11"),  # the date Excel makes of a typed 2010-11
        (" 2010-11 ", "2010-11"),
        ("2010-13", None),
        ("是", None),
        ("11月", None),
        ("2010.11", None),
    ],
)
def test_how_a_closing_may_be_written(text, period):
    assert closed_period(text.strip()) == period


def test_a_closing_the_master_cannot_read_is_one_line_naming_the_row(workdir, config):
    wb = openpyxl.load_workbook(config.table)
    ws = wb["责任分解表"]
    ws["H1"], ws["H3"] = "办结（期次）", "已办"
    ws["H4"] = dt.datetime(2010, 11, 1)  # typed 2010-11 in Excel: a date
    wb.save(config.table)
    with pytest.raises(TableError) as caught:
        load_table(config.table, config.departments)
    assert caught.value.lines() == [
        "责任分解表.xlsx 工作表“责任分解表”第3行（工程质量）：办结（期次）“已办”无效：请写成“年-月”，"
        "例如 2010-11（该项任务从下一期起办结），或清空这一格（照常填报）。"
    ]
    ws["H3"] = "2010年11月"
    wb.save(config.table)
    table = load_table(config.table, config.departments)
    assert (table.task("T0102").closed, table.task("T0103").closed) == ("2010-11", "2010-11")
