"""Stage 6, the monthly cycle: what each day calls for, catch-up, one run at a time.

Each period has three milestones, on days set in config.ini (a day past the month's
end means its last day): forms are generated, the deadline (reminder), the report.
Between generation and the report, every day collects and refreshes the summary.
A milestone is recorded in a state file only after it succeeded, so a day the machine
was off is caught up at the next start, and nothing is done twice. Each step of a milestone
is recorded as it succeeds: a retry does only the steps that failed, and once a period's
report is issued, no later retry or catch-up rewrites its 汇总表 and 附件 (only the clerk's
``monthly.py --period`` or ``report.py --period`` does). The ``schedule``
library only ticks once a day; everything about months is decided here, with the
date passed in so that tests can walk across month ends.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import time
from pathlib import Path

import schedule

from . import files
from .errors import BusyError, DutyTableError
from .pipeline import ANNUAL, COLLECT, CONSOLIDATE, run_steps
from .pipeline import GENERATE as STEP_GENERATE
from .pipeline import REMIND as STEP_REMIND
from .pipeline import REPORT as STEP_REPORT
from .vocab import TIMESTAMP, Period

log = logging.getLogger("dutytable.run")

GENERATE, REMIND, DEADLINE, REPORT_DAY, DAILY = "generate", "remind", "deadline", "report", "daily"
MILESTONES = (GENERATE, REMIND, DEADLINE, REPORT_DAY)
NAMES = {
    GENERATE: "生成并下发填报表",
    REMIND: "截止日前提醒：收取、汇总并给尚未报送的单位生成提醒通知",
    DEADLINE: "截止日：收取、汇总并生成催报通知",
    REPORT_DAY: "收取、汇总并生成 Word 报告和年度汇总",
    DAILY: "收取并更新汇总",
}
STEPS = {
    GENERATE: (STEP_GENERATE,),
    REMIND: (COLLECT, CONSOLIDATE, STEP_REMIND),
    DEADLINE: (COLLECT, CONSOLIDATE, STEP_REPORT),
    REPORT_DAY: (COLLECT, CONSOLIDATE, STEP_REPORT, ANNUAL),
    DAILY: (COLLECT, CONSOLIDATE),
}
STEP_NAMES = {
    STEP_GENERATE: "生成填报表",
    COLLECT: "收取",
    CONSOLIDATE: "汇总表",
    STEP_REPORT: "Word 报告",
    STEP_REMIND: "提醒通知",
    ANNUAL: "年度汇总",
}
ISSUED = (CONSOLIDATE, STEP_REPORT)  # what a report day issues: the period's 汇总表 and 附件
STATE_FILE = "scheduler-state.json"
LOCK_FILE = ".run.lock"
LOCK_WAIT = 5  # seconds a run waits for another one to end before saying it is busy


def run_lock(config) -> RunLock:
    """The one lock that collect, consolidate, report, monthly and the scheduler share."""
    return RunLock(config.outbox / LOCK_FILE, wait=LOCK_WAIT)


def milestone_dates(config, period: Period) -> dict:
    """{milestone: date} of ``period``; days past the month's end fall on its last day. The reminder is left
    out when config.ini sets none (or it would fall on or before the forms go out)."""
    dates = {
        GENERATE: config.generate_date(period),
        REMIND: config.remind_date(period),
        DEADLINE: config.deadline(period),
        REPORT_DAY: config.report_date(period),
    }
    return {name: day for name, day in dates.items() if day is not None}


def due(config, today: dt.date, state: State) -> list:
    """What to do on ``today``: [(period, action)], overdue milestones first, in order.

    Milestones of the previous and the current period that fell on or before today, on
    or after the day the schedule started, and are not recorded as done are due
    (catch-up). On a day between generation and the report with no milestone, the
    daily refresh is due.
    """
    since = state.since or today
    current = Period.of(today)
    previous = current.previous()
    actions = []
    for period in (previous, current):
        dates = milestone_dates(config, period)
        for name in dates:
            if since <= dates[name] <= today and not state.done(period, name):
                actions.append((period, name))
    dates = milestone_dates(config, current)
    collects = any(p == current and n != GENERATE for p, n in actions)  # a milestone that collects anyway
    if dates[GENERATE] < today < dates[REPORT_DAY] and not collects and not state.done(current, DAILY, today):
        actions.append((current, DAILY))
    return actions


def steps_to_run(config, state: State, period: Period, name: str, today: dt.date) -> tuple[tuple, str]:
    """(the steps of ``name`` to run for ``period`` today, a line for the clerk on those left out, or "").

    Before the period's report day a failed milestone is done again whole, as every day collects afresh. From
    the report day on, a step that succeeded in an earlier run of the milestone is not done again; and once the
    report milestone is done, the period's 汇总表 and 附件 are issued: no other milestone rewrites them.
    """
    done = set(state.steps_done(period, name)) if today >= config.report_date(period) else set()
    steps = tuple(s for s in STEPS[name] if s not in done)
    if name != REPORT_DAY and state.done(period, REPORT_DAY) and set(steps) & set(ISSUED):
        steps = tuple(s for s in steps if s not in ISSUED)
        return steps, (
            f"{period} 的汇总表和报告已在报告日出过，这次不再改写；"
            f"需要更新时请运行 python scripts/monthly.py --period {period}。"
        )
    if done & set(STEPS[name]):
        kept = "（已出的汇总表和报告不再改写）" if set(ISSUED) <= done else ""
        return steps, (
            f"{period} 上次已做完{'、'.join(STEP_NAMES[s] for s in STEPS[name] if s in done)}，"
            f"这次只补做{'、'.join(STEP_NAMES[s] for s in steps)}{kept}。"
        )
    return steps, ""


def upcoming(config, today: dt.date, days: int = 62) -> list:
    """[(date, period, action)] for the next ``days`` days, for --list."""
    result = []
    for offset in range(days):
        day = today + dt.timedelta(days=offset)
        period = Period.of(day)
        dates = milestone_dates(config, period)
        names = [n for n in dates if dates[n] == day]
        if not names and dates[GENERATE] < day < dates[REPORT_DAY]:
            names = [DAILY]
        result.extend((day, period, n) for n in names)
    return result


class State:
    """The scheduler's memory: which milestones of which period are done, and when."""

    def __init__(self, path):
        self.path = Path(path)
        self.data = {}
        if self.path.exists():
            try:
                self.data = json.loads(self.path.read_text(encoding="utf-8"))
            except (ValueError, OSError):
                # A damaged state file must not stop the schedule: keep it aside and start afresh.
                aside = files.move_no_clobber(self.path, self.path.with_name(self.path.name + ".damaged"))
                log.warning("状态文件已损坏，已另存为 %s，重新开始记录。", aside.name)
                self.data = {}

    @property
    def since(self):
        """The first day the schedule ran: milestones before it are not caught up."""
        value = self.data.get("since")
        return dt.date.fromisoformat(value) if value else None

    def start(self, day):
        """Record the first day, once."""
        if self.since is None:
            self.data["since"] = day.isoformat()
            self._save()

    def done(self, period, name, day=None):
        """Whether ``name`` of ``period`` is recorded; with ``day``, recorded on that day (the daily refresh)."""
        entry = self.data.get("done", {}).get(str(period), {}).get(name)
        return entry == day.isoformat() if day is not None else entry is not None

    def mark(self, period, name, day):
        self.data.setdefault("done", {}).setdefault(str(period), {})[name] = day.isoformat()
        self.data.get("steps", {}).get(str(period), {}).pop(name, None)
        self._save()

    def steps_done(self, period, name) -> list:
        """The steps of milestone ``name`` of ``period`` that succeeded in a run that then failed."""
        return self.data.get("steps", {}).get(str(period), {}).get(name, [])

    def begin(self, period, name, kept):
        """A run of milestone ``name`` starts with the steps ``kept`` from an earlier run; the others are to do."""
        if name in MILESTONES and (kept or self.steps_done(period, name)):
            self.data.setdefault("steps", {}).setdefault(str(period), {})[name] = list(kept)
            self._save()

    def mark_step(self, period, name, step):
        """Record that ``step`` of milestone ``name`` succeeded (the daily refresh is not recorded: it starts
        afresh each day)."""
        if name in MILESTONES:
            self.data.setdefault("steps", {}).setdefault(str(period), {}).setdefault(name, []).append(step)
            self._save()

    def _save(self):
        files.atomic_write_bytes(self.path, json.dumps(self.data, ensure_ascii=False, indent=1).encode("utf-8"))


