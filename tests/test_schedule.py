"""Stage 6: the monthly schedule driven by an injected clock; the monthly run end to end (the demo: test_demo.py)."""

import datetime as dt
import os
import signal
import subprocess
import sys

import docx
import pytest
from conftest import ROOT, run_script
from dutytable import pipeline
from dutytable.config import load_config
from dutytable.demo import fill_demo
from dutytable.model import Period
from dutytable.scheduling import (
    DAILY,
    DEADLINE,
    GENERATE,
    REMIND,
    REPORT_DAY,
    BusyError,
    RunLock,
    State,
    due,
    run_due,
    setup_logging,
    upcoming,
)

D = dt.date


def _config(workdir, generate=1, deadline=30, report=31, remind=0):
    """config.ini with the schedule's days; no 提醒通知 unless ``remind`` days before the deadline."""
    path = workdir / "config.ini"
    text = path.read_text(encoding="utf-8").replace("remind_before = 3", f"remind_before = {remind}")
    text = text.replace("generate_day = 1", f"generate_day = {generate}")
    text = text.replace("deadline_day = 25", f"deadline_day = {deadline}")
    text = text.replace("report_day = 28", f"report_day = {report}")
    path.write_text(text, encoding="utf-8")
    return load_config(path)


class Recorder:
    """Stands in for the real work: records (period, steps) and can fail on demand."""

    def __init__(self, fail=None, fail_steps=()):
        self.calls = []
        self.fail = fail or (lambda period, steps: None)
        self.fail_steps = fail_steps  # (period, step): that step fails, after the steps before it succeeded

    def __call__(self, period, steps, finished=lambda step: None):
        self.fail(period, steps)
        self.calls.append((str(period), steps))
        for step in steps:
            if (str(period), step) in self.fail_steps:
                raise ValueError(f"模拟的故障：{step}")
            finished(step)


def _walk(config, state, start, end, skip=()):
    """Run each day from start to end (except ``skip``); returns [(date, period, action)] done."""
    done, day = [], start
    while day <= end:
        if day not in skip:
            for period, name, ok in run_due(config, day, state, lambda line: None, Recorder()):
                if ok:
                    done.append((day.isoformat(), str(period), name))
        day += dt.timedelta(days=1)
    return done


def _milestones(done):
    return [d for d in done if d[2] != DAILY]


def test_month_ends_january_31_to_february_28(workdir):
    config = _config(workdir, generate=1, deadline=30, report=31)
    state = State(workdir / "outbox" / "state.json")
    done = _walk(config, state, D(2011, 1, 25), D(2011, 3, 2))
    assert _milestones(done) == [
        ("2011-01-30", "2011-01", DEADLINE),
        ("2011-01-31", "2011-01", REPORT_DAY),
        ("2011-02-01", "2011-02", GENERATE),
        ("2011-02-28", "2011-02", DEADLINE),
        ("2011-02-28", "2011-02", REPORT_DAY),  # 30 and 31 fall on the 28th
        ("2011-03-01", "2011-03", GENERATE),
    ]
    daily = [d[0] for d in done if d[2] == DAILY]
    assert daily[:5] == ["2011-01-25", "2011-01-26", "2011-01-27", "2011-01-28", "2011-01-29"]
    assert "2011-02-01" not in daily and "2011-02-02" in daily and "2011-02-27" in daily and "2011-02-28" not in daily
    assert daily[-1] == "2011-03-02"


def test_leap_february_29(workdir):
    config = _config(workdir, generate=29, deadline=30, report=31)
    state = State(workdir / "outbox" / "state.json")
    done = _walk(config, state, D(2012, 2, 27), D(2012, 3, 1))
    assert _milestones(done) == [
        ("2012-02-29", "2012-02", GENERATE),
        ("2012-02-29", "2012-02", DEADLINE),
        ("2012-02-29", "2012-02", REPORT_DAY),
    ]


