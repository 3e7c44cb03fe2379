"""Stage 7: the 年度汇总 over three periods run through generate, returns and collect."""

import datetime as dt
import re
import shutil
import subprocess

import docx
import openpyxl
import pytest
from conftest import SEED_TABLE, needs_libreoffice, open_in_excel, run_script, run_with_setting, seed_tool, set_section
from docx.shared import Mm
from dutytable import pipeline
from dutytable.annual import UnitMonth, annual_line, summarize_year
from dutytable.annual_word import report_path
from dutytable.annual_xlsx import make_annual, workbook_path
from dutytable.cli import Annual, main
from dutytable.collect import Collector
from dutytable.config import Assessment, load_config
from dutytable.model import Period
from dutytable.scheduling import REPORT_DAY, STEPS
from dutytable.wordml import to_pdf
from returns import age, fill, prepare

SEP, OCT, NOV = Period(2010, 9), Period(2010, 10), Period(2010, 11)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BEHIND_T0101 = {"T0101": {"完成状态": "进度滞后", "推进情况": "抽检合格率90%"}}
# (when the file arrives, period, unit, fill options). Deadline: the 25th.
EVENTS = [
    (dt.datetime(2010, 9, 20, 9), SEP, "质监分局", {"rows": BEHIND_T0101, "indicators": {"T0101-2": 90}}),
    (dt.datetime(2010, 9, 21, 9), SEP, "环保局", {}),
    (dt.datetime(2010, 9, 22, 9), SEP, "安监局", {}),
    (dt.datetime(2010, 9, 28, 9), SEP, "药监分局", {}),  # 3 days late
    (
        dt.datetime(2010, 10, 20, 9),
        OCT,
        "质监分局",
        {"rows": {"T0101": {"完成状态": "进度滞后", "推进情况": "抽检合格率91%"}}, "indicators": {"T0101-2": 91}},
    ),
    # 环保局 forgets 推进情况 on T0104 (待补正), then sends the corrected form; 安监局 skips October.
    (dt.datetime(2010, 10, 22, 9), OCT, "环保局", {"rows": {"T0104": {"推进情况": None}}}),
    (dt.datetime(2010, 10, 24, 9), OCT, "环保局", {"progress": "已补正推进情况"}),
    (dt.datetime(2010, 10, 27, 9), OCT, "药监分局", {}),  # 2 days late
    (dt.datetime(2010, 11, 18, 9), NOV, "药监分局", {}),
    (
        dt.datetime(2010, 11, 20, 9),
        NOV,
        "质监分局",
        {"rows": {"T0101": {"推进情况": "抽检合格率93%"}}, "indicators": {"T0101-2": 93}},
    ),
    (dt.datetime(2010, 11, 21, 9), NOV, "环保局", {}),
    (dt.datetime(2010, 11, 23, 9), NOV, "安监局", {}),
]
UNREPORTED = [
    "园区办",
    "春江镇",
    "孟河镇",
    "新桥镇",
    "薛家镇",
    "罗溪镇",
    "西夏墅镇",
    "三井街道",
    "河海街道",
    "龙虎塘街道",
    "城建局",
    "经发局",
    "社会事业局",
    "工商分局",
    "交通分局",
    "科技局",
    "农业局",
    "国税局",
    "地税四分局",
]
# 区有关部门, which no group expands, gets no form: it is no unit of 单位报送, neither scored nor ranked


def _fresh(tmp_path_factory, name):
    return seed_tool(tmp_path_factory.mktemp(name))


def run_year(workdir, events):
    """Generate each period's forms, then drop and collect each return at its own moment."""
    forms = {}
    for period in sorted({e[1] for e in events}):
        config, table, forms[period] = prepare(workdir, period)
    for n, (when, period, unit, options) in enumerate(events):
        dest = fill(forms[period][unit], workdir / "inbox" / f"{unit}_{period}_{n}.xlsx", **options)
        age(dest, when.timestamp())
        Collector(config, table, now=lambda when=when: when, settle_seconds=0).run(period)
    return load_config(workdir / "config.ini"), pipeline.load(config)


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    workdir = _fresh(tmp_path_factory, "year")
    config, table = run_year(workdir, EVENTS)
    annual, written = make_annual(config, table, 2010)
    return config, table, annual, written


