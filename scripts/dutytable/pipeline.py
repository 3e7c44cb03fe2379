"""The stage steps (generate → collect → consolidate → report), shared by every way of running them.

The single-stage scripts, the monthly run and the scheduler all call these functions;
each says what it did through ``say`` (one line of Chinese at a time), so that the
console and the log read the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from . import closing, files, indicators, rebuild
from .annual import annual_line
from .annual_xlsx import make_annual
from .collect import Collector
from .config import load_config
from .consolidate import consolidate
from .deadlines import deadline_column
from .demo import FAULTY, LATE, fill_demo
from .demo import prepare as prepare_demo
from .distribute import existing_forms, generate
from .errors import UsageError
from .ledger import Ledger
from .master import load_table, write_table
from .model import Table
from .notices import write_advance_reminder
from .report import make_report
from .schema import ATTACHMENT, DEFAULT, DETAIL, FORM, SUMMARY
from .screen import summary_lines
from .summary import Summary, consolidation_line, summarize
from .vocab import NO_LEAD, Period, cn_date

GENERATE, COLLECT, CONSOLIDATE, REPORT, ANNUAL = "generate", "collect", "consolidate", "report", "annual"
REMIND = "remind"  # the 提醒通知 before the deadline
Say = Callable[[str], None]


def load(config) -> Table:
    """The master table, its own extra columns placed as config.ini says.

    Extra columns (完成时限, 责任领导, …) show read-only on the forms and in 汇总 and 明细; in
    the 附件 the deadline column shows, and those listed in ``[report] report_columns``.
    """
    table = load_table(config.table, config.departments)
    deadline = deadline_column(table)
    places = {
        h: {
            FORM: 12,
            SUMMARY: 12,
            DETAIL: 12,
            **({ATTACHMENT: 20} if h == deadline or h in config.report_columns else {}),
        }
        for h in table.extra_columns
    }
    table.schema = DEFAULT.with_extras(table.extra_columns, places)
    return table


def report_collectives(table, departments, say: Say) -> list:
    """Say once per unexpanded collective that it gets no form (and the tasks left with no lead that gets one), and
    the line of config.ini that expands it, then each indicator left with no unit to report it; returns the
    collectives' names."""
    named = table.collectives(departments)
    for name in named:
        alone = [t.task_id for t in table.tasks if name in t.leads and not departments.members(t.leads)]
        left = f"，{'、'.join(alone)} 因此没有具体的牵头单位（完成状态为“{NO_LEAD}”）" if alone else ""
        say(
            f"提示：“{name}”是集体名称，不发填报表{left}；"
            f"如需发给其中每个单位，请在 config.ini 的 [groups] 中列出，例如“{name} = 单位甲、单位乙”。"
        )
    for line in indicators.ownerless(table, departments):
        say(line)
    return named


def step_generate(
    config,
    table,
    period: Period,
    say: Say,
    force: bool = False,
    keep_existing: bool = False,
    now: dt.datetime | None = None,
) -> None:
    """Generate the period's forms; with ``keep_existing`` an existing set is left as it is."""
    old = existing_forms(config, period)
    if old and keep_existing:
        say(f"{period} 的填报表已有 {len(old)} 份，不再重新生成。")
        return
    result = generate(table, config, period, force=force, now=now)
    if result.moved_aside:
        say(f"原有的填报表已移到 {result.moved_aside}。")
    say(f"已生成 {period} 填报表 {len(result.files)} 份：{result.folder}")
    if result.not_asked:
        say(f"{len(result.not_asked)} 个单位的任务均已办结，本期不发填报表：{'、'.join(result.not_asked)}。")
    say(f"分发清单：{result.list_path}")
    report_collectives(table, config.departments, say)


def step_collect(config, table, period: Period, say: Say, progress=None, now=None) -> None:
    """Collect inbox/ for ``period``; ``now`` is the clock (a function returning a datetime)."""
    for line in summary_lines(Collector(config, table, now=now, progress=progress).run(period)):
        say(line)


def accept(config, name: str, now=None) -> list:
    """Let the held return(s) named ``name`` count; returns [(original name, recipient, period)].

    Raises:
        UsageError: more than one held return has that name (two units', or two versions of one unit's):
            each is named by its archived name instead, which is unique.
    """
    with Ledger(config.ledger, config.path.parent) as ledger:
        rows = ledger.held_named(name)
        if len(rows) > 1:
            listed = "、".join(f"{r.recipient} {r.period} 的“{Path(r.stored_path).name}”" for r in rows)
            raise UsageError(
                f"有 {len(rows)} 份待确认的报送都叫“{name}”，分别是 {listed}（已归档文件夹中的文件名），"
                f'请改用其中一个文件名，例如 --accept "{Path(rows[0].stored_path).name}"。'
            )
        accepted = ledger.accept(rows)
        for r in rows:  # remembered in the archive too, for a ledger rebuilt from it
            rebuild.note_confirmed(ledger.abs(r.stored_path), r.recipient, r.period, (now or dt.datetime.now)())
        return accepted


def step_consolidate(
    config, table, period: Period, say: Say, now: dt.datetime | None = None, today: dt.date | None = None
) -> Summary:
    rebuild.require(config)
    path, summary, note = consolidate(config, table, period, now=now, today=today)
    if note:
        say(note)
    say(f"已生成汇总表：{path}")
    say(consolidation_line(summary))
    closing.record(config, summary, say)
    return summary


