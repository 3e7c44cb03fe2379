"""Stage 3: collecting inbox/. Each bad input has its exact outcome, and every file is kept where promised."""

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import struct
import threading
import time
import zipfile
import zlib

import msoffcrypto.format.ooxml
import openpyxl
import pytest
import xlsxwriter
from conftest import libreoffice_convert, needs_libreoffice, run_script
from dutytable.collect import Collector
from dutytable.errors import LedgerError
from dutytable.examine import normalize_choice
from dutytable.ledger import Ledger, json_each
from dutytable.model import Answer, Period
from dutytable.screen import summary_lines
from dutytable.vocab import COMPLETION
from returns import OLD, age, drop, fill, prepare, tree

AT = dt.datetime(2010, 11, 20, 9, 0)  # a run's clock before the files' creation: they were received at it
STAMP = AT.strftime("%Y%m%d-%H%M%S")  # archived names start with the receipt time
P = Period(2010, 11)
ALL_STATUSES = "已完成、正常推进、进度滞后、未启动"


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def env(workdir):
    config, table, forms = prepare(workdir)
    return config, table, forms, workdir / "inbox"


def collect(config, table, **kw):
    return Collector(config, table, settle_seconds=kw.pop("settle_seconds", 0), **kw).run(P)


def returns_rows(config):
    db = sqlite3.connect(config.ledger)
    return db.execute(
        "SELECT original_name, recipient, period, verdict, problems, stored_path FROM returns ORDER BY id"
    ).fetchall()


def test_a_valid_return_is_archived_with_its_original_bytes_and_recorded(env):
    config, table, forms, inbox = env
    src = fill(forms["环保局"], inbox / "环保局 回复 改了名.xlsx", progress="化学需氧量削减65吨。")
    original = src.read_bytes()
    result = collect(config, table, now=lambda: AT)
    assert summary_lines(result)[0] == "收到 1 份：有效 1，待补正 0，退回 0，重复 0"
    kept = (
        inbox
        / "已归档"
        / "2010-11"
        / "环保局"
        / f"{STAMP}_{hashlib.sha256(original).hexdigest()[:12]}_环保局 回复 改了名.xlsx"
    )
    assert kept.read_bytes() == original
    assert not src.exists()
    assert returns_rows(config) == [
        ("环保局 回复 改了名.xlsx", "环保局", "2010-11", "有效", "[]", kept.relative_to(config.path.parent).as_posix())
    ]
    with Ledger(config.ledger, config.path.parent) as ledger:
        latest = ledger.latest_returns(P)["环保局"]
    assert latest.filler == "张三" and latest.phone == "0519-85000000" and latest.fill_date == "2010-11-20"
    assert latest.answers["T0104"] == Answer(
        "T0104", "牵头", {"status": "正常推进", "progress": "化学需氧量削减65吨。", "problems": "", "plans": ""}, 6
    )
    assert list(latest.answers) == ["T0104", "T0206", "T0301", "T0302"]
    assert result.missing[:3] == ["质监分局", "药监分局", "园区办"] and len(result.missing) == 22


def test_running_twice_changes_nothing_the_second_time(env):
    config, table, forms, inbox = env
    fill(forms["环保局"], inbox / "a.xlsx")
    drop(inbox / "a.xlsx", inbox, "副本.xlsx")
    (inbox / "说明.txt").write_text("请查收", encoding="utf-8")
    age(inbox / "说明.txt")
    collect(config, table)
    before = tree(config.path.parent)
    second = collect(config, table)
    assert summary_lines(second)[0] == "收到 0 份：有效 0，待补正 0，退回 0，重复 0"
    after = tree(config.path.parent)
    assert {k: v for k, v in after.items() if "sqlite3" not in k} == {
        k: v for k, v in before.items() if "sqlite3" not in k
    }
    assert len(returns_rows(config)) == 2


def test_same_bytes_twice_is_a_duplicate_recorded_once_and_kept(env):
    config, table, forms, inbox = env
    src = fill(forms["农业局"], inbox / "农业局.xlsx")
    age(drop(src, inbox / "再发一次", "农业局(1).xlsx"), OLD + 60)  # sent again an hour later
    result = collect(config, table)
    assert summary_lines(result)[0] == "收到 2 份：有效 1，待补正 0，退回 0，重复 1"
    assert "重复：再发一次/农业局(1).xlsx（与已收到的“农业局.xlsx”内容完全相同，只登记一次）" in summary_lines(result)
    assert len(returns_rows(config)) == 1
    dups = list((inbox / "已归档" / "重复").iterdir())
    assert len(dups) == 1 and dups[0].name.endswith("_农业局(1).xlsx")
    with Ledger(config.ledger, config.path.parent) as ledger:
        assert ledger.counts() == (1, 2)
    # a third copy later is still a duplicate
    drop(dups[0], inbox, "农业局-第三次.xlsx")
    third = collect(config, table)
    assert summary_lines(third)[:2] == [
        "收到 1 份：有效 0，待补正 0，退回 0，重复 1",
        "重复：农业局-第三次.xlsx（与已收到的“农业局.xlsx”内容完全相同，只登记一次）",
    ]
    assert len(list((inbox / "已归档" / "重复").iterdir())) == 2


def test_a_newer_return_supersedes_the_older_and_both_stay_archived(env):
    config, table, forms, inbox = env
    fill(forms["药监分局"], inbox / "药监-初稿.xlsx", progress="初稿")
    collect(config, table)
    later = fill(forms["药监分局"], inbox / "药监-终稿.xlsx", progress="终稿")
    age(later, OLD + 3600)
    collect(config, table)
    with Ledger(config.ledger, config.path.parent) as ledger:
        assert ledger.latest_returns(P)["药监分局"].answers["T0101"].progress == "终稿"
    assert len(list((inbox / "已归档" / "2010-11" / "药监分局").iterdir())) == 2


def test_a_return_for_another_month_is_filed_under_that_month(env, workdir):
    config, table, forms, inbox = env
    from dutytable.distribute import generate

    october = dict(generate(table, config, Period(2010, 10)).files)
    fill(october["城建局"], inbox / "城建局.xlsx")
    result = collect(config, table)
    assert returns_rows(config)[0][2] == "2010-10"
    assert (inbox / "已归档" / "2010-10" / "城建局").is_dir()
    assert "城建局" in result.missing  # not mixed into 2010-11
    assert "其中 1 份属于 2010-10，已归入该期次：城建局（城建局.xlsx）" in summary_lines(result)