def _rows(path, sheet):
    ws = openpyxl.load_workbook(path)[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_the_files_are_named_from_the_year_and_config(year):
    config, table, annual, written = year
    assert written == [
        config.outbox / "2010年度汇总.xlsx",
        config.outbox / "附件1_2010年区质量振兴工作单位报送情况年度汇总表.docx",
    ]
    assert openpyxl.load_workbook(written[0]).sheetnames == ["任务进度", "单位报送", "指标"]


def test_units_sheet_cell_by_cell_with_rates_scores_and_ranks(year):
    config, table, annual, written = year
    rows = _rows(written[0], "单位报送")
    assert rows[0][0] == "2010年区质量振兴工作单位报送（2010年）"
    assert rows[1] == ["序号", "填报单位", "9月", "10月", "11月", "按时报送率", "补正次数", "得分", "排名", "说明"]
    body = {r[1]: r for r in rows[2:25]}
    assert "区有关部门" not in body
    assert body["质监分局"] == [1, "质监分局", "按时", "按时", "按时", 1, 0, 30, 1, None]
    assert body["药监分局"] == [2, "药监分局", "逾期3天", "逾期2天", "按时", pytest.approx(1 / 3), 0, 22, 3, None]
    assert body["环保局"] == [18, "环保局", "按时", "按时，已补正", "按时", 1, 1, 30, 1, None]
    assert body["安监局"] == [23, "安监局", "按时", "未报送", "按时", pytest.approx(2 / 3), 0, 20, 4, None]
    for name in UNREPORTED:
        assert body[name][2:] == ["未报送", "未报送", "未报送", 0, 0, 0, 5, None], name
    assert [r[1] for r in rows[2:25]] == [r.name for r in table.recipients(config.departments)]
    assert rows[26][0] == (
        "评分规则：每期按时报送得10分，逾期报送得6分，报送后仍待补正得4分"
        "（逾期且待补正取两者中较低的），未报送得0分；按时与否以该期第一份有效报送的收到日期与截止日期比较；"
        "无数据的月份不计分。"
    )
    ws = openpyxl.load_workbook(written[0])["单位报送"]
    assert ws["F4"].number_format == "0.0%" and ws["F4"].data_type == "n"  # a number, shown as 33.3%


def test_tasks_sheet_cell_by_cell(year):
    config, table, annual, written = year
    rows = _rows(written[0], "任务进度")
    assert rows[0][0] == "2010年区质量振兴工作任务进度（2010年）"
    assert rows[1] == [
        "任务编号",
        "工作内容",
        "牵头部门",
        "9月",
        "10月",
        "11月",
        "最近一期推进情况",
        "进度滞后期数",
        "未启动期数",
        "说明",
    ]
    body = {r[0]: r for r in rows[2:20]}
    # Each month: the status, and under it the month's light with its reason.
    assert body["T0101"] == [
        "T0101",
        "产品质量",
        "质监分局、药监分局",
        "进度滞后\n黄灯（本期进度滞后）",
        "进度滞后\n红灯（连续两期进度滞后）",
        "正常推进\n绿灯",
        "质监分局：抽检合格率93%；药监分局：本月已按计划推进。",
        2,
        0,
        None,
    ]
    # its counts reported at 1 each month: below their 序时进度 of 30 September, 31 October and 30 November
    assert body["T0104"] == ["T0104", "环境质量", "环保局"] + [
        f"正常推进\n黄灯（5项指标低于序时进度：完成0%～33%，序时{share}%）" for share in (75, 83, 92)
    ] + ["环保局：本月已按计划推进。", 0, 0, None]
    # 安监局, the first lead, skipped October: by the default status_rule (main_lead) that month is 未报送
    assert body["T0402"] == [
        "T0402",
        "确保安全生产",
        "安监局、质监分局",
        "正常推进\n绿灯",
        "未报送\n黄灯（牵头单位本期未报送）",
        "正常推进\n绿灯",
        "安监局：本月已按计划推进；质监分局：本月已按计划推进。",
        0,
        0,
        None,
    ]
    assert body["T0102"] == ["T0102", "工程质量", "城建局", "未报送\n黄灯（牵头单位本期未报送）"] + [
        "未报送\n红灯（牵头单位连续两期未报送）"
    ] * 2 + [None, 0, 0, None]
    assert len(rows) == 2 + 18 + 2  # the tasks, a blank row, the note
    ws = openpyxl.load_workbook(written[0])["任务进度"]
    assert ws["D3"].fill.fgColor.rgb == "FFFFEB9C"  # 进度滞后 coloured as in 汇总
    assert ws["F3"].fill.fgColor.rgb == "FFF2F2F2"


def test_indicators_sheet_with_values_per_period_and_a_chart(year):
    config, table, annual, written = year
    rows = _rows(written[0], "指标")
    assert rows[1] == [
        "指标编号",
        "工作内容",
        "指标名称",
        "目标",
        "填报单位",
        "9月",
        "10月",
        "11月",
        "最近一期完成值",
        "序时进度",
        "达标情况",
    ]
    n = len(table.indicators)
    body = {r[0]: r for r in rows[2 : 2 + n]}
    assert rows[2 + n] == [None] * 11 and len(body) == n
    assert body["T0101-2"] == [
        "T0101-2",
        "产品质量",
        "工业产品生产许可证产品抽检平均合格率",
        "≥92%",
        "质监分局",
        90,
        91,
        93,
        93,
        "不适用",
        "达标",
    ]
    assert body["T0102-1"][5:] == ["未填报", "未填报", "未填报", None, "不适用", "未填报"]
    assert body["T0104-1"][8:] == [1, 65, "未达标"]  # 71吨 × 334/365, as of November's end
    assert body["T0101-4"][3] == "达100%"  # the target as the table writes it, as in every output
    ws = openpyxl.load_workbook(written[0])["指标"]
    assert len(ws._charts) == 1


def test_the_word_attachment_prints_like_attachment_1(year):
    config, table, annual, written = year
    d = docx.Document(str(written[1]))
    assert [(p.style.name, p.text) for p in d.paragraphs] == [
        ("附件标记", "附件1"),
        ("公文正文", ""),
        ("附件标题", "2010年区质量振兴工作单位报送情况年度汇总表"),
        ("公文正文", "（2010年9月至11月，截至2010年11月30日）"),
        (
            "公文正文",
            "评分规则：每期按时报送得10分，逾期报送得6分，报送后仍待补正得4分（逾期且待补正取两者中较低的），"
            "未报送得0分；按时与否以该期第一份有效报送的收到日期与截止日期比较；无数据的月份不计分。",
        ),
    ]
    props = d.core_properties
    assert (props.title, props.author, props.comments) == (
        "2010年区质量振兴工作单位报送情况年度汇总表",
        "区质量振兴工作领导小组办公室",
        "",
    )
    s = d.sections[0]
    assert (s.orientation, round(s.page_width.mm), round(s.page_height.mm)) == (1, 297, 210)
    assert [round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [28, 26, 35, 37]
    tbl = d.tables[0]._tbl
    rows = tbl.findall(f"{W}tr")
    assert len(rows) == 24  # the head and 23 units: 区有关部门 gets no form
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    texts = [["".join(t.text for t in tc.iter(f"{W}t")) for tc in r.findall(f"{W}tc")] for r in rows]
    assert texts[0] == ["序号", "填报单位", "9月", "10月", "11月", "按时报送率", "补正次数", "得分", "排名"]
    # by rank (annual_order = rank, the default), equal ranks in the table's order; 序号 as printed
    assert texts[1] == ["1", "质监分局", "按时", "按时", "按时", "100.0%", "0", "30", "1"]
    assert texts[2] == ["2", "环保局", "按时", "按时，已补正", "按时", "100.0%", "1", "30", "1"]
    assert texts[3] == ["3", "药监分局", "逾期3天", "逾期2天", "按时", "33.3%", "0", "22", "3"]
    assert texts[4] == ["4", "安监局", "按时", "未报送", "按时", "66.7%", "0", "20", "4"]
    assert [t[1] for t in texts[5:]] == UNREPORTED and {t[-1] for t in texts[5:]} == {"5"}
    widths = [int(g.get(W + "w")) for g in tbl.find(f"{W}tblGrid").findall(f"{W}gridCol")]
    type_area = Mm(297 - 35 - 37).twips
    assert type_area - 20 <= sum(widths) <= type_area
    # every head on one line at 小四 (12 pt, 4.23 mm a character, 2 mm of margins, 0.5 to spare): 序号 11 mm, 按时报送率 23.7
    assert [round(w / 56.7, 1) for w in widths] == [11.0, 34.0, 38.3, 38.3, 38.3, 23.7, 19.5, 11.0, 11.0]
    styles = {p.style.name for r in d.tables[0].rows for c in r.cells for p in c.paragraphs}
    assert styles == {"表格表头", "表格文字"}


def test_the_latest_value_is_one_rule_for_progress_and_indicators(tmp_path_factory):
    """December has one return (环保局): the tasks and indicators the others reported in November show
    November's, after its month, and the indicator is judged by it."""
    workdir = _fresh(tmp_path_factory, "latest")
    dec = Period(2010, 12)
    config, table = run_year(workdir, EVENTS + [(dt.datetime(2010, 12, 20, 9), dec, "环保局", {})])
    _, written = make_annual(config, table, 2010, dt.date(2011, 1, 5))
    tasks = {r[0]: r for r in _rows(written[0], "任务进度")[2:20]}
    assert tasks["T0101"][6:8] == [
        "未报送\n黄灯（牵头单位本期未报送）",
        "（11月）质监分局：抽检合格率93%；药监分局：本月已按计划推进。",
    ]
    assert tasks["T0104"][6:8] == [
        "正常推进\n黄灯（5项指标低于序时进度：完成0%～33%，序时100%）",
        "环保局：本月已按计划推进。",
    ]
    indicators = {r[0]: r for r in _rows(written[0], "指标")[2:]}
    assert indicators["T0101-2"][5:] == [90, 91, 93, "未填报", "（11月）93", "不适用", "达标"]
    assert indicators["T0101-4"][5:] == [100, 100, 100, "未填报", "（11月）100", "不适用", "达标"]
    assert indicators["T0102-1"][5:] == ["未填报", "未填报", "未填报", "未填报", None, "不适用", "未填报"]
    assert indicators["T0104-1"][5:] == [1, 1, 1, 1, 1, 71, "未达标"]  # 序时 71吨: the whole year has passed


def test_the_word_attachment_in_the_tables_order_and_a_year_of_twelve_months(tmp_path_factory):
    from dutytable.annual_word import word_columns

    workdir = _fresh(tmp_path_factory, "order")
    path = workdir / "config.ini"
    path.write_text(
        path.read_text(encoding="utf-8").replace("annual_order = rank", "annual_order = table"), encoding="utf-8"
    )
    config, table = run_year(workdir, EVENTS[:4])
    _, written = make_annual(config, table, 2010, dt.date(2010, 12, 1))
    rows = docx.Document(str(written[1])).tables[0]._tbl.findall(f"{W}tr")
    names = ["".join(t.text for t in r.findall(f"{W}tc")[1].iter(f"{W}t")) for r in rows[1:]]
    assert names == [r.name for r in table.recipients(config.departments)]
    # twelve months at 小四 would leave each 9.5 mm: the table goes to 五号, its heads still on one line
    columns, small = word_columns([f"2010-{m:02}" for m in range(1, 13)])
    assert small and [w for _, w in columns][:2] == [10.0, 34] and round(columns[2][1], 1) == 10.2
    assert word_columns(["2010-09"]) == (
        [
            ("序号", 11.0),
            ("填报单位", 34),
            ("9月", 114.8),
            ("按时报送率", 23.7),
            ("补正次数", 19.5),
            ("得分", 11.0),
            ("排名", 11.0),
        ],
        False,
    )


def _assessment(path, lines):
    """config.ini's [assessment] with only ``lines`` in it."""
    set_section(path, "assessment", lines)


def test_the_score_follows_config(workdir):
    path = workdir / "config.ini"
    _assessment(path, "on_time = 5\nlate = 3\nto_fix = 2\n")
    config = load_config(path)
    assert config.assessment == Assessment(on_time=5, late=3, to_fix=2, missing=0)
    assert config.warnings == []
    late_to_fix = UnitMonth(dt.date(2010, 11, 27), days_late=2, fixes=1, still_to_fix=True)
    assert (late_to_fix.text, late_to_fix.points(config.assessment)) == ("待补正（逾期2天）", 2)
    on_time_to_fix = UnitMonth(dt.date(2010, 11, 20), fixes=1, still_to_fix=True)
    assert (on_time_to_fix.text, on_time_to_fix.points(config.assessment)) == ("待补正", 2)
    assert (UnitMonth(None).text, UnitMonth(None).points(config.assessment)) == ("未报送", 0)


@pytest.mark.parametrize(
    "line, message",
    [
        ("on_time = 十", "的 [assessment] on_time = 十 无效：应为 0 到 100 之间的整数，例如 10。"),
        ("late = 101", "的 [assessment] late = 101 无效：应为 0 到 100 之间的整数，例如 6。"),
    ],
)
def test_a_bad_score_in_config_is_one_line(workdir, line, message):
    path = workdir / "config.ini"
    got = run_with_setting(path, "assessment", line + "\n", "annual.py", "--year", "2010")
    assert got == (2, f"配置文件 {path} {message}\n")


def test_an_unknown_assessment_key_is_a_warning(workdir):
    path = workdir / "config.ini"
    _assessment(path, "on_tme = 8\n")
    assert load_config(path).warnings == [
        f"配置文件 {path} 的 [assessment] on_tme：不认识的设置，是不是 on_time？这一项没有起作用。"
    ]


def test_a_month_without_any_return_is_no_data_not_zero(tmp_path_factory):
    workdir = _fresh(tmp_path_factory, "gap")
    events = [e for e in EVENTS if e[1] != OCT]
    config, table = run_year(workdir, events)
    annual, written = make_annual(config, table, 2010)
    units = {r[1]: r for r in _rows(written[0], "单位报送")[2:26]}
    assert units["药监分局"][2:9] == [
        "逾期3天",
        "无数据",
        "按时",
        0.5,
        0,
        16,
        4,
    ]  # 质监分局, 环保局, 安监局 share rank 1
    assert units["安监局"][2:9] == ["按时", "无数据", "按时", 1, 0, 20, 1]
    tasks = {r[0]: r for r in _rows(written[0], "任务进度")[2:20]}
    # November looks back at October, which has no data: not 连续两期 anything
    assert tasks["T0101"][3:9] == [
        "进度滞后\n黄灯（本期进度滞后）",
        "无数据",
        "正常推进\n绿灯",
        "质监分局：抽检合格率93%；药监分局：本月已按计划推进。",
        1,
        0,
    ]
    indicators = {r[0]: r for r in _rows(written[0], "指标")[2 : 2 + len(table.indicators)]}
    assert indicators["T0101-2"][5:8] == [90, "无数据", 93]
    rows = _rows(written[0], "任务进度")
    assert rows[-1][0] == "10月没有收到任何单位的报送，标为“无数据”，不是零。"


def test_one_period_has_no_chart(tmp_path_factory):
    workdir = _fresh(tmp_path_factory, "one")
    config, table = run_year(workdir, [e for e in EVENTS if e[1] == NOV])
    annual, written = make_annual(config, table, 2010)
    ws = openpyxl.load_workbook(written[0])["指标"]
    assert ws._charts == []
    assert annual.data_periods == ["2010-11"]


def test_the_script_writes_both_files_and_says_so(year):
    config, table, annual, written = year
    result = run_script("annual.py", "--config", config.path, "--year", "2010")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"已生成：{workbook_path(config, 2010)}",
        f"已生成：{report_path(config, 2010)}",
        "2010年共 3 期有报送（9月、10月、11月）；得分第一：质监分局、环保局。",
    ]


def test_a_year_without_returns_says_so(workdir):
    result = run_script("annual.py", "--config", workdir / "config.ini")  # the table's year, config.ini's 2010
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "2010年台账中还没有任何有效报送，年度汇总表各栏为空。"


@pytest.mark.parametrize("year", ["2011", "2026"])
def test_a_year_of_another_table_is_refused(workdir, year):
    """After next year's table is imported, its tasks and units would stand under the year before; a year
    with no table would rank every unit first."""
    ini = workdir / "config.ini"
    result = run_script("annual.py", "--config", ini, "--year", year)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"配置文件 {ini} 的 [report] year = 2010：年度汇总只能按这一年的责任分解表生成，"
        f"不能生成 {year} 年的。每年的年度汇总请在导入下一年的责任分解表之前生成（见 README.md“每年开始时”）。\n"
    )
    assert not list((workdir / "outbox").glob("*年度汇总*"))


