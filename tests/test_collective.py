"""Issue 23: a collective that no [groups] line expands (区直各部门, 区有关部门) gets no form and is never
counted, chased or guessed at; a task it alone leads is 未明确牵头单位 wherever its status shows.

A small table built as Excel saves it: 区直各部门 the only lead of 专项整治 (T0101), a partner of 联合检查
(T0102) beside a concrete lead, and the first of two leads of 宣传引导 (T0103).
"""

import datetime as dt

import docx
import openpyxl
import pytest
from conftest import run_script
from dutytable import indicators
from dutytable.collect import Collector
from dutytable.config import load_config
from dutytable.consolidate import consolidate
from dutytable.departments import Departments
from dutytable.distribute import generate
from dutytable.importer import import_source
from dutytable.master import load_table, write_table
from dutytable.model import Period
from dutytable.notices import write_advance_reminder
from dutytable.report import make_report, progress_lines
from returns import fill
from shapes import Shape, build_xlsx

P = Period(2010, 11)
ROWS = [
    ["序号", "类别", "工作内容", "工作目标", "牵头单位", "配合单位"],
    ["1", "专项监管", "专项整治", "完成整治企业10家", "区直各部门", "区财政局"],
    ["1", "专项监管", "联合检查", "开展联合检查", "区市场监管局", "区直各部门、区财政局"],
    ["1", "专项监管", "宣传引导", "开展质量宣传", "区直各部门、区财政局", "区市场监管局"],
]
GROUP = "区直各部门 = 区甲局、区乙局\n"
NO_FORM_LINE = (
    "提示：“区直各部门”是集体名称，不发填报表，T0101 因此没有具体的牵头单位（完成状态为“未明确牵头单位”）；"
    "如需发给其中每个单位，请在 config.ini 的 [groups] 中列出，例如“区直各部门 = 单位甲、单位乙”。"
)
OWNERLESS_LINE = (
    "提示：指标 T0101-1（完成整治企业）没有填报单位：任务 T0101 的牵头单位“区直各部门”是集体名称，不发填报表；"
    "请在 config.ini 的 [groups] 中列出其中的单位，例如“区直各部门 = 单位甲、单位乙”，"
    "或在主表“指标”工作表中填写该指标的填报单位。"
)


def _tool(workdir, groups=""):
    """``workdir`` with the small table as its master and ``groups`` added to [groups]; returns (config, table)."""
    path = workdir / "config.ini"
    path.write_text(path.read_text(encoding="utf-8").replace("[groups]\n", "[groups]\n" + groups), encoding="utf-8")
    config = load_config(path)
    source = build_xlsx(workdir / "附件.xlsx", Shape("collective", [ROWS], []))
    write_table(import_source(source, config.departments), config.table)
    return config, load_table(config.table, config.departments)


@pytest.fixture
def month(workdir):
    """The small table's month: both units that get a form report (区财政局 已完成, 区市场监管局 正常推进)."""
    config, table = _tool(workdir)
    forms = dict(generate(table, config, P).files)
    for name, status in (("区财政局", "已完成"), ("区市场监管局", "正常推进")):
        fill(forms[name], config.inbox / f"{name}.xlsx", status=status, progress=f"{name}已推进")
    Collector(config, table, settle_seconds=0, now=lambda: dt.datetime(2010, 11, 20, 9)).run(P)
    path, summary, _ = consolidate(config, table, P, today=dt.date(2010, 11, 28))
    return config, table, forms, path, summary


def test_a_collective_is_no_recipient_and_a_concrete_lead_after_it_is_the_one_asked(workdir):
    config, table = _tool(workdir)
    assert [(t.task_id, t.leads, t.partners) for t in table.tasks] == [
        ("T0101", ("区直各部门",), ("区财政局",)),
        ("T0102", ("区市场监管局",), ("区直各部门", "区财政局")),
        ("T0103", ("区直各部门", "区财政局"), ("区市场监管局",)),
    ]
    got = {r.name: [(a.task.task_id, a.role) for a in r.assignments] for r in table.recipients(config.departments)}
    assert got == {
        "区财政局": [("T0101", "配合"), ("T0102", "配合"), ("T0103", "牵头")],
        "区市场监管局": [("T0102", "牵头"), ("T0103", "配合")],
    }
    assert table.collectives(config.departments) == ["区直各部门"]
    # its indicator has no owner, not "a collective's first member"
    assert [(i.indicator_id, i.owner) for i in table.indicators] == [("T0101-1", "")]
    assert indicators.check_owners(table, config.departments, "主表") == [OWNERLESS_LINE]


