"""Stage 5: the Word 附件 checked at the XML level, and printed through LibreOffice."""

import datetime as dt
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from conftest import ROOT, needs_libreoffice, run_script
from docx.shared import Mm
from dutytable.inbox import Collector
from dutytable.model import Period
from dutytable.report import make_report, overview
from dutytable.wordml import build_template
from expected_table import EXPECTED
from returns import fill, prepare

P = Period(2010, 11)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TODAY = dt.date(2010, 11, 28)


@pytest.fixture
def reported(workdir):
    config, table, forms = prepare(workdir)
    inbox = workdir / "inbox"
    fill(forms["质监分局"], inbox / "质监.xlsx", rows={"T0101": {"完成状态": "已完成", "推进情况": "合格率93%"}})
    fill(forms["药监分局"], inbox / "药监.xlsx", rows={"T0101": {"完成状态": "进度滞后", "推进情况": "合格率88%"}})
    fill(forms["环保局"], inbox / "环保.xlsx", status="未启动")
    Collector(config, table, settle_seconds=0).run(P)
    summary, written, notes = make_report(config, table, P, today=TODAY, pdf=False)
    return config, table, summary, written


def xml(path, member):
    with zipfile.ZipFile(path) as z:
        return z.read(member).decode("utf-8")


def test_outputs_and_overview(reported):
    config, table, summary, written = reported
    assert [p.name for p in written] == ["附件1_2010年区质量振兴工作目标任务推进情况汇总表.docx", "催报通知_2010-11.docx"]
    document = docx.Document(str(written[0]))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs == [
        ("附件标记", "附件1"),
        ("附件标题", "2010年区质量振兴工作目标任务推进情况汇总表"),
        # status_rule = main_lead: 质监分局 is the first lead of 8 tasks: T0101 已完成 (药监分局 beside it
        # says 进度滞后), 7 正常推进; 环保局's T0104 未启动; the first leads of the other 9 have not reported
        # (two of them list 质监分局 second: they are 未报送, not hidden behind its 正常推进).
        # Indicators: 质监分局 owns 17 and 环保局 5, all filled with 1 (a 1 in a % cell is 100%): the
        # % targets, =100% and the at-least-1 targets are met (10), the rest not (12); 19 are unreported.
        ("公文正文", "截至2010年11月28日，共18项目标任务，已完成1项，正常推进7项，进度滞后0项，未启动1项，牵头单位尚未报送9项；"
                   "量化指标41项，已达标10项，未达标12项，未填报19项；应报送24个单位，已报送3个，未报送：园区办、春江镇、孟河镇、新桥镇、薛家镇、罗溪镇、西夏墅镇、三井街道、"
                   "河海街道、龙虎塘街道、城建局、经发局、社会事业局、工商分局、交通分局、科技局、农业局、国税局、地税四分局、"
                   "区有关部门、安监局。"),
        ("附件标记", "附件2"),
        ("附件标题", "2010年区质量振兴工作目标任务推进情况量化指标完成情况表"),
    ]
    assert document.paragraphs[3].paragraph_format.page_break_before is True
    rows = document.tables[1].rows
    assert len(rows) == 42
    assert [c.text for c in rows[2].cells] == ["2", "产品质量", "工业产品生产许可证产品抽检平均合格率", "≥92%", "100%", "达标",
                                               "质监分局"]
    assert [c.text for c in rows[1].cells][3:6] == ["零发生", "1起", "未达标"]
    assert [c.text for c in rows[41].cells][5:] == ["未填报", "安监局"]


def test_overview_after_the_month_and_with_unreported_tasks(reported):
    config, table, summary, written = reported
    from dutytable.report import as_of
    assert as_of(P, dt.date(2026, 11, 25)) == dt.date(2010, 11, 30)
    summary.tasks[0].status = "未报送"
    assert overview(summary, dt.date(2010, 11, 30)).startswith(
        "截至2010年11月30日，共18项目标任务，已完成0项，正常推进7项，进度滞后0项，未启动1项，牵头单位尚未报送10项；量化指标41项，")


def test_fonts_are_east_asian_and_no_theme_font_overrides(reported):
    config, table, summary, written = reported
    styles = xml(written[0], "word/styles.xml")
    document = xml(written[0], "word/document.xml")
    assert not re.search(r"w:(ascii|hAnsi|eastAsia|cs)Theme=", styles + document)
    d = docx.Document(str(written[0]))
    expected = {"附件标记": ("黑体", 16), "附件标题": ("方正小标宋简体", 22), "公文正文": ("仿宋_GB2312", 16),
                "表格文字": ("仿宋_GB2312", 10.5), "表格表头": ("黑体", 10.5), "公文页码": ("宋体", 14),
                "公文落款": ("仿宋_GB2312", 16)}
    for name, (east_asia, size) in expected.items():
        style = d.styles[name]
        fonts = style.element.rPr.rFonts
        assert (fonts.get(W + "eastAsia"), fonts.get(W + "ascii"), fonts.get(W + "hAnsi")) == (
            east_asia, "Times New Roman", "Times New Roman"), name
        assert style.font.size.pt == size, name
    defaults = d.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults.get(W + "eastAsia") == "仿宋_GB2312" and defaults.get(W + "ascii") == "Times New Roman"


