"""Stage 5: the Word 附件 checked at the XML level, and printed through LibreOffice."""

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace

import docx
import pytest
from conftest import ROOT, fresh_clone, needs_libreoffice, run_script
from docx.shared import Mm
from dutytable.collect import Collector
from dutytable.model import Period
from dutytable.report import make_report, overview
from dutytable.vocab import RED
from dutytable.warning import LIGHT_GREEN, Light
from dutytable.wordml import build_template
from expected_table import EXPECTED
from returns import fill, prepare

P = Period(2010, 11)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TODAY = dt.date(2010, 11, 28)


@pytest.fixture
def reported(workdir):
    config, table, forms = prepare(workdir)
    inbox = workdir / "inbox"
    fill(forms["质监分局"], inbox / "质监.xlsx", rows={"T0101": {"完成状态": "已完成", "推进情况": "合格率93%"}})
    fill(forms["药监分局"], inbox / "药监.xlsx", rows={"T0101": {"完成状态": "进度滞后", "推进情况": "合格率88%"}})
    fill(forms["环保局"], inbox / "环保.xlsx", status="未启动")
    Collector(config, table, settle_seconds=0, now=lambda: dt.datetime(2010, 11, 20, 9)).run(P)  # received on time
    summary, written, notes = make_report(config, table, P, today=TODAY, pdf=False)
    return config, table, summary, written


def xml(path, member):
    with zipfile.ZipFile(path) as z:
        return z.read(member).decode("utf-8")


A1 = "附件1_2010年区质量振兴工作目标任务推进情况汇总表_2010-11.docx"
A2 = "附件2_2010年区质量振兴工作目标任务推进情况量化指标完成情况表_2010-11.docx"


def cell_texts(row):
    return [
        "\n".join("".join(t.text for t in p.iter(f"{W}t")) for p in tc.findall(f"{W}p")) for tc in row.findall(f"{W}tc")
    ]


def test_outputs_and_overview(reported):
    config, table, summary, written = reported
    assert [p.name for p in written] == [A1, A2, "催报通知_2010-11.docx", "预警通报_2010-11.docx"]
    document = docx.Document(str(written[0]))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs if p.style.name != "Normal"]
    assert paragraphs == [
        ("附件标记", "附件1"),
        ("公文正文", ""),  # the title stands on the third line
        ("附件标题", "2010年区质量振兴工作目标任务推进情况汇总表"),
        # status_rule = main_lead: 质监分局 is the first lead of 8 tasks: T0101 已完成 (药监分局 beside it says
        # 进度滞后), 7 正常推进; 环保局's T0104 未启动; 区有关部门 (no group expands it: no form) alone leads T0401
        # and T0403: 未明确牵头单位; the first leads asked of the other 7 have not reported (T0501, T0502 ask 春江镇,
        # the first concrete lead after 区有关部门; two list 质监分局 second: they are 未报送, not hidden behind its
        # 正常推进); 进度滞后 is 0 and not said.
        # Indicators: 质监分局 owns 17 and 环保局 5, all filled with 1 (a 1 in a % cell is 100%): the
        # % targets, =100% and the at-least-1 targets are met (10), the rest not (12); T0401-1 has no owner
        # (待核实); 18 are unreported.
        # 预警: the 7 whose first lead is silent, the 2 with no lead and 环保局's 未启动 are 黄灯, in the table's order.
        (
            "公文正文",
            "截至2010年11月28日，共18项目标任务，其中已完成1项、正常推进7项、未启动1项、未明确牵头单位2项、"
            "牵头单位尚未报送7项；"
            "预警黄灯13项（工程质量、服务质量、环境质量、工业标准化、农业标准化、工业计量、名牌创建、商标创建、打假治劣、确保安全生产、"
            "长效管理、宣传、培训）；"
            "量化指标41项，已达标10项、未达标12项、待核实1项、未填报18项；应报送23个单位，已报送3个，未报送20个（园区办、"
            "春江镇、孟河镇、新桥镇、薛家镇、罗溪镇、西夏墅镇、三井街道、河海街道、龙虎塘街道、城建局、经发局、社会事业局、"
            "工商分局、交通分局、科技局、农业局、国税局、地税四分局、安监局）。",
        ),
    ]
    second = docx.Document(str(written[1]))
    assert [(p.style.name, p.text) for p in second.paragraphs] == [
        ("附件标记", "附件2"),
        ("公文正文", ""),
        ("附件标题", "2010年区质量振兴工作目标任务推进情况量化指标完成情况表"),
        ("公文正文", "（截至2010年11月28日）"),  # the day 附件1 speaks of
        (
            "公文正文",
            "序时进度为累计类指标到截至日应完成的量：目标值×（2010年1月1日至截至日的天数÷2010年1月1日至完成时限的天数），"
            "未写明完成时限的算至年底；比率、零发生和“不超过”类指标不适用。",
        ),
    ]
    assert second.paragraphs[3].alignment == 1 and second.paragraphs[3].paragraph_format.first_line_indent == 0
    rows = second.tables[0].rows
    assert len(rows) == 42
    assert [c.text for c in rows[0].cells] == [
        "序号",
        "工作内容",
        "指标名称",
        "目标",
        "截至11月\n完成",
        "序时进度",
        "达标情况",
        "填报单位",
    ]
    assert [c.text for c in rows[2].cells] == [
        "2",
        "产品质量",
        "工业产品生产许可证产品抽检平均合格率",
        "≥92%",
        "100%",
        "不适用",
        "达标",
        "质监分局",
    ]
    assert [c.text for c in rows[1].cells][3:7] == ["零发生", "1起", "不适用", "未达标"]
    assert [c.text for c in rows[41].cells][5:] == ["不适用", "未填报", "安监局"]
    # a count: 5家 × 332/365 (1 January to 28 November of 365 days), to one decimal
    assert [c.text for c in rows[14].cells][2:7] == ["申报省级标准化良好行为企业试点", "5家", "1家", "4.5家", "未达标"]
    # T0401's lead 区有关部门 gets no form: its indicator has no unit to report it, and says so
    assert [c.text for c in rows[31].cells][1:2] + [c.text for c in rows[31].cells][6:] == [
        "打假治劣",
        "待核实",
        "未明确填报单位",
    ]