def test_generate_sends_no_form_to_a_collective_and_says_so_on_one_line(workdir):
    config, table = _tool(workdir)
    result = run_script("generate.py", "--config", config.path, "--period", "2010-11")
    assert result.returncode == 0, result.stderr
    folder = config.outbox / "2010-11"
    assert result.stdout.splitlines() == [
        f"已生成 2010-11 填报表 2 份：{folder / '分发'}",
        f"分发清单：{folder / '分发清单.xlsx'}",
        NO_FORM_LINE,
        OWNERLESS_LINE,
    ]
    assert sorted(p.name for p in (folder / "分发").iterdir()) == [
        "区市场监管局_2010-11填报表.xlsx",
        "区财政局_2010-11填报表.xlsx",
    ]
    listed = [
        r[1]
        for r in openpyxl.load_workbook(folder / "分发清单.xlsx")["分发清单"].iter_rows(min_row=2, values_only=True)
    ]
    assert listed == ["区财政局", "区市场监管局"]


def test_import_check_lists_the_collective_and_its_ownerless_indicator(workdir):
    source = build_xlsx(workdir / "附件.xlsx", Shape("collective", [ROWS], []))
    result = run_script("import_table.py", source, "--check", "--config", workdir / "config.ini")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "表中的单位（3 个）：“区直各部门”（集体，不发填报表）“区财政局”“区市场监管局”。" in lines
    assert lines[-2:] == [NO_FORM_LINE, OWNERLESS_LINE]


def test_the_month_counts_and_chases_only_the_units_asked(month):
    config, table, forms, path, summary = month
    assert [(r.name, r.state) for r in summary.recipients] == [("区财政局", "已报送"), ("区市场监管局", "已报送")]
    by_id = {t.task.task_id: t for t in summary.tasks}
    assert {i: (t.status, t.light.text, t.missing) for i, t in by_id.items()} == {
        "T0101": ("未明确牵头单位", "黄灯（牵头单位未明确具体单位）", []),
        "T0102": ("正常推进", "绿灯", []),
        "T0103": ("已完成", "绿灯", []),
    }  # 区财政局, the first lead asked: not 未报送 for 区直各部门
    assert summary.status_counts == {
        "已完成": 1,
        "正常推进": 1,
        "进度滞后": 0,
        "未启动": 0,
        "未明确牵头单位": 1,
        "未报送": 0,
    }
    assert progress_lines(by_id["T0101"]) == ["区直各部门（牵头）：未发填报表。", "区财政局（配合）：区财政局已推进。"]
    assert progress_lines(by_id["T0102"]) == [
        "区市场监管局（牵头）：区市场监管局已推进。",
        "区财政局（配合）：区财政局已推进。",
        "区直各部门（配合）：未发填报表。",
    ]
    assert progress_lines(by_id["T0103"]) == [
        "区直各部门（牵头）：未发填报表。",
        "区财政局（牵头）：区财政局已推进。",
        "区市场监管局（配合）：区市场监管局已推进。",
    ]
    assert [(i.indicator.indicator_id, i.status, i.owner) for i in summary.indicators] == [
        ("T0101-1", "待核实", "未明确填报单位")
    ]
    # nobody to remind, nobody to chase
    assert write_advance_reminder(summary, config, dt.date(2010, 11, 22)) is None


