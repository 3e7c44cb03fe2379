"""序时进度: which indicators have one, its value by the day, the 黄灯 it lights, across three real months."""

import datetime as dt

import docx
import openpyxl
import pytest
from conftest import run_with_setting, seed_tool, set_section
from dutytable.annual_xlsx import make_annual
from dutytable.config import load_config
from dutytable.consolidate import consolidate
from dutytable.model import Period
from dutytable.pace import NOT_APPLICABLE, Pace, cumulative, pace_of, pace_text, pace_value, percent, span_share
from dutytable.report import make_report
from dutytable.summary import summarize
from dutytable.targets import SOURCE_CLERK, Indicator
from dutytable.warning import WarningRule, behind_pace, light
from heads import indicator_head
from test_annual import run_year

D = dt.date
JAN1, NOV30 = D(2010, 1, 1), D(2010, 11, 30)
DUE = D(2010, 11, 25)
YEAR = 334 / 365  # 1 January to 30 November, both days counted, of 365


def _ind(comparison, value, unit, name="新增示范企业", upper=None):
    return Indicator("T0101-1", "T0101", name, comparison, value, unit, upper, "质监分局", SOURCE_CLERK)


@pytest.mark.parametrize(
    "comparison, value, unit, name, has_pace",
    [
        ("至少", 5, "家", "新增示范企业", True),  # a count
        ("≥", 71, "吨", "化学需氧量削减", True),  # an amount
        ("=", 21, "家", "企业废气整治", True),
        ("区间", 1, "家", "质量奖", True),  # reached at its bottom
        ("≥", 20, "亿元", "完成固定资产投资", True),
        ("≥", 92, "%", "抽检平均合格率", False),  # a rate
        ("=", 100, "%", "工程一次验收合格率", False),
        ("≥", 80, "%", "累计完成年度投资计划", True),  # a share of a plan, named 累计: it adds up
        ("≤", 0.45, "", "万台设备事故率", False),
        ("≥", 3, "个百分点", "提高覆盖率", False),
        ("至少", 50, "人", "持证上岗率", False),  # named a rate, whatever the unit
        ("零发生", 0, "起", "重特大安全生产事故", False),  # 不发生: judged on its own
        ("≤", 3, "个工作日", "审批时限", False),  # 压缩至: a time limit
        ("≤", 100, "亩", "新增建设用地", False),  # 控制在……以内: a ceiling, even of an amount, has no pace
        ("至少", 0, "家", "新增示范企业", False),  # a target of nothing has nothing to pace
    ],
)
def test_which_indicators_have_a_pace(comparison, value, unit, name, has_pace):
    assert cumulative(_ind(comparison, value, unit, name, upper=2 if comparison == "区间" else None)) is has_pace


@pytest.mark.parametrize(
    "start, deadline, day, share",
    [
        (JAN1, D(2010, 12, 31), NOV30, 334 / 365),
        (JAN1, D(2010, 12, 31), D(2010, 1, 1), 1 / 365),  # the first day counts
        (JAN1, D(2010, 12, 31), D(2010, 12, 31), 1.0),
        (JAN1, D(2010, 12, 31), D(2011, 1, 31), 1.0),  # past the deadline: all of it
        (D(2010, 3, 1), D(2010, 12, 31), NOV30, 275 / 306),  # a table that starts in March
        (D(2010, 3, 1), D(2010, 12, 31), D(2010, 2, 28), 0.0),  # before it starts: nothing yet
        (JAN1, D(2010, 6, 30), NOV30, 1.0),  # the task's 完成时限 has passed
        (JAN1, D(2010, 6, 30), D(2010, 3, 31), 90 / 181),
        (D(2010, 3, 1), D(2010, 2, 1), D(2010, 1, 31), 0.0),  # a deadline before the start: due on the deadline
        (D(2010, 3, 1), D(2010, 2, 1), D(2010, 2, 1), 1.0),
    ],
)
def test_the_share_of_the_span(start, deadline, day, share):
    assert span_share(start, deadline, day) == pytest.approx(share, abs=1e-12)