def test_the_overview_reads_as_a_secretary_writes_it(reported):
    config, table, summary, written = reported
    recipients = [
        replace(r, state="待补正" if n == 5 else "已报送", late=r.name in ("园区办", "春江镇"))
        for n, r in enumerate(summary.recipients)
    ]
    # every indicator has a unit to report it (T0401-1 has none: its lead 区有关部门 gets no form)
    summary = replace(
        summary,
        recipients=recipients,
        indicators=[
            replace(i, status="达标", indicator=replace(i.indicator, owner=i.indicator.owner or "质监分局"))
            for i in summary.indicators
        ],
        tasks=[replace(t, status="正常推进", light=LIGHT_GREEN) for t in summary.tasks],
    )
    assert overview(summary, dt.date(2010, 11, 30)) == (
        "截至2010年11月30日，共18项目标任务，其中正常推进18项；预警均为绿灯；41项量化指标均已填报，已达标41项；"
        "23个单位均已报送（其中逾期2个：园区办、春江镇；待补正1个：新桥镇）。"
    )


ALL_BUT_FOUR = (
    "园区办、春江镇、孟河镇、新桥镇、薛家镇、罗溪镇、西夏墅镇、三井街道、河海街道、龙虎塘街道、城建局、经发局、"
    "社会事业局、工商分局、交通分局、科技局、农业局、国税局、地税四分局"
)


@pytest.mark.parametrize(
    "reported_units, late, to_fix, empty, words",
    [
        ("all", (), (), (), "23个单位均已报送"),
        ("all", ("园区办", "春江镇"), (), (), "23个单位均已报送（其中逾期2个：园区办、春江镇）"),
        ("all", (), ("新桥镇",), (), "23个单位均已报送（其中待补正1个：新桥镇）"),
        (
            "all",
            ("园区办",),
            ("园区办", "新桥镇"),
            (),
            "23个单位均已报送（其中逾期1个：园区办；待补正2个：园区办、新桥镇）",
        ),
        # Each 其中 beside its own count: the late and the 待补正 are among the reported, 未填报 among the unreported.
        ("four", (), (), (), f"应报送23个单位，已报送4个，未报送19个（{ALL_BUT_FOUR}）"),
        (
            "four",
            ("药监分局",),
            (),
            (),
            f"应报送23个单位，已报送4个（其中逾期1个：药监分局），未报送19个（{ALL_BUT_FOUR}）",
        ),
        (
            "four",
            (),
            ("环保局",),
            (),
            f"应报送23个单位，已报送4个（其中待补正1个：环保局），未报送19个（{ALL_BUT_FOUR}）",
        ),
        (
            "four",
            ("药监分局",),
            ("环保局",),
            ("春江镇", "城建局"),
            f"应报送23个单位，已报送4个（其中逾期1个：药监分局；待补正1个：环保局），"
            f"未报送19个（{ALL_BUT_FOUR}；其中未填报2个：春江镇、城建局）",
        ),
        (
            "four",
            (),
            (),
            ("春江镇",),
            f"应报送23个单位，已报送4个，未报送19个（{ALL_BUT_FOUR}；其中未填报1个：春江镇）",
        ),
        # every reported unit late: 均逾期, not "其中逾期4个"
        (
            "four",
            ("质监分局", "药监分局", "环保局", "安监局"),
            ("环保局",),
            (),
            f"应报送23个单位，已报送4个（均逾期；其中待补正1个：环保局），未报送19个（{ALL_BUT_FOUR}）",
        ),
        (
            "none",
            (),
            (),
            ("春江镇",),
            "应报送23个单位，已报送0个，未报送23个（质监分局、药监分局、园区办、春江镇、孟河镇、新桥镇、"
            "薛家镇、罗溪镇、西夏墅镇、三井街道、河海街道、龙虎塘街道、城建局、经发局、社会事业局、工商分局、"
            "交通分局、环保局、科技局、农业局、国税局、地税四分局、安监局；其中未填报1个：春江镇）",
        ),
    ],
)
def test_each_among_stands_beside_its_own_count(reported, reported_units, late, to_fix, empty, words):
    """Every variant of the overview's sentence on who reported, word for word."""
    config, table, summary, written = reported
    from dutytable.report import submission_clause

    four = ("质监分局", "药监分局", "环保局", "安监局")
    recipients = []
    for r in summary.recipients:
        said = reported_units == "all" or (reported_units == "four" and r.name in four)
        recipients.append(
            replace(
                r,
                state=("待补正" if r.name in to_fix else "已报送") if said else "未报送",
                late=r.name in late,
                empty="空表.xlsx" if r.name in empty else "",
            )
        )
    summary = replace(summary, recipients=recipients)
    assert submission_clause(summary) == words
    assert overview(summary, dt.date(2010, 11, 30)).endswith(f"；{words}。")