def test_a_missed_due_day_is_caught_up_at_the_next_start_and_never_twice(workdir):
    config = _config(workdir, generate=1, deadline=25, report=28)
    state = State(workdir / "outbox" / "state.json")
    off = {D(2010, 11, 26) + dt.timedelta(days=i) for i in range(10)}  # machine off 26 Nov to 5 Dec
    done = _walk(config, state, D(2010, 11, 20), D(2010, 12, 8), skip=off)
    assert _milestones(done) == [
        ("2010-11-25", "2010-11", DEADLINE),
        ("2010-12-06", "2010-11", REPORT_DAY),  # caught up: the report of 28 Nov
        ("2010-12-06", "2010-12", GENERATE),  # and the forms of 1 Dec
    ]
    assert [(d[0], d[2]) for d in done if d[0] == "2010-12-06"] == [
        ("2010-12-06", REPORT_DAY),
        ("2010-12-06", GENERATE),
        ("2010-12-06", DAILY),
    ]
    # a restart on the last day walked does nothing again
    assert due(config, D(2010, 12, 8), state) == []
    reloaded = State(workdir / "outbox" / "state.json")
    assert reloaded.done(Period(2010, 11), REPORT_DAY) and reloaded.done(Period(2010, 12), GENERATE)


def test_the_first_start_does_not_catch_up_what_came_before_it(workdir):
    config = _config(workdir, generate=1, deadline=25, report=28)
    state = State(workdir / "outbox" / "state.json")
    assert run_due(config, D(2010, 11, 20), state, lambda line: None, Recorder()) == [(Period(2010, 11), DAILY, True)]
    assert state.since == D(2010, 11, 20)


def test_a_crash_mid_run_is_redone_next_time(workdir):
    config = _config(workdir, generate=1, deadline=25, report=28)
    state = State(workdir / "outbox" / "state.json")
    state.start(D(2010, 11, 1))

    first = Recorder()

    def crash(period, steps):
        if len(first.calls) == 2:  # during the third action, the report
            raise KeyboardInterrupt  # stands for the process dying: nothing after it runs

    first.fail = crash
    with pytest.raises(KeyboardInterrupt):
        run_due(config, D(2010, 11, 28), state, lambda line: None, first)
    assert not state.done(Period(2010, 11), REPORT_DAY)
    assert state.done(Period(2010, 11), GENERATE) and state.done(Period(2010, 11), DEADLINE)
    again = Recorder()
    outcomes = run_due(config, D(2010, 11, 28), State(workdir / "outbox" / "state.json"), lambda line: None, again)
    assert outcomes == [(Period(2010, 11), REPORT_DAY, True)]
    assert again.calls == [("2010-11", ("collect", "consolidate", "report", "annual"))]


def test_a_failing_job_is_logged_with_its_traceback_and_the_rest_goes_on(workdir):
    config = _config(workdir, generate=1, deadline=25, report=28)
    state = State(workdir / "outbox" / "state.json")
    state.start(D(2010, 11, 1))
    log_path = setup_logging(config, D(2010, 11, 25))

    def boom(period, steps):
        if steps == ("generate",):
            raise ValueError("模拟的故障")

    lines = []
    outcomes = run_due(config, D(2010, 11, 25), state, lines.append, Recorder(boom))
    assert outcomes == [(Period(2010, 11), GENERATE, False), (Period(2010, 11), DEADLINE, True)]
    assert "2010-11 生成并下发填报表 失败，详见日志；下次运行时会重试。" in lines
    text = log_path.read_text(encoding="utf-8")
    assert log_path.name == "2010-11.log"
    assert (
        "2010-11 生成并下发填报表 失败，将在下次运行时重试。" in text
        and "Traceback" in text
        and "ValueError: 模拟的故障" in text
    )
    assert due(config, D(2010, 11, 26), state)[0] == (Period(2010, 11), GENERATE)  # retried


def test_upcoming_lists_dates_and_actions(workdir):
    config = _config(workdir, generate=1, deadline=25, report=28)
    plan = upcoming(config, D(2010, 11, 24), days=10)
    assert [(d.isoformat(), str(p), n) for d, p, n in plan] == [
        ("2010-11-24", "2010-11", DAILY),
        ("2010-11-25", "2010-11", DEADLINE),
        ("2010-11-26", "2010-11", DAILY),
        ("2010-11-27", "2010-11", DAILY),
        ("2010-11-28", "2010-11", REPORT_DAY),
        ("2010-12-01", "2010-12", GENERATE),
        ("2010-12-02", "2010-12", DAILY),
        ("2010-12-03", "2010-12", DAILY),
    ]


