"""Stage 5, the Word summary as an official 附件 (GB/T 9704-2012), and the 催报通知.

The house style (template, styles, page setup, table XML, PDF) is :mod:`wordml`; this
module says what the documents contain. The table's columns are the schema's REPORT place.
"""

from __future__ import annotations

import datetime as dt

from docx.oxml import parse_xml
from docx.shared import Pt

from . import files
from .config import clamp_day
from .consolidate import Summary, summarize
from .schema import H_ATTAINMENT, H_IND_NAME, H_IND_TARGET, H_ITEM, H_SEQ, H_UNIT, REPORT
from .vocab import COMPLETION, MET, NOT_FILLED, NOT_MET, NOT_REPORTED, cn_date
from .wordml import (
    STYLE_BODY,
    STYLE_CELL,
    STYLE_HEAD,
    STYLE_MARK,
    STYLE_SIGN,
    STYLE_TITLE,
    cell_xml,
    open_template,
    page,
    table_xml,
    to_pdf,
)


def as_of(period, today: dt.date) -> dt.date:
    """The date the report speaks of: today, or the period's last day once the month is over."""
    end = clamp_day(period.year, period.month, 31)
    return min(today, end)


def overview(summary: Summary, day: dt.date) -> str:
    """截至…，共…项目标任务，已完成…项，…；应报送…个单位，已报送…个，未报送：…。"""
    counts = summary.status_counts
    parts = "，".join(f"{s}{counts[s]}项" for s in COMPLETION)
    if counts[NOT_REPORTED]:
        parts += f"，牵头单位尚未报送{counts[NOT_REPORTED]}项"
    missing = [r.name for r in summary.not_reported]
    measured = ""
    if summary.indicators:
        ic = summary.indicator_counts
        measured = (f"量化指标{len(summary.indicators)}项，已{MET}{ic[MET]}项，{NOT_MET}{ic[NOT_MET]}项，"
                    f"{NOT_FILLED}{ic[NOT_FILLED]}项；")
    return (f"截至{cn_date(day)}，共{len(summary.tasks)}项目标任务，{parts}；{measured}"
            f"应报送{len(summary.recipients)}个单位，已报送{len(summary.reported)}个，"
            f"{NOT_REPORTED}：{'、'.join(missing) if missing else '无'}。")


def _next_attachment(number):
    """The attachment after this one: 1 -> 2; a number that is not a plain integer gets "之二"."""
    return str(int(number) + 1) if str(number).isdigit() else f"{number}之二"


def report_paths(config, period):
    title = config.report_title(period) + "汇总表"
    folder = config.period_dir(period)
    return (folder / f"附件{config.attachment}_{title}.docx", folder / f"催报通知_{period}.docx")


def write_report(summary: Summary, config, today: dt.date):
    """Write 附件N_<title>.docx; returns its path."""
    document = open_template(config)
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


def _table_xml(summary: Summary, ids: dict) -> str:
    """The whole table as WordprocessingML: header repeated, rows kept whole, 序号 and 类别 merged.

    The columns are the schema's REPORT place; 类别 and 工作内容 stand under one header.
    """
    cell_style, head_style = ids[STYLE_CELL], ids[STYLE_HEAD]
    columns = summary.schema.at(REPORT)
    keys = [c.key for c in columns]
    widths = [c.width(REPORT) for c in columns]
    row_props = "<w:trPr><w:cantSplit/>{}</w:trPr>"
    head, skip = [], False
    for i, (c, w) in enumerate(zip(columns, widths)):
        if skip:
            skip = False
            continue
        if c.key == "category" and i + 1 < len(keys) and keys[i + 1] == "item":
            head.append(cell_xml(H_ITEM, w + widths[i + 1], head_style, span=2, center=True))
            skip = True
        else:
            head.append(cell_xml(c.header, w, head_style, center=True))
    rows = [f'<w:tr>{row_props.format("<w:tblHeader/>")}{"".join(head)}</w:tr>']
    previous = None
    for t in summary.tasks:
        first = t.task.category != previous
        previous = t.task.category
        merge = "restart" if first else "continue"
        cells = []
        for c, w in zip(columns, widths):
            text = str(t.value(c))
            if c.key in ("seq", "category"):
                cells.append(cell_xml(text if first else "", w, cell_style, merge=merge, center=True))
            elif c.choices:
                cells.append(cell_xml(text + (f"\n（{t.lead_statuses}）" if t.lead_statuses else ""), w, cell_style,
                                  center=True))
            elif c.key == "item":
                cells.append(cell_xml(text, w, cell_style, center=True))
            else:
                cells.append(cell_xml(text.replace("；", "；\n") if c.source == "answer" else text, w, cell_style))
        rows.append(f'<w:tr>{row_props.format("")}{"".join(cells)}</w:tr>')
    return table_xml(widths, rows)


