"""Quantitative indicators: extraction from the seed, the clerk's 指标 sheet, values round-tripped and scored."""

import datetime as dt

import docx
import openpyxl
import pytest
from conftest import SEED, SEED_TABLE, libreoffice_convert, needs_libreoffice
from dutytable import indicators
from dutytable.collect import Collector
from dutytable.consolidate import consolidate
from dutytable.distribute import generate
from dutytable.errors import TableError
from dutytable.importer import import_source
from dutytable.indicators import fingerprint
from dutytable.ledger import Ledger
from dutytable.master import load_table, write_table
from dutytable.model import Period
from dutytable.report import make_report
from dutytable.reported import check_reported, parse_number
from dutytable.targets import extract
from dutytable.workbooks import Percent
from heads import indicator_head
from returns import OLD, age, fill, prepare

EXPECTED_INDICATORS = [  # (id, name, comparison, value, upper, unit)
    ("T0101-1", "食品等重要产品的质量安全责任事故", "零发生", 0, None, "起"),
    ("T0101-2", "工业产品生产许可证产品抽检平均合格率", "≥", 92, None, "%"),
    ("T0101-3", "食品抽检平均合格率", "≥", 90, None, "%"),
    ("T0101-4", "不合格产品生产企业整改率", "≥", 100, None, "%"),
    ("T0102-1", "重特大建筑工程质量事故", "零发生", 0, None, "起"),
    ("T0102-2", "工程一次验收合格率", "=", 100, None, "%"),
    ("T0103-1", "申报省级现代服务业集聚区", "至少", 1, None, "家"),
    ("T0103-2", "申报市级物流示范基地", "至少", 2, None, "家"),
    ("T0104-1", "完成年度化学需氧量削减任务", "至少", 71, None, "吨"),
    ("T0104-2", "二氧化硫削减任务", "至少", 398, None, "吨"),
    ("T0104-3", "建设生活污水处理设施", "至少", 6, None, "行政村"),
    ("T0104-4", "小康断面水质达到相应考核指标要求", "至少", 3, None, "个"),
    ("T0104-5", "省运会比赛有影响的企业废气整治", "=", 21, None, "家"),
    ("T0201-1", "申报省级标准化良好行为企业试点", "至少", 5, None, "家"),
    ("T0201-2", "省级高新技术企业标准化试点", "至少", 1, None, "家"),
    ("T0201-3", "省级循环经济标准化试点", "至少", 1, None, "家"),
    ("T0201-4", "完成产品通过采标验收", "至少", 40, None, "只"),
    ("T0202-1", "新增无公害农产品", "至少", 5, None, "只"),
    ("T0202-2", "绿色食品", "至少", 2, None, "只"),
    ("T0203-1", "申报省级以上服务标准化试点企业", "至少", 1, None, "家"),
    ("T0204-1", "完成“计量确认”任务", "至少", 10, None, "家"),
    ("T0204-2", "新增定量包装商品生产企业达到使用“C”标志", "至少", 2, None, "家"),
    ("T0205-1", "集贸市场、村卫生室和计生服务站在用计量器具接受免费检定", "=", 100, None, "%"),
    ("T0301-1", "新创江苏名牌产品", "至少", 3, None, "只"),
    ("T0301-2", "常州市名牌", "至少", 5, None, "只"),
    ("T0302-1", "省著名商标", "至少", 2, None, "只"),
    ("T0302-2", "市知名商标", "至少", 8, None, "只"),
    ("T0303-1", "中国名牌、江苏名牌产品企业卓越绩效管理培训率", "≥", 90, None, "%"),
    ("T0303-2", "省级名牌企业全面启动质量信用评价工作", "≥", 50, None, "%"),
    ("T0303-3", "江苏省和常州市质量奖", "区间", 1, 2, "家"),
    ("T0401-1", "区域性和严重影响新北形象和声誉的制假售假行为", "零发生", 0, None, "起"),
    ("T0402-1", "重特大安全生产事故", "零发生", 0, None, "起"),
    ("T0402-2", "万台设备事故率", "≤", 0.45, None, ""),
    ("T0402-3", "死亡率", "≤", 0.45, None, ""),
    ("T0402-4", "新增特种设备依法注册登记率", "≥", 100, None, "%"),
    ("T0402-5", "新增特种设备使用单位安全责任告知率", "≥", 100, None, "%"),
    ("T0402-6", "重大事故隐患整改督查率", "≥", 100, None, "%"),
    ("T0402-7", "特种设备定期检验完成率", "≥", 100, None, "%"),
    ("T0402-8", "重点监控设备现场监察率", "≥", 100, None, "%"),
    ("T0402-9", "注册登记率", "≥", 100, None, "%"),
    ("T0402-10", "人员持证上岗率", "≥", 100, None, "%"),
]


def test_every_quantitative_indicator_of_the_seed_and_none_from_qualitative_targets(shipped_config):
    table = import_source(SEED, shipped_config.departments)
    found = [
        (i.indicator_id, i.name, i.comparison, i.value, i.upper, i.unit)
        for t in table.tasks
        for i in extract(t.task_id, t.target)
    ]
    assert found == EXPECTED_INDICATORS
    for qualitative in ("T0206", "T0403", "T0501", "T0502"):  # 能源计量, 长效管理, 宣传, 培训
        assert extract(qualitative, table.task(qualitative).target) == []


