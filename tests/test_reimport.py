"""Re-importing the table mid-year (issue #22): no answer ever moves to another task.

Tasks are matched old to new by category and text; a kept task keeps its ID, a new one gets an ID never
used, a removed one's ID is never reused; earlier months keep their own tasks; a form issued before the
re-import is read by the task text it shows.
"""

import datetime as dt
import sqlite3

import docx
import openpyxl
import pytest
from builders import build_docx, seed_rows
from conftest import SEED, SEED_TABLE
from dutytable.cli import main
from dutytable.cli_import import ImportTable
from dutytable.collect import Collector
from dutytable.consolidate import consolidate
from dutytable.distribute import generate
from dutytable.master import load_table
from dutytable.matching import match_tasks
from dutytable.model import Period, Task
from dutytable.report import make_report
from dutytable.summary import summarize
from returns import LETTERS, fill, prepare

# 区有关部门 alone leads T0401 and T0403 and no group expands it: no form, no lead asked
NO_LEAD = [("T0401", "打假治劣", "未明确牵头单位"), ("T0403", "长效管理", "未明确牵头单位")]

SEED_MASTER = SEED_TABLE

OCT, NOV = Period(2010, 10), Period(2010, 11)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CAT1 = ["提高", "质量", "水平"]
INSERTED = ("1", CAT1, ["质量", "强区"], "创建省级质量强区示范区，年内通过省级验收。", "城建局", "园区办")


def collect(config, table, period, day):
    return Collector(config, table, settle_seconds=0, now=lambda: dt.datetime(day.year, day.month, day.day, 9)).run(
        period
    )


def reimport(workdir, config, capsys, edit, *flags):
    """Import the seed table as a Word 附件 changed by ``edit`` (a function of its rows); returns (code, out, err)."""
    rows = seed_rows(SEED, config.departments)
    edit(rows)
    source = build_docx(workdir / "新表.docx", rows)
    capsys.readouterr()
    code = main(ImportTable(), ["--config", str(workdir / "config.ini"), "--period", "2010-11", str(source), *flags])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def changes(out):
    """The lines comparing the new table with the master it replaces."""
    return [line for line in out if line.startswith(("与现有主表对照", "新增：", "删除：", "改写：", "类别改名："))]


def insert_before_engineering(rows):
    rows.insert(1, INSERTED)


def statuses(summary):
    """[(task ID, 工作内容, status as 汇总 prints it)] in the summary's order."""
    return [(t.task.task_id, t.task.item, t.shown_status) for t in summary.tasks]


def attachment_rows(path):
    """The 附件1's rows below each category's column heads: band rows as one text, task rows as their cells."""
    rows = []
    for tbl in docx.Document(str(path)).tables:
        for tr in tbl._tbl.findall(f"{W}tr")[1:]:
            cells = [
                "\n".join("".join(t.text for t in p.iter(f"{W}t")) for p in tc.findall(f"{W}p"))
                for tc in tr.findall(f"{W}tc")
            ]
            rows.append(cells[0] if len(cells) == 1 else (cells[1], cells[4], cells[5]))
    return rows


def summary_sheet(path):
    """The 汇总 sheet's task rows: (类别, 工作内容, 完成状态)."""
    ws = openpyxl.load_workbook(path)["汇总"]
    head = [c.value for c in ws[2]]
    return [
        (r[head.index("类别")], r[head.index("工作内容")], r[head.index("完成状态")])
        for r in ws.iter_rows(min_row=3, values_only=True)
        if r[head.index("工作内容")]
    ]


@pytest.fixture
def october(workdir):
    """The seed master; 2010-10's forms; 城建局 returned: 已完成 for 工程质量 (T0102), 未启动 for 服务质量 (T0103)."""
    config, table, forms = prepare(workdir, OCT)
    fill(
        forms["城建局"],
        workdir / "inbox" / "城建局.xlsx",
        rows={
            "T0102": {"完成状态": "已完成", "推进情况": "竣工工程一次验收合格"},
            "T0103": {"完成状态": "未启动", "推进情况": "服务质量：尚未启动"},
        },
    )
    assert collect(config, table, OCT, dt.date(2010, 10, 20)).count("有效") == 1
    return config, table


