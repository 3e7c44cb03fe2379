"""Issue 14: what the 汇总 and the 附件 say is true, and no single file stops a run.

Each test reproduces one finding and checks the new behaviour in the collector's summary,
the ledger and the consolidated workbook read back with openpyxl.
"""

import datetime as dt
import sqlite3
import subprocess
import sys

import openpyxl
import pytest
from conftest import ROOT, run_script
from dutytable.collect import Collector
from dutytable.config import load_config
from dutytable.consolidate import consolidate
from dutytable.errors import ConfigError
from dutytable.model import Period
from dutytable.report import overview
from dutytable.screen import summary_lines
from dutytable.summary import summarize, task_status
from returns import COLUMNS, FIRST_ROW, OLD, age, fill, prepare

P = Period(2010, 11)
ALL_STATUSES = "已完成、正常推进、进度滞后、未启动"


def at(*when):
    """A frozen clock for the collector: the moment the files are first seen."""
    return lambda: dt.datetime(*when)


@pytest.fixture
def env(workdir):
    config, table, forms = prepare(workdir)
    return config, table, forms, workdir / "inbox"


def collect(config, table, now=at(2010, 11, 20, 9, 0)):
    return Collector(config, table, settle_seconds=0, now=now).run(P)


def ledger_rows(config):
    db = sqlite3.connect(config.ledger)
    return db.execute(
        "SELECT original_name, recipient, verdict, received_at, file_time, answered, standing FROM returns ORDER BY id"
    ).fetchall()


def sheet(config, table, name):
    path, _, _ = consolidate(config, table, P)
    ws = openpyxl.load_workbook(path)[name]
    header = [c.value for c in ws[2]]
    return {
        r[header.index("工作内容") if "工作内容" in header else 1]: dict(zip(header, r))
        for r in ws.iter_rows(min_row=3, values_only=True)
    }


# -- finding 1: a status outside the list is kept, marked; a blank form is not a report ----------------


def test_a_status_outside_the_list_is_kept_as_written_and_marked_never_read_as_not_reported(env):
    config, table, forms, inbox = env
    fill(
        forms["质监分局"], inbox / "质监.xlsx", rows={"T0101": {"完成状态": "完成"}, "T0201": {"完成状态": "基本完成"}}
    )
    result = collect(config, table)
    assert summary_lines(result)[:4] == [
        "收到 1 份：有效 0，待补正 1，退回 0，重复 0",
        "待补正：质监.xlsx（质监分局）",
        f"  · 工作表“填报表”E6（产品质量）：完成状态“完成”不是可选值，请改为 {ALL_STATUSES} 之一。",
        f"  · 工作表“填报表”E8（工业标准化）：完成状态“基本完成”不是可选值，请改为 {ALL_STATUSES} 之一。",
    ]
    assert "质监分局" in result.reported
    summary = sheet(config, table, "汇总")
    # each lead's own status is folded into 完成状态 beside the task's
    assert summary["产品质量"]["完成状态"] == "完成（待核实）（质监分局：完成（待核实）；药监分局：未报送）"
    assert summary["工业标准化"]["完成状态"] == "基本完成（待核实）"
    summarized = summarize(table, config, P)
    counts = summarized.status_counts
    # 质监分局 is the first lead of 8 tasks; 区有关部门 alone leads 2 (no form: 未明确牵头单位), 8 others are silent
    assert counts["待核实"] == 2 and counts["未报送"] == 8 and counts["未明确牵头单位"] == 2
    path, _, _ = consolidate(config, table, P)
    # by category: 待核实 (and 未明确牵头单位) has a column of its own and counts in 合计
    ws = openpyxl.load_workbook(path)["统计"]
    header = [c.value for c in ws[2]]
    assert header == ["类别", "已完成", "正常推进", "进度滞后", "未启动", "待核实", "未明确牵头单位", "未报送", "合计"]
    stats = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=3, max_row=8, values_only=True)}
    assert stats["提高质量水平"]["待核实"] == 1 and stats["提高质量水平"]["合计"] == 4
    assert stats["夯实标准计量基础"]["待核实"] == 1 and stats["合计"]["合计"] == 18
    assert overview(summarized, dt.date(2010, 11, 28)).startswith(
        "截至2010年11月28日，共18项目标任务，其中正常推进6项、完成状态待核实2项、未明确牵头单位2项、牵头单位尚未报送8项；"
    )


