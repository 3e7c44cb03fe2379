"""The house style of the Word outputs (the 附件 and the 通知): template, page, table XML, PDF.

Styles and page setup come from templates/附件模板.docx, built by
:func:`build_template` (scripts/build_word_template.py) and free for a clerk to restyle
in Word: the code uses the styles by name only. Tables are written as one piece of
WordprocessingML, parsed once: python-docx's cell-by-cell access is far too slow for
hundreds of rows.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import subprocess
import tempfile
import weakref
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from . import files
from .convert import find_soffice, run_soffice
from .errors import InputError
from .vocab import clean_text, text_width

# Style names: the contract between the template and the code.
STYLE_MARK = "附件标记"  # 附件1: 黑体 三号, top left
STYLE_TITLE = "附件标题"  # 方正小标宋简体 二号, centred
STYLE_BODY = "公文正文"  # 仿宋_GB2312 三号, two-character first-line indent
STYLE_CELL = "表格文字"  # 仿宋_GB2312 小四 (a crowded table's runs go down to 五号)
STYLE_HEAD = "表格表头"  # 黑体 小四, centred; also the 大项 band rows
STYLE_PAGE = "公文页码"  # 宋体 四号
STYLE_SIGN = "公文落款"  # 仿宋_GB2312 三号, right

LATIN = "Times New Roman"
PT_2 = Pt(22)  # 二号
PT_3 = Pt(16)  # 三号
PT_4 = Pt(14)  # 四号
PT_S4 = Pt(12)  # 小四
PT_5 = Pt(10.5)  # 五号
TABLE_LINE = Pt(15)  # 小四 text's line
TABLE_LINE_SMALL = Pt(13)  # 五号 text's line
LINE = Pt(28.95)  # 22 lines in the 225 mm type area
# GB/T 9704 portrait margins; a landscape page is the portrait page turned clockwise, so the
# binding edge (left, 28 mm) becomes the top.
PORTRAIT = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LANDSCAPE = {"top": 28, "right": 37, "bottom": 26, "left": 35}
TYPE_WIDTH_LANDSCAPE = 297 - 35 - 37  # mm
TYPE_WIDTH_PORTRAIT_PT = (210 - 28 - 26) * 72 / 25.4
TYPE_HEIGHT_LANDSCAPE = 210 - 28 - 26  # mm
TABLE_ROOM_MM = TYPE_HEIGHT_LANDSCAPE - 16  # below the repeated header and band rows
CELL_PADDING_MM = 2  # a cell's left and right margins (57 twips each) and a little slack
# The page number's top 7 mm below the type area (GB/T 9704 7.5): footer distance = bottom margin - 7 - its height.
FOOTER_LANDSCAPE = Mm(12)
FOOTER_PORTRAIT = Mm(21)
OFFICIAL_FACES = ("仿宋_GB2312", "黑体", "方正小标宋简体", "宋体")


def build_template(path) -> None:
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
        (STYLE_CELL, "仿宋_GB2312", PT_S4, WD_ALIGN_PARAGRAPH.LEFT, None, True),
        (STYLE_HEAD, "黑体", PT_S4, WD_ALIGN_PARAGRAPH.CENTER, None, True),
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
        if tight:  # table text: 固定值 a quarter above the size, as office tables are set
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = TABLE_LINE
        else:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = LINE
    styles[STYLE_TITLE].paragraph_format.space_after = LINE
    styles[STYLE_TITLE].paragraph_format.line_spacing = Pt(36)
    styles[STYLE_MARK].paragraph_format.space_after = Pt(0)
    # The whole "附件1" in 黑体: its digit too (GB/T 9704 7.4.1).
    mark_fonts = styles[STYLE_MARK].element.rPr.rFonts
    for attr in ("ascii", "hAnsi"):
        mark_fonts.set(qn(f"w:{attr}"), "黑体")

    section = document.sections[0]
    page(section, landscape=True)
    section.footer_distance = FOOTER_LANDSCAPE
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    document.core_properties.title = "附件模板"
    document.core_properties.comments = "目标任务责任分解表工具的 Word 模板：可在 Word 中修改样式，样式名称请勿修改。"
    for p in list(document.element.body):
        if p.tag == qn("w:p"):
            document.element.body.remove(p)
    _chinese_settings(document)
    set_properties(document, "附件模板", "", dt.date(2026, 1, 1))
    save(document, path)


def _font_table() -> bytes:
    """A font table naming only the faces the styles use (python-docx's default lists ＭＳ 明朝 and Cambria)."""
    faces = "".join(
        f'<w:font w:name="{face}"><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        for face in OFFICIAL_FACES
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts {nsdecls("w")}>'
        f'<w:font w:name="{LATIN}"><w:charset w:val="00"/><w:family w:val="roman"/>'
        f'<w:pitch w:val="variable"/></w:font>{faces}</w:fonts>'
    ).encode()


def _chinese_settings(document) -> None:
    """Word 2013+ layout (no [兼容模式]), Chinese theme language, a clean font table."""
    settings = document.settings.element
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    document.part.part_related_by(RT.FONT_TABLE)._blob = _font_table()


def set_properties(document, title: str, author: str, day: dt.date) -> None:
    """File properties as Word shows them: title, author, and the day it was written; nothing of the template's
    own description (备注), subject, keywords or category is left."""
    props = document.core_properties
    props.title = title
    props.comments = props.subject = props.keywords = props.category = ""
    props.author = props.last_modified_by = author
    props.created = props.modified = dt.datetime(day.year, day.month, day.day)
    props.revision = 1


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


def page(section, landscape: bool) -> None:
    margins = LANDSCAPE if landscape else PORTRAIT
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
    section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])


