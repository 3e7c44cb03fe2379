"""Issue 23: a breakdown published as a numbered list of paragraphs, and Word's text export of any table.

The lists are real public documents, their opening items rebuilt as Word stores them (one paragraph
each, python-docx) and as Word's "另存为 纯文本" (one line per paragraph, CR LF, GB18030 as the
Chinese Windows default): 湘西自治州2020年深化“放管服”改革优化营商环境工作计划 (州政发〔2020〕5号),
桐乡市2020年政府工作报告主要工作责任分解, 广州市2006年《政府工作报告》要求重点做好的工作事项, and
湖南省2021年深化“放管服”改革优化营商环境重点任务分工方案 ("（省政务局牵头，…按职责分工负责）"). The
tables are the layouts of tests/shapes.py written out the way the seed fixture shows Word exports them.
"""

import datetime as dt
import re

import docx
import pytest
from conftest import SEED
from dutytable.cli_import import describe_import
from dutytable.deadlines import deadline_column, parse_deadline
from dutytable.departments import Departments
from dutytable.errors import InputError, TableError
from dutytable.narrative import import_source, read_source
from shapes import LEFT, SHAPES_BY_NAME, UP, build_docx, summary

XIANGXI = [
    "湘西自治州2020年深化“放管服”改革优化营商环境工作计划",
    "为巩固提升我州“放管服”改革优化营商环境工作实效，切实解决企业群众最需、最盼、最急、最难、最堵问题，"
    "结合实际，特制定本计划。",
    "一、进一步提升政务服务效能",
    "1.加大简政放权力度。坚持依法放权、宜放则放的原则，承接好省下放行政许可事项，下放一批管理审批权限。"
    "大力推进吉首市、湘西经开区两个相对集中行政许可权改革试点，实现“一枚印章管审批”。"
    "（牵头单位：州行政审批服务局；责任单位：州司法局、州委编办及州直相关单位，各县市人民政府、湘西经开区管委会，"
    "6月底完成）",
    # the stored excerpt ends inside item 2: its units and deadline below are supplied in the same form
    "2.推动政务服务导则落实。以《湘西州政务服务导则》为基准，加快县市、乡镇政务中心实体平台建设，"
    "完善村级便民服务大厅功能，优化服务窗口设置。（牵头单位：州行政审批服务局；责任单位：各县市人民政府，12月底完成）",
]
TONGXIANG = [
    "2020年政府工作报告主要工作责任分解",
    "一、于会游市长主抓重点工作",
    "1.制定出台高质量发展“1+4+8”政策体系，建立企业参与的政策决策机制，用更有含金量、更具精准性、"
    "更多获得感的政策，与企业共克时艰。",
    "责任单位：财政局、发改局、经信局、科技局、商务局、人才办、金融发展服务中心、服务业局、建设局、农业农村局、"
    "文化和广电旅游体育局、工商联（列第一位者为牵头或汇总单位，下同）",
    "2.全面落实各级“五减”系列政策，加快兑现支持企业渡过难关“22条”和鼓励工业企业复工达产“10项举措”，"
    "力争为企业减负60亿元。",
    "责任单位：发改局、经信局、财政局、金融发展服务中心、税务局、人民银行",
]
GUANGZHOU = [
    "2006年《政府工作报告》要求重点做好的工作事项",
    "一、努力构建现代产业体系，促进经济又快又好发展",
    "（一）加快建设东部、花都、南沙三大汽车产业基地。（牵头单位：市经贸委；配合单位：市发改委、国土房管局、"
    "外经贸局、规划局）",
    "（二）推进东部石化基地、南沙临港石化基地建设，抓好80万吨乙烯改扩建项目。（牵头单位：市发改委；配合单位："
    "市经贸委、国土房管局、规划局、黄埔区政府、南沙区政府）",
    "（四）加快广州空港、南沙、黄埔三大国际枢纽物流园区建设。（牵头单位：市交委；配合单位：市经贸委、外经贸局）",
]
HUNAN = [
    "湖南省2021年深化“放管服”改革优化营商环境重点任务分工方案",
    "一、纵深推进简政放权，放出活力和创造力",
    "1.按照“应放尽放、能放全放、急需先放、非必要取消”原则，继续推进跨部门、跨领域审批事项全链条整体下放和取消。"
    "2021年9月底前研究提出一批取消、下放和改变管理方式的行政权力事项。对近年来简政放权落实情况开展“回头看”，"
    "推进乡镇、园区等赋权事项落实落地，抓好问题整改。（省政务局牵头，省直相关部门及各市州人民政府按职责分工负责）",
    "2.落实国家层面规范行政许可事项清单管理的规定，编制公布省级层面设定的行政许可事项清单，对清单内行政许可事项逐项规范"
    "设定依据、实施机关、许可条件、办理程序、办理时限、申请材料、适用范围、有效期限、中介服务等要素；落实政府权责清单制度，"
    "持续完善政务服务事项清单、公共服务事项清单、行政审批中介服务事项清单等，推进审批服务事项标准化清单管理。"
    "（省政务局、省司法厅牵头，省直相关部门及各市州人民政府按职责分工负责）",
]
LISTS = {"xiangxi": XIANGXI, "tongxiang": TONGXIANG, "guangzhou": GUANGZHOU, "hunan": HUNAN}

