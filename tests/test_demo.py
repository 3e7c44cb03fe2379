"""The demo: the whole month in a folder of its own (outbox/演示/), never touching the office's work."""

import datetime as dt
import html
import re
import sqlite3
import zipfile

import openpyxl
import pytest
from conftest import ROOT, SEED, fresh_clone, run_script
from dutytable import pipeline
from dutytable.annual_xlsx import make_annual
from dutytable.cli import Annual, Collect, Consolidate, Demo, Generate, RefreshIndicators, Report, main
from dutytable.cli_import import ImportTable
from dutytable.config import load_config
from dutytable.demo import MARKER
from dutytable.forms import DATE_LABEL
from dutytable.ledger import Ledger
from dutytable.vocab import Period
from returns import INPUTS, age, fill, prepare, tree

NOV = Period(2026, 11)


def _demo(kit, *args):
    return main(Demo(), ["--config", str(kit), "--period", "2010-11", "--no-pdf", *args])


def _office_files(root):
    """{relative path: bytes} of everything in the tool folder but the demo's own folder."""
    return {k: v for k, v in tree(root).items() if not k.startswith("outbox/演示/")}


@pytest.mark.parametrize("command", [Generate, Collect, Consolidate, Report, Annual, RefreshIndicators])
def test_a_fresh_clone_says_to_import_the_table_first(tmp_path, capsys, command):
    """The seed's master table is the demo's, in templates/演示/: the office has none until it imports its own."""
    fresh_clone(tmp_path)
    assert not (tmp_path / "templates" / "责任分解表.xlsx").exists()
    assert main(command(), ["--config", str(tmp_path / "config.ini"), "--period", "2026-11"]) == 3
    master = tmp_path / "templates" / "责任分解表.xlsx"
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"找不到责任分解表 {master}：请先导入本单位的责任分解表（python scripts/import_table.py 收到的附件.docx，"
        "见 README.md“每月工作流程”第1步），或检查 config.ini 中 [paths] table 的设置。"
    )
    assert not master.exists() and tree(tmp_path / "inbox") == {}


