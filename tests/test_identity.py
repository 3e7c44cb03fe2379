"""The year's identity comes from its table: year and work's name read from the title, kept in config.ini."""

import datetime as dt
import re
import zipfile

import docx
import openpyxl
import pytest
import xlsxwriter
from conftest import SEED, shipped
from dutytable.cli import Annual, Consolidate, Generate, Monthly, Report, main
from dutytable.cli_import import ImportTable
from dutytable.config import load_config, write_values
from dutytable.departments import Departments
from dutytable.errors import ConfigError
from dutytable.identity import parse_title, read_identity
from dutytable.importer import import_source, read_source
from dutytable.scheduling import GENERATE, State, run_due
from dutytable.vocab import Period

TITLE_2024 = "2024年XX区优化营商环境重点任务责任分解表"
SUBJECT_2024 = "XX区优化营商环境重点工作"
ROWS_2024 = [
    ["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"],
    ["1", "优化政务服务", "企业开办时间压缩至1个工作日以内", "区行政审批局", "区市场监管局", "6月底前"],
    ["2", "降低融资成本", "新增普惠小微贷款20亿元", "区金融办", "区财政局", "年底前"],
    ["3", "规范涉企执法", "开展涉企执法检查专项行动", "区司法局", "各镇、街道", "年底前"],
]


def build_docx(path, rows, before=("附件1", TITLE_2024)):
    """A Word 附件: the title paragraphs above one table."""
    document = docx.Document()
    for text in before:
        document.add_paragraph(text)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("注：各单位每月25日前报送。")
    document.save(str(path))
    return path


def run(command, argv, capsys, today=dt.date(2024, 11, 28)):
    code = main(command, [str(a) for a in argv], today=today)
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err.splitlines()


# --- reading the title ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title, year, subject",
    [
        (TITLE_2024, 2024, SUBJECT_2024),
        ("关于印发《2023年全市民生实事项目责任分解表》的通知", 2023, "全市民生实事项目工作"),
        ("XX县2025年政府工作报告重点工作任务分解", 2025, "XX县政府工作报告重点工作"),
        ("2010年区质量振兴工作目标任务责任分解表", 2010, "区质量振兴工作"),
        ("关于印发XX区2024年度优化营商环境工作要点的通知", 2024, "XX区优化营商环境工作"),
        ("二〇二四年XX区重点项目建设清单", 2024, "XX区重点项目建设工作"),
        ("XX区（2024年）优化营商环境实施方案任务分工表", 2024, "XX区优化营商环境工作"),
        ("附件1：2022年 XX市 安全生产 目标任务", 2022, "XX市安全生产工作"),
        ("2024年责任分解表", 2024, ""),  # no work named
        ("XX区优化营商环境重点任务责任分解表", None, "XX区优化营商环境重点工作"),
        ("附件1", None, ""),
        ("", None, ""),
        ("2024年" + "很" * 40 + "任务表", 2024, ""),  # longer than a file name part may be
    ],
)
def test_the_year_and_the_work_are_read_from_a_title(title, year, subject):
    assert parse_title(title) == (year, subject)


def test_the_file_name_gives_what_the_title_lacks():
    found = read_identity("XX区优化营商环境重点任务责任分解表", "2024年营商环境分解表(1).docx")
    assert (found.year, found.year_from, found.subject, found.subject_from) == (2024, "文件名", SUBJECT_2024, "标题")
    found = read_identity("", "附件1 - 副本.docx")
    assert (found.year, found.subject) == (None, "")


def test_the_titles_composed_from_the_subject_read_as_sentences(workdir):
    write_values(workdir / "config.ini", "report", {"year": "2024", "subject": SUBJECT_2024})
    config = load_config(workdir / "config.ini")
    assert config.form_title(Period(2024, 11)) == "2024年11月XX区优化营商环境重点工作推进情况填报表"
    assert config.report_title(Period(2024, 11)) + "汇总表" == "2024年XX区优化营商环境重点工作目标任务推进情况汇总表"


