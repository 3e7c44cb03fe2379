"""A table's own extra columns (完成时限, 责任领导, 备注) flow to the forms, 汇总, 明细 and the 附件."""

import datetime as dt

import docx
import openpyxl
from conftest import run_script
from dutytable import pipeline
from dutytable.config import load_config
from dutytable.consolidate import consolidate
from dutytable.distribute import generate
from dutytable.model import Period
from dutytable.report import make_report
from heads import form_head
from shapes import LEFT, Shape, build_docx

SHAPE = Shape(
    "deadlines",
    [
        [
            ["序号", "工作任务", "牵头负责领导", "牵头责任单位", "协同责任单位", "完成时限", "备注"],
            ["一、推动高质量发展"] + [LEFT] * 6,
            ["1", "新增规上工业企业15家", "王副区长", "区工信局", "区统计局", "6月底前", ""],
            ["2", "招引亿元以上项目30个", "李副区长", "区投促局", "区工信局", "年底前", "每季度通报"],
            ["3", "完成背街小巷整治50条", "张副区长", "区城管局", "区工信局", "长期坚持", ""],
        ]
    ],
    [],
)
P = Period(2021, 11)


def _imported(workdir, extra_config=""):
    path = workdir / "config.ini"
    text = (
        path.read_text(encoding="utf-8")
        .replace("year = 2010", "year = 2021")
        .replace("settle_seconds = 3", "settle_seconds = 0")
    )
    path.write_text(text + extra_config, encoding="utf-8")
    source = build_docx(workdir / "附件.docx", SHAPE)
    result = run_script("import_table.py", source, "--force", "--config", path)
    assert result.returncode == 0, result.stderr
    config = load_config(path)
    return config, pipeline.load(config)


def test_extra_columns_show_on_forms_in_summary_detail_and_the_report_with_overdue_tasks(workdir):
    config, table = _imported(workdir)
    assert table.extra_columns == ("牵头负责领导", "完成时限", "备注")
    forms = dict(generate(table, config, P).files)
    ws = openpyxl.load_workbook(forms["区工信局"])["填报表"]
    assert [c.value for c in ws[5]] == form_head("牵头负责领导", "完成时限", "备注")
    # three columns more, the form still prints at 10.67 pt (0.97): the wide text columns gave way to them
    from printcheck import printed_sizes

    assert printed_sizes(forms["区工信局"])["填报表"] == 10.67
    from dutytable.forms import form_widths

    assert form_widths(table.schema.at("form")) == [
        9,
        11,
        20.7,
        12,
        12,
        12,
        6,
        11,
        22.8,
        16.0,
        16.0,
    ]  # from 34, 40, 20, 20
    assert [[c.value for c in row][:7] for row in ws.iter_rows(min_row=6, max_row=8)] == [
        ["T0101", "新增规上工业企业15家", "新增规上工业企业15家", "王副区长", "6月底前", "", "牵头"],
        ["T0102", "招引亿元以上项目30个", "招引亿元以上项目30个", "李副区长", "年底前", "每季度通报", "配合"],
        ["T0103", "完成背街小巷整治50条", "完成背街小巷整治50条", "张副区长", "长期坚持", "", "配合"],
    ]

    path, summary, _ = consolidate(config, table, P)
    assert [(t.task.task_id, t.deadline and t.deadline.isoformat(), t.overdue) for t in summary.tasks] == [
        ("T0101", "2021-06-30", True),
        ("T0102", "2021-12-31", False),
        ("T0103", None, False),
    ]
    sheet = openpyxl.load_workbook(path)["汇总"]
    header = [c.value for c in sheet[2]]
    assert header[6:9] == ["牵头负责领导", "完成时限", "备注"]
    status = header.index("完成状态")
    assert [[r[6].value, r[7].value, r[status].value] for r in sheet.iter_rows(min_row=3)] == [
        ["王副区长", "6月底前", "逾期未完成（未报送）"],
        ["李副区长", "年底前", "未报送"],
        ["张副区长", "长期坚持", "未报送"],
    ]
    detail = openpyxl.load_workbook(path)["明细"]
    assert [c.value for c in detail[2]][3:6] == ["牵头负责领导", "完成时限", "备注"]

    _, written, _ = make_report(config, table, P, today=dt.date(2021, 11, 28), pdf=False)
    cells = [c.text for c in docx.Document(str(written[0])).tables[0].rows[0].cells]
    assert "完成时限" in cells and "牵头负责领导" not in cells and "备注" not in cells


def test_report_columns_in_config_add_extra_columns_to_the_report(workdir):
    config, table = _imported(workdir)
    text = config.path.read_text(encoding="utf-8").replace("report_columns =\n", "report_columns = 牵头负责领导\n", 1)
    config.path.write_text(text, encoding="utf-8")
    config = load_config(config.path)
    table = pipeline.load(config)
    _, written, _ = make_report(config, table, P, today=dt.date(2021, 11, 28), pdf=False)
    cells = [c.text for c in docx.Document(str(written[0])).tables[0].rows[0].cells]
    assert "完成时限" in cells and "牵头负责领导" in cells and "备注" not in cells


def test_overdue_is_judged_as_of_the_day_the_summary_speaks_of(workdir):
    from dutytable.summary import summarize

    config, table = _imported(workdir)
    june = Period(2021, 6)
    as_of = {day: [t.overdue for t in summarize(table, config, june, dt.date(2021, 6, day)).tasks] for day in (20, 30)}
    # 6月底前 is 30 June: not yet overdue on the 20th, nor on the 30th itself; overdue in July
    assert as_of == {20: [False, False, False], 30: [False, False, False]}
    assert [t.overdue for t in summarize(table, config, Period(2021, 7), dt.date(2021, 7, 1)).tasks] == [
        True,
        False,
        False,
    ]