def test_the_pace_of_a_count_and_how_it_prints():
    pace = pace_of(_ind("至少", 40, "只"), 26.0, None, NOV30, JAN1)  # no 完成时限: the year's end
    assert pace == Pace(40, YEAR, 26.0)
    assert (pace.expected, pace.pace_percent, pace.done_percent) == (pytest.approx(40 * YEAR), 92, 65)
    assert (pace_value(pace), pace_text(pace, "只")) == (36.6, "36.6只")
    assert pace_text(pace_of(_ind("至少", 12, "家"), None, None, D(2010, 10, 31), JAN1), "家") == "10家"  # 9.99
    assert pace_of(_ind("至少", 12, "家"), None, None, NOV30, JAN1).done_percent is None  # not reported
    assert pace_of(_ind("至少", 12, "家"), 3.0, D(2010, 6, 30), NOV30, JAN1).pace_percent == 100  # its deadline


def test_no_pace_for_a_rate_a_ceiling_or_no_occurrence():
    for ind in (
        _ind("≥", 92, "%", "抽检平均合格率"),
        _ind("≤", 100, "亩", "新增建设用地"),
        _ind("零发生", 0, "起", "安全生产事故"),
    ):
        assert pace_of(ind, 1.0, None, NOV30, JAN1) is None
    assert (pace_value(None), pace_text(None, "%")) == (NOT_APPLICABLE, "不适用") == ("不适用", "不适用")


@pytest.mark.parametrize(
    "fraction, whole", [(0.915, 92), (334 / 365, 92), (0.9149, 91), (0.82, 82), (0.005, 1), (0.0049, 0), (1.254, 125)]
)
def test_percentages_round_half_up(fraction, whole):
    assert percent(fraction) == whole


def _pace(actual, target=50, share=YEAR, judged=True):
    return Pace(target, share, actual, judged)


@pytest.mark.parametrize(
    "paces, tolerance, reason",
    [
        ((_pace(27.5),), 10, "指标低于序时进度：完成55%，序时92%"),  # the example
        ((_pace(41),), 10, ""),  # 82% against 92%: exactly 10 points below is not more than 10: no light
        ((_pace(40.5),), 10, "指标低于序时进度：完成81%，序时92%"),  # 11 points below
        ((_pace(40.5),), 11, ""),  # pace_tolerance from config
        ((_pace(45.5),), 0, "指标低于序时进度：完成91%，序时92%"),  # 0: any point below
        ((_pace(46),), 0, ""),  # 92%: on pace
        ((_pace(60),), 10, ""),  # ahead
        ((_pace(None),), 10, ""),  # not reported: 未报送 says it, not the pace
        ((_pace(1, judged=False),), 10, ""),  # the target's reading 待确认: no light from it
        (
            (_pace(20), _pace(50)),
            10,
            "指标低于序时进度：完成40%，序时92%",
        ),  # several with a pace, one behind: 附件2 tells which
        ((_pace(20), _pace(0)), 10, "2项指标低于序时进度：完成40%和0%，序时92%"),
        (
            (_pace(20), _pace(0), _pace(5)),
            10,
            "3项指标低于序时进度：完成0%～40%，序时92%",
        ),  # more than two: counted, with their range
    ],
)
def test_the_pace_reason(paces, tolerance, reason):
    assert behind_pace(paces, tolerance) == reason


BEHIND = (_pace(27.5),)  # 完成55%，序时92%


