"""Run in a copy of the tool that a README recipe has changed: one return through forms, collection, 汇总 and
the 附件; prints what a clerk sees of the new column or status as JSON (tests/test_recipes.py)."""

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import docx
import openpyxl
from conftest import seed_tool
from dutytable.collect import Collector
from dutytable.consolidate import consolidate
from dutytable.distribute import generate
from dutytable.forms import DATE_LABEL, FILLER_LABEL, PHONE_LABEL, form_cells
from dutytable.model import Period
from dutytable.report import make_report
from returns import prepare

P = Period(2010, 11)


def _return(workdir, answers: dict) -> tuple:
    """质监分局's form filled with ``answers`` (column key -> value) in every row, collected and consolidated."""
    config, table, _ = prepare(seed_tool(workdir))
    forms = dict(generate(table, config, P, force=True).files)
    letters, inputs, first = form_cells(table.schema)
    wb = openpyxl.load_workbook(forms["质监分局"])
    ws = wb["填报表"]
    seen = {
        "headers": [c.value for c in ws[5]],
        "dropdowns": sorted(v.formula1 for v in ws.data_validations.dataValidation if v.type == "list"),
    }
    ws[inputs[FILLER_LABEL]], ws[inputs[PHONE_LABEL]] = "张三", "0519-85000000"
    ws[inputs[DATE_LABEL]] = dt.datetime(2010, 11, 20)
    for r in range(first, ws.max_row + 1):
        if ws[f"{letters['task_id']}{r}"].value:
            for key, value in answers.items():
                ws[f"{letters[key]}{r}"] = value
    wb.save(workdir / "inbox" / "质监分局.xlsx")
    result = Collector(config, table, settle_seconds=0, now=lambda: dt.datetime(2010, 11, 5, 10, 0)).run(P)
    seen["verdicts"] = [(e.verdict, [p for p in e.problems if "指标填报" not in p]) for e in result.processed]
    path, summary, _ = consolidate(config, table, P)
    book = openpyxl.load_workbook(path)
    head = [c.value for c in book["汇总"][2]]
    seen["summary"] = dict(zip(head, (c.value for c in book["汇总"][3])))
    seen["stats"] = [[c.value for c in row] for row in book["统计"].iter_rows(min_row=2, max_row=3)]
    _, written, _ = make_report(config, table, P, today=dt.date(2010, 11, 28), pdf=False)
    rows = docx.Document(str(written[0])).tables[0].rows
    seen["attachment"] = dict(zip((c.text for c in rows[0].cells), (c.text for c in rows[2].cells)))
    return seen


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(_return(Path(folder), json.loads(sys.argv[1])), ensure_ascii=False))