def test_cn_numbers_range_dashes_and_title_lines():
    from dutytable.notices import title_lines
    from dutytable.targets import printed_target
    from dutytable.vocab import cn_number

    assert [cn_number(n) for n in (1, 9, 10, 11, 20, 35)] == ["一", "九", "十", "十一", "二十", "三十五"]
    assert printed_target("1–2家") == "1～2家" and printed_target("≥92%") == "≥92%"
    # Broken between words, the first line the shorter (a 梯形), each within 20 characters of 二号.
    assert title_lines(["关于", "催报", "2010年11月", "区质量振兴工作", "推进情况", "的", "通知"], 20) == [
        "关于催报2010年11月",
        "区质量振兴工作推进情况的通知",
    ]
    assert title_lines(["关于", "催报", "通知"], 20) == ["关于催报通知"]
    # A line as wide as the page (20) overflows in print: three lines then, the longest in the middle (a 菱形)
    words = ["关于", "2026年12月", "青溪区政府工作报告重点工作", "目标任务", "预警情况", "的", "通报"]
    assert title_lines(words, 20) == ["关于2026年12月", "青溪区政府工作报告重点工作", "目标任务预警情况的通报"]
    assert title_lines(["关于", "一二三四五六七八九十", "一二三四五六七八九十"], 20) == [
        "关于一二三四五六七八九十",
        "一二三四五六七八九十",
    ]


def test_overview_after_the_month_and_with_unreported_tasks(reported):
    config, table, summary, written = reported
    from dutytable.report import as_of

    assert as_of(P, dt.date(2026, 11, 25)) == dt.date(2010, 11, 30)
    first = replace(summary.tasks[0], status="未报送", light=Light(RED, ("逾期未完成，完成时限2010年10月31日",)))
    summary = replace(summary, tasks=[first, *summary.tasks[1:]])
    assert overview(summary, dt.date(2010, 11, 30)).startswith(
        "截至2010年11月30日，共18项目标任务，其中正常推进7项、未启动1项、未明确牵头单位2项、牵头单位尚未报送8项；"
        "预警红灯1项（产品质量）、黄灯13项（工程质量、服务质量、环境质量、工业标准化、农业标准化、工业计量、名牌创建、商标创建、"
        "打假治劣、确保安全生产、长效管理、宣传、培训）；量化指标41项，"
    )


def test_fonts_are_east_asian_and_no_theme_font_overrides(reported):
    config, table, summary, written = reported
    styles = xml(written[0], "word/styles.xml")
    document = xml(written[0], "word/document.xml")
    assert not re.search(r"w:(ascii|hAnsi|eastAsia|cs)Theme=", styles + document)
    d = docx.Document(str(written[0]))
    expected = {
        "附件标记": ("黑体", 16),
        "附件标题": ("方正小标宋简体", 22),
        "公文正文": ("仿宋_GB2312", 16),
        "表格文字": ("仿宋_GB2312", 12),
        "表格表头": ("黑体", 12),
        "公文页码": ("宋体", 14),
        "公文落款": ("仿宋_GB2312", 16),
    }
    for name, (east_asia, size) in expected.items():
        style = d.styles[name]
        fonts = style.element.rPr.rFonts
        latin = "黑体" if name == "附件标记" else "Times New Roman"  # the whole "附件1" in 黑体
        assert (fonts.get(W + "eastAsia"), fonts.get(W + "ascii"), fonts.get(W + "hAnsi")) == (
            east_asia,
            latin,
            latin,
        ), name
        assert style.font.size.pt == size, name
    defaults = d.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults.get(W + "eastAsia") == "仿宋_GB2312" and defaults.get(W + "ascii") == "Times New Roman"


def test_no_compatibility_mode_chinese_theme_clean_fonts_and_properties(reported):
    config, table, summary, written = reported
    for path in written:
        settings = xml(path, "word/settings.xml")
        assert re.findall(r'w:name="compatibilityMode" w:uri="[^"]+" w:val="(\d+)"', settings) == ["15"]
        assert '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>' in settings
        assert re.findall(r'<w:font w:name="([^"]+)"', xml(path, "word/fontTable.xml")) == [
            "Times New Roman",
            "仿宋_GB2312",
            "黑体",
            "方正小标宋简体",
            "宋体",
        ]
        props = docx.Document(str(path)).core_properties
        assert (props.author, props.created.date(), props.modified.date()) == (
            "区质量振兴工作领导小组办公室",
            TODAY,
            TODAY,
        )
        # nothing left of the template's own description ("…的 Word 模板：可在 Word 中修改样式…")
        assert (props.comments, props.subject, props.keywords, props.category) == ("", "", "", "")
    assert docx.Document(str(written[0])).core_properties.title == "2010年区质量振兴工作目标任务推进情况汇总表"
    assert docx.Document(str(written[2])).core_properties.title == "关于催报2010年11月区质量振兴工作推进情况的通知"