def test_the_workbook_shows_the_collective_marked_and_counts_it_nowhere(month):
    config, table, forms, path, summary = month
    wb = openpyxl.load_workbook(path)
    rows = list(wb["汇总"].iter_rows(min_row=3, values_only=True))
    header = [c.value for c in wb["汇总"][2]]
    shown = [
        {h: v for h, v in zip(header, r) if h in ("工作内容", "牵头部门", "配合部门", "完成状态", "预警")} for r in rows
    ]
    assert shown == [
        {
            "工作内容": "专项整治",
            "牵头部门": "区直各部门（未发填报表）",
            "配合部门": "区财政局",
            "完成状态": "未明确牵头单位",
            "预警": "黄灯（牵头单位未明确具体单位）",
        },
        {
            "工作内容": "联合检查",
            "牵头部门": "区市场监管局",
            "配合部门": "区直各部门（未发填报表）、区财政局",
            "完成状态": "正常推进",
            "预警": "绿灯",
        },
        {
            "工作内容": "宣传引导",
            "牵头部门": "区直各部门（未发填报表）、区财政局",
            "配合部门": "区市场监管局",
            "完成状态": "已完成",
            "预警": "绿灯",
        },
    ]
    assert {r[3] for r in wb["明细"].iter_rows(min_row=3, values_only=True)} == {"区财政局", "区市场监管局"}
    assert [r[1] for r in wb["报送情况"].iter_rows(min_row=3, values_only=True)] == ["区财政局", "区市场监管局"]
    stats = list(wb["统计"].iter_rows(min_row=2, max_row=4, values_only=True))
    assert stats == [
        ("类别", "已完成", "正常推进", "进度滞后", "未启动", "未明确牵头单位", "未报送", "合计"),
        ("专项监管", 1, 1, 0, 0, 1, 0, 3),
        ("合计", 1, 1, 0, 0, 1, 0, 3),
    ]
    tail = {r[0]: r[1] for r in wb["统计"].iter_rows(min_row=6, max_row=9, values_only=True) if r[0]}
    assert tail == {"应报送单位": 2, "已报送单位": 2, "未报送单位": 0, "报送率": 1}
    # its 序时进度 is still shown (9.1家 of 10家 due by the day); nobody is asked for the value: 待核实
    assert [r[4:8] for r in wb["指标"].iter_rows(min_row=3, values_only=True)] == [
        ("未明确填报单位", None, 9.1, "待核实")
    ]


def test_the_attachment_and_the_bulletin_tell_the_truth_of_a_task_with_no_lead_asked(month):
    config, table, forms, path, summary = month
    _, written, notes = make_report(config, table, P, today=dt.date(2010, 11, 28), pdf=False, summary=summary)
    assert [p.name.split("_")[0] for p in written] == ["附件1", "附件2", "预警通报"]  # no 催报通知: all asked reported
    assert "全部单位均已报送，无需催报。" in notes
    first = docx.Document(str(written[0]))
    assert first.paragraphs[3].text == (
        "截至2010年11月28日，共3项目标任务，其中已完成1项、正常推进1项、未明确牵头单位1项；预警黄灯1项（专项整治）；"
        "量化指标1项，待核实1项；2个单位均已报送。"
    )  # not 均已填报: no unit reports T0101-1
    row = [c.text for c in first.tables[0].rows[2].cells]
    assert row[3:] == [
        "牵头：区直各部门（未发填报表）\n配合：区财政局",
        "区直各部门（牵头）：未发填报表。\n区财政局（配合）：区财政局已推进。",
        "未明确牵头单位",
        "黄灯（牵头单位未明确具体单位）",
    ]
    status_runs = (
        first.tables[0].rows[2].cells[5]._tc.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}b")
    )
    assert list(status_runs)  # an attention state: bold, readable in black and white
    second = docx.Document(str(written[1]))
    assert [c.text for c in second.tables[0].rows[1].cells][5:] == ["9.1家", "待核实", "未明确填报单位"]
    bulletin = [p.text for p in docx.Document(str(written[2])).paragraphs]
    assert "1．专项整治（牵头：区直各部门（未发填报表））：牵头单位未明确具体单位。" in bulletin