def _xlsx_with_title(path, title):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    ws.merge_range(0, 0, 0, 2, title)
    for r, row in enumerate([["序号", "重点任务", "牵头单位"], ["1", "优化政务服务", "区行政审批局"]], start=1):
        ws.write_row(r, 0, row)
    wb.close()
    return path


def test_the_title_above_the_table_in_docx_xlsx_and_txt(tmp_path):
    departments = Departments({}, {})
    notice = (
        "关于印发《2023年全市民生实事项目责任分解表》的通知",
        "各镇、街道，区各部门：",
        "现将责任分解表印发给你们，请认真贯彻落实。",
        "XX区民生实事项目工作领导小组办公室",
        "2023年2月1日",
    )
    assert import_source(build_docx(tmp_path / "a.docx", ROWS_2024, notice), departments).title == notice[0]
    assert (
        import_source(build_docx(tmp_path / "b.docx", ROWS_2024, notice + ("附件", TITLE_2024)), departments).title
        == TITLE_2024
    )  # the nearest above the table
    assert import_source(build_docx(tmp_path / "c.docx", ROWS_2024, ("附件1",)), departments).title == ""
    assert import_source(_xlsx_with_title(tmp_path / "d.xlsx", TITLE_2024), departments).title == TITLE_2024
    text = SEED.read_text(encoding="utf-8").replace("2010年区质量振兴工作目标任务责任分解表", TITLE_2024)
    (tmp_path / "e.txt").write_text(text, encoding="utf-8")
    assert import_source(tmp_path / "e.txt", departments).title == TITLE_2024


def test_a_master_table_keeps_its_title_for_the_next_import(workdir, tmp_path):
    config = load_config(workdir / "config.ini")
    assert read_source(workdir / "templates" / "责任分解表.xlsx", config.departments).table.title == (
        "2010年区质量振兴工作目标任务责任分解表"
    )


# --- import --check and --force -----------------------------------------------------------------

CHECK_2024 = [
    "年度：2024（读自标题），导入时将写入 config.ini。",
    f"工作名称：{SUBJECT_2024}（读自标题），导入时将写入 config.ini；"
    f"汇总表的标题将是“2024年{SUBJECT_2024}目标任务推进情况汇总表”。",
    "发文单位：原来的“区质量振兴工作领导小组办公室”属于原来的工作，导入时将从 config.ini 中清空，请在 config.ini 的"
    " [report] 中填写 office = 牵头协调（发文）单位（例如 XX区优化营商环境工作领导小组办公室）。",
]
UNREAD = [
    "年度：未能从标题或文件名读出，请在 config.ini 的 [report] 中填写 year = 责任分解表的年度（例如 2024）。",
    "工作名称：未能从标题或文件名读出，请在 config.ini 的 [report] 中填写 subject = 工作名称（例如 XX区优化营商环境工作）。",
    "发文单位：原来的“区质量振兴工作领导小组办公室”属于原来的工作，导入时将从 config.ini 中清空，请在 config.ini 的"
    " [report] 中填写 office = 牵头协调（发文）单位（例如 XX区优化营商环境工作领导小组办公室）。",
]


def test_check_shows_the_year_and_the_work_read_and_writes_nothing(workdir, tmp_path, capsys):
    source = build_docx(tmp_path / "附件.docx", ROWS_2024)
    before = (workdir / "config.ini").read_bytes()
    code, out, err = run(ImportTable(), [source, "--check", "--config", workdir / "config.ini"], capsys)
    assert (code, err) == (0, [])
    assert out[-3:] == CHECK_2024
    assert (workdir / "config.ini").read_bytes() == before
    assert list(workdir.glob("config.备份-*")) == []


def test_check_says_what_cannot_be_read(workdir, tmp_path, capsys):
    source = build_docx(tmp_path / "附件.docx", ROWS_2024, ("附件1",))
    code, out, _ = run(ImportTable(), [source, "--check", "--config", workdir / "config.ini"], capsys)
    assert code == 0
    assert out[-3:] == UNREAD


