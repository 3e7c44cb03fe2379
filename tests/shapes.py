"""Responsibility tables in the shapes public government pages publish, rebuilt as real files.

A shape is a list of rows; a cell is text, a list of paragraphs (lines of one cell), UP (merged
with the cell above: a real vMerge in Word, a merged range in Excel) or LEFT (merged with the cell
on its left: a real gridSpan). :func:`build_docx` and :func:`build_xlsx` write the same rows.
"""

from dataclasses import dataclass

import docx
import xlsxwriter

UP, LEFT = "<UP>", "<LEFT>"
TOWNS = "各乡镇（街道）"


@dataclass
class Shape:
    """A table as written and what it must import to.

    ``expected`` holds one (category, item, target, leads, partners, extra values) per task,
    in order; ``keys`` the task IDs marked ★.
    """

    name: str
    tables: list  # each a list of rows
    expected: list
    extra_columns: tuple = ()
    keys: tuple = ()
    before: tuple = ("附件1", "2021年区重点工作目标任务责任分解表")
    after: tuple = ()


def _band(text, width):
    return [text] + [LEFT] * (width - 1)


SHAPES = [
    Shape(
        "spaced_header_band_rows_star",
        [
            [
                ["序号", "目  标  任  务", "牵头单位", "责任单位", "责任人"],
                _band("一、经济发展工作目标（牵头领导：王副区长）", 5),
                ["1", "★地区生产总值增长8%。", "区发改局", "区统计局、区财政局。", "张三"],
                ["2", "固定资产投资增长10%", ["区发改局", "区住建局"], TOWNS, "李四"],
                _band("二、社会民生工作目标（牵头领导：赵副区长）", 5),
                ["3", "新增城镇就业5000人", "区人社局", "各乡镇（街道）、区财政局等", "王五"],
            ]
        ],
        [
            (
                "经济发展工作目标",
                "地区生产总值增长8%",
                "地区生产总值增长8%。",
                ("区发改局",),
                ("区统计局", "区财政局"),
                ("张三",),
            ),
            (
                "经济发展工作目标",
                "固定资产投资增长10%",
                "固定资产投资增长10%",
                ("区发改局", "区住建局"),
                (TOWNS,),
                ("李四",),
            ),
            (
                "社会民生工作目标",
                "新增城镇就业5000人",
                "新增城镇就业5000人",
                ("区人社局",),
                (TOWNS, "区财政局"),
                ("王五",),
            ),
        ],
        ("责任人",),
        ("T0101",),
    ),
    Shape(
        "merged_category_column_lead_last",
        [
            [
                ["分类", "序号", "事项", "责任单位", "牵头单位"],
                ["产业发展", "1", "推进工业技改投资，完成投资50亿元", "区工信局、区发改局", "区工信局"],
                [UP, "2", "培育规上企业10家", "区工信局、区统计局、各乡镇（街道）", "区工信局"],
                ["城市建设", "3", "完成老旧小区改造12个", "区住建局、区财政局", "区住建局"],
            ]
        ],
        [
            ("产业发展", "推进工业技改投资", "推进工业技改投资，完成投资50亿元", ("区工信局",), ("区发改局",), ()),
            ("产业发展", "培育规上企业10家", "培育规上企业10家", ("区工信局",), ("区统计局", TOWNS), ()),
            ("城市建设", "完成老旧小区改造12个", "完成老旧小区改造12个", ("区住建局",), ("区财政局",), ()),
        ],
    ),
    Shape(
        "chinese_numeral_category_rows_two_leads",
        [
            [
                ["序号", "重点工作任务", "主要责任单位", "协同配合单位"],
                ["一、", "优化营商环境", "", ""],
                [
                    "1",
                    "深化“放管服”改革，压缩企业开办时间至1个工作日。",
                    ["区政务服务中心", "区市场监管局"],
                    "区发改局，区司法局、各乡镇人民政府、街道办事处。",
                ],
                ["2", "开展信用体系建设", "区发改局", "区人民银行、区市场监管局"],
                ["二、", "保障改善民生", "", ""],
                ["3", "新建幼儿园3所", "区教育局", "区住建局、区自然资源局"],
            ]
        ],
        [
            (
                "优化营商环境",
                "深化“放管服”改革",
                "深化“放管服”改革，压缩企业开办时间至1个工作日。",
                ("区政务服务中心", "区市场监管局"),
                ("区发改局", "区司法局", "各乡镇人民政府、街道办事处"),
                (),
            ),
            ("优化营商环境", "开展信用体系建设", "开展信用体系建设", ("区发改局",), ("区人民银行", "区市场监管局"), ()),
            ("保障改善民生", "新建幼儿园3所", "新建幼儿园3所", ("区教育局",), ("区住建局", "区自然资源局"), ()),
        ],
    ),
    Shape(
        "no_category_county_collectives",
        [
            [
                ["序号", "目标与任务", "牵头责任单位", "责任单位"],
                ["1", "粮食播种面积稳定在100万亩以上", "市农业农村局", "各县（市）区政府"],
                ["2", "完成高标准农田建设5万亩", "市农业农村局", "市财政局、各县（市）区政府"],
                ["3", "治理水土流失面积20平方公里", "市水利局", "各县、市、区政府"],
            ]
        ],
        [
            (
                "全部任务",
                "粮食播种面积稳定在100万亩以上",
                "粮食播种面积稳定在100万亩以上",
                ("市农业农村局",),
                ("各县（市）区政府",),
                (),
            ),
            (
                "全部任务",
                "完成高标准农田建设5万亩",
                "完成高标准农田建设5万亩",
                ("市农业农村局",),
                ("市财政局", "各县（市）区政府"),
                (),
            ),
            (
                "全部任务",
                "治理水土流失面积20平方公里",
                "治理水土流失面积20平方公里",
                ("市水利局",),
                ("各县、市、区政府",),
                (),
            ),
        ],
    ),
    Shape(
        "one_column_lead_marked",
        [
            [
                ["序号", "工作任务", "责任单位", "完成时限"],
                ["1", "建成5G基站200个", "区工信局（牵头）、区住建局、各镇、街道", "2021年12月底前"],
                ["2", "实施河道整治3条", "区水利局、区生态环境局（牵头）", "6月底前"],
            ]
        ],
        [
            (
                "全部任务",
                "建成5G基站200个",
                "建成5G基站200个",
                ("区工信局",),
                ("区住建局", "各镇、街道"),
                ("2021年12月底前",),
            ),
            ("全部任务", "实施河道整治3条", "实施河道整治3条", ("区生态环境局",), ("区水利局",), ("6月底前",)),
        ],
        ("完成时限",),
    ),
    Shape(
        "one_column_first_listed_by_note",
        [
            [
                ["序号", "主要任务", "责任单位", "备注"],
                ["1", "开展全民健身活动20场", "区文体旅局、区卫健委、各乡镇（街道）", ""],
                ["2", "建设社区养老服务中心4个", "区民政局、区财政局", "续建"],
            ]
        ],
        [
            ("全部任务", "开展全民健身活动20场", "开展全民健身活动20场", ("区文体旅局",), ("区卫健委", TOWNS), ("",)),
            ("全部任务", "建设社区养老服务中心4个", "建设社区养老服务中心4个", ("区民政局",), ("区财政局",), ("续建",)),
        ],
        ("备注",),
        after=("注：列第一位的责任单位为牵头单位。",),
    ),
    Shape(
        "three_levels_leader_deadline_remarks",
        [
            [
                ["序号", "工作任务", "牵头负责领导", "牵头责任单位", "协同责任单位", "完成时限", "备注"],
                _band("一、推动高质量发展", 7),
                _band("（一）壮大实体经济", 7),
                ["1", "1.新增规上工业企业15家", "王副区长", "区工信局", "各镇、街道", "年底前", ""],
                ["2", "★招引亿元以上项目30个", "李副区长", "区投促局", "区发改局、区工信局", "全年", "每季度通报"],
                _band("（二）提升城市品质", 7),
                ["3", "完成背街小巷整治50条", "张副区长", "区城管局", "各镇、街道", "长期坚持", ""],
            ]
        ],
        [
            (
                "壮大实体经济",
                "新增规上工业企业15家",
                "新增规上工业企业15家",
                ("区工信局",),
                ("各镇、街道",),
                ("王副区长", "年底前", ""),
            ),
            (
                "壮大实体经济",
                "招引亿元以上项目30个",
                "招引亿元以上项目30个",
                ("区投促局",),
                ("区发改局", "区工信局"),
                ("李副区长", "全年", "每季度通报"),
            ),
            (
                "提升城市品质",
                "完成背街小巷整治50条",
                "完成背街小巷整治50条",
                ("区城管局",),
                ("各镇、街道",),
                ("张副区长", "长期坚持", ""),
            ),
        ],
        ("牵头负责领导", "完成时限", "备注"),
        ("T0102",),
    ),
    Shape(
        "lead_and_partners_inline",
        [
            [
                ["序号", "重点任务", "完成时间"],
                [
                    "1",
                    "推进数字政府建设，实现政务服务事项全程网办率90%。（牵头单位：区大数据局；责任单位：区政务服务中心、各镇、街道）",
                    "2021年10月",
                ],
                ["2", ["加快新能源汽车推广应用。", "牵头单位：区发改局；责任单位：区交通局、区城管局"], "年底前"],
            ]
        ],
        [
            (
                "全部任务",
                "推进数字政府建设",
                "推进数字政府建设，实现政务服务事项全程网办率90%。",
                ("区大数据局",),
                ("区政务服务中心", "各镇、街道"),
                ("2021年10月",),
            ),
            (
                "全部任务",
                "加快新能源汽车推广应用",
                "加快新能源汽车推广应用。",
                ("区发改局",),
                ("区交通局", "区城管局"),
                ("年底前",),
            ),
        ],
        ("完成时间",),
    ),
    Shape(
        "two_row_header",
        [
            [
                ["序号", "工作任务", "责任单位", LEFT, "完成时限"],
                [UP, UP, "牵头单位", "配合单位", UP],
                ["1", "打造特色街区2条", "区商务局", "区文旅局", "9月底前"],
                ["2", "建设智慧停车场3处", "区城管局", "区住建局、区公安分局", "2021.6"],
            ]
        ],
        [
            ("全部任务", "打造特色街区2条", "打造特色街区2条", ("区商务局",), ("区文旅局",), ("9月底前",)),
            (
                "全部任务",
                "建设智慧停车场3处",
                "建设智慧停车场3处",
                ("区城管局",),
                ("区住建局", "区公安分局"),
                ("2021.6",),
            ),
        ],
        ("完成时限",),
    ),
    Shape(
        "several_tables_page_break_continuation",
        [
            [["联系人", "电话"], ["刘科长", "12345678"]],
            [
                ["序号", "工作目标", "牵头部门", "配合部门"],
                ["1", ["全年空气质量优良天数比率", "达到80%以上"], "区生态环境局", "区城管局、区住建局"],
                ["2", "完成造林绿化1000亩，", "区林业局", "各镇、街道"],
            ],
            [
                ["序号", "工作目标", "牵头部门", "配合部门"],
                ["", "森林覆盖率达到25%。", "", ""],
                ["3", "新建污水管网20公里", "区水务局", "区住建局"],
            ],
        ],
        [
            (
                "全部任务",
                "全年空气质量优良天数比率达到80%以上",
                "全年空气质量优良天数比率达到80%以上",
                ("区生态环境局",),
                ("区城管局", "区住建局"),
                (),
            ),
            (
                "全部任务",
                "完成造林绿化1000亩",
                "完成造林绿化1000亩，森林覆盖率达到25%。",
                ("区林业局",),
                ("各镇、街道",),
                (),
            ),
            ("全部任务", "新建污水管网20公里", "新建污水管网20公里", ("区水务局",), ("区住建局",), ()),
        ],
    ),
    Shape(
        "item_and_target_columns_chinese_numeral_seq",
        [
            [
                ["序号", "工作任务", "工作目标", "牵头部门", "配合部门", "责任领导"],
                ["一", "招商引资", "引进亿元以上项目20个", "区投促局", "各园区管委会", "王副区长"],
                ["二", "项目建设", "完成重大项目投资80亿元", "区发改局", "区住建局、区自然资源局", "李副区长"],
            ]
        ],
        [
            ("全部任务", "招商引资", "引进亿元以上项目20个", ("区投促局",), ("各园区管委会",), ("王副区长",)),
            (
                "全部任务",
                "项目建设",
                "完成重大项目投资80亿元",
                ("区发改局",),
                ("区住建局", "区自然资源局"),
                ("李副区长",),
            ),
        ],
        ("责任领导",),
    ),
]
SHAPES_BY_NAME = {s.name: s for s in SHAPES}