def test_soft_problems_accept_the_return_marked_and_write_a_marked_copy(env):
    config, table, forms, inbox = env

    def edit(ws):
        ws["C7"] = "改过的目标"  # a locked target changed (T0103 for 质监分局)

    fill(
        forms["质监分局"],
        inbox / "质监.xlsx",
        phone=None,
        rows={
            "T0101": {"完成状态": "进行中"},
            "T0201": {"完成状态": None},
            "T0202": {"推进情况": None},
            "T0203": {"完成状态": " 已 完成 "},
            "T0204": {"完成状态": "正常推进\u3000"},
        },
        edit=edit,
    )
    result = collect(config, table)
    ex = result.processed[0]
    assert ex.verdict == "待补正"
    assert ex.problems == [
        "工作表“填报表”H2：联系电话未填写，请补填。",
        f"工作表“填报表”E6（产品质量）：完成状态“进行中”不是可选值，请改为 {ALL_STATUSES} 之一。",
        "工作表“填报表”C7：工作目标被改动，锁定的内容不能修改，已按责任分解表原文处理。",
        f"工作表“填报表”E8（工业标准化）：完成状态未填写，请从下拉列表中选择 {ALL_STATUSES} 之一。",
        "工作表“填报表”F9（农业标准化）：推进情况未填写，本单位牵头的任务必须填写推进情况。",
    ]
    with Ledger(config.ledger, config.path.parent) as ledger:
        latest = ledger.latest_returns(P)["质监分局"]
    assert latest.verdict == "待补正" and latest.problems == ex.problems
    assert latest.answers["T0203"].status == "已完成" and latest.answers["T0204"].status == "正常推进"
    assert latest.answers["T0101"].status == "进行中（待核实）"  # kept as written, marked, never lost
    # the marked copy: the department's own answers, each problem cell shaded and commented
    marked = config.outbox / "2010-11" / "待补正" / "质监分局_2010-11填报表_待补正.xlsx"
    assert result.marked_copies == [marked]
    ws = openpyxl.load_workbook(marked)["填报表"]
    assert ws["E6"].value == "进行中" and ws["E6"].comment.text == f"“进行中”不是可选值，请改为：{ALL_STATUSES}。"
    assert ws["E8"].comment.text == f"完成状态未填写，请从下拉列表中选择：{ALL_STATUSES}。"
    assert ws["F9"].comment.text == "本单位牵头的任务，推进情况必须填写。"
    assert ws["H2"].comment.text == "联系电话未填写，请补填。"
    # a thick dark border and a dotted fill: the mark shows in black-and-white print
    assert (ws["E6"].fill.patternType, ws["E6"].fill.fgColor.rgb, ws["E6"].fill.bgColor.rgb) == (
        "gray0625",
        "FFC00000",
        "FFF8CBAD",
    )
    assert ws["E6"].border.left.style == "thick" and ws["F6"].fill.fgColor.rgb == "FFFFF2CC"
    # and the red banner above the table says in words what is wrong
    assert ws["A4"].value == (
        f"请更正以下问题（红色粗框单元格，改好后重新发回）：H2：联系电话未填写，请补填；"
        f"E6（T0101 产品质量）：“进行中”不是可选值，请改为：{ALL_STATUSES}；"
        f"E8（T0201 工业标准化）：完成状态未填写，请从下拉列表中选择：{ALL_STATUSES}；"
        f"F9（T0202 农业标准化）：本单位牵头的任务，推进情况必须填写。"
    )
    assert ws["F6"].value == "本月已按计划推进。" and ws["F2"].value == "张三"
    from printcheck import printed_sizes

    assert ws["A4"].font.sz == 11 and printed_sizes(marked)["填报表"] == 10.67  # the banner too, at 0.97
    assert ws["C7"].value != "改过的目标"  # the copy carries the table's own target
    assert ws.protection.sheet is True


def test_a_second_faulty_return_replaces_the_marked_copy_and_moves_the_old_one_aside(env):
    import datetime as dt

    config, table, forms, inbox = env
    fill(forms["质监分局"], inbox / "质监.xlsx", phone=None)
    collect(config, table, now=lambda: dt.datetime(2010, 11, 20, 9, 0, 0))
    fill(forms["质监分局"], inbox / "质监2.xlsx", phone=None, progress="第二版")
    collect(config, table, now=lambda: dt.datetime(2010, 11, 21, 10, 30, 0))
    folder = config.outbox / "2010-11" / "待补正"
    assert sorted(p.name for p in folder.iterdir()) == ["旧版", "质监分局_2010-11填报表_待补正.xlsx"]
    assert [p.name for p in (folder / "旧版").iterdir()] == ["质监分局_2010-11填报表_待补正_20101121-103000.xlsx"]
    current = openpyxl.load_workbook(folder / "质监分局_2010-11填报表_待补正.xlsx")["填报表"]
    assert current["F6"].value == "第二版"


def test_status_normalisation():
    assert normalize_choice("已完成", COMPLETION) == "已完成"
    assert normalize_choice(" 正常\u3000推进 ", COMPLETION) == "正常推进"
    assert normalize_choice("进度 滞后", COMPLETION) == "进度滞后"
    assert normalize_choice("完成", COMPLETION) is None
    assert normalize_choice("", COMPLETION) is None


def test_text_that_looks_like_a_formula_stays_text_in_the_marked_copy(env):
    config, table, forms, inbox = env

    def as_text(ws):  # typed with a leading apostrophe in Excel: stored as text, not a formula
        for ref, value in (("F6", '=HYPERLINK("http://x","点我")'), ("G6", "+1-2"), ("H6", "@SUM(A1)")):
            ws[ref].value = value
            ws[ref].data_type = "s"

    fill(forms["药监分局"], inbox / "药监.xlsx", filler=None, edit=as_text)
    result = collect(config, table)
    ws = openpyxl.load_workbook(result.marked_copies[0])["填报表"]
    assert ws["F6"].value == '=HYPERLINK("http://x","点我")' and ws["F6"].data_type == "s"
    assert (ws["G6"].value, ws["G6"].data_type, ws["H6"].value, ws["H6"].data_type) == ("+1-2", "s", "@SUM(A1)", "s")


# --- hard problems: rejected, kept in 退回 with a note ------------------------------------


def _rejected(inbox, name):
    files = [p for p in (inbox / "退回").iterdir() if p.name.endswith("_" + name)]
    assert len(files) == 1, list((inbox / "退回").iterdir())
    note = files[0].with_name(files[0].name + ".退回说明.txt")
    return files[0], note.read_text(encoding="utf-8-sig")


