"""Stage 5, the Word summary as an official 附件 (GB/T 9704-2012), and the 催报通知.

Styles and page setup come from templates/附件模板.docx, built by
:func:`build_template` (scripts/build_word_template.py) and free for a clerk to restyle
in Word: the code uses the styles by name only. The table is written as one piece of
WordprocessingML, parsed once: python-docx's cell-by-cell access is far too slow for
hundreds of rows.
"""

import datetime as dt
import logging
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from . import files
from .config import clamp_day
from .consolidate import NOT_REPORTED
from .errors import InputError
from .model import STATUSES

log = logging.getLogger(__name__)

# Style names: the contract between the template and the code.
STYLE_MARK = "附件标记"  # 附件1: 黑体 三号, top left
STYLE_TITLE = "附件标题"  # 方正小标宋简体 二号, centred
STYLE_BODY = "公文正文"  # 仿宋_GB2312 三号, two-character first-line indent
STYLE_CELL = "表格文字"  # 仿宋_GB2312 五号
STYLE_HEAD = "表格表头"  # 黑体 五号, centred
STYLE_PAGE = "公文页码"  # 宋体 四号
STYLE_SIGN = "公文落款"  # 仿宋_GB2312 三号, right

LATIN = "Times New Roman"
PT_2 = Pt(22)  # 二号
PT_3 = Pt(16)  # 三号
PT_4 = Pt(14)  # 四号
PT_5 = Pt(10.5)  # 五号
LINE = Pt(28.95)  # 22 lines in the 225 mm type area
# GB/T 9704 portrait margins; a landscape page is the portrait page turned clockwise, so the
# binding edge (left, 28 mm) becomes the top.
PORTRAIT = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LANDSCAPE = {"top": 28, "right": 37, "bottom": 26, "left": 35}
# Table columns in mm: the type area of a landscape page is 297 - 35 - 37 = 225 mm wide.
COLUMNS = (("序号", 10), ("工作内容", 14), ("", 15), ("工作目标", 52), ("牵头部门", 20), ("配合部门", 28),
           ("推进情况", 69), ("完成状态", 17))


# ---------------------------------------------------------------------------
# The template

def build_template(path):
    """Write the Word template: named styles with East Asian fonts, A4 landscape, odd/even page numbers."""
    document = docx.Document()
    _strip_theme_fonts(document)
    styles = document.styles
    normal = styles["Normal"]
    _font(normal, "仿宋_GB2312", PT_3)
    spec = (
        (STYLE_MARK, "黑体", PT_3, WD_ALIGN_PARAGRAPH.LEFT, None, False),
        (STYLE_TITLE, "方正小标宋简体", PT_2, WD_ALIGN_PARAGRAPH.CENTER, None, False),
        (STYLE_BODY, "仿宋_GB2312", PT_3, WD_ALIGN_PARAGRAPH.JUSTIFY, PT_3 * 2, False),
        (STYLE_CELL, "仿宋_GB2312", PT_5, WD_ALIGN_PARAGRAPH.LEFT, None, True),
        (STYLE_HEAD, "黑体", PT_5, WD_ALIGN_PARAGRAPH.CENTER, None, True),
        (STYLE_PAGE, "宋体", PT_4, WD_ALIGN_PARAGRAPH.RIGHT, None, False),
        (STYLE_SIGN, "仿宋_GB2312", PT_3, WD_ALIGN_PARAGRAPH.RIGHT, None, False),
    )
    for name, face, size, align, indent, tight in spec:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        _font(style, face, size)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.space_before = fmt.space_after = Pt(0)
        if indent is not None:
            fmt.first_line_indent = indent
        if tight:
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        else:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = LINE
    styles[STYLE_TITLE].paragraph_format.space_after = LINE
    styles[STYLE_TITLE].paragraph_format.line_spacing = Pt(36)
    styles[STYLE_MARK].paragraph_format.space_after = Pt(0)

    section = document.sections[0]
    _page(section, landscape=True)
    section.footer_distance = Mm(12)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    document.core_properties.title = "附件模板"
    document.core_properties.comments = "目标任务责任分解表工具的 Word 模板：可在 Word 中修改样式，样式名称请勿修改。"
    for p in list(document.element.body):
        if p.tag == qn("w:p"):
            document.element.body.remove(p)
    with files.atomic_path(path) as tmp:
        document.save(str(tmp))