def test_target_texts_and_scores():
    a, b, c, d = extract("T1", "力争新创名牌产品3只，1-2家争创质量奖，合格率≥92%，事故率不超过0.45。")
    zero = extract("T2", "无重特大安全生产事故")[0]
    assert [i.target_text for i in (a, b, c, d, zero)] == ["至少3只", "1–2家", "≥92%", "≤0.45", "零发生"]
    assert (a.score(3), a.score(2.0), a.score(None)) == ("达标", "未达标", "未填报")
    assert (b.score(1), d.score(0.5), d.score(0.45), zero.score(0), zero.score(1)) == (
        "达标",
        "未达标",
        "达标",
        "达标",
        "未达标",
    )


@pytest.mark.parametrize(
    "raw, unit, value",
    [
        ("92%", "%", 92),
        (Percent(0.92), "%", 92),
        ("９２％", "%", 92),
        ("92.5", "%", 92.5),
        (92, "%", 92),
        ("92", "%", 92),
        (0.92, "%", 0.92),
        ("0.92", "%", 0.92),
        ("5‰", "%", 0.5),  # one rule for text and numbers
        ("1,234", "吨", 1234),
        ("1,234.5", "吨", 1234.5),
        ("71吨", "吨", 71),
        ("6个行政村", "行政村", 6),
        (0, "起", 0),
        ("０", "起", 0),
        ("92,5", "%", None),
        ("1,2345", "吨", None),
        ("约七十吨", "吨", None),
        ("大部分", "%", None),
        ("", "家", None),
        ("92%%", "%", None),
        (True, "家", None),
    ],
)
def test_reported_values_are_read_leniently(raw, unit, value):
    assert check_reported(raw, f"≥{1 if unit == '%' else 100}{unit}", unit)[0] == value  # no doubt of its size


def test_a_full_width_minus_reads_as_minus():
    assert check_reported("−5吨", "≥100吨", "吨") == (
        None,
        "完成值“−5吨”是负数，截至本月的累计完成值不会小于 0，请核实。",
    )


@pytest.mark.parametrize(
    "raw, target, unit, value, doubt",
    [
        (92, "≥92%", "%", 92, None),
        (Percent(0.93), "≥92%", "%", 93, None),
        (7100, "至少71吨", "吨", 7100, None),  # a hundred times the target is still believed
        (0, "零发生", "起", 0, None),
        (3, "零发生", "起", 3, None),
        (2.5, "至少71吨", "吨", 2.5, None),
        ("−5吨", "至少71吨", "吨", None, "完成值“−5吨”是负数，截至本月的累计完成值不会小于 0，请核实。"),
        (-5, "至少71吨", "吨", None, "完成值“-5”是负数，截至本月的累计完成值不会小于 0，请核实。"),
        (1e9, "至少71吨", "吨", None, "完成值“1000000000”超过目标“至少71吨”的 100 倍，请核实。"),
        (7101, "至少71吨", "吨", None, "完成值“7101”超过目标“至少71吨”的 100 倍，请核实。"),
        (300, "1–2家", "家", None, "完成值“300”超过目标“1–2家”的 100 倍，请核实。"),
        (
            "150%",
            "至少5家",
            "家",
            None,
            "完成值“150%”带有“%”，但该指标的目标是“至少5家”，不是百分比，请核实后填写数字。",
        ),
        (
            Percent(0.5),
            "≤0.45",
            "",
            None,
            "完成值“50%”带有“%”，但该指标的目标是“≤0.45”，不是百分比，请核实后填写数字。",
        ),
        ("2.5", "至少5家", "家", None, "完成值“2.5”不是整数，该指标以“家”计数，请核实。"),
        (float("nan"), "≥92%", "%", None, "完成值“nan”不是有效的数字，请核实。"),
        (float("inf"), "至少71吨", "吨", None, "完成值“inf”不是有效的数字，请核实。"),
        (float("-inf"), "至少71吨", "吨", None, "完成值“-inf”不是有效的数字，请核实。"),
        (1e9 + 1, "至少10000000吨", "吨", None, "完成值“1000000001”超过 10 亿，不会是截至本月的累计完成值，请核实。"),
        (
            "2.5",
            "零发生",
            "起",
            None,
            "完成值“2.5”不是起数，该指标的目标是“零发生”，应填写发生的起数（没有发生填 0），请核实。",
        ),
        (
            "50%",
            "零发生",
            "起",
            None,
            "完成值“50%”不是起数，该指标的目标是“零发生”，应填写发生的起数（没有发生填 0），请核实。",
        ),
        (
            "-1",
            "零发生",
            "起",
            None,
            "完成值“-1”不是起数，该指标的目标是“零发生”，应填写发生的起数（没有发生填 0），请核实。",
        ),
        (
            0.5,
            "零发生",
            "",
            None,
            "完成值“0.5”不是起数，该指标的目标是“零发生”，应填写发生的起数（没有发生填 0），请核实。",
        ),
        ("150%", "≥92%", "%", None, "完成值“150%”超过 100%，而目标是“≥92%”，请核实。"),
        (150, "100%", "%", None, "完成值“150”超过 100%，而目标是“100%”，请核实。"),
        ("0.92", "≥92%", "%", None, "完成值“0.92”按 0.92% 计，与目标“≥92%”相差很大，请核实：如果是 92%，请写成 92%。"),
        (0.92, "≥92%", "%", None, "完成值“0.92”按 0.92% 计，与目标“≥92%”相差很大，请核实：如果是 92%，请写成 92%。"),
        (
            "92,5",
            "≥92%",
            "%",
            None,
            "完成值“92,5”中的逗号不知是小数点还是千位分隔符，请核实：小数请用小数点（如 92.5），千位请写成 1,234。",
        ),
        ("约七十吨", "至少71吨", "吨", None, None),
    ],
)
def test_a_value_the_indicator_cannot_take_is_to_be_checked(raw, target, unit, value, doubt):
    assert check_reported(raw, target, unit) == (value, doubt)


