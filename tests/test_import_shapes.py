"""Issue 13: responsibility tables in the shapes real offices publish import to exactly their tasks.

Every shape of tests/shapes.py is built as a real .docx (gridSpan and vMerge merges, several
paragraphs per cell) and as an .xlsx pasted from Word (merged title row, line breaks in cells,
stray and full-width spaces in the header), and with LibreOffice as a .doc.
"""

import datetime as dt
import shutil

import openpyxl
import pytest
from conftest import ROOT, SEED, SEED_TABLE, needs_libreoffice, run_script
from dutytable import convert
from dutytable.config import load_config, write_values
from dutytable.deadlines import deadline_column, parse_deadline
from dutytable.departments import Departments
from dutytable.distribute import generate
from dutytable.errors import ConfigError, InputError, TableError
from dutytable.formread import read_form
from dutytable.headers import LEADS, ImportOptions
from dutytable.importer import import_source, read_source
from dutytable.master import load_table, write_table
from dutytable.model import ROLE_LEAD, ROLE_PARTNER
from dutytable.rows import short_item
from dutytable.vocab import Period
from dutytable.workbooks import open_workbook
from heads import form_head
from shapes import LEFT, SHAPES, SHAPES_BY_NAME, TOWNS, UP, Shape, build_docx, build_xlsx, summary

GROUPS = {TOWNS: ["甲镇", "乙街道"]}
BUILDERS = {"docx": build_docx, "xlsx": build_xlsx}


@pytest.fixture
def departments():
    return Departments(groups=GROUPS)


def _build(tmp_path, shape, kind):
    return BUILDERS[kind](tmp_path / f"附件.{kind}", shape)


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_each_shape_imports_to_exactly_its_tasks(tmp_path, departments, shape, kind):
    table = import_source(_build(tmp_path, shape, kind), departments)
    assert summary(table) == shape.expected
    assert table.extra_columns == shape.extra_columns
    assert tuple(t.task_id for t in table.tasks if t.key) == shape.keys
    assert [t.extras for t in table.tasks] == [tuple(zip(shape.extra_columns, e[5])) for e in shape.expected]


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_an_extra_column_never_becomes_a_task_text_or_a_unit(tmp_path, departments, shape):
    table = import_source(_build(tmp_path, shape, "docx"), departments)
    for task in table.tasks:
        words = [task.item, task.target, task.leads_text, task.partners_text, *task.leads, *task.partners]
        for header, value in task.extras:
            assert header not in task.target and header not in task.leads + task.partners
            if value:
                assert not any(value in w for w in words), (header, value)


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_each_unit_gets_exactly_its_tasks_and_roles(tmp_path, departments, shape):
    table = import_source(_build(tmp_path, shape, "xlsx"), departments)
    expected = {}
    for task, (_, _, _, leads, partners, _) in zip(table.tasks, shape.expected):
        for role, names in ((ROLE_LEAD, leads), (ROLE_PARTNER, partners)):
            for name in names:
                # a collective no group expands gets no form
                for member in GROUPS.get(name, [] if departments.is_unexpanded_collective(name) else [name]):
                    expected.setdefault(member, []).append((task.task_id, role))
    got = {r.name: [(a.task.task_id, a.role) for a in r.assignments] for r in table.recipients(departments)}
    assert got == expected


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_generate_gives_each_unit_its_tasks_and_roles_with_the_extra_columns_shown(tmp_path, workdir, shape):
    config = load_config(workdir / "config.ini")
    table = import_source(_build(tmp_path, shape, "docx"), config.departments)
    forms = dict(generate(table, config, Period(2021, 11)).files)
    recipients = table.recipients(config.departments)
    assert sorted(forms) == sorted(r.name for r in recipients)
    extras = list(shape.extra_columns)
    for rec in recipients:
        _, sheets = open_workbook(forms[rec.name])
        form = read_form(sheets, forms[rec.name].name, table.schema)
        header = [h for h, _ in sorted(form.columns.items(), key=lambda kv: kv[1])]
        assert header == form_head(*extras), rec.name
        assert [(r["任务编号"], r["职责"]) for r in form.rows] == [(a.task.task_id, a.role) for a in rec.assignments]
        for row, a in zip(form.rows, rec.assignments):
            assert [row[h] for h in extras] == [v for _, v in a.task.extras], (rec.name, a.task.task_id)
            assert row["工作目标"] == a.task.target and row["工作内容"] == a.task.item


