"""Stage 2, the period's forms sent out: which recipients get one and what each shows, written as one set.

:func:`specs_for` turns the table into one :class:`forms.FormSpec` per recipient (a task already 已办结
shown locked); :func:`generate` builds the forms (in worker processes when there are many) into
outbox/<period>/分发/, replacing the folder only when every form is written, and writes the 分发清单:
who gets which file, with how many tasks, by when.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import files
from .closing import closed_since
from .errors import OutputError
from .forms import FormSpec, LockedRow, asks, build_form, locked_columns
from .pool import worker_pool
from .schema import H_DEADLINE, H_ID, H_REMARKS, H_SEQ, H_TASKS, H_UNIT
from .vocab import CLOSED, DIST_SHEET, FILE_STAMP, ROLE_LEAD, ROLE_PARTNER, cn_date
from .xlsx import BODY, HEAD, SIDE_MARGIN_IN, footer_text, new_workbook, print_a4, row_height

DIST_DIR = "分发"
DIST_LIST = DIST_SHEET + ".xlsx"
POOL_THRESHOLD = 64  # below this many forms a process pool costs more than it saves


def specs_for(table, config, period, recipients=None) -> list:
    """One :class:`FormSpec` per recipient of ``table`` (``recipients``, if worked out already), in recipient order.

    A task's locked row is one object, shared by every recipient with the same role in it.
    """
    deadline, title = cn_date(config.deadline(period)), config.form_title(period)
    locked = locked_columns(table.schema)
    owned = {}
    for ind in table.indicators:  # the tool's own wording (≥100%): a return's value is checked against it as read
        owned.setdefault(ind.owner, []).append((ind.indicator_id, ind.task_id, ind.name, ind.target_text, ind.unit))
    shared = {}

    def locked_row(a):
        key = (a.task.task_id, a.role)
        if key not in shared:
            shared[key] = LockedRow(
                a.task.task_id,
                a.role,
                tuple(c.task_value(a.task, a.role) for c in locked),
                closed_since(a.task, period, config),
            )
        return shared[key]

    specs = []
    for rec in recipients if recipients is not None else table.recipients(config.departments):
        specs.append(
            FormSpec(
                recipient=rec.name,
                period=str(period),
                title=title,
                deadline=deadline,
                office=config.office,
                return_note=config.return_text,
                password=config.password,
                schema=table.schema,
                rows=tuple(locked_row(a) for a in rec.assignments),
                indicators=tuple(owned.get(rec.name, ())),
                contact=config.contact_text,
            )
        )
    return specs


@dataclass
class Generated:
    """What :func:`generate` wrote."""

    folder: Path
    files: list = field(default_factory=list)  # (recipient, Path)
    list_path: Path = None
    moved_aside: Path = None
    not_asked: list = field(default_factory=list)  # units whose tasks are all 已办结 and that report no indicator


def form_filename(recipient: str, period, taken: set) -> str:
    """质监分局_2010-11填报表.xlsx, safe on Windows and unique within ``taken``."""
    name = files.safe_filename(recipient, f"_{period}填报表.xlsx")
    n = 2
    base = name
    while name.lower() in taken:
        name = base.replace(f"_{period}填报表.xlsx", f"({n})_{period}填报表.xlsx")
        n += 1
    taken.add(name.lower())
    return name


def existing_forms(config, period) -> list:
    folder = config.period_dir(period) / DIST_DIR
    return sorted(folder.glob("*.xlsx")) if folder.is_dir() else []


def generate(table, config, period, force: bool = False, workers: int | None = None, now=None) -> Generated:
    """Write every recipient's form for ``period`` into outbox/<period>/分发/ and the 分发清单.

    Forms are built in a temporary folder that replaces 分发/ only when all are written,
    so a crash never leaves a half set. Existing forms are never overwritten: without
    ``force`` this raises OutputError; with it the old folder is moved aside.

    Args:
        workers: processes to build with; default: both cores when there are many forms.
        now: the time used for the moved-aside folder's name.

    Returns:
        A :class:`Generated`.
    """
    period_dir = config.period_dir(period)
    folder = period_dir / DIST_DIR
    old = existing_forms(config, period)
    if old and not force:
        raise OutputError(
            f"{period} 的填报表已经生成过（{folder}，共 {len(old)} 份），为免覆盖未重新生成："
            f"如责任分解表有改动需要重新生成，请加 --force（旧的填报表会移到“{DIST_DIR}.旧版-时间”文件夹）。"
        )
    specs, not_asked = [], []
    for spec in specs_for(table, config, period):
        (specs if asks(spec) else not_asked).append(spec)
    period_dir.mkdir(parents=True, exist_ok=True)
    for stale in period_dir.glob(f".{DIST_DIR}.tmp-*"):  # our own leftovers of a crashed run
        shutil.rmtree(stale, ignore_errors=True)
    tmp = period_dir / f".{DIST_DIR}.tmp-{os.getpid()}"
    tmp.mkdir()
    taken, result = set(), Generated(folder=folder, not_asked=[s.recipient for s in not_asked])
    names = [form_filename(s.recipient, period, taken) for s in specs]
    for spec, name, data in zip(specs, names, _build_all(specs, workers)):
        (tmp / name).write_bytes(data)
        result.files.append((spec.recipient, folder / name))
    if folder.exists():
        stamp = (now or dt.datetime.now()).strftime(FILE_STAMP)
        result.moved_aside = files.free_name(period_dir / f"{DIST_DIR}.旧版-{stamp}")
        os.replace(folder, result.moved_aside)
    os.replace(tmp, folder)
    result.list_path = period_dir / DIST_LIST
    if result.list_path.exists() and result.moved_aside:
        os.replace(result.list_path, result.moved_aside / DIST_LIST)
    _write_list(result.list_path, specs, names, config, period)
    return result


def _build_all(specs, workers):
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(specs) >= POOL_THRESHOLD else 1
    if workers <= 1:
        return [build_form(s) for s in specs]
    with worker_pool(workers) as pool:
        return list(pool.map(build_form, specs, chunksize=max(1, len(specs) // (workers * 4))))


def _write_list(path, specs, names, config, period):
    with files.atomic_path(path) as tmp:
        wb = new_workbook(tmp)
        head = wb.add_format(HEAD)
        cell = wb.add_format(BODY)
        ws = wb.add_worksheet(DIST_SHEET)
        headers = (
            (H_SEQ, 6),
            (H_UNIT, 16),
            ("文件名", 30),
            (ROLE_LEAD + H_TASKS, 10),
            (ROLE_PARTNER + H_TASKS, 10),
            (H_ID, 50),
            (H_DEADLINE, 15),
            ("发出日期", 10),
            (H_REMARKS, 13),
        )
        for c, (h, w) in enumerate(headers):
            ws.set_column(c, c, w)
            ws.write_string(0, c, h, head)
        widths = [w for _, w in headers]
        for r, (spec, name) in enumerate(zip(specs, names), start=1):
            leads = sum(1 for row in spec.rows if row.role == ROLE_LEAD)
            ids = "、".join(row.task_id for row in spec.rows)
            ws.set_row(r, row_height(["", spec.recipient, name, "", "", ids, spec.deadline], widths, 11))
            ws.write_number(r, 0, r, cell)
            ws.write_string(r, 1, spec.recipient, cell)
            ws.write_string(r, 2, name, cell)
            ws.write_number(r, 3, leads, cell)
            ws.write_number(r, 4, len(spec.rows) - leads, cell)
            ws.write_string(r, 5, ids, cell)
            ws.write_string(r, 6, spec.deadline, cell)
            ws.write_blank(r, 7, None, cell)
            closed = [row.task_id for row in spec.rows if row.closed]  # shown, nothing asked
            if closed:
                ws.write_string(r, 8, f"其中{CLOSED}（不用填写）：{'、'.join(closed)}", cell)
            else:
                ws.write_blank(r, 8, None, cell)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(specs), len(headers) - 1)
        print_a4(ws, repeat_row=0, footer=None, margins={"left": SIDE_MARGIN_IN, "right": SIDE_MARGIN_IN})
        ws.set_header(f"&C{footer_text(config.form_title(period))}{DIST_SHEET}")
        wb.close()
