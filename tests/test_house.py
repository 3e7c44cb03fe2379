"""The house rules of the package: one declared schema, no import cycle, each header word said once."""

import ast
import dataclasses
import json
import re
import sqlite3
from pathlib import Path

import openpyxl
from dutytable.collect import Collector
from dutytable.consolidate import consolidate
from dutytable.forms import DATE_LABEL, FILLER_LABEL, PHONE_LABEL, form_cells
from dutytable.ledger import Ledger
from dutytable.ledger_schema import VERSION
from dutytable.model import Answer, Period
from dutytable.schema import DETAIL, EXTRA, FORM, Column
from heads import detail_head, form_head
from returns import OLD, age, prepare

PACKAGE = Path(__file__).resolve().parents[1] / "scripts" / "dutytable"
P = Period(2010, 11)


def _modules():
    return {p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.glob("*.py"))}


def test_the_package_has_no_import_cycle():
    graph = {}
    for name, tree in _modules().items():
        deps = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                deps.add(node.module.split(".")[0] if node.module else None)
                if node.module is None:
                    deps.update(a.name for a in node.names)
        graph[name] = {d for d in deps if d}
    state, cycles = {}, []

    def visit(node, path):
        state[node] = "open"
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == "open":
                cycles.append(path[path.index(dep) :] + [dep] if dep in path else path + [dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


HEADER_WORDS = (
    "任务编号",
    "序号",
    "类别",
    "工作内容",
    "工作目标",
    "牵头部门",
    "配合部门",
    "职责",
    "完成状态",
    "推进情况",
    "存在问题",
    "下步打算",
    "填报单位",
    "填报人",
    "联系电话",
    "填报日期",
    "指标编号",
    "指标名称",
    "截至本月累计完成值",
    "达标情况",
    "收到时间",
    "报送情况",
    "各牵头单位状态",
    "未报送单位",
)


def test_each_header_word_is_a_string_literal_in_one_module_only():
    found = {word: set() for word in HEADER_WORDS}
    for name, tree in _modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in found:
                found[node.value].add(name)
    assert {word: sorted(mods) for word, mods in found.items() if len(mods) != 1} == {}


def test_an_extra_read_only_column_declared_in_a_test_schema_reaches_form_ledger_and_detail(workdir):
    config, table, _ = prepare(workdir)
    deadline = Column("deadline", "完成时限", EXTRA, {FORM: 12, DETAIL: 12}, ledger=True)
    tasks = [dataclasses.replace(t, extras=(("完成时限", f"{t.seq}月底"),)) for t in table.tasks]
    table = dataclasses.replace(table, tasks=tasks, schema=table.schema.with_columns(deadline))
    generated = dict(
        __import__("dutytable.distribute", fromlist=["generate"]).generate(table, config, P, force=True).files
    )

    ws = openpyxl.load_workbook(generated["环保局"])["填报表"]
    assert [c.value for c in ws[5]] == form_head("完成时限")
    assert [ws.cell(r, 4).value for r in range(6, 10)] == ["1月底", "2月底", "3月底", "3月底"]
    assert ws["D6"].protection.locked is True

    letters, inputs, first = form_cells(table.schema)
    assert (
        letters["status"],
        letters["progress"],
        inputs[FILLER_LABEL],
        inputs[PHONE_LABEL],
        inputs[DATE_LABEL],
        first,
    ) == ("F", "G", "G2", "I2", "G3", 6)
    wb = openpyxl.load_workbook(generated["环保局"])
    form = wb["填报表"]
    form[inputs[FILLER_LABEL]], form[inputs[PHONE_LABEL]] = "张三", "0519-85000000"
    for r in range(first, form.max_row + 1):
        form[f"{letters['status']}{r}"], form[f"{letters['progress']}{r}"] = "正常推进", "按计划推进。"
    for r in range(2, wb["指标填报"].max_row + 1):
        wb["指标填报"][f"F{r}"] = 1
    dest = config.inbox / "环保局.xlsx"
    wb.save(dest)
    age(dest, OLD)
    result = Collector(config, table, settle_seconds=0).run(P)
    assert [(e.verdict, e.problems) for e in result.processed] == [("有效", [])]

    with Ledger(config.ledger, config.path.parent) as ledger:
        answer = ledger.latest_returns(P)["环保局"].answers["T0104"]
    assert answer == Answer(
        "T0104",
        "牵头",
        {"deadline": "1月底", "status": "正常推进", "progress": "按计划推进。", "problems": "", "plans": ""},
        6,
    )

    path, _, _ = consolidate(config, table, P)
    detail = openpyxl.load_workbook(path)["明细"]
    assert [c.value for c in detail[2]] == detail_head("完成时限")
    rows = {(r[0].value, r[4].value): r[3].value for r in detail.iter_rows(min_row=3)}
    assert rows[("T0104", "环保局")] == "1月底" and rows[("T0101", "质监分局")] == "1月底"
    assert rows[("T0301", "环保局")] == "3月底"


V1_ROWS = """
INSERT INTO returns (id, sha256, original_name, received_at, size, kind, recipient, period, status, problems,
                     identified_by, filler, phone, fill_date, stored_path, marked_copy)
VALUES (1, 'abc', '环保局.xlsx', '2010-11-20T09:00:00', 100, 'xlsx', '环保局', '2010-11', '待补正', '["x"]',
        '表单信息', '张三', '0519', '2010-11-20', 'inbox/已归档/2010-11/环保局/a.xlsx', NULL);
INSERT INTO answers VALUES (1, 'T0104', '牵头', '正常推进', '削减65吨', NULL, '继续', 6);
INSERT INTO answers VALUES (1, 'T0206', '配合', '', '', '', '', 7);
INSERT INTO indicator_values VALUES (1, 'T0104-1', 65.0, '65', '');
"""


def test_a_ledger_written_by_the_first_release_opens_unchanged_in_meaning(tmp_path):
    from dutytable.ledger_schema import MIGRATIONS

    path = tmp_path / "收文台账.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + V1_ROWS)  # the first release's layout, with no version set
    db.commit()
    db.close()
    with Ledger(path, tmp_path) as ledger:
        latest = ledger.latest_returns(P)["环保局"]
        assert ledger.db.execute("PRAGMA user_version").fetchone()[0] == VERSION == 6
        assert ledger.reporters(P) == {"环保局"}
        # version 3: the old receipt time stands for the file time too; one of two rows was answered
        assert ledger.db.execute("SELECT received_at, file_time, answered, standing FROM returns").fetchall() == [
            ("2010-11-20T09:00:00", "2010-11-20T09:00:00", 1, "")
        ]
    assert (latest.verdict, latest.problems, latest.filler, latest.indicators) == (
        "待补正",
        ["x"],
        "张三",
        {"T0104-1": {"value": 65.0, "raw": "65", "note": ""}},
    )
    assert list(latest.answers.values()) == [
        Answer("T0104", "牵头", {"status": "正常推进", "progress": "削减65吨", "problems": "", "plans": "继续"}, 6),
        Answer("T0206", "配合", {"status": "", "progress": "", "problems": "", "plans": ""}, 7),
    ]
    with Ledger(path, tmp_path) as again:  # opening twice migrates once
        assert (
            json.loads(again.db.execute("SELECT fields FROM answers WHERE task_id = 'T0104'").fetchone()[0])["progress"]
            == "削减65吨"
        )


def test_ruff_passes_with_the_project_configuration():
    import subprocess
    import sys

    root = PACKAGE.parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(root)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=root,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_an_extra_column_keeps_its_ledger_key_when_the_table_moves_it():
    from dutytable.schema import DEFAULT

    before = {c.header: c.key for c in DEFAULT.with_extras(("责任领导", "完成时限")).columns}
    after = {c.header: c.key for c in DEFAULT.with_extras(("备注", "完成时限", "责任领导")).columns}
    assert before["完成时限"] == after["完成时限"] and before["责任领导"] == after["责任领导"]
    assert len({after["备注"], after["完成时限"], after["责任领导"]}) == 3
    assert all(key.isidentifier() for key in after.values())


HEAVY = ("python_calamine", "xlsxwriter", "openpyxl", "docx")


def test_config_and_deadlines_load_without_the_readers_and_writers_of_workbooks_and_word():
    import subprocess
    import sys

    probe = (
        "import sys, dutytable.config, dutytable.deadlines, dutytable.headers; "
        f"print(sorted(n for n in {HEAVY!r} if n in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, encoding="utf-8", cwd=PACKAGE.parent, timeout=120
    )
    assert (result.returncode, result.stdout.strip()) == (0, "[]"), result.stderr[-2000:]


def test_the_importer_does_load_the_reader_of_workbooks():
    """The probe above can fail: a module that reads workbooks does show in sys.modules."""
    import subprocess
    import sys

    probe = f"import sys, dutytable.importer; print(sorted(n for n in {HEAVY!r} if n in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, encoding="utf-8", cwd=PACKAGE.parent, timeout=120
    )
    assert (result.returncode, result.stdout.strip()) == (0, "['python_calamine', 'xlsxwriter']"), result.stderr


def test_the_readme_summary_names_every_module_of_the_package():
    """The English summary at the top of README.md names each module and what it owns: a new one is added there."""
    readme = (PACKAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    summary = readme[: readme.index("## 在新电脑上")]
    named = set(re.findall(r"`([a-z_]+)`", summary))
    assert sorted(set(_modules()) - {"__init__"} - named) == []


def test_the_tree_is_formatted_as_ruff_format_writes_it():
    """One layout for every file (`ruff format`, ruff.toml's line length): a diff shows changes, not re-wrapping."""
    import subprocess
    import sys

    root = PACKAGE.parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", str(root)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=root,
    )
    assert result.returncode == 0, result.stdout + result.stderr