def test_parse_number_rejects_words_and_an_ambiguous_comma():
    assert parse_number("十二") is None and parse_number("12家") == 12 and parse_number("92,5") is None


# --- the 指标 sheet of the master table ----------------------------------------------------


def test_the_shipped_table_carries_the_indicators(shipped_config):
    table = load_table(SEED_TABLE, shipped_config.departments)
    assert [
        (i.indicator_id, i.name, i.comparison, i.value, i.upper, i.unit) for i in table.indicators
    ] == EXPECTED_INDICATORS
    owners = {i.indicator_id: i.owner for i in table.indicators}
    assert (
        owners["T0101-1"] == "质监分局" and owners["T0202-1"] == "农业局" and owners["T0401-1"] == ""
    )  # 区有关部门: no form
    ws = openpyxl.load_workbook(SEED_TABLE)["指标"]
    assert [c.value for c in ws[1]] == [
        "指标编号",
        "任务编号",
        "工作内容",
        "指标名称",
        "比较",
        "目标值",
        "目标上限",
        "单位",
        "填报单位",
        "来源",
    ]
    assert [c.value for c in ws[31]] == [
        "T0303-3",
        "T0303",
        "质量管理",
        "江苏省和常州市质量奖",
        "区间",
        1,
        2,
        "家",
        "质监分局",
        "自动提取",
    ]


def _edit(path, edit_indicators=None, edit_tasks=None):
    wb = openpyxl.load_workbook(path)
    if edit_indicators:
        edit_indicators(wb["指标"])
    if edit_tasks:
        edit_tasks(wb["责任分解表"])
    wb.save(path)


def test_what_the_clerk_wrote_wins_and_changed_targets_are_extracted_again(config):
    def indicators(ws):
        ws["F3"] = 95  # T0101-2: 92 -> 95
        ws["I3"] = "药监分局"  # reported by another unit
        ws.delete_rows(26)  # T0301-2 常州市名牌 deleted
        ws.append(["", "T0104", "环境质量", "新增污水管网", "至少", 12, None, "公里", "", "人工"])

    def tasks(ws):
        ws["E5"] = "完成年度化学需氧量削减任务80吨。"  # T0104's target changed

    _edit(config.table, indicators, tasks)
    table = load_table(config.table, config.departments)
    by_id = {i.indicator_id: i for i in table.indicators}
    assert (by_id["T0101-2"].value, by_id["T0101-2"].owner) == (95, "药监分局")
    assert "T0301-2" not in by_id
    t0104 = [
        (i.indicator_id, i.name, i.value, i.unit, i.owner, i.source) for i in table.indicators if i.task_id == "T0104"
    ]
    assert t0104 == [
        ("T0104-1", "完成年度化学需氧量削减任务", 80, "吨", "环保局", "自动提取"),
        ("T0104-R" + fingerprint("新增污水管网")[:6], "新增污水管网", 12, "公里", "环保局", "人工"),
    ]
    assert len(table.indicators) == 41 - 1 - 5 + 1 + 1


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda ws: setattr(ws["E3"], "value", "大于"),
            "责任分解表.xlsx 工作表“指标”第3行（工业产品生产许可证产品抽检平均合格率）：比较“大于”无效，请填写 ≥、≤、=、至少、区间、零发生 之一。",
        ),
        (
            lambda ws: setattr(ws["F3"], "value", "九十二"),
            "责任分解表.xlsx 工作表“指标”第3行（工业产品生产许可证产品抽检平均合格率）：目标值不是数字，请填写数字，例如 92。",
        ),
        (
            lambda ws: setattr(ws["B3"], "value", "T9999"),
            "责任分解表.xlsx 工作表“指标”第3行（工业产品生产许可证产品抽检平均合格率）：任务编号“T9999”不在责任分解表中，请改为该指标所属任务的编号。",
        ),
        (
            lambda ws: setattr(ws["A3"], "value", "T0101-1"),
            "责任分解表.xlsx 工作表“指标”第3行（工业产品生产许可证产品抽检平均合格率）：指标编号“T0101-1”与第2行重复，请改用一个新的编号。",
        ),
        (
            lambda ws: setattr(ws["I3"], "value", "不存在局"),
            "责任分解表.xlsx 工作表“指标”（T0101-2 工业产品生产许可证产品抽检平均合格率）：填报单位“不存在局”不在填报单位名单中，"
            "请改为该任务的牵头或配合单位之一。",
        ),
    ],
)
def test_bad_indicator_rows_name_the_row(config, edit, message):
    _edit(config.table, edit)
    with pytest.raises(TableError) as info:
        load_table(config.table, config.departments)
    assert info.value.lines() == [message]


# --- round trip: forms, collector, consolidated workbook, report ------------------------------


def _fill_zhijian(form, dest, values):
    return fill(form, dest, indicators=values)


