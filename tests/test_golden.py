"""The README's first command writes the same paper as before: every cell value and every line of document text.

The snapshot is tests/fixtures/golden_demo.json (see tests/golden.py for how to update it after a change meant to
alter the outputs). A refactor (behaviour unchanged) must leave it as it is.
"""

import difflib

import golden


def _lines(entry):
    if isinstance(entry, dict):
        return [f"[{sheet}] {row}" for sheet, rows in entry.items() for row in rows]
    return list(entry)


def test_the_demo_writes_the_same_cells_and_text_as_the_snapshot(tmp_path):
    expected, actual = golden.load(), golden.demo_snapshot(tmp_path)
    assert sorted(actual) == sorted(expected)
    changed = {}
    for name in sorted(expected):
        if actual[name] != expected[name]:
            diff = difflib.unified_diff(_lines(expected[name]), _lines(actual[name]), lineterm="", n=0)
            changed[name] = list(diff)[2:12]
    assert changed == {}


def test_the_snapshot_sees_a_changed_cell(tmp_path):
    """The comparison can fail: one word changed in one cell of the 汇总 workbook is a difference."""
    expected = golden.load()
    book = next(name for name in expected if name.endswith(".xlsx") and "汇总表" in name)
    sheet = next(iter(expected[book]))
    altered = dict(expected[book], **{sheet: [expected[book][sheet][0] + "X"] + expected[book][sheet][1:]})
    assert altered != expected[book]
