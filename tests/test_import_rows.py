"""Issue 23, rows: merged rows, repeated headers and the lines above the header read as a clerk reads them.

Each table is built the way Word (python-docx: real vMerge and gridSpan merges, several paragraphs in
a cell) or Excel (merged ranges, line breaks in cells) saves it, or as Word's text export, and read exactly.
"""

import datetime as dt

import pytest
from conftest import SEED, run_script
from dutytable import pipeline
from dutytable.config import load_config
from dutytable.deadlines import deadline_column, parse_deadline
from dutytable.departments import Departments
from dutytable.errors import TableError
from dutytable.importer import import_source, read_source
from dutytable.model import Period
from dutytable.summary import summarize
from expected_table import EXPECTED
from expected_table import summary as seed_summary
from shapes import UP, Shape, build_docx, build_xlsx, summary

BUILDERS = {"docx": build_docx, "xlsx": build_xlsx}


def _read(tmp_path, kind, rows, before=("附件1", "2024年XX区民生实事项目责任分解表")):
    shape = Shape("rows", [rows], [], before=before)
    return read_source(BUILDERS[kind](tmp_path / f"附件.{kind}", shape), Departments())


# --- 1. two rows under one merged 序号 and 责任单位, each with its own content and deadline -----------

PARK = [
    ["序号", "工作任务", "责任单位", "完成时限"],
    ["1", "城东公园项目开工建设", "区住建局（牵头）、区城管局", "5月底前动工"],
    [UP, "城东公园建成开放", UP, "12月底前建成"],
    ["2", "新建公共停车场2处", "区城管局", "9月底前"],
]


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_two_rows_under_one_merged_seq_and_units_are_two_tasks_with_their_own_deadlines(tmp_path, kind):
    table = _read(tmp_path, kind, PARK).table
    assert summary(table) == [
        ("全部任务", "城东公园项目开工建设", "城东公园项目开工建设", ("区住建局",), ("区城管局",), ("5月底前动工",)),
        ("全部任务", "城东公园建成开放", "城东公园建成开放", ("区住建局",), ("区城管局",), ("12月底前建成",)),
        ("全部任务", "新建公共停车场2处", "新建公共停车场2处", ("区城管局",), (), ("9月底前",)),
    ]
    assert [t.task_id for t in table.tasks] == ["T0101", "T0102", "T0103"]
    column = deadline_column(table)
    assert column == "完成时限"
    assert [parse_deadline(dict(t.extras)[column], 2024) for t in table.tasks] == [
        dt.date(2024, 5, 31),
        dt.date(2024, 12, 31),
        dt.date(2024, 9, 30),
    ]


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_row_with_its_own_deadline_but_no_unit_is_asked_about_naming_the_row(tmp_path, kind):
    rows = [
        ["序号", "工作任务", "牵头单位", "完成时限"],
        ["1", "城东公园项目开工建设", "区住建局", "5月底前动工"],
        ["", "城东公园建成开放", "", "12月底前建成"],
    ]
    with pytest.raises(TableError) as caught:
        _read(tmp_path, kind, rows)
    where = "附件.docx 表格" if kind == "docx" else "附件.xlsx 工作表“Sheet1”"
    row = 3 if kind == "docx" else 4
    assert str(caught.value) == f"{where}第{row}行：没有牵头单位，请至少填写一个牵头单位。"


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_row_continued_over_a_page_is_still_glued_to_its_task(tmp_path, kind):
    rows = [
        ["序号", "工作任务", "牵头单位", "完成时限"],
        ["1", "完成造林绿化1000亩，", "区林业局", "年底前"],
        ["", "森林覆盖率达到25%。", "", ""],
        ["2", "新建污水管网20公里", "区水务局", "10月底前"],
    ]
    table = _read(tmp_path, kind, rows).table
    assert summary(table) == [
        ("全部任务", "完成造林绿化1000亩", "完成造林绿化1000亩，森林覆盖率达到25%。", ("区林业局",), (), ("年底前",)),
        ("全部任务", "新建污水管网20公里", "新建污水管网20公里", ("区水务局",), (), ("10月底前",)),
    ]


# --- 2. a 项目名称 merged down over several 主要内容 rows -----------------------------------------

PROJECT = [
    ["序号", "项目名称", "主要内容", "牵头单位", "配合单位", "责任领导"],
    ["1", "城东污水处理厂", "新建主体工程，日处理能力5万吨", "区水务局", "区住建局", "王副区长"],
    [UP, UP, "铺设配套管网10公里", "区水务局", "区城管局", UP],
    [UP, UP, "完成试运行", UP, UP, UP],
    ["2", "老旧小区改造", "改造小区12个", "区住建局", "各街道", "李副区长"],
]


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_project_name_merged_down_is_carried_to_each_of_its_rows(tmp_path, kind):
    table = _read(tmp_path, kind, PROJECT).table
    assert summary(table) == [
        ("全部任务", "城东污水处理厂", "新建主体工程，日处理能力5万吨", ("区水务局",), ("区住建局",), ("王副区长",)),
        ("全部任务", "城东污水处理厂（2）", "铺设配套管网10公里", ("区水务局",), ("区城管局",), ("王副区长",)),
        ("全部任务", "城东污水处理厂（3）", "完成试运行", ("区水务局",), ("区城管局",), ("王副区长",)),
        ("全部任务", "老旧小区改造", "改造小区12个", ("区住建局",), ("各街道",), ("李副区长",)),
    ]