def test_values_round_trip_to_the_indicator_sheet_and_the_report(workdir):
    config, table, forms = prepare(workdir, period=Period(2010, 10))
    october = forms
    november = dict(generate(table, config, Period(2010, 11)).files)
    ws = openpyxl.load_workbook(november["质监分局"])["指标填报"]
    assert [c.value for c in ws[1]] == [
        "指标编号",
        "任务编号",
        "指标名称",
        "目标",
        "单位",
        "截至本月累计完成值",
        "说明",
    ]
    assert [c.value for c in ws[3]][:5] == ["T0101-2", "T0101", "工业产品生产许可证产品抽检平均合格率", "≥92%", "%"]
    assert ws["F3"].protection.locked is False and ws.max_row == 18  # 17 indicators of 质监分局
    inbox = workdir / "inbox"
    age(_fill_zhijian(october["质监分局"], inbox / "十月.xlsx", {"T0101-2": "90%", "T0201-1": 2}), OLD)
    Collector(config, table, settle_seconds=0).run(Period(2010, 10))

    def percent_cell(ws):  # 0.93 formatted as a percentage, as Excel stores "93%"
        sheet = ws.parent["指标填报"]
        sheet["F4"] = 0.93
        sheet["F4"].number_format = "0%"

    age(
        fill(
            november["质监分局"],
            inbox / "十一月.xlsx",
            edit=percent_cell,
            indicators={"T0101-1": 0, "T0101-2": "９３％", "T0201-1": "6家", "T0201-4": "约四十只", "T0303-3": "1"},
        ),
        OLD + 3600,
    )
    result = Collector(config, table, settle_seconds=0).run(Period(2010, 11))
    ex = result.processed[0]
    assert ex.verdict == "待补正"
    assert ex.problems == [
        "工作表“指标填报”F9（完成产品通过采标验收）：完成值“约四十只”无法识别为数字，请改为数字，例如 12。"
    ]
    marked = openpyxl.load_workbook(result.marked_copies[0])["指标填报"]
    assert marked["F9"].value == "约四十只" and marked["F9"].comment.text.startswith("“约四十只”不是数字")

    path, summary, _ = consolidate(config, table, Period(2010, 11))
    sheet = openpyxl.load_workbook(path)["指标"]
    header = [c.value for c in sheet[2]]
    assert header == indicator_head("10月", "11月")
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    # 序时进度 as of 30 November (334 of 365 days): for the counts only, the rates and 零发生 不适用
    assert rows["T0101-1"][5:8] == (0, "不适用", "达标")
    assert rows["T0101-2"][5:8] == (93, "不适用", "达标") and rows["T0101-2"][9:] == (90, 93)
    assert rows["T0101-3"][5:8] == (93, "不适用", "达标")  # 0.93 formatted as a percentage
    assert rows["T0201-1"][5:8] == (6, 4.6, "达标") and rows["T0201-1"][9:] == (2, 6)
    assert rows["T0201-4"][5:8] == ("约四十只", 36.6, "未填报")
    assert rows["T0201-2"][5:8] == (1, 0.9, "达标") and rows["T0301-1"][5:8] == (1, 2.7, "未达标")
    assert rows["T0402-2"][4:8] == ("安监局", None, "不适用", "未填报")
    assert rows["T0401-1"][4:6] + rows["T0401-1"][7:8] == ("未明确填报单位", None, "待核实")  # its lead gets no form
    # two periods: the trend chart, on a sheet of its own after the table
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[-2:] == ["指标", "指标趋势"] and len(book["指标趋势"]._charts) == 1
    counts = summary.indicator_counts
    assert counts == {"达标": 12, "未达标": 4, "待核实": 1, "未填报": 24}

    _, written, _ = make_report(config, table, Period(2010, 11), today=dt.date(2010, 11, 28), pdf=False)
    d = docx.Document(str(written[0]))
    assert "量化指标41项，已达标12项、未达标4项、待核实1项、未填报24项；" in d.paragraphs[3].text
    cells = {r.cells[2].text: [c.text for c in r.cells] for r in docx.Document(str(written[1])).tables[0].rows[1:]}
    assert cells["工业产品生产许可证产品抽检平均合格率"][3:7] == ["≥92%", "93%", "不适用", "达标"]
    # targets as the table wrote them: "申报…企业试点5家", "达100%", "1-2家" printed as 1～2家; 序时进度 as of
    # 28 November, 332 of 365 days
    assert cells["申报省级标准化良好行为企业试点"][3:7] == ["5家", "6家", "4.5家", "达标"]
    assert cells["完成产品通过采标验收"][3:7] == ["40只", "约四十只", "36.4只", "未填报"]
    assert cells["江苏省和常州市质量奖"][3] == "1～2家"
    assert (
        cells["不合格产品生产企业整改率"][3] == "达100%"
        and cells["中国名牌、江苏名牌产品企业卓越绩效管理培训率"][3] == "达90%"
    )