SEED_ORDER = [
    "产品质量",
    "工程质量",
    "服务质量",
    "环境质量",
    "工业标准化",
    "农业标准化",
    "服务标准化",
    "工业计量",
    "民生计量",
    "能源计量",
    "名牌创建",
    "商标创建",
    "质量管理",
    "打假治劣",
    "确保安全生产",
    "长效管理",
    "宣传",
    "培训",
]


def test_the_issues_scenario_end_to_end(workdir, october, capsys):
    config, _ = october
    code, out, err = reimport(workdir, config, capsys, insert_before_engineering, "--force")
    assert (code, err) == (0, [])
    assert out[1] == f"已导入 19 项工作内容（5 个类别），共 23 个填报单位，写入 {config.table}。"
    assert changes(out) == [
        "与现有主表对照：新增 1 项，删除 0 项，改写 0 项，未变 18 项（原有任务保留原任务编号，已报送的内容仍对应原任务）。",
        "新增：T0105 提高质量水平：质量强区",
    ]
    table = load_table(config.table, config.departments)
    assert [(t.task_id, t.item) for t in table.tasks[:5]] == [
        ("T0101", "产品质量"),
        ("T0105", "质量强区"),
        ("T0102", "工程质量"),
        ("T0103", "服务质量"),
        ("T0104", "环境质量"),
    ]

    # 2010-10 again, after the re-import: each answer under its own task; 质量强区 was not on October's forms.
    october_summary = summarize(table, config, OCT)
    assert [s for s in statuses(october_summary) if s[2] != "未报送"] == [("T0102", "工程质量", "已完成")] + NO_LEAD
    assert [s[1] for s in statuses(october_summary)] == SEED_ORDER
    assert [r.name for r in october_summary.recipients if r.state != "未报送"] == ["城建局"]
    workbook, _, _ = consolidate(config, table, OCT, today=dt.date(2010, 10, 31))
    assert summary_sheet(workbook)[1:3] == [
        ("提高质量水平", "工程质量", "已完成"),
        ("提高质量水平", "服务质量", "未报送"),
    ]
    _, written, _ = make_report(config, table, OCT, today=dt.date(2010, 10, 31), pdf=False)
    rows = attachment_rows(written[0])
    assert rows[:4] == [
        "一、提高质量水平",
        (
            "产品质量",
            "质监分局（牵头）：未报送。\n药监分局（牵头）：未报送。\n园区办、春江镇、孟河镇、新桥镇、薛家镇、罗溪镇、西夏墅镇、三井街道、"
            "河海街道、龙虎塘街道（配合）：未报送。",
            "未报送",
        ),
        (
            "工程质量",
            "城建局（牵头）：竣工工程一次验收合格。\n园区办、春江镇、孟河镇、新桥镇、薛家镇、罗溪镇、西夏墅镇、"
            "三井街道、河海街道、龙虎塘街道（配合）：未报送。",
            "已完成",
        ),
        ("服务质量", rows[3][1], "未报送"),
    ]
    assert rows[3][1].startswith("经发局（牵头）：未报送。\n城建局（配合）：服务质量：尚未启动。\n")
    assert "质量强区" not in [r[0] for r in rows if isinstance(r, tuple)]

    # 2010-11 on the new master: 城建局 answers 质量强区 and 工程质量 on its new form.
    forms = dict(generate(table, config, NOV).files)
    fill(
        forms["城建局"],
        workdir / "inbox" / "城建局11月.xlsx",
        rows={
            "T0105": {"完成状态": "正常推进", "推进情况": "已提交创建申请"},
            "T0102": {"完成状态": "已完成", "推进情况": "全部验收合格"},
            "T0103": {"完成状态": "正常推进", "推进情况": "已配合开展服务质量测评"},
        },
    )
    assert collect(config, table, NOV, dt.date(2010, 11, 20)).count("有效") == 1
    november = summarize(table, config, NOV)
    assert [s for s in statuses(november) if s[2] != "未报送"] == [
        ("T0105", "质量强区", "正常推进"),
        ("T0102", "工程质量", "已完成"),
    ] + NO_LEAD
    assert [s[1] for s in statuses(november)] == SEED_ORDER[:1] + ["质量强区"] + SEED_ORDER[1:]
    _, written, _ = make_report(config, table, NOV, today=dt.date(2010, 11, 30), pdf=False)
    rows = attachment_rows(written[0])
    assert [r[0] + "|" + r[2] for r in rows[1:5]] == [
        "产品质量|未报送",
        "质量强区|正常推进",
        "工程质量|已完成",
        "服务质量|未报送",
    ]
    assert rows[3][1].startswith("城建局（牵头）：全部验收合格。\n")
    # October, run once more after November: still its own.
    assert [s for s in statuses(summarize(table, config, OCT)) if s[2] != "未报送"] == [
        ("T0102", "工程质量", "已完成"),
        *NO_LEAD,
    ]