def test_with_a_group_the_collective_is_its_members_and_all_works_as_before(workdir):
    config, table = _tool(workdir, GROUP)
    got = {r.name: [(a.task.task_id, a.role) for a in r.assignments] for r in table.recipients(config.departments)}
    assert got == {
        "区甲局": [("T0101", "牵头"), ("T0102", "配合"), ("T0103", "牵头")],
        "区乙局": [("T0101", "牵头"), ("T0102", "配合"), ("T0103", "牵头")],
        "区财政局": [("T0101", "配合"), ("T0102", "配合"), ("T0103", "牵头")],
        "区市场监管局": [("T0102", "牵头"), ("T0103", "配合")],
    }
    assert table.collectives(config.departments) == []
    assert [(i.indicator_id, i.owner) for i in table.indicators] == [("T0101-1", "区甲局")]
    forms = dict(generate(table, config, P).files)
    assert set(forms) == {"区甲局", "区乙局", "区财政局", "区市场监管局"}
    fill(forms["区甲局"], config.inbox / "区甲局.xlsx", status="进度滞后")
    Collector(config, table, settle_seconds=0, now=lambda: dt.datetime(2010, 11, 20, 9)).run(P)
    _, summary, _ = consolidate(config, table, P, today=dt.date(2010, 11, 28))
    by_id = {t.task.task_id: t for t in summary.tasks}
    assert (by_id["T0101"].status, by_id["T0101"].task.leads_text, by_id["T0101"].no_form) == (
        "进度滞后",
        "区直各部门",
        (),
    )
    assert [r.name for r in summary.not_reported] == ["区乙局", "区财政局", "区市场监管局"]


def test_marking_keeps_the_tables_wording_and_leaves_a_list_without_a_collective_alone():
    departments = Departments({"区相关部门": "区有关部门"}, {"各镇、街道": ["春江镇"]})
    assert departments.marked("区相关部门、各镇、街道") == "区相关部门（未发填报表）、各镇、街道"
    # the mark is the tool's, not part of the name: read back as the name the row writes, and never marked twice
    assert departments.tokens("区相关部门（未发填报表）、各镇、街道") == [("区相关部门", False), ("各镇、街道", False)]
    assert departments.marked("区相关部门（未发填报表）、各镇、街道") == "区相关部门（未发填报表）、各镇、街道"
    assert departments.marked("质监分局（牵头）、\n药监分局") == "质监分局（牵头）、\n药监分局"
    assert departments.expand("区有关部门") == [] and departments.expand("各镇、街道") == ["春江镇"]
    assert departments.members(["区有关部门", "质监分局", "各镇、街道"]) == ["质监分局", "春江镇"]


def test_a_collective_written_by_another_name_is_named_so_in_its_rows_progress_too(workdir):
    """附件1's 推进情况 names a collective as its 责任单位 does: the table writes 区相关部门 (an alias of 区有关部门)."""
    config = load_config(workdir / "config.ini")  # the kit's [aliases]: 区相关部门 = 区有关部门
    rows = [ROWS[0], ["1", "专项监管", "宣传引导", "开展质量宣传", "区相关部门、区财政局", "区市场监管局"]]
    write_table(
        import_source(build_xlsx(workdir / "附件.xlsx", Shape("alias", [rows], [])), config.departments), config.table
    )
    table = load_table(config.table, config.departments)
    forms = dict(generate(table, config, P).files)
    fill(forms["区财政局"], config.inbox / "区财政局.xlsx", status="正常推进", progress="区财政局已推进")
    Collector(config, table, settle_seconds=0, now=lambda: dt.datetime(2010, 11, 20, 9)).run(P)
    _, summary, _ = consolidate(config, table, P, today=dt.date(2010, 11, 28))
    _, written, _ = make_report(config, table, P, today=dt.date(2010, 11, 28), pdf=False, summary=summary)
    row = [c.text for c in docx.Document(str(written[0])).tables[0].rows[2].cells]
    assert row[3:5] == [
        "牵头：区相关部门（未发填报表）、区财政局\n配合：区市场监管局",
        "区相关部门（牵头）：未发填报表。\n区财政局（牵头）：区财政局已推进。\n区市场监管局（配合）：未报送。",
    ]
