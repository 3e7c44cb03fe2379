"""预警: each rule of the lights alone and in combination, the [warning] settings, and the lights over two real periods."""

import dataclasses
import datetime as dt

import docx
import openpyxl
import pytest
from conftest import run_with_setting, set_section
from dutytable import pipeline
from dutytable.config import load_config
from dutytable.consolidate import consolidate
from dutytable.model import Period
from dutytable.report import make_report
from dutytable.warning import LIGHT_GREEN, Light, WarningRule, light
from test_annual import run_year

D = dt.date
DAY = D(2010, 11, 28)  # the day the summary speaks of
DUE = D(2010, 11, 25)  # the period's 截止日
NOT_TWICE = WarningRule(lagging_twice_red=False)


@pytest.mark.parametrize(
    "status, previous, deadline, day, rule, text",
    [
        # 绿灯: nothing to say
        ("正常推进", "正常推进", None, DAY, WarningRule(), "绿灯"),
        ("已完成", None, D(2010, 10, 31), DAY, WarningRule(), "绿灯"),  # done: the passed deadline does not matter
        ("已完成", "进度滞后", D(2010, 12, 1), DAY, WarningRule(), "绿灯"),  # done: nor a near one
        ("正常推进", None, D(2010, 12, 29), DAY, WarningRule(), "绿灯"),  # 31 days left: more than warn_days
        ("正常推进", "未报送", None, DAY, WarningRule(), "绿灯"),  # silent last month, reported now
        # 红灯, each rule alone
        ("正常推进", None, D(2010, 10, 31), DAY, WarningRule(), "红灯（逾期未完成，完成时限2010年10月31日）"),
        ("进度滞后", "进度滞后", None, DAY, WarningRule(), "红灯（连续两期进度滞后）"),
        ("未启动", "未启动", None, DAY, WarningRule(), "红灯（连续两期未启动）"),
        ("进度滞后", "未启动", None, DAY, WarningRule(), "红灯（上期未启动，本期进度滞后）"),
        ("未报送", "未报送", None, DAY, WarningRule(), "红灯（牵头单位连续两期未报送）"),
        # 黄灯, each rule alone
        ("进度滞后", None, None, DAY, WarningRule(), "黄灯（本期进度滞后）"),
        ("未启动", "正常推进", None, DAY, WarningRule(), "黄灯（本期未启动）"),
        ("正常推进", None, D(2010, 12, 13), DAY, WarningRule(), "黄灯（距完成时限15天）"),
        ("正常推进", None, D(2010, 12, 28), DAY, WarningRule(), "黄灯（距完成时限30天）"),  # warn_days itself
        ("正常推进", None, DAY, DAY, WarningRule(), "黄灯（今日到完成时限）"),
        ("正常推进", None, D(2010, 12, 13), DAY, WarningRule(warn_days=10), "绿灯"),  # warn_days from config
        ("未报送", None, None, DAY, WarningRule(), "黄灯（牵头单位本期未报送）"),
        ("未报送", "未报送", None, D(2010, 11, 20), WarningRule(), "黄灯（牵头单位本期未报送）"),  # before the 截止日
        ("完成（待核实）", None, None, DAY, WarningRule(), "黄灯（完成状态待核实）"),
        ("未填写（待核实）", "未填写（待核实）", None, DAY, WarningRule(), "黄灯（完成状态待核实）"),
        # lagging twice is 黄灯 when config says so
        ("进度滞后", "进度滞后", None, DAY, NOT_TWICE, "黄灯（连续两期进度滞后）"),
        # combined: the reasons of the light's colour, in the rule's order; the milder ones not repeated
        (
            "进度滞后",
            "进度滞后",
            D(2010, 10, 31),
            DAY,
            WarningRule(),
            "红灯（逾期未完成，完成时限2010年10月31日；连续两期进度滞后）",
        ),
        (
            "未报送",
            "未报送",
            D(2010, 10, 31),
            DAY,
            WarningRule(),
            "红灯（已过完成时限2010年10月31日；牵头单位连续两期未报送）",  # not 逾期未完成: nobody said so
        ),
        ("未启动", None, D(2010, 12, 13), DAY, WarningRule(), "黄灯（本期未启动；距完成时限15天）"),
        ("进度滞后", "进度滞后", D(2010, 12, 13), DAY, NOT_TWICE, "黄灯（连续两期进度滞后；距完成时限15天）"),
        ("未报送", None, D(2010, 12, 13), DAY, WarningRule(), "黄灯（牵头单位本期未报送；距完成时限15天）"),
        ("进度滞后", "进度滞后", D(2010, 12, 13), DAY, WarningRule(), "红灯（连续两期进度滞后）"),
        (
            "进度滞后",
            None,
            D(2010, 10, 31),
            DAY,
            WarningRule(),
            "红灯（逾期未完成，完成时限2010年10月31日）",
        ),  # 本期 dropped
        (
            "完成（待核实）",
            None,
            D(2010, 10, 31),
            DAY,
            WarningRule(),
            "红灯（已过完成时限2010年10月31日；完成状态待核实）",
        ),
        ("未报送", None, D(2010, 10, 31), DAY, WarningRule(), "红灯（已过完成时限2010年10月31日；牵头单位本期未报送）"),
        (
            "未报送",
            None,
            D(2010, 10, 31),
            D(2010, 11, 20),
            WarningRule(),
            "红灯（已过完成时限2010年10月31日；牵头单位本期未报送）",
        ),
        (
            "未明确牵头单位",
            None,
            D(2010, 10, 31),
            DAY,
            WarningRule(),
            "红灯（已过完成时限2010年10月31日；牵头单位未明确具体单位）",
        ),
        (
            "进度滞后",
            "未启动",
            D(2010, 10, 31),
            DAY,
            WarningRule(),
            "红灯（逾期未完成，完成时限2010年10月31日；上期未启动，本期进度滞后）",
        ),
        ("未启动", "进度滞后", D(2010, 12, 13), DAY, NOT_TWICE, "黄灯（上期进度滞后，本期未启动；距完成时限15天）"),
    ],
)
def test_each_rule_alone_and_combined(status, previous, deadline, day, rule, text):
    assert light(status, previous, deadline, day, DUE, rule).text == text