def test_the_list_option(workdir):
    result = run_script("scheduler.py", "--config", workdir / "config.ini", "--list")
    assert result.returncode == 0, result.stderr
    expected = [
        f"{d.isoformat()}  {p}  {name}"
        for d, p, name in [
            (
                d,
                p,
                {
                    "generate": "生成并下发填报表",
                    "remind": "截止日前提醒：收取、汇总并给尚未报送的单位生成提醒通知",
                    "deadline": "截止日：收取、汇总并生成催报通知",
                    "report": "收取、汇总并生成 Word 报告和年度汇总",
                    "daily": "收取并更新汇总",
                }[n],
            )
            for d, p, n in upcoming(load_config(workdir / "config.ini"), dt.date.today())
        ]
    ]
    lines = result.stdout.splitlines()  # first whether the daily run is registered (see test_desktop.py)
    assert lines[0].startswith(("尚未登记到系统的定时任务", "已登记到", "无法查看系统的定时任务"))
    assert lines[1] == (
        f"注意：配置文件 {workdir / 'config.ini'} 的 [report] year = 2010，今天（{dt.date.today():%Y-%m}）不在"
        "这一年的责任分解表之内，下列事项都会失败：请先用 import_table.py 导入本年度的责任分解表。"
    )
    assert lines[2:] == expected and len(expected) > 30
    assert sum("截止日前提醒" in line for line in lines) >= 2  # remind_before = 3: 3 days before each deadline


def test_the_reminder_day_is_three_days_before_the_deadline(workdir):
    config = _config(workdir, generate=1, deadline=25, report=28, remind=3)
    state = State(workdir / "outbox" / "state.json")
    done = _walk(config, state, D(2010, 11, 20), D(2010, 12, 1))
    assert _milestones(done) == [
        ("2010-11-22", "2010-11", REMIND),
        ("2010-11-25", "2010-11", DEADLINE),
        ("2010-11-28", "2010-11", REPORT_DAY),
        ("2010-12-01", "2010-12", GENERATE),
    ]
    assert "2010-11-22" not in [d[0] for d in done if d[2] == DAILY]  # the reminder collects that day
    assert (
        _config(workdir, generate=1, deadline=3, report=28, remind=3).remind_date(Period(2010, 11)) is None
    )  # on day 1
    assert [n for _, _, n in upcoming(_config(workdir, remind=0), D(2010, 11, 1), days=31)].count(REMIND) == 0


def test_the_scheduler_writes_the_reminder_to_the_units_yet_to_report(workdir):
    from returns import fill, prepare

    config, table, forms = prepare(workdir)
    fill(forms["质监分局"], workdir / "inbox" / "质监.xlsx")
    config = _config(workdir, generate=1, deadline=25, report=28, remind=3)
    state = State(workdir / "outbox" / "state.json")
    state.start(D(2010, 11, 1))
    lines = []
    outcomes = run_due(config, D(2010, 11, 22), state, lines.append)
    assert (Period(2010, 11), REMIND, True) in outcomes
    path = workdir / "outbox" / "2010-11" / "提醒通知_2010-11.docx"
    assert f"已生成提醒通知（22 个单位尚未报送，截止日 2010年11月25日）：{path}" in lines
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    assert paragraphs[:3] + [
        paragraphs[3][: len("尚未报送的单位（共22个，括号内为应报任务数）：药监分局（1项）、")]
    ] == [
        "关于提醒报送2010年11月\n区质量振兴工作推进情况的通知",
        "各有关单位：",
        "2010年11月区质量振兴工作推进情况填报表的报送截止日期为2010年11月25日，距今还有3天。截至2010年11月22日，"
        "仍有22个单位尚未报送，请于2010年11月25日前按要求填写下发的填报表，报送区质量振兴工作领导小组办公室。",
        "尚未报送的单位（共22个，括号内为应报任务数）：药监分局（1项）、",
    ]
    assert "质监分局" not in paragraphs[3] and paragraphs[3].count("项）") == 22
    assert "区有关部门" not in "".join(paragraphs)  # no form went to it: never reminded
    assert paragraphs[-2:] == ["区质量振兴工作领导小组办公室", "2010年11月22日"]


def test_remind_py_says_when_every_unit_has_reported(workdir):
    from returns import fill, prepare

    config, table, forms = prepare(workdir)
    for name, form in forms.items():
        fill(form, workdir / "inbox" / f"{name}.xlsx")
    assert run_script("collect.py", "--config", workdir / "config.ini", "--period", "2010-11").returncode == 0
    result = run_script("remind.py", "--config", workdir / "config.ini", "--period", "2010-11")
    assert (result.returncode, result.stdout.splitlines()[-1]) == (0, "2010-11 全部单位均已报送，无需提醒。")
    assert not (workdir / "outbox" / "2010-11" / "提醒通知_2010-11.docx").exists()