def _strip_theme_fonts(document):
    """Remove theme font references, which would override the explicit Chinese fonts."""
    for element in (document.styles.element, document.element):
        for rfonts in element.iter(qn("w:rFonts")):
            for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
                rfonts.attrib.pop(qn(f"w:{attr}"), None)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is None:
                fonts = rpr.makeelement(qn("w:rFonts"), {})
                rpr.insert(0, fonts)
            for attr, value in (("ascii", LATIN), ("hAnsi", LATIN), ("eastAsia", "仿宋_GB2312"), ("cs", LATIN)):
                fonts.set(qn(f"w:{attr}"), value)
            lang = rpr.find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:eastAsia"), "zh-CN")


def _font(style, east_asia, size):
    style.font.name = LATIN  # w:ascii and w:hAnsi: digits and Latin text
    style.font.size = size
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), LATIN)


def _page(section, landscape):
    margins = LANDSCAPE if landscape else PORTRAIT
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
    section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])


def _page_number(footer, alignment):
    """"— 1 —" in 宋体 四号, one character in from the edge (GB/T 9704 7.5)."""
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.style = STYLE_PAGE
    p.alignment = alignment
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        p.paragraph_format.right_indent = PT_4
    else:
        p.paragraph_format.left_indent = PT_4
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">— </w:t></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t>1</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> —</w:t></w:r>'))


# ---------------------------------------------------------------------------
# The report

def as_of(period, today):
    """The date the report speaks of: today, or the period's last day once the month is over."""
    end = clamp_day(period.year, period.month, 31)
    return min(today, end)


def overview(summary, day):
    """截至…，共…项目标任务，已完成…项，…；应报送…个单位，已报送…个，未报送：…。"""
    counts = summary.status_counts
    parts = "，".join(f"{s}{counts[s]}项" for s in STATUSES)
    if counts[NOT_REPORTED]:
        parts += f"，牵头单位尚未报送{counts[NOT_REPORTED]}项"
    missing = [r.name for r in summary.not_reported]
    measured = ""
    if summary.indicators:
        ic = summary.indicator_counts
        measured = (f"量化指标{len(summary.indicators)}项，已达标{ic['达标']}项，未达标{ic['未达标']}项，"
                    f"未填报{ic['未填报']}项；")
    return (f"截至{day.year}年{day.month}月{day.day}日，共{len(summary.tasks)}项目标任务，{parts}；{measured}"
            f"应报送{len(summary.recipients)}个单位，已报送{len(summary.reported)}个，"
            f"未报送：{'、'.join(missing) if missing else '无'}。")


def _next_attachment(number):
    """The attachment after this one: 1 -> 2; a number that is not a plain integer gets "之二"."""
    return str(int(number) + 1) if str(number).isdigit() else f"{number}之二"


def report_paths(config, period):
    title = config.report_title(period) + "汇总表"
    folder = config.period_dir(period)
    return (folder / f"附件{config.attachment}_{title}.docx", folder / f"催报通知_{period}.docx")


def _open_template(config):
    if not config.word_template.is_file():
        raise InputError(f"找不到 Word 模板 {config.word_template}：请运行 python scripts/build_word_template.py 重新生成，"
                         "或检查 config.ini 中 [paths] word_template 的设置。")
    try:
        document = docx.Document(str(config.word_template))
    except Exception:
        raise InputError(f"Word 模板 {config.word_template} 已损坏，无法打开：请运行 python scripts/build_word_template.py 重新生成。") from None
    missing = [s for s in (STYLE_MARK, STYLE_TITLE, STYLE_BODY, STYLE_CELL, STYLE_HEAD, STYLE_SIGN)
               if s not in [st.name for st in document.styles]]
    if missing:
        raise InputError(f"Word 模板 {config.word_template} 中缺少样式“{'、'.join(missing)}”：修改模板时请不要删除或改名这些样式，"
                         "或运行 python scripts/build_word_template.py 重新生成。")
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def write_report(summary, config, today):
    """Write 附件N_<title>.docx; returns its path."""
    document = _open_template(config)
    title = summary.title + "汇总表"
    document.core_properties.title = title
    document.core_properties.author = config.office
    document.add_paragraph(f"附件{config.attachment}", style=STYLE_MARK)
    document.add_paragraph(title, style=STYLE_TITLE)
    document.add_paragraph(overview(summary, as_of(summary.period, today)), style=STYLE_BODY)
    # Word may give Chinese style names IDs such as "a3" when a clerk re-saves the template.
    ids = {style.name: style.style_id for style in document.styles}
    document.element.body.insert(len(document.element.body) - 1, parse_xml(_table_xml(summary, ids)))
    if summary.indicators:
        mark = document.add_paragraph(f"附件{_next_attachment(config.attachment)}", style=STYLE_MARK)
        mark.paragraph_format.page_break_before = True
        document.add_paragraph(f"{summary.title}量化指标完成情况表", style=STYLE_TITLE)
        document.element.body.insert(len(document.element.body) - 1,
                                     parse_xml(_indicator_table_xml(summary, ids)))
    path, _ = report_paths(config, summary.period)
    with files.atomic_path(path) as tmp:
        document.save(str(tmp))
    return path