def test_a_form_sent_back_blank_is_not_a_report_stays_chased_and_gets_a_marked_copy(env):
    config, table, forms, inbox = env
    fill(forms["环保局"], inbox / "环保局.xlsx", status=None, progress=None, indicators=False)
    result = collect(config, table)
    lines = summary_lines(result)
    assert lines[0] == "收到 1 份：有效 0，待补正 0，退回 0，重复 0，未填报 1"
    assert "未填报：环保局.xlsx（环保局）交回的表格是空的，不算报送，仍在催报名单中。" in lines
    assert "环保局" in result.missing and "环保局" not in result.reported
    assert ledger_rows(config) == [
        ("环保局.xlsx", "环保局", "未填报", "2010-11-20T09:00:00", dt.datetime.fromtimestamp(OLD).isoformat(), 0, "")
    ]
    marked = config.outbox / "2010-11" / "待补正"
    assert [p.name for p in marked.iterdir()] == ["环保局_2010-11填报表_待补正.xlsx"]
    sub = sheet(config, table, "报送情况")
    assert sub["环保局"]["报送情况"] == "未报送"
    assert sub["环保局"]["问题"] == "“环保局.xlsx”交回时没有填写任何内容（未填报）"


# -- finding 11: several leads, one documented rule, each lead's status beside it --------------------


def test_status_rules_for_several_leads():
    leads = ["未报送", "已完成", "正常推进", "正常推进"]
    assert task_status(leads, "main_lead") == "未报送"
    assert task_status(leads, "worst") == "正常推进"
    assert task_status(leads, "majority") == "正常推进"
    assert task_status(["已完成", "进度滞后"], "majority") == "进度滞后"  # a tie goes to the less advanced
    assert task_status(["正常推进", "完成（待核实）"], "worst") == "完成（待核实）"
    assert task_status(["未报送", "未报送"], "worst") == "未报送"
    assert task_status([], "majority") == "未明确牵头单位"  # no lead that gets a form: no unit asked


def test_a_first_lead_that_has_not_reported_is_not_hidden_behind_another_leads_done(env):
    config, table, forms, inbox = env
    fill(forms["药监分局"], inbox / "药监.xlsx", status="已完成")
    collect(config, table)
    row = sheet(config, table, "汇总")["产品质量"]
    assert row["完成状态"] == "未报送（质监分局：未报送；药监分局：已完成）"
    text = config.path.read_text(encoding="utf-8").replace("status_rule = main_lead", "status_rule = worst")
    config.path.write_text(text, encoding="utf-8")
    worst = load_config(config.path)
    assert summarize(table, worst, P).tasks[0].status == "已完成"
    config.path.write_text(text.replace("status_rule = worst", "status_rule = 严格"), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(config.path)
    assert str(err.value) == (
        f"配置文件 {config.path} 的 [report] status_rule = 严格 无效："
        "应为 main_lead / worst / majority 之一，例如“status_rule = main_lead”。"
    )


# -- finding 2: receipt time decides; a thinner later version waits for the clerk ----------------------


def test_a_later_return_with_fewer_answers_waits_as_held_until_the_clerk_accepts_it(env):
    config, table, forms, inbox = env
    fill(forms["质监分局"], inbox / "质监-终稿.xlsx", progress="终稿")
    collect(config, table, at(2010, 11, 20, 9, 0))
    fill(
        forms["质监分局"],
        inbox / "质监-草稿.xlsx",
        status=None,
        progress=None,
        rows={"T0101": {"完成状态": "未启动", "推进情况": "草稿"}},
    )
    result = collect(config, table, at(2010, 11, 21, 9, 0))
    assert summary_lines(result)[-3] == (
        "待确认：质监-草稿.xlsx（质监分局）填写的任务比已收到的“质监-终稿.xlsx”少，或与之同时收到，暂不替换；"
        '如确应以它为准，请运行 python scripts/collect.py --accept "质监-草稿.xlsx"。'
    )
    assert [r[6] for r in ledger_rows(config)] == ["", "待确认"]
    row = sheet(config, table, "报送情况")["质监分局"]
    assert (row["文件"], row["待确认版本"], row["收到时间"]) == (
        "质监-终稿.xlsx",
        "质监-草稿.xlsx",
        "2010-11-20 09:00:00",
    )
    assert sheet(config, table, "汇总")["产品质量"]["推进情况"].startswith("质监分局：终稿")
    done = run_script("collect.py", "--config", config.path, "--period", "2010-11", "--accept", "质监-草稿.xlsx")
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "已确认：质监-草稿.xlsx 作为质监分局 2010-11 的报送，汇总时以它为准；请重新运行汇总。\n",
        "",
    )
    assert sheet(config, table, "汇总")["产品质量"]["推进情况"].startswith("质监分局：草稿")
    again = run_script("collect.py", "--config", config.path, "--period", "2010-11", "--accept", "质监-草稿.xlsx")
    assert (again.returncode, again.stderr) == (
        2,
        "没有名为“质监-草稿.xlsx”的待确认报送：请照收取结果中“待确认”一行写出的文件名填写。\n",
    )


