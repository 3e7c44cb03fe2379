"""Whose a return is and for which period, as examine.py judges a form read from it.

The unit is the hidden 表单信息's, else the 填报单位 cell's (a form copied into a new file), a former name
read through config.ini's [aliases]; the period is the hidden sheet's, else the title's, else the period
collected. A file name or 填报人 naming another known unit is a doubt to verify with both units, and an
empty 填报人 or 联系电话 is a problem marked on the copy sent back.
"""

from __future__ import annotations

import re

from .errors import UsageError
from .forms import FILLER_LABEL, PHONE_LABEL
from .vocab import META_SHEET, Period


def recipient_of(ex, form, expectations) -> tuple[str | None, str]:
    """(the unit a return is from, as the table names it, ""), how it was identified noted in ``ex``;
    (None, the reason) when ``ex`` is to be rejected for it: no unit is named, or one not in the table."""
    recipient = form.meta.get("recipient", "")
    if recipient:
        ex.identified_by = "表单信息"
    elif form.unit:
        recipient = form.unit
        ex.identified_by = "填报单位单元格"
        ex.notes.append(
            f"未找到隐藏的“表单信息”工作表（可能复制到了新文件中填写），已按“填报单位”单元格识别为“{recipient}”。"
        )
    else:
        return None, (
            f"{ex.original_name}：无法识别填报单位（没有“表单信息”工作表，“填报单位”也是空的），"
            "请对方使用下发的填报表填写后重新发送。"
        )
    present = expectations.aliases.get(recipient)
    if recipient not in expectations.recipients and present in expectations.recipients:
        ex.notes.append(f"表格中的填报单位“{recipient}”按 config.ini 的 [aliases] 视为“{present}”。")
        recipient = present
    ex.recipient = recipient
    if recipient not in expectations.recipients:
        return None, (
            f"{ex.original_name}：填报单位“{recipient}”不在填报单位名单中，请核对单位名称；"
            "如确属新增单位，请先在责任分解表或 config.ini 中加入，再把此文件放回 inbox 重新收取。"
        )
    return recipient, ""


def identity_problems(ex, form, recipient: str, expectations) -> list:
    """The form's period, who filled it in and when; the problems of a doubtful sender or an empty 填报人/联系电话."""
    problems = _period_problems(ex, form, expectations)
    ex.filler, ex.phone, ex.fill_date = form.filler, form.phone, form.date
    problems.extend(_sender_doubts(ex.original_name, form.filler, recipient, expectations))
    problems.extend(_header_problems(ex.fill, form, f"工作表“{form.sheet}”"))
    return problems


def _period_problems(ex, form, expectations) -> list:
    """Set ``ex.period`` from the hidden sheet, else the title, else the period collected; a bad one is a problem."""
    written = form.meta.get("period", "")
    if written:
        ex.period = _period_of(written)
        if ex.period is None:  # never used as written: it becomes part of the archive's path
            ex.period = expectations.period
            return [
                f"工作表“{META_SHEET}”：期次“{written}”无效（应为“年-月”，例如 2010-11），"
                f"已按本次收取的期次 {expectations.period} 处理，请核对。"
            ]
        return []
    titled = Period.from_label(form.title)
    ex.period = str(titled) if titled else expectations.period
    if not titled:
        ex.notes.append(f"表格中没有写明期次，按本次收取的期次 {expectations.period} 处理。")
    return []


def _header_problems(fill, form, where) -> list:
    """填报人 and 联系电话 left empty, each marked on the copy sent back."""
    problems = []
    for label, value in ((FILLER_LABEL, form.filler), (PHONE_LABEL, form.phone)):
        if not value:
            ref = form.header_refs.get(label, "")
            problems.append(f"{where}{ref}：{label.rstrip('：')}未填写，请补填。")
            fill.header_marks[label] = f"{label.rstrip('：')}未填写，请补填。"
    return problems


def _sender_doubts(name: str, filler: str, owner: str, expectations) -> list:
    """One line when the file's (or its zip's) name or the 填报人 cell names a known unit other than the owner.

    The longest unit name found counts; among names as long, the one earlier in the table.
    """
    units, lengths = expectations.positions, expectations.name_lengths
    for source, text in ((f"文件名“{name}”", name), (f"{FILLER_LABEL.rstrip('：')}“{filler}”", filler)):
        # Every piece of the text as long as some unit's name: as quick with 10,000 units as with 10.
        others = {
            piece
            for n in lengths
            for i in range(len(text) - n + 1)
            if (piece := text[i : i + n]) in units and piece != owner and piece not in owner
        }
        if others:
            other = min(others, key=lambda u: (-len(u), units[u]))
            return [
                f"{name}：这是{owner}的填报表，但{source}写的是{other}，像是{other}用{owner}的表填报的；"
                f"已暂按{owner}登记为待补正，{other}仍算未报送，请向两个单位核实。"
            ]
    return []


def _period_of(text: str) -> str | None:
    """``YYYY-MM`` as written in a form's hidden sheet, checked; None when it is anything else."""
    if not re.fullmatch(r"\d{4}-\d{2}", text):
        return None
    try:
        return str(Period.parse(text))
    except UsageError:
        return None