def drop_service_quality(rows):
    del rows[2]  # 服务质量 (T0103)


def test_a_removed_task_stays_with_its_months_and_its_id_is_never_reused(workdir, october, capsys):
    config, _ = october
    code, out, _ = reimport(workdir, config, capsys, drop_service_quality, "--force")
    assert code == 0
    assert changes(out) == [
        "与现有主表对照：新增 0 项，删除 1 项，改写 0 项，未变 17 项（原有任务保留原任务编号，已报送的内容仍对应原任务）。",
        "删除：T0103 提高质量水平：服务质量（各月已报送的内容保留在台账中）",
    ]
    table = load_table(config.table, config.departments)
    assert [t.task_id for t in table.retired] == ["T0103"]
    assert "T0103" not in [t.task_id for t in table.tasks]
    # October's 汇总 and 附件 list it at the end, under 已从主表删除, with what 城建局 said of it.
    october_summary = summarize(table, config, OCT)
    assert statuses(october_summary)[-1] == ("T0103", "服务质量", "未报送")  # its lead 经发局 did not report
    assert [s for s in statuses(october_summary) if s[2] != "未报送"] == [("T0102", "工程质量", "已完成")] + NO_LEAD
    workbook, _, _ = consolidate(config, table, OCT, today=dt.date(2010, 10, 31))
    assert summary_sheet(workbook)[-1] == ("已从主表删除", "服务质量", "未报送")
    _, written, _ = make_report(config, table, OCT, today=dt.date(2010, 10, 31), pdf=False)
    rows = attachment_rows(written[0])
    assert rows[-2] == "六、已从主表删除"
    assert rows[-1][0] == "服务质量" and rows[-1][2] == "未报送"
    assert "城建局（配合）：服务质量：尚未启动。" in rows[-1][1].split("\n")
    assert all("服务质量：尚未启动" not in r[1] for r in rows[:-1] if isinstance(r, tuple))
    # November's forms do not have it; a task added later gets a new ID, not T0103.
    assert "已从主表删除" not in [t.task.category for t in summarize(table, config, NOV).tasks]
    code, out, _ = reimport(
        workdir, config, capsys, lambda rows: (drop_service_quality(rows), rows.insert(1, INSERTED)), "--force"
    )
    assert changes(out) == [
        "与现有主表对照：新增 1 项，删除 0 项，改写 0 项，未变 17 项（原有任务保留原任务编号，已报送的内容仍对应原任务）。",
        "新增：T0105 提高质量水平：质量强区",
    ]
    again = load_table(config.table, config.departments)
    assert [t.task_id for t in again.retired] == ["T0103"]
    assert [t.task_id for t in again.tasks[:4]] == ["T0101", "T0105", "T0102", "T0104"]


def test_a_new_task_never_gets_an_id_the_ledger_has_answers_for(workdir, october, capsys):
    config, _ = october
    db = sqlite3.connect(config.ledger)
    with db:
        db.execute(
            "INSERT INTO answers (return_id, task_id, role, rownum, fields) SELECT return_id, 'T0105', role,"
            " rownum, fields FROM answers WHERE task_id = 'T0103'"
        )  # as if a T0105 was answered once
    db.close()
    code, out, _ = reimport(workdir, config, capsys, insert_before_engineering, "--check")
    assert code == 0
    assert changes(out)[1:] == ["新增：T0106 提高质量水平：质量强区"]
    assert "  T0106 质量强区：牵头 城建局；配合 园区办" in out