def test_two_versions_found_together_are_not_ranked_by_name_or_file_time(env):
    config, table, forms, inbox = env
    fill(forms["城建局"], inbox / "城建局（修改后）.xlsx", progress="修改后")
    fill(forms["城建局"], inbox / "城建局（已填）.xlsx", progress="已填")
    result = collect(config, table)
    assert [e.original_name for e in result.processed if e.standing == "待确认"] == ["城建局（已填）.xlsx"]
    assert sheet(config, table, "报送情况")["城建局"]["待确认版本"] == "城建局（已填）.xlsx"


def test_an_older_file_that_arrives_later_counts_by_when_it_arrived(env):
    config, table, forms, inbox = env
    age(fill(forms["农业局"], inbox / "农业局-新.xlsx", progress="新"), OLD + 86400)
    collect(config, table, at(2010, 11, 20, 9, 0))
    age(fill(forms["农业局"], inbox / "农业局-后到.xlsx", progress="后到"), OLD)
    collect(config, table, at(2010, 11, 21, 9, 0))
    assert sheet(config, table, "汇总")["农业标准化"]["推进情况"].startswith("农业局：后到")


# -- finding 9: lateness by receipt time; both times shown -----------------------------------------------


def test_lateness_is_judged_by_receipt_time_and_both_times_are_shown(env):
    config, table, forms, inbox = env
    saved = dt.datetime(2010, 11, 30, 18, 0)  # a clock set wrong on the sender's machine
    age(fill(forms["科技局"], inbox / "科技局.xlsx"), saved.timestamp())
    collect(config, table, at(2010, 11, 24, 16, 30))
    row = sheet(config, table, "报送情况")["科技局"]
    assert (row["收到时间"], row["文件时间"], row["逾期"]) == ("2010-11-24 16:30:00", "2010-11-30 18:00:00", None)
    age(fill(forms["交通分局"], inbox / "交通.xlsx"), OLD)
    collect(config, table, at(2010, 11, 26, 8, 0))
    assert sheet(config, table, "报送情况")["交通分局"]["逾期"] == "逾期"


# -- finding 5: the hidden sheet's period is checked, never a path -----------------------------------------


@pytest.mark.parametrize("written", ["../../../outbox/2010-11", "2010年11月", "2010.11"])
def test_a_period_that_is_not_a_period_is_never_used(env, written):
    config, table, forms, inbox = env
    form = fill(forms["环保局"], inbox / "环保局.xlsx", phone=None)
    wb = openpyxl.load_workbook(form)
    meta = wb["表单信息"]
    for row in meta.iter_rows():
        if row[0].value == "period":
            row[1].value = written
    wb.save(form)
    age(form)
    done = run_script("collect.py", "--config", config.path, "--period", "2010-11")
    assert done.returncode == 0, done.stderr
    assert (
        f"  · 工作表“表单信息”：期次“{written}”无效（应为“年-月”，例如 2010-11），已按本次收取的期次 2010-11 处理，请核对。"
        in done.stdout.splitlines()
    )
    archived = [p for p in config.path.parent.rglob("*环保局.xlsx")]
    assert [p.relative_to(config.path.parent).parts[:4] for p in archived] == [("inbox", "已归档", "2010-11", "环保局")]
    assert sheet(config, table, "报送情况")["环保局"]["报送情况"] == "待补正"


# -- finding 8: one run at a time, shared; a folder that cannot be written ----------------------------------


def test_three_collects_at_once_give_one_consistent_result(env):
    config, table, forms, inbox = env
    for name in ("环保局", "农业局", "城建局", "质监分局"):
        fill(forms[name], inbox / f"{name}.xlsx")
    procs = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "collect.py"), "--config", str(config.path), "--period", "2010-11"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**__import__("os").environ, "PYTHONIOENCODING": "utf-8"},
        )
        for _ in range(3)
    ]
    outs = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert all("Traceback" not in out + err and "意外" not in err for _, out, err in outs)
    assert sorted(code for code, _, _ in outs)[0] == 0 and {code for code, _, _ in outs} <= {0, 5}
    busy = [err for code, _, err in outs if code == 5]
    assert all(err.startswith("另一个任务（收取、汇总、报告或定时任务）正在运行（锁文件 ") for err in busy)
    received = [out.splitlines()[0] for code, out, _ in outs if code == 0]
    assert sorted(received)[-1] == "收到 4 份：有效 4，待补正 0，退回 0，重复 0"
    assert all(
        line in ("收到 4 份：有效 4，待补正 0，退回 0，重复 0", "收到 0 份：有效 0，待补正 0，退回 0，重复 0")
        for line in received
    )
    assert sorted(r[1] for r in ledger_rows(config)) == ["农业局", "城建局", "环保局", "质监分局"]
    assert [p.name for p in inbox.iterdir() if p.is_file()] == []