def test_a_light_is_its_colour_and_its_reasons():
    assert Light("红灯", ("逾期未完成，完成时限2010年10月31日",)).text == "红灯（逾期未完成，完成时限2010年10月31日）"
    assert Light("绿灯").text == "绿灯"


def _warning(path, lines):
    """config.ini's [warning] with only ``lines`` in it."""
    set_section(path, "warning", lines)


def test_the_shipped_rule_and_a_changed_one(workdir):
    path = workdir / "config.ini"
    assert load_config(path).warning == WarningRule(warn_days=30, pace_tolerance=10, lagging_twice_red=True)
    _warning(path, "warn_days = 15\npace_tolerance = 5\nlagging_twice_red = 否\n")
    config = load_config(path)
    assert config.warning == WarningRule(warn_days=15, pace_tolerance=5, lagging_twice_red=False)
    assert config.warnings == []
    _warning(path, "")
    assert load_config(path).warning == WarningRule()  # each key may be left out


@pytest.mark.parametrize(
    "line, message",
    [
        ("warn_days = 三十", "[warning] warn_days = 三十 无效：应为 0 到 366 之间的整数，例如 30。"),
        ("pace_tolerance = 101", "[warning] pace_tolerance = 101 无效：应为 0 到 100 之间的整数，例如 10。"),
        ("lagging_twice_red = 也许", "[warning] lagging_twice_red = 也许 无效：请写“是”或“否”。"),
    ],
)
def test_a_bad_warning_setting_is_one_line(workdir, line, message):
    path = workdir / "config.ini"
    got = run_with_setting(path, "warning", line + "\n", "consolidate.py", "--period", "2010-11")
    assert got == (2, f"配置文件 {path} 的 {message}\n")


def test_an_unknown_warning_key_is_a_warning(workdir):
    path = workdir / "config.ini"
    _warning(path, "warn_day = 20\n")
    config = load_config(path)
    assert config.warnings == [
        f"配置文件 {path} 的 [warning] warn_day：不认识的设置，是不是 warn_days？这一项没有起作用。"
    ]
    assert config.warning.warn_days == 30


OCT, NOV = Period(2010, 10), Period(2010, 11)
BEHIND = {"T0101": {"完成状态": "进度滞后"}}
EVENTS = [  # (when the file arrives, period, unit, fill options); 安监局 (first lead of 确保安全生产) never reports
    (dt.datetime(2010, 10, 20, 9), OCT, "质监分局", {"rows": BEHIND}),
    (dt.datetime(2010, 10, 21, 9), OCT, "环保局", {"status": "进度滞后"}),
    (dt.datetime(2010, 10, 22, 9), OCT, "城建局", {"status": "进度滞后"}),
    (dt.datetime(2010, 11, 20, 9), NOV, "质监分局", {}),
    (dt.datetime(2010, 11, 21, 9), NOV, "环保局", {"status": "进度滞后"}),
    (dt.datetime(2010, 11, 22, 9), NOV, "城建局", {}),
]