def test_page_is_a4_landscape_with_turned_margins_and_footers(reported):
    config, table, summary, written = reported
    d = docx.Document(str(written[0]))
    s = d.sections[0]
    assert (s.orientation, round(s.page_width.mm), round(s.page_height.mm)) == (1, 297, 210)
    assert [round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [28, 26, 35, 37]
    assert "<w:evenAndOddHeaders/>" in xml(written[0], "word/settings.xml")
    odd, even = s.footer.paragraphs[0], s.even_page_footer.paragraphs[0]
    for p, jc in ((odd, "right"), (even, "left")):
        assert p.style.name == "公文页码"
        assert p._p.find(f"{W}pPr/{W}jc").get(W + "val") == jc
        runs = p._p.findall(f"{W}r")
        assert [r.find(f"{W}t").text for r in runs if r.find(f"{W}t") is not None] == ["— ", "1", " —"]
        assert [r.find(f"{W}instrText").text for r in runs if r.find(f"{W}instrText") is not None] == [" PAGE "]
        assert [r.find(f"{W}fldChar").get(W + "fldCharType") for r in runs if r.find(f"{W}fldChar") is not None] == [
            "begin",
            "separate",
            "end",
        ]


def test_one_table_with_the_categories_as_band_rows_and_rows_that_fit_never_split(reported):
    config, table, summary, written = reported
    d = docx.Document(str(written[0]))
    assert len(d.tables) == 1
    tbl = d.tables[0]._tbl
    rows = tbl.findall(f"{W}tr")
    heads = ["序号", "工作内容", "工作目标", "责任单位", "推进情况", "完成状态", "预警"]
    # The column heads alone repeat on every page; no row shorter than half a page splits: only task 4, whose
    # 工作目标 of 225 characters takes some 20 lines (more than half the page's 130 mm of table), may break.
    assert [r.find(f"{W}trPr/{W}tblHeader") is not None for r in rows] == [True] + [False] * (len(rows) - 1)
    splits = [cell_texts(r)[0] for r in rows if r.find(f"{W}trPr/{W}cantSplit") is None]
    assert splits == ["4"] and len(cell_texts(rows[5])[2]) == 225
    assert cell_texts(rows[0]) == heads
    bands, body = [], []
    for r in rows[1:]:
        cells = r.findall(f"{W}tc")
        if len(cells) == 1:  # a 大项's band row, kept with the task below it
            assert cells[0].find(f"{W}tcPr/{W}gridSpan").get(W + "val") == "7"
            assert cells[0].find(f"{W}p/{W}pPr/{W}keepNext") is not None
            bands.append(cell_texts(r)[0])
        else:
            body.append(cell_texts(r))
    widths = [int(g.get(W + "w")) for g in tbl.find(f"{W}tblGrid").findall(f"{W}gridCol")]
    type_area = Mm(297 - 35 - 37).twips
    assert type_area - 20 <= sum(widths) <= type_area
    # 小四; 工作目标 and 推进情况 share their 128.4 mm as makes the rows shortest
    assert [round(w / 56.7, 1) for w in widths] == [11.0, 25.7, 58.0, 25.7, 70.4, 19.5, 14.7]
    assert bands == [
        "一、提高质量水平",
        "二、夯实标准计量基础",
        "三、推进品牌建设",
        "四、严格质量监管",
        "五、加强宣传培训",
    ]
    assert [b[0] for b in body] == [str(n) for n in range(1, 19)]
    assert [b[1] for b in body] == [e[3] for e in EXPECTED]
    assert body[0][3] == "牵头：质监分局、药监分局\n配合：园区办、各镇、街道"
    # The leads first, named; leads that disagree each say their status; the silent partners in one line.
    assert body[0][4] == (
        "质监分局（牵头，已完成）：合格率93%。\n药监分局（牵头，进度滞后）：合格率88%。\n"
        "园区办、春江镇、孟河镇、新桥镇、薛家镇、罗溪镇、西夏墅镇、三井街道、河海街道、龙虎塘街道（配合）：未报送。"
    )
    assert body[0][5] == "已完成"  # status_rule = main_lead: 质监分局, listed first
    assert body[1][4].startswith("城建局（牵头）：未报送。\n") and body[1][5] == "未报送"
    assert body[2][4].split("\n")[:2] == ["经发局（牵头）：未报送。", "质监分局（配合）：本月已按计划推进。"]
    assert body[3][5] == "未启动"
    # 预警 after 完成状态: the light's word first, then its reason; 红灯 and 黄灯 bold for black-and-white paper.
    assert [b[6] for b in body[:4]] == [
        "绿灯",
        "黄灯（牵头单位本期未报送）",
        "黄灯（牵头单位本期未报送）",
        "黄灯（本期未启动；5项指标低于序时进度：完成0%～33%，序时91%）",
    ]
    light_cells = [r.findall(f"{W}tc")[6] for r in rows[1:] if len(r.findall(f"{W}tc")) > 1]
    bold = [tc.find(f"{W}p/{W}r/{W}rPr/{W}b") is not None for tc in light_cells]
    assert bold[:4] == [False, True, True, True] and bold.count(True) == 13


def test_partner_text_include_collapse_or_omit(reported):
    from dutytable.report import progress_lines

    config, table, summary, written = reported
    t = summary.tasks[0]
    units = [
        replace(u, reported=True, status="正常推进", texts={"progress": "积极配合。"}) if 2 <= n < 5 else u
        for n, u in enumerate(t.units)
    ]
    units[3] = replace(units[3], texts={"progress": "已开展抽检"})
    t = replace(t, units=units)
    lead_lines = ["质监分局（牵头，已完成）：合格率93%。", "药监分局（牵头，进度滞后）：合格率88%。"]
    silent = "新桥镇、薛家镇、罗溪镇、西夏墅镇、三井街道、河海街道、龙虎塘街道（配合）：未报送。"
    assert progress_lines(t, "collapse") == lead_lines + [
        "园区办、孟河镇（配合）：积极配合。",
        "春江镇（配合）：已开展抽检。",
        silent,
    ]
    assert progress_lines(t, "include") == lead_lines + [
        "园区办（配合）：积极配合。",
        "春江镇（配合）：已开展抽检。",
        "孟河镇（配合）：积极配合。",
        silent,
    ]
    assert progress_lines(t, "omit") == lead_lines + [silent]


def test_extra_columns_leave_progress_its_share_and_every_head_its_line():
    from dutytable.report import report_widths
    from dutytable.schema import ATTACHMENT, DEFAULT
    from dutytable.wordml import head_mm

    columns = DEFAULT.with_extras(
        ["完成时限", "责任领导"], {"完成时限": {ATTACHMENT: 20}, "责任领导": {ATTACHMENT: 20}}
    ).at(ATTACHMENT)
    assert [c.header for c in columns] == [
        "序号",
        "工作内容",
        "工作目标",
        "牵头部门",
        "完成时限",
        "责任领导",
        "推进情况",
        "完成状态",
        "预警",
    ]
    # the others give way down to their heads' widths on one line (序号 11 mm, four characters 19.5 mm at 小四)
    assert report_widths(columns) == [11.0, 19.5, 19.5, 19.5, 19.5, 19.5, 86.0, 19.5, 11.0]
    assert head_mm("序号") == 11.0 and head_mm("完成时限") == 19.5 and head_mm("完成时限", 10.5) == 17.4
    assert head_mm("截至11月\n完成", 10.5) == 17.4  # each line of a head on its own
    # no extras: 预警 takes its 16 mm from 工作目标 (down to its least, 30 mm), then from the others in proportion
    assert report_widths(DEFAULT.at(ATTACHMENT)) == [11.0, 20.9, 29.3, 27.4, 101.2, 19.5, 15.7]
    # 工作内容 widens for its longest name: "确保安全生产", 6 characters of 五号 (3.7 mm) and the padding
    assert report_widths(DEFAULT.at(ATTACHMENT), 6, 10.5) == [10.0, 23.9, 28.7, 26.9, 101.3, 18.8, 15.4]
    assert report_widths(DEFAULT.at(ATTACHMENT), 20, 12)[1] == 26.7  # at most 30 mm, narrowed with the others for 预警


def test_target_and_progress_share_their_width_as_makes_the_table_shortest():
    from dutytable.report import report_widths, row_lines
    from dutytable.schema import ATTACHMENT, DEFAULT

    long_target = ["1", "产品质量", "目" * 200, "牵头：质监分局", "推" * 40, "正常推进", "绿灯"]
    widths = report_widths(DEFAULT.at(ATTACHMENT), rows=[long_target])
    # 200 characters at 30 mm would be 30 lines a row; 工作目标 widens up to half of the two columns' 130.5 mm,
    # and of the widths that give the fewest lines (15, 14 characters a line) takes the narrowest
    assert widths == [11.0, 20.9, 62, 27.4, 68.5, 19.5, 15.7] and row_lines(long_target, widths, 12) == 15
    short_target = ["1", "产品质量", "目" * 20, "牵头：质监分局", "推" * 300, "正常推进", "绿灯"]
    # a short target stays as wide as it was (29.3 mm): 推进情况 keeps the width
    assert report_widths(DEFAULT.at(ATTACHMENT), rows=[short_target]) == [11.0, 20.9, 29.3, 27.4, 101.2, 19.5, 15.7]


def test_a_narrow_column_widens_where_its_text_would_make_the_rows_taller():
    """预警 and 责任单位 widen too (up to 40 mm) when that makes the table shortest: a light's reason two characters
    a line, or a list of units, would set the row's height while 推进情况 has room to spare."""
    from dutytable.report import report_widths, row_lines
    from dutytable.schema import ATTACHMENT, DEFAULT

    columns = DEFAULT.at(ATTACHMENT)
    reasons = [
        "1",
        "产品质量",
        "目" * 10,
        "牵头：质监分局",
        "推" * 40,
        "正常推进",
        "红灯（已过完成时限2026年6月30日；牵头单位本期未报送）",
    ]
    before = [11.0, 20.9, 29.3, 27.4, 101.2, 19.5, 15.7]  # each column's own width: 预警 3 characters a line
    assert row_lines(reasons, before, 12) == 9
    widths = report_widths(columns, rows=[reasons])
    # 4 lines, as many as 推进情况 takes: from 32 mm on, a wider 预警 would only narrow 推进情况
    assert widths == [11.0, 20.9, 29.3, 27.4, 84.9, 19.5, 32] and row_lines(reasons, widths, 12) == 4
    units = ["1", "产品质量", "目" * 10, "牵头：" + "区某某某局、" * 8, "推" * 40, "正常推进", "绿灯"]
    widths = report_widths(columns, rows=[units])
    assert widths == [11.0, 20.9, 29.3, 36, 92.6, 19.5, 15.7]
    assert (row_lines(units, before, 12), row_lines(units, widths, 12)) == (9, 7)


def test_a_crowded_table_goes_down_to_wuhao_never_below(reported):
    from dutytable.report import row_lines, table_size
    from dutytable.wordml import PT_5, PT_S4

    assert row_lines(["一二三四五六七八九十" * 3, "短"], [45, 20], 12) == 3  # 10 characters a line at 小四
    assert row_lines(["一二三四五六七八九十" * 3, "短"], [44, 20], 12) == 4  # 9 in 44 mm
    assert row_lines(["a\nb\n", ""], [45, 20], 12) == 3
    assert table_size([["字" * 30]] * 3, [45]) == PT_S4  # 3 lines a row: many rows a page
    assert table_size([["字" * 300]] * 3, [45]) == PT_5  # 30 lines a row: one or two a page


def test_reminder_is_a_proper_notice_with_a_new_deadline_and_the_signature_indented(reported):
    config, table, summary, written = reported
    d = docx.Document(str(written[2]))
    s = d.sections[0]
    assert (s.orientation, round(s.page_width.mm)) == (0, 210)
    assert [round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [37, 35, 28, 26]
    assert round(s.footer_distance.mm) == 21  # the page number 7 mm below the type area
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "关于催报2010年11月\n区质量振兴工作推进情况的通知"
    assert texts[1] == "各有关单位："
    assert texts[2] == (
        "2010年11月区质量振兴工作推进情况填报表的报送截止日期为2010年11月25日。截至2010年11月28日，"
        "仍有20个单位尚未报送。报送截止日期已过，请于2010年12月1日前按要求填写下发的填报表，"
        "报送区质量振兴工作领导小组办公室。"
    )
    # 20 units in one paragraph, so that the notice keeps to one page; 区有关部门 gets no form: never chased
    assert texts[3].startswith("尚未报送的单位（共20个，括号内为应报任务数）：园区办（14项）、春江镇（18项）、")
    assert texts[3].endswith("、地税四分局（1项）、安监局（1项）。") and texts[3].count("项）") == 20
    assert "区有关部门" not in texts[3] and texts[4] == ""
    assert texts[-2:] == ["区质量振兴工作领导小组办公室", "2010年11月28日"]
    # §7.3.5.2 without a seal: the 署名 two characters in from the right, the date's first character
    # two right of the 署名's first: the type area is 442.2 pt; 14 characters of 三号 (16 pt) and 2 to spare.
    name, date = d.paragraphs[-2], d.paragraphs[-1]
    assert (name.paragraph_format.left_indent.pt, date.paragraph_format.left_indent.pt) == (186.2, 218.2)
    assert name.alignment == date.alignment == 0  # left: the date starts where it should whatever its digits' width
    assert name.style.name == date.style.name == "公文落款"


def test_reminder_before_the_deadline_keeps_it_names_few_units_and_gives_the_contact(workdir, reported):
    config, table, summary, written = reported
    from dutytable.notices import write_reminder

    config.contact, config.phone = "张三", "0519-85123456"
    summary = replace(summary, recipients=summary.not_reported[:2])
    path = write_reminder(summary, config, dt.date(2010, 11, 20))
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert texts[1] == "园区办、春江镇："
    assert texts[2] == (
        "2010年11月区质量振兴工作推进情况填报表的报送截止日期为2010年11月25日。截至2010年11月20日，"
        "仍有2个单位尚未报送。请于2010年11月25日前按要求填写下发的填报表，报送区质量振兴工作领导小组办公室。"
    )
    assert texts[3] == "尚未报送的单位（共2个，括号内为应报任务数）：园区办（14项）、春江镇（18项）。"
    assert texts[4] == "联系人：张三，联系电话：0519-85123456。"
    assert texts[-1] == "2010年11月20日"


def test_no_reminder_when_every_unit_has_reported(reported):
    config, table, summary, written = reported
    summary = replace(summary, recipients=[replace(r, state="已报送") for r in summary.recipients])
    _, written, notes = make_report(config, table, P, today=TODAY, pdf=False, summary=summary)
    assert [p.name for p in written] == [A1, A2, "预警通报_2010-11.docx"]  # the tasks' lights are another matter
    # The notice an earlier run wrote is no longer true: kept under a name that says it was replaced.
    kept = list((config.outbox / "2010-11").glob("催报通知_2010-11.备份-*.docx"))
    assert len(kept) == 1 and not (config.outbox / "2010-11" / "催报通知_2010-11.docx").exists()
    assert notes == [
        "全部单位均已报送，无需催报。",
        f"原有的 催报通知_2010-11.docx 已改名为 {kept[0].name}，不必再发。",
    ]
    _, _, notes = make_report(config, table, P, today=TODAY, pdf=False, summary=summary)
    assert notes == ["全部单位均已报送，无需催报。"]


def test_a_template_restyled_in_word_is_used_by_style_name(workdir, reported):
    config, table, summary, written = reported
    d = docx.Document(str(config.word_template))
    d.styles["表格文字"].font.size = docx.shared.Pt(12)
    d.styles["表格文字"].element.set(W + "styleId", "a7")  # Word's own style IDs for Chinese names
    d.save(str(config.word_template))
    _, written, _ = make_report(config, table, P, today=TODAY, pdf=False)
    out = docx.Document(str(written[0]))
    cell = out.tables[0].rows[2].cells[3].paragraphs[0]
    assert cell.style.name == "表格文字" and cell.style.font.size.pt == 12


def test_a_template_without_the_styles_is_one_line(workdir, reported):
    config, table, summary, written = reported
    docx.Document().save(str(config.word_template))
    result = run_script("report.py", "--config", config.path, "--period", "2010-11", "--no-pdf")
    assert result.returncode == 3
    assert result.stderr == (
        f"Word 模板 {config.word_template} 中缺少样式“附件标记、附件标题、公文正文、表格文字、表格表头、公文落款”："
        "修改模板时请不要删除或改名这些样式，或运行 python scripts/build_word_template.py 重新生成。\n"
    )


def test_the_shipped_template_is_what_the_build_script_makes(tmp_path):
    build_template(tmp_path / "t.docx")
    for member in ("word/styles.xml", "word/document.xml", "word/settings.xml", "word/footer1.xml"):
        assert xml(tmp_path / "t.docx", member) == xml(ROOT / "templates" / "附件模板.docx", member), member


MM = 72 / 25.4  # PDF points per millimetre
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext 未安装（Debian: poppler-utils），无法读取 PDF 文字"
)


def pdf_pages(pdf):
    """[(width, height, [(xMin, yMin, xMax, yMax, word)])] of each page, from pdftotext -bbox."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    pages = []
    for size, height, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [
            (float(a), float(b), float(c), float(d), w)
            for a, b, c, d, w in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', body
            )
        ]
        pages.append((float(size), float(height), words))
    return pages


@pytest.fixture(scope="module")
def demo_outputs(tmp_path_factory):
    """The demo's month, run once for the module: its 附件 as .docx and as PDF (LibreOffice)."""
    root = tmp_path_factory.mktemp("demo")
    result = run_script("demo.py", "--config", fresh_clone(root), "--period", "2010-11")
    assert result.returncode == 0, result.stderr
    return root / "outbox" / "演示" / "outbox" / "2010-11", result.stdout.splitlines()


@needs_libreoffice
@needs_pdftotext
def test_the_demo_attachment_prints_on_few_full_pages_with_every_category(demo_outputs):
    out, lines = demo_outputs
    assert "全部单位均已报送，无需催报。" in lines and not (out / "催报通知_2010-11.docx").exists()
    pages = pdf_pages(out / A1.replace(".docx", ".pdf"))
    # the columns balanced: 7 pages (8 while only 工作目标 and 推进情况 shared, 9 when 工作目标 was 30 mm)
    assert 1 <= len(pages) <= 7
    bands = ["一、提高质量水平", "二、夯实标准计量基础", "三、推进品牌建设", "四、严格质量监管", "五、加强宣传培训"]
    table_bottom = (210 - 26) * MM  # the type area's bottom edge: the table ends above it
    for n, (width, height, words) in enumerate(pages, start=1):
        assert width > height
        body = [w for w in words if not re.fullmatch(r"[—\d]+", w[4])]  # all but the page number "— 1 —"
        lowest = max(w[3] for w in body)
        assert lowest <= table_bottom + 1, f"page {n}: text at {lowest / MM:.0f} mm, below the table"
        if n < len(pages):
            full = (lowest - 28 * MM) / ((210 - 28 - 26) * MM)
            assert full >= 0.6, f"page {n} is {full:.0%} full"
    text = "".join(w[4] for _, _, words in pages for w in words)
    assert all(b in text for b in bands)
    for task_id, seq, category, item, *_ in EXPECTED:
        assert item in text, item
    raw = subprocess.run(
        ["pdftotext", "-raw", str(out / A1.replace(".docx", ".pdf")), "-"], capture_output=True, text=True
    ).stdout.splitlines()
    assert [line for line in raw if line[:1] in tuple("，、。；：】）！？")] == []  # no line begins with a closing mark


def test_in_the_demo_each_progress_cell_begins_with_its_lead(demo_outputs):
    out, _ = demo_outputs
    d = docx.Document(str(out / A1))
    leads = {e[3]: e[4][0] for e in EXPECTED}
    rows = [cell_texts(r) for t in d.tables for r in t._tbl.findall(f"{W}tr")[1:] if len(r.findall(f"{W}tc")) > 1]
    assert len(rows) == 18
    # 五号; the columns share the width so that the rows are shortest (预警 17 mm, 责任单位 28 mm: 7 pages)
    grid = d.tables[0]._tbl.find(f"{W}tblGrid").findall(f"{W}gridCol")
    assert [round(int(g.get(W + "w")) / 56.7, 1) for g in grid] == [10.0, 23.9, 51.0, 28.0, 76.3, 18.8, 17.0]
    written = {"区有关部门": "区相关部门"}  # 宣传 and 培训 write their lead so: [aliases] 区相关部门 = 区有关部门
    for row in rows:
        lead = leads[row[1]]
        assert row[4].startswith(f"{written.get(lead, lead) if '区相关部门' in row[3] else lead}（牵头"), row[4][:40]
    # 区有关部门, no group expanding it, got no form: it says so first, and T0501's first asked lead follows it
    by_item = {row[1]: row for row in rows}
    assert by_item["打假治劣"][4].split("\n")[0] == "区有关部门（牵头）：未发填报表。"
    assert by_item["打假治劣"][3] == "牵头：区有关部门（未发填报表）\n配合：各镇、街道"
    assert by_item["打假治劣"][5:] == ["未明确牵头单位", "黄灯（牵头单位未明确具体单位）"]
    assert by_item["宣传"][4].split("\n")[:1] == ["区相关部门（牵头）：未发填报表。"]  # as its 责任单位 writes it
    assert by_item["宣传"][4].split("\n")[1].startswith("春江镇（牵头，正常推进）：")


@needs_libreoffice
@needs_pdftotext
def test_the_printed_reminder_signs_as_the_standard_says(reported):
    from dutytable.wordml import to_pdf

    config, table, summary, written = reported
    pdf, why = to_pdf(written[2])
    assert why == ""
    assert len(pdf_pages(pdf)) == 1  # 21 units yet to report, the notice on one page
    words = [w for _, _, page in pdf_pages(pdf) for w in page]
    name = next(w for w in words if w[4] == "区质量振兴工作领导小组办公室")
    date = next(w for w in words if w[4] == "2010" and w[1] > name[3])  # on the next line
    right_edge = (210 - 26) * MM
    assert abs(right_edge - name[2] - 32) < 2  # two characters of 三号 in from the right
    assert abs(date[0] - name[0] - 32) < 2  # the date's first character two right of the 署名's
    assert date[1] - name[3] < 16
    number = [w for w in words if re.fullmatch(r"\d+", w[4]) and w[1] > (297 - 35) * MM]
    assert number and all(5 * MM < w[1] - (297 - 35) * MM < 9 * MM for w in number)  # 7 mm below the text


def test_every_document_breaks_lines_the_chinese_way_and_says_nothing_of_the_template(reported):
    """中文版式 on in each document, whatever the template: no line begins with ，、。】 nor ends with 【（."""
    config, table, summary, written = reported
    for path in written:
        with zipfile.ZipFile(path) as z:
            styles, settings = z.read("word/styles.xml").decode("utf-8"), z.read("word/settings.xml").decode("utf-8")
        assert '<w:pPrDefault><w:pPr><w:kinsoku w:val="1"/>' in styles, path.name
        before = re.search(r'<w:noLineBreaksBefore w:lang="zh-CN" w:val="([^"]*)"/>', settings)[1]
        after = re.search(r'<w:noLineBreaksAfter w:lang="zh-CN" w:val="([^"]*)"/>', settings)[1]
        assert all(ch in before for ch in "，、。；：】）”！？") and all(ch in after for ch in "【（“《"), path.name
        assert settings.index("noLineBreaksAfter") < settings.index("noLineBreaksBefore")  # the schema's order
        with zipfile.ZipFile(path) as z:  # nothing of the template's own application, pages or template name
            assert (
                z.read("docProps/app.xml")
                .decode("utf-8")
                .endswith("<Application>dutytable</Application><DocSecurity>0</DocSecurity></Properties>")
            ), path.name


def test_a_row_names_its_units_as_it_writes_them(reported):
    """T0501's row writes 区相关部门 ([aliases]: 区有关部门, as T0401 writes it): its 推进情况 says 区相关部门 too."""
    config, table, summary, written = reported
    rows = [cell_texts(r) for r in docx.Document(str(written[0])).tables[0]._tbl.findall(f"{W}tr")[1:]]
    by_item = {r[1]: r for r in rows if len(r) > 1}
    assert by_item["宣传"][3] == "牵头：区相关部门（未发填报表）、各镇、街道"  # a collective: no form went to it
    assert by_item["宣传"][4].split("\n")[0] == "区相关部门（牵头）：未发填报表。"  # as the row writes it
    assert by_item["打假治劣"][3].startswith("牵头：区有关部门") and by_item["打假治劣"][4].startswith(
        "区有关部门（牵头）"
    )


def test_statuses_that_need_attention_are_bold_in_the_attachment(reported):
    config, table, summary, written = reported
    d = docx.Document(str(written[0]))
    seen = {}
    for tbl in d.tables:
        for row in tbl._tbl.findall(f"{W}tr"):
            cells = row.findall(f"{W}tc")
            if len(cells) < 6 or row.find(f"{W}trPr/{W}tblHeader") is not None:
                continue
            runs = cells[5].findall(f".//{W}r")
            text = "".join(t.text for t in cells[5].iter(f"{W}t"))
            seen.setdefault(text, set()).update(r.find(f"{W}rPr/{W}b") is not None for r in runs)
    # black and white: 未启动, 未报送, 未明确牵头单位 and 进度滞后 stand out by weight, 已完成 and 正常推进 do not
    assert seen == {
        "已完成": {False},
        "正常推进": {False},
        "未报送": {True},
        "未启动": {True},
        "未明确牵头单位": {True},
    }


def test_no_attachment_or_notice_shows_config_words(reported):
    from printcheck import config_words

    config, table, summary, written = reported
    assert [p.name.split("_")[0] for p in written] == ["附件1", "附件2", "催报通知", "预警通报"]
    assert [config_words(p) for p in written] == [[], [], [], []]