def test_an_inbox_that_cannot_be_written_is_one_line_naming_it(env, monkeypatch, capsys):
    config, table, forms, inbox = env
    fill(forms["环保局"], inbox / "环保局.xlsx")
    from dutytable import cli
    from dutytable import intake as module

    real = module.os.access
    # Read-only as Windows sets it; tests may run as root, whom chmod does not stop.
    monkeypatch.setattr(module.os, "access", lambda path, mode: False if str(path) == str(inbox) else real(path, mode))
    code = cli.main(cli.Collect(), ["--config", str(config.path), "--period", "2010-11"])
    out, err = capsys.readouterr()
    assert (code, out, err) == (
        4,
        "",
        f"文件夹 {inbox} 不允许写入，本次没有收取任何文件。请在文件夹“属性”中取消“只读”或请管理员开放写入权限后再运行。\n",
    )
    assert (inbox / "环保局.xlsx").exists() and not config.ledger.exists()


# -- no single file stops a run -----------------------------------------------------------------------------


def test_a_file_that_breaks_the_examiner_is_returned_and_the_others_are_collected(env, monkeypatch):
    config, table, forms, inbox = env
    fill(forms["环保局"], inbox / "环保局.xlsx")
    fill(forms["农业局"], inbox / "农业局.xlsx")
    from dutytable import examine as module

    real = module._validate

    def breaks(ex, form, expectations):
        if ex.original_name == "农业局.xlsx":
            raise KeyError("boom")
        return real(ex, form, expectations)

    monkeypatch.setattr(module, "_validate", breaks)
    result = collect(config, table)
    assert summary_lines(result)[:2] == [
        "收到 2 份：有效 1，待补正 0，退回 1，重复 0",
        "退回：农业局.xlsx：无法读取（KeyError），已退回；请对方用下发的填报表重新填写后发回。",
    ]


# -- finding 6: the form's own sheet; a renamed column named as such ------------------------------------


def _rename_form_and_add_draft(form, change_draft):
    wb = openpyxl.load_workbook(form)
    ws = wb["填报表"]
    draft = wb.copy_worksheet(ws)
    draft.title = "草稿"
    wb.move_sheet("草稿", offset=-wb.sheetnames.index("草稿"))  # the draft comes first
    ws.title = "本月"
    for r in range(6, draft.max_row + 1):
        if draft[f"F{r}"].value:
            draft[f"F{r}"] = "草稿内容"
    if change_draft:
        draft["C6"] = "去年的目标"
    wb.save(form)
    return age(form)


def test_a_renamed_form_is_read_not_a_draft_sheet_before_it(env):
    config, table, forms, inbox = env
    _rename_form_and_add_draft(fill(forms["环保局"], inbox / "环保局.xlsx", progress="正式内容"), change_draft=True)
    result = collect(config, table)
    assert summary_lines(result)[0] == "收到 1 份：有效 1，待补正 0，退回 0，重复 0"
    assert sheet(config, table, "汇总")["环境质量"]["推进情况"] == "环保局：正式内容。"


def test_two_sheets_that_cannot_be_told_apart_are_returned_naming_both(env):
    config, table, forms, inbox = env
    _rename_form_and_add_draft(fill(forms["环保局"], inbox / "环保局.xlsx"), change_draft=False)
    result = collect(config, table)
    assert summary_lines(result)[1] == (
        "退回：环保局.xlsx：有 2 个工作表（“草稿”“本月”）都像填报表，填写的内容各不相同，无法判断哪个是交回的，"
        "请对方只保留填好的那一个后重新发送。"
    )
    assert "环保局" in result.missing