def _cell(text, width_mm, style_id, merge=None, span=1, center=False):
    """One table cell as WordprocessingML; each line of ``text`` a paragraph of the given style."""
    props = f'<w:tcW w:w="{int(width_mm * 56.7)}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if merge:
        props += '<w:vMerge w:val="restart"/>' if merge == "restart" else "<w:vMerge/>"
    if center:
        props += '<w:vAlign w:val="center"/>'
    jc = '<w:jc w:val="center"/>' if center else ""
    paragraphs = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>{jc}</w:pPr>'
        + (f'<w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r>' if line else "") + "</w:p>"
        for line in (text.split("\n") if text else [""]))
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>"


def _table_xml(summary, ids):
    """The whole table as WordprocessingML: header repeated, rows kept whole, 序号 and 类别 merged."""
    cell_style, head_style = ids[STYLE_CELL], ids[STYLE_HEAD]
    widths = [w for _, w in COLUMNS]
    row_props = "<w:trPr><w:cantSplit/>{}</w:trPr>"
    head = [_cell("序号", widths[0], head_style, center=True),
            _cell("工作内容", widths[1] + widths[2], head_style, span=2, center=True)]
    head += [_cell(name, w, head_style, center=True) for name, w in COLUMNS[3:]]
    rows = [f'<w:tr>{row_props.format("<w:tblHeader/>")}{"".join(head)}</w:tr>']
    previous = None
    for t in summary.tasks:
        task = t.task
        first = task.category != previous
        previous = task.category
        merge = "restart" if first else "continue"
        cells = [
            _cell(str(task.seq) if first else "", widths[0], cell_style, merge=merge, center=True),
            _cell(task.category if first else "", widths[1], cell_style, merge=merge, center=True),
            _cell(task.item, widths[2], cell_style, center=True),
            _cell(task.target, widths[3], cell_style),
            _cell(task.leads_text, widths[4], cell_style),
            _cell(task.partners_text, widths[5], cell_style),
            _cell(t.progress.replace("；", "；\n") if t.progress else "", widths[6], cell_style),
            _cell(t.status + (f"\n（{t.lead_statuses}）" if t.lead_statuses else ""), widths[7], cell_style,
                  center=True),
        ]
        rows.append(f'<w:tr>{row_props.format("")}{"".join(cells)}</w:tr>')
    return _tbl(widths, rows)


