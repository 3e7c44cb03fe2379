"""The year's Word 附件: the 单位报送 table of the 年度汇总 in the house style of 附件1 (GB/T 9704-2012).

Its units by rank or in the table's order ([report] annual_order), every column head on one line.
"""

from __future__ import annotations

from pathlib import Path

from .config import ORDER_RANK, Assessment
from .schema import H_FIX_COUNT, H_ON_TIME_RATE, H_RANK, H_SCORE, H_SEQ, H_UNIT
from .vocab import NO_DATA, month_header, needs_attention
from .wordml import (
    PT_5,
    PT_S4,
    STYLE_CELL,
    STYLE_HEAD,
    cell_xml,
    head_mm,
    table_xml,
    write_attachment,
)


def report_path(config, year: int) -> Path:
    return config.outbox / f"附件{config.attachment_annual}_{year}年{config.subject}单位报送情况年度汇总表.docx"


def score_rule(rule: Assessment) -> str:
    """The rule in one sentence, as the workbook and the 附件 print it."""
    return (
        f"评分规则：每期按时报送得{rule.on_time}分，逾期报送得{rule.late}分，"
        f"报送后仍待补正得{rule.to_fix}分（逾期且待补正取两者中较低的），未报送得{rule.missing}分；"
        f"按时与否以该期第一份有效报送的收到日期与截止日期比较；{NO_DATA}的月份不计分。"
    )


TYPE_AREA_MM = 297 - 35 - 37  # the landscape page's text width (GB/T 9704, as 附件1)
FIXED_COLUMNS = (H_SEQ, H_UNIT, H_ON_TIME_RATE, H_FIX_COUNT, H_SCORE, H_RANK)
UNIT_MM = 34  # 填报单位: a long name wraps
MONTH_TEXT = "逾期10天"  # a month's usual widest cell: the months on one line each at 小四, else the table at 五号


def word_columns(periods: list) -> tuple:
    """((header, width mm) of the 附件's table, 五号 or not): every head on one line; the months share what the
    other columns leave; 五号 when a month at 小四 could not hold :data:`MONTH_TEXT` on one line."""
    for size in (PT_S4, PT_5):
        widths = {h: head_mm(h, size.pt) for h in FIXED_COLUMNS}
        widths[H_UNIT] = UNIT_MM
        month = (TYPE_AREA_MM - sum(widths.values())) / max(len(periods), 1)
        if month >= head_mm(MONTH_TEXT, size.pt) or size == PT_5:
            break
    columns = (
        [(h, widths[h]) for h in FIXED_COLUMNS[:2]]
        + [(month_header(p), month) for p in periods]
        + [(h, widths[h]) for h in FIXED_COLUMNS[2:]]
    )
    return columns, size == PT_5


def printed_units(s, order: str) -> list:
    """The units in the 附件's order: by rank (equal ranks in the table's order), the units the present table
    does not list last; or in the table's order (``order`` is config's annual_order)."""
    if order != ORDER_RANK:
        return list(s.units)
    return sorted(s.units, key=lambda u: (u.rank is None, u.rank or 0))


def write_report(s, config) -> Path:
    """The 单位报送 table as a Word 附件 in the house style of 附件1; returns its path."""
    return write_attachment(
        config,
        (config.attachment_annual, f"{s.title}单位报送情况年度汇总表", s.day),
        [score_rule(s.rule)] + s.not_due_notes + s.no_data_notes,
        lambda ids: _table_xml(s, ids, config.annual_order),
        report_path(config, s.year),
        as_of=s.coverage,
    )


def _table_xml(s, ids: dict, order: str) -> str:
    cell_style, head_style = ids[STYLE_CELL], ids[STYLE_HEAD]
    columns, small = word_columns(s.periods)
    widths = [w for _, w in columns]
    row_props = "<w:trPr><w:cantSplit/>{}</w:trPr>"
    head = "".join(cell_xml(name, w, head_style, center=True, small=small) for name, w in columns)
    rows = [f"<w:tr>{row_props.format('<w:tblHeader/>')}{head}</w:tr>"]
    for n, u in enumerate(printed_units(s, order), start=1):
        rate = u.on_time_rate
        values = (
            [str(n), u.name + ("（不在当前主表中）" if not u.listed else "")]
            + [u.cell(p, s.data_periods) for p in s.periods]
            + [
                "" if rate is None else f"{rate:.1%}",
                str(u.fixes),
                "" if u.score is None else str(u.score),
                "" if u.rank is None else str(u.rank),
            ]
        )
        months = range(2, 2 + len(s.periods))
        cells = "".join(
            cell_xml(v, w, cell_style, center=c != 1, small=small, bold=c in months and needs_attention(v))
            for c, (v, w) in enumerate(zip(values, widths))
        )
        rows.append(f"<w:tr>{row_props.format('')}{cells}</w:tr>")
    return table_xml(widths, rows)