def test_the_readme_command_runs_the_whole_month_in_the_demo_folder(tmp_path):
    kit = fresh_clone(tmp_path)
    result = run_script("demo.py", "--config", kit, "--period", "2010-11", "--no-pdf")
    assert result.returncode == 0, result.stderr
    work = tmp_path / "outbox" / "演示"
    out = work / "outbox" / "2010-11"
    a1 = out / "附件1_2010年区质量振兴工作目标任务推进情况汇总表_2010-11.docx"
    a2 = out / "附件2_2010年区质量振兴工作目标任务推进情况量化指标完成情况表_2010-11.docx"
    book = out / "2010年区质量振兴工作目标任务推进情况汇总表_2010-11.xlsx"
    assert result.stdout.splitlines() == [
        f"演示文件夹：{work}（用随附的示例配置和 2010 年责任分解表，每次运行都重新生成；"
        "正式工作的 inbox、outbox、台账和报告都不受影响）。",
        f"已生成 2010-11 填报表 23 份：{out / '分发'}",  # none to 区有关部门: no group expands it
        f"分发清单：{out / '分发清单.xlsx'}",
        "提示：“区有关部门”是集体名称，不发填报表，T0401、T0403 因此没有具体的牵头单位（完成状态为“未明确牵头单位”）；"
        "如需发给其中每个单位，请在 config.ini 的 [groups] 中列出，例如“区有关部门 = 单位甲、单位乙”。",
        "提示：指标 T0401-1（区域性和严重影响新北形象和声誉的制假售假行为）没有填报单位：任务 T0401 的牵头单位“区有关部门”"
        "是集体名称，不发填报表；请在 config.ini 的 [groups] 中列出其中的单位，例如“区有关部门 = 单位甲、单位乙”，"
        "或在主表“指标”工作表中填写该指标的填报单位。",
        f"已把 22 个示例文件放进 {work / 'inbox'}（内容均为【示例】数据）；2010-11 的报送截止日（2010年11月25日）已过，"
        "示例文件今天才放进 inbox，按收到时间判断，各单位都将记为逾期；药监分局的表格缺少推进情况，将被标为待补正。",
        "收到 23 份：有效 22，待补正 1，退回 0，重复 0",
        "已解压压缩包 1 个：各镇报送_2010-11.zip",
        "待补正：药监分局_2010-11填报表（已填）.xlsx（药监分局）",
        "  · 工作表“填报表”F6（产品质量）：推进情况未填写，本单位牵头的任务必须填写推进情况。",
        f"已为待补正的单位生成标注了问题的表格，可直接发回：{out / '待补正'}",
        "2010-11 全部 23 个单位均已报送。",
        f"已生成汇总表：{book}",
        "共 18 项任务：已完成2项，正常推进9项，进度滞后4项，未启动1项，未明确牵头单位2项；全部单位均已报送。",
        f"已生成：{a1}",
        f"已生成：{a2}",
        f"已生成：{out / '预警通报_2010-11.docx'}",
        "全部单位均已报送，无需催报。",
        f"演示完成：填报表、汇总表和 Word 报告在 {out}，收文台账 {work / 'outbox' / '收文台账.sqlite3'}。",
    ]
    assert len(list((out / "分发").glob("*.xlsx"))) == 23
    subs = {r[1]: r for r in openpyxl.load_workbook(book)["报送情况"].iter_rows(min_row=3, values_only=True)}
    assert len(subs) == 23 and "区有关部门" not in subs and {r[2] for r in subs.values()} == {"已报送", "待补正"}
    assert subs["药监分局"][2] == "待补正" and subs["园区办"][7].startswith("2010-11-27")  # its file time
    # received today, years after the deadline: every unit is 逾期, by receipt time, as is true
    assert {r[5] for r in subs.values()} == {"逾期"}
    assert a1.exists() and a2.exists()
    # the demo folder is laid out as a tool folder, and nothing of it outside
    assert (work / "config.ini").read_bytes() == kit.read_bytes()
    assert (work / "templates" / "责任分解表.xlsx").read_bytes() == (kit.parent / "责任分解表.xlsx").read_bytes()
    assert sorted(p.name for p in work.iterdir()) == ["config.ini", "inbox", "outbox", "templates", MARKER]
    assert sorted(p.name for p in (tmp_path / "outbox").iterdir()) == ["演示"]
    assert tree(tmp_path / "inbox") == {} and not (tmp_path / "templates" / "责任分解表.xlsx").exists()


def _names(folder):
    """The files under ``folder``, archive names without their receipt time and digest (new on each run)."""
    return sorted(re.sub(r"\d{8}-\d{6}_[0-9a-f]{12}_", "", k) for k in tree(folder))


def test_running_the_demo_again_starts_its_folder_afresh(tmp_path, capsys):
    kit = fresh_clone(tmp_path)
    work = tmp_path / "outbox" / "演示"
    assert _demo(kit) == 0
    first = _names(work)
    (work / "inbox" / "随手放的.xlsx").write_bytes(b"x")
    (work / "outbox" / "2010-12").mkdir()
    assert _demo(kit) == 0
    assert _names(work) == first
    with Ledger(work / "outbox" / "收文台账.sqlite3", work) as ledger:
        rows = ledger.db.execute("SELECT kind, count(*), count(DISTINCT sha256) FROM returns GROUP BY kind").fetchall()
        assert rows == [("xlsx", 23, 23), ("zip", 1, 1)]  # one run's returns, none left from the first
    assert "收到 23 份：有效 22，待补正 1，退回 0，重复 0" in capsys.readouterr().out.splitlines()