def changed_everything(rows):
    rows.insert(1, INSERTED)
    rows[4] = rows[4][:2] + (["生态", "环境", "质量"],) + rows[4][3:]  # 环境质量 renamed
    seq, cat, item, target, leads, partners = rows[7]  # 服务标准化: its target reworded
    rows[7] = (seq, cat, item, target.replace("服务标准化试点", "服务业标准化试点"), leads, partners)
    del rows[10]  # 能源计量 removed
    for i, row in enumerate(rows):
        if row[0] == "3":
            rows[i] = ("3", ["推进", "品牌", "战略"]) + row[2:]  # a category renamed


def test_check_lists_new_removed_reworded_and_unchanged_on_one_screen(workdir, config, capsys):
    before = config.table.read_bytes()
    code, out, err = reimport(workdir, config, capsys, changed_everything, "--check")
    assert (code, err) == (0, [])
    assert out[out.index("其他列：无。") + 1 :] == [
        "以下 1 项指标的目标读法没有把握，请在主表“指标”工作表中核对“比较”“目标值”“单位”，改正后把“来源”改为“人工”"
        "（确认前填报的值在附件2中写“待核实”）：",
        "  T0104-5 省运会比赛有影响的企业废气整治：读作“21家”",
        "与现有主表对照：新增 1 项，删除 1 项，改写 2 项，未变 15 项（原有任务保留原任务编号，已报送的内容仍对应原任务）。",
        "新增：T0105 提高质量水平：质量强区",
        "删除：T0206 夯实标准计量基础：能源计量（各月已报送的内容保留在台账中）",
        "改写：T0104 “环境质量” → “生态环境质量”",
        "改写：T0203 服务标准化的工作目标“…组织申报省级以上服务标准化试点企业1家。” → “…组织申报省级以上服务业标准化试点企业1家。”",
        "类别改名：“推进品牌建设” → “推进品牌战略”（3 项）",
        "年度：2010（读自标题），导入时将写入 config.ini。",
        "工作名称：区质量振兴工作（读自标题），导入时将写入 config.ini；汇总表的标题将是“2010年区质量振兴工作目标任务推进情况汇总表”。",
        "发文单位：区质量振兴工作领导小组办公室（工作名称未变，沿用 config.ini 中的）。",
        "提示：“区有关部门”是集体名称，不发填报表，T0401、T0403 因此没有具体的牵头单位（完成状态为“未明确牵头单位”）；"
        "如需发给其中每个单位，请在 config.ini 的 [groups] 中列出，例如“区有关部门 = 单位甲、单位乙”。",
        "提示：指标 T0401-1（区域性和严重影响新北形象和声誉的制假售假行为）没有填报单位：任务 T0401 的牵头单位“区有关部门”"
        "是集体名称，不发填报表；请在 config.ini 的 [groups] 中列出其中的单位，例如“区有关部门 = 单位甲、单位乙”，"
        "或在主表“指标”工作表中填写该指标的填报单位。",
    ]
    assert config.table.read_bytes() == before


def test_a_master_that_cannot_be_read_stops_the_reimport_naming_it(workdir, config, capsys):
    wb = openpyxl.load_workbook(config.table)
    wb["责任分解表"]["A3"] = "T0101"  # two rows with one ID
    wb.save(config.table)
    code, out, err = reimport(workdir, config, capsys, insert_before_engineering, "--force")
    assert code == 3
    assert err == [
        "原主表 责任分解表.xlsx 无法读取，新表的任务无法与它逐项对应（各月已报送的内容靠任务编号对应原任务）："
        "请先按下面的提示改正原主表；如不需要保留对应关系，把它移到别处后再导入。",
        "责任分解表.xlsx 工作表“责任分解表”第3行（工程质量）：任务编号“T0101”与第2行重复，每行的编号必须不同，"
        "请改为 T0102。",
    ]