def test_a_renamed_column_is_reported_as_such_not_as_every_row_unfilled(env):
    config, table, forms, inbox = env
    fill(forms["环保局"], inbox / "环保局.xlsx", edit=lambda ws: ws.cell(5, 6, "进展情况"))
    result = collect(config, table)
    assert summary_lines(result)[1:3] == [
        "待补正：环保局.xlsx（环保局）",
        "  · 工作表“填报表”：找不到“推进情况”列（表头被改动或删除），这一列的内容没有收到，请把第5行的表头恢复为“推进情况”后重新发送。",
    ]
    assert not [line for line in summary_lines(result) if "推进情况未填写" in line]


# -- finding 3: a return filled on another unit's form -------------------------------------------------


def test_a_return_on_another_units_form_is_not_credited_silently(env):
    config, table, forms, inbox = env
    fill(forms["环保局"], inbox / "工商分局报送.xlsx", filler="工商分局小王")
    result = collect(config, table)
    assert summary_lines(result)[1:3] == [
        "待补正：工商分局报送.xlsx（环保局）",
        "  · 工商分局报送.xlsx：这是环保局的填报表，但文件名“工商分局报送.xlsx”写的是工商分局，像是工商分局用环保局的表填报的；"
        "已暂按环保局登记为待补正，工商分局仍算未报送，请向两个单位核实。",
    ]
    assert "工商分局" in result.missing
    assert ledger_rows(config)[0][1:3] == ("环保局", "待补正")
    assert sheet(config, table, "报送情况")["环保局"]["报送情况"] == "待补正"


# -- 迟到: a return for a period whose report is out ----------------------------------------------------


def test_a_return_for_a_period_already_reported_is_named_late_and_changes_nothing_until_run_again(env):
    config, table, forms, inbox = env
    from dutytable.distribute import generate

    october = dict(generate(table, config, Period(2010, 10)).files)
    fill(october["城建局"], inbox / "城建局10月.xlsx")
    result = collect(config, table, at(2010, 11, 3, 9, 0))  # October's report day was the 28th
    assert (
        "迟到：城建局（城建局10月.xlsx）是 2010-10 的报送，收到时该期的报告日已过；已登记，该期的汇总表和报告没有改动，"
        "如需更新请运行 python scripts/monthly.py --period 2010-10。"
    ) in summary_lines(result)
    assert "城建局" in result.missing  # not counted for 2010-11
    assert ledger_rows(config)[0][:3] == ("城建局10月.xlsx", "城建局", "有效")
    assert list((config.outbox / "2010-10").glob("*汇总表*.xlsx")) == []


def test_a_file_in_a_folder_that_cannot_be_written_is_not_said_to_be_open_in_excel(env, monkeypatch):
    config, table, forms, inbox = env
    fill(forms["环保局"], inbox / "只读" / "环保局.xlsx")
    from dutytable import intake as module

    real_access, real_unlink = module.os.access, module.Path.unlink
    locked = inbox / "只读"

    def unlink(self, *a, **kw):
        if self.parent == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_unlink(self, *a, **kw)

    monkeypatch.setattr(module.Path, "unlink", unlink)
    monkeypatch.setattr(module.os, "access", lambda p, m: False if str(p) == str(locked) else real_access(p, m))
    result = collect(config, table)
    lines = summary_lines(result)
    assert lines[0] == "收到 1 份：有效 1，待补正 0，退回 0，重复 0"
    assert (
        "以下文件已归档，但所在文件夹不允许写入，无法从 inbox 移走；请取消该文件夹的“只读”后再运行一次："
        "只读/环保局.xlsx"
    ) in lines
    assert not [line for line in lines if "Excel" in line]
    assert result.reported == ["环保局"]


def test_a_zips_members_take_the_zips_receipt_time_even_when_taken_by_a_later_run(env, monkeypatch):
    config, table, forms, inbox = env
    import zipfile

    form = fill(forms["环保局"], config.path.parent / "环保局.xlsx")
    with zipfile.ZipFile(inbox / "各单位.zip", "w") as z:
        z.write(form, "环保局.xlsx")
    age(inbox / "各单位.zip")
    real_scan, rounds = Collector._scan, []

    def first_round_only(self):  # the run ends (as a crash would) before the members are taken
        rounds.append(1)
        return real_scan(self) if len(rounds) == 1 else ([], [])

    monkeypatch.setattr(Collector, "_scan", first_round_only)
    collect(config, table, at(2010, 11, 24, 17, 0))
    monkeypatch.setattr(Collector, "_scan", real_scan)
    collect(config, table, at(2010, 11, 26, 9, 0))  # after the deadline
    assert [r[:4] for r in ledger_rows(config)] == [
        ("各单位.zip", None, "已解压", "2010-11-24T17:00:00"),
        ("各单位/环保局.xlsx", "环保局", "有效", "2010-11-24T17:00:00"),
    ]
    row = sheet(config, table, "报送情况")["环保局"]
    assert (row["收到时间"], row["逾期"]) == ("2010-11-24 17:00:00", None)