EXPECTED = {
    "xiangxi": [
        (
            "T0101",
            "进一步提升政务服务效能",
            "加大简政放权力度",
            "加大简政放权力度。坚持依法放权、宜放则放的原则，承接好省下放行政许可事项，下放一批管理审批权限。"
            "大力推进吉首市、湘西经开区两个相对集中行政许可权改革试点，实现“一枚印章管审批”。",
            ("州行政审批服务局",),
            ("州司法局", "州委编办", "州直相关单位", "各县市人民政府", "湘西经开区管委会"),
            (("完成时限", "6月底完成"),),
        ),
        (
            "T0102",
            "进一步提升政务服务效能",
            "推动政务服务导则落实",
            "推动政务服务导则落实。以《湘西州政务服务导则》为基准，加快县市、乡镇政务中心实体平台建设，"
            "完善村级便民服务大厅功能，优化服务窗口设置。",
            ("州行政审批服务局",),
            ("各县市人民政府",),
            (("完成时限", "12月底完成"),),
        ),
    ],
    "tongxiang": [
        (
            "T0101",
            "于会游市长主抓重点工作",
            "制定出台高质量发展“1+4+8”政策体系",
            "制定出台高质量发展“1+4+8”政策体系，建立企业参与的政策决策机制，用更有含金量、更具精准性、"
            "更多获得感的政策，与企业共克时艰。",
            ("财政局",),
            (
                "发改局",
                "经信局",
                "科技局",
                "商务局",
                "人才办",
                "金融发展服务中心",
                "服务业局",
                "建设局",
                "农业农村局",
                "文化和广电旅游体育局",
                "工商联",
            ),
            (),
        ),
        (
            "T0102",
            "于会游市长主抓重点工作",
            "全面落实各级“五减”系列政策",
            "全面落实各级“五减”系列政策，加快兑现支持企业渡过难关“22条”和鼓励工业企业复工达产“10项举措”，"
            "力争为企业减负60亿元。",
            ("发改局",),
            ("经信局", "财政局", "金融发展服务中心", "税务局", "人民银行"),
            (),
        ),
    ],
    "guangzhou": [
        (
            "T0101",
            "努力构建现代产业体系，促进经济又快又好发展",
            "加快建设东部、花都、南沙三大汽车产业基地",
            "加快建设东部、花都、南沙三大汽车产业基地。",
            ("市经贸委",),
            ("市发改委", "国土房管局", "外经贸局", "规划局"),
            (),
        ),
        (
            "T0102",
            "努力构建现代产业体系，促进经济又快又好发展",
            "推进东部石化基地、南沙临港石化基地建设",
            "推进东部石化基地、南沙临港石化基地建设，抓好80万吨乙烯改扩建项目。",
            ("市发改委",),
            ("市经贸委", "国土房管局", "规划局", "黄埔区政府", "南沙区政府"),
            (),
        ),
        (
            "T0103",
            "努力构建现代产业体系，促进经济又快又好发展",
            "加快广州空港、南沙、黄埔三大国际枢纽…",
            "加快广州空港、南沙、黄埔三大国际枢纽物流园区建设。",
            ("市交委",),
            ("市经贸委", "外经贸局"),
            (),
        ),
    ],
}


EXPECTED["hunan"] = [
    (
        "T0101",
        "纵深推进简政放权，放出活力和创造力",
        "按照“应放尽放、能放全放、急需先放、…",
        HUNAN[2][2 : HUNAN[2].index("（省政务局")],
        ("省政务局",),
        ("省直相关部门", "各市州人民政府"),
        (),
    ),
    (
        "T0102",
        "纵深推进简政放权，放出活力和创造力",
        "落实国家层面规范行政许可事项清单管理…",
        HUNAN[3][2 : HUNAN[3].index("（省政务局")],
        ("省政务局", "省司法厅"),
        ("省直相关部门", "各市州人民政府"),
        (),
    ),
]


