"""The README's first command writes the same paper as before: every cell value and every line of document text.

The snapshot is tests/fixtures/golden_demo.json (see tests/golden.py for how to update it after a change meant to
alter the outputs). A refactor (behaviour unchanged) must leave it as it is.
"""

import difflib

import golden


def _lines(entry):
    if isinstance(entry, dict):
        return [f"[{sheet}] {row}" for sheet, rows in sorted(entry.items()) for row in rows]
    return list(entry)


def differences(expected, actual):
    """{file: the first changed lines, -old +new} for every file whose text differs; missing or new files too."""
    changed = {}
    for name in sorted(set(expected) | set(actual)):
        old, new = _lines(expected.get(name, [])), _lines(actual.get(name, []))
        if old != new:
            changed[name] = [
                d
                for d in difflib.unified_diff(old, new, lineterm="", n=0)
                if d[:1] in "+-" and d[:3] not in ("---", "+++")
            ][:10]
    return changed


def test_the_demo_writes_the_same_cells_and_text_as_the_snapshot(tmp_path):
    assert differences(golden.load(), golden.demo_snapshot(tmp_path)) == {}


def test_a_changed_cell_is_a_difference_naming_its_file_sheet_and_row():
    expected = {"汇总表.xlsx": {"统计": ["共 18 项", "已完成\t2"]}, "附件1.docx": ["附件1", "标题"]}
    actual = {"汇总表.xlsx": {"统计": ["共 18 项", "已完成\t3"]}, "附件1.docx": ["附件1", "标题"]}
    assert differences(expected, actual) == {"汇总表.xlsx": ["-[统计] 已完成\t2", "+[统计] 已完成\t3"]}
    assert differences(expected, {"汇总表.xlsx": expected["汇总表.xlsx"]}) == {"附件1.docx": ["-附件1", "-标题"]}