@pytest.fixture(scope="module")
def two_months(tmp_path_factory):
    from conftest import seed_tool

    workdir = seed_tool(tmp_path_factory.mktemp("lights"))
    config, _ = run_year(workdir, EVENTS)
    wb = openpyxl.load_workbook(config.table)  # the table gets its 完成时限 column
    ws = wb["责任分解表"]
    ws["H1"] = "完成时限"
    ws["H2"], ws["H3"], ws["H4"] = "10月底前", "2010年12月10日", "年底前"  # T0101, T0102, T0103
    wb.save(config.table)
    table = pipeline.load(config)
    path, summary, _ = consolidate(config, table, NOV, today=DAY)
    return config, table, path, summary


def test_the_lights_over_two_months(two_months):
    config, table, path, summary = two_months
    lights = {t.task.item: t.light.text for t in summary.tasks}
    assert lights["产品质量"] == "红灯（逾期未完成，完成时限2010年10月31日）"  # 10月底前, now 正常推进
    assert lights["工程质量"] == "黄灯（距完成时限12天）"  # 城建局 lagged in October only
    assert lights["服务质量"] == "红灯（牵头单位连续两期未报送）"  # 经发局 (年底前: 33 days left, not said)
    assert lights["环境质量"] == "红灯（连续两期进度滞后）"
    assert lights["确保安全生产"] == "红灯（牵头单位连续两期未报送）"
    # 区有关部门 alone leads it and gets no form: no lead is owed, none was asked
    assert lights["打假治劣"] == "黄灯（牵头单位未明确具体单位）"
    assert lights["宣传"] == "红灯（牵头单位连续两期未报送）"  # 春江镇, its first lead asked, silent both months
    assert (
        lights["工业标准化"] == "黄灯（2项指标低于序时进度：完成20%和3%，序时91%）"
    )  # 1 of 5家, 1 of 40只; 332 of 365 days
    assert summary.light_counts == {"红灯": 8, "黄灯": 6, "绿灯": 4}


