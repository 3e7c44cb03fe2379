"""Approximate targets, as a 政府工作报告重点工作任务分解表 writes its 主要预期目标 (增长6.5%左右, 约5000万元,
5.5%左右): read with their word (the name without 左右/约/上下, the target printed as written) and 待确认, so that
import --check lists them and a value reported against one is 待核实 until the clerk writes its pass line in the
master table's 指标 sheet.
"""

import datetime as dt
from dataclasses import replace

import docx
import openpyxl
import pytest
from conftest import run_script
from dutytable import indicators
from dutytable.collect import Collector
from dutytable.config import load_config
from dutytable.consolidate import consolidate
from dutytable.distribute import generate
from dutytable.importer import import_source
from dutytable.master import load_table, write_table
from dutytable.model import Period
from dutytable.pipeline import refresh_indicators
from dutytable.report import make_report
from dutytable.reported import check_reported
from dutytable.targets import extract, shown_target
from returns import fill
from shapes import Shape, build_xlsx
from test_indicators import _edit

P = Period(2010, 11)
ROWS = [
    ["序号", "类别", "工作内容", "工作目标", "牵头单位", "配合单位"],
    [
        "1",
        "主要预期目标",
        "经济增长",
        "地区生产总值增长6.5%左右，一般公共预算收入增长5%左右。",
        "区发展改革委",
        "区财政局",
    ],
    ["1", "主要预期目标", "扩大内需", "社会消费品零售总额增长6%左右，招商引资约5000万元。", "区商务局", ""],
    ["1", "主要预期目标", "稳定就业", "城镇新增就业1.2万人以上，城镇调查失业率5.5%左右。", "区人力资源社会保障局", ""],
    ["2", "民生实事", "食品安全", "食品抽检合格率不低于85%。", "区市场监管局", ""],
]
TITLE = ("附件1", "2025年区政府工作报告重点工作任务分解表")
CONFIRM = (
    "以下 5 项指标的目标读法没有把握，请在主表“指标”工作表中核对“比较”“目标值”“单位”，改正后把“来源”改为“人工”"
    "（确认前填报的值在附件2中写“待核实”）："
)
ABOUT = "没有确切的达标线，请写明按多少算达标）"
CONFIRM_LINES = [
    CONFIRM,
    f"  T0101-1 地区生产总值增长：读作“至少6.5%”（工作目标写的是约数“6.5%左右”，{ABOUT}",
    f"  T0101-2 一般公共预算收入增长：读作“至少5%”（工作目标写的是约数“5%左右”，{ABOUT}",
    f"  T0102-1 社会消费品零售总额增长：读作“至少6%”（工作目标写的是约数“6%左右”，{ABOUT}",
    f"  T0102-2 招商引资：读作“5000万元”（工作目标写的是约数“约5000万元”，{ABOUT}",
    f"  T0103-2 城镇调查失业率：读作“5.5%”（工作目标写的是约数“5.5%左右”，{ABOUT}",
]
UNSURE, SURE = "待确认", "自动提取"


def _read(target):
    """(name, comparison, value, unit, source, reading, target as the form prints it, as 附件2 prints it) per indicator."""
    return [
        (i.name, i.comparison, i.value, i.unit, i.source, i.reading_text, i.target_text, shown_target(i, target))
        for i in extract("T1", target)
    ]