def _page_number(footer, alignment):
    """ "— 1 —" in 宋体 四号, one character in from the edge (GB/T 9704 7.5)."""
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
    p._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:t>1</w:t></w:r>"))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> —</w:t></w:r>'))


def style_ids(document) -> dict:
    """{style name: style ID}: Word may give Chinese style names IDs such as "a3" when a clerk re-saves the template."""
    return {style.name: style.style_id for style in document.styles}


def append_xml(document, xml: str) -> None:
    """Add a block (a table, a paragraph) written as WordprocessingML at the end of the body, before its section."""
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(xml))


# document part -> {style name: style ID}, looked up once a document: python-docx, given a style (by name or as an
# object), searches every style of the template on each paragraph (4 ms a paragraph: a 预警通报 of 500 tasks took 2 s).
_STYLE_IDS = weakref.WeakKeyDictionary()


def _style_id(document, style: str) -> str:
    ids = _STYLE_IDS.get(document.part)
    if ids is None:
        ids = _STYLE_IDS[document.part] = style_ids(document)
    return ids[style]


def add_paragraph(document, text: str, style: str):
    """A paragraph of ``style`` at the end of ``document``, its text cleaned of what Word cannot hold."""
    paragraph = document.add_paragraph(clean_text(text))
    paragraph._p.style = _style_id(document, style)  # the paragraph's w:pStyle, as python-docx writes it
    return paragraph


def add_paragraphs(document, texts, style: str) -> None:
    """A paragraph of ``style`` for each of ``texts`` at the end of ``document``, parsed at once (a 预警通报 may
    list hundreds of tasks); each cleaned of what Word cannot hold, a line break kept as one (w:br), as
    :func:`add_paragraph` writes them."""
    style_id = _style_id(document, style)
    xml = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr><w:r>'
        + "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in clean_text(text).split("\n"))
        + "</w:r></w:p>"
        for text in texts
    )
    body = document.element.body
    for paragraph in list(parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>")):
        body.insert(len(body) - 1, paragraph)


def attachment_heading(document, office: str, number: str, title: str, day: dt.date) -> None:
    """附件N on the first line, a blank line, the title on the third (GB/T 9704 附件 layout); the file's
    properties name the title, the office and ``day``."""
    set_properties(document, title, office, day)
    add_paragraph(document, f"附件{number}", STYLE_MARK)
    add_paragraph(document, "", STYLE_BODY)
    add_paragraph(document, title, STYLE_TITLE)


def as_of_line(document, text: str) -> None:
    """The line under a title that says the day the figures stand at: "（截至2010年11月30日）", centred."""
    paragraph = add_paragraph(document, text, STYLE_BODY)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = 0


# docProps/app.xml as the tool writes it: the template's own (its application, page and word counts,
# company, template name) does not describe the document.
APP_PROPERTIES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/extended-properties"><Application>dutytable'
    b"</Application><DocSecurity>0</DocSecurity></Properties>"
)


