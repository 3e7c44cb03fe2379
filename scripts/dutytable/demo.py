"""The demo: a sample office of its own, and its returns filled in as the departments would.

The demo never touches real work. Its kit (templates/演示/: a config.ini with the seed's
identity and the seed's master table) is copied into a work folder of its own,
outbox/演示/, laid out like the tool folder (config.ini, templates/, inbox/, outbox/ with
its ledger); every path of its config must lie inside it. Each run starts that folder
afresh; a folder of that name the demo did not make is never emptied.

The answers are plainly sample data (each begins with 【示例】), varied but
deterministic. One return arrives after the deadline and one has a problem to be
corrected (a lead task without 推进情况); two arrive together in a zip.
"""

import datetime as dt
import hashlib
import os
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl

from . import files
from .config import load_config
from .distribute import existing_forms, generate
from .errors import ConfigError, OutputError, UsageError
from .forms import DATE_LABEL, FILLER_LABEL, PHONE_LABEL, form_cells
from .schema import H_IND_TARGET, H_IND_UNIT, H_IND_VALUE, H_NOTE, INDICATOR_FORM_COLUMNS
from .vocab import BEHIND, DONE, FORM_SHEET, INDICATOR_FORM_SHEET, NOT_STARTED, ON_TRACK, ROLE_LEAD, ZERO
from .wordml import build_template
from .xlsx import col_letter

KIT = Path("templates") / "演示"  # in the tool folder: the demo's config.ini and its master table
KIT_TABLE = "责任分解表.xlsx"
WORK = Path("outbox") / "演示"  # in the tool folder: where the demo works, afresh each run
MARKER = "演示说明.txt"  # in the work folder: the demo made it, so the demo may empty it
MARKER_TEXT = (
    "本文件夹由 python scripts/demo.py 生成，用示例数据演示一个月的全部工作。\r\n"
    "每次运行 demo.py 都会清空并重新生成本文件夹，请不要在这里存放文件。\r\n"
    "正式工作的收件箱、台账和报告不在这里，也不受演示影响。\r\n"
)
CONFIG_PATHS = ("table", "inbox", "outbox", "ledger", "archive", "rejected", "word_template")
LATE = "园区办"
FAULTY = "药监分局"
ZIPPED = ("春江镇", "孟河镇")
STATUS_WEIGHTS = ((DONE, 20), (ON_TRACK, 60), (BEHIND, 15), (NOT_STARTED, 5))
PROGRESS = {
    DONE: "【示例】{item}工作已全部完成，各项指标达到年度目标要求，相关台账资料已归档。",
    ON_TRACK: "【示例】{item}按计划推进，本月完成阶段性工作，数据已汇总，截至月底完成年度任务的{pct}%。",
    BEHIND: "【示例】{item}受前期手续办理影响，进度略有滞后，截至月底完成年度任务的{pct}%。",
    NOT_STARTED: "【示例】{item}工作方案已拟定，计划下月启动实施。",
}
PROBLEMS = {BEHIND: "【示例】部分项目审批手续尚未办结。", NOT_STARTED: "【示例】专项经费尚未落实。"}
PLANS = {
    BEHIND: "【示例】加强与相关部门协调，力争下月赶上序时进度。",
    ON_TRACK: "【示例】继续按计划推进。",
    NOT_STARTED: "【示例】落实经费后立即启动。",
}
_IND = {h: col_letter(i) for i, (h, _) in enumerate(INDICATOR_FORM_COLUMNS)}
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
    value, note = _IND[H_IND_VALUE], _IND[H_NOTE]
    for r in range(2, ws.max_row + 1):
        ind_id = ws[f"A{r}"].value
        target, unit = ws[f"{_IND[H_IND_TARGET]}{r}"].value or "", ws[f"{_IND[H_IND_UNIT]}{r}"].value or ""
        if not ind_id:
            continue
        goal = re.findall(r"\d+(?:\.\d+)?", target)
        goal = float(goal[0]) if goal else 0.0
        share = _number(key + ind_id, 55, 110) / 100
        if target == ZERO:
            ws[f"{value}{r}"] = 0
        elif unit == "%":
            ws[f"{value}{r}"] = f"{min(100.0, round(goal * (0.9 + share / 10), 1)):g}%"
        elif goal < 1:
            ws[f"{value}{r}"] = round(goal * share, 2)
        else:
            ws[f"{value}{r}"] = int(round(goal * share))
        ws[f"{note}{r}"] = "【示例】截至本月累计数。"


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
    cells = form_cells(table.schema)
    config.inbox.mkdir(parents=True, exist_ok=True)
    written, zipped = [], []
    for form in forms:
        wb = openpyxl.load_workbook(form)
        ws = wb[FORM_SHEET]
        recipient = ws["A2"].value.split("：", 1)[1]
        day = _fill_form(ws, cells, recipient, period, deadline)
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
        written.append(_zip_returns(config, period, zipped, now))
    return written