def test_the_same_work_of_another_year_keeps_the_office(workdir, tmp_path, capsys):
    source = build_docx(tmp_path / "附件.docx", ROWS_2024, ("2011年区质量振兴工作目标任务责任分解表",))
    code, out, _ = run(ImportTable(), [source, "--check", "--config", workdir / "config.ini"], capsys)
    assert code == 0
    assert out[-3:] == [
        "年度：2011（读自标题），导入时将写入 config.ini。",
        "工作名称：区质量振兴工作（读自标题），导入时将写入 config.ini；汇总表的标题将是“2011年区质量振兴工作目标任务推进情况汇总表”。",
        "发文单位：区质量振兴工作领导小组办公室（工作名称未变，沿用 config.ini 中的）。",
    ]


def _ini_with(text, **values):
    for key, value in values.items():
        text, n = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}".rstrip(), text)
        assert n == 1
    return text


def test_force_writes_the_identity_into_config_ini_after_a_backup(workdir, tmp_path, capsys):
    ini = workdir / "config.ini"
    before = ini.read_bytes()
    source = build_docx(tmp_path / "附件.docx", ROWS_2024)
    code, out, err = run(ImportTable(), [source, "--force", "--config", ini], capsys)
    assert (code, err) == (0, [])
    backups = list(workdir.glob("config.备份-*.ini"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert ini.read_text(encoding="utf-8") == _ini_with(
        before.decode("utf-8"), subject=SUBJECT_2024, year="2024", office=""
    )
    assert out[5:9] == [f"config.ini 已备份为 {backups[0].name}。"] + [
        line.replace("导入时将写入", "已写入").replace("导入时将从", "已从") for line in CHECK_2024
    ]
    config = load_config(ini)
    assert (config.year, config.subject, config.office) == (2024, SUBJECT_2024, "")


def test_force_blanks_what_cannot_be_read_and_generate_then_stops_with_one_line(workdir, tmp_path, capsys):
    ini = workdir / "config.ini"
    before = ini.read_text(encoding="utf-8")
    source = build_docx(tmp_path / "附件.docx", ROWS_2024, ("附件1",))
    code, out, _ = run(ImportTable(), [source, "--force", "--config", ini], capsys)
    assert code == 0
    assert ini.read_text(encoding="utf-8") == _ini_with(before, subject="", year="", office="")
    code, out, err = run(Generate(), ["--config", ini, "--period", "2024-11"], capsys)
    assert (code, out) == (ConfigError.exit_code, [])
    assert err == [
        f"配置文件 {ini} 的 [report] 中 year、subject、office 为空，不能生成表格和报告：请用记事本打开它填写 "
        "year = 责任分解表的年度（例如 2024）；subject = 工作名称（例如 XX区优化营商环境工作）；"
        "office = 牵头协调（发文）单位（例如 XX区优化营商环境工作领导小组办公室），保存后再运行。"
    ]
    assert not (workdir / "outbox" / "2024-11").exists()


@pytest.mark.parametrize(
    "command, argv",
    [(Generate, []), (Consolidate, []), (Report, []), (Monthly, ["--no-pdf"]), (Annual, ["--year", "2010"])],
)
def test_a_blank_office_stops_every_step_that_writes_paper(workdir, capsys, command, argv):
    ini = workdir / "config.ini"
    write_values(ini, "report", {"office": ""})
    code, _, err = run(command(), ["--config", ini, "--period", "2010-11", *argv], capsys)
    assert (code, err) == (
        2,
        [
            f"配置文件 {ini} 的 [report] 中 office 为空，不能生成表格和报告：请用记事本打开它填写 "
            "office = 牵头协调（发文）单位（例如 XX区优化营商环境工作领导小组办公室），保存后再运行。"
        ],
    )


def test_a_period_outside_the_tables_year_stops_generate(workdir, capsys):
    ini = workdir / "config.ini"
    code, _, err = run(Generate(), ["--config", ini], capsys, today=dt.date(2026, 12, 3))
    assert (code, err) == (
        2,
        [
            f"期次 2026-12 不属于 2010 年的责任分解表（配置文件 {ini} 的 [report] year = 2010）：请检查 --period；"
            "如已换用 2026 年的责任分解表，请先用 import_table.py 导入（它会写入年度和工作名称）。"
        ],
    )
    assert not (workdir / "outbox" / "2026-12").exists()
    config = load_config(ini)
    for ok in ("2010-01", "2010-12", "2011-01", "2011-03"):
        config.check_identity(Period.parse(ok))
    for bad in ("2009-12", "2011-04"):
        with pytest.raises(ConfigError):
            config.check_identity(Period.parse(bad))


def test_the_shipped_config_leaves_the_identity_blank_and_return_note_names_the_office(tmp_path):
    ini = shipped(tmp_path, "config.ini") / "config.ini"  # whatever an import wrote into the working one
    shipped_config = load_config(ini)
    assert (shipped_config.subject, shipped_config.year, shipped_config.office) == ("", None, "")
    assert (
        shipped_config.return_note
        == "请在截止日期前将填好的表格（原文件，不要改名也可以）通过政务内网邮箱发回{office}。"
    )
    text = ini.read_text(encoding="utf-8")
    assert "区质量振兴" not in text and "2010" not in text


def test_write_values_keeps_every_other_byte(tmp_path):
    ini = tmp_path / "config.ini"
    original = (
        "\ufeff; 说明\r\n[paths]\r\nyear = 1\r\n[report]\r\n; year = 例\r\nyear=2010\r\n"
        "subject = 旧\r\n\r\n[workbook]\r\npassword =\r\n"
    )
    ini.write_bytes(original.encode("utf-8"))
    write_values(ini, "report", {"year": "2024", "subject": "", "office": "区政府督查室"})
    assert ini.read_bytes().decode("utf-8") == (
        "\ufeff; 说明\r\n[paths]\r\nyear = 1\r\n[report]\r\n; year = 例\r\nyear= 2024\r\n"
        "subject =\r\noffice = 区政府督查室\r\n\r\n[workbook]\r\npassword =\r\n"
    )


# --- a 2024 table end to end: nothing of the seed on any page -----------------------------------


def _texts_of(path):
    """Every text an .xlsx or .docx holds (strings, paragraphs, prompts, footers, properties), namespaces left out."""
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    return re.sub(r'"(?:https?|urn):[^"]*"', "", xml)


def test_an_imported_2024_table_speaks_with_its_own_title_and_office(workdir, tmp_path, capsys):
    ini = workdir / "config.ini"
    source = build_docx(tmp_path / "附件.docx", ROWS_2024)
    assert run(ImportTable(), [source, "--force", "--config", ini], capsys)[0] == 0
    # the clerk fills in the office, and the contact the forms and the 催报通知 give
    write_values(
        ini, "report", {"office": "XX区优化营商环境工作领导小组办公室", "contact": "王敏", "phone": "0519-85000000"}
    )
    period = ["--period", "2024-11", "--config", ini]
    for command in (Generate(), Consolidate()):
        code, _, err = run(command, period, capsys)
        assert (code, err) == (0, [])
    code, _, err = run(Report(), period + ["--no-pdf"], capsys, today=dt.date(2024, 11, 28))
    assert (code, err) == (0, [])
    folder = workdir / "outbox" / "2024-11"
    form = openpyxl.load_workbook(folder / "分发" / "区金融办_2024-11填报表.xlsx")
    assert form["填报表"]["A1"].value == f"2024年11月{SUBJECT_2024}推进情况填报表"
    assert form["填表说明"]["A11"].value == (
        "7. 交回方式：请在截止日期前将填好的表格（原文件，不要改名也可以）通过政务内网邮箱"
        "发回XX区优化营商环境工作领导小组办公室。"
    )
    assert form["填表说明"]["A12"].value == (
        "如有疑问，请联系XX区优化营商环境工作领导小组办公室（联系人：王敏，联系电话：0519-85000000）。"
    )
    title = f"2024年{SUBJECT_2024}目标任务推进情况汇总表"
    summary = openpyxl.load_workbook(folder / f"{title}_2024-11.xlsx")
    assert summary["汇总"]["A1"].value.startswith(title)
    attachment = docx.Document(str(folder / f"附件1_{title}_2024-11.docx"))
    assert [p.text for p in attachment.paragraphs if p.style.name == "附件标题"] == [title]
    notice = docx.Document(str(folder / "催报通知_2024-11.docx"))
    assert notice.core_properties.title == f"关于催报2024年11月{SUBJECT_2024}推进情况的通知"
    assert "XX区优化营商环境工作领导小组办公室" in [p.text for p in notice.paragraphs]
    printed = [
        folder / "分发" / "区金融办_2024-11填报表.xlsx",
        folder / f"{title}_2024-11.xlsx",
        folder / f"附件1_{title}_2024-11.docx",
        folder / "催报通知_2024-11.docx",
    ]
    for path in printed:
        text = _texts_of(path)
        assert "质量振兴" not in text and "2010" not in text, path.name
    # 具体措施 is the target, 重点任务 the item: the 附件's table prints each once (the paragraph above it may
    # name the item among the 预警 tasks)
    body = "\n".join(c.text for t in attachment.tables for row in t.rows for c in row.cells)
    assert body.count("降低融资成本") == 1 and body.count("新增普惠小微贷款20亿元") == 1


# --- task text headers read by meaning -----------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["具体措施", "主要措施", "工作措施", "重点任务", "工作任务", "主要内容", "督查内容", "事项", "项目名称"]
)
def test_each_task_text_header_is_the_task(tmp_path, header):
    rows = [["序号", header, "牵头单位", "备注"], ["1", "完成老旧小区改造12个，惠及居民3000户", "区住建局", "民生"]]
    imported = read_source(build_docx(tmp_path / "附件.docx", rows), Departments({}, {}))
    assert imported.columns == [
        ("序号", "序号"),
        (header, "工作内容、工作目标"),
        ("牵头单位", "牵头部门"),
        ("备注", "其他列（保留）"),
    ]
    task = imported.table.tasks[0]
    assert (task.item, task.target, task.leads, task.extras) == (
        "完成老旧小区改造12个",
        "完成老旧小区改造12个，惠及居民3000户",
        ("区住建局",),
        (("备注", "民生"),),
    )


@pytest.mark.parametrize(
    "item_header, target_header",
    [("项目名称", "主要内容"), ("重点任务", "具体措施"), ("工作任务", "主要措施"), ("事项", "督查内容")],
)
def test_two_task_text_headers_are_item_and_target(tmp_path, item_header, target_header):
    rows = [
        ["序号", item_header, target_header, "牵头单位"],
        ["1", "老旧小区改造", "完成老旧小区改造12个，惠及居民3000户", "区住建局"],
    ]
    imported = read_source(build_docx(tmp_path / "附件.docx", rows), Departments({}, {}))
    assert imported.columns == [
        ("序号", "序号"),
        (item_header, "工作内容"),
        (target_header, "工作目标"),
        ("牵头单位", "牵头部门"),
    ]
    task = imported.table.tasks[0]
    assert (task.item, task.target, imported.table.extra_columns) == (
        "老旧小区改造",
        "完成老旧小区改造12个，惠及居民3000户",
        (),
    )


def test_the_scheduler_says_the_one_line_and_tries_again_next_time(workdir):
    ini = workdir / "config.ini"
    write_values(ini, "report", {"office": ""})
    config = load_config(ini)
    said = []
    outcomes = run_due(config, dt.date(2010, 11, 1), State(workdir / "outbox" / "state.json"), said.append)
    assert outcomes == [(Period(2010, 11), GENERATE, False)]
    assert said == [
        "—— 2010-11-01 2010-11 生成并下发填报表 ——",
        f"2010-11 生成并下发填报表 未完成：配置文件 {ini} 的 [report] 中 office 为空，不能生成表格和报告："
        "请用记事本打开它填写 office = 牵头协调（发文）单位（例如 XX区优化营商环境工作领导小组办公室），"
        "保存后再运行。下次运行时会重试。",
    ]
    assert not (workdir / "outbox" / "2010-11").exists()