def save(document, path):
    """Write ``document`` to ``path`` atomically; returns ``path``."""
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = APP_PROPERTIES
    with files.atomic_path(path) as tmp:
        document.save(str(tmp))
    return path


def open_template(config) -> docx.document.Document:
    if not config.word_template.is_file():
        raise InputError(
            f"找不到 Word 模板 {config.word_template}：请运行 python scripts/build_word_template.py "
            "重新生成，"
            "或检查 config.ini 中 [paths] word_template 的设置。"
        )
    try:
        document = docx.Document(str(config.word_template))
    except Exception:
        raise InputError(
            f"Word 模板 {config.word_template} 已损坏，无法打开：请运行 python "
            "scripts/build_word_template.py 重新生成。"
        ) from None
    missing = [
        s
        for s in (STYLE_MARK, STYLE_TITLE, STYLE_BODY, STYLE_CELL, STYLE_HEAD, STYLE_SIGN)
        if s not in [st.name for st in document.styles]
    ]
    if missing:
        raise InputError(
            f"Word 模板 {config.word_template} 中缺少样式“{'、'.join(missing)}”："
            "修改模板时请不要删除或改名这些样式，"
            "或运行 python scripts/build_word_template.py 重新生成。"
        )
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    chinese_line_breaking(document)
    return document


def write_attachment(config, heading: tuple, lines: list, table, path, as_of: str = "") -> Path:
    """A 附件 written whole from the Word template and saved atomically to ``path``; returns ``path``.

    ``heading`` is (附件 number, title, day) as :func:`attachment_heading` writes them; ``as_of`` the line under
    the title that says the day the figures stand at (none when ""); ``lines`` the body paragraphs above the
    table; ``table`` a function of the document's style ids that gives the table's XML.
    """
    number, title, day = heading
    document = open_template(config)
    attachment_heading(document, config.office, number, title, day)
    if as_of:
        as_of_line(document, as_of)
    for line in lines:
        add_paragraph(document, line, STYLE_BODY)
    append_xml(document, table(style_ids(document)))
    return save(document, path)


# Chinese line-breaking (GB/T 15834): no line begins with a closing mark, none ends with an opening one.
NO_BREAK_BEFORE = "!%),.:;?]}¢°·’”…‰′″℃、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞！＂％＇），．：；？］｝～￠"
NO_BREAK_AFTER = "$([{£¥‘“〈《「『【〔〖〝﹙﹛﹝＄（［｛￡￥"
# pPr's order: … keepNext … kinsoku, wordWrap, overflowPunct … : kinsoku goes before the first of these
AFTER_KINSOKU = (
    "wordWrap",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)


def chinese_line_breaking(document) -> None:
    """Word's 中文版式 rules on in ``document``, whatever its template says: every paragraph keeps the rules
    (kinsoku, in the document defaults), with the marks of Chinese punctuation that may not begin or end a
    line, so that a line never starts with "，" or "】" and 【示例】 keeps its mark."""
    _default_kinsoku(document.styles.element)
    _line_break_marks(document.settings.element)


def _child(parent, name: str, first: bool = False):
    """``parent``'s w:``name`` child, made empty (at the start if ``first``, else at the end) when it has none."""
    child = parent.find(qn(f"w:{name}"))
    if child is None:
        child = parse_xml(f"<w:{name} {nsdecls('w')}/>")
        if first:
            parent.insert(0, child)
        else:
            parent.append(child)
    return child


def _default_kinsoku(styles) -> None:
    """w:kinsoku on in the styles' default paragraph properties, in its place in pPr's order."""
    defaults = _child(styles, "docDefaults", first=True)
    ppr = _child(_child(defaults, "pPrDefault"), "pPr")
    for old in ppr.findall(qn("w:kinsoku")):
        ppr.remove(old)
    tags = {qn(f"w:{t}") for t in AFTER_KINSOKU}
    later = next((c for c in ppr if c.tag in tags), None)
    kinsoku = parse_xml(f'<w:kinsoku {nsdecls("w")} w:val="1"/>')
    if later is None:
        ppr.append(kinsoku)
    else:
        later.addprevious(kinsoku)