def test_last_months_form_sent_again_says_which_real_return_it_replaces(env):
    config, table, forms, inbox = env
    from dutytable.distribute import generate

    october = dict(generate(table, config, Period(2010, 10)).files)
    fill(october["城建局"], inbox / "城建局10月.xlsx", progress="十月")
    Collector(config, table, settle_seconds=0, now=at(2010, 10, 20, 9, 0)).run(Period(2010, 10))
    fill(october["城建局"], inbox / "城建局（本月）.xlsx", progress="十一月的内容")
    result = collect(config, table, at(2010, 11, 20, 9, 0))
    assert (
        "迟到：城建局（城建局（本月）.xlsx，代替先收到的“城建局10月.xlsx”）是 2010-10 的报送，收到时该期的报告日已过；"
        "已登记，该期的汇总表和报告没有改动，如需更新请运行 python scripts/monthly.py --period 2010-10。"
    ) in summary_lines(result)
    assert (
        "其中 1 份属于 2010-10，已归入该期次：城建局（城建局（本月）.xlsx，代替先收到的“城建局10月.xlsx”）"
        in summary_lines(result)
    )


# -- the Word 附件 and 催报通知 say the same as the workbook (findings 1, 2, 9, 11) ------------------------


def _attachment_rows(path):
    import docx

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    rows = {}
    for tbl in docx.Document(str(path)).tables:
        for tr in tbl._tbl.findall(f"{w}tr")[1:]:  # after the column heads
            cells = [
                "\n".join("".join(t.text for t in p.iter(f"{w}t")) for p in tc.findall(f"{w}p"))
                for tc in tr.findall(f"{w}tc")
            ]
            if len(cells) > 1:  # not a 大项's band row
                rows[cells[1]] = cells
    return rows


def test_the_word_attachment_and_reminder_tell_the_truth_of_each_unit(env):
    import docx
    from dutytable.report import make_report

    config, table, forms, inbox = env
    fill(forms["质监分局"], inbox / "质监.xlsx", rows={"T0101": {"完成状态": "完成"}})  # a status outside the list
    fill(forms["环保局"], inbox / "环保局.xlsx", status=None, progress=None, indicators=False)  # sent back blank
    collect(config, table)
    fill(forms["城建局"], inbox / "城建局.xlsx")  # saved on the 5th, first seen on the 26th: late
    collect(config, table, at(2010, 11, 26, 9, 0))
    summary, written, _ = make_report(config, table, P, today=dt.date(2010, 11, 28), pdf=False)
    rows = _attachment_rows(written[0])
    product = rows["产品质量"]
    assert product[-2] == "完成（待核实）"  # as written, marked; never 未报送
    assert product[-1] == "黄灯（完成状态待核实）"
    assert product[-3] == (
        "质监分局（牵头，完成（待核实））：本月已按计划推进。\n药监分局（牵头）：未报送。\n"
        "园区办、春江镇、孟河镇、新桥镇、薛家镇、罗溪镇、西夏墅镇、三井街道、河海街道、龙虎塘街道（配合）：未报送。"
    )
    assert rows["环境质量"][-2] == "未报送" and rows["环境质量"][-3].startswith("环保局（牵头）：未报送。")
    assert rows["环境质量"][-1] == "黄灯（牵头单位本期未报送）"
    text = "\n".join(p.text for p in docx.Document(str(written[0])).paragraphs)
    # each 其中 beside its own count: the late and the 待补正 reported, the blank form among the unreported
    assert "已报送2个（其中逾期1个：城建局；待补正1个：质监分局），未报送21个（" in text
    assert "安监局；其中未填报1个：环保局）。" in text
    reminder = next(p for p in written if p.name.startswith("催报通知"))
    body = "\n".join(p.text for p in docx.Document(str(reminder)).paragraphs)
    assert "环保局" in body and "质监分局" not in body and "城建局" not in body


