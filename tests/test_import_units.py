"""Issue 23: unit names and the form's own columns read right in the tables offices publish.

Each table is built the way Word (python-docx: real gridSpan and vMerge merges, several paragraphs
or a line break in a cell) or Excel (merged ranges, line breaks in cells) saves it, and read exactly.
"""

import datetime as dt

import pytest
from builders import seed_rows
from conftest import SEED
from dutytable.departments import Departments
from dutytable.errors import TableError
from dutytable.importer import import_source, read_source
from expected_table import EXPECTED
from expected_table import summary as seed_summary
from heads import form_head
from returns import IND_VALUE
from shapes import LEFT, UP, Shape, build_docx, build_xlsx, summary

BUILDERS = {"docx": build_docx, "xlsx": build_xlsx}


def _seed_layout(header, departments, cells):
    """The seed's 18 sub-items under ``header``; 序号 and 类别 merged down over their sub-items."""
    rows = [list(r) for r in header]
    first_of = set()
    for seq, cat, item, target, leads, partners in seed_rows(SEED, departments):
        new = seq not in first_of
        first_of.add(seq)
        rows.append([seq if new else UP, cat if new else UP, item, target, *cells(leads, partners)])
    return Shape("seed", [rows], [])


# --- 0. the two-row header: 责任单位 over 牵头单位 | 配合单位, 工作内容 over 类别 | 子项 ----------

TWO_ROW_HEADER = (
    ["序号", "工作内容", LEFT, "工作目标", "责任单位", LEFT],
    [UP, "类别", "子项", UP, "牵头单位", "配合单位"],
)


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_two_row_header_over_category_item_and_lead_partner_reads_the_seed_exactly(tmp_path, shipped_config, kind):
    shape = _seed_layout(TWO_ROW_HEADER, shipped_config.departments, lambda leads, partners: [leads, partners])
    imported = read_source(BUILDERS[kind](tmp_path / f"附件.{kind}", shape), shipped_config.departments)
    assert seed_summary(imported.table) == EXPECTED
    assert imported.table.extra_columns == ()
    assert imported.columns == [
        ("序号", "序号"),
        ("类别", "类别"),
        ("工作内容", "工作内容"),
        ("工作目标", "工作目标"),
        ("牵头单位", "牵头部门"),
        ("配合单位", "配合部门"),
    ]


def test_more_than_ten_rows_with_one_cause_are_named_once_without_a_doubled_word(tmp_path, shipped_config):
    header = (["序号", "工作内容", LEFT, "工作目标", "责任单位"],)
    shape = _seed_layout(
        header,
        shipped_config.departments,
        lambda leads, partners: [
            "、".join(
                ([leads] if isinstance(leads, str) else leads) + ([partners] if isinstance(partners, str) else partners)
            )
        ],
    )
    with pytest.raises(TableError) as info:
        import_source(build_docx(tmp_path / "附件.docx", shape), shipped_config.departments)
    assert info.value.lines() == [
        (
            "附件.docx 表格第2、3、4、5、6、7、8、9、10、11等 18 行：责任单位中没有标明牵头单位。"
            "请在牵头单位名称后加“（牵头）”，或者在 config.ini 的 [import] 中写"
            "“first_listed_lead = 是”（列第一位的为牵头单位）。"
        )
    ]


# --- 1. a unit name broken over two lines of a cell is one unit ----------------------------