def test_refresh_writes_the_merged_indicators_back_after_a_backup(config):
    from conftest import run_script

    def indicators(ws):
        ws["F3"] = 95

    def tasks(ws):
        ws["E5"] = "完成年度化学需氧量削减任务80吨。"

    _edit(config.table, indicators, tasks)
    before = config.table.read_bytes()
    result = run_script("refresh_indicators.py", "--config", config.path)
    assert result.returncode == 0, result.stderr
    backups = list(config.table.parent.glob("责任分解表.备份-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert result.stdout.splitlines() == [
        f"主表已备份为 {backups[0].name}。",
        f"“指标”工作表现有 37 项量化指标：{config.table}",
    ]
    rows = {r[0]: r for r in openpyxl.load_workbook(config.table)["指标"].iter_rows(min_row=2, values_only=True)}
    assert rows["T0101-2"][5] == 95
    assert rows["T0104-1"][3:6] == ("完成年度化学需氧量削减任务", "至少", 80) and "T0104-2" not in rows
    again = load_table(config.table, config.departments)
    assert again.indicator_record["T0104"] == fingerprint("完成年度化学需氧量削减任务80吨。")


# --- values the indicator cannot take, through a real collect run ------------------------------------


def test_impossible_values_are_to_be_checked_naming_their_cell(workdir, tmp_path):
    config, table, forms = prepare(workdir)
    inbox = workdir / "inbox"

    def percent_cells(ws):  # typed as 93% in Excel: 0.93 with a percentage format
        for ref in ("F6", "F17"):
            ws.parent["指标填报"][ref] = 0.93
            ws.parent["指标填报"][ref].number_format = "0%"

    fill(
        forms["环保局"],
        inbox / "环保局.xlsx",
        indicators={"T0104-1": "−5吨", "T0104-2": 1e9, "T0104-3": 2.5, "T0104-4": "150%", "T0104-5": "92,5"},
    )
    fill(
        forms["质监分局"],
        inbox / "质监分局.xlsx",
        edit=percent_cells,
        indicators={"T0101-2": "0.92", "T0101-3": 0.92, "T0101-4": "150%", "T0303-1": 92},
    )
    result = Collector(config, table, settle_seconds=0).run(Period(2010, 11))
    by_unit = {ex.recipient: ex for ex in result.processed}
    at = "工作表“指标填报”"
    assert by_unit["环保局"].problems == [
        f"{at}F2（完成年度化学需氧量削减任务）：完成值“−5吨”是负数，截至本月的累计完成值不会小于 0，请核实。",
        f"{at}F3（二氧化硫削减任务）：完成值“1000000000”超过目标“至少398吨”的 100 倍，请核实。",
        f"{at}F4（建设生活污水处理设施）：完成值“2.5”不是整数，该指标以“行政村”计数，请核实。",
        f"{at}F5（小康断面水质达到相应考核指标要求）："
        "完成值“150%”带有“%”，但该指标的目标是“至少3个”，"
        "不是百分比，请核实后填写数字。",
        f"{at}F6（省运会比赛有影响的企业废气整治）：完成值“92,5”中的逗号不知是小数点还是千位分隔符，"
        "请核实：小数请用小数点（如 92.5），千位请写成 1,234。",
    ]
    assert by_unit["质监分局"].problems == [
        f"{at}F3（工业产品生产许可证产品抽检平均合格率）：完成值“0.92”按 0.92% 计，与目标“≥92%”相差很大，"
        "请核实：如果是 92%，请写成 92%。",
        f"{at}F4（食品抽检平均合格率）：完成值“0.92”按 0.92% 计，与目标“≥90%”相差很大，"
        "请核实：如果是 92%，请写成 92%。",
        f"{at}F5（不合格产品生产企业整改率）：完成值“150%”超过 100%，而目标是“≥100%”，请核实。",
        f"{at}F6（申报省级标准化良好行为企业试点）："
        "完成值“93%”带有“%”，但该指标的目标是“至少5家”，"
        "不是百分比，请核实后填写数字。",
    ]
    assert {ex.verdict for ex in result.processed} == {"待补正"}
    with Ledger(config.ledger, config.path.parent) as ledger:  # kept as read, not scored until confirmed
        recorded = ledger.latest_returns(result.period)["质监分局"].indicators
    values = {ind_id: (v["value"], v["raw"]) for ind_id, v in recorded.items()}
    assert values["T0101-2"] == (None, "0.92") and values["T0101-4"] == (None, "150%")
    assert values["T0303-2"] == (93, "93%") and values["T0303-1"] == (92, "92")  # F17 formatted, F16 bare
    marked = openpyxl.load_workbook(next(p for p in result.marked_copies if "环保局" in p.name))["指标填报"]
    assert marked["F2"].value == "−5吨"
    assert marked["F2"].comment.text == "完成值“−5吨”是负数，截至本月的累计完成值不会小于 0，请核实。"


@needs_libreoffice
def test_a_percent_format_is_read_from_xlsx_and_ods_and_an_xls_number_is_to_be_checked(tmp_path):
    from dutytable.workbooks import open_workbook

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标填报"
    ws["F3"], ws["F4"] = 0.93, 0.5
    ws["F3"].number_format, ws["F4"].number_format = "0%", '0.0"%"'  # the second only shows a % as text
    wb.save(tmp_path / "p.xlsx")
    read = {}
    for fmt in ("xlsx", "ods", "xls"):
        path = tmp_path / "p.xlsx" if fmt == "xlsx" else libreoffice_convert(tmp_path / "p.xlsx", fmt, tmp_path / fmt)
        rows = open_workbook(path)[1][0].rows
        read[fmt] = (check_reported(rows[2][5], "≥92%", "%"), check_reported(rows[3][5], "≥92%", "%"))
    doubt = "完成值“0.5”按 0.5% 计，与目标“≥92%”相差很大，请核实：如果是 50%，请写成 50%。"
    assert read["xlsx"] == read["ods"] == ((93, None), (None, doubt))
    assert read["xls"] == (
        (None, "完成值“0.93”按 0.93% 计，与目标“≥92%”相差很大，请核实：如果是 93%，请写成 93%。"),
        (None, doubt),
    )


def test_a_target_typed_as_a_percentage_in_the_master_table_is_read_as_written(config):
    def indicators(ws):  # the clerk types 95% over 92: Excel stores 0.95 with a percent format
        ws["F3"] = 0.95
        ws["F3"].number_format = "0%"

    _edit(config.table, indicators)
    by_id = {i.indicator_id: i for i in load_table(config.table, config.departments).indicators}
    assert (by_id["T0101-2"].value, by_id["T0101-2"].target_text) == (95, "≥95%")


# --- reading the comparison of a target: one table of words (vocab.TARGET_WORDS) --------------------

SURE, UNSURE = "自动提取", "待确认"


@pytest.mark.parametrize(
    "target, expected",
    [  # (name, comparison, value, upper, unit, source)
        # 营商环境
        ("审批时限压缩至3个工作日以内", [("审批时限", "≤", 3, None, "个工作日", SURE)]),
        ("压缩至1个工作日以内", [("压缩至1个工作日以内", "≤", 1, None, "个工作日", SURE)]),  # no name: the clause
        ("企业开办时间压缩至1个工作日以内", [("企业开办时间", "≤", 1, None, "个工作日", SURE)]),
        ("工程建设项目审批时间控制在80个工作日以内", [("工程建设项目审批时间", "≤", 80, None, "个工作日", SURE)]),
        ("不动产登记办理时限压缩到5个工作日", [("不动产登记办理时限", "≤", 5, None, "个工作日", SURE)]),
        ("审批时限由5个工作日压缩至3个工作日", [("审批时限", "≤", 3, None, "个工作日", SURE)]),
        ("获得电力办电时间不超过15个工作日", [("获得电力办电时间", "≤", 15, None, "个工作日", SURE)]),
        ("政务服务事项网上可办率达到95%以上", [("政务服务事项网上可办率", "≥", 95, None, "%", SURE)]),
        ("“一网通办”事项比例不低于90%", [("“一网通办”事项比例", "≥", 90, None, "%", SURE)]),
        ("新增市场主体不少于5000家", [("新增市场主体", "≥", 5000, None, "家", SURE)]),
        ("比例不低于30%", [("比例", "≥", 30, None, "%", SURE)]),
        ("城镇化率由60%提高到65%", [("城镇化率", "≥", 65, None, "%", SURE)]),
        # 环保
        ("PM2.5平均浓度控制在35微克/立方米以下", [("PM2.5平均浓度", "≤", 35, None, "微克/立方米", SURE)]),
        ("空气质量优良天数比率达到80%以上", [("空气质量优良天数比率", "≥", 80, None, "%", SURE)]),
        ("地表水国考断面水质优良比例不低于70%", [("地表水国考断面水质优良比例", "≥", 70, None, "%", SURE)]),
        ("森林覆盖率达到45%以上", [("森林覆盖率", "≥", 45, None, "%", SURE)]),
        ("单位GDP能耗下降3%", [("单位GDP能耗下降", "至少", 3, None, "%", SURE)]),
        ("化学需氧量排放量削减任务1200吨", [("化学需氧量排放量削减任务", "至少", 1200, None, "吨", SURE)]),
        ("城市生活垃圾无害化处理率达100%", [("城市生活垃圾无害化处理率", "≥", 100, None, "%", SURE)]),
        ("重污染天数不超过5天", [("重污染天数", "≤", 5, None, "天", SURE)]),
        # 民生实事
        ("新增就业不少于1.2万人", [("新增就业", "≥", 1.2, None, "万人", SURE)]),
        ("城镇登记失业率控制在4.5%以内", [("城镇登记失业率", "≤", 4.5, None, "%", SURE)]),
        ("新建5G基站300个以上", [("新建5G基站", "≥", 300, None, "个", SURE)]),
        ("改造老旧小区12个", [("改造老旧小区", "至少", 12, None, "个", SURE)]),
        ("新增城镇就业8000人", [("新增城镇就业", "至少", 8000, None, "人", SURE)]),
        ("完成投资20亿元", [("完成投资", "至少", 20, None, "亿元", SURE)]),
        ("兑现资金2亿元", [("兑现资金", "至少", 2, None, "亿元", SURE)]),
        ("新建幼儿园3所", [("新建幼儿园", "至少", 3, None, "所", SURE)]),
        ("发放创业担保贷款不少于2亿元", [("发放创业担保贷款", "≥", 2, None, "亿元", SURE)]),
        ("培训农村劳动力至少1000人次", [("培训农村劳动力", "至少", 1000, None, "人次", SURE)]),
        # 安全生产
        ("全年不发生较大以上安全事故", [("较大以上安全事故", "零发生", 0, None, "起", SURE)]),
        ("杜绝重特大火灾事故", [("重特大火灾事故", "零发生", 0, None, "起", SURE)]),
        ("确保不发生重大食品安全事故", [("重大食品安全事故", "零发生", 0, None, "起", SURE)]),
        ("实现重大动物疫情零发生", [("重大动物疫情", "零发生", 0, None, "起", SURE)]),
        ("亿元GDP生产安全事故死亡率下降10%", [("亿元GDP生产安全事故死亡率下降", "至少", 10, None, "%", SURE)]),
        ("生产安全事故起数控制在15起以内", [("生产安全事故起数", "≤", 15, None, "起", SURE)]),
        ("建筑施工事故死亡人数不超过3人", [("建筑施工事故死亡人数", "≤", 3, None, "人", SURE)]),
        ("重点行业企业安全生产标准化达标率高于95%", [("重点行业企业安全生产标准化达标率", "≥", 95, None, "%", SURE)]),
        # 质量
        ("产品质量监督抽查合格率达到92%以上", [("产品质量监督抽查合格率", "≥", 92, None, "%", SURE)]),
        ("制造业产品质量合格率超过94%", [("制造业产品质量合格率", "≥", 94, None, "%", SURE)]),
        ("食品评价性抽检合格率不低于98%", [("食品评价性抽检合格率", "≥", 98, None, "%", SURE)]),
        ("新增省级以上名牌产品5个", [("新增省级以上名牌产品", "至少", 5, None, "个", SURE)]),
        ("质量投诉处理率100%", [("质量投诉处理率", "=", 100, None, "%", SURE)]),  # nothing above 100%
        # not for sure: the clerk confirms them in the 指标 sheet
        ("接诉即办响应率98%", [("接诉即办响应率", "=", 98, None, "%", UNSURE)]),  # no comparison word either side
        (
            "建成区绿化覆盖率40%、绿地率35%",
            [
                ("建成区绿化覆盖率", "=", 40, None, "%", UNSURE),  # two numbers, no word
                ("绿地率", "=", 35, None, "%", UNSURE),
            ],
        ),
        ("力争3天办结", [("办结", "至少", 3, None, "天", UNSURE)]),  # 力争 alone: at most 3 days, surely
        (
            "确保新增就业1万人、力争1.2万人",
            [("新增就业", "至少", 1, None, "万人", SURE), ("新增就业", "至少", 1.2, None, "万人", UNSURE)],
        ),
        ("培育龙头企业不低于3-5家", [("培育龙头企业", "区间", 3, 5, "家", UNSURE)]),  # a range mixed with words
        ("办理时限不超过5个工作日以上", [("办理时限", "≤", 5, None, "个工作日", UNSURE)]),  # the words contradict
    ],
)
def test_a_target_is_read_by_its_comparison_words(target, expected):
    assert [(i.name, i.comparison, i.value, i.upper, i.unit, i.source) for i in extract("T1", target)] == expected


@pytest.mark.parametrize(
    "target, met, not_met",
    [
        ("比例不低于30%", 35, 25),
        ("不少于2亿元", 2.5, 1.6),
        ("兑现资金2亿元", 2, 1.6),
        ("压缩至1个工作日以内", 1, 2),
        ("PM2.5平均浓度控制在35微克/立方米以下", 30, 36),
        ("全年不发生较大以上安全事故", 0, 1),
    ],
)
def test_a_target_is_judged_in_its_direction(target, met, not_met):
    (ind,) = extract("T1", target)
    assert (ind.score(met), ind.score(not_met)) == ("达标", "未达标")


def test_an_unsure_reading_is_not_judged_until_the_clerk_confirms_it():
    (ind,) = extract("T1", "接诉即办响应率98%")
    assert (ind.score(99), ind.score(90), ind.score(None)) == ("待核实", "待核实", "未填报")


# --- 附件2 judged by the reading; the clerk confirms an unsure one in the 指标 sheet ------------------

T0101_TARGET = (
    "比例不低于30%，审批时限压缩至3个工作日以内，兑现资金2亿元，发放贷款不少于2亿元，"
    "PM2.5平均浓度控制在35微克/立方米以下，接诉即办响应率98%。"
)


def _t0101_targets(ws):
    ws["E2"] = T0101_TARGET


def _report_rows(config, table, values):
    """附件2's rows by 指标名称 after 质监分局 reported ``values`` for November."""
    forms = dict(generate(table, config, Period(2010, 11)).files)
    fill(forms["质监分局"], config.inbox / "质监分局.xlsx", indicators=values)
    Collector(config, table, settle_seconds=0).run(Period(2010, 11))
    path, _, _ = consolidate(config, table, Period(2010, 11))
    sheet = openpyxl.load_workbook(path)["指标"]
    assert {r[0]: r[7] for r in sheet.iter_rows(min_row=3, values_only=True)}["T0101-6"] == "待核实"
    _, written, _ = make_report(config, table, Period(2010, 11), today=dt.date(2010, 11, 28), pdf=False)
    paragraph = docx.Document(str(written[0])).paragraphs[3].text
    return paragraph, {
        r.cells[2].text: [c.text for c in r.cells[3:8]] for r in docx.Document(str(written[1])).tables[0].rows[1:]
    }


VALUES = {"T0101-1": "35%", "T0101-2": 5, "T0101-3": 1.6, "T0101-4": 2.5, "T0101-5": 30, "T0101-6": "99%"}


def test_the_report_judges_each_target_in_its_direction_and_leaves_an_unsure_one_to_be_checked(config):
    _edit(config.table, edit_tasks=_t0101_targets)
    table = load_table(config.table, config.departments)
    paragraph, rows = _report_rows(config, table, VALUES)
    # 序时进度 (28 November: 332 of 365 days) for the amounts only; a rate, a ceiling and a level have none
    assert rows["比例"] == ["不低于30%", "35%", "不适用", "达标", "质监分局"]
    assert rows["审批时限"] == ["压缩至3个工作日以内", "5个工作日", "不适用", "未达标", "质监分局"]
    assert rows["兑现资金"] == ["2亿元", "1.6亿元", "1.8亿元", "未达标", "质监分局"]
    assert rows["发放贷款"] == ["不少于2亿元", "2.5亿元", "1.8亿元", "达标", "质监分局"]
    assert rows["PM2.5平均浓度"] == ["控制在35微克/立方米以下", "30微克/立方米", "不适用", "达标", "质监分局"]
    assert rows["接诉即办响应率"] == ["98%", "99%", "不适用", "待核实", "质监分局"]
    # 待核实: 接诉即办响应率, and T0401-1, which no unit reports (its lead 区有关部门 gets no form)
    assert "量化指标43项，已达标" in paragraph and "、待核实2项、未填报" in paragraph


def test_the_clerk_confirms_an_unsure_reading_in_the_indicator_sheet(config):
    _edit(config.table, edit_tasks=_t0101_targets)
    table = load_table(config.table, config.departments)
    assert indicators.needs_confirming(table) == [
        "以下 1 项指标的目标读法没有把握，请在主表“指标”工作表中核对“比较”“目标值”“单位”，改正后把“来源”改为“人工”"
        "（确认前填报的值在附件2中写“待核实”）：",
        "  T0101-6 接诉即办响应率：读作“98%”",
    ]
    write_table(table, config.table)
    rows = {r[0]: r for r in openpyxl.load_workbook(config.table)["指标"].iter_rows(min_row=2, values_only=True)}
    assert rows["T0101-6"][3:10] == ("接诉即办响应率", "=", 98, None, "%", "质监分局", "待确认")

    def confirm(ws):
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "T0101-6":
                row[4].value = "≥"  # the clerk's reading; 来源 left as it was

    _edit(config.table, confirm)
    table = load_table(config.table, config.departments)
    assert indicators.needs_confirming(table) == []
    by_id = {i.indicator_id: i for i in table.indicators}
    assert (by_id["T0101-6"].comparison, by_id["T0101-6"].source, by_id["T0101-6"].score(99)) == ("≥", "人工", "达标")


def test_an_alias_renames_the_unit_of_the_indicator_sheet_too(workdir):
    """The README's example: 安监局 = 区应急管理局; the shipped 指标 sheet still names 安监局."""
    path = workdir / "config.ini"
    path.write_text(
        path.read_text(encoding="utf-8").replace("[aliases]\n", "[aliases]\n安监局 = 区应急管理局\n"), encoding="utf-8"
    )
    config, table, forms = prepare(workdir)
    owners = {i.indicator_id: i.owner for i in table.indicators}
    assert owners["T0402-1"] == owners["T0402-10"] == "区应急管理局" and "安监局" not in forms
    sheet = openpyxl.load_workbook(forms["区应急管理局"])["指标填报"]
    assert [sheet[f"A{r}"].value for r in range(2, sheet.max_row + 1)][:2] == ["T0402-1", "T0402-2"]
    fill(forms["区应急管理局"], workdir / "inbox" / "区应急管理局.xlsx", indicators={"T0402-2": 0.3})
    result = Collector(config, table, settle_seconds=0).run(Period(2010, 11))
    assert [(ex.recipient, ex.verdict) for ex in result.processed] == [("区应急管理局", "有效")]
    path, _, _ = consolidate(config, table, Period(2010, 11))
    rows = {r[0]: r for r in openpyxl.load_workbook(path)["指标"].iter_rows(min_row=3, values_only=True)}
    assert rows["T0402-2"][4:8] == ("区应急管理局", 0.3, "不适用", "达标")


def test_a_non_count_for_no_occurrence_and_a_value_above_a_billion_are_to_be_checked(workdir):
    config, table, forms = prepare(workdir)
    inbox = workdir / "inbox"
    fill(forms["安监局"], inbox / "安监局.xlsx", indicators={"T0402-1": "2.5", "T0402-2": 2e9})
    fill(forms["质监分局"], inbox / "质监分局.xlsx", indicators={"T0101-1": "50%"})
    fill(forms["城建局"], inbox / "城建局.xlsx", indicators={"T0102-1": "-1"})
    result = Collector(config, table, settle_seconds=0).run(Period(2010, 11))
    problems = {ex.recipient: (ex.verdict, ex.problems) for ex in result.processed}
    at, zero = "工作表“指标填报”", "该指标的目标是“零发生”，应填写发生的起数（没有发生填 0），请核实。"
    assert problems == {
        "安监局": (
            "待补正",
            [
                f"{at}F2（重特大安全生产事故）：完成值“2.5”不是起数，{zero}",
                f"{at}F3（万台设备事故率）：完成值“2000000000”超过 10 亿，不会是截至本月的累计完成值，请核实。",
            ],
        ),
        "质监分局": ("待补正", [f"{at}F2（食品等重要产品的质量安全责任事故）：完成值“50%”不是起数，{zero}"]),
        "城建局": ("待补正", [f"{at}F2（重特大建筑工程质量事故）：完成值“-1”不是起数，{zero}"]),
    }


def test_the_import_says_which_readings_need_confirming_and_marks_them_in_the_indicator_sheet(shipped_config, tmp_path):
    from dutytable.cli_import import describe_import
    from dutytable.importer import read_source

    imported = read_source(SEED, shipped_config.departments)
    assert describe_import(imported, shipped_config.departments)[-2:] == [
        "以下 1 项指标的目标读法没有把握，请在主表“指标”工作表中核对“比较”“目标值”“单位”，改正后把“来源”改为“人工”"
        "（确认前填报的值在附件2中写“待核实”）：",
        "  T0104-5 省运会比赛有影响的企业废气整治：读作“21家”",
    ]
    write_table(imported.table, tmp_path / "主表.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "主表.xlsx")["指标"]
    sources = {row[0]: row[9] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert sources["T0104-5"] == "待确认" and sources["T0104-4"] == "自动提取"
    assert [str(v.sqref) for v in ws.data_validations.dataValidation if v.formula1 == '"自动提取,待确认,人工"'] == [
        "J2:J242"
    ]
    (highlight,) = [r for rng in ws.conditional_formatting for r in rng.rules]
    assert highlight.formula == ['"待确认"'] and highlight.dxf.fill.bgColor.rgb == "FFFFEB9C"


def test_refresh_names_an_extracted_row_that_reads_otherwise_now_and_leaves_it(config):
    """An earlier version kept 比例不低于30% as ≤30%: refresh says so, the row stays until the clerk changes it."""
    from dutytable.pipeline import refresh_indicators

    def misread(ws):
        ws["E3"] = "≤"  # T0101-2 合格率≥92%, as an earlier version might have read it; 来源 still 自动提取

    _edit(config.table, misread)
    said = []
    refresh_indicators(config, Period(2010, 11), said.append)
    assert said[2:] == [
        "以下 1 项“自动提取”的指标，“指标”工作表中的比较与工作目标现在的读法不同（可能是早先读错了），"
        "请核对，需要时改正并把“来源”改为“人工”：",
        "  T0101-2 工业产品生产许可证产品抽检平均合格率：表中为“≤92%”，工作目标读作“≥92%”",
    ]
    rows = {r[0]: r for r in openpyxl.load_workbook(config.table)["指标"].iter_rows(min_row=2, values_only=True)}
    assert rows["T0101-2"][4] == "≤"