class RunLock:
    """One run at a time: an OS lock on a file, released by the OS if the process dies.

    A crashed run therefore never leaves it stuck, unlike a lock file checked for existence.
    """

    def __init__(self, path, wait: float = 0.0):
        self.path = Path(path)
        self.wait = wait  # seconds to wait for another run to end before giving up
        self.handle = None

    def acquire(self):
        """Take the lock, waiting up to ``wait`` seconds; False if another run still holds it."""
        deadline = time.monotonic() + self.wait
        while not self._try():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.2)
        return True

    def _try(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+b")
        try:
            if sys.platform == "win32":
                import msvcrt  # Windows only

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl  # POSIX only

                # A POSIX record lock belongs to this process alone: the collector's worker processes
                # (forked) do not inherit it, so a run killed mid-way never leaves it held by orphans.
                fcntl.lockf(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {dt.datetime.now().isoformat(timespec='seconds')}\n".encode("ascii"))
        handle.flush()
        self.handle = handle
        return True

    def release(self):
        if self.handle is not None:
            if sys.platform == "win32":
                import msvcrt  # Windows only

                self.handle.seek(0)
                try:
                    msvcrt.locking(self.handle.fileno(), msvcrt.LK_UNLCK, 1)
                except OSError:
                    pass
            self.handle.close()
            self.handle = None

    def __enter__(self):
        if not self.acquire():
            raise BusyError(
                f"另一个任务（收取、汇总、报告或定时任务）正在运行（锁文件 {self.path}），"
                "本次没有运行；请等它结束后再试。"
            )
        return self

    def __exit__(self, *exc):
        self.release()


def run_due(config, today: dt.date, state: State, say, execute=None) -> list:
    """Do what ``today`` calls for; a failing action is logged (with its traceback, unless it is a cause the
    clerk can act on, said in one line) and the rest go on.

    Args:
        execute: ``execute(period, steps, finished)``, calling ``finished(step)`` after each step that succeeded;
            defaults to :func:`run_steps`. Tests pass their own.

    Returns:
        [(period, action, ok)].
    """
    execute = execute or (
        lambda period, steps, finished: run_steps(config, period, steps, today, say, finished=finished)
    )
    state.start(today)
    outcomes = []
    for period, name in due(config, today, state):
        say(f"—— {today.isoformat()} {period} {NAMES[name]} ——")
        steps, note = steps_to_run(config, state, period, name, today)
        if note:
            say(note)
        state.begin(period, name, [s for s in STEPS[name] if s not in steps])
        try:
            execute(period, steps, lambda step, period=period, name=name: state.mark_step(period, name, step))
        except DutyTableError as exc:  # config.ini or a file open in Excel: its line, no traceback
            say(f"{period} {NAMES[name]} 未完成：{exc}下次运行时会重试。")
            for line in exc.problems:
                say(line)
            outcomes.append((period, name, False))
            continue
        except Exception:  # noqa: BLE001 - a failed job must not stop the schedule
            log.exception("%s %s 失败，将在下次运行时重试。", period, NAMES[name])
            say(f"{period} {NAMES[name]} 失败，详见日志；下次运行时会重试。")
            outcomes.append((period, name, False))
            continue
        state.mark(period, name, today)
        outcomes.append((period, name, True))
    if not outcomes:
        say(f"{today.isoformat()} 没有需要处理的事项。")
    return outcomes


class _ConsoleHandler(logging.StreamHandler):
    """The console: a closed window or a broken pipe must not turn into tracebacks; the log file keeps every line."""

    def handleError(self, record):
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handleError(record)


def setup_logging(config, today: dt.date, verbose: bool = False) -> Path:
    """Chinese log lines to the console and to outbox/logs/<YYYY-MM>.log; returns the file's path."""
    logs = config.outbox / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    path = logs / f"{today.year:04d}-{today.month:02d}.log"
    logger = logging.getLogger("dutytable")
    for handler in list(logger.handlers):
        if getattr(handler, "_dutytable", False):
            logger.removeHandler(handler)
            handler.close()
    file_handler = logging.FileHandler(path, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", TIMESTAMP))
    file_handler._dutytable = True
    console = _ConsoleHandler(sys.stdout)
    console.setFormatter(logging.Formatter("%(message)s"))
    console._dutytable = True
    logger.addHandler(file_handler)
    logger.addHandler(console)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
    return path


def serve(config, clock=dt.datetime.now, sleep=time.sleep, stop=lambda: False):
    """Run forever: catch up now, then every day at the configured time. Ctrl+C ends it."""
    state = State(config.outbox / STATE_FILE)

    def job():
        today = clock().date()
        setup_logging(config, today)
        try:
            with run_lock(config):
                run_due(config, today, state, log.info)
        except DutyTableError as exc:
            log.warning("%s", exc)
        except Exception:  # noqa: BLE001
            log.exception("本次运行失败，明天同一时间会再试。")

    scheduler = schedule.Scheduler()
    scheduler.every().day.at(config.run_time.strftime("%H:%M")).do(job)
    log.info("定时任务已启动：每天 %s 运行；按 Ctrl+C 结束。", config.run_time.strftime("%H:%M"))
    job()  # catch up at start
    while not stop():
        scheduler.run_pending()
        sleep(30)
    return scheduler