BROKEN_NAMES = Shape(
    "broken_unit_names",
    [
        [
            ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
            ["1", "开展农村人居环境整治", ["市农业", "农村局"], "市生态\n环境局、市住房和城乡建设局", "年底前"],
            ["2", "治理城市黑臭水体5条", "市生态\n环境局", ["市水利局", "市城管局"], "6月底前"],
            ["3", "建设美丽乡村示范村10个", "市农业农村局", ["各镇", "街道"], "年底前"],
            ["4", "推进高新区扩区", ["市发展和改革", "委员会"], ["高新区", "管委会"], "三季度"],
        ]
    ],
    [
        (
            "全部任务",
            "开展农村人居环境整治",
            "开展农村人居环境整治",
            ("市农业农村局",),
            ("市生态环境局", "市住房和城乡建设局"),
            ("年底前",),
        ),
        (
            "全部任务",
            "治理城市黑臭水体5条",
            "治理城市黑臭水体5条",
            ("市生态环境局",),
            ("市水利局", "市城管局"),
            ("6月底前",),
        ),
        (
            "全部任务",
            "建设美丽乡村示范村10个",
            "建设美丽乡村示范村10个",
            ("市农业农村局",),
            ("各镇、街道",),
            ("年底前",),
        ),
        ("全部任务", "推进高新区扩区", "推进高新区扩区", ("市发展和改革委员会",), ("高新区管委会",), ("三季度",)),
    ],
    ("完成时限",),
)


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_unit_name_broken_over_two_lines_of_a_cell_is_one_unit(tmp_path, kind):
    departments = Departments(groups={"各镇、街道": ["甲镇", "乙街道"]})
    imported = read_source(BUILDERS[kind](tmp_path / f"附件.{kind}", BROKEN_NAMES), departments)
    assert summary(imported.table) == BROKEN_NAMES.expected
    assert [r.name for r in imported.table.recipients(departments)] == [
        "市农业农村局",
        "市生态环境局",
        "市住房和城乡建设局",
        "市水利局",
        "市城管局",
        "甲镇",
        "乙街道",
        "市发展和改革委员会",
        "高新区管委会",
    ]
    first = 2 if kind == "docx" else 3  # the workbook has its title in row 1
    assert imported.joins == [
        (first, "市农业", "农村局", "市农业农村局"),
        (first, "市生态", "环境局", "市生态环境局"),
        (first + 1, "市生态", "环境局", "市生态环境局"),
        (first + 3, "市发展和改革", "委员会", "市发展和改革委员会"),
        (first + 3, "高新区", "管委会", "高新区管委会"),
    ]


def test_check_shows_every_join_made(tmp_path):
    from dutytable.cli_import import describe_import

    departments = Departments(groups={"各镇、街道": ["甲镇", "乙街道"]})
    lines = describe_import(read_source(build_docx(tmp_path / "附件.docx", BROKEN_NAMES), departments), departments)
    assert lines[8:14] == [
        "合并换行：市农业 + 农村局 → 市农业农村局（第2行）",
        "合并换行：市生态 + 环境局 → 市生态环境局（第2行）",
        "合并换行：市生态 + 环境局 → 市生态环境局（第3行）",
        "合并换行：市发展和改革 + 委员会 → 市发展和改革委员会（第5行）",
        "合并换行：高新区 + 管委会 → 高新区管委会（第5行）",
        (
            "表中的单位（8 个）：“市农业农村局”“市生态环境局”“市住房和城乡建设局”“市水利局”“市城管局”"
            "“各镇、街道”（集体，展开为 2 个单位）“市发展和改革委员会”“高新区管委会”。"
        ),
    ]


@pytest.mark.parametrize(
    "lines, text, joins",
    [
        (["质监分局", "药监分局"], "质监分局、药监分局", []),  # the seed: one unit a line
        (["经发局、园区办、", "各镇、街道"], "经发局、园区办、各镇、街道", []),
        (["各镇", "街道"], "各镇、街道", []),
        (["各镇人民政府、街道", "办事处"], "各镇人民政府、街道办事处", [("街道", "办事处", "街道办事处")]),
        (
            ["市生态", "环境局（牵头）", "市财政局"],
            "市生态环境局（牵头）、市财政局",
            [("市生态", "环境局", "市生态环境局")],
        ),
        (["区发展改革局", "（区粮食局）"], "区发展改革局（区粮食局）", []),
        (["张三", "李四"], "张三、李四", []),  # neither alone nor together a unit: left apart
        (["区城投", "区财政局"], "区城投、区财政局", []),  # the next line begins and ends as a unit does
        (["区人大", "区政协"], "区人大、区政协", []),
        (["市农业\n农村局", "", "区妇联"], "市农业农村局、区妇联", [("市农业", "农村局", "市农业农村局")]),
    ],
)
def test_join_lines(lines, text, joins):
    assert Departments().join_lines(lines) == (text, joins)