# --- 3. a header row repeated mid-table ------------------------------------------------------------


def test_a_header_repeated_mid_table_is_skipped_in_docx_and_xlsx(tmp_path):
    rows = PARK[:2] + [PARK[0]] + PARK[3:]
    for kind in BUILDERS:
        table = _read(tmp_path, kind, rows).table
        assert [(t.target, dict(t.extras)["完成时限"]) for t in table.tasks] == [
            ("城东公园项目开工建设", "5月底前动工"),
            ("新建公共停车场2处", "9月底前"),
        ], kind


def test_a_header_repeated_in_words_text_export_is_skipped(tmp_path, shipped_config):
    text = SEED.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line == "\t序号\n")
    end = next(i for i, line in enumerate(lines) if line.startswith("\t配合部门"))
    header = lines[start : end + 1]
    sixth = [i for i, line in enumerate(lines) if line in ("\t3\n",)][0]  # before the third category
    path = tmp_path / "附件.txt"
    path.write_text("".join(lines[:sixth] + header + ["\n"] + lines[sixth:]), encoding="utf-8")
    table = import_source(path, shipped_config.departments)
    assert seed_summary(table) == EXPECTED


# --- 4. title rows, 附件1, a 填报单位 row, a header broken over lines in its cells -------------------

ABOVE = ("附件1", "2024年XX区民生实事项目责任分解表", "填报单位：XX区发改局  填报时间：")
BROKEN_HEADER = [
    ["序号", "工作任务", ["牵头", "单位"], ["配合", "单位"], ["完成", "时限"]],
    ["1", "新建幼儿园3所", "区教育局", "区住建局", "8月底前"],
    ["2", "新增城镇就业5000人", "区人社局", "区财政局", "年底前"],
]


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_title_attachment_and_reporting_unit_lines_above_a_header_broken_over_lines(tmp_path, kind):
    imported = _read(tmp_path, kind, BROKEN_HEADER, before=ABOVE)
    assert summary(imported.table) == [
        ("全部任务", "新建幼儿园3所", "新建幼儿园3所", ("区教育局",), ("区住建局",), ("8月底前",)),
        ("全部任务", "新增城镇就业5000人", "新增城镇就业5000人", ("区人社局",), ("区财政局",), ("年底前",)),
    ]
    assert imported.columns == [
        ("序号", "序号"),
        ("工作任务", "工作内容、工作目标"),
        ("牵头单位", "牵头部门"),
        ("配合单位", "配合部门"),
        ("完成时限", "其他列（保留）"),
    ]
    assert imported.table.extra_columns == ("完成时限",)
    if kind == "docx":
        assert imported.table.title == "2024年XX区民生实事项目责任分解表"


def test_title_and_reporting_unit_rows_inside_a_sheet_above_the_header(tmp_path):
    import xlsxwriter

    path = tmp_path / "分解表.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    ws.write_string(0, 0, "附件1")
    ws.merge_range(1, 0, 1, 4, "2024年XX区民生实事项目责任分解表")
    ws.merge_range(2, 0, 2, 2, "填报单位：XX区发改局")
    ws.merge_range(2, 3, 2, 4, "填报时间：")
    for r, row in enumerate(BROKEN_HEADER, start=3):
        ws.write_row(r, 0, ["\n".join(v) if isinstance(v, list) else v for v in row])
    wb.close()
    imported = read_source(path, Departments())
    assert [(t.task_id, t.target, t.leads, t.partners, t.extras) for t in imported.table.tasks] == [
        ("T0101", "新建幼儿园3所", ("区教育局",), ("区住建局",), (("完成时限", "8月底前"),)),
        ("T0102", "新增城镇就业5000人", ("区人社局",), ("区财政局",), (("完成时限", "年底前"),)),
    ]
    assert imported.table.title == "2024年XX区民生实事项目责任分解表"


def test_the_may_task_under_a_merged_seq_is_overdue_in_july_and_the_december_one_is_not(workdir):
    source = build_docx(
        workdir / "附件.docx", Shape("park", [PARK], [], before=("附件1", "2024年XX区民生实事项目责任分解表"))
    )
    result = run_script("import_table.py", source, "--force", "--config", workdir / "config.ini")
    assert result.returncode == 0, result.stderr
    config = load_config(workdir / "config.ini")
    assert config.year == 2024
    table = pipeline.load(config)
    summary = summarize(table, config, Period(2024, 7), dt.date(2024, 7, 1))
    assert [(t.task.task_id, t.deadline.isoformat(), t.overdue) for t in summary.tasks] == [
        ("T0101", "2024-05-31", True),
        ("T0102", "2024-12-31", False),
        ("T0103", "2024-09-30", False),
    ]
