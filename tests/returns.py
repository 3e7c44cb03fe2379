"""Filling forms in as a department's clerk would, with openpyxl, for the collector's tests."""

import datetime as dt
import os
import shutil
from pathlib import Path

import openpyxl
from dutytable.config import load_config
from dutytable.distribute import generate, specs_for
from dutytable.forms import DATE_LABEL, FILLER_LABEL, PHONE_LABEL, FormFill, build_form, form_cells
from dutytable.master import load_table
from dutytable.model import Period
from dutytable.schema import DEFAULT, FORM, H_IND_UNIT, H_IND_VALUE, INDICATOR_FORM_COLUMNS
from dutytable.xlsx import col_letter

# Where a department types: column letters by header, from the declared schema.
LETTERS, INPUTS, FIRST_ROW = form_cells(DEFAULT)
COLUMNS = {c.header: LETTERS[c.key] for c in DEFAULT.at(FORM) if c.is_input}
IND_VALUE = col_letter([h for h, _ in INDICATOR_FORM_COLUMNS].index(H_IND_VALUE))
IND_UNIT = col_letter([h for h, _ in INDICATOR_FORM_COLUMNS].index(H_IND_UNIT))
OLD = 1289000000  # 2010-11-05 23:33:20 UTC: files dropped long ago are stable


def prepare(workdir, period=Period(2010, 11), settle=0):
    """Set settle_seconds, generate the period's forms; returns (config, table, {recipient: form path})."""
    path = workdir / "config.ini"
    text = path.read_text(encoding="utf-8").replace("settle_seconds = 3", f"settle_seconds = {settle}")
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    table = load_table(config.table, config.departments)
    result = generate(table, config, period)
    return config, table, dict(result.files)


def fill(
    form,
    dest,
    status="正常推进",
    progress="本月已按计划推进。",
    filler="张三",
    phone="0519-85000000",
    rows=None,
    edit=None,
    indicators=None,
):
    """Fill every task row of ``form`` and save it as ``dest``.

    Args:
        rows: {task_id: {column name: value}} overriding the defaults for some rows.
        edit: a function called with the 填报表 worksheet before saving, for odd changes.
        indicators: {indicator_id: value} for the 指标填报 sheet; every other indicator gets 1 (100 for a %).
            False leaves the 指标填报 sheet as it was sent out, blank.
    """
    wb = openpyxl.load_workbook(form)
    ws = wb["填报表"]
    ws[INPUTS[FILLER_LABEL]], ws[INPUTS[PHONE_LABEL]] = filler, phone
    ws[INPUTS[DATE_LABEL]] = dt.datetime(2010, 11, 20)
    for r in range(FIRST_ROW, ws.max_row + 1):
        task_id = ws[f"{LETTERS['task_id']}{r}"].value
        if not task_id:
            continue
        values = {
            "完成状态": status,
            "推进情况": f"{progress}" if progress else None,
            "存在问题": None,
            "下步打算": None,
        }
        values.update((rows or {}).get(task_id, {}))
        for column, value in values.items():
            ws[f"{COLUMNS[column]}{r}"] = value
    if "指标填报" in wb.sheetnames and indicators is not False:
        sheet = wb["指标填报"]
        for r in range(2, sheet.max_row + 1):
            ind_id = sheet[f"A{r}"].value
            if ind_id:
                sheet[f"{IND_VALUE}{r}"] = (indicators or {}).get(
                    ind_id, 100 if sheet[f"{IND_UNIT}{r}"].value == "%" else 1
                )
    if edit:
        edit(ws)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    age(dest)
    return dest


def age(path, when=OLD):
    os.utime(path, (when, when))
    return path


def drop(src, inbox, name=None):
    """Put a copy of ``src`` into inbox/ under ``name``, dated long ago."""
    dest = Path(inbox) / (name or Path(src).name)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    return age(dest)


def tree(folder):
    """{relative path: bytes} of every file under ``folder``."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def quick_returns(config, table, folder, variants, period=Period(2010, 11), start=OLD):
    """``variants`` filled returns per recipient, built fast with xlsxwriter; returns their paths.

    Each is a real form (hidden sheet included) with every row answered, dated one second apart.
    """
    import dataclasses

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths, when = [], start
    for v in range(variants):
        for spec in specs_for(table, config, period):
            fill = FormFill(
                header={FILLER_LABEL: "张三", PHONE_LABEL: "0519-85000000"},
                rows={
                    row.task_id: {"status": "正常推进", "progress": f"{spec.recipient}第{v}次报送"} for row in spec.rows
                },
                indicators={ind[0]: {H_IND_VALUE: "100" if ind[4] == "%" else "1"} for ind in spec.indicators},
            )
            path = folder / f"{spec.recipient}_{v}.xlsx"
            path.write_bytes(build_form(dataclasses.replace(spec, fill=fill)))
            paths.append(age(path, when))
            when += 1
    return paths