def _merges(rows):
    """(first row, first col, last row, last col) of every merged block, from the UP and LEFT marks."""
    blocks = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value in (UP, LEFT):
                continue
            last_c = c
            while last_c + 1 < len(row) and row[last_c + 1] == LEFT:
                last_c += 1
            last_r = r
            while last_r + 1 < len(rows) and rows[last_r + 1][c] == UP:
                last_r += 1
            if (last_r, last_c) != (r, c):
                blocks.append((r, c, last_r, last_c))
    return blocks


def _paragraphs(value):
    return value if isinstance(value, list) else [value]


def build_docx(path, shape):
    """The shape as a Word document: real gridSpan and vMerge merges, several paragraphs per cell."""
    document = docx.Document()
    for text in shape.before:
        document.add_paragraph(text)
    for rows in shape.tables:
        width = len(rows[0])
        table = document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value in (UP, LEFT):
                    continue
                paragraphs = _paragraphs(value)
                cell = table.cell(r, c)
                cell.text = paragraphs[0]
                for extra in paragraphs[1:]:
                    cell.add_paragraph(extra)
        for r, c, last_r, last_c in _merges(rows):
            table.cell(r, c).merge(table.cell(last_r, last_c))
        document.add_paragraph("")
    for text in shape.after:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def build_xlsx(path, shape, messy=True):
    """The shape pasted from Word into Excel: a merged title row, line breaks in cells, merged ranges.

    With ``messy`` the header words carry stray and full-width spaces, as a paste from Word leaves them.
    """
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    rows = [row for rows in shape.tables[-1:] for row in rows]
    if len(shape.tables) > 1:  # one sheet: the responsibility tables one under the other
        rows = [row for rows in shape.tables if rows[0][0] == "序号" for row in rows]
    width = len(rows[0])
    ws.merge_range(0, 0, 0, width - 1, shape.before[-1])
    merged = {(r, c): (lr, lc) for r, c, lr, lc in _merges(rows)}

    def text(value, r):
        value = "\n".join(_paragraphs(value))
        if messy and r == 0 and value:
            value = f" {value[0]}\u3000{value[1:]} " if len(value) > 1 else value
        return value

    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value in (UP, LEFT):
                continue
            if (r, c) in merged:
                lr, lc = merged[(r, c)]
                ws.merge_range(r + 1, c, lr + 1, lc, text(value, r))
            else:
                ws.write_string(r + 1, c, text(value, r))
    r = len(rows) + 1
    for note in shape.after:
        ws.write_string(r, 0, note)
        r += 1
    wb.close()
    return path


def summary(table):
    """(category, item, target, leads, partners, extra values) per task."""
    return [(t.category, t.item, t.target, t.leads, t.partners, tuple(v for _, v in t.extras)) for t in table.tasks]