def _tbl(widths, rows):
    """A bordered, fixed-layout, centred table of the given column widths (mm) around row XML."""
    grid = "".join(f'<w:gridCol w:w="{int(w * 56.7)}"/>' for w in widths)
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    total = int(sum(widths) * 56.7)
    return (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
            f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>')


INDICATOR_COLUMNS = (("序号", 10), ("工作内容", 22), ("指标名称", 70), ("目标", 25), ("截至本月完成", 28),
                     ("达标情况", 20), ("填报单位", 50))


def _indicator_table_xml(summary, ids):
    """附件2: every quantitative indicator with its target, value to date and 达标情况."""
    cell_style, head_style = ids[STYLE_CELL], ids[STYLE_HEAD]
    widths = [w for _, w in INDICATOR_COLUMNS]
    row_props = "<w:trPr><w:cantSplit/>{}</w:trPr>"
    head = "".join(_cell(name, w, head_style, center=True) for name, w in INDICATOR_COLUMNS)
    rows = [f'<w:tr>{row_props.format("<w:tblHeader/>")}{head}</w:tr>']
    for n, i in enumerate(summary.indicators, start=1):
        ind = i.indicator
        actual = "" if i.actual is None else f"{i.actual:g}{'个行政村' if ind.unit == '行政村' else ind.unit}"
        values = (str(n), i.item, ind.name, ind.target_text, actual or i.raw, i.status, ind.owner)
        cells = "".join(_cell(v, w, cell_style, center=c in (0, 3, 4, 5)) for c, (v, w) in enumerate(zip(values, widths)))
        rows.append(f'<w:tr>{row_props.format("")}{cells}</w:tr>')
    return _tbl(widths, rows)


def write_reminder(summary, config, today):
    """The 催报通知: the recipients that have not reported, with the deadline. Portrait A4."""
    document = _open_template(config)
    _page(document.sections[0], landscape=False)
    deadline = config.deadline(summary.period)
    label = summary.period.label
    document.core_properties.title = f"关于报送{label}{config.subject}推进情况的催报通知"
    document.add_paragraph(f"关于报送{label}{config.subject}推进情况的催报通知", style=STYLE_TITLE)
    missing = summary.not_reported
    p = document.add_paragraph("各有关单位：", style=STYLE_BODY)
    p.paragraph_format.first_line_indent = Pt(0)
    day = as_of(summary.period, today)
    if missing:
        text = (f"{label}{config.subject}推进情况填报表的报送截止日期为{deadline.year}年{deadline.month}月{deadline.day}日。"
                f"截至{day.year}年{day.month}月{day.day}日，以下{len(missing)}个单位尚未报送，"
                "请抓紧按要求填写下发的填报表，尽快报送：")
    else:
        text = f"截至{day.year}年{day.month}月{day.day}日，各单位均已报送{label}推进情况，特此通知。"
    document.add_paragraph(text, style=STYLE_BODY)
    for i, r in enumerate(missing, start=1):
        document.add_paragraph(f"{i}．{r.name}（应报任务{r.tasks}项）", style=STYLE_BODY)
    if missing:
        document.add_paragraph(config.return_note, style=STYLE_BODY)
    document.add_paragraph("", style=STYLE_BODY)
    document.add_paragraph(config.office, style=STYLE_SIGN)
    document.add_paragraph(f"{today.year}年{today.month}月{today.day}日", style=STYLE_SIGN)
    _, path = report_paths(config, summary.period)
    with files.atomic_path(path) as tmp:
        document.save(str(tmp))
    return path


def soffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx_path, timeout=240):
    """A PDF beside ``docx_path`` through LibreOffice; None (and why) when it cannot be made."""
    binary = soffice()
    if binary is None:
        return None, "未安装 LibreOffice，未生成 PDF（安装后会自动生成）。"
    docx_path = Path(docx_path)
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp, "profile").as_uri()
        try:
            subprocess.run([binary, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", tmp, str(docx_path)], check=True, capture_output=True, timeout=timeout)
        except (subprocess.SubprocessError, OSError) as exc:
            return None, f"LibreOffice 转换 PDF 失败（{type(exc).__name__}），未生成 PDF。"
        made = Path(tmp, docx_path.stem + ".pdf")
        if not made.exists():
            return None, "LibreOffice 未能生成 PDF。"
        target = docx_path.with_suffix(".pdf")
        with files.atomic_path(target) as out:
            shutil.copyfile(made, out)
    return target, ""


def make_report(config, table, period, today=None, pdf=True, summary=None):
    """Write the 附件 and the 催报通知, and PDFs where LibreOffice is installed.

    Args:
        summary: the period's :class:`consolidate.Summary` when the caller has just made it.

    Returns:
        (summary, [paths written], [notes]).
    """
    from .consolidate import summarize

    today = today or dt.date.today()
    summary = summary or summarize(table, config, period)
    written = [write_report(summary, config, today), write_reminder(summary, config, today)]
    notes = []
    if pdf:
        made, why = to_pdf(written[0])
        if made:
            written.append(made)
        else:
            notes.append(why)
    return summary, written, notes