def test_a_known_alias_makes_a_unit_by_itself():
    departments = Departments(aliases={"发改": "区发改局"})
    assert departments.join_lines(["发改", "财政局"]) == ("发改、财政局", [])
    assert Departments().join_lines(["发改", "财政局"]) == ("发改财政局", [("发改", "财政局", "发改财政局")])


# --- 2. one unit alone in a 责任单位 cell is the lead -----------------------------------------


def test_one_unit_alone_in_the_responsibility_column_is_its_lead_and_only_lists_ask(tmp_path):
    rows = [
        ["序号", "工作任务", "责任单位"],
        ["1", "建成5G基站200个", "区工信局"],
        ["2", "实施河道整治3条", "区水利局、区生态环境局"],
        ["3", "新建幼儿园3所", "区教育局（牵头）、区住建局"],
        ["4", "新增城镇就业5000人", "区人社局\n区财政局"],
    ]
    path = build_docx(tmp_path / "附件.docx", Shape("x", [rows], []))
    with pytest.raises(TableError) as info:
        import_source(path, Departments())
    assert info.value.lines() == [
        (
            "附件.docx 表格第3、5行：责任单位中没有标明牵头单位。请在牵头单位名称后加“（牵头）”，"
            "或者在 config.ini 的 [import] 中写“first_listed_lead = 是”（列第一位的为牵头单位）。"
        )
    ]
    rows[2][2], rows[4][2] = "区水利局", "区人社局"
    table = import_source(build_docx(tmp_path / "附件2.docx", Shape("x", [rows], [])), Departments())
    assert [(t.leads, t.partners) for t in table.tasks] == [
        (("区工信局",), ()),
        (("区水利局",), ()),
        (("区教育局",), ("区住建局",)),
        (("区人社局",), ()),
    ]


# --- 5. a source column the form already has is kept under a distinct name -----------------

STATUS_COLUMN = Shape(
    "status_column",
    [
        [
            ["序号", "重点任务", "牵头单位", "配合单位", "完成情况", "推进情况", "完成时限"],
            ["1", "新增规上工业企业15家", "区工信局", "区统计局", "已完成", "去年已新增16家", "年底前"],
            ["2", "完成背街小巷整治50条", "区城管局", "", "未完成", "去年整治41条", "年底前"],
        ]
    ],
    [],
)