def test_schedule_days_out_of_order_is_a_config_error(workdir):
    path = workdir / "config.ini"
    path.write_text(
        path.read_text(encoding="utf-8").replace("deadline_day = 25", "deadline_day = 30"), encoding="utf-8"
    )
    result = run_script("scheduler.py", "--config", path, "--list")
    assert result.returncode == 2
    assert result.stderr == (
        f"配置文件 {path} 的 [schedule] 日期顺序不对：应为 generate_day ≤ deadline_day ≤ report_day"
        "（现为 1、30、28）。\n"
    )


def test_a_second_instance_does_not_run_and_a_killed_one_leaves_no_stuck_lock(workdir):
    lock = workdir / "outbox" / ".run.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; sys.path.insert(0, sys.argv[1]);"
                "from dutytable.scheduling import RunLock; l = RunLock(sys.argv[2]); assert l.acquire();"
                "print('held', flush=True); time.sleep(60)"
            ),
            str(ROOT / "scripts"),
            str(lock),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = run_script("scheduler.py", "--config", workdir / "config.ini", "--once")
        assert result.returncode == 5
        assert (
            result.stderr
            == f"另一个任务（收取、汇总、报告或定时任务）正在运行（锁文件 {lock}），本次没有运行；请等它结束后再试。\n"
        )
        with pytest.raises(BusyError):
            with RunLock(lock):
                pass
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    with RunLock(lock):  # the dead holder's lock went with it
        pass


def test_console_output_survives_a_gbk_code_page(workdir):
    path = workdir / "config.ini"
    text = path.read_text(encoding="utf-8").replace("区相关部门 = 区有关部门", "区相关部门 = 区有关部门😀")
    path.write_text(text, encoding="utf-8")
    env = dict(os.environ, PYTHONIOENCODING="gbk")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate.py"), "--config", str(path), "--period", "2010-11"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode("gbk", "replace")
    out = result.stdout.decode("gbk")
    assert "提示：“区有关部门?”是集体名称" in out


def test_a_closed_console_is_not_a_traceback(workdir):
    config = load_config(workdir / "config.ini")
    fill_demo(config, pipeline.load(config), Period(2010, 11))  # the sample returns, into this folder's inbox/
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "scripts" / "monthly.py"),
            "--config",
            str(workdir / "config.ini"),
            "--period",
            "2010-11",
            "--no-pdf",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=300) == 0
    assert "Traceback" not in err and "Logging error" not in err
    log = (workdir / "outbox" / "logs" / f"{dt.date.today():%Y-%m}.log").read_text(encoding="utf-8")
    assert "2010-11 所有单位均已报送。" in log


def test_after_the_report_day_a_retry_does_only_what_failed_and_never_rewrites_the_issued_report(workdir):
    """The deadline's run fails twice, the report's succeeds: the deadline's retry the day after does not
    consolidate or report again (the report day issued them)."""
    config = _config(workdir, generate=1, deadline=25, report=28)
    state = State(workdir / "outbox" / "state.json")
    state.start(D(2010, 11, 1))
    state.mark(Period(2010, 11), GENERATE, D(2010, 11, 1))

    def deadline_fails(period, steps):
        if steps == ("collect", "consolidate", "report"):
            raise ValueError("模拟的故障")

    lines = []
    for day in (D(2010, 11, 25), D(2010, 11, 28)):
        run_due(config, day, state, lines.append, Recorder(deadline_fails))
    assert state.done(Period(2010, 11), REPORT_DAY) and not state.done(Period(2010, 11), DEADLINE)
    lines, again = [], Recorder()
    assert run_due(config, D(2010, 11, 29), state, lines.append, again) == [(Period(2010, 11), DEADLINE, True)]
    assert again.calls == [("2010-11", ("collect",))]
    assert lines == [
        "—— 2010-11-29 2010-11 截止日：收取、汇总并生成催报通知 ——",
        "2010-11 的汇总表和报告已在报告日出过，这次不再改写；需要更新时请运行 python scripts/monthly.py --period 2010-11。",
    ]