def test_recipients_of_the_band_row_shape_spelled_out(tmp_path, departments):
    table = import_source(_build(tmp_path, SHAPES_BY_NAME["spaced_header_band_rows_star"], "docx"), departments)
    got = {r.name: [(a.task.task_id, a.role) for a in r.assignments] for r in table.recipients(departments)}
    assert got == {
        "区发改局": [("T0101", "牵头"), ("T0102", "牵头")],
        "区统计局": [("T0101", "配合")],
        "区财政局": [("T0101", "配合"), ("T0201", "配合")],
        "区住建局": [("T0102", "牵头")],
        "甲镇": [("T0102", "配合"), ("T0201", "配合")],
        "乙街道": [("T0102", "配合"), ("T0201", "配合")],
        "区人社局": [("T0201", "牵头")],
    }
    assert table.task("T0101").extras == (("责任人", "张三"),)
    assert table.categories == ["经济发展工作目标", "社会民生工作目标"]


def test_the_master_table_keeps_extra_columns_and_key_marks(tmp_path, departments):
    shape = SHAPES_BY_NAME["three_levels_leader_deadline_remarks"]
    table = import_source(_build(tmp_path, shape, "docx"), departments)
    out = tmp_path / "主表.xlsx"
    write_table(table, out)
    ws = openpyxl.load_workbook(out)["责任分解表"]
    assert [c.value for c in ws[1]] == [
        "任务编号",
        "序号",
        "类别",
        "工作内容",
        "工作目标",
        "牵头部门",
        "配合部门",
        "牵头负责领导",
        "完成时限",
        "备注",
        "重点",
    ]
    assert [c.value for c in ws[3]] == [
        "T0102",
        1,
        "壮大实体经济",
        "招引亿元以上项目30个",
        "招引亿元以上项目30个",
        "区投促局",
        "区发改局、区工信局",
        "李副区长",
        "全年",
        "每季度通报",
        "★",
    ]
    again = load_table(out, departments)
    assert summary(again) == shape.expected
    assert again.extra_columns == ("牵头负责领导", "完成时限", "备注")
    assert [t.key for t in again.tasks] == [False, True, False]
    assert [t.extras for t in again.tasks] == [t.extras for t in table.tasks]


def test_the_seed_master_table_gains_no_columns(tmp_path, shipped_config):
    out = tmp_path / "主表.xlsx"
    write_table(import_source(SEED, shipped_config.departments), out)
    again = load_table(out, shipped_config.departments)
    assert again.extra_columns == () and all(t.extras == () and not t.key for t in again.tasks)


# --- old formats through LibreOffice ------------------------------------------------------


def _to_doc(tmp_path, shape, suffix=".doc"):
    made = convert.convert(build_docx(tmp_path / "原件.docx", shape), "doc", tmp_path)
    return made.rename(tmp_path / f"附件{suffix}")


@needs_libreoffice
@pytest.mark.parametrize("name", ["spaced_header_band_rows_star", "two_row_header", "merged_category_column_lead_last"])
def test_a_doc_converted_by_libreoffice_imports_the_same(tmp_path, departments, name):
    shape = SHAPES_BY_NAME[name]
    table = import_source(_to_doc(tmp_path, shape), departments)
    assert summary(table) == shape.expected
    assert table.extra_columns == shape.extra_columns


@needs_libreoffice
def test_a_wps_file_imports_like_a_doc(tmp_path, departments):
    shape = SHAPES_BY_NAME["one_column_lead_marked"]
    assert summary(import_source(_to_doc(tmp_path, shape, ".wps"), departments)) == shape.expected