def test_the_summary_and_stats_sheets_show_the_lights(two_months):
    config, table, path, summary = two_months
    wb = openpyxl.load_workbook(path)
    ws = wb["汇总"]
    header = [c.value for c in ws[2]]
    at = header.index("预警")
    assert header[at - 1] == "完成状态"
    rows = {r[2]: r[at] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["环境质量"] == "红灯（连续两期进度滞后）" and rows["服务标准化"] == "绿灯"
    stats = {r[0]: r[1] for r in wb["统计"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert (stats["红灯任务"], stats["黄灯任务"], stats["绿灯任务"]) == (8, 6, 4)


def test_the_lights_follow_config(two_months, tmp_path):
    config, table, path, summary = two_months
    milder = dataclasses.replace(config, warning=WarningRule(warn_days=10, lagging_twice_red=False))
    from dutytable.summary import summarize

    lights = {t.task.item: t.light.text for t in summarize(table, milder, NOV, DAY).tasks}
    assert lights["环境质量"] == "黄灯（连续两期进度滞后；5项指标低于序时进度：完成0%～33%，序时91%）"
    assert lights["工程质量"] == "绿灯"  # 12 days left, more than 10


def test_the_first_month_has_no_month_before(two_months):
    config, table, path, summary = two_months
    from dutytable.summary import summarize

    lights = {t.task.item: t.light.text for t in summarize(table, config, OCT, D(2010, 10, 31)).tasks}
    assert lights["环境质量"] == "黄灯（本期进度滞后；5项指标低于序时进度：完成0%～33%，序时83%）"  # 304 of 365 days
    assert lights["确保安全生产"] == "黄灯（牵头单位本期未报送）"
    assert lights["产品质量"] == "黄灯（本期进度滞后；今日到完成时限）"


def test_the_bulletin_lists_the_red_and_yellow_tasks_with_their_leads_and_reasons(two_months):
    config, table, path, summary = two_months
    _, written, notes = make_report(config, table, NOV, today=DAY, pdf=False, summary=summary)
    assert written[-1] == config.outbox / "2010-11" / "预警通报_2010-11.docx"
    d = docx.Document(str(written[-1]))
    assert d.core_properties.title == "关于2010年11月区质量振兴工作目标任务预警情况的通报"
    section = d.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # portrait, as the 催报通知
    assert [(p.style.name, p.text) for p in d.paragraphs] == [
        ("附件标题", "关于2010年11月\n区质量振兴工作目标任务预警情况的通报"),
        ("公文正文", "各有关单位："),
        ("公文正文", "截至2010年11月28日，18项目标任务中，红灯8项、黄灯6项。现将有关情况通报如下："),
        ("公文正文", "一、红灯任务（8项）"),
        ("公文正文", "1．产品质量（牵头：质监分局、药监分局）：逾期未完成，完成时限2010年10月31日。"),
        ("公文正文", "2．服务质量（牵头：经发局）：牵头单位连续两期未报送。"),
        ("公文正文", "3．环境质量（牵头：环保局）：连续两期进度滞后。"),
        ("公文正文", "4．农业标准化（牵头：农业局、质监分局）：牵头单位连续两期未报送。"),
        ("公文正文", "5．商标创建（牵头：工商分局）：牵头单位连续两期未报送。"),
        ("公文正文", "6．确保安全生产（牵头：安监局、质监分局）：牵头单位连续两期未报送。"),
        ("公文正文", "7．宣传（牵头：区相关部门（未发填报表）、各镇、街道）：牵头单位连续两期未报送。"),
        ("公文正文", "8．培训（牵头：区相关部门（未发填报表）、各镇、街道）：牵头单位连续两期未报送。"),
        ("公文正文", "二、黄灯任务（6项）"),
        ("公文正文", "1．工程质量（牵头：城建局）：距完成时限12天。"),
        ("公文正文", "2．工业标准化（牵头：质监分局）：2项指标低于序时进度：完成20%和3%，序时91%。"),
        ("公文正文", "3．工业计量（牵头：质监分局）：2项指标低于序时进度：完成10%和50%，序时91%。"),
        ("公文正文", "4．名牌创建（牵头：质监分局）：2项指标低于序时进度：完成33%和20%，序时91%。"),
        ("公文正文", "5．打假治劣（牵头：区有关部门（未发填报表））：牵头单位未明确具体单位。"),
        ("公文正文", "6．长效管理（牵头：区有关部门（未发填报表））：牵头单位未明确具体单位。"),
        (
            "公文正文",
            "其中打假治劣、长效管理尚未明确具体牵头单位，请尽快明确；其余任务的牵头单位请对照预警原因，抓紧推进，并在下期填报表中说明推进情况。",
        ),
        ("公文正文", ""),
        ("公文落款", "区质量振兴工作领导小组办公室"),
        ("公文落款", "2010年11月28日"),
    ]
    assert "全部任务均为绿灯，不发预警通报。" not in notes


def test_no_bulletin_when_every_task_is_green_and_an_old_one_is_set_aside(two_months):
    config, table, path, summary = two_months
    make_report(config, table, NOV, today=DAY, pdf=False, summary=summary)
    green = dataclasses.replace(summary, tasks=[dataclasses.replace(t, light=LIGHT_GREEN) for t in summary.tasks])
    _, written, notes = make_report(config, table, NOV, today=DAY, pdf=False, summary=green)
    assert not any(p.name.startswith("预警通报") for p in written)
    kept = list((config.outbox / "2010-11").glob("预警通报_2010-11.备份-*.docx"))
    assert len(kept) >= 1 and not (config.outbox / "2010-11" / "预警通报_2010-11.docx").exists()
    assert notes[-2:] == [
        "全部任务均为绿灯，不发预警通报。",
        f"原有的 预警通报_2010-11.docx 已改名为 {kept[-1].name}，不必再发。",
    ]


def test_a_task_added_this_month_has_no_month_before(two_months):
    config, table, path, summary = two_months
    from dutytable.model import TaskChange
    from dutytable.summary import summarize

    added = next(t for t in table.tasks if t.item == "服务质量")
    reimported = dataclasses.replace(table, history=[*table.history, TaskChange(TaskChange.ADDED, "2010-11", added)])
    reimported.schema = table.schema
    lights = {t.task.item: t.light.text for t in summarize(reimported, config, NOV, DAY).tasks}
    assert lights["服务质量"] == "黄灯（牵头单位本期未报送）"  # not 连续两期: it was not on October's forms
    assert lights["商标创建"] == "红灯（牵头单位连续两期未报送）"


def test_the_bulletin_asks_no_lead_that_does_not_exist():
    from types import SimpleNamespace as NS

    from dutytable.notices import bulletin_request

    led = NS(status="进度滞后", task=NS(item="工程质量"))
    unled = NS(status="未明确牵头单位", task=NS(item="打假治劣"))
    assert bulletin_request([led]) == "请以上任务的牵头单位对照预警原因，抓紧推进，并在下期填报表中说明推进情况。"
    assert bulletin_request([unled]) == "以上任务尚未明确具体牵头单位，请尽快明确。"


def test_the_overview_says_which_counted_tasks_are_past_their_deadline(two_months):
    """产品质量 (10月底前) reports 正常推进 in November: counted so, and said to be 逾期 beside that count."""
    from dutytable.report import overview

    config, table, path, summary = two_months
    assert [t.task.item for t in summary.tasks if t.overdue] == ["产品质量"]
    assert overview(summary, DAY).startswith(
        "截至2010年11月28日，共18项目标任务，其中正常推进9项（其中逾期1项）、进度滞后1项、未明确牵头单位2项、"
        "牵头单位尚未报送6项；预警红灯8项（"
    )
