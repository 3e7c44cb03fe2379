"""Filling forms in as a department's clerk would, with openpyxl, for the collector's tests."""

import datetime as dt
import os
import shutil
from pathlib import Path

import openpyxl

from dutytable.config import load_config
from dutytable.forms import generate
from dutytable.model import Period
from dutytable.table import load_table

COLUMNS = {"完成状态": "E", "推进情况": "F", "存在问题": "G", "下步打算": "H"}
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


def fill(form, dest, status="正常推进", progress="本月已按计划推进。", filler="张三", phone="0519-85000000",
         rows=None, edit=None, indicators=None):
    """Fill every task row of ``form`` and save it as ``dest``.

    Args:
        rows: {task_id: {column name: value}} overriding the defaults for some rows.
        edit: a function called with the 填报表 worksheet before saving, for odd changes.
        indicators: {indicator_id: value} for the 指标填报 sheet; every other indicator gets 1 (100 for a %).
    """
    wb = openpyxl.load_workbook(form)
    ws = wb["填报表"]
    ws["F2"], ws["H2"], ws["F3"] = filler, phone, dt.datetime(2010, 11, 20)
    for r in range(6, ws.max_row + 1):
        task_id = ws[f"A{r}"].value
        if not task_id:
            continue
        values = {"完成状态": status, "推进情况": f"{progress}" if progress else None,
                  "存在问题": None, "下步打算": None}
        values.update((rows or {}).get(task_id, {}))
        for column, value in values.items():
            ws[f"{COLUMNS[column]}{r}"] = value
    if "指标填报" in wb.sheetnames:
        sheet = wb["指标填报"]
        for r in range(2, sheet.max_row + 1):
            ind_id = sheet[f"A{r}"].value
            if ind_id:
                sheet[f"F{r}"] = (indicators or {}).get(ind_id, 100 if sheet[f"E{r}"].value == "%" else 1)
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

    from dutytable.forms import FILLER_LABEL, PHONE_LABEL, build_form, specs_for

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths, when = [], start
    for v in range(variants):
        for spec in specs_for(table, config, period):
            prefill = {row[0]: {"完成状态": "正常推进", "推进情况": f"{spec.recipient}第{v}次报送"} for row in spec.rows}
            prefill.update({ind[0]: {"截至本月累计完成值": "100" if ind[4] == "%" else "1"} for ind in spec.indicators})
            prefill["header"] = {FILLER_LABEL: "张三", PHONE_LABEL: "0519-85000000"}
            path = folder / f"{spec.recipient}_{v}.xlsx"
            path.write_bytes(build_form(dataclasses.replace(spec, prefill=prefill)))
            paths.append(age(path, when))
            when += 1
    return paths