@pytest.mark.parametrize(
    "target, expected",
    [
        (
            "地区生产总值增长6.5%左右",
            [("地区生产总值增长", "至少", 6.5, "%", UNSURE, "至少6.5%", "6.5%左右", "6.5%左右")],
        ),
        (
            "一般公共预算收入增长5%左右",
            [("一般公共预算收入增长", "至少", 5, "%", UNSURE, "至少5%", "5%左右", "5%左右")],
        ),
        (
            "社会消费品零售总额增长6%左右",
            [("社会消费品零售总额增长", "至少", 6, "%", UNSURE, "至少6%", "6%左右", "6%左右")],
        ),
        ("城镇调查失业率5.5%左右", [("城镇调查失业率", "=", 5.5, "%", UNSURE, "5.5%", "5.5%左右", "5.5%左右")]),
        ("居民消费价格涨幅2%左右", [("居民消费价格涨幅", "=", 2, "%", UNSURE, "2%", "2%左右", "2%左右")]),
        (
            "单位地区生产总值能耗降低3%左右",
            [("单位地区生产总值能耗降低", "至少", 3, "%", UNSURE, "至少3%", "3%左右", "3%左右")],
        ),
        (
            "城镇新增就业1200人左右",
            [("城镇新增就业", "至少", 1200, "人", UNSURE, "至少1200人", "1200人左右", "1200人左右")],
        ),
        ("引进规上企业10家左右", [("引进规上企业", "至少", 10, "家", UNSURE, "至少10家", "10家左右", "10家左右")]),
        ("招商引资约5000万元", [("招商引资", "=", 5000, "万元", UNSURE, "5000万元", "约5000万元", "约5000万元")]),
        (
            "社会消费品零售总额同比增长约3.4%",
            [("社会消费品零售总额同比增长", "至少", 3.4, "%", UNSURE, "至少3.4%", "约3.4%", "约3.4%")],
        ),
        ("粮食产量大约50万吨", [("粮食产量", "=", 50, "万吨", UNSURE, "50万吨", "大约50万吨", "大约50万吨")]),
        ("固定资产投资增长5%上下", [("固定资产投资增长", "至少", 5, "%", UNSURE, "至少5%", "5%上下", "5%上下")]),
        # two numbers, one of them approximate: the other reads as before
        (
            "城镇新增就业1.2万人以上，城镇调查失业率5.5%左右",
            [
                ("城镇新增就业", "≥", 1.2, "万人", SURE, "≥1.2万人", "≥1.2万人", "1.2万人以上"),
                ("城镇调查失业率", "=", 5.5, "%", UNSURE, "5.5%", "5.5%左右", "5.5%左右"),
            ],
        ),
        (
            "规上工业增加值增长7%左右、服务业增加值增长6%",
            [
                ("规上工业增加值增长", "至少", 7, "%", UNSURE, "至少7%", "7%左右", "7%左右"),
                ("服务业增加值增长", "至少", 6, "%", SURE, "至少6%", "至少6%", "6%"),
            ],
        ),
        (  # 约 before the first number is not carried to the second: 力争 alone makes it unsure
            "新增就业约1.2万人、力争1.5万人",
            [
                ("新增就业", "至少", 1.2, "万人", UNSURE, "至少1.2万人", "约1.2万人", "约1.2万人"),
                ("新增就业", "至少", 1.5, "万人", UNSURE, "至少1.5万人", "至少1.5万人", "1.5万人"),
            ],
        ),
    ],
)
def test_an_approximate_number_is_read_with_its_word_and_is_to_be_confirmed(target, expected):
    assert _read(target) == expected


@pytest.mark.parametrize(
    "target, expected",
    [
        ("食品抽检合格率不低于85%", [("食品抽检合格率", "≥", 85, "%", SURE, "≥85%", "≥85%", "不低于85%")]),
        # 约 of 签约/节约 and 上下 of 上下游 make no number approximate
        ("新签约项目10个以上", [("新签约项目", "≥", 10, "个", SURE, "≥10个", "≥10个", "10个以上")]),
        ("节约用水10万吨", [("节约用水", "=", 10, "万吨", UNSURE, "10万吨", "10万吨", "10万吨")]),
        (
            "培育10家上下游配套企业",
            [("培育上下游配套企业", "至少", 10, "家", SURE, "至少10家", "至少10家", "10家")],
        ),
    ],
)
def test_an_ordinary_target_and_words_containing_yue_or_shangxia_read_as_before(target, expected):
    assert _read(target) == expected