def test_a_source_column_meaning_what_the_form_asks_is_kept_as_the_tables_own(tmp_path, workdir):
    import openpyxl
    from dutytable import pipeline
    from dutytable.cli_import import describe_import
    from dutytable.collect import Collector
    from dutytable.config import load_config
    from dutytable.consolidate import consolidate
    from dutytable.distribute import generate
    from dutytable.forms import DATE_LABEL, FILLER_LABEL, PHONE_LABEL, form_cells
    from dutytable.master import write_table
    from dutytable.model import Period
    from dutytable.screen import summary_lines

    config = load_config(workdir / "config.ini")
    imported = read_source(build_docx(tmp_path / "附件.docx", STATUS_COLUMN), config.departments)
    lines = describe_import(imported, config.departments)
    assert lines[1] == (
        "各列：序号 → 序号；重点任务 → 工作内容、工作目标；牵头单位 → 牵头部门；配合单位 → 配合部门；"
        "完成情况 → 其他列（与填报表的列同名或同义，保留为“原表完成情况”）；"
        "推进情况 → 其他列（与填报表的列同名或同义，保留为“原表推进情况”）；完成时限 → 其他列（保留）。"
    )
    assert lines[-1] == "其他列：原表完成情况、原表推进情况、完成时限。"
    assert imported.table.task("T0101").extras == (
        ("原表完成情况", "已完成"),
        ("原表推进情况", "去年已新增16家"),
        ("完成时限", "年底前"),
    )
    write_table(imported.table, config.table, ())
    table = pipeline.load(config)
    assert table.extra_columns == ("原表完成情况", "原表推进情况", "完成时限")
    period = Period(2010, 11)
    forms = dict(generate(table, config, period).files)
    ws = openpyxl.load_workbook(forms["区城管局"])["填报表"]
    letters, inputs, first = form_cells(table.schema)
    assert [c.value for c in ws[first - 1]] == form_head("原表完成情况", "原表推进情况", "完成时限")
    wb = openpyxl.load_workbook(forms["区城管局"])
    ws = wb["填报表"]
    ws[inputs[FILLER_LABEL]], ws[inputs[PHONE_LABEL]] = "张三", "0519-85000000"
    ws[inputs[DATE_LABEL]] = dt.datetime(2010, 11, 20)
    ws[f"{letters['status']}{first}"] = "正常推进"
    ws[f"{letters['progress']}{first}"] = "本月整治8条。"
    wb["指标填报"][f"{IND_VALUE}2"] = 8
    config.inbox.mkdir(parents=True, exist_ok=True)
    wb.save(config.inbox / "区城管局.xlsx")
    result = Collector(config, table, settle_seconds=0, now=lambda: dt.datetime(2010, 11, 25, 9)).run(period)
    assert [e.problems for e in result.processed] == [[]]
    assert summary_lines(result)[0] == "收到 1 份：有效 1，待补正 0，退回 0，重复 0"
    path, summary, _ = consolidate(config, table, period)
    assert [(t.task.task_id, t.status, t.progress) for t in summary.tasks] == [
        ("T0101", "未报送", ""),
        ("T0102", "正常推进", "区城管局：本月整治8条。"),
    ]
    sheet = openpyxl.load_workbook(path)["汇总"]
    header = [c.value for c in sheet[2]]
    assert header.count("完成状态") == 1 and "原表完成情况" in header
    assert sheet.cell(4, header.index("完成状态") + 1).value == "正常推进"
    assert sheet.cell(4, header.index("原表完成情况") + 1).value == "未完成"


def test_a_master_table_with_a_column_the_form_has_reads_it_as_the_tables_own(tmp_path, shipped_config):
    import openpyxl
    from dutytable.master import load_table

    path = tmp_path / "主表.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "责任分解表"
    ws.append(["任务编号", "序号", "类别", "工作内容", "工作目标", "牵头部门", "配合部门", "完成状态", "备注"])
    ws.append(["T0101", 1, "产业发展", "培育规上企业", "培育规上企业10家", "区工信局", "", "已完成", "续建"])
    wb.save(path)
    table = load_table(path, shipped_config.departments)
    assert table.extra_columns == ("原表完成状态", "备注")
    assert table.task("T0101").extras == (("原表完成状态", "已完成"), ("备注", "续建"))


# --- 4. people in 责任领导 / 分管领导 / 责任人 / 联系人 columns are never units --------------------


def test_person_columns_are_kept_as_columns_never_read_as_units(tmp_path):
    rows = [
        ["序号", "重点任务", "责任领导", "分管领导", "责任单位", LEFT, LEFT, "主要责任人", "联系人"],
        [UP, UP, UP, UP, "牵头单位", "责任人", "配合单位", UP, UP],
        ["1", "新增规上工业企业15家", "王区长", "李副区长", "区工信局", "张局长", "区统计局", "赵科长", "钱科员"],
        ["2", "完成背街小巷整治50条", "王区长", "孙副区长", "区城管局", "周局长", "", "吴科长", "郑科员"],
    ]
    departments = Departments()
    imported = read_source(build_docx(tmp_path / "附件.docx", Shape("x", [rows], [])), departments)
    table = imported.table
    assert [(t.leads, t.partners) for t in table.tasks] == [(("区工信局",), ("区统计局",)), (("区城管局",), ())]
    assert table.extra_columns == ("责任领导", "分管领导", "责任人", "主要责任人", "联系人")
    assert table.task("T0101").extras == (
        ("责任领导", "王区长"),
        ("分管领导", "李副区长"),
        ("责任人", "张局长"),
        ("主要责任人", "赵科长"),
        ("联系人", "钱科员"),
    )
    assert [r.name for r in table.recipients(departments)] == ["区工信局", "区统计局", "区城管局"]