@pytest.mark.parametrize(
    "status, previous, deadline, rule, paces, text",
    [
        ("正常推进", None, None, WarningRule(), BEHIND, "黄灯（指标低于序时进度：完成55%，序时92%）"),  # alone
        ("正常推进", None, None, WarningRule(pace_tolerance=40), BEHIND, "绿灯"),  # 37 points: within 40
        (
            "已完成",
            None,
            None,
            WarningRule(),
            BEHIND,
            "黄灯（指标低于序时进度：完成55%，序时92%）",
        ),  # said done, the figure lags
        ("进度滞后", None, None, WarningRule(), BEHIND, "黄灯（本期进度滞后；指标低于序时进度：完成55%，序时92%）"),
        ("未报送", None, None, WarningRule(), BEHIND, "黄灯（牵头单位本期未报送；指标低于序时进度：完成55%，序时92%）"),
        (
            "完成（待核实）",
            None,
            None,
            WarningRule(),
            BEHIND,
            "黄灯（完成状态待核实；指标低于序时进度：完成55%，序时92%）",
        ),
        (
            "正常推进",
            None,
            D(2010, 12, 15),
            WarningRule(),
            BEHIND,
            "黄灯（距完成时限15天；指标低于序时进度：完成55%，序时92%）",
        ),
        (
            "进度滞后",
            "进度滞后",
            None,
            WarningRule(lagging_twice_red=False),
            BEHIND,
            "黄灯（连续两期进度滞后；指标低于序时进度：完成55%，序时92%）",
        ),
        # 红灯 wins: its reasons alone
        ("正常推进", None, D(2010, 10, 31), WarningRule(), BEHIND, "红灯（逾期未完成，完成时限2010年10月31日）"),
        ("进度滞后", "未启动", None, WarningRule(), BEHIND, "红灯（上期未启动，本期进度滞后）"),
        ("未报送", "未报送", None, WarningRule(), BEHIND, "红灯（牵头单位连续两期未报送）"),
        ("正常推进", None, None, WarningRule(), (_pace(41),), "绿灯"),  # exactly 10 points below
    ],
)
def test_the_pace_alone_and_with_the_other_rules(status, previous, deadline, rule, paces, text):
    assert light(status, previous, deadline, NOV30, DUE, rule, paces).text == text


def test_pace_start_month_in_config(workdir):
    path = workdir / "config.ini"
    assert load_config(path).warning.pace_start_month == 1
    set_section(path, "warning", "pace_start_month = 3\n")
    assert load_config(path).warning == WarningRule(pace_start_month=3)


def test_a_misspelt_pace_start_month_is_a_warning(workdir):
    path = workdir / "config.ini"
    set_section(path, "warning", "pace_start = 3\n")
    config = load_config(path)
    assert config.warnings == [
        f"配置文件 {path} 的 [warning] pace_start：不认识的设置，是不是 pace_start_month？这一项没有起作用。"
    ]
    assert config.warning.pace_start_month == 1


def test_a_bad_pace_start_month_is_one_line(workdir):
    path = workdir / "config.ini"
    assert run_with_setting(path, "warning", "pace_start_month = 13\n", "consolidate.py", "--period", "2010-11") == (
        2,
        f"配置文件 {path} 的 [warning] pace_start_month = 13 无效：应为 1 到 12 之间的整数，例如 1。\n",
    )


SEP, OCT, NOV = Period(2010, 9), Period(2010, 10), Period(2010, 11)
# 质监分局 reports T0201 (工业标准化) each month: 完成产品通过采标验收 (至少40只, T0201-4) at 26, 28 and 37 only;
# 申报省级标准化良好行为企业试点 (至少5家) at 5, the other two (至少1家) at 1: on or ahead of pace.
EVENTS = [
    (dt.datetime(2010, month, 20, 9), period, "质监分局", {"indicators": {"T0201-1": 5, "T0201-4": value}})
    for month, period, value in ((9, SEP, 26), (10, OCT, 28), (11, NOV, 37))
]


@pytest.fixture(scope="module")
def three_months(tmp_path_factory):
    workdir = seed_tool(tmp_path_factory.mktemp("pace"))
    return run_year(workdir, EVENTS)


@pytest.mark.parametrize(
    "period, expected, light_text",
    [
        # 30 September: 273 of 365 days, 75%; 26 of 40 is 65%: exactly 10 points below, no light
        (SEP, 29.9, "绿灯"),
        # 31 October: 304 of 365 days, 83%; 28 of 40 is 70%: 13 points below
        (OCT, 33.3, "黄灯（指标低于序时进度：完成70%，序时83%）"),
        # 30 November: 334 of 365 days, 92%; 37 of 40 is 93%: ahead
        (NOV, 36.6, "绿灯"),
    ],
)
def test_the_pace_of_a_cumulative_indicator_across_three_months(three_months, period, expected, light_text):
    config, table = three_months
    summary = summarize(table, config, period)
    by_id = {i.indicator.indicator_id: i for i in summary.indicators}
    assert pace_value(by_id["T0201-4"].pace) == expected
    assert pace_value(by_id["T0201-1"].pace) == {SEP: 3.7, OCT: 4.2, NOV: 4.6}[period]  # 5家 × the share
    assert pace_value(by_id["T0101-2"].pace) == "不适用"  # 抽检平均合格率 ≥92%
    assert pace_value(by_id["T0101-1"].pace) == "不适用"  # 质量安全责任事故 零发生
    assert next(t for t in summary.tasks if t.task.task_id == "T0201").light.text == light_text


