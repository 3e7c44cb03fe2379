"""The task's 完成状态 is the column the schema declares the status, not the first column with choices."""

import datetime as dt

import docx
import openpyxl
from dutytable.collect import Collector
from dutytable.consolidate import consolidate
from dutytable.distribute import generate
from dutytable.forms import DATE_LABEL, FILLER_LABEL, PHONE_LABEL, form_cells
from dutytable.model import Period
from dutytable.report import make_report
from dutytable.schema import ANSWER, ATTACHMENT, DETAIL, FORM, SUMMARY, Column
from heads import form_head
from returns import prepare

P = Period(2010, 11)
FUNDS = Column(
    "funds",
    "是否涉及资金",
    ANSWER,
    {FORM: 8, SUMMARY: 10, DETAIL: 8, ATTACHMENT: 15},
    choices=("是", "否"),
    ledger=True,
)


def test_a_second_dropdown_column_is_not_taken_as_the_status(workdir):
    config, table, _ = prepare(workdir)
    table.schema = table.schema.with_columns(FUNDS)
    assert table.schema.status_column.key == "status"
    forms = dict(generate(table, config, P, force=True).files)
    letters, inputs, first = form_cells(table.schema)
    wb = openpyxl.load_workbook(forms["质监分局"])
    ws = wb["填报表"]
    assert [c.value for c in ws[5]] == form_head("是否涉及资金")
    assert ws["A4"].value == "黄色单元格为填写处；是否涉及资金、完成状态请从下拉列表中选择。"
    last = ws.max_row
    assert sorted((str(v.sqref), v.formula1) for v in ws.data_validations.dataValidation if v.type == "list") == [
        (f"D6:D{last}", '"是,否"'),
        (f"F6:F{last}", '"已完成,正常推进,进度滞后,未启动"'),
    ]
    ws[inputs[FILLER_LABEL]], ws[inputs[PHONE_LABEL]] = "张三", "0519-85000000"
    ws[inputs[DATE_LABEL]] = dt.datetime(2010, 11, 20)
    for r in range(first, ws.max_row + 1):
        if ws[f"{letters['task_id']}{r}"].value:
            ws[f"{letters['funds']}{r}"] = "是"
            ws[f"{letters['status']}{r}"] = "进度滞后"
            ws[f"{letters['progress']}{r}"] = "本月已推进。"
    wb.save(workdir / "inbox" / "质监分局.xlsx")
    Collector(config, table, settle_seconds=0, now=lambda: dt.datetime(2010, 11, 5, 10, 0)).run(P)

    path, summary, _ = consolidate(config, table, P)
    t0101 = next(t for t in summary.tasks if t.task.task_id == "T0101")
    assert (t0101.status, t0101.combined["funds"]) == ("进度滞后", "质监分局：是。")
    sheet = openpyxl.load_workbook(path)["汇总"]
    header = [c.value for c in sheet[2]]
    row = [c.value for c in sheet[3]]
    assert (row[header.index("完成状态")], row[header.index("是否涉及资金")]) == (
        "进度滞后（质监分局：进度滞后；药监分局：未报送）",
        "质监分局：是。",
    )

    _, written, _ = make_report(config, table, P, today=dt.date(2010, 11, 28), pdf=False)
    cells = docx.Document(str(written[0])).tables[0].rows
    head = [c.text for c in cells[0].cells]
    first_task = [c.text for c in cells[2].cells]
    assert (first_task[head.index("完成状态")], first_task[head.index("是否涉及资金")]) == (
        "进度滞后",
        "质监分局：是。",
    )