# --- 3. collective names are marked 集体, with the line of config.ini that expands them ------


def test_collective_names_are_marked_and_check_gives_the_line_to_add(tmp_path):
    from dutytable.cli_import import describe_units
    from dutytable.pipeline import report_collectives

    rows = [
        ["序号", "重点任务", "牵头单位", "配合单位"],
        ["1", "深化放管服改革", "市政务服务中心", "市政府各部门"],
        ["2", "推进河长制", "市水利局", "区直各部门、各相关单位"],
        ["3", "打击非法集资", "市金融办", "市处非联席会议成员单位、各县区政府、各乡镇（街道）"],
    ]
    departments = Departments()
    table = import_source(build_docx(tmp_path / "附件.docx", Shape("x", [rows], [])), departments)
    collectives = ["市政府各部门", "区直各部门", "各相关单位", "市处非联席会议成员单位", "各县区政府", "各乡镇（街道）"]
    assert [t.partners for t in table.tasks] == [
        tuple(collectives[:1]),
        tuple(collectives[1:3]),
        tuple(collectives[3:]),
    ]
    assert describe_units(table, departments) == (
        "表中的单位（9 个）：“市政务服务中心”“市政府各部门”（集体，不发填报表）“市水利局”“区直各部门”（集体，不发填报表）"
        "“各相关单位”（集体，不发填报表）“市金融办”“市处非联席会议成员单位”（集体，不发填报表）"
        "“各县区政府”（集体，不发填报表）“各乡镇（街道）”（集体，不发填报表）。"
    )
    said = []
    assert report_collectives(table, departments, said.append) == collectives
    assert said[0] == (
        "提示：“市政府各部门”是集体名称，不发填报表；如需发给其中每个单位，"
        "请在 config.ini 的 [groups] 中列出，例如“市政府各部门 = 单位甲、单位乙”。"
    )
    assert len(said) == 6
    assert [r.name for r in table.recipients(departments)] == ["市政务服务中心", "市水利局", "市金融办"]
    expanded = Departments(groups={"市政府各部门": ["市发改委", "市财政局"]})
    assert [r.name for r in table.recipients(expanded)][:3] == ["市政务服务中心", "市发改委", "市财政局"]


def test_the_import_itself_says_every_join_made(tmp_path, workdir):
    from conftest import run_script

    out = workdir / "新主表.xlsx"
    result = run_script(
        "import_table.py",
        build_docx(tmp_path / "附件.docx", BROKEN_NAMES),
        "--output",
        out,
        "--config",
        workdir / "config.ini",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:6] == [
        f"已导入 4 项工作内容（1 个类别），共 16 个填报单位，写入 {out}。",
        "合并换行：市农业 + 农村局 → 市农业农村局（第2行）",
        "合并换行：市生态 + 环境局 → 市生态环境局（第2行）",
        "合并换行：市生态 + 环境局 → 市生态环境局（第3行）",
        "合并换行：市发展和改革 + 委员会 → 市发展和改革委员会（第5行）",
        "合并换行：高新区 + 管委会 → 高新区管委会（第5行）",
    ]


def test_a_category_row_right_under_a_merged_header_cell_is_a_category_not_a_second_header(tmp_path):
    rows = [
        ["序号", "工作内容", LEFT, "牵头单位", "配合单位"],
        ["", "产业发展", "", "", ""],
        ["1", UP, "培育规上企业10家", "区工信局", "区统计局"],
    ]
    table = import_source(build_docx(tmp_path / "附件.docx", Shape("x", [rows], [])), Departments())
    assert summary(table) == [("产业发展", "培育规上企业10家", "培育规上企业10家", ("区工信局",), ("区统计局",), ())]