def build_list_docx(path, paragraphs):
    """The list as Word stores it: one paragraph per heading and per item, no table."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def build_list_txt(path, paragraphs, encoding="gb18030"):
    """The list as Word's 纯文本 export on Chinese Windows writes it: a line per paragraph, CR LF, GB18030."""
    path.write_bytes("".join(p + "\r\n" for p in paragraphs).encode(encoding))
    return path


def word_text_export(shape):
    """A shape's tables as Word's 纯文本 export writes them (the layout of the seed fixture): the paragraphs
    above, each followed by a blank line; a tab opening each cell, a blank line between a cell's paragraphs and
    after each row; a cell merged down a bare tab; a cell spanning columns one cell."""
    out = [p + "\n\n" for p in shape.before]
    for rows in shape.tables:
        for row in rows:
            for value in row:
                if value == LEFT:
                    continue
                paragraphs = [] if value == UP else value if isinstance(value, list) else [value]
                out.append("\t" + "\n\n".join(paragraphs) + "\n")
            out.append("\n")
        out.append("\n")
    out += [p + "\n" for p in shape.after]
    return "".join(out)


def reading(table):
    return [(t.task_id, t.category, t.item, t.target, t.leads, t.partners, t.extras) for t in table.tasks]


@pytest.fixture
def departments():
    return Departments()


# --- narrative lists --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["docx", "txt"])
@pytest.mark.parametrize("name", list(LISTS))
def test_a_numbered_list_imports_each_item_as_a_task_under_its_heading(tmp_path, departments, name, kind):
    build = build_list_docx if kind == "docx" else build_list_txt
    table = import_source(build(tmp_path / f"{name}.{kind}", LISTS[name]), departments)
    assert reading(table) == EXPECTED[name]
    # 广州's title names no table, plan or task list (表, 分解, 清单, 任务, 要点, 方案, 计划): not read as one
    assert table.title == ("" if name == "guangzhou" else LISTS[name][0])


def test_the_units_of_a_list_make_the_unit_list_and_their_roles(tmp_path, departments):
    table = import_source(build_list_docx(tmp_path / "湘西.docx", XIANGXI), departments)
    got = {r.name: [(a.task.task_id, a.role) for a in r.assignments] for r in table.recipients(departments)}
    assert got == {
        "州行政审批服务局": [("T0101", "牵头"), ("T0102", "牵头")],
        "州司法局": [("T0101", "配合")],
        "州委编办": [("T0101", "配合")],
        "湘西经开区管委会": [("T0101", "配合")],
    }
    # 州直相关单位 and 各县市人民政府 are collectives no group expands: no form
    assert table.collectives(departments) == ["州直相关单位", "各县市人民政府"]


def test_a_list_deadline_is_the_deadline_column(tmp_path, departments):
    table = import_source(build_list_txt(tmp_path / "湘西.txt", XIANGXI), departments)
    assert table.extra_columns == ("完成时限",) and deadline_column(table) == "完成时限"
    assert [parse_deadline(dict(t.extras)["完成时限"], 2020) for t in table.tasks] == [
        dt.date(2020, 6, 30),
        dt.date(2020, 12, 31),
    ]


LABELLED = [
    "2024年政府工作报告重点工作任务分工",
    "一、扩大有效投资",
    "（一）抓好重大项目",
    "1、开工建设城东污水处理厂二期工程。牵头单位：区住建局。配合单位：区发改局、区生态环境分局。完成时限：2024年6月底",
    "2、建成智慧停车场3处。牵头单位：区城管局。配合单位：区住建局。完成时限：年底前",
    "（二）优化营商环境",
    "①推行企业开办“一日办结”。责任单位：区政务服务中心、区市场监管局（列第一位者为牵头单位）",
]


def test_labelled_clauses_and_circled_numbers_read_under_the_lower_heading(tmp_path, departments):
    table = import_source(build_list_docx(tmp_path / "分工.docx", LABELLED), departments)
    assert reading(table) == [
        (
            "T0101",
            "抓好重大项目",
            "开工建设城东污水处理厂二期工程",
            "开工建设城东污水处理厂二期工程。",
            ("区住建局",),
            ("区发改局", "区生态环境分局"),
            (("完成时限", "2024年6月底"),),
        ),
        (
            "T0102",
            "抓好重大项目",
            "建成智慧停车场3处",
            "建成智慧停车场3处。",
            ("区城管局",),
            ("区住建局",),
            (("完成时限", "年底前"),),
        ),
        (
            "T0201",
            "优化营商环境",
            "推行企业开办“一日办结”",
            "推行企业开办“一日办结”。",
            ("区政务服务中心",),
            ("区市场监管局",),
            (("完成时限", ""),),
        ),
    ]