@needs_libreoffice
def test_an_xls_saved_by_libreoffice_imports_the_same(tmp_path, departments):
    shape = SHAPES_BY_NAME["chinese_numeral_category_rows_two_leads"]
    made = convert.convert(build_xlsx(tmp_path / "原件.xlsx", shape), "xls", tmp_path)
    assert summary(import_source(made.rename(tmp_path / "附件.xls"), departments)) == shape.expected


def test_a_doc_without_libreoffice_says_to_save_as_docx(tmp_path, departments):
    path = tmp_path / "附件.doc"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + "WordDocument".encode("utf-16-le") + b"\x00" * 64)
    with pytest.raises(InputError) as info:
        import_source(path, departments, ImportOptions(soffice=""))
    assert str(info.value) == (
        "附件.doc：是 .doc 格式，本机没有安装 LibreOffice，无法直接读取。"
        "请用 Word 或 WPS 打开它，“另存为” .docx 格式后再导入。"
    )
    assert info.value.exit_code == 3


def test_a_pdf_is_refused_asking_for_the_word_file(tmp_path, departments):
    (tmp_path / "附件.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    with pytest.raises(InputError) as info:
        import_source(tmp_path / "附件.pdf", departments)
    assert (
        str(info.value)
        == "附件.pdf：是 PDF 文件，无法读取其中的表格。请向发文单位索取 Word 原文件（.docx 或 .doc）后再导入。"
    )


# --- refusals: one line naming what was found and what is accepted ------------------------

LEAD_WORDS = (
    "牵头部门、牵头单位、牵头责任单位、牵头责任部门、牵头处室、主要责任单位、主要责任部门、牵头、主办单位、"
    "主责单位、主责部门、责任牵头单位"
)
TEXT_WORDS = (
    "工作内容、工作目标、目标任务、目标与任务、重点工作任务、工作任务、任务内容、事项、工作事项、主要任务、重点任务、"
    "具体任务、任务、工作要点、重点工作、主要工作、内容、工作目标任务、任务名称、具体工作、工作措施、主要内容、"
    "重点事项、具体措施、主要措施、措施、督查内容、督查事项、项目名称、项目内容、建设内容"
)


def test_no_lead_column_is_one_line_listing_the_header_and_the_accepted_words(tmp_path, departments):
    shape = Shape(
        "x",
        [
            [
                ["序号", "重点工作任务", "负责科室", "备注"],
                ["1", "开展信用体系建设", "区发改局", ""],
                ["2", "开展诚信宣传", "区发改局", ""],
            ]
        ],
        [],
    )
    with pytest.raises(InputError) as info:
        import_source(build_docx(tmp_path / "附件.docx", shape), departments)
    assert info.value.lines() == [
        (
            f"附件.docx 表格：表头有：序号、重点工作任务、负责科室、备注；没有找到牵头单位列。"
            f"牵头单位列可以写作：{LEAD_WORDS}；也可以在 config.ini 的 [columns] 中添加。"
        )
    ]


def test_a_header_word_added_in_config_is_accepted(tmp_path, departments):
    shape = Shape("x", [[["序号", "重点工作任务", "负责科室"], ["1", "开展信用体系建设", "区发改局"]]], [])
    options = ImportOptions(columns={"牵头单位": ("负责科室",)})
    table = import_source(build_docx(tmp_path / "附件.docx", shape), departments, options)
    assert summary(table) == [("全部任务", "开展信用体系建设", "开展信用体系建设", ("区发改局",), (), ())]


def test_no_task_column_is_one_line(tmp_path, departments):
    shape = Shape("x", [[["序号", "工作举措", "牵头单位"], ["1", "开展信用体系建设", "区发改局"]]], [])
    with pytest.raises(InputError) as info:
        import_source(build_xlsx(tmp_path / "附件.xlsx", shape, messy=False), departments)
    assert info.value.lines() == [
        (
            f"附件.xlsx 工作表“Sheet1”：表头有：序号、工作举措、牵头单位；没有找到任务内容列。"
            f"任务内容列可以写作：{TEXT_WORDS}；也可以在 config.ini 的 [columns] 中添加。"
        )
    ]


def test_one_responsibility_column_without_marks_is_one_line_for_all_rows(tmp_path, departments):
    shape = Shape("x", SHAPES_BY_NAME["one_column_first_listed_by_note"].tables, [])
    path = build_docx(tmp_path / "附件.docx", shape)
    with pytest.raises(TableError) as info:
        import_source(path, departments)
    assert info.value.lines() == [
        (
            "附件.docx 表格第2、3行：责任单位中没有标明牵头单位。请在牵头单位名称后加“（牵头）”，"
            "或者在 config.ini 的 [import] 中写“first_listed_lead = 是”（列第一位的为牵头单位）。"
        )
    ]
    table = import_source(path, departments, ImportOptions(first_listed_lead=True))
    assert summary(table) == SHAPES_BY_NAME["one_column_first_listed_by_note"].expected


def test_chinese_numeral_category_rows_are_not_errors_and_missing_leads_are_one_line(tmp_path, departments):
    rows = [
        ["序号", "重点工作任务", "主要责任单位", "协同配合单位"],
        ["一、", "优化营商环境", "", ""],
        ["1", "开展信用体系建设", "", "区人民银行"],
        ["2", "开展诚信宣传", "", "区文明办"],
        ["3", "压缩开办时间", "区政务服务中心", ""],
    ]
    with pytest.raises(TableError) as info:
        import_source(build_docx(tmp_path / "附件.docx", Shape("x", [rows], [])), departments)
    assert info.value.lines() == ["附件.docx 表格第3、4行：没有牵头单位，请至少填写一个牵头单位。"]


def test_several_candidate_tables_ask_which_one(tmp_path, departments):
    two = Shape(
        "x", [SHAPES_BY_NAME["two_row_header"].tables[0], SHAPES_BY_NAME["one_column_lead_marked"].tables[0]], []
    )
    path = build_docx(tmp_path / "两表.docx", two)
    with pytest.raises(InputError) as info:
        import_source(path, departments)
    assert info.value.lines() == [
        (
            "两表.docx 中有 2 个像责任分解表的表格：两表.docx 第1个表格"
            "（序号、工作任务、牵头单位、配合单位、完成时限）；两表.docx 第2个表格"
            "（序号、工作任务、责任单位、完成时限）。请加 --table 序号 指定导入第几个表格，例如 --table 1。"
        )
    ]
    second = import_source(path, departments, ImportOptions(table_number=2))
    assert summary(second) == SHAPES_BY_NAME["one_column_lead_marked"].expected
    with pytest.raises(InputError) as info:
        import_source(path, departments, ImportOptions(table_number=3))
    assert str(info.value) == "两表.docx 中只有 2 个表格，--table 3 无效：请写 1 到 2 之间的数字。"


# --- department lists ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("质监分局（牵头）、园区办等。", [("质监分局", True), ("园区办", False)]),
        (
            "区发改局，区司法局、各乡镇人民政府、街道办事处。",
            [("区发改局", False), ("区司法局", False), ("各乡镇人民政府、街道办事处", False)],
        ),
        ("各县、市、区政府及", [("各县、市、区政府", False)]),
        ("各县（市、区）政府；区级各有关部门", [("各县（市、区）政府", False), ("区级各有关部门", False)]),
        ("区教育局\n相关乡镇办。", [("区教育局", False), ("相关乡镇办", False)]),
        ("经发局、科技局等有关部门", [("经发局", False), ("科技局", False)]),
        ("区水利局(牵头单位),区环保局（配合）", [("区水利局", True), ("区环保局", False)]),
        ("各镇、街道", [("各镇、街道", False)]),
    ],
)
def test_department_tokens_drop_trailing_words_and_read_marks(text, tokens):
    assert Departments().tokens(text) == tokens