def test_the_pace_starts_in_the_tables_first_month(three_months):
    import dataclasses

    config, table = three_months
    march = dataclasses.replace(config, warning=WarningRule(pace_start_month=3))
    summary = summarize(table, march, SEP)  # 1 March to 30 September: 214 of 306 days, 70%; 26 of 40 is 65%
    by_id = {i.indicator.indicator_id: i for i in summary.indicators}
    assert (pace_value(by_id["T0201-4"].pace), by_id["T0201-4"].pace.pace_percent) == (28.0, 70)
    assert next(t for t in summary.tasks if t.task.task_id == "T0201").light.text == "绿灯"


def _rows(path, sheet):
    return [list(r) for r in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True)]


def test_the_summary_and_the_attachment_show_the_pace_beside_the_value(three_months):
    config, table = three_months
    path, summary, _ = consolidate(config, table, OCT)
    rows = _rows(path, "指标")
    assert rows[1][:9] == indicator_head()
    body = {r[0]: r[:8] for r in rows[2:]}
    assert body["T0201-4"] == ["T0201-4", "工业标准化", "完成产品通过采标验收", "40只", "质监分局", 28, 33.3, "未达标"]
    assert body["T0101-2"][5:8] == [100, "不适用", "达标"]
    _, written, _ = make_report(config, table, OCT, today=D(2010, 10, 31), pdf=False, summary=summary)
    document = docx.Document(str(written[1]))
    texts = [p.text for p in document.paragraphs]
    at = texts.index("（截至2010年10月31日）")
    assert texts[at + 1] == (
        "序时进度为累计类指标到截至日应完成的量：目标值×（2010年1月1日至截至日的天数÷2010年1月1日至完成时限的天数），"
        "未写明完成时限的算至年底；比率、零发生和“不超过”类指标不适用。"
    )
    table_rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert table_rows[0] == [
        "序号",
        "工作内容",
        "指标名称",
        "目标",
        "截至10月\n完成",
        "序时进度",
        "达标情况",
        "填报单位",
    ]
    row = next(r for r in table_rows if r[2] == "完成产品通过采标验收")
    assert row[3:] == ["40只", "28只", "33.3只", "未达标", "质监分局"]
    assert next(r for r in table_rows if r[2] == "工业产品生产许可证产品抽检平均合格率")[5] == "不适用"


def test_the_year_shows_each_months_light_and_the_pace(three_months):
    config, table = three_months
    _, written = make_annual(config, table, 2010, today=D(2010, 12, 5))
    rows = _rows(written[0], "任务进度")
    assert rows[1][3:6] == ["9月", "10月", "11月"]
    row = next(r for r in rows if r[0] == "T0201")
    assert row[3:6] == ["正常推进\n绿灯", "正常推进\n黄灯（指标低于序时进度：完成70%，序时83%）", "正常推进\n绿灯"]
    assert (
        next(r for r in rows if r[0] == "T0104")[3:6]
        == ["未报送\n黄灯（牵头单位本期未报送）"] + ["未报送\n红灯（牵头单位连续两期未报送）"] * 2
    )
    assert rows[len(rows) - 1][0].startswith(
        "各月为该期汇总表的完成状态（有几个牵头单位的任务，"
        "以主表中排在第一位的牵头单位所报状态为准）和预警（红灯、黄灯、绿灯及原因）；"
    )
    indicators = _rows(written[0], "指标")
    assert indicators[1][-3:] == ["最近一期完成值", "序时进度", "达标情况"]
    assert next(r for r in indicators if r[0] == "T0201-4")[-3:] == [37, 36.6, "未达标"]