def test_a_list_beside_a_contact_table_is_read_as_the_list(tmp_path, departments):
    path = build_list_docx(tmp_path / "广州.docx", GUANGZHOU)
    document = docx.Document(str(path))
    contact = document.add_table(rows=2, cols=2)
    for r, row in enumerate((("联系人", "电话"), ("刘科长", "12345678"))):
        for c, text in enumerate(row):
            contact.cell(r, c).text = text
    document.save(str(path))
    assert reading(import_source(path, departments)) == EXPECTED["guangzhou"]


def test_check_shows_how_a_list_was_read(tmp_path, departments):
    paragraphs = TONGXIANG + ["（二）工作要求", "1.提高政治站位，强化责任落实。"]
    imported = read_source(build_list_docx(tmp_path / "桐乡.docx", paragraphs), departments)
    lines = describe_import(imported, departments)
    assert lines[:4] == [
        "检查 桐乡.docx 正文（只检查，没有写入任何文件）：",
        "各列：编号条目（1. 1、（1）①） → 工作内容、工作目标；牵头单位：… → 牵头部门；配合单位：…、责任单位：… → 配合部门。",
        "牵头单位：取责任单位中列第一位的单位。",
        "类别（1 个）：于会游市长主抓重点工作。",
    ]
    assert (
        lines[5]
        == "  T0101 制定出台高质量发展“1+4+8”政策体系：牵头 财政局；配合 发改局、经信局、科技局、商务局、人才办、"
        "金融发展服务中心、服务业局、建设局、农业农村局、文化和广电旅游体育局、工商联"
    )
    assert lines[7] == (
        "未作为任务：第8段是编号条目，但没有写明责任单位；如果是任务，"
        "请在其后写上“（牵头单位：……；责任单位：……）”再导入。"
    )


def test_several_units_without_a_lead_are_a_question_naming_the_paragraph(tmp_path, departments):
    paragraphs = ["一、重点工作", "1.推进数字政府建设。", "责任单位：区大数据局、区政务服务中心"]
    with pytest.raises(TableError) as info:
        import_source(build_list_docx(tmp_path / "要点.docx", paragraphs), departments)
    assert str(info.value) == (
        "要点.docx 正文第2段：责任单位中没有标明牵头单位。请在牵头单位名称后加“（牵头）”，"
        "或者在 config.ini 的 [import] 中写“first_listed_lead = 是”（列第一位的为牵头单位）。"
    )


@pytest.mark.parametrize("kind", ["docx", "txt"])
def test_a_document_neither_a_table_nor_a_list_is_one_line(tmp_path, departments, kind):
    paragraphs = ["关于召开全区经济工作会议的通知", "一、会议时间", "1.请各单位于3月1日前报送参会人员名单。"]
    build = build_list_docx if kind == "docx" else build_list_txt
    with pytest.raises(InputError) as info:
        import_source(build(tmp_path / f"通知.{kind}", paragraphs), departments)
    assert str(info.value) == (
        f"通知.{kind}：文件中既没有表格，也没有写明责任单位的编号条目"
        "（如“1.……（牵头单位：……；责任单位：……）”），请确认这是目标任务责任分解表。"
    )


# --- Word's text export of any table ----------------------------------------------------------


def test_the_text_export_layout_is_the_seeds():
    """The writer below reproduces the seed fixture from its rows, so it writes what Word wrote: the same rows, cells
    and lines (a line break inside a paragraph, and a cell's empty last paragraph, are not told apart: the reader
    takes both as it takes a paragraph)."""
    from dutytable.grids import text_grid
    from dutytable.headers import ImportOptions

    text = SEED.read_text(encoding="utf-8-sig")
    grid = text_grid(text, "seed", ImportOptions().words())
    rows = []
    for _, cells, _ in grid.rows:
        rows.append([UP if not c else c for c in cells])
    rows[0][1:3] = [rows[0][1]]  # 工作内容 spans 类别 and 子项: one cell in the export
    lines = text.split("\n")
    head = ["附件1：", "2010年区质量振兴工作目标任务责任分解表"]
    from shapes import Shape

    shape = Shape("seed", [rows], [], before=tuple(head))

    def rows_of(text):  # a blank line ends a row; within a cell, a blank line or a line break both part its lines
        return re.sub(r"\n\n+(?=[^\t\n])", "\n", re.sub(r"\n{3,}", "\n\n", text))

    assert rows_of(word_text_export(shape)) == rows_of("\n".join(lines))


