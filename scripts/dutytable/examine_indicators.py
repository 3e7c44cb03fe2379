"""The 指标填报 sheet of a return checked: each indicator's value to date as the unit states it.

A value is read as the tool's own wording of the target reads it (indicators.check_reported); a missing
row, an empty value, text that is no number or a number the indicator cannot take is a problem naming its
cell. What is read becomes an :class:`IndicatorValue`, kept in the ledger's indicator_values.
"""

from __future__ import annotations

from dataclasses import dataclass

from .reported import check_reported
from .schema import H_IND_VALUE, H_NOTE
from .vocab import INDICATOR_FORM_SHEET, ZERO
from .workbooks import text_of


@dataclass(frozen=True)
class IndicatorValue:
    """An indicator's value to date as a return states it; ``value`` is None when unreadable."""

    indicator_id: str
    value: float | None
    raw: str
    note: str


def check_indicators(ex, form, expected) -> list:
    """Each indicator the unit reports (``expected``), its value to date read into ``ex``; the problems: what
    cannot be read, or a number the indicator cannot take, names its cell and is marked on the copy sent back."""
    where = f"工作表“{INDICATOR_FORM_SHEET}”"
    marks = ex.fill.indicator_marks
    problems = []
    for ind_id, _task_id, name, target, unit in expected:
        found = form.indicator_rows.get(ind_id)
        if found is None:
            problems.append(
                f"{where}：缺少指标 {ind_id}（{name}）的行，请不要删除“{INDICATOR_FORM_SHEET}”中的行，补上后重新发送。"
            )
            marks[(ind_id, H_IND_VALUE)] = "这一行在交回的表格中被删除了，请补填。"
            continue
        _rownum, raw, note, ref = found
        ex.fill.indicators[ind_id] = {H_IND_VALUE: text_of(raw), H_NOTE: note}
        example = "92%" if unit == "%" else "0" if target == ZERO else "12"
        if raw is None:
            problems.append(f"{where}{ref}（{name}）：{H_IND_VALUE}未填写，请填写数字，例如 {example}。")
            marks[(ind_id, H_IND_VALUE)] = f"请填写截至本月的累计完成值（数字），例如 {example}。"
            continue
        value, doubt = check_reported(raw, target, unit)
        if doubt:  # a number the indicator cannot take: not scored until the department confirms it
            problems.append(f"{where}{ref}（{name}）：{doubt}")
            marks[(ind_id, H_IND_VALUE)] = doubt
        elif value is None:
            problems.append(
                f"{where}{ref}（{name}）：完成值“{text_of(raw)}”无法识别为数字，请改为数字，例如 {example}。"
            )
            marks[(ind_id, H_IND_VALUE)] = (
                f"“{text_of(raw)}”不是数字，请改为数字，例如 {example}；文字说明请写在“{H_NOTE}”中。"
            )
        ex.indicator_values.append(IndicatorValue(ind_id, value, text_of(raw), note))
    return problems