INDICATOR_COLUMNS = ((H_SEQ, 10), (H_ITEM, 22), (H_IND_NAME, 70), (H_IND_TARGET, 25), ("截至本月完成", 28),
                     (H_ATTAINMENT, 20), (H_UNIT, 50))


def _indicator_table_xml(summary: Summary, ids: dict) -> str:
    """附件2: every quantitative indicator with its target, value to date and 达标情况."""
    cell_style, head_style = ids[STYLE_CELL], ids[STYLE_HEAD]
    widths = [w for _, w in INDICATOR_COLUMNS]
    row_props = "<w:trPr><w:cantSplit/>{}</w:trPr>"
    head = "".join(cell_xml(name, w, head_style, center=True) for name, w in INDICATOR_COLUMNS)
    rows = [f'<w:tr>{row_props.format("<w:tblHeader/>")}{head}</w:tr>']
    for n, i in enumerate(summary.indicators, start=1):
        ind = i.indicator
        actual = "" if i.actual is None else f"{i.actual:g}{'个行政村' if ind.unit == '行政村' else ind.unit}"
        values = (str(n), i.item, ind.name, ind.target_text, actual or i.raw, i.status, ind.owner)
        cells = "".join(cell_xml(v, w, cell_style, center=c in (0, 3, 4, 5))
                        for c, (v, w) in enumerate(zip(values, widths)))
        rows.append(f'<w:tr>{row_props.format("")}{cells}</w:tr>')
    return table_xml(widths, rows)


def write_reminder(summary: Summary, config, today: dt.date):
    """The 催报通知: the recipients that have not reported, with the deadline. Portrait A4."""
    document = open_template(config)
    page(document.sections[0], landscape=False)
    deadline = config.deadline(summary.period)
    label = summary.period.label
    document.core_properties.title = f"关于报送{label}{config.subject}推进情况的催报通知"
    document.add_paragraph(f"关于报送{label}{config.subject}推进情况的催报通知", style=STYLE_TITLE)
    missing = summary.not_reported
    p = document.add_paragraph("各有关单位：", style=STYLE_BODY)
    p.paragraph_format.first_line_indent = Pt(0)
    day = as_of(summary.period, today)
    if missing:
        text = (f"{label}{config.subject}推进情况填报表的报送截止日期为{cn_date(deadline)}。"
                f"截至{cn_date(day)}，以下{len(missing)}个单位尚未报送，"
                "请抓紧按要求填写下发的填报表，尽快报送：")
    else:
        text = f"截至{cn_date(day)}，各单位均已报送{label}推进情况，特此通知。"
    document.add_paragraph(text, style=STYLE_BODY)
    for i, r in enumerate(missing, start=1):
        document.add_paragraph(f"{i}．{r.name}（应报任务{r.tasks}项）", style=STYLE_BODY)
    if missing:
        document.add_paragraph(config.return_note, style=STYLE_BODY)
    document.add_paragraph("", style=STYLE_BODY)
    document.add_paragraph(config.office, style=STYLE_SIGN)
    document.add_paragraph(cn_date(today), style=STYLE_SIGN)
    _, path = report_paths(config, summary.period)
    with files.atomic_path(path) as tmp:
        document.save(str(tmp))
    return path


def make_report(config, table, period, today: dt.date, pdf: bool = True, summary: Summary | None = None) -> tuple:
    """Write the 附件 and the 催报通知, and PDFs where LibreOffice is installed.

    Args:
        summary: the period's :class:`consolidate.Summary` when the caller has just made it.

    Returns:
        (summary, [paths written], [notes]).
    """
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