def test_a_file_dropped_on_the_deadline_day_and_collected_next_morning_arrived_on_time(workdir):
    """Receipt is when the file was put into inbox/ (its creation there), not the run that found it."""
    today = dt.date.today()
    path = workdir / "config.ini"
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("deadline_day = 25", f"deadline_day = {today.day}")
        .replace("report_day = 28", "report_day = 31"),
        encoding="utf-8",
    )
    period = Period.of(today)
    config, table, forms = prepare(workdir, period=period)
    fill(forms["环保局"], workdir / "inbox" / "环保局.xlsx")  # put into inbox/ now, on the deadline day
    next_morning = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(8, 30))
    Collector(config, table, settle_seconds=0, now=lambda: next_morning).run(period)
    received = ledger_rows(config)[0][3]
    assert received[:10] == today.isoformat() and received <= next_morning.isoformat()
    state = next(r for r in summarize(table, config, period).recipients if r.name == "环保局")
    assert (state.state, state.late) == ("已报送", False)


def test_an_accepted_version_keeps_its_real_receipt_time_and_a_superseded_one_is_not_listed(env):
    config, table, forms, inbox = env
    fill(forms["质监分局"], inbox / "A.xlsx", progress="初稿")
    collect(config, table, at(2010, 11, 5, 9, 0))
    fill(forms["质监分局"], inbox / "B.xlsx", status=None, progress=None, rows={"T0101": {"完成状态": "未启动"}})
    collect(config, table, at(2010, 11, 12, 9, 0))  # fewer answers: held
    fill(forms["质监分局"], inbox / "C.xlsx", progress="终稿")
    collect(config, table, at(2010, 11, 27, 9, 0))  # counts, after the deadline of the 25th
    row = sheet(config, table, "报送情况")["质监分局"]
    # Not 逾期: lateness is judged by the unit's first accepted return, A, received on the 5th (as the year judges it)
    assert (row["文件"], row["收到时间"], row["逾期"]) == ("C.xlsx", "2010-11-27 09:00:00", None)
    assert "待确认版本" not in row  # B was held before C came: superseded, no longer waiting
    done = run_script("collect.py", "--config", config.path, "--period", "2010-11", "--accept", "B.xlsx")
    assert done.returncode == 0, done.stderr
    row = sheet(config, table, "报送情况")["质监分局"]
    assert (row["文件"], row["收到时间"], row["逾期"]) == ("B.xlsx", "2010-11-12 09:00:00", None)  # when it arrived


def test_the_sender_check_names_the_longest_unit_then_the_first_in_the_table():
    from dutytable.examine import Expectations
    from dutytable.sender import _sender_doubts

    exp = Expectations(
        schema=None, recipients={"环保局": (), "城建局": (), "城建局规划科": (), "质监分局": ()}, period="2010-11"
    )
    assert _sender_doubts("城建局规划科_环保局.xlsx", "", "质监分局", exp) == [
        "城建局规划科_环保局.xlsx：这是质监分局的填报表，但文件名“城建局规划科_环保局.xlsx”写的是城建局规划科，"
        "像是城建局规划科用质监分局的表填报的；已暂按质监分局登记为待补正，城建局规划科仍算未报送，请向两个单位核实。"
    ]
    # two names as long: the one earlier in the table, wherever it stands in the text
    assert _sender_doubts("城建局和环保局.xlsx", "", "质监分局", exp)[0].startswith(
        "城建局和环保局.xlsx：这是质监分局的填报表，但文件名“城建局和环保局.xlsx”写的是环保局，"
    )
    assert _sender_doubts("表.xlsx", "城建局张三", "质监分局", exp) == [
        "表.xlsx：这是质监分局的填报表，但填报人“城建局张三”写的是城建局，像是城建局用质监分局的表填报的；"
        "已暂按质监分局登记为待补正，城建局仍算未报送，请向两个单位核实。"
    ]
    # the owner's own name, and a unit whose name is part of the owner's, raise no doubt
    assert _sender_doubts("城建局规划科.xlsx", "城建局规划科", "城建局规划科", exp) == []