def _task(task_id, category, item, target):
    return Task(task_id, 1, category, item, target)


def test_the_place_is_only_a_hint_never_a_match_alone():
    old = [
        _task("T0101", "甲", "产品质量", "抽检合格率不低于92%"),
        _task("T0102", "甲", "工程质量", "一次验收合格率100%"),
    ]
    new = [
        _task("T0101", "甲", "产品质量", "抽检合格率不低于92%"),
        _task("T0102", "甲", "人才培养", "培训技术人员500人次"),
    ]
    assert match_tasks(old, new) == {0: old[0]}  # 人才培养 at 工程质量's place is a new task
    reworded = [
        _task("T0101", "甲", "工程质量", "一次验收合格率达到100%"),
        _task("T0102", "甲", "产品质量", "抽检合格率不低于93%"),
    ]
    assert match_tasks(old, reworded) == {0: old[1], 1: old[0]}  # by the text, whatever the order


def test_a_form_issued_before_the_reimport_is_read_by_the_task_text_it_shows(workdir, config):
    config, table, forms = prepare(workdir, NOV)
    # The master's IDs changed after the forms went out (as an earlier version's re-import numbered them
    # by place): 工程质量 is now T0103, 服务质量 T0102.
    wb = openpyxl.load_workbook(config.table)
    ws = wb["责任分解表"]
    ws["A3"], ws["A4"] = "T0103", "T0102"
    wb.save(config.table)
    table = load_table(config.table, config.departments)
    form = forms["城建局"]
    fill(
        form,
        workdir / "inbox" / "城建局.xlsx",
        rows={
            "T0102": {"完成状态": "已完成", "推进情况": "竣工工程一次验收合格"},
            "T0103": {"完成状态": "未启动", "推进情况": "服务质量：尚未启动"},
        },
    )
    result = collect(config, table, NOV, dt.date(2010, 11, 20))
    ex = result.processed[0]
    assert (ex.verdict, ex.problems) == ("有效", [])
    assert ex.notes == [
        "工作表“填报表”第6行：任务编号“T0102”在现在的责任分解表中是另一项任务（表格是重新导入主表前下发的），"
        "已按这一行的任务内容“工程质量”对应为 T0103。",
        "工作表“填报表”第7行：任务编号“T0103”在现在的责任分解表中是另一项任务（表格是重新导入主表前下发的），"
        "已按这一行的任务内容“服务质量”对应为 T0102。",
    ]
    summary = summarize(table, config, NOV)
    assert [s for s in statuses(summary) if s[2] != "未报送"] == [("T0103", "工程质量", "已完成")] + NO_LEAD
    services = next(t for t in summary.tasks if t.task.item == "服务质量")
    assert [(u.recipient, u.status) for u in services.units if u.reported] == [("城建局", "未启动")]


def test_a_forms_row_no_task_matches_is_to_fix_naming_the_row(workdir, capsys):
    config, table, forms = prepare(workdir, NOV)
    form = forms["城建局"]
    code, _, _ = reimport(workdir, config, capsys, drop_service_quality, "--force")
    assert code == 0
    table = load_table(config.table, config.departments)
    fill(form, workdir / "inbox" / "城建局.xlsx", rows={"T0102": {"完成状态": "已完成"}})
    ex = collect(config, table, NOV, dt.date(2010, 11, 20)).processed[0]
    assert ex.verdict == "待补正"
    assert ex.problems == [
        "工作表“填报表”第7行：任务“服务质量”（任务编号“T0103”）已不在本单位现在的任务中"
        "（责任分解表已重新导入），已忽略该行，请核对。"
    ]
    rows = sqlite3.connect(config.ledger).execute("SELECT task_id, fields FROM answers").fetchall()
    assert [r[0] for r in rows] == ["T0102"]
    assert LETTERS["task_id"] == "A"