def step_report(
    config, table, period: Period, say: Say, today: dt.date, pdf: bool = True, summary: Summary | None = None
) -> Summary:
    """Write the report; ``summary`` is the one consolidation just made (then its line is not said again)."""
    fresh = summary is None
    rebuild.require(config)
    summary, written, notes = make_report(config, table, period, today=today, pdf=pdf, summary=summary)
    for path in written:
        say(f"已生成：{path}")
    for note in notes:
        say(note)
    if fresh:
        say(consolidation_line(summary))
    return summary


def step_remind(config, table, period: Period, say: Say, today: dt.date, summary: Summary | None = None) -> Summary:
    """Write the 提醒通知 to the units that have not reported yet (none when all have)."""
    rebuild.require(config)
    summary = summary or summarize(table, config, period, today)
    path = write_advance_reminder(summary, config, today)
    if path is None:
        say(f"{period} 全部单位均已报送，无需提醒。")
    else:
        deadline = cn_date(config.deadline(period))
        say(f"已生成提醒通知（{len(summary.not_reported)} 个单位尚未报送，截止日 {deadline}）：{path}")
    return summary


def step_annual(config, table, year: int, say: Say, today: dt.date | None = None) -> None:
    """Write the year's 年度汇总 workbook and its Word 附件 (from the ledger alone), as of ``today``."""
    config.check_identity()  # its title names the work, its 附件 the office
    config.check_year(year)
    rebuild.require(config)
    annual, written = make_annual(config, table, year, today)
    for path in written:
        say(f"已生成：{path}")
    say(annual_line(annual))


def run_step(
    step: str,
    config,
    table,
    period: Period,
    say: Say,
    today: dt.date,
    summary: Summary | None = None,
    force: bool = False,
    keep_existing: bool = False,
    pdf: bool = True,
    progress=None,
) -> Summary | None:
    """Run one stage; returns the summary the stage made or was given (consolidate and report make one).

    A stage that writes paper first checks config.ini names the year, the work and the office, and that
    the period belongs to the table's year (ConfigError, one line): never the previous table's identity.
    """
    if step in (GENERATE, CONSOLIDATE, REPORT, REMIND):
        config.check_identity(period)
    if step == GENERATE:
        step_generate(config, table, period, say, force=force, keep_existing=keep_existing)
    elif step == COLLECT:
        step_collect(config, table, period, say, progress=progress)
    elif step == CONSOLIDATE:
        return step_consolidate(config, table, period, say, today=today)
    elif step == REPORT:
        return step_report(config, table, period, say, today, pdf=pdf, summary=summary)
    elif step == REMIND:
        return step_remind(config, table, period, say, today, summary)
    elif step == ANNUAL:
        step_annual(config, table, config.year, say, today)  # the year of the table in force
    return summary


def run_steps(
    config,
    period: Period,
    steps,
    today: dt.date,
    say: Say,
    pdf: bool = True,
    finished: Callable[[str], None] | None = None,
) -> list | None:
    """Run stages in order for ``period``; ``say`` receives each line for the clerk.

    ``generate`` does nothing when the period's forms exist already. ``finished(step)`` is called after
    each step that succeeded (the scheduler records it).

    Returns:
        The names of the recipients that have not reported (after consolidation), or None.
    """
    table = load(config)
    summary = None
    for step in steps:
        summary = run_step(step, config, table, period, say, today, summary, keep_existing=True, pdf=pdf)
        if finished:
            finished(step)
    return None if summary is None else [r.name for r in summary.not_reported]


def demo(kit, period: Period, say: Say, today: dt.date | None = None, pdf: bool = True) -> Path:
    """The whole month with sample returns, in the demo's own folder (see :mod:`demo`).

    Args:
        kit: the loaded config of the demo kit (templates/演示/config.ini); any other config is refused.

    Returns:
        The config.ini of the demo's work folder.
    """
    today = today or dt.date.today()
    config = load_config(prepare_demo(kit.path))
    table = load(config)
    say(
        f"演示文件夹：{config.path.parent}（用随附的示例配置和 {config.year} 年责任分解表，每次运行都重新生成；"
        "正式工作的 inbox、outbox、台账和报告都不受影响）。"
    )
    step_generate(config, table, period, say)
    written = fill_demo(config, table, period)
    deadline = config.deadline(period)
    if deadline < today:  # lateness is judged by when a file arrives: today, for these
        timing = (
            f"{period} 的报送截止日（{cn_date(deadline)}）已过，示例文件今天才放进 inbox，"
            "按收到时间判断，各单位都将记为逾期"
        )
    else:
        timing = f"其中{LATE}的文件时间在截止日之后（是否逾期按收取时的收到时间判断）"
    say(
        f"已把 {len(written)} 个示例文件放进 {config.inbox}（内容均为【示例】数据）；"
        f"{timing}；{FAULTY}的表格缺少推进情况，将被标为待补正。"
    )
    summary = None
    for step in (COLLECT, CONSOLIDATE, REPORT):
        summary = run_step(step, config, table, period, say, today, summary, pdf=pdf)
    say(f"演示完成：填报表、汇总表和 Word 报告在 {config.period_dir(period)}，收文台账 {config.ledger}。")
    return config.path


def refresh_indicators(config, period: Period, say: Say) -> None:
    """Rewrite the master table with its 指标 sheet merged anew, after a backup copy (any period)."""
    table = load_table(config.table, config.departments)
    backup = files.backup(config.table, move=False)  # a copy: the clerk's file is replaced only once it is safe
    write_table(table, config.table)
    say(f"主表已备份为 {backup.name}。")
    say(f"“指标”工作表现有 {len(table.indicators)} 项量化指标：{config.table}")
    for line in indicators.needs_confirming(table) + indicators.reading_changes(table):
        say(line)