def test_collectives_without_a_group_are_marked_and_get_no_form(tmp_path):
    departments = Departments()
    table = import_source(_build(tmp_path, SHAPES_BY_NAME["no_category_county_collectives"], "docx"), departments)
    assert [r.name for r in table.recipients(departments)] == ["市农业农村局", "市财政局", "市水利局"]
    assert table.collectives(departments) == ["各县（市）区政府", "各县、市、区政府"]


# --- deadlines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, date",
    [
        ("6月底前", dt.date(2021, 6, 30)),
        ("6月底", dt.date(2021, 6, 30)),
        ("6月", dt.date(2021, 6, 30)),
        ("2月底前", dt.date(2021, 2, 28)),
        ("六月底前", dt.date(2021, 6, 30)),
        ("十一月底", dt.date(2021, 11, 30)),
        ("年底前", dt.date(2021, 12, 31)),
        ("全年", dt.date(2021, 12, 31)),
        ("2022年底前", dt.date(2022, 12, 31)),
        ("2021年6月30日", dt.date(2021, 6, 30)),
        ("2021年12月底前", dt.date(2021, 12, 31)),
        ("2021.6", dt.date(2021, 6, 30)),
        ("2021.6.15", dt.date(2021, 6, 15)),
        ("2021-09", dt.date(2021, 9, 30)),
        ("１０月１５日前", dt.date(2021, 10, 15)),
        ("6月底前完成方案，10月底前完成建设", dt.date(2021, 10, 31)),
        ("上半年", dt.date(2021, 6, 30)),
        ("三季度", dt.date(2021, 9, 30)),
        ("长期", None),
        ("长期坚持", None),
        ("持续推进", None),
        ("", None),
        ("按上级要求", None),
    ],
)
def test_parse_deadline(text, date):
    assert parse_deadline(text, 2021) == date


