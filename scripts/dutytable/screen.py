"""What the clerk reads on the screen after collecting: the run's summary lines, and a progress bar."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import PurePosixPath

from .vocab import AFTER_REPORT, EMPTY, HELD, REJECTED, TO_FIX, VALID


def summary_lines(result) -> list[str]:
    """The Chinese summary a clerk reads after collecting (``result``: a collect.CollectResult)."""
    return (
        _received_lines(result)
        + _period_lines(result)
        + [line for e in result.processed for line in _file_lines(e)]
        + [f"重复：{e.original_name}（与已收到的“{e.repeats}”内容完全相同，只登记一次）" for e in result.duplicates]
        + _left_lines(result)
        + [_reported_line(result)]
    )


def _received_lines(result) -> list[str]:
    """How many came of each verdict; what was finished from a crashed run, or lost; the zips unpacked."""
    n = len(result.processed) + len(result.duplicates)
    lines = [result.rebuilt] if result.rebuilt else []
    lines += [
        f"收到 {n} 份：有效 {result.count(VALID)}，待补正 {result.count(TO_FIX)}，"
        f"退回 {result.count(REJECTED)}，重复 {len(result.duplicates)}"
        + (f"，{EMPTY} {result.count(EMPTY)}" if result.count(EMPTY) else "")
    ]
    if result.recovered:
        lines.append(f"已完成上次中断时未完成的 {result.recovered} 个文件的归档。")
    if result.lost:
        lines.append(
            "上次中断时已登记、未归档的文件已找不回原样（归档副本已不在，inbox 中的文件已被移走或改动）："
            + "、".join(result.lost)
            + "；台账保留了当时读到的内容，inbox 中改动后的文件按新的报送收取。"
        )
    if result.unpacked:
        lines.append(f"已解压压缩包 {len(result.unpacked)} 个：" + "、".join(e.original_name for e in result.unpacked))
    return lines


def _period_lines(result) -> list[str]:
    """The returns of other periods, filed under theirs; those whose report day had passed (迟到)."""
    other = {}
    for e in result.processed:
        if e.period and e.period != str(result.period) and e.verdict != REJECTED:
            other.setdefault(e.period, []).append(e)
    lines = []
    for p, items in sorted(other.items()):
        named = "、".join(f"{e.recipient}（{_replacing(e)}）" for e in items)
        lines.append(f"其中 {len(items)} 份属于 {p}，已归入该期次：{named}")
    for e in result.after_report:
        lines.append(
            f"{AFTER_REPORT}：{e.recipient}（{_replacing(e)}）是 {e.period} 的报送，收到时该期的报告日已过；"
            "已登记，该期的汇总表和报告没有改动，"
            f"如需更新请运行 python scripts/monthly.py --period {e.period}。"
        )
    return lines


def _file_lines(e) -> list[str]:
    """One file's notes, its verdict when it is not 有效 (with each problem), and whether it is held."""
    lines = [f"注意：{e.original_name}：{note}" for note in e.notes]
    if e.verdict == TO_FIX:
        lines.append(f"待补正：{e.original_name}（{e.recipient}）")
        lines.extend(f"  · {problem}" for problem in e.problems)
    elif e.verdict == REJECTED:
        lines.append(f"退回：{e.problems[0]}")
    elif e.verdict == EMPTY:
        lines.append(f"{EMPTY}：{e.original_name}（{e.recipient}）交回的表格是空的，不算报送，仍在催报名单中。")
    if e.standing == HELD:
        lines.append(
            f"{HELD}：{e.original_name}（{e.recipient}）填写的任务比已收到的“{e.replaces}”少，"
            "或与之同时收到，暂不替换；如确应以它为准，请运行 "
            f'python scripts/collect.py --accept "{PurePosixPath(e.original_name).name}"。'
        )
    return lines


def _left_lines(result) -> list[str]:
    """The marked copies' folder, and the files left where they were, each kind with what to do."""
    lines = []
    if result.marked_copies:
        lines.append(f"已为待补正的单位生成标注了问题的表格，可直接发回：{result.marked_copies[0].parent}")
    for names, text in (
        (result.in_use, "以下文件已归档，但正被其他程序（如 Excel）打开，暂未从 inbox 移走；关闭后再运行一次即可："),
        (
            result.read_only,
            "以下文件已归档，但所在文件夹不允许写入，无法从 inbox 移走；请取消该文件夹的“只读”后再运行一次：",
        ),
        (result.skipped_busy, "以下文件可能仍在写入，本次未处理，下次运行时再处理："),
        (
            result.changed,
            "以下文件在收取过程中又被保存过或被移走，本次未收取；仍在 inbox 中的，下次运行时按新内容收取：",
        ),
    ):
        if names:
            lines.append(text + "、".join(names))
    return lines


def _reported_line(result) -> str:
    """How many units of the period have reported, and which have not."""
    total = len(result.missing) + len(result.reported)
    if result.missing:
        return (
            f"{result.period} 已报送 {len(result.reported)}/{total} 个单位；尚未报送（{len(result.missing)} 个）："
            + "、".join(result.missing)
        )
    return f"{result.period} 全部 {total} 个单位均已报送。"


def _replacing(e) -> str:
    """A file's name, and the earlier return of its unit and period that it now stands in for."""
    if e.replaces and e.standing != HELD:
        return f"{e.original_name}，代替先收到的“{e.replaces}”"
    return e.original_name


def progress_printer(stream=None) -> Callable[[int, int], None] | None:
    """A one-line progress bar on a terminal; nothing when output is redirected."""
    stream = stream or sys.stderr
    if not getattr(stream, "isatty", lambda: False)():
        return None

    def show(done, total):
        if total < 20:
            return
        width = 30
        filled = width * done // total
        stream.write(f"\r处理中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show