def _line_break_marks(settings) -> None:
    """The settings' noLineBreaksBefore/After lists, replaced by the Chinese ones."""
    for name in ("noLineBreaksAfter", "noLineBreaksBefore"):
        for old in settings.findall(qn(f"w:{name}")):
            settings.remove(old)
    after = settings.find(qn("w:characterSpacingControl"))
    for name, marks in (("noLineBreaksBefore", NO_BREAK_BEFORE), ("noLineBreaksAfter", NO_BREAK_AFTER)):
        # each right after characterSpacingControl: After ends up before Before, as the schema orders them
        element = parse_xml(f'<w:{name} {nsdecls("w")} w:lang="zh-CN" w:val="{escape(marks, {chr(34): "&quot;"})}"/>')
        if after is not None:
            after.addnext(element)
        else:
            settings.append(element)


def cell_xml(
    text: str,
    width_mm: float,
    style_id: str,
    merge: str | None = None,
    span: int = 1,
    center: bool = False,
    left: bool = False,
    keep_next: bool = False,
    small: bool = False,
    bold: bool = False,
) -> str:
    """One table cell as WordprocessingML; each line of ``text`` a paragraph of the given style.

    ``left`` aligns a (centred) style to the left; ``keep_next`` keeps the row with the next;
    ``small`` sets the text in 五号 whatever the style's size; ``bold`` sets it bold.
    """
    props = f'<w:tcW w:w="{int(width_mm * 56.7)}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if merge:
        props += '<w:vMerge w:val="restart"/>' if merge == "restart" else "<w:vMerge/>"
    if center:
        props += '<w:vAlign w:val="center"/>'
    jc = '<w:jc w:val="center"/>' if center else '<w:jc w:val="left"/>' if left else ""
    keep = "<w:keepNext/>" if keep_next else ""
    size = int(PT_5.pt * 2)
    rpr = ("<w:b/><w:bCs/>" if bold else "") + (f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>' if small else "")
    rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    spacing = f'<w:spacing w:line="{int(TABLE_LINE_SMALL.pt * 20)}" w:lineRule="exact"/>' if small else ""
    text = clean_text(text)  # a Word document refuses control characters; a line break stays one
    paragraphs = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>{keep}{spacing}{jc}</w:pPr>'
        + (f'<w:r>{rpr}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>' if line else "")
        + "</w:p>"
        for line in (text.split("\n") if text else [""])
    )
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>"


def head_mm(text: str, size_pt: float = PT_S4.pt) -> float:
    """The least width (mm) of a column whose head is ``text`` at ``size_pt``: each of its lines on one line
    (序号 never prints as 序/号, nor 完成时限 as 完成时/限)."""
    widest = max(text_width(line) for line in text.split("\n"))
    return math.ceil((widest * size_pt * 25.4 / 72 + CELL_PADDING_MM + 0.5) * 10) / 10


def table_xml(widths, rows):
    """A bordered, fixed-layout, centred table of the given column widths (mm) around row XML."""
    grid = "".join(f'<w:gridCol w:w="{int(w * 56.7)}"/>' for w in widths)
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    total = int(sum(widths) * 56.7)
    return (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def to_pdf(docx_path, timeout: int = 240) -> tuple:
    """A PDF beside ``docx_path`` through LibreOffice; None (and why) when it cannot be made."""
    binary = find_soffice()
    if binary is None:
        return None, "未安装 LibreOffice，未生成 PDF（安装后会自动生成）。"
    docx_path = Path(docx_path)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            run_soffice(binary, ["--convert-to", "pdf", "--outdir", tmp, docx_path], Path(tmp, "profile"), timeout)
        except (subprocess.SubprocessError, OSError) as exc:
            return None, f"LibreOffice 转换 PDF 失败（{type(exc).__name__}），未生成 PDF。"
        made = Path(tmp, docx_path.stem + ".pdf")
        if not made.exists():
            return None, "LibreOffice 未能生成 PDF。"
        target = docx_path.with_suffix(".pdf")
        with files.atomic_path(target) as out:
            shutil.copyfile(made, out)
    return target, ""