@pytest.mark.parametrize(
    "name, column",
    [
        ("one_column_lead_marked", "完成时限"),
        ("lead_and_partners_inline", "完成时间"),
        ("three_levels_leader_deadline_remarks", "完成时限"),
        ("spaced_header_band_rows_star", None),
    ],
)
def test_deadline_column(tmp_path, departments, name, column):
    assert deadline_column(import_source(_build(tmp_path, SHAPES_BY_NAME[name], "docx"), departments)) == column


@pytest.mark.parametrize(
    "text, item",
    [
        ("推进工业技改投资，完成投资50亿元", "推进工业技改投资"),
        ("地区生产总值增长8%。", "地区生产总值增长8%"),
        ("围绕全区产业转型升级和高质量发展目标持续深化改革", "围绕全区产业转型升级和高质量发展目标…"),
        ("建设", "建设"),
    ],
)
def test_short_item(text, item):
    assert short_item(text) == item


# --- the command: --check, units printed, config ------------------------------------------


def test_check_prints_what_would_be_imported_and_writes_nothing(workdir, tmp_path):
    source = build_docx(tmp_path / "附件.docx", SHAPES_BY_NAME["three_levels_leader_deadline_remarks"])
    before = (workdir / "templates" / "责任分解表.xlsx").read_bytes()
    result = run_script("import_table.py", source, "--check", "--config", workdir / "config.ini")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "检查 附件.docx 表格（只检查，没有写入任何文件）：",
        (
            "各列：序号 → 序号；工作任务 → 工作内容、工作目标；牵头负责领导 → 其他列（保留）；牵头责任单位 → 牵头部门；"
            "协同责任单位 → 配合部门；完成时限 → 其他列（保留）；备注 → 其他列（保留）。"
        ),
        "类别（2 个）：壮大实体经济；提升城市品质。",
        "工作内容（3 项）：",
        "  T0101 新增规上工业企业15家：牵头 区工信局；配合 各镇、街道；牵头负责领导 王副区长；完成时限 年底前",
        (
            "  T0102★ 招引亿元以上项目30个：牵头 区投促局；配合 区发改局、区工信局；牵头负责领导 李副区长；"
            "完成时限 全年；备注 每季度通报"
        ),
        "  T0201 完成背街小巷整治50条：牵头 区城管局；配合 各镇、街道；牵头负责领导 张副区长；完成时限 长期坚持",
        "表中的单位（5 个）：“区工信局”“各镇、街道”（集体，展开为 9 个单位）“区投促局”“区发改局”“区城管局”。",
        "其他列：牵头负责领导、完成时限、备注。",
        "年度：2021（读自标题），导入时将写入 config.ini。",
        "工作名称：区重点工作（读自标题），导入时将写入 config.ini；汇总表的标题将是“2021年区重点工作目标任务推进情况汇总表”。",
        (
            "发文单位：原来的“区质量振兴工作领导小组办公室”属于原来的工作，导入时将从 config.ini 中清空，请在 config.ini 的"
            " [report] 中填写 office = 牵头协调（发文）单位（例如 XX区优化营商环境工作领导小组办公室）。"
        ),
    ]
    assert (workdir / "templates" / "责任分解表.xlsx").read_bytes() == before
    assert list((workdir / "templates").glob("*备份*")) == []