def test_before_the_report_day_a_failed_milestone_is_done_again_whole(workdir):
    config = _config(workdir, generate=1, deadline=25, report=28)
    state = State(workdir / "outbox" / "state.json")
    state.start(D(2010, 11, 25))
    run_due(config, D(2010, 11, 25), state, lambda line: None, Recorder(fail_steps={("2010-11", "report")}))
    assert state.steps_done(Period(2010, 11), DEADLINE) == ["collect", "consolidate"]
    again = Recorder(fail_steps={("2010-11", "collect")})
    run_due(config, D(2010, 11, 26), state, lambda line: None, again)
    assert again.calls == [("2010-11", ("collect", "consolidate", "report"))]  # collected afresh: all of it again
    assert state.steps_done(Period(2010, 11), DEADLINE) == []  # the 25th's 汇总表 is not taken as done any more
    run_due(config, D(2010, 11, 27), state, lambda line: None, Recorder())
    assert state.steps_done(Period(2010, 11), DEADLINE) == [] and state.done(Period(2010, 11), DEADLINE)


def test_a_failing_annual_on_report_day_is_retried_alone_and_the_issued_month_is_not_rewritten(
    workdir, monkeypatch, capsys
):
    """Through scheduler.py --once with the clock's date passed in: on report day the 年度汇总 is open in Excel;
    the next day only the year is made, the month's 汇总表 and 附件1 stay as issued, a return come since stays
    in inbox/."""
    from conftest import open_in_excel
    from dutytable import wordml
    from dutytable.annual_xlsx import workbook_path
    from dutytable.cli import Scheduler, main
    from returns import fill, prepare

    monkeypatch.setattr(wordml, "find_soffice", lambda: None)  # a machine without LibreOffice: no PDF, said so
    config, table, forms = prepare(workdir)
    inbox = workdir / "inbox"
    fill(forms["质监分局"], inbox / "质监.xlsx")
    fill(forms["环保局"], inbox / "环保局.xlsx")
    year_book = workbook_path(config, 2010)
    close_excel = open_in_excel(monkeypatch, year_book)
    argv = ["--config", str(workdir / "config.ini"), "--once"]
    assert main(Scheduler(), argv, today=D(2010, 11, 28)) == 1
    first = capsys.readouterr().out.splitlines()
    out = workdir / "outbox" / "2010-11"
    issued = {
        p: p.read_bytes()
        for p in (
            out / "附件1_2010年区质量振兴工作目标任务推进情况汇总表_2010-11.docx",
            out / "2010年区质量振兴工作目标任务推进情况汇总表_2010-11.xlsx",
            out / "催报通知_2010-11.docx",
        )
    }
    assert first[0] == "—— 2010-11-28 2010-11 收取、汇总并生成 Word 报告和年度汇总 ——"
    assert first[1] == "收到 2 份：有效 2，待补正 0，退回 0，重复 0"
    assert f"已生成：{out / '附件1_2010年区质量振兴工作目标任务推进情况汇总表_2010-11.docx'}" in first
    assert first[-1] == (
        f"2010-11 收取、汇总并生成 Word 报告和年度汇总 未完成：无法写入 {year_book}：文件可能正在被 Excel、WPS 或 Word "
        "打开，请关闭后重试。下次运行时会重试。"
    )
    assert "Traceback" not in "\n".join(first) and not year_book.exists()

    close_excel()
    fill(forms["药监分局"], inbox / "药监.xlsx")  # comes after the report day
    assert main(Scheduler(), argv, today=D(2010, 11, 29)) == 0
    second = capsys.readouterr().out.splitlines()
    assert second == [
        "—— 2010-11-29 2010-11 收取、汇总并生成 Word 报告和年度汇总 ——",
        "2010-11 上次已做完收取、汇总表、Word 报告，这次只补做年度汇总（已出的汇总表和报告不再改写）。",
        f"已生成：{year_book}",
        f"已生成：{config.outbox / '附件1_2010年区质量振兴工作单位报送情况年度汇总表.docx'}",
        "2010年共 1 期有报送（11月）；得分第一：质监分局、环保局。",
    ]
    assert {p: p.read_bytes() for p in issued} == issued
    assert (inbox / "药监.xlsx").exists()  # not collected by the retry: the issued month stays as printed
    log = (workdir / "outbox" / "logs" / "2010-11.log").read_text(encoding="utf-8").splitlines()
    assert [line[20:] for line in log[-5:]] == [f"INFO {line}" for line in second]
    assert [line[20:] for line in log if "未完成：" in line] == [f"INFO {first[-1]}"]
    assert main(Scheduler(), argv, today=D(2010, 11, 30)) == 0  # nothing left: done, never twice
    assert capsys.readouterr().out.splitlines() == ["2010-11-30 没有需要处理的事项。"]
