"""办结销号 (config.ini [warning] close_completed, off by default): a task whose first lead has said 已完成 is
已办结 from the next period. Its forms show it locked (no answer asked), 汇总 and 附件1 say 已办结（2010年11月）,
the counts and the year count it as 已完成, and a unit with nothing left to answer is not asked to report.

The period that closed a task stands in the master table's 办结（期次） column (:data:`master.CLOSED_COLUMN`),
which is the clerk's file: :func:`record` writes it there when a period is consolidated, in place (every other
cell kept, a backup first), and never while the master is open in Excel or WPS. The ledger remembers each closing
it wrote: a cell the clerk has cleared since is a task reopened, closed again only from a later period's 已完成,
never from the answer that closed it before.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from . import files
from .errors import OutputError
from .ledger import Ledger
from .master import CLOSED_COLUMN, CLOSED_HEADERS, _find_header
from .schema import H_ID
from .vocab import CLOSED, DONE, ROLE_LEAD, TABLE_SHEET, Period
from .workbooks import sniff, text_of


def closed_since(task, period, config) -> str:
    """The period that closed ``task`` when it is 已办结 in ``period`` (closed in an earlier one), else ""."""
    return task.closed if config.close_completed and task.closed and task.closed < str(period) else ""


def closed_label(closed: str) -> str:
    """已办结（2010年11月）."""
    return f"{CLOSED}（{Period.parse(closed).label}）"


def closes(summary) -> list:
    """The tasks (TaskSummary) of ``summary`` that its period closes: the first lead's accepted status is 已完成,
    and so is the task's (by [report] status_rule)."""
    return [
        t
        for t in summary.tasks
        if t.status == DONE and t.units and t.units[0].role == ROLE_LEAD and t.units[0].status == DONE
    ]


LOCKED = ("正在 Excel 或 WPS 中打开", "请关闭主表后重新运行汇总。")


def _unwritable(path: Path, period: str) -> tuple | None:
    """Why the master cannot be written now (what is wrong, what to do), or None."""
    if lock_files(path):
        return LOCKED
    if sniff(path) != "xlsx":  # .xls, .ods, or .xlsm whose macros a rewrite would drop
        return (
            "不是 .xlsx 格式",
            f"请把主表另存为 .xlsx 后重新运行汇总，或自己在它的“{CLOSED_COLUMN}”列中填写 {period}。",
        )
    return None


def lock_files(path: Path) -> list:
    """The owner files Excel, WPS and LibreOffice keep beside a workbook while it is open."""
    names = (f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#")
    return [path.with_name(n) for n in names if path.with_name(n).exists()]


def record(config, summary, say) -> None:
    """Close in the master the tasks ``summary``'s period closes (with close_completed), and say so.

    A task already closed in the master stays as it is; one the tool closed before and the clerk reopened is
    closed again only by a later period. Re-running a period writes nothing new.
    """
    if not config.close_completed:
        return
    period = str(summary.period)
    with Ledger(config.ledger, config.path.parent) as ledger:
        before = ledger.closings()
        new = {
            t.task.task_id: t.task
            for t in closes(summary)
            if not t.task.closed and before.get(t.task.task_id, "") < period
        }
        if not new:
            return
        listed = "、".join(f"{task_id}（{task.item}）" for task_id, task in new.items())
        path = Path(config.table)
        backup, problem = None, _unwritable(path, period)
        try:
            if not problem:
                backup = _write_master(path, dict.fromkeys(new, period))
        except OutputError:  # Windows refuses to replace a workbook Excel holds open
            problem = LOCKED
        except OSError:
            problem = ("无法写入", "请检查主表所在的文件夹是否允许写入后重新运行汇总。")
        if problem:
            say(f"主表 {path.name} {problem[0]}，本次没有写入办结：{listed}；{problem[1]}")
            return
        ledger.note_closings(dict.fromkeys(new, period))
    after = Period.parse(period).next().label
    say(
        f"已办结 {len(new)} 项（{Period.parse(period).label}牵头单位报已完成，{after}起不再填报）：{listed}；"
        f"已写入主表的“{CLOSED_COLUMN}”列（原主表已备份为 {backup.name}）。"
    )


def _write_master(path: Path, closed: dict) -> Path:
    """Write ``closed`` ({task ID: period}) into the master's 办结 column (added when missing), every other cell as
    it was; the old file is kept as a backup (returned). Raises OutputError when it cannot be replaced."""
    wb = openpyxl.load_workbook(path)
    ws = wb[TABLE_SHEET] if TABLE_SHEET in wb.sheetnames else wb.worksheets[0]
    header_row = _find_header([[c.value for c in row] for row in ws.iter_rows(max_row=10)]) + 1
    heads = {text_of(c.value).replace("\n", ""): c.column for c in ws[header_row]}
    column = next((heads[h] for h in CLOSED_HEADERS if h in heads), None)
    if column is None:
        column = ws.max_column + 1
        ws.cell(header_row, column, CLOSED_COLUMN)._style = ws.cell(header_row, column - 1)._style
        ws.column_dimensions[get_column_letter(column)].width = 12
    for row in ws.iter_rows(min_row=header_row + 1):
        task_id = text_of(row[heads[H_ID] - 1].value)
        if task_id in closed:
            cell = ws.cell(row[0].row, column, closed[task_id])
            cell._style = row[heads[H_ID] - 1]._style
            cell.number_format = "@"
    with files.atomic_path(path) as tmp:
        wb.save(tmp)
        backup = files.backup(path, move=False)
    return backup