def test_import_prints_units_and_kept_columns(workdir, tmp_path):
    source = build_docx(tmp_path / "附件.docx", SHAPES_BY_NAME["spaced_header_band_rows_star"])
    out = workdir / "新主表.xlsx"
    result = run_script("import_table.py", source, "--output", out, "--config", workdir / "config.ini")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"已导入 3 项工作内容（2 个类别），共 5 个填报单位，写入 {out}。",
        "表中的单位（6 个）：“区发改局”“区统计局”“区财政局”“区住建局”“各乡镇（街道）”（集体，不发填报表）“区人社局”。",
        "保留了表格中的其他列：责任人。",
        (
            "提示：“各乡镇（街道）”是集体名称，不发填报表；如需发给其中每个单位，"
            "请在 config.ini 的 [groups] 中列出，例如“各乡镇（街道） = 单位甲、单位乙”。"
        ),
    ]


def test_table_option_must_be_a_positive_number(workdir):
    result = run_script("import_table.py", SEED, "--table", "0", "--config", workdir / "config.ini")
    assert result.returncode == 2
    assert result.stderr == "参数错误：--table 后面要写表格的序号（1、2、3……），“0”无效。\n"


def test_config_columns_and_first_listed_lead(tmp_path):
    ini = tmp_path / "config.ini"
    shutil.copy(ROOT / "config.ini", ini)
    text = ini.read_text(encoding="utf-8")
    ini.write_text(
        text.replace("first_listed_lead = 否", "first_listed_lead = 是").replace(
            "[columns]\n", "[columns]\n牵头单位 = 负责科室、主抓单位\n"
        ),
        encoding="utf-8",
    )
    options = load_config(ini).import_options
    assert options.first_listed_lead is True
    assert options.columns == {"牵头单位": ("负责科室", "主抓单位")}
    assert options.accepted(LEADS).endswith("、责任牵头单位、负责科室、主抓单位")


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            ("[columns]\n", "[columns]\n牵头 = 负责科室\n"),
            (
                "配置文件 {ini} 的 [columns] 中“牵头”无效：左边应写以下之一：序号、类别、任务内容、牵头单位、配合单位、责任单位、"
                "完成时限，例如“牵头单位 = 牵头科室、主抓单位”。"
            ),
        ),
        (
            ("first_listed_lead = 否", "first_listed_lead = 也许"),
            "配置文件 {ini} 的 [import] first_listed_lead = 也许 无效：请写“是”或“否”。",
        ),
    ],
)
def test_bad_import_settings_in_config(tmp_path, edit, message):
    ini = tmp_path / "config.ini"
    shutil.copy(ROOT / "config.ini", ini)
    ini.write_text(ini.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(ini)
    assert str(info.value) == message.format(ini=ini)


# --- re-import: 指标 rows of a renamed unit or a removed task are set aside -----------------


def test_reimport_after_a_unit_was_renamed_sets_stale_indicators_aside(workdir, tmp_path):
    master = workdir / "templates" / "责任分解表.xlsx"
    wb = openpyxl.load_workbook(master)
    ws = wb["指标"]
    ws.append(["T0101-R1", "T0101", "产品质量", "抽检企业数", "至少", 30, None, "家", "质监分局", "人工"])
    ws.append(["T0601-1", "T0601", "旧任务", "旧指标", "≥", 5, None, "个", "经发局", "人工"])
    wb.save(master)
    renamed = tmp_path / "分解表.txt"
    renamed.write_text(SEED.read_text(encoding="utf-8").replace("质监分局", "区市场监管局"), encoding="utf-8")
    result = run_script("import_table.py", renamed, "--force", "--config", workdir / "config.ini")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (
        "原主表“指标”工作表中有 2 项指标的任务或填报单位在新表中已不存在：T0601-1、T0101-R1，"
        "已移到新主表的“移出的指标”工作表，请核对后把需要的指标重新填入“指标”工作表。"
    ) in lines
    config = load_config(workdir / "config.ini")
    table = load_table(master, config.departments)  # what generate does first: no stale 填报单位 left
    owners = {i.owner for i in table.indicators}
    assert "质监分局" not in owners and "区市场监管局" in owners
    aside = openpyxl.load_workbook(master)["移出的指标"]
    assert [[c.value for c in row] for row in aside.iter_rows(min_row=2)] == [
        ["T0601-1", "T0601", "旧指标", "≥", "≥5个", "个", "经发局", "人工", "任务编号“T0601”在新表中已不存在"],
        [
            "T0101-R1",
            "T0101",
            "抽检企业数",
            "至少",
            "至少30家",
            "家",
            "质监分局",
            "人工",
            "填报单位“质监分局”在新表中已不存在",
        ],
    ]
    generate = run_script("generate.py", "--period", "2010-11", "--config", workdir / "config.ini")
    assert generate.returncode == 0, generate.stderr


def test_seed_still_reads_the_same_through_read_source(shipped_config):
    imported = read_source(SEED, shipped_config.departments)
    assert imported.where == "seed_2010.txt 文本"
    assert imported.columns == [
        ("序号", "序号"),
        ("工作内容", "类别、工作内容"),
        ("工作目标", "工作目标"),
        ("牵头部门（责任部门）", "牵头部门"),
        ("配合部门（单位）", "配合部门"),
    ]


def test_band_rows_spanning_the_row_in_xlsx_need_no_numbering(tmp_path, departments):
    rows = [["序号", "工作任务", "牵头单位"], ["产业发展", LEFT, LEFT], ["1", "培育规上企业10家", "区工信局"]]
    table = import_source(build_xlsx(tmp_path / "附件.xlsx", Shape("x", [rows], [])), departments)
    assert summary(table) == [("产业发展", "培育规上企业10家", "培育规上企业10家", ("区工信局",), (), ())]


# --- the seed's own layout with columns added: nothing shifts ------------------------------


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_the_seed_layout_with_a_leader_column_and_deadline_and_remarks_appended(tmp_path, shipped_config, kind):
    from builders import seed_rows
    from expected_table import EXPECTED
    from expected_table import summary as seed_summary

    rows = [
        [
            "序号",
            "工作内容",
            LEFT,
            "责任领导",
            "工作目标",
            ["牵头部门", "（责任部门）"],
            "配合部门（单位）",
            "完成时限",
            "备注",
        ]
    ]
    first_of = {}
    for n, (seq, cat, item, target, leads, partners) in enumerate(seed_rows(SEED, shipped_config.departments)):
        new = seq not in first_of
        first_of.setdefault(seq, n)
        rows.append(
            [
                seq if new else UP,
                cat if new else UP,
                item,
                "王副区长",
                target,
                leads,
                partners,
                "2010年12月底",
                "全年" if n % 2 else "长期坚持",
            ]
        )
    table = import_source(
        BUILDERS[kind](tmp_path / f"附件.{kind}", Shape("seed", [rows], [])), shipped_config.departments
    )
    assert seed_summary(table) == EXPECTED
    assert table.extra_columns == ("责任领导", "完成时限", "备注")
    assert table.task("T0101").extras == (("责任领导", "王副区长"), ("完成时限", "2010年12月底"), ("备注", "长期坚持"))
    assert table.task("T0101").target.startswith("确保不发生食品等重要产品的质量安全责任事故")
    assert all(t.target != "王副区长" and "2010年12月底" not in t.partners_text for t in table.tasks)
    assert deadline_column(table) == "完成时限"


def test_the_readme_lists_every_header_word():
    from dutytable.headers import COLUMN_WORDS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for label, words in COLUMN_WORDS.values():
        assert f"| {label} | {'、'.join(dict.fromkeys(words))} |" in readme


def test_a_short_phrase_alone_in_the_task_column_after_a_finished_sentence_is_a_category(tmp_path, departments):
    rows = [
        ["序号", "工作任务", "牵头单位", "配合单位"],
        ["", "产业发展", "", ""],
        ["1", "培育规上企业10家。", "区工信局", ""],
        ["", "城市建设", "", ""],
        ["2", "完成老旧小区改造12个，", "区住建局", "区财政局"],
        ["", "惠及居民3000户。", "", ""],
    ]
    table = import_source(build_docx(tmp_path / "附件.docx", Shape("x", [rows], [])), departments)
    assert summary(table) == [
        ("产业发展", "培育规上企业10家", "培育规上企业10家。", ("区工信局",), (), ()),
        (
            "城市建设",
            "完成老旧小区改造12个",
            "完成老旧小区改造12个，惠及居民3000户。",
            ("区住建局",),
            ("区财政局",),
            (),
        ),
    ]


def test_check_on_a_master_table_lists_its_columns(tmp_path, shipped_config):
    imported = read_source(SEED_TABLE, shipped_config.departments)
    assert imported.columns == [
        (c, c) for c in ("任务编号", "序号", "类别", "工作内容", "工作目标", "牵头部门", "配合部门")
    ]


def test_a_header_with_only_the_task_column_known_names_the_missing_lead(tmp_path, departments):
    shape = Shape("x", [[["重点工作任务", "负责科室", "备注"], ["开展信用体系建设", "区发改局", ""]]], [])
    with pytest.raises(InputError) as info:
        import_source(build_docx(tmp_path / "附件.docx", shape), departments)
    assert str(info.value) == (
        f"附件.docx 表格：表头有：重点工作任务、负责科室、备注；没有找到牵头单位列。"
        f"牵头单位列可以写作：{LEAD_WORDS}；也可以在 config.ini 的 [columns] 中添加。"
    )


def test_other_sheets_of_a_workbook_are_not_read_as_more_rows(tmp_path, departments):
    import xlsxwriter

    path = tmp_path / "附件.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("分解表")
    for r, row in enumerate([["序号", "工作任务", "牵头单位"], ["1", "培育规上企业10家", "区工信局"]]):
        ws.write_row(r, 0, row)
    wb.add_worksheet("说明").write_row(0, 0, ["请于每月5日前报送", "联系人", "电话"])
    wb.close()
    assert summary(import_source(path, departments)) == [
        ("全部任务", "培育规上企业10家", "培育规上企业10家", ("区工信局",), (), ())
    ]


def test_a_pdf_from_the_script_is_one_line_and_exit_3(workdir, tmp_path):
    (tmp_path / "附件.pdf").write_bytes(b"%PDF-1.7\n")
    result = run_script("import_table.py", tmp_path / "附件.pdf", "--config", workdir / "config.ini")
    assert result.returncode == 3
    assert (
        result.stderr
        == "附件.pdf：是 PDF 文件，无法读取其中的表格。请向发文单位索取 Word 原文件（.docx 或 .doc）后再导入。\n"
    )


def test_replacing_the_table_with_another_lists_the_set_aside_indicators_briefly(workdir, tmp_path):
    source = build_docx(tmp_path / "附件.docx", SHAPES_BY_NAME["two_row_header"])
    result = run_script("import_table.py", source, "--force", "--config", workdir / "config.ini")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[4] == (
        "原主表“指标”工作表中有 35 项指标的任务或填报单位在新表中已不存在：T0103-1、T0103-2、T0104-1、T0104-2、T0104-3等，"
        "已移到新主表的“移出的指标”工作表，请核对后把需要的指标重新填入“指标”工作表。"
    )
    master = workdir / "templates" / "责任分解表.xlsx"
    assert openpyxl.load_workbook(master)["移出的指标"].max_row == 36
    write_values(workdir / "config.ini", "report", {"office": "区政府督查室"})  # the office the import left blank
    assert run_script("generate.py", "--period", "2021-03", "--config", workdir / "config.ini").returncode == 0