TEXT_SHAPES = [
    "spaced_header_band_rows_star",
    "merged_category_column_lead_last",
    "two_row_header",
    "three_levels_leader_deadline_remarks",
    "one_column_first_listed_by_note",
]


@pytest.mark.parametrize("name", TEXT_SHAPES)
def test_a_text_export_reads_exactly_like_its_docx(tmp_path, name):
    shape = SHAPES_BY_NAME[name]
    departments = Departments(groups={"各乡镇（街道）": ["甲镇", "乙街道"]})
    (tmp_path / "附件.txt").write_text(word_text_export(shape), encoding="utf-8")
    from_text = import_source(tmp_path / "附件.txt", departments)
    from_docx = import_source(build_docx(tmp_path / "附件.docx", shape), departments)
    assert summary(from_text) == summary(from_docx) == shape.expected
    assert reading(from_text) == reading(from_docx)
    assert from_text.extra_columns == shape.extra_columns


def test_a_text_export_refused_names_its_header_in_one_line(tmp_path, departments):
    shape = SHAPES_BY_NAME["two_row_header"]
    rows = [["序号", "事由", "经办人"], ["1", "购买办公用品", "张三"], ["2", "维修空调", "李四"]]
    from shapes import Shape

    (tmp_path / "登记.txt").write_text(word_text_export(Shape("x", [rows], [], before=shape.before)), encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_source(tmp_path / "登记.txt", departments)
    message = str(info.value)
    assert message.startswith("登记.txt 文本：表头有：序号、事由、经办人；没有找到任务内容列。任务内容列可以写作：")
    assert "\n" not in message and "购买办公用品" not in message


def test_importing_a_list_writes_the_master_table_and_a_refusal_is_one_line(workdir, tmp_path):
    from conftest import run_script
    from dutytable.config import load_config
    from dutytable.master import load_table

    config = load_config(workdir / "config.ini")
    source = build_list_txt(tmp_path / "湘西.txt", XIANGXI)
    out = workdir / "新主表.xlsx"
    result = run_script("import_table.py", source, "--output", out, "--config", workdir / "config.ini")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"已导入 2 项工作内容（1 个类别），共 4 个填报单位，写入 {out}。"
    master = load_table(out, config.departments)
    assert [(t.task_id, t.item, t.leads_text, t.partners_text, t.extras) for t in master.tasks] == [
        (
            "T0101",
            "加大简政放权力度",
            "州行政审批服务局",
            "州司法局、州委编办、州直相关单位、各县市人民政府、湘西经开区管委会",
            (("完成时限", "6月底完成"),),
        ),
        ("T0102", "推动政务服务导则落实", "州行政审批服务局", "各县市人民政府", (("完成时限", "12月底完成"),)),
    ]
    notice = build_list_txt(tmp_path / "通知.txt", ["关于召开会议的通知", "1.请于3月1日前报送名单。"])
    result = run_script("import_table.py", notice, "--check", "--config", workdir / "config.ini")
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        "通知.txt：文件中既没有表格，也没有写明责任单位的编号条目"
        "（如“1.……（牵头单位：……；责任单位：……）”），请确认这是目标任务责任分解表。"
    ]


def tab_delimited(shape):
    """A shape saved as Excel's 文本文件（制表符分隔）: the title line, then a line per row, merged cells empty, a cell
    with line breaks quoted; CR LF."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\r\n")
    writer.writerow([shape.before[-1]])
    for row in shape.tables[-1]:
        writer.writerow(["" if v in (UP, LEFT) else "\n".join(v) if isinstance(v, list) else v for v in row])
    for note in shape.after:
        writer.writerow([note])
    return out.getvalue()


@pytest.mark.parametrize("name", TEXT_SHAPES)
def test_a_tab_delimited_text_reads_exactly_like_its_docx(tmp_path, name):
    shape = SHAPES_BY_NAME[name]
    departments = Departments(groups={"各乡镇（街道）": ["甲镇", "乙街道"]})
    (tmp_path / "附件.txt").write_bytes(tab_delimited(shape).encode("gb18030"))
    from_text = import_source(tmp_path / "附件.txt", departments)
    from_docx = import_source(build_docx(tmp_path / "附件.docx", shape), departments)
    assert reading(from_text) == reading(from_docx)
    assert summary(from_text) == shape.expected and from_text.title == shape.before[-1]