def _fill_form(ws, cells: tuple, recipient: str, period, deadline: dt.date) -> dt.date:
    """Fill ``recipient``'s 填报表 ``ws`` (``cells``: :func:`form_cells`); returns the day it says it was filled."""
    col, inputs, first = cells
    ws[inputs[FILLER_LABEL]] = PEOPLE[_number(recipient, 0, len(PEOPLE) - 1)]
    ws[inputs[PHONE_LABEL]] = f"0519-8{_number(recipient + 'tel', 5000000, 5999999)}"
    day = deadline - dt.timedelta(days=_number(recipient + "day", 1, 8))
    if recipient == LATE:
        day = deadline + dt.timedelta(days=2)
    ws[inputs[DATE_LABEL]] = dt.datetime(day.year, day.month, day.day)
    for r in range(first, ws.max_row + 1):
        task_id, item = ws[f"{col['task_id']}{r}"].value, ws[f"{col['item']}{r}"].value
        role = ws[f"{col['role']}{r}"].value
        if not task_id:
            continue
        key = f"{period}{recipient}{task_id}"
        status = _pick(key, STATUS_WEIGHTS)
        ws[f"{col['status']}{r}"] = status
        if role == ROLE_LEAD or _number(key + "p", 0, 2) == 0:
            text = PROGRESS[status].format(item=item, pct=_number(key + "pct", 55, 95))
            if role != ROLE_LEAD:
                text = f"【示例】积极配合牵头部门开展{item}相关工作。"
            ws[f"{col['progress']}{r}"] = text
        if role == ROLE_LEAD:
            ws[f"{col['problems']}{r}"] = PROBLEMS.get(status)
            ws[f"{col['plans']}{r}"] = PLANS.get(status)
        if recipient == FAULTY and role == ROLE_LEAD:
            ws[f"{col['progress']}{r}"] = None  # the problem to be corrected: a lead task without 推进情况
    return day


def _zip_returns(config, period, zipped: list, now: dt.datetime) -> Path:
    """The towns' returns ``zipped`` into one archive in inbox/, as one office sends them; returns its path."""
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
    return archive


def kit_config(tool: Path) -> Path:
    """The demo kit's config.ini in the tool folder ``tool``."""
    return tool / KIT / "config.ini"


def is_kit(path: Path) -> bool:
    """Whether ``path`` is a demo kit's config.ini (templates/演示/config.ini of some tool folder)."""
    path = Path(path).resolve()
    return path.name == "config.ini" and path.parent.name == KIT.name and path.parent.parent.name == KIT.parent.name


def prepare(kit: Path) -> Path:
    """Make the work folder afresh from the kit whose config.ini is ``kit``; returns the work folder's config.ini.

    The master table comes from the kit, the Word template from the tool folder's templates/
    (shared with the office).

    Raises:
        UsageError: ``kit`` is not a demo kit's config (the demo never runs against a real config).
        ConfigError: a path of the kit's config leads out of the work folder.
        OutputError: the work folder is not the demo's, or cannot be emptied (a file open in Excel or Word).
    """
    kit = Path(kit).resolve()
    if not is_kit(kit):
        raise UsageError(
            f"demo.py 不能使用配置文件 {kit}：演示只用随附的演示配置（{KIT.as_posix()}/config.ini），"
            f"在自己的文件夹 {WORK.as_posix()}/ 中进行，不动正式工作的文件；请去掉 --config 再运行。"
        )
    tool = kit.parents[2]
    work = tool / WORK
    _empty(work)
    work.mkdir(parents=True, exist_ok=True)
    files.atomic_write_bytes(work / MARKER, MARKER_TEXT.encode("utf-8"))
    target = work / "config.ini"
    shutil.copyfile(kit, target)
    config = load_config(target)
    for key in CONFIG_PATHS:
        path = getattr(config, key)
        if not path.resolve().is_relative_to(work.resolve()):
            raise ConfigError(
                f"演示配置 {kit} 的 [paths] {key} 指向演示文件夹之外（{path}）："
                f"演示只写 {work} 中的文件，请改回原来的相对路径。"
            )
    for key in ("inbox", "outbox", "archive", "rejected"):
        getattr(config, key).mkdir(parents=True, exist_ok=True)
    master, template = kit.parent / KIT_TABLE, tool / "templates" / "附件模板.docx"
    if not master.is_file():
        raise ConfigError(f"找不到演示用的责任分解表 {master}：请从工具的原始文件中把它复制回来。")
    for dest in (config.table, config.word_template):
        dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(master, config.table)
    if template.is_file():
        shutil.copyfile(template, config.word_template)
    else:  # the office's template removed: the demo makes its own
        build_template(config.word_template)
    return target


def _empty(work: Path) -> None:
    """Empty the demo's work folder, its marker last (a crash midway leaves a folder the next run empties)."""
    if not work.exists():
        return
    marker = work / MARKER
    if not marker.is_file() and any(work.iterdir()):
        raise OutputError(
            f"{work} 已存在，但不是演示生成的文件夹（其中没有 {MARKER}），为免误删没有改动："
            "请把这个文件夹改名或移走后再运行演示。"
        )
    for child in work.iterdir():
        if child == marker:
            continue
        try:
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        except OSError as exc:
            where = exc.filename or child
            raise OutputError(
                f"无法清空演示文件夹 {work}：{where} 删不掉（可能正在 Excel 或 Word 中打开），请关闭后重新运行演示。"
            ) from None