def _bomb_xlsx(path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    path.write_bytes(buf.getvalue())
    return path


def _entity_xlsx(path, form):
    with zipfile.ZipFile(form) as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>', 1)
            out.writestr(info, data)
    return path


def _encrypted(path, form, tmp_path):
    filled = fill(form, tmp_path / "plain.xlsx")
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(open(filled, "rb")).encrypt("123456", out)
    path.write_bytes(out.getvalue())
    return path


def _not_a_form(path):
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Sheet1").write_row(0, 0, ["姓名", "电话"])
    wb.close()
    return path


HARD = {
    "说明.pdf": (
        lambda p, f, t: (p.write_bytes(b"%PDF-1.4\n%..."), p)[1],
        "说明.pdf：不是 Excel、WPS 或 OpenDocument 表格文件，无法读取。请发送 .xlsx 格式的填报表。",
    ),
    "改了扩展名.xlsx": (
        lambda p, f, t: (p.write_text("这不是表格", encoding="utf-8"), p)[1],
        "改了扩展名.xlsx：不是 Excel、WPS 或 OpenDocument 表格文件，无法读取。请发送 .xlsx 格式的填报表。",
    ),
    "加密.xlsx": (
        lambda p, f, t: _encrypted(p, f, t),
        "加密.xlsx：文件设置了打开密码，无法读取。请对方取消密码（文件→信息→保护工作簿）后重新发送。",
    ),
    "通讯录.xlsx": (
        lambda p, f, t: _not_a_form(p),
        "通讯录.xlsx：不是本工具生成的填报表（找不到“任务编号”“完成状态”等表头），请对方使用下发的填报表填写后重新发送。",
    ),
    "炸弹.xlsx": (
        lambda p, f, t: _bomb_xlsx(p),
        "炸弹.xlsx：解压后体积异常（压缩炸弹），为保护本机已拒收，请对方重新导出正常的表格后再发。",
    ),
    "实体.xlsx": (
        lambda p, f, t: _entity_xlsx(p, f),
        "实体.xlsx：内部文件 xl/sharedStrings.xml 含有 XML 实体声明，可能是恶意文件，已拒收。",
    ),
    "截断.xlsx": (
        lambda p, f, t: (p.write_bytes(f.read_bytes()[:3000]), p)[1],
        "截断.xlsx：文件已损坏，无法打开，请对方重新发送。",
    ),
}


@pytest.mark.parametrize("name", list(HARD))
def test_hard_problems_reject_the_file_with_a_note(env, tmp_path, name):
    config, table, forms, inbox = env
    make, reason = HARD[name]
    src = age(make(inbox / name, forms["环保局"], tmp_path))
    original = src.read_bytes()
    result = collect(config, table, now=lambda: dt.datetime(2010, 11, 22, 9, 30))
    assert summary_lines(result)[0] == "收到 1 份：有效 0，待补正 0，退回 1，重复 0"
    assert summary_lines(result)[1] == f"退回：{reason}"
    kept, note = _rejected(inbox, name)
    assert kept.read_bytes() == original and not src.exists()
    assert note.splitlines()[1:4] == [
        f"文件：{name}",
        "收到时间：2010-11-22 09:30:00",  # when the tool saw it
        f"原因：{reason}",
    ]
    assert returns_rows(config)[0][3:5] == ("退回", json.dumps([reason], ensure_ascii=False))


def test_unknown_recipient_is_rejected(env, workdir):
    config, table, forms, inbox = env

    def edit(ws):
        ws.parent["表单信息"]["B3"] = "不存在局"

    fill(forms["环保局"], inbox / "x.xlsx", edit=edit)
    collect(config, table)
    _, note = _rejected(inbox, "x.xlsx")
    assert note.splitlines()[3] == (
        "原因：x.xlsx：填报单位“不存在局”不在填报单位名单中，请核对单位名称；"
        "如确属新增单位，请先在责任分解表或 config.ini 中加入，再把此文件放回 inbox 重新收取。"
    )


def test_copied_into_a_new_workbook_falls_back_to_the_unit_cell_and_says_so(env):
    config, table, forms, inbox = env
    filled = fill(forms["城建局"], inbox / "tmp.xlsx")
    wb = openpyxl.load_workbook(filled)
    del wb["表单信息"]
    wb["填报表"].title = "Sheet1"
    wb.save(inbox / "城建局-新文件.xlsx")
    filled.unlink()
    age(inbox / "城建局-新文件.xlsx")
    result = collect(config, table)
    ex = result.processed[0]
    assert (ex.verdict, ex.recipient, ex.period, ex.identified_by) == ("有效", "城建局", "2010-11", "填报单位单元格")
    assert (
        "注意：城建局-新文件.xlsx：未找到隐藏的“表单信息”工作表（可能复制到了新文件中填写），已按“填报单位”单元格识别为“城建局”。"
        in summary_lines(result)
    )


def test_deleted_and_added_rows_are_problems(env):
    config, table, forms, inbox = env

    def edit(ws):
        ws["A7"] = "T9999"  # T0206's row now claims another task

    fill(forms["环保局"], inbox / "环保.xlsx", edit=edit)
    ex = collect(config, table).processed[0]
    assert ex.verdict == "待补正"
    assert ex.problems == [
        "工作表“填报表”第7行：任务编号“T9999”不是本单位的任务，已忽略该行，请不要在填报表中增加行。",
        "工作表“填报表”：缺少任务 T0206（能源计量）的行，请不要删除填报表中的行，补上后重新发送。",
    ]


# --- zips, ignored files, files being written -------------------------------------------------


def test_zip_with_gbk_and_utf8_names_and_a_path_escape_is_unpacked_safely(env, tmp_path):
    config, table, forms, inbox = env
    a = fill(forms["农业局"], tmp_path / "a.xlsx")
    b = fill(forms["城建局"], tmp_path / "b.xlsx")
    zpath = inbox / "各单位回复.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr(GbkZipInfo("农业局回复.xlsx"), a.read_bytes())
        utf = zipfile.ZipInfo("../../城建局回复.xlsx")
        utf.flag_bits |= 0x800
        z.writestr(utf, b.read_bytes())
    age(zpath)
    result = collect(config, table, now=lambda: AT)
    assert summary_lines(result)[:2] == [
        "收到 2 份：有效 2，待补正 0，退回 0，重复 0",
        "已解压压缩包 1 个：各单位回复.zip",
    ]
    assert sorted(e.original_name for e in result.processed) == [
        "各单位回复/农业局回复.xlsx",
        "各单位回复/城建局回复.xlsx",
    ]
    assert not (config.path.parent / "城建局回复.xlsx").exists() and not (inbox.parent / "城建局回复.xlsx").exists()
    assert [p.name for p in (inbox / "已归档" / "压缩包").iterdir()] == [
        f"{STAMP}_{sha_of(result.unpacked[0])}_各单位回复.zip"
    ]
    assert not (inbox / ".解压").exists()
    assert sorted(p.name for p in inbox.iterdir()) == ["已归档"]


class GbkZipInfo(zipfile.ZipInfo):
    """A member named in GBK without the UTF-8 flag, as Chinese Windows' built-in zipper writes it."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


def sha_of(ex):
    return ex.sha256[:12]


def test_zip_bomb_attachment_is_rejected(env):
    config, table, forms, inbox = env
    zpath = inbox / "大文件.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xlsx", b"\0" * (60 * 1024 * 1024))
    age(zpath)
    result = collect(config, table)
    assert (
        summary_lines(result)[1]
        == "退回：大文件.zip：压缩包解压后体积异常（压缩炸弹），为保护本机已拒收，请对方直接发送填报表。"
    )
    assert not (inbox / ".解压").exists()


def test_ignored_files_are_left_untouched(env):
    config, table, forms, inbox = env
    names = ["~$环保局.xlsx", "Thumbs.db", "desktop.ini", ".DS_Store", ".隐藏.xlsx"]
    for n in names:
        (inbox / n).write_bytes(b"owner file")
        age(inbox / n)
    result = collect(config, table)
    assert summary_lines(result)[0] == "收到 0 份：有效 0，待补正 0，退回 0，重复 0"
    assert sorted(p.name for p in inbox.iterdir()) == sorted(names)


def test_a_file_still_being_written_is_left_for_the_next_run(env):
    config, table, forms, inbox = env
    growing = inbox / "正在保存.xlsx"
    growing.write_bytes(b"PK\x03\x04partial")
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            with open(growing, "ab") as f:
                f.write(b"more")
            time.sleep(0.1)

    t = threading.Thread(target=writer)
    t.start()
    try:
        result = collect(config, table, settle_seconds=1)
    finally:
        stop.set()
        t.join()
    assert result.skipped_busy == ["正在保存.xlsx"]
    assert "以下文件可能仍在写入，本次未处理，下次运行时再处理：正在保存.xlsx" in summary_lines(result)
    assert growing.exists() and returns_rows(config) == []


@needs_libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_returns_resaved_by_libreoffice_are_accepted_with_the_same_values(env, tmp_path, fmt):
    config, table, forms, inbox = env
    filled = fill(
        forms["质监分局"],
        tmp_path / "质监分局.xlsx",
        progress="抽检合格率93%",
        rows={"T0103": {"完成状态": "进度滞后", "存在问题": "人手不足", "下步打算": "增加人员"}},
    )
    resaved = libreoffice_convert(filled, fmt, tmp_path / "lo")
    drop(resaved, inbox, f"质监分局回复.{fmt}")
    result = collect(config, table)
    assert summary_lines(result)[0] == "收到 1 份：有效 1，待补正 0，退回 0，重复 0"
    with Ledger(config.ledger, config.path.parent) as ledger:
        latest = ledger.latest_returns(P)["质监分局"]
    answer = latest.answers["T0103"]
    assert (answer.role, answer.values) == (
        "配合",
        {"status": "进度滞后", "progress": "抽检合格率93%", "problems": "人手不足", "plans": "增加人员"},
    )
    assert latest.fill_date == "2010-11-20" and latest.filler == "张三"
    assert returns_rows(config)[0][0] == f"质监分局回复.{fmt}"


def test_the_collect_script_prints_the_summary(env):
    config, table, forms, inbox = env
    fill(forms["药监分局"], inbox / "药监.xlsx")
    result = run_script("collect.py", "--config", config.path, "--period", "2010-11")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "收到 1 份：有效 1，待补正 0，退回 0，重复 0"
    assert lines[1].startswith("2010-11 已报送 1/23 个单位；尚未报送（22 个）：质监分局、园区办、春江镇")


DTD_CASES = [
    (b'<?xml version="1.0"?><worksheet/>', False),
    (b'<?xml version="1.0"?><!-- note --><worksheet><!DOCTYPE in body is text/></worksheet>', False),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><worksheet/>', True),
    (b'<?xml version="1.0"?>' + b"<!-- pad -->" * 1000 + b"<!DOCTYPE x><worksheet/>", True),
    (b"<?xml version='1.0'?>" + b" " * 70000 + b"<worksheet/>", True),
    ('\ufeff<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><worksheet/>'.encode("utf-16"), True),
    ('<?xml version="1.0" encoding="UTF-16"?><worksheet/>'.encode("utf-16"), False),
    # the first read is 4 KB: a declaration or the root element straddling its end
    (b"<!--" + b"x" * (4096 - 8) + b"-->" + b"<!DOCTYPE x><worksheet/>", True),
    (b"<!--" + b"x" * (4096 - 8) + b"-->" + b"<worksheet/>", False),
    (b"<!--" + b"x" * (4096 - 5) + b"-->" + b"<!DOCTYPE x><worksheet/>", True),
]


@pytest.mark.parametrize("xml, declared", DTD_CASES)
def test_dtd_detection_reads_the_whole_prolog(xml, declared):
    from dutytable.workbooks import declares_dtd

    assert declares_dtd(io.BytesIO(xml)) is declared


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
@pytest.mark.parametrize("xml, declared", DTD_CASES)
def test_the_zip_check_judges_each_members_prolog_as_the_stream_check_does(tmp_path, xml, declared, compression):
    """From bytes each member's head is read directly, from a path as a stream: the verdict is the same."""
    from dutytable.errors import UnsafeFileError
    from dutytable.workbooks import check_zip

    path = tmp_path / "表.xlsx"
    with zipfile.ZipFile(path, "w", compression) as z:
        z.writestr("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>')
        z.writestr("xl/worksheets/sheet1.xml", xml)
    for source in (path.read_bytes(), path):
        if declared:
            with pytest.raises(UnsafeFileError) as caught:
                check_zip(source, "表.xlsx")
            assert (
                str(caught.value)
                == "表.xlsx：内部文件 xl/worksheets/sheet1.xml 含有 XML 实体声明，可能是恶意文件，已拒收。"
            )
        else:
            check_zip(source, "表.xlsx")  # no error


def test_a_return_open_in_excel_is_archived_and_removed_by_a_later_run(env, monkeypatch):
    config, table, forms, inbox = env
    src = fill(forms["环保局"], inbox / "环保局.xlsx")
    real_unlink = type(src).unlink

    def locked(self, *args, **kwargs):  # Windows refuses to delete a file open in Excel
        if self.name == "环保局.xlsx":
            raise PermissionError(13, "used by another process")
        return real_unlink(self, *args, **kwargs)

    monkeypatch.setattr(type(src), "unlink", locked)
    first = collect(config, table)
    assert summary_lines(first)[0] == "收到 1 份：有效 1，待补正 0，退回 0，重复 0"
    assert (
        "以下文件已归档，但正被其他程序（如 Excel）打开，暂未从 inbox 移走；关闭后再运行一次即可：环保局.xlsx"
        in summary_lines(first)
    )
    assert src.exists() and len(list((inbox / "已归档" / "2010-11" / "环保局").iterdir())) == 1
    still = collect(config, table)  # still open: not taken again, not a duplicate
    assert summary_lines(still)[0] == "收到 0 份：有效 0，待补正 0，退回 0，重复 0"
    monkeypatch.setattr(type(src), "unlink", real_unlink)
    closed = collect(config, table)
    assert "已完成上次中断时未完成的 1 个文件的归档。" in summary_lines(closed)
    assert not src.exists()
    with Ledger(config.ledger, config.path.parent) as ledger:
        assert ledger.counts() == (1, 1) and ledger.pending_drops() == []


# --- names taken from input: they fit 255 bytes and keep their extension --------------------------

NAME_76 = ("关于二〇一〇年十一月区质量振兴工作目标任务推进情况的报告" * 3)[:76]
NAME_120 = ("环境保护局关于化学需氧量削减任务和二氧化硫削减任务完成情况的说明材料" * 4)[:120]


def test_long_reserved_and_empty_names_are_archived_with_their_extension(env, tmp_path):
    config, table, forms, inbox = env
    long76 = fill(forms["环保局"], inbox / f"{NAME_76}.xlsx")
    con = drop(long76, inbox / "又发一次", "CON.xlsx")  # the same bytes again: a duplicate
    dots = fill(forms["农业局"], inbox / " . .. ")
    nul = inbox / "NUL.xls"
    nul.write_text("不是表格", encoding="utf-8")
    aux = inbox / "aux.ods"
    aux.write_text("也不是表格", encoding="utf-8")
    zpath = inbox / "附件.zip"  # a name over 255 bytes can only arrive inside a zip
    with zipfile.ZipFile(zpath, "w") as z:
        member = zipfile.ZipInfo(f"{NAME_120}.xlsx")
        member.flag_bits |= 0x800
        z.writestr(member, fill(forms["城建局"], tmp_path / "城建局.xlsx").read_bytes())
    for path in (nul, aux, zpath):
        age(path)
    shas = {p.name: sha(p)[:12] for p in (long76, dots, nul, aux, zpath)}
    member_sha = sha(tmp_path / "城建局.xlsx")[:12]
    result = collect(config, table, now=lambda: AT)
    assert summary_lines(result)[0] == "收到 6 份：有效 3，待补正 0，退回 2，重复 1"
    archived = inbox / "已归档"
    assert [p.name for p in (archived / "2010-11" / "环保局").iterdir()] == [
        f"{STAMP}_{shas[long76.name]}_{NAME_76[:65]}.xlsx"
    ]
    assert [p.name for p in (archived / "2010-11" / "城建局").iterdir()] == [
        f"{STAMP}_{member_sha}_{NAME_120[:65]}.xlsx"
    ]
    assert [p.name for p in (archived / "2010-11" / "农业局").iterdir()] == [f"{STAMP}_{shas[dots.name]}__"]
    tag = hashlib.sha256("又发一次/CON.xlsx".encode()).hexdigest()[:6]
    assert [p.name for p in (archived / "重复").iterdir()] == [f"{STAMP}_{shas[long76.name]}_{tag}_CON.xlsx"]
    assert [p.name for p in (archived / "压缩包").iterdir()] == [f"{STAMP}_{shas[zpath.name]}_附件.zip"]
    assert {p.name for p in (inbox / "退回").iterdir()} == {
        f"{STAMP}_{shas[nul.name]}_NUL.xls",
        f"{STAMP}_{shas[nul.name]}_NUL.xls.退回说明.txt",
        f"{STAMP}_{shas[aux.name]}_aux.ods",
        f"{STAMP}_{shas[aux.name]}_aux.ods.退回说明.txt",
    }
    assert not con.exists() and {p.name for p in inbox.iterdir()} == {"已归档", "又发一次", "退回"}


# --- a rejection is not a duplicate -----------------------------------------------------------------


def test_a_rejected_file_put_back_after_fixing_config_is_examined_again(env):
    config, table, forms, inbox = env
    from dutytable.config import load_config
    from dutytable.master import load_table

    fixed = config.path.read_text(encoding="utf-8")
    config.path.write_text(fixed.replace("、龙虎塘街道", ""), encoding="utf-8")  # the clerk's slip
    slipped = load_config(config.path)
    fill(forms["龙虎塘街道"], inbox / "龙虎塘.xlsx")
    first = collect(slipped, load_table(slipped.table, slipped.departments))
    assert summary_lines(first)[:2] == [
        "收到 1 份：有效 0，待补正 0，退回 1，重复 0",
        "退回：龙虎塘.xlsx：填报单位“龙虎塘街道”不在填报单位名单中，请核对单位名称；"
        "如确属新增单位，请先在责任分解表或 config.ini 中加入，再把此文件放回 inbox 重新收取。",
    ]
    rejected, _note = _rejected(inbox, "龙虎塘.xlsx")
    config.path.write_text(fixed, encoding="utf-8")  # fixed, and the file put back as the note says
    drop(rejected, inbox, "龙虎塘.xlsx")
    second = collect(config, table)
    assert summary_lines(second)[0] == "收到 1 份：有效 1，待补正 0，退回 0，重复 0"
    assert "龙虎塘街道" in second.reported
    assert [row[:4] for row in returns_rows(config)] == [("龙虎塘.xlsx", "龙虎塘街道", "2010-11", "有效")]
    with Ledger(config.ledger, config.path.parent) as ledger:
        assert ledger.counts() == (1, 2)
    drop(rejected, inbox, "龙虎塘-再发.xlsx")  # accepted now: the same bytes again are a duplicate
    third = collect(config, table)
    assert summary_lines(third)[:2] == [
        "收到 1 份：有效 0，待补正 0，退回 0，重复 1",
        "重复：龙虎塘-再发.xlsx（与已收到的“龙虎塘.xlsx”内容完全相同，只登记一次）",
    ]


def test_two_units_empty_files_are_each_rejected_not_one_a_duplicate(env):
    config, table, forms, inbox = env
    for name in ("环保局.xlsx", "农业局.xlsx"):
        (inbox / name).write_bytes(b"")
        age(inbox / name)
    result = collect(config, table)
    lines = summary_lines(result)
    assert lines[0] == "收到 2 份：有效 0，待补正 0，退回 2，重复 0"
    assert sorted(lines[1:3]) == sorted(
        f"退回：{name}：不是 Excel、WPS 或 OpenDocument 表格文件，无法读取。请发送 .xlsx 格式的填报表。"
        for name in ("环保局.xlsx", "农业局.xlsx")
    )
    for name in ("环保局.xlsx", "农业局.xlsx"):
        kept, note = _rejected(inbox, name)
        assert kept.read_bytes() == b"" and note.splitlines()[1] == f"文件：{name}"
    assert not (inbox / "已归档" / "重复").exists()


def test_a_return_saved_again_while_being_collected_is_left_for_the_next_run(env, monkeypatch):
    """The archive never holds other bytes than those examined: a file saved again after it was read is not
    placed, recorded or removed, and the next run collects its new content."""
    config, table, forms, inbox = env
    src = fill(forms["环保局"], inbox / "环保局.xlsx", progress="初稿")
    real = Collector._destination
    saved = []

    def saved_again(self, ledger, ex, result, seen):  # the department's clerk saves once more, just after the read
        if not saved:
            saved.append(fill(forms["环保局"], src, progress="终稿").read_bytes())
        return real(self, ledger, ex, result, seen)

    monkeypatch.setattr(Collector, "_destination", saved_again)
    first = collect(config, table)
    assert summary_lines(first)[:2] == [
        "收到 0 份：有效 0，待补正 0，退回 0，重复 0",
        "以下文件在收取过程中又被保存过或被移走，本次未收取；仍在 inbox 中的，下次运行时按新内容收取：环保局.xlsx",
    ]
    assert src.read_bytes() == saved[0] and returns_rows(config) == []
    assert not (inbox / "已归档" / "2010-11" / "环保局").exists() or not any(
        (inbox / "已归档" / "2010-11" / "环保局").iterdir()
    )
    second = collect(config, table)
    assert summary_lines(second)[0] == "收到 1 份：有效 1，待补正 0，退回 0，重复 0"
    (archived,) = (inbox / "已归档" / "2010-11" / "环保局").iterdir()
    assert archived.read_bytes() == saved[0] and not src.exists()
    with Ledger(config.ledger, config.path.parent) as ledger:
        assert ledger.latest_returns(P)["环保局"].answers["T0104"].progress == "终稿"


def test_the_ledger_decodes_a_column_of_json_texts_as_each_one_alone():
    texts = ['{"status": "已完成", "progress": "完成80%，"}', "{}", '{"n": 1.5, "list": [1, "二"]}', "null", '"文"']
    assert json_each(texts) == [
        {"status": "已完成", "progress": "完成80%，"},
        {},
        {"n": 1.5, "list": [1, "二"]},
        None,
        "文",
    ]
    assert json_each([]) == []
    # Texts that are not one JSON value each fail as json.loads fails, never shift their neighbours.
    for bad in (["1, 2", "{}"], ["1, 2", " ", "{}"], ["{}", ""], ['{"a": 1', "}"]):
        with pytest.raises(json.JSONDecodeError):
            json_each(bad)


def test_a_return_moved_away_after_being_examined_is_left_and_the_run_goes_on(env, monkeypatch):
    """The clerk drags a file out of inbox/ while the run is collecting: the others are still collected."""
    config, table, forms, inbox = env
    fill(forms["环保局"], inbox / "环保局.xlsx")
    fill(forms["园区办"], inbox / "园区办.xlsx")
    real = Collector._destination

    def moved(self, ledger, ex, result, seen):
        if ex.original_name == "环保局.xlsx":
            os.unlink(ex.path)
        return real(self, ledger, ex, result, seen)

    monkeypatch.setattr(Collector, "_destination", moved)
    result = collect(config, table)
    assert result.changed == ["环保局.xlsx"] and [e.original_name for e in result.processed] == ["园区办.xlsx"]
    assert summary_lines(result)[:2] == [
        "收到 1 份：有效 1，待补正 0，退回 0，重复 0",
        "以下文件在收取过程中又被保存过或被移走，本次未收取；仍在 inbox 中的，下次运行时按新内容收取：环保局.xlsx",
    ]
    assert [r[1] for r in returns_rows(config)] == ["园区办"]


def test_a_zip_saved_again_after_being_examined_is_not_unpacked_until_the_next_run(env, monkeypatch):
    config, table, forms, inbox = env
    member = fill(forms["环保局"], inbox.parent / "环保局.xlsx")
    z = inbox / "附件.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(member, "环保局.xlsx")
    age(z)
    real = Collector._destination
    saved = []

    def saved_again(self, ledger, ex, result, seen):
        if ex.original_name == "附件.zip" and not saved:
            saved.append(True)
            with zipfile.ZipFile(z, "a") as zf:  # saved again with one more member
                zf.writestr("说明.txt", "见附件")
        return real(self, ledger, ex, result, seen)

    monkeypatch.setattr(Collector, "_destination", saved_again)
    first = collect(config, table)
    assert (first.changed, first.unpacked, returns_rows(config)) == (["附件.zip"], [], [])
    assert not any(p.is_file() for p in (inbox / ".解压").rglob("*"))
    monkeypatch.setattr(Collector, "_destination", real)
    later = dt.datetime.now() + dt.timedelta(days=3)
    second = collect(config, table, now=lambda: later)
    assert [e.original_name for e in second.unpacked] == ["附件.zip"]
    received = dict(sqlite3.connect(config.ledger).execute("SELECT original_name, received_at FROM returns"))
    assert received["附件/环保局.xlsx"] == received["附件.zip"] < later.isoformat()  # arrived when its zip did


def test_a_file_saved_again_and_collected_in_the_runs_next_round_is_not_listed_as_left(env, monkeypatch):
    config, table, forms, inbox = env
    member = fill(forms["园区办"], inbox.parent / "园区办.xlsx")
    with zipfile.ZipFile(inbox / "a附件.zip", "w") as zf:  # a zip: the run takes a second round
        zf.write(member, "园区办.xlsx")
    age(inbox / "a附件.zip")
    src = fill(forms["环保局"], inbox / "环保局.xlsx")
    real = Collector._destination
    saved = []

    def saved_again(self, ledger, ex, result, seen):
        if ex.original_name == "环保局.xlsx" and not saved:
            saved.append(fill(forms["环保局"], src, progress="终稿"))
        return real(self, ledger, ex, result, seen)

    monkeypatch.setattr(Collector, "_destination", saved_again)
    result = collect(config, table)
    assert "环保局.xlsx" in [e.original_name for e in result.processed] and not src.exists()
    assert result.changed == [] and not any("本次未收取" in line for line in summary_lines(result))


def test_recovery_names_a_recorded_file_whose_bytes_can_no_longer_be_archived(env, monkeypatch):
    """A crash after the ledger row is committed; before the next run the archived copy is removed and the
    inbox file saved again: the examined bytes are gone, and the clerk is told so."""
    config, table, forms, inbox = env
    src = fill(forms["环保局"], inbox / "环保局.xlsx", progress="初稿")
    import dutytable.intake as intake_module

    def crash(path, sha):
        raise KeyboardInterrupt

    monkeypatch.setattr(intake_module, "unlink_same", crash)
    with pytest.raises(KeyboardInterrupt):
        collect(config, table)
    monkeypatch.undo()
    db = sqlite3.connect(config.ledger)
    (stored,) = db.execute("SELECT stored_path FROM drops WHERE state = 'pending'").fetchone()
    (config.path.parent / stored).unlink()  # e.g. an antivirus quarantined it
    fill(forms["环保局"], src, progress="终稿")
    result = collect(config, table)
    assert (result.recovered, result.lost) == (1, ["环保局.xlsx"])
    assert summary_lines(result)[:3] == [
        "收到 1 份：有效 1，待补正 0，退回 0，重复 0",
        "已完成上次中断时未完成的 1 个文件的归档。",
        "上次中断时已登记、未归档的文件已找不回原样（归档副本已不在，inbox 中的文件已被移走或改动）：环保局.xlsx；"
        "台账保留了当时读到的内容，inbox 中改动后的文件按新的报送收取。",
    ]
    with Ledger(config.ledger, config.path.parent) as ledger:
        assert ledger.latest_returns(P)["环保局"].answers["T0104"].progress == "终稿"
    assert db.execute("SELECT count(*) FROM drops WHERE state = 'pending'").fetchone() == (0,)


def test_the_fingerprint_tells_apart_equal_values_of_other_types():
    from dutytable.forms import _row_bytes, fingerprint

    _row_bytes.cache_clear()
    one = fingerprint([("T1", 1)])
    assert fingerprint([("T1", True)]) != one  # True == 1, but reads 是, not 1
    assert fingerprint([("T1", 1)]) == one


def _tampered(data: bytes, name: str, file_size=None, crc=None, local_name=None) -> bytes:
    """``data`` (a zip) with member ``name``'s stated size and checksum (both directories) or local name changed."""
    b = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    at = b.find(b"PK\x01\x02")
    while at >= 0:  # the central directory's entry of the member
        if bytes(b[at + 46 : at + 46 + len(name.encode())]) == name.encode():
            if file_size is not None:
                struct.pack_into("<I", b, at + 24, file_size)
            if crc is not None:
                struct.pack_into("<I", b, at + 16, crc)
        at = b.find(b"PK\x01\x02", at + 4)
    if file_size is not None:
        struct.pack_into("<I", b, info.header_offset + 22, file_size)
    if crc is not None:
        struct.pack_into("<I", b, info.header_offset + 14, crc)
    if local_name is not None:
        b[info.header_offset + 30 : info.header_offset + 30 + len(local_name)] = local_name
    return bytes(b)


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
@pytest.mark.parametrize(
    "tamper, outcome",
    [
        ({}, None),
        ({"file_size": 26, "crc": zlib.crc32(b'<?xml version="1.0"?><!-- ')}, "含有 XML 实体声明"),  # cut in a comment
        ({"crc": 0}, "文件已损坏"),
        ({"local_name": b"xl/worksheets/sheetX.xml"}, "文件已损坏"),
    ],
)
def test_the_zip_check_from_bytes_agrees_with_the_stream_on_a_tampered_member(tmp_path, compression, tamper, outcome):
    from dutytable.errors import InputError
    from dutytable.workbooks import check_zip

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        z.writestr("xl/workbook.xml", b"<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b'<?xml version="1.0"?><!-- c --><worksheet/>')
    data = _tampered(buffer.getvalue(), "xl/worksheets/sheet1.xml", **tamper)
    (tmp_path / "表.xlsx").write_bytes(data)
    for source in (data, tmp_path / "表.xlsx"):
        if outcome is None:
            check_zip(source, "表.xlsx")  # no error
        else:
            with pytest.raises(InputError) as caught:
                check_zip(source, "表.xlsx")
            assert outcome in str(caught.value)


def test_an_archived_return_left_in_inbox_keeps_its_own_bytes_when_the_inbox_file_is_overwritten(env, monkeypatch):
    """Open in Excel, the inbox file stays behind: written over in place later, the archive is not changed."""
    config, table, forms, inbox = env
    src = fill(forms["环保局"], inbox / "环保局.xlsx")
    examined = src.read_bytes()
    real_unlink = type(src).unlink

    def locked(self, *args, **kwargs):
        if self.name == "环保局.xlsx":
            raise PermissionError(13, "used by another process")
        return real_unlink(self, *args, **kwargs)

    monkeypatch.setattr(type(src), "unlink", locked)
    collect(config, table)
    (archived,) = (inbox / "已归档" / "2010-11" / "环保局").iterdir()
    with open(src, "r+b") as f:  # a copy over it that keeps the file: the same bytes on disk rewritten
        f.write(b"PK\x03\x04 written over")
    assert archived.read_bytes() == examined


def test_a_form_under_a_units_former_name_is_collected_as_the_unit_through_aliases(workdir):
    """环保局 was called 区环境保护局 when its form went out; config.ini's [aliases] says they are one unit."""
    path = workdir / "config.ini"
    path.write_text(
        path.read_text(encoding="utf-8").replace("[aliases]\n", "[aliases]\n区环境保护局 = 环保局\n", 1),
        encoding="utf-8",
    )
    config, table, forms = prepare(workdir)
    inbox = workdir / "inbox"

    def former_name(ws):
        ws.parent["表单信息"]["B3"] = "区环境保护局"

    fill(forms["环保局"], inbox / "回复.xlsx", edit=former_name)
    result = collect(config, table)
    assert summary_lines(result)[:2] == [
        "收到 1 份：有效 1，待补正 0，退回 0，重复 0",
        "注意：回复.xlsx：表格中的填报单位“区环境保护局”按 config.ini 的 [aliases] 视为“环保局”。",
    ]
    assert [r[1] for r in returns_rows(config)] == ["环保局"] and "环保局" in result.reported


def test_returns_under_former_names_count_for_the_unit_by_its_present_name():
    from dutytable.ledger import LatestReturn
    from dutytable.summary import present_names

    def sent(name, at):
        return LatestReturn(1, name, "2010-11", "有效", [], f"{name}.xlsx", at, "", "", "", "", {})

    aliases = {"安监局": "区应急管理局", "安全生产监督管理局": "区应急管理局"}
    both = {"安监局": sent("安监局", "2010-11-22"), "区应急管理局": sent("区应急管理局", "2010-11-20")}
    assert {k: v.recipient for k, v in present_names(both, aliases).items()} == {"区应急管理局": "区应急管理局"}
    former = {"安全生产监督管理局": sent("安全生产监督管理局", "2010-11-22"), "安监局": sent("安监局", "2010-11-20")}
    assert {k: v.recipient for k, v in present_names(former, aliases).items()} == {"区应急管理局": "安全生产监督管理局"}
    assert present_names({"安监局": "安监局.xlsx", "质监分局": "质监分局.xlsx"}, aliases) == {
        "区应急管理局": "安监局.xlsx",
        "质监分局": "质监分局.xlsx",
    }


# ---------------------------------------------------------------------------
# A lost ledger is rebuilt from the archive: no 已报送 1/24 and no 催报 to units that did report.


def _ledger_rows(config):
    db = sqlite3.connect(config.ledger)
    try:
        return sorted(
            db.execute(
                "SELECT sha256, recipient, period, verdict, problems, received_at, file_time, answered, standing, kind,"
                " stored_path, (SELECT json_group_array(json_array(task_id, fields)) FROM"
                " (SELECT task_id, fields FROM answers WHERE return_id = returns.id ORDER BY task_id)) FROM returns"
            )
        )
    finally:
        db.close()


def _damage(path, how):
    if how == "delete":
        path.unlink()
    elif how == "zero":
        path.write_bytes(b"")
    elif how == "truncate":
        os.truncate(path, path.stat().st_size // 2)
    else:
        path.write_bytes(b"this is no SQLite file" * 50)


@pytest.mark.parametrize(
    "how, state, kept",
    [
        ("delete", "不存在", ""),
        ("zero", "是空文件", ""),
        ("truncate", "已损坏（文件不完整或数据页损坏）", "原文件已改名保留为 收文台账.损坏-20101121-080000.sqlite3，"),
        ("garbage", "已损坏（不是 SQLite 数据库文件）", "原文件已改名保留为 收文台账.损坏-20101121-080000.sqlite3，"),
    ],
)
def test_a_lost_ledger_is_rebuilt_from_the_archive_with_its_receipt_times(env, how, state, kept):
    config, table, forms, inbox = env
    for i, (name, form) in enumerate(sorted(forms.items())):
        age(fill(form, inbox / f"{name}.xlsx"), OLD + i)
    age(drop(inbox / "环保局.xlsx", inbox / "再发", "重发.xlsx"), OLD + 100)
    (inbox / "说明.txt").write_text("附件请查收", encoding="utf-8")
    age(inbox / "说明.txt", OLD + 101)
    with zipfile.ZipFile(inbox / "农业局.zip", "w") as z:  # a member is archived apart from its zip
        z.write(inbox / "农业局.xlsx", "农业局.xlsx")
    (inbox / "农业局.xlsx").unlink()
    first = collect(config, table)
    # 23 forms (区有关部门 gets none), 农业局's in a zip, 环保局's again, a note
    assert summary_lines(first)[:2] == [
        "收到 25 份：有效 23，待补正 0，退回 1，重复 1",
        "已解压压缩包 1 个：农业局.zip",
    ]
    assert (len(first.reported), first.missing) == (23, [])
    before = _ledger_rows(config)
    _damage(config.ledger, how)
    damaged = config.ledger.read_bytes() if config.ledger.exists() else None
    late = fill(forms["环保局"], inbox / "环保局补充.xlsx", progress="补充材料。")  # collected after the rebuild
    second = collect(config, table, now=lambda: dt.datetime(2010, 11, 21, 8, 0))
    lines = summary_lines(second)
    assert lines[0] == f"收文台账 {config.ledger} {state}，{kept}已按 inbox/已归档、inbox/退回 中的 26 份文件重建。"
    assert lines[1] == "收到 1 份：有效 1，待补正 0，退回 0，重复 0"
    assert lines[-1] == "2010-11 全部 23 个单位均已报送。"
    assert (len(second.reported), second.missing) == (23, [])
    after = _ledger_rows(config)
    assert [r for r in after if r[0] != sha_of_bytes(second, late)] == before  # receipt times, verdicts, answers
    if kept:
        assert (config.ledger.parent / "收文台账.损坏-20101121-080000.sqlite3").read_bytes() == damaged
    db = sqlite3.connect(config.ledger)
    assert db.execute("SELECT COUNT(*), SUM(duplicate), SUM(state = 'done') FROM drops").fetchone() == (27, 1, 27)
    db.close()
    third = collect(config, table)  # the rebuilt ledger is the memory from now on
    assert summary_lines(third)[0] == "收到 0 份：有效 0，待补正 0，退回 0，重复 0"


def test_consolidating_without_the_ledger_says_to_collect_first(env, capsys):
    from dutytable.cli import Consolidate, main

    config, table, forms, inbox = env
    age(fill(forms["环保局"], inbox / "环保局.xlsx"))
    collect(config, table)
    config.ledger.unlink()
    assert main(Consolidate(), ["--config", str(config.path), "--period", "2010-11"]) == 3
    assert capsys.readouterr().err == (
        f"收文台账 {config.ledger} 不存在，而 inbox/已归档、inbox/退回 中有 1 份文件："
        "请先运行 python scripts/collect.py 按它们重建台账，再汇总或出报告。\n"
    )
    assert not config.ledger.exists()


def _final_then_draft(env) -> str:
    """质监分局's 终稿 collected on the 20th, then a 草稿 that fills fewer rows on the 21st (held as 待确认);
    returns the draft's digest (12 hex digits) as its archived name carries it."""
    config, table, forms, inbox = env
    fill(forms["质监分局"], inbox / "质监-终稿.xlsx", progress="终稿")
    collect(config, table, now=lambda: dt.datetime(2010, 11, 20, 9, 0))
    draft = fill(
        forms["质监分局"],
        inbox / "质监-草稿.xlsx",
        status=None,
        progress=None,
        rows={"T0101": {"完成状态": "未启动", "推进情况": "草稿"}},
    )
    digest = sha(draft)[:12]
    collect(config, table, now=lambda: dt.datetime(2010, 11, 21, 9, 0))
    return digest


def test_a_rebuilt_ledger_names_the_returns_held_as_to_be_confirmed(env):
    config, table, forms, inbox = env
    digest = _final_then_draft(env)
    config.ledger.unlink()
    rebuilt = collect(config, table, now=lambda: dt.datetime(2010, 11, 22, 9, 0))
    assert summary_lines(rebuilt)[0] == (
        f"收文台账 {config.ledger} 不存在，已按 inbox/已归档、inbox/退回 中的 2 份文件重建。"
        f"其中 20101121-090000_{digest}_质监-草稿.xlsx 是“待确认”的报送，之前如用 --accept 确认过，请再确认一次。"
    )


def test_a_return_the_clerk_confirmed_is_confirmed_again_in_a_rebuilt_ledger(env):
    """collect.py --accept leaves a note beside the archived return; a ledger rebuilt from the archive reads it,
    so the confirmed return still counts and the clerk is not asked to confirm it again."""
    from dutytable import pipeline

    config, table, forms, inbox = env
    digest = _final_then_draft(env)
    confirmed = pipeline.accept(config, "质监-草稿.xlsx", now=lambda: dt.datetime(2010, 11, 21, 10, 30))
    assert confirmed == [("质监-草稿.xlsx", "质监分局", "2010-11")]
    archived = inbox / "已归档" / "2010-11" / "质监分局" / f"20101121-090000_{digest}_质监-草稿.xlsx"
    note = archived.with_name(archived.name + ".已确认.txt")
    assert note.read_text(encoding="utf-8") == (
        "确认时间：2010-11-21T10:30:00\n"
        "这份报送已确认作为质监分局 2010-11 的报送（collect.py --accept），汇总时以它为准；"
        "收文台账丢失重建时照此确认。请不要删除或修改本文件。\n"
    )
    config.ledger.unlink()
    rebuilt = collect(config, table, now=lambda: dt.datetime(2010, 11, 22, 9, 0))
    assert summary_lines(rebuilt)[0] == (
        f"收文台账 {config.ledger} 不存在，已按 inbox/已归档、inbox/退回 中的 2 份文件重建。"
    )  # the note is no return: 2 files, and no 请再确认一次
    with Ledger(config.ledger, config.path.parent) as ledger:
        assert ledger.latest_returns(P)["质监分局"].answers["T0101"].progress == "草稿"
        assert ledger.held_named("质监-草稿.xlsx") == []


def sha_of_bytes(result, path):
    return next(e.sha256 for e in result.processed if e.original_name == path.name)


def test_a_ledger_is_not_rebuilt_from_an_archive_whose_file_was_changed(env):
    config, table, forms, inbox = env
    age(fill(forms["环保局"], inbox / "环保局.xlsx"))
    collect(config, table)
    config.ledger.unlink()
    (kept,) = (inbox / "已归档" / "2010-11" / "环保局").iterdir()
    kept.write_bytes(kept.read_bytes() + b"\0")
    with pytest.raises(LedgerError) as caught:
        collect(config, table)
    assert str(caught.value) == (
        f"收文台账 {config.ledger} 不存在，而 {kept} 的内容与文件名中的内容编号不符"
        "（归档后被改动过），不能按 inbox/已归档、inbox/退回 重建台账；"
        f"请从备份恢复 {config.ledger} 后再运行。"
    )
    assert caught.value.exit_code == 3 and not config.ledger.exists()


def test_a_damaged_ledger_with_nothing_archived_is_named_and_left_as_it_is(env):
    config, table, forms, inbox = env
    config.ledger.write_bytes(b"this is no SQLite file" * 50)
    with pytest.raises(LedgerError) as caught:
        collect(config, table)
    assert str(caught.value) == (
        f"收文台账 {config.ledger} 已损坏（不是 SQLite 数据库文件），没有改动它；"
        "inbox/已归档、inbox/退回 中也没有可据以重建的文件。请从备份恢复该文件；"
        "如果还没有收取过任何报送，把它改名移走后再运行即可。"
    )
    assert config.ledger.read_bytes() == b"this is no SQLite file" * 50
