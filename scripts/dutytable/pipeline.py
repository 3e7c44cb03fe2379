"""The stage steps (generate → collect → consolidate → report), shared by every way of running them.

The single-stage scripts, the monthly run and the scheduler all call these functions;
each says what it did through ``say`` (one line of Chinese at a time), so that the
console and the log read the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from .consolidate import Summary, consolidate, consolidation_line
from .forms import existing_forms, generate
from .inbox import Collector, summary_lines
from .report import make_report
from .table import load_table
from .vocab import Period

GENERATE, COLLECT, CONSOLIDATE, REPORT = "generate", "collect", "consolidate", "report"
Say = Callable[[str], None]


def report_collectives(table, departments, say: Say) -> list:
    """Say once per unexpanded collective that config.ini can expand it; returns their names."""
    named = [r.name for r in table.recipients(departments) if r.collective]
    for name in named:
        say(f"提示：“{name}”是集体名称，将作为一个单位接收填报表；如需发给其中每个单位，请在 config.ini 的 [groups] 中列出，"
            f"例如“{name} = 单位甲、单位乙”。")
    return named


def step_generate(config, table, period: Period, say: Say, force: bool = False, keep_existing: bool = False,
                  now: dt.datetime | None = None) -> None:
    """Generate the period's forms; with ``keep_existing`` an existing set is left as it is."""
    old = existing_forms(config, period)
    if old and keep_existing:
        say(f"{period} 的填报表已有 {len(old)} 份，不再重新生成。")
        return
    result = generate(table, config, period, force=force, now=now)
    if result.moved_aside:
        say(f"原有的填报表已移到 {result.moved_aside}。")
    say(f"已生成 {period} 填报表 {len(result.files)} 份：{result.folder}")
    say(f"分发清单：{result.list_path}")
    report_collectives(table, config.departments, say)


def step_collect(config, table, period: Period, say: Say, progress=None, now=None) -> None:
    """Collect inbox/ for ``period``; ``now`` is the clock (a function returning a datetime)."""
    for line in summary_lines(Collector(config, table, now=now, progress=progress).run(period)):
        say(line)


def step_consolidate(config, table, period: Period, say: Say, now: dt.datetime | None = None) -> Summary:
    path, summary, note = consolidate(config, table, period, now=now)
    if note:
        say(note)
    say(f"已生成汇总表：{path}")
    say(consolidation_line(summary))
    return summary


def step_report(config, table, period: Period, say: Say, today: dt.date, pdf: bool = True,
                summary: Summary | None = None) -> Summary:
    """Write the report; ``summary`` is the one consolidation just made (then its line is not said again)."""
    fresh = summary is None
    summary, written, notes = make_report(config, table, period, today=today, pdf=pdf, summary=summary)
    for path in written:
        say(f"已生成：{path}")
    for note in notes:
        say(note)
    if fresh:
        say(consolidation_line(summary))
    return summary


def run_steps(config, period: Period, steps, today: dt.date, say: Say, pdf: bool = True) -> list | None:
    """Run stages in order for ``period``; ``say`` receives each line for the clerk.

    ``generate`` does nothing when the period's forms exist already.

    Returns:
        The names of the recipients that have not reported (after consolidation), or None.
    """
    table = load_table(config.table, config.departments)
    summary = None
    for step in steps:
        if step == GENERATE:
            step_generate(config, table, period, say, keep_existing=True)
        elif step == COLLECT:
            step_collect(config, table, period, say)
        elif step == CONSOLIDATE:
            summary = step_consolidate(config, table, period, say)
        elif step == REPORT:
            summary = step_report(config, table, period, say, today, pdf=pdf, summary=summary)
    return None if summary is None else [r.name for r in summary.not_reported]
