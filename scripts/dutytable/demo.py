"""Sample returns for a newcomer: every recipient's form filled in as a department would, into inbox/.

The answers are plainly sample data (each begins with 【示例】), varied but
deterministic. One return arrives after the deadline and one has a problem to be
corrected (a lead task without 推进情况); two arrive together in a zip.
"""

import datetime as dt
import hashlib
import os
import re
import zipfile
from pathlib import Path

import openpyxl

from . import files
from .forms import FORM_SHEET, INDICATOR_FORM_SHEET, existing_forms, generate
from .model import ROLE_LEAD

LATE = "园区办"
FAULTY = "药监分局"
ZIPPED = ("春江镇", "孟河镇")
STATUS_WEIGHTS = (("已完成", 20), ("正常推进", 60), ("进度滞后", 15), ("未启动", 5))
PROGRESS = {
    "已完成": "【示例】{item}工作已全部完成，各项指标达到年度目标要求，相关台账资料已归档。",
    "正常推进": "【示例】{item}按计划推进，本月完成阶段性工作，数据已汇总，截至月底完成年度任务的{pct}%。",
    "进度滞后": "【示例】{item}受前期手续办理影响，进度略有滞后，截至月底完成年度任务的{pct}%。",
    "未启动": "【示例】{item}工作方案已拟定，计划下月启动实施。",
}
PROBLEMS = {"进度滞后": "【示例】部分项目审批手续尚未办结。", "未启动": "【示例】专项经费尚未落实。"}
PLANS = {"进度滞后": "【示例】加强与相关部门协调，力争下月赶上序时进度。", "正常推进": "【示例】继续按计划推进。",
         "未启动": "【示例】落实经费后立即启动。"}
PEOPLE = ("张明", "李华", "王芳", "刘强", "陈静", "杨帆", "赵磊", "周敏", "吴昊", "徐婷")


def _pick(key, choices):
    n = int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16)
    total = sum(w for _, w in choices)
    n %= total
    for value, weight in choices:
        if n < weight:
            return value
        n -= weight
    return choices[-1][0]


def _number(key, low, high):
    return low + int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % (high - low + 1)


def _fill_indicators(ws, key):
    """Values to date as a department would type them: "93%", plain numbers, 0 for no accidents."""
    for r in range(2, ws.max_row + 1):
        ind_id, target, unit = ws[f"A{r}"].value, ws[f"D{r}"].value or "", ws[f"E{r}"].value or ""
        if not ind_id:
            continue
        goal = re.findall(r"\d+(?:\.\d+)?", target)
        goal = float(goal[0]) if goal else 0.0
        share = _number(key + ind_id, 55, 110) / 100
        if target == "零发生":
            ws[f"F{r}"] = 0
        elif unit == "%":
            ws[f"F{r}"] = f"{min(100.0, round(goal * (0.9 + share / 10), 1)):g}%"
        elif goal < 1:
            ws[f"F{r}"] = round(goal * share, 2)
        else:
            ws[f"F{r}"] = int(round(goal * share))
        ws[f"G{r}"] = "【示例】截至本月累计数。"


def fill_demo(config, table, period, now=None):
    """Fill every form of ``period`` (generating them first if need be) and drop them into inbox/.

    Returns:
        The paths written into inbox/.
    """
    now = now or dt.datetime.now()
    forms = existing_forms(config, period)
    if not forms:
        forms = [p for _, p in generate(table, config, period).files]
    deadline = config.deadline(period)
    config.inbox.mkdir(parents=True, exist_ok=True)
    written, zipped = [], []
    for form in forms:
        wb = openpyxl.load_workbook(form)
        ws = wb[FORM_SHEET]
        recipient = ws["A2"].value.split("：", 1)[1]
        person = PEOPLE[_number(recipient, 0, len(PEOPLE) - 1)]
        ws["F2"], ws["H2"] = person, f"0519-8{_number(recipient + 'tel', 5000000, 5999999)}"
        day = deadline - dt.timedelta(days=_number(recipient + "day", 1, 8))
        if recipient == LATE:
            day = deadline + dt.timedelta(days=2)
        ws["F3"] = dt.datetime(day.year, day.month, day.day)
        for r in range(6, ws.max_row + 1):
            task_id, item, role = ws[f"A{r}"].value, ws[f"B{r}"].value, ws[f"D{r}"].value
            if not task_id:
                continue
            key = f"{period}{recipient}{task_id}"
            status = _pick(key, STATUS_WEIGHTS)
            ws[f"E{r}"] = status
            if role == ROLE_LEAD or _number(key + "p", 0, 2) == 0:
                text = PROGRESS[status].format(item=item, pct=_number(key + "pct", 55, 95))
                if role != ROLE_LEAD:
                    text = f"【示例】积极配合牵头部门开展{item}相关工作。"
                ws[f"F{r}"] = text
            if role == ROLE_LEAD:
                ws[f"G{r}"] = PROBLEMS.get(status)
                ws[f"H{r}"] = PLANS.get(status)
            if recipient == FAULTY and role == ROLE_LEAD:
                ws[f"F{r}"] = None  # the problem to be corrected: a lead task without 推进情况
        if INDICATOR_FORM_SHEET in wb.sheetnames:
            _fill_indicators(wb[INDICATOR_FORM_SHEET], f"{period}{recipient}")
        name = f"{recipient}_{period}填报表（已填）.xlsx"
        when = dt.datetime(day.year, day.month, day.day, 9 + _number(recipient + "h", 0, 8), _number(recipient, 0, 59))
        when = min(when, now - dt.timedelta(minutes=5))
        if recipient in ZIPPED:
            target = config.outbox / str(period) / ".demo" / name
        else:
            target = config.inbox / name
        with files.atomic_path(target) as tmp:
            wb.save(tmp)
        os.utime(target, (when.timestamp(), when.timestamp()))
        (zipped if recipient in ZIPPED else written).append(target)
    if zipped:
        archive = config.inbox / f"各镇报送_{period}.zip"
        with files.atomic_path(archive) as tmp:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
                for path in zipped:
                    z.write(path, path.name)
        for path in zipped:
            path.unlink()
        Path(zipped[0]).parent.rmdir()
        stamp = (now - dt.timedelta(minutes=5)).timestamp()
        os.utime(archive, (stamp, stamp))
        written.append(archive)
    return written