@pytest.mark.parametrize("value", ["10", "二〇一〇", "20101"])
def test_a_bad_year_is_one_line(workdir, value):
    result = run_script("annual.py", "--config", workdir / "config.ini", "--year", value)
    assert result.returncode == 2
    assert result.stderr == f"参数错误：--year 后面要写四位数的年度，例如 2010，“{value}”无效。\n"


def test_summary_counts_only_the_year(year):
    annual = summarize_year(year[1], year[0], 2009)
    assert (annual.periods, annual.units[0].months, annual.units[0].score) == ([], {}, 0)


def _drop_task(workdir, task_id, renamed=None):
    """The shipped master table without ``task_id``'s row, as a clerk would delete it in Excel.

    ``renamed`` (old, new): the unit's new name as the 指标 sheet's 填报单位.
    """
    wb = openpyxl.load_workbook(SEED_TABLE)
    ws = wb["责任分解表"]
    ws.delete_rows(next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == task_id))
    for row in wb["指标"].iter_rows(min_row=2):
        if renamed and row[8].value == renamed[0]:
            row[8].value = renamed[1]
    wb.save(workdir / "templates" / "责任分解表.xlsx")


def test_a_table_changed_during_the_year_is_shown_as_such(tmp_path_factory):
    """September's table lacks T0502; November's lacks T0501, 安监局 is renamed and 春江镇 leaves [groups]."""
    workdir = _fresh(tmp_path_factory, "changed")
    _drop_task(workdir, "T0502")
    run_year(
        workdir,
        [
            (dt.datetime(2010, 9, 20, 9), SEP, "孟河镇", {}),
            (dt.datetime(2010, 9, 20, 10), SEP, "春江镇", {}),
            (dt.datetime(2010, 9, 21, 9), SEP, "安监局", {}),
        ],
    )
    _drop_task(workdir, "T0501", ("安监局", "区应急管理局"))
    wb = openpyxl.load_workbook(workdir / "templates" / "责任分解表.xlsx")  # 区教育局 joins T0502 in November
    ws = wb["责任分解表"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "T0502")
    ws.cell(row, 6).value += "、区教育局"
    wb.save(workdir / "templates" / "责任分解表.xlsx")
    path = workdir / "config.ini"
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("[aliases]\n", "[aliases]\n安监局 = 区应急管理局\n")
        .replace("= 春江镇、", "= "),
        encoding="utf-8",
    )
    # 孟河镇 says nothing of progress in November (its return is 待补正).
    config, table = run_year(
        workdir,
        [
            (dt.datetime(2010, 11, 20, 9), NOV, "孟河镇", {"progress": None}),
            (dt.datetime(2010, 11, 22, 9), NOV, "区应急管理局", {}),
        ],
    )
    annual, written = make_annual(config, table, 2010)
    tasks = _rows(written[0], "任务进度")
    body = {r[0]: r for r in tasks[2:20]}
    # 区有关部门, T0502's first lead, gets no form: by the default status_rule (main_lead) its first lead asked, 孟河镇
    # (春江镇 has left the group), counts: November is what 孟河镇 said (its return is 待补正, with no progress)
    assert body["T0502"] == [
        "T0502",
        "培训",
        "区有关部门（未发填报表）、各镇、街道、区教育局",
        "当期未列入",
        "无数据",
        "正常推进\n绿灯",
        None,
        0,
        0,
        None,
    ]
    # A return filed under the former name ([aliases]) counts for the unit in its month.
    assert body["T0402"] == [
        "T0402",
        "确保安全生产",
        "区应急管理局、质监分局",
        "正常推进\n绿灯",
        "无数据",
        "正常推进\n绿灯",
        "区应急管理局：本月已按计划推进。",
        0,
        0,
        None,
    ]
    # 区有关部门 alone leads it: no lead asked (未明确牵头单位); nothing said of progress in November: September's,
    # with its month (孟河镇 is a partner)
    assert body["T0403"][3:7] == [
        "未明确牵头单位\n黄灯（牵头单位未明确具体单位）",
        "无数据",
        "未明确牵头单位\n黄灯（牵头单位未明确具体单位）",
        "（9月）孟河镇：本月已按计划推进。",
    ]
    assert body["T0501"] == ["T0501", None, None, None, "无数据", None, None, None, None, "已从主表删除；9月有报送"]
    units = {r[1]: r[1:] for r in _rows(written[0], "单位报送")[2:27]}
    assert units["区应急管理局"] == ["区应急管理局", "按时", "无数据", "按时", 1, 0, 20, 1, None]
    # Not asked in September: neither 未报送 nor counted in the rate.
    assert units["区教育局"] == ["区教育局", "当期未列入", "无数据", "未报送", 0, 0, 0, 3, None]
    assert units["春江镇"] == [
        "春江镇",
        "按时",
        "无数据",
        "待核实",
        1,
        0,
        None,
        None,
        "不在当前主表中（可能已改名或撤销），不参与排名",
    ]
    d = docx.Document(str(written[1]))
    last = [c.text for c in d.tables[0].rows[-1].cells]
    assert last == ["24", "春江镇（不在当前主表中）", "按时", "无数据", "待核实", "100.0%", "0", "", ""]