def test_the_master_records_each_reimports_changes_and_a_task_of_the_first_import_is_never_left_out(
    workdir, october, capsys
):
    config, _ = october
    reimport(workdir, config, capsys, insert_before_engineering, "--force")
    reimport(workdir, config, capsys, lambda rows: (drop_service_quality(rows), rows.insert(1, INSERTED)), "--force")
    ws = openpyxl.load_workbook(config.table)["任务变更记录"]
    assert [(r[0], r[3], r[7], r[8]) for r in ws.iter_rows(min_row=2, values_only=True)] == [
        ("T0105", "质量强区", "新增", "2010-11"),
        ("T0103", "服务质量", "删除", "2010-11"),
    ]
    table = load_table(config.table, config.departments)
    assert [(c.kind, c.period, c.task.task_id) for c in table.history] == [
        ("新增", "2010-11", "T0105"),
        ("删除", "2010-11", "T0103"),
    ]
    assert [t.task_id for t in table.retired] == ["T0103"]
    # 城建局 deleted 工程质量's row from its November form: the task stays on November's paper.
    forms = dict(generate(table, config, NOV).files)

    def delete_engineering(ws):
        ws.delete_rows(next(c.row for c in ws["A"] if c.value == "T0102"))

    fill(forms["城建局"], workdir / "inbox" / "城建局11月.xlsx", edit=delete_engineering)
    ex = collect(config, table, NOV, dt.date(2010, 11, 20)).processed[0]
    assert ex.problems == ["工作表“填报表”：缺少任务 T0102（工程质量）的行，请不要删除填报表中的行，补上后重新发送。"]
    november = {s[1]: s[2] for s in statuses(summarize(table, config, NOV))}
    assert (november["工程质量"], november["质量强区"]) == ("未填写（待核实）", "正常推进")


def reword_service_quality(rows):
    seq, cat, item, target, leads, partners = rows[2]
    rows[2] = (seq, cat, item, target.replace("申报市级物流示范基地2家", "申报市级物流示范基地3家"), leads, partners)


def test_a_form_issued_before_a_task_was_reworded_is_valid_as_it_was_issued(workdir, capsys):
    config, table, forms = prepare(workdir, NOV)
    code, out, _ = reimport(workdir, config, capsys, reword_service_quality, "--force")
    assert changes(out) == [
        "与现有主表对照：新增 0 项，删除 0 项，改写 1 项，未变 17 项（原有任务保留原任务编号，已报送的内容仍对应原任务）。",
        "改写：T0103 服务质量的工作目标“…申报市级物流示范基地2家。” → “…申报市级物流示范基地3家。”",
    ]
    table = load_table(config.table, config.departments)
    fill(forms["城建局"], workdir / "inbox" / "城建局.xlsx", rows={"T0103": {"完成状态": "未启动"}})
    ex = collect(config, table, NOV, dt.date(2010, 11, 20)).processed[0]
    assert (ex.verdict, ex.problems, ex.notes) == ("有效", [], [])

    # The same wording changed by the unit itself is a locked cell changed, as before.
    def edit(ws):
        ws["C7"] = ws["C7"].value.replace("2家", "4家")

    fill(forms["城建局"], workdir / "inbox" / "城建局改.xlsx", edit=edit)
    ex = collect(config, table, NOV, dt.date(2010, 11, 21)).processed[0]
    assert ex.problems == ["工作表“填报表”C7：工作目标被改动，锁定的内容不能修改，已按责任分解表原文处理。"]


def test_a_clerks_indicator_stays_with_its_task(workdir, config, capsys):
    wb = openpyxl.load_workbook(config.table)
    ws = wb["指标"]
    ws.append(["T0102-9", "T0102", "", "获优质工程奖", "≥", 2, None, "项", "城建局", "人工"])
    wb.save(config.table)
    code, _, _ = reimport(workdir, config, capsys, insert_before_engineering, "--force")
    assert code == 0
    rows = list(openpyxl.load_workbook(config.table)["指标"].iter_rows(min_row=2, values_only=True))
    # 质量强区 (T0105) has no number in its target; 工程质量's own rows, the clerk's included, under T0102.
    assert [r for r in rows if r[1] in ("T0102", "T0105")] == [
        ("T0102-1", "T0102", "工程质量", "重特大建筑工程质量事故", "零发生", 0, None, "起", "城建局", "自动提取"),
        ("T0102-2", "T0102", "工程质量", "工程一次验收合格率", "=", 100, None, "%", "城建局", "自动提取"),
        ("T0102-9", "T0102", "工程质量", "获优质工程奖", "≥", 2, None, "项", "城建局", "人工"),
    ]