def test_an_approximate_target_is_judged_only_by_the_pass_line_the_clerk_confirms():
    (about,) = extract("T1", "地区生产总值增长6.5%左右")
    assert (about.score(6.4), about.score(7), about.score(None)) == ("待核实", "待核实", "未填报")
    confirmed = replace(about, comparison="≥", value=6, source="人工", about="")  # as the clerk's row reads back
    assert (confirmed.score(6.4), confirmed.score(5.9)) == ("达标", "未达标")
    assert (confirmed.target_text, shown_target(confirmed, "地区生产总值增长6.5%左右")) == ("≥6%", "≥6%")
    kept = replace(confirmed, value=6.5)  # the clerk keeps 6.5 as the pass line: printed as judged, not "6.5%左右"
    assert (kept.score(6.4), shown_target(kept, "地区生产总值增长6.5%左右")) == ("未达标", "≥6.5%")


@pytest.mark.parametrize(
    "raw, target, unit, doubt",
    [
        ("600000", "约5000万元", "万元", "完成值“600000”超过目标“约5000万元”的 100 倍，请核实。"),
        ("150%", "约85%", "%", "完成值“150%”超过 100%，而目标是“约85%”，请核实。"),
        ("0.5", "6.5%左右", "%", "完成值“0.5”按 0.5% 计，与目标“6.5%左右”相差很大，请核实：如果是 50%，请写成 50%。"),
    ],
)
def test_a_value_reported_against_an_approximate_target_is_checked_as_against_its_number(raw, target, unit, doubt):
    assert check_reported(raw, target, unit) == (None, doubt)


def _tool(workdir):
    """``workdir`` with the 2025 table as its master; returns (config, table as loaded from the master)."""
    config = load_config(workdir / "config.ini")
    source = build_xlsx(workdir / "附件.xlsx", Shape("gov2025", [ROWS], [], before=TITLE))
    write_table(import_source(source, config.departments), config.table)
    return config, load_table(config.table, config.departments)


def test_import_check_lists_the_approximate_targets_as_readings_to_confirm(workdir):
    source = build_xlsx(workdir / "附件.xlsx", Shape("gov2025", [ROWS], [], before=TITLE))
    result = run_script("import_table.py", source, "--check", "--config", workdir / "config.ini")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    at = lines.index(CONFIRM)
    assert lines[at : at + 6] == CONFIRM_LINES


def _indicator_rows(path):
    ws = openpyxl.load_workbook(path)["指标"]
    return {r[0]: r[3:10] for r in ws.iter_rows(min_row=2, values_only=True)}


def _month(config, table, values):
    """The 汇总 workbook's 指标 rows and 附件2's rows (by 指标名称) after 区发展改革委 and 区商务局 reported."""
    forms = dict(generate(table, config, P).files)
    for unit in ("区发展改革委", "区商务局"):
        fill(forms[unit], config.inbox / f"{unit}.xlsx", indicators=values[unit])
    Collector(config, table, settle_seconds=0, now=lambda: dt.datetime(2010, 11, 20, 9)).run(P)
    path, _, _ = consolidate(config, table, P, today=dt.date(2010, 11, 28))
    sheet = openpyxl.load_workbook(path)["指标"]
    workbook = {r[0]: (r[2], r[3], r[5], r[7]) for r in sheet.iter_rows(min_row=3, values_only=True)}
    _, written, _ = make_report(config, table, P, today=dt.date(2010, 11, 28), pdf=False)
    attachment = {
        r.cells[2].text: [c.text for c in r.cells[3:7]] for r in docx.Document(str(written[1])).tables[0].rows[1:]
    }
    return forms, workbook, attachment


VALUES = {"区发展改革委": {"T0101-1": "6.4%", "T0101-2": "5.2%"}, "区商务局": {"T0102-1": "5.9%", "T0102-2": 4800}}