def test_report_day_of_the_monthly_cycle_writes_the_year(year):
    config, table, annual, written = year
    for path in written:
        path.unlink()
    said = []
    pipeline.run_steps(config, NOV, STEPS[REPORT_DAY], dt.date(2010, 11, 28), said.append, pdf=False)
    assert STEPS[REPORT_DAY][-1] == pipeline.ANNUAL
    assert said[-3:] == [
        f"已生成：{written[0]}",
        f"已生成：{written[1]}",
        "2010年共 3 期有报送（9月、10月、11月）；得分第一：质监分局、环保局。",
    ]
    assert all(path.exists() for path in written)


@needs_libreoffice
@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext 未安装（Debian: poppler-utils），无法读取 PDF 文字"
)
def test_the_word_attachment_prints_landscape_with_every_unit(year):
    config, table, annual, written = year
    pdf, why = to_pdf(written[1])
    assert why == ""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    sizes = re.findall(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
    assert sizes and all(float(w) > float(h) for w, h in sizes), info
    text = re.sub(
        r"\s+", "", subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout
    )
    for unit in [r.name for r in table.recipients(config.departments)]:
        assert unit in text, unit
    assert "附件1" in text and "逾期3天" in text and "按时，已补正" in text


def test_a_deadline_column_adds_overdue_and_the_attachment_number_comes_from_config(tmp_path_factory):
    workdir = _fresh(tmp_path_factory, "deadline")
    path = workdir / "config.ini"
    path.write_text(
        path.read_text(encoding="utf-8").replace("attachment_annual = 1", "attachment_annual = 3"), encoding="utf-8"
    )
    config, _ = run_year(workdir, [e for e in EVENTS if e[1] == NOV])
    # The deadline column is added to the master table after the returns came in: only the ledger is read.
    wb = openpyxl.load_workbook(config.table)
    ws = wb["责任分解表"]
    ws["H1"] = "完成时限"
    ws["H2"], ws["H3"] = "9月底前", "年底前"  # T0101, T0102
    wb.save(config.table)
    annual, written = make_annual(config, pipeline.load(config), 2010)
    rows = _rows(written[0], "任务进度")
    assert rows[1] == [
        "任务编号",
        "工作内容",
        "牵头部门",
        "11月",
        "最近一期推进情况",
        "进度滞后期数",
        "未启动期数",
        "逾期未完成",
        "说明",
    ]
    assert rows[2] == [
        "T0101",
        "产品质量",
        "质监分局、药监分局",
        "逾期未完成（正常推进）\n红灯（逾期未完成，完成时限2010年9月30日）",
        "质监分局：抽检合格率93%；药监分局：本月已按计划推进。",
        0,
        0,
        "逾期未完成",
        None,
    ]
    assert rows[3] == ["T0102", "工程质量", "城建局", "未报送\n黄灯（牵头单位本期未报送）", None, 0, 0, None, None]
    assert written[1].name == "附件3_2010年区质量振兴工作单位报送情况年度汇总表.docx"
    assert docx.Document(str(written[1])).paragraphs[0].text == "附件3"


def test_a_workbook_open_in_excel_is_left_alone_with_one_line(year, monkeypatch, capsys):
    config, table, annual, written = year
    make_annual(config, table, 2010)
    open_in_excel(monkeypatch, written[0])
    before = written[0].read_bytes()
    assert main(Annual(), ["--config", str(config.path), "--year", "2010"]) == 4
    assert capsys.readouterr().err == f"无法写入 {written[0]}：文件可能正在被 Excel、WPS 或 Word 打开，请关闭后重试。\n"
    assert written[0].read_bytes() == before
    assert sorted(p.name for p in written[0].parent.glob(".~tmp-*")) == []


def _overview(path):
    """附件1's sentence above the table."""
    return [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "公文正文" and p.text][0]


def _not_reported_but(config, table, *names):
    return "、".join(r.name for r in table.recipients(config.departments) if r.name not in names)


def test_a_to_fix_return_corrected_after_the_deadline_is_on_time_in_the_month_and_the_year(tmp_path_factory):
    """One rule: lateness is the first accepted (incl. 待补正) return's receipt day against the deadline (the 25th)."""
    from dutytable.consolidate import consolidate
    from dutytable.report import make_report

    workdir = _fresh(tmp_path_factory, "corrected")
    config, table = run_year(
        workdir,
        [
            (dt.datetime(2010, 11, 20, 9), NOV, "环保局", {"rows": {"T0104": {"推进情况": None}}}),  # 待补正, on time
            (dt.datetime(2010, 11, 27, 9), NOV, "环保局", {}),  # corrected after the deadline
            (dt.datetime(2010, 11, 26, 9), NOV, "质监分局", {}),  # one day late
        ],
    )
    path, summary, note = consolidate(config, table, NOV, today=dt.date(2010, 11, 28))
    subs = {r[1]: r for r in openpyxl.load_workbook(path)["报送情况"].iter_rows(min_row=3, values_only=True)}
    assert subs["环保局"][2:6] == ("已报送", 4, "2010-11-27 09:00:00", None)  # the return that counts; not 逾期
    assert subs["环保局"][-1] == "已补正（此前收到的1份为待补正；是否逾期按2010-11-20收到的第一份判断）"
    assert subs["质监分局"][2:6] == ("已报送", 11, "2010-11-26 09:00:00", "逾期") and subs["质监分局"][-1] is None
    _, written, _ = make_report(config, table, NOV, today=dt.date(2010, 11, 28), pdf=False, summary=summary)
    assert _overview(written[0]).endswith(
        "应报送23个单位，已报送2个（其中逾期1个：质监分局），"
        f"未报送21个（{_not_reported_but(config, table, '环保局', '质监分局')}）。"
    )
    annual, written = make_annual(config, table, 2010)
    units = {r[1]: r for r in _rows(written[0], "单位报送")[2:26]}
    assert units["环保局"][2:8] == ["按时，已补正", 1, 1, 10, 1, None]
    assert units["质监分局"][2:8] == ["逾期1天", 0, 0, 6, 2, None]
    word = {r.cells[1].text: [c.text for c in r.cells] for r in docx.Document(str(written[1])).tables[0].rows[1:]}
    assert word["环保局"][2:] == ["按时，已补正", "100.0%", "1", "10", "1"]


def test_the_year_takes_every_status_text_as_the_month_does(tmp_path_factory):
    """A blank status and one outside the list: shown as written with （待核实）, counted as 待核实, never a KeyError."""
    workdir = _fresh(tmp_path_factory, "unclear")
    config, table = run_year(
        workdir,
        [
            (dt.datetime(2010, 11, 20, 9), NOV, "质监分局", {"rows": {"T0101": {"完成状态": None}}}),
            (dt.datetime(2010, 11, 20, 10), NOV, "环保局", {"rows": {"T0104": {"完成状态": "完成"}}}),
        ],
    )
    annual, written = make_annual(config, table, 2010)
    tasks = {r[0]: r for r in _rows(written[0], "任务进度")[2:20]}
    assert tasks["T0101"][3:] == [
        "未填写（待核实）\n黄灯（完成状态待核实）",
        "质监分局：本月已按计划推进。",
        0,
        0,
        None,
    ]
    assert tasks["T0104"][3] == "完成（待核实）\n黄灯（完成状态待核实；5项指标低于序时进度：完成0%～33%，序时92%）"
    ws = openpyxl.load_workbook(written[0])["任务进度"]
    row = {ws.cell(r, 1).value: r for r in range(3, 21)}
    assert ws.cell(row["T0101"], 4).fill.fgColor.rgb == ws.cell(row["T0104"], 4).fill.fgColor.rgb == "FFE4DFEC"
    units = {r[1]: r for r in _rows(written[0], "单位报送")[2:26]}
    assert units["质监分局"][2] == units["环保局"][2] == "待补正"


@pytest.mark.parametrize(
    "today, nov, scored",
    [
        (dt.date(2010, 11, 20), "未到截止日", False),
        (dt.date(2010, 11, 25), "未到截止日", False),  # the deadline's own day: units may still report
        (dt.date(2010, 11, 26), "未报送", True),
    ],
)
def test_a_month_whose_deadline_has_not_come_is_not_scored(tmp_path_factory, today, nov, scored):
    """October is scored; November (deadline the 25th) only once its deadline has passed."""
    workdir = _fresh(tmp_path_factory, "inprogress")
    config, table = run_year(
        workdir,
        [
            (dt.datetime(2010, 10, 20, 9), OCT, "质监分局", {}),
            (dt.datetime(2010, 10, 27, 9), OCT, "药监分局", {}),
            (dt.datetime(2010, 11, 18, 9), NOV, "质监分局", {}),
            (dt.datetime(2010, 11, 19, 9), NOV, "环保局", {"rows": {"T0104": {"推进情况": None}}}),
        ],
    )
    annual, written = make_annual(config, table, 2010, today=today)
    rows = _rows(written[0], "单位报送")
    units = {r[1]: r[2:9] for r in rows[2:26]}
    if scored:
        assert units["质监分局"] == ["按时", "按时", 1, 0, 20, 1, None]
        assert units["药监分局"] == ["逾期2天", "未报送", 0, 0, 6, 2, None]
        assert units["环保局"] == ["未报送", "待补正", 0.5, 1, 4, 3, None]
        assert units["城建局"] == ["未报送", "未报送", 0, 0, 0, 4, None]
        assert rows[-1][0].startswith("评分规则：")
    else:
        assert units["质监分局"] == ["按时", "按时", 1, 0, 10, 1, None]  # November's 按时 shown, not scored yet
        assert units["药监分局"] == ["逾期2天", nov, 0, 0, 6, 2, None]
        assert units["环保局"] == ["未报送", "待补正", 0, 1, 0, 3, None]
        assert units["城建局"] == ["未报送", nov, 0, 0, 0, 3, None]
        assert rows[-1][0] == (
            "11月的报送截止日（2010年11月25日）还没到：尚未报送的单位写“未到截止日”；这个月不计分，也不计入按时报送率。"
        )
        paragraphs = [p.text for p in docx.Document(str(written[1])).paragraphs]
        assert paragraphs[-1] == rows[-1][0]


def test_before_any_months_deadline_the_screen_ranks_no_unit(tmp_path_factory):
    """Only November has returns and its deadline (the 25th) has not come: nothing is scored, so no unit is
    said to be first (every unit would tie at 0, those that have not reported too)."""
    workdir = _fresh(tmp_path_factory, "unscored")
    config, table = run_year(workdir, [(dt.datetime(2010, 11, 18, 9), NOV, "质监分局", {})])
    annual, written = make_annual(config, table, 2010, today=dt.date(2010, 11, 20))
    assert annual_line(annual) == "2010年共 1 期有报送（11月）；报送截止日都还没到，尚未计分、排名。"
    assert {(u.score, u.rank) for u in annual.units} == {(None, None)}  # nor on paper: no 得分 0, no 排名 1
    units = {r[1]: r[2:] for r in _rows(written[0], "单位报送")[2:26]}
    assert units["质监分局"][:1] == ["按时"] and units["城建局"][:1] == ["未到截止日"]
    annual, _ = make_annual(config, table, 2010, today=dt.date(2010, 11, 26))
    assert annual_line(annual) == "2010年共 1 期有报送（11月）；得分第一：质监分局。"


def test_the_year_workbook_prints_its_chart_and_every_cell_whole(year):
    from printcheck import chart_refs, clipped_cells, hidden_chart_cells

    config, table, annual, written = year
    charts = chart_refs(written[0])
    assert len(charts) == 1 and charts[0][1]  # the 指标 chart, its data in the hidden block below the table
    assert hidden_chart_cells(written[0]) == []
    assert clipped_cells(written[0]) == []
    from printcheck import printed_sizes

    assert printed_sizes(written[0]) == {
        "任务进度": 9.4,
        "单位报送": 10.0,
        "指标": 10.0,
    }  # 宋体 10 pt, fitted; 任务进度's
    # months are 14 wide for the status and, under it, the light with its reason
    from printcheck import page_room, printed_pages

    wb = openpyxl.load_workbook(written[0])
    # the column unit is 宋体 10's digit, as in the 汇总表: no reader without Calibri widens the columns
    assert (wb._fonts[0].name, wb._fonts[0].sz) == ("宋体", 10)
    for name in ("任务进度", "单位报送"):  # the note under a table never on a page of its own
        ws = wb[name]
        pages = printed_pages(ws, 3)
        assert all(height <= page_room(ws) for _, height in pages), name
        assert all(
            sum(isinstance(ws.cell(r, 1).value, (int, str)) and ws.cell(r, 2).value is not None for r in rows) >= 2
            for rows, _ in pages
        ), (name, [len(r) for r, _ in pages])
    from dutytable.xlsx import page_breaks

    # 21 rows of 18.5 pt fill a page (465.6 pt of it); the blank row and the note under them would take the next
    # page alone (a break before the blank row, at 23): they stay with the last two units
    heights = [26, 33] + [18.5] * 21 + [15, 33]
    assert page_breaks(heights, 2, 33, 480) == [23] and page_breaks(heights, 2, 33, 480, tail=2) == [21]
    assert page_breaks([26, 33] + [18.5] * 10 + [15, 33], 2, 33, 480, tail=2) == []


def test_statuses_that_need_attention_are_bold_in_the_year_workbook_and_attachment(year):
    config, table, annual, written = year
    wb = openpyxl.load_workbook(written[0])
    units = {(c.value, c.font.b) for row in wb["单位报送"].iter_rows(min_row=3, min_col=3, max_col=5) for c in row}
    assert ("未报送", True) in units and ("按时", False) in units and ("未报送", False) not in units
    tasks = {(c.value, c.font.b) for row in wb["任务进度"].iter_rows(min_row=3, min_col=4, max_col=6) for c in row}
    assert ("进度滞后\n黄灯（本期进度滞后）", True) in tasks and ("正常推进\n绿灯", False) in tasks
    assert all(bold for text, bold in tasks if "\n红灯" in str(text) or "\n黄灯" in str(text))  # a light to act on
    assert ("进度滞后", True) not in tasks  # every month with data has its light under the status
    d = docx.Document(str(written[1]))
    runs = {
        ("".join(t.text for t in r.iter(f"{W}t")), r.find(f"{W}rPr/{W}b") is not None)
        for r in d.tables[0]._tbl.iter(f"{W}r")
    }
    assert ("未报送", True) in runs and ("按时", False) in runs and ("未报送", False) not in runs


def test_no_output_of_the_year_shows_config_words(year):
    from printcheck import config_words

    config, table, annual, written = year
    assert [config_words(p) for p in written] == [[], []]
    note = _rows(written[0], "任务进度")[21][0]
    assert note == (
        "各月为该期汇总表的完成状态（有几个牵头单位的任务，以主表中排在第一位的牵头单位所报状态为准）"
        "和预警（红灯、黄灯、绿灯及原因）；当期未列入：当月填报表中没有这项任务。"
    )
