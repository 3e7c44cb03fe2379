"""Stage 5, the notices: the 催报通知 after a deadline, the 提醒通知 before it, and the 预警通报 of the
红灯 and 黄灯 tasks.

Each is a portrait A4 通知 or 通报 in the house style of :mod:`wordml`: a title broken as a 梯形, 主送,
the body, and the 署名 and date set as GB/T 9704 §7.3.5.2 sets them. What each says comes from the
period's :class:`summary.Summary`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt

from .schema import H_PROGRESS
from .summary import Summary, as_of, joined_names
from .vocab import NO_LEAD, cn_date, cn_number, text_width
from .warning import ALERTS
from .wordml import (
    FOOTER_PORTRAIT,
    PT_3,
    STYLE_BODY,
    STYLE_SIGN,
    STYLE_TITLE,
    TYPE_WIDTH_PORTRAIT_PT,
    add_paragraph,
    add_paragraphs,
    open_template,
    page,
    save,
    set_properties,
)

FEW_RECIPIENTS = 5  # a 催报通知 to more units is addressed to 各有关单位, above the list of their names


def reminder_path(config, period) -> Path:
    """outbox/<period>/催报通知_2010-11.docx."""
    return config.period_dir(period) / f"催报通知_{period}.docx"


def title_lines(words, chars_per_line: float) -> list:
    """The title's words in lines of fewer than ``chars_per_line`` character widths, as a 梯形 or, in three
    lines, a 菱形 (GB/T 9704 §7.3.3): a line exactly as wide as the page overflows in print.

    Lines break between words only. Of two lines that fit, the one whose first line is shortest while not
    longer than the next (a trapezoid standing on its long side); when no two lines fit, three, the middle
    one the longest where that can be, and the shortest first. A title that fits in none stays whole.
    """
    words = [w for w in words if w]
    if text_width("".join(words)) < chars_per_line:
        return ["".join(words)]
    for count in (2, 3):
        best = None
        for cuts in itertools.combinations(range(1, len(words)), count - 1):
            lines = ["".join(words[i:j]) for i, j in zip((0, *cuts), (*cuts, len(words)))]
            widths = [text_width(line) for line in lines]
            if max(widths) >= chars_per_line:
                continue
            score = (
                (widths[0] > widths[1], abs(widths[1] - widths[0]))
                if count == 2
                else (widths[1] < max(widths), max(widths) - min(widths), widths[0])
            )
            if best is None or score < best[0]:
                best = (score, lines)
        if best:
            return best[1]
    return ["".join(words)]


def signature_indents(office: str, date_text: str) -> tuple:
    """Left indents (pt) of the 署名 and the date, GB/T 9704 §7.3.5.2 (no seal).

    The 署名 stands two characters in from the right edge, and the date's first character
    two characters right of the 署名's first; a date longer than that stands two in from the
    edge and the 署名 moves left. Left indents, so that where the date starts does not
    depend on how wide a printer's font sets its digits.
    """
    char = PT_3.pt
    name_left = TYPE_WIDTH_PORTRAIT_PT - char * (2 + text_width(office))
    date_left = name_left + 2 * char
    if date_left + char * (text_width(date_text) + 2) > TYPE_WIDTH_PORTRAIT_PT:
        date_left = TYPE_WIDTH_PORTRAIT_PT - char * (2 + text_width(date_text))
        name_left = date_left - 2 * char
    return round(name_left, 1), round(date_left, 1)


def reminder_deadline(config, period, today: dt.date) -> tuple:
    """(the deadline the notice gives, whether it is a new one): the old one, or today plus remind_days."""
    deadline = config.deadline(period)
    if today <= deadline:
        return deadline, False
    return today + dt.timedelta(days=config.remind_days), True


def write_reminder(summary: Summary, config, today: dt.date) -> Path | None:
    """The 催报通知 to the units that have not reported: portrait A4, a proper 通知. None when all have."""
    missing = summary.not_reported
    if not missing:
        return None
    old = config.deadline(summary.period)
    deadline, extended = reminder_deadline(config, summary.period, today)
    text = (
        f"{summary.period.label}{config.subject}{H_PROGRESS}填报表的报送截止日期为{cn_date(old)}。"
        f"截至{cn_date(today)}，仍有{len(missing)}个单位尚未报送。"
    )
    text += (f"报送截止日期已过，请于{cn_date(deadline)}前" if extended else f"请于{cn_date(deadline)}前") + (
        f"按要求填写下发的填报表，报送{config.office}。"
    )
    return _notice_to_missing(summary, config, today, "催报", text, reminder_path(config, summary.period))


def _notice_to_missing(summary: Summary, config, today: dt.date, verb: str, text: str, path: Path) -> Path:
    """A 通知 (关于<verb>…的通知) to the units that have not reported: ``text``, the units with their tasks,
    the contact, the signature."""
    missing = summary.not_reported
    # 主送: the units by name when they are few; "各有关单位" above a list when they are many.
    document = notice_document(
        config,
        ["关于", verb, summary.period.label, config.subject, H_PROGRESS, "的", "通知"],
        today,
        joined_names(missing) if len(missing) <= FEW_RECIPIENTS else "各有关单位",
    )
    add_paragraph(document, text, STYLE_BODY)
    add_paragraph(document, missing_list(missing), STYLE_BODY)
    if config.contact_text:
        add_paragraph(document, f"{config.contact_text}。", STYLE_BODY)
    sign(document, config, today)
    return save(document, path)


def missing_list(missing) -> str:
    """The units yet to report in one paragraph, each with its tasks, so that a long list stays on the page:
    "尚未报送的单位（共2个，括号内为应报任务数）：园区办（14项）、安监局（1项）。"."""
    # a unit whose tasks are all 已办结 still owes its indicators: "（量化指标）", never "（0项）"
    names = "、".join(f"{r.name}（{r.tasks}项）" if r.tasks else f"{r.name}（量化指标）" for r in missing)
    return f"尚未报送的单位（共{len(missing)}个，括号内为应报任务数）：{names}。"


def notice_document(config, title_words, today: dt.date, to: str):
    """A 通知 or 通报 begun: portrait A4, its title (``title_words``, broken between words as a 梯形), 主送 ``to``."""
    document = open_template(config)
    section = document.sections[0]
    page(section, landscape=False)
    section.footer_distance = FOOTER_PORTRAIT
    set_properties(document, "".join(title_words), config.office, today)
    p = add_paragraph(document, "", STYLE_TITLE)
    lines = title_lines(title_words, 20)
    for i, line in enumerate(lines):
        run = p.add_run(line)
        if i < len(lines) - 1:
            run.add_break()
    p = add_paragraph(document, f"{to}：", STYLE_BODY)
    p.paragraph_format.first_line_indent = Pt(0)
    return document


def sign(document, config, today: dt.date) -> None:
    """The 署名 and the date below a blank line, indented as GB/T 9704 §7.3.5.2 sets them (no seal)."""
    add_paragraph(document, "", STYLE_BODY)  # one blank line above the 署名 (§7.3.5.2)
    date_text = cn_date(today)
    name_indent, date_indent = signature_indents(config.office, date_text)
    for text, indent in ((config.office, name_indent), (date_text, date_indent)):
        p = add_paragraph(document, text, STYLE_SIGN)
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        p.paragraph_format.left_indent = Pt(indent)
        # No extra space between Chinese and digits, so that the date is as wide as counted.
        p._p.get_or_add_pPr().append(parse_xml(f'<w:autoSpaceDN {nsdecls("w")} w:val="0"/>'))


def advance_path(config, period) -> Path:
    """outbox/<period>/提醒通知_2010-11.docx."""
    return config.period_dir(period) / f"提醒通知_{period}.docx"


def write_advance_reminder(summary: Summary, config, today: dt.date) -> Path | None:
    """The 提醒通知 before the deadline to the units that have not reported yet; None when all have."""
    missing = summary.not_reported
    if not missing:
        return None
    deadline = config.deadline(summary.period)
    text = (
        f"{summary.period.label}{config.subject}{H_PROGRESS}填报表的报送截止日期为{cn_date(deadline)}，距今还有"
        f"{(deadline - today).days}天。截至{cn_date(today)}，仍有{len(missing)}个单位尚未报送，"
        f"请于{cn_date(deadline)}前按要求填写下发的填报表，报送{config.office}。"
    )
    return _notice_to_missing(summary, config, today, "提醒报送", text, advance_path(config, summary.period))


def bulletin_path(config, period) -> Path:
    """outbox/<period>/预警通报_2010-11.docx."""
    return config.period_dir(period) / f"预警通报_{period}.docx"


def bulletin_request(tasks: list) -> str:
    """The 预警通报's last sentence: what it asks, and of whom; a task whose lead is no concrete unit (未明确牵头单位)
    is not asked of a lead that does not exist."""
    act = "对照预警原因，抓紧推进，并在下期填报表中说明推进情况。"
    unled = [t.task.item for t in tasks if t.status == NO_LEAD]
    if not unled:
        return f"请以上任务的牵头单位{act}"
    if len(unled) == len(tasks):
        return "以上任务尚未明确具体牵头单位，请尽快明确。"
    return f"其中{'、'.join(unled)}尚未明确具体牵头单位，请尽快明确；其余任务的牵头单位请{act}"


def write_bulletin(summary: Summary, config, today: dt.date) -> Path | None:
    """The 预警通报 to the leads of the 红灯 and 黄灯 tasks; None when every task is 绿灯."""
    by_light = summary.by_light
    groups = [(color, by_light[color]) for color in ALERTS if by_light[color]]
    if not groups:
        return None
    label = summary.period.label
    document = notice_document(
        config, ["关于", label, config.subject, "目标任务", "预警情况", "的", "通报"], today, "各有关单位"
    )
    counts = "、".join(f"{color}{len(tasks)}项" for color, tasks in groups)
    add_paragraph(
        document,
        f"截至{cn_date(as_of(summary.period, today))}，{len(summary.tasks)}项目标任务中，"
        f"{counts}。现将有关情况通报如下：",
        STYLE_BODY,
    )
    lines = []
    for n, (color, tasks) in enumerate(groups, start=1):
        lines.append(f"{cn_number(n)}、{color}任务（{len(tasks)}项）")
        lines += [
            f"{i}．{t.task.item}（牵头：{t.task.leads_text}）：{'；'.join(t.light.reasons)}。"
            for i, t in enumerate(tasks, start=1)
        ]
    add_paragraphs(document, lines, STYLE_BODY)
    add_paragraph(document, bulletin_request([t for _, tasks in groups for t in tasks]), STYLE_BODY)
    sign(document, config, today)
    return save(document, bulletin_path(config, summary.period))