def test_page_is_a4_landscape_with_turned_margins_and_footers(reported):
    config, table, summary, written = reported
    d = docx.Document(str(written[0]))
    s = d.sections[0]
    assert (s.orientation, round(s.page_width.mm), round(s.page_height.mm)) == (1, 297, 210)
    assert [round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [28, 26, 35, 37]
    assert "<w:evenAndOddHeaders/>" in xml(written[0], "word/settings.xml")
    odd, even = s.footer.paragraphs[0], s.even_page_footer.paragraphs[0]
    for p, jc in ((odd, "right"), (even, "left")):
        assert p.style.name == "公文页码"
        assert p._p.find(f"{W}pPr/{W}jc").get(W + "val") == jc
        runs = p._p.findall(f"{W}r")
        assert [r.find(f"{W}t").text for r in runs if r.find(f"{W}t") is not None] == ["— ", "1", " —"]
        assert [r.find(f"{W}instrText").text for r in runs if r.find(f"{W}instrText") is not None] == [" PAGE "]
        assert [r.find(f"{W}fldChar").get(W + "fldCharType") for r in runs if r.find(f"{W}fldChar") is not None] == [
            "begin", "separate", "end"]


def test_table_header_repeats_rows_do_not_split_and_categories_merge(reported):
    config, table, summary, written = reported
    d = docx.Document(str(written[0]))
    tbl = d.tables[0]._tbl
    rows = tbl.findall(f"{W}tr")
    assert len(rows) == 19
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    head = rows[0].findall(f"{W}tc")
    assert ["".join(t.text for t in tc.iter(f"{W}t")) for tc in head] == [
        "序号", "工作内容", "工作目标", "牵头部门", "配合部门", "推进情况", "完成状态"]
    assert head[1].find(f"{W}tcPr/{W}gridSpan").get(W + "val") == "2"
    for col in (0, 1):  # 序号 and 类别: merged over each category's sub-items
        marks = [r.findall(f"{W}tc")[col].find(f"{W}tcPr/{W}vMerge") for r in rows[1:]]
        vals = ["restart" if m is not None and m.get(W + "val") == "restart" else "continue" for m in marks]
        assert vals == ["restart", "continue", "continue", "continue", "restart", "continue", "continue", "continue",
                        "continue", "continue", "restart", "continue", "continue", "restart", "continue", "continue",
                        "restart", "continue"]
    texts = [["".join(t.text for t in tc.iter(f"{W}t")) for tc in r.findall(f"{W}tc")] for r in rows[1:]]
    assert [t[2] for t in texts] == [e[3] for e in EXPECTED]
    assert texts[0][:2] == ["1", "提高质量水平"] and texts[0][7] == "已完成（质监分局：已完成；药监分局：进度滞后）"
    assert texts[0][6] == "质监分局：合格率93%；药监分局：合格率88%。"
    assert texts[3][7] == "未启动"
    widths = [int(g.get(W + "w")) for g in tbl.find(f"{W}tblGrid").findall(f"{W}gridCol")]
    type_area = Mm(297 - 35 - 37).twips
    assert type_area - 20 <= sum(widths) <= type_area


def test_reminder_lists_the_missing_with_the_deadline(reported):
    config, table, summary, written = reported
    d = docx.Document(str(written[1]))
    s = d.sections[0]
    assert (s.orientation, round(s.page_width.mm)) == (0, 210)
    assert [round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [37, 35, 28, 26]
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "关于报送2010年11月区质量振兴工作推进情况的催报通知"
    assert texts[2] == ("2010年11月区质量振兴工作推进情况填报表的报送截止日期为2010年11月25日。截至2010年11月28日，"
                        "以下21个单位尚未报送，请抓紧按要求填写下发的填报表，尽快报送：")
    assert texts[3] == "1．园区办（应报任务14项）"
    assert texts[23] == "21．安监局（应报任务1项）"
    assert texts[-2:] == ["区质量振兴工作领导小组办公室", "2010年11月28日"]


def test_a_template_restyled_in_word_is_used_by_style_name(workdir, reported):
    config, table, summary, written = reported
    d = docx.Document(str(config.word_template))
    d.styles["表格文字"].font.size = docx.shared.Pt(12)
    d.styles["表格文字"].element.set(W + "styleId", "a7")  # Word's own style IDs for Chinese names
    d.save(str(config.word_template))
    _, written, _ = make_report(config, table, P, today=TODAY, pdf=False)
    out = docx.Document(str(written[0]))
    cell = out.tables[0].rows[1].cells[3].paragraphs[0]
    assert cell.style.name == "表格文字" and cell.style.font.size.pt == 12


def test_a_template_without_the_styles_is_one_line(workdir, reported):
    config, table, summary, written = reported
    docx.Document().save(str(config.word_template))
    result = run_script("report.py", "--config", config.path, "--period", "2010-11", "--no-pdf")
    assert result.returncode == 3
    assert result.stderr == (f"Word 模板 {config.word_template} 中缺少样式“附件标记、附件标题、公文正文、表格文字、表格表头、公文落款”："
                             "修改模板时请不要删除或改名这些样式，或运行 python scripts/build_word_template.py 重新生成。\n")


def test_the_shipped_template_is_what_the_build_script_makes(tmp_path):
    build_template(tmp_path / "t.docx")
    for member in ("word/styles.xml", "word/document.xml", "word/settings.xml", "word/footer1.xml"):
        assert xml(tmp_path / "t.docx", member) == xml(ROOT / "templates" / "附件模板.docx", member), member


@needs_libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext 未安装（Debian: poppler-utils），无法读取 PDF 文字")
def test_the_report_prints_landscape_with_every_sub_item(reported):
    config, table, summary, written = reported
    _, written, notes = make_report(config, table, P, today=TODAY, pdf=True)
    pdf = written[2]
    assert pdf.name == "附件1_2010年区质量振兴工作目标任务推进情况汇总表.pdf" and notes == []
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert sizes and all(float(w) > float(h) for w, h in sizes), info
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                                             text=True).stdout)
    for task_id, seq, category, item, *_ in EXPECTED:
        assert item in text, item
    assert "附件1" in text and "2010年区质量振兴工作目标任务推进情况汇总表" in text