def test_the_demo_refuses_any_config_but_its_kit(tmp_path, capsys):
    kit = fresh_clone(tmp_path)
    office, work = tmp_path / "config.ini", tmp_path / "outbox" / "演示"
    before = tree(tmp_path)
    for config in (office, work / "config.ini"):
        assert main(Demo(), ["--config", str(config), "--period", "2010-11"]) == 2
        assert capsys.readouterr().err == (
            f"demo.py 不能使用配置文件 {config}：演示只用随附的演示配置（templates/演示/config.ini），"
            "在自己的文件夹 outbox/演示/ 中进行，不动正式工作的文件；请去掉 --config 再运行。\n"
        )
        assert tree(tmp_path) == before
        assert _demo(kit) == 0  # the demo folder's own config is not a kit either
        before = tree(tmp_path)


def test_the_demo_never_empties_a_folder_it_did_not_make(tmp_path, capsys):
    kit = fresh_clone(tmp_path)
    work = tmp_path / "outbox" / "演示"
    work.mkdir()
    (work / "我的文件.xlsx").write_bytes(b"clerk's")
    assert _demo(kit) == 4
    assert capsys.readouterr().err == (
        f"{work} 已存在，但不是演示生成的文件夹（其中没有 {MARKER}），为免误删没有改动："
        "请把这个文件夹改名或移走后再运行演示。\n"
    )
    assert tree(work) == {"我的文件.xlsx": b"clerk's"}


def test_a_kit_path_out_of_the_demo_folder_is_refused(tmp_path, capsys):
    kit = fresh_clone(tmp_path)
    kit.write_text(
        kit.read_text(encoding="utf-8").replace("ledger = outbox/收文台账.sqlite3", "ledger = ../收文台账.sqlite3"),
        encoding="utf-8",
    )
    assert _demo(kit) == 2
    work = tmp_path / "outbox" / "演示"
    assert capsys.readouterr().err == (
        f"演示配置 {kit} 的 [paths] ledger 指向演示文件夹之外（{work / '..' / '收文台账.sqlite3'}）："
        f"演示只写 {work} 中的文件，请改回原来的相对路径。\n"
    )
    assert sorted(tree(tmp_path / "outbox")) == ["演示/config.ini", f"演示/{MARKER}"]


def test_the_demo_says_one_unit_is_late_only_while_the_deadline_is_still_ahead(tmp_path):
    kit = load_config(fresh_clone(tmp_path))
    said = []
    pipeline.demo(kit, Period(2010, 11), said.append, today=dt.date(2010, 11, 10), pdf=False)
    assert said[5] == (
        f"已把 22 个示例文件放进 {tmp_path / 'outbox' / '演示' / 'inbox'}（内容均为【示例】数据）；"
        "其中园区办的文件时间在截止日之后（是否逾期按收取时的收到时间判断）；药监分局的表格缺少推进情况，将被标为待补正。"
    )


def _texts(path):
    """The text (not the markup) of every part of a workbook or Word file: cells, shared strings, charts, paragraphs."""
    with zipfile.ZipFile(path) as z:
        return "".join(
            html.unescape(re.sub(r"<[^>]*>", "\n", z.read(n).decode("utf-8")))
            for n in z.namelist()
            if n.endswith(".xml")
        )


def _office_month(root, say):
    """The office's own 2026-11: two returns collected, 汇总, 附件; the year 2026 and the year 2010."""
    config = load_config(root / "config.ini")
    table = pipeline.load(config)
    for step in (pipeline.COLLECT, pipeline.CONSOLIDATE, pipeline.REPORT):
        pipeline.run_step(step, config, table, NOV, say, dt.date(2026, 11, 28), pdf=False)
    return [p for year in (2026, 2010) for p in make_annual(config, table, year)[1]]