def test_accept_refuses_a_name_held_for_two_units_and_takes_the_archived_name(env):
    config, table, forms, inbox = env
    for unit in ("质监分局", "城建局"):
        (inbox / unit).mkdir()
        fill(forms[unit], inbox / unit / "终稿.xlsx", progress="终稿")
    collect(config, table, at(2010, 11, 20, 9, 0))

    def first_row_only(ws):  # one task row answered: fewer than the 终稿 counted
        ws[f"{COLUMNS['完成状态']}{FIRST_ROW}"] = "未启动"

    for unit in ("质监分局", "城建局"):
        fill(forms[unit], inbox / unit / "回复.xlsx", status=None, progress=None, edit=first_row_only)
    collect(config, table, at(2010, 11, 21, 9, 0))  # fewer answers: both held
    stored = {
        r[0]: r[1]
        for r in sqlite3.connect(config.ledger).execute(
            "SELECT recipient, stored_path FROM returns WHERE standing = '待确认'"
        )
    }
    names = {unit: stored[unit].rsplit("/", 1)[1] for unit in ("质监分局", "城建局")}
    both = run_script("collect.py", "--config", config.path, "--period", "2010-11", "--accept", "回复.xlsx")
    assert (both.returncode, both.stdout, both.stderr) == (
        2,
        "",
        f"有 2 份待确认的报送都叫“回复.xlsx”，分别是 城建局 2010-11 的“{names['城建局']}”、"
        f"质监分局 2010-11 的“{names['质监分局']}”（已归档文件夹中的文件名），"
        f'请改用其中一个文件名，例如 --accept "{names["城建局"]}"。\n',
    )
    assert [r[6] for r in ledger_rows(config)].count("待确认") == 2  # nothing confirmed
    one = run_script("collect.py", "--config", config.path, "--period", "2010-11", "--accept", names["质监分局"])
    assert (one.returncode, one.stdout) == (
        0,
        "已确认：质监分局/回复.xlsx 作为质监分局 2010-11 的报送，汇总时以它为准；请重新运行汇总。\n",
    )
    assert [(r[1], r[6]) for r in ledger_rows(config) if r[6]] == [("城建局", "待确认"), ("质监分局", "已确认")]


def test_accept_refuses_a_name_two_held_versions_of_one_unit_share(env):
    config, table, forms, inbox = env
    fill(forms["质监分局"], inbox / "终稿.xlsx", progress="终稿")
    collect(config, table, at(2010, 11, 20, 9, 0))

    def first_row(status):
        def edit(ws):  # one task row answered: fewer than the 终稿 counted
            ws[f"{COLUMNS['完成状态']}{FIRST_ROW}"] = status

        return edit

    for day, status in ((21, "未启动"), (22, "进度滞后")):  # the same name, sent twice with other content
        fill(forms["质监分局"], inbox / "回复.xlsx", status=None, progress=None, edit=first_row(status))
        collect(config, table, at(2010, 11, day, 9, 0))
    stored = [
        r[0].rsplit("/", 1)[1]
        for r in sqlite3.connect(config.ledger).execute(
            "SELECT stored_path FROM returns WHERE standing = '待确认' ORDER BY id"
        )
    ]
    both = run_script("collect.py", "--config", config.path, "--period", "2010-11", "--accept", "回复.xlsx")
    assert (both.returncode, both.stderr) == (
        2,
        f"有 2 份待确认的报送都叫“回复.xlsx”，分别是 质监分局 2010-11 的“{stored[0]}”、质监分局 2010-11 的“{stored[1]}”"
        f'（已归档文件夹中的文件名），请改用其中一个文件名，例如 --accept "{stored[0]}"。\n',
    )
    one = run_script("collect.py", "--config", config.path, "--period", "2010-11", "--accept", stored[0])
    assert one.returncode == 0, one.stderr
    assert [r[6] for r in ledger_rows(config)] == ["", "已确认", "待确认"]


def test_a_lead_whose_return_lacked_the_tasks_row_is_not_twice_unreported(tmp_path):
    """Issue 24: the month before is read as that month's own summary shows it. 质监分局, first lead of T0101
    (产品质量), sent October's form without T0101's row and nothing in November: October's summary says
    未填写（待核实） for it, November looks back at the same words, and the light is 黄灯 for this month's silence
    alone, not 红灯（牵头单位连续两期未报送）."""
    from conftest import seed_tool
    from returns import LETTERS
    from test_annual import run_year

    def without_t0101(ws):
        ws.delete_rows(next(c.row for c in ws[LETTERS["task_id"]] if c.value == "T0101"))

    october, november = Period(2010, 10), Period(2010, 11)
    config, table = run_year(
        seed_tool(tmp_path), [(dt.datetime(2010, 10, 20, 9), october, "质监分局", {"edit": without_t0101})]
    )
    before = next(t for t in summarize(table, config, october).tasks if t.task.task_id == "T0101")
    assert [(u.recipient, u.reported, u.status) for u in before.units[:2]] == [
        ("质监分局", True, "未填写（待核实）"),
        ("药监分局", False, "未报送"),
    ]
    assert before.status == "未填写（待核实）"
    now = next(
        t for t in summarize(table, config, november, today=dt.date(2010, 11, 28)).tasks if t.task.task_id == "T0101"
    )
    assert (now.previous, now.status) == ("未填写（待核实）", "未报送")
    assert now.light.text == "黄灯（牵头单位本期未报送）"