def test_a_removed_task_put_back_keeps_its_id_and_its_months(workdir, october, capsys):
    config, _ = october
    reimport(workdir, config, capsys, drop_service_quality, "--force")
    code, out, _ = reimport(workdir, config, capsys, lambda rows: None, "--force")
    assert code == 0
    assert changes(out) == [
        "与现有主表对照：新增 1 项，删除 0 项，改写 0 项，未变 17 项（原有任务保留原任务编号，已报送的内容仍对应原任务）。",
        "新增：T0103 提高质量水平：服务质量（恢复已删除的任务，沿用原编号）",
    ]
    table = load_table(config.table, config.departments)
    assert [t.task_id for t in table.tasks] == [
        t.task_id for t in load_table(SEED_MASTER, config.departments).tasks
    ] and table.retired == []
    october_summary = summarize(table, config, OCT)
    assert [s[1] for s in statuses(october_summary)] == SEED_ORDER
    services = october_summary.tasks[2]
    assert [(u.recipient, u.status) for u in services.units if u.reported] == [("城建局", "未启动")]


ANOTHER = [
    ("1", ["营商", "环境"], ["开办", "企业"], "企业开办时间压缩至1个工作日以内。", "城建局", "经发局"),
    ("1", ["营商", "环境"], ["工程", "审批"], "工程建设项目审批时间压缩至60个工作日以内。", "城建局", ""),
]


def another_table(rows):
    rows[:] = ANOTHER


def test_another_table_on_a_fresh_install_is_numbered_as_it_stands(workdir, config, capsys):
    code, out, _ = reimport(workdir, config, capsys, another_table, "--check")
    listed = out[: out.index("其他列：无。") + 1]
    assert listed[-4:] == [
        "  T0101 开办企业：牵头 城建局；配合 经发局",
        "  T0102 工程审批：牵头 城建局",
        "表中的单位（2 个）：“城建局”“经发局”。",
        "其他列：无。",
    ]  # nothing of a table never used
    assert out[len(listed)].startswith("年度：")
    code, out, _ = reimport(workdir, config, capsys, another_table, "--force")
    assert (code, changes(out)) == (0, [])
    table = load_table(config.table, config.departments)
    assert ([t.task_id for t in table.tasks], table.history) == (["T0101", "T0102"], [])
    assert "任务变更记录" not in openpyxl.load_workbook(config.table).sheetnames  # nothing of the seed left in it


def test_another_table_after_returns_keeps_the_months_before_it(workdir, october, capsys):
    config, _ = october
    code, out, _ = reimport(workdir, config, capsys, another_table, "--force")
    assert changes(out) == [
        (
            "与现有主表对照：没有相同的任务，是另一份表，任务按新表的先后编号；台账中已有报送的原任务，"
            "编号不再使用，以前各月的汇总仍写原来的任务。"
        )
    ]
    table = load_table(config.table, config.departments)
    # Its IDs are new; October's returns keep October's tasks, all 18, now under 已从主表删除.
    assert [(t.task_id, t.item) for t in table.tasks] == [("T0105", "开办企业"), ("T0106", "工程审批")]
    assert [(c.kind, c.task.task_id) for c in table.history][:3] == [
        ("新增", "T0105"),
        ("新增", "T0106"),
        ("删除", "T0101"),
    ]
    assert len(table.retired) == 18
    october_summary = summarize(table, config, OCT)
    assert [s[1] for s in statuses(october_summary)] == SEED_ORDER
    assert {t.task.category for t in october_summary.tasks} == {"已从主表删除"}
    assert [s for s in statuses(october_summary) if s[2] != "未报送"] == [("T0102", "工程质量", "已完成")] + NO_LEAD
    assert len(october_summary.recipients) == 23