def test_the_office_month_and_year_never_see_the_demo(tmp_path, capsys):
    """The office imported the seed's table for 2026 (the demo's units and task numbers): the demo's returns,
    ledger and period reach none of its inbox, ledger, 汇总, 附件 or year summary, before or after."""
    kit = fresh_clone(tmp_path)
    assert main(ImportTable(), [str(SEED), "--config", str(tmp_path / "config.ini")]) == 0
    path = tmp_path / "config.ini"
    text = path.read_text(encoding="utf-8")
    for key, value in (("subject", "区营商环境工作"), ("year", "2026"), ("office", "区优化营商环境办公室")):
        text = re.sub(rf"(?m)^{key} *=.*$", f"{key} = {value}", text)
    towns = "春江镇、孟河镇、新桥镇、薛家镇、罗溪镇、西夏墅镇、三井街道、河海街道、龙虎塘街道"
    text = text.replace("[aliases]\n", "[aliases]\n各镇政府、街道办事处 = 各镇、街道\n区相关部门 = 区有关部门\n")
    path.write_text(
        text.replace("[groups]\n", f"[groups]\n各镇、街道 = {towns}\n"), encoding="utf-8"
    )  # the office's own
    config, _, forms = prepare(tmp_path, NOV)

    def dated(ws):
        ws[INPUTS[DATE_LABEL]] = dt.datetime(2026, 11, 20)

    for unit in ("质监分局", "环保局"):
        age(
            fill(forms[unit], tmp_path / "inbox" / f"{unit}_回复.xlsx", edit=dated),
            dt.datetime(2026, 11, 20).timestamp(),
        )
    said = []
    _office_month(tmp_path, said.append)
    before = _office_files(tmp_path)
    assert _demo(kit) == 0
    assert "已把 22 个示例文件放进" in capsys.readouterr().out
    assert _office_files(tmp_path) == before  # the office's inbox, archive, ledger, outputs, master: untouched
    written = _office_month(tmp_path, said.append)
    assert "收到 0 份：有效 0，待补正 0，退回 0，重复 0" in said
    assert [p.name for p in written] == [
        "2026年度汇总.xlsx",
        "附件1_2026年区营商环境工作单位报送情况年度汇总表.docx",
        "2010年度汇总.xlsx",
        "附件1_2010年区营商环境工作单位报送情况年度汇总表.docx",
    ]
    outputs = [p for p in tmp_path.rglob("*") if p.suffix in (".xlsx", ".docx") and "演示" not in p.parts]
    # 分发, 分发清单, archived, 汇总, 附件1/2, 催报通知, 预警通报, master, Word template, the two years
    assert len(outputs) == 23 + 1 + 2 + 1 + 2 + 1 + 1 + 1 + 1 + 4  # no form to 区有关部门
    for output in outputs:
        text = _texts(output)
        assert "【示例】" not in text, output
        if not output.name.startswith(("2010年", "附件1_2010年", "责任分解表")):  # the imported seed keeps its title
            assert "2010" not in output.name and "2010" not in text, output
    with sqlite3.connect(config.ledger) as db:
        assert db.execute("SELECT DISTINCT period FROM returns").fetchall() == [("2026-11",)]
        assert db.execute("SELECT recipient FROM returns ORDER BY recipient").fetchall() == [("环保局",), ("质监分局",)]
        assert "【示例】" not in "\n".join(db.iterdump())
    year_2010 = openpyxl.load_workbook(written[2])  # the office's 2010: nothing received, the demo's 2010-11 unseen
    units = [r for r in year_2010["单位报送"].iter_rows(min_row=3, values_only=True) if isinstance(r[0], int)]
    assert len(units) == 23 and {r[2:5] for r in units} == {(None, 0, 0)}  # 按时报送率, 补正次数, 得分
    tasks = [r for r in year_2010["任务进度"].iter_rows(min_row=3, values_only=True) if r[0] and r[0].startswith("T")]
    assert len(tasks) == 18 and {r[3] for r in tasks} == {None}  # 最近一期推进情况


def test_the_demo_launcher_runs_the_readme_period_and_stays_ascii(tmp_path):
    data = (ROOT / "scripts" / "演示完整流程.bat").read_bytes()
    assert data.isascii() and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.decode("ascii").split("\r\n")
    assert 'set "SCRIPT=demo.py --period 2010-11"' in lines  # run through launch.bat (tests/test_desktop.py)
    assert not any("monthly.py" in line for line in lines)  # the demo runs its month itself, in its own folder