def test_an_approximate_target_prints_as_written_and_its_value_is_to_be_checked_until_confirmed(workdir):
    config, table = _tool(workdir)
    assert indicators.needs_confirming(table) == CONFIRM_LINES
    rows = _indicator_rows(config.table)  # the 指标 sheet: the name without 左右, the reading for the clerk to confirm
    assert rows["T0101-1"] == ("地区生产总值增长", "至少", 6.5, None, "%", "区发展改革委", "待确认")
    assert rows["T0102-2"] == ("招商引资", "=", 5000, None, "万元", "区商务局", "待确认")
    assert rows["T0103-1"] == ("城镇新增就业", "≥", 1.2, None, "万人", "区人力资源社会保障局", "自动提取")
    assert rows["T0201-1"] == ("食品抽检合格率", "≥", 85, None, "%", "区市场监管局", "自动提取")
    forms, workbook, attachment = _month(config, table, VALUES)
    ws = openpyxl.load_workbook(forms["区商务局"])["指标填报"]
    assert [[c.value for c in row][:5] for row in ws.iter_rows(min_row=2, max_row=3)] == [
        ["T0102-1", "T0102", "社会消费品零售总额增长", "6%左右", "%"],
        ["T0102-2", "T0102", "招商引资", "约5000万元", "万元"],
    ]
    assert workbook["T0101-1"] == ("地区生产总值增长", "6.5%左右", 6.4, "待核实")
    assert workbook["T0101-2"] == ("一般公共预算收入增长", "5%左右", 5.2, "待核实")
    assert workbook["T0102-2"] == ("招商引资", "约5000万元", 4800, "待核实")
    assert workbook["T0103-1"] == ("城镇新增就业", "1.2万人以上", None, "未填报")
    assert attachment["地区生产总值增长"] == ["6.5%左右", "6.4%", "不适用", "待核实"]
    assert attachment["社会消费品零售总额增长"] == ["6%左右", "5.9%", "不适用", "待核实"]
    assert attachment["招商引资"][:2] + attachment["招商引资"][3:] == ["约5000万元", "4800万元", "待核实"]
    assert attachment["食品抽检合格率"] == ["不低于85%", "", "不适用", "未填报"]


def test_the_clerk_writes_the_pass_line_of_an_approximate_target_in_the_indicator_sheet(workdir):
    """README: “6.5%左右”按6%算达标 — 比较 ≥, 目标值 6 (来源 left 待确认 counts as 人工 once the reading changed)."""
    config, table = _tool(workdir)

    def confirm(ws):
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "T0101-1":
                row[4].value, row[5].value = "≥", 6
            if row[0].value == "T0102-1":
                row[9].value = "人工"  # 至少6% as read is the pass line

    _edit(config.table, confirm)
    table = load_table(config.table, config.departments)
    assert (
        indicators.needs_confirming(table) == [CONFIRM.replace("5 项", "3 项")] + CONFIRM_LINES[2:3] + CONFIRM_LINES[4:]
    )
    forms, workbook, attachment = _month(config, table, VALUES)
    ws = openpyxl.load_workbook(forms["区发展改革委"])["指标填报"]
    assert [c.value for c in ws[2]][:5] == ["T0101-1", "T0101", "地区生产总值增长", "≥6%", "%"]
    assert workbook["T0101-1"] == ("地区生产总值增长", "≥6%", 6.4, "达标")
    assert workbook["T0102-1"] == ("社会消费品零售总额增长", "至少6%", 5.9, "未达标")
    assert attachment["地区生产总值增长"] == ["≥6%", "6.4%", "不适用", "达标"]
    assert attachment["一般公共预算收入增长"] == ["5%左右", "5.2%", "不适用", "待核实"]


def test_refresh_names_a_row_an_earlier_version_read_as_at_least_and_leaves_it(workdir):
    """Before this reading an import kept 增长6.5%左右 as 地区生产总值增长左右, 至少6.5%, 自动提取."""
    config, _ = _tool(workdir)

    def earlier(ws):
        ws["D2"], ws["J2"] = "地区生产总值增长左右", "自动提取"

    _edit(config.table, earlier)
    said = []
    refresh_indicators(config, P, said.append)
    assert said[2:] == [CONFIRM.replace("5 项", "4 项")] + CONFIRM_LINES[2:] + [
        "以下 1 项“自动提取”的指标，“指标”工作表中的比较与工作目标现在的读法不同（可能是早先读错了），"
        "请核对，需要时改正并把“来源”改为“人工”：",
        "  T0101-1 地区生产总值增长左右：表中为“至少6.5%”，工作目标读作“6.5%左右”（约数，没有确切的达标线）",
    ]
    assert _indicator_rows(config.table)["T0101-1"] == (
        "地区生产总值增长左右",
        "至少",
        6.5,
        None,
        "%",
        "区发展改革委",
        "自动提取",
    )
