"""Issue 23: unit names and the form's own columns read right in the tables offices publish.

Each table is built the way Word (python-docx: real gridSpan and vMerge merges, several paragraphs
or a line break in a cell) or Excel (merged ranges, line breaks in cells) saves it, and read exactly.
"""

import pytest
from builders import seed_rows
from conftest import SEED
from dutytable.departments import Departments
from dutytable.errors import TableError
from dutytable.table import import_source, read_source
from expected_table import EXPECTED
from expected_table import summary as seed_summary
from shapes import LEFT, UP, Shape, build_docx, build_xlsx, summary

BUILDERS = {"docx": build_docx, "xlsx": build_xlsx}


def _seed_layout(header, departments, cells):
    """The seed's 18 sub-items under ``header``; 序号 and 类别 merged down over their sub-items."""
    rows = [list(r) for r in header]
    first_of = set()
    for seq, cat, item, target, leads, partners in seed_rows(SEED, departments):
        new = seq not in first_of
        first_of.add(seq)
        rows.append([seq if new else UP, cat if new else UP, item, target, *cells(leads, partners)])
    return Shape("seed", [rows], [])


# --- 0. the two-row header: 责任单位 over 牵头单位 | 配合单位, 工作内容 over 类别 | 子项 ----------

TWO_ROW_HEADER = (["序号", "工作内容", LEFT, "工作目标", "责任单位", LEFT],
                  [UP, "类别", "子项", UP, "牵头单位", "配合单位"])


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_two_row_header_over_category_item_and_lead_partner_reads_the_seed_exactly(tmp_path, shipped_config,
                                                                                      kind):
    shape = _seed_layout(TWO_ROW_HEADER, shipped_config.departments, lambda leads, partners: [leads, partners])
    imported = read_source(BUILDERS[kind](tmp_path / f"附件.{kind}", shape), shipped_config.departments)
    assert seed_summary(imported.table) == EXPECTED
    assert imported.table.extra_columns == ()
    assert imported.columns == [("序号", "序号"), ("类别", "类别"), ("工作内容", "工作内容"), ("工作目标", "工作目标"),
                                ("牵头单位", "牵头部门"), ("配合单位", "配合部门")]


def test_more_than_ten_rows_with_one_cause_are_named_once_without_a_doubled_word(tmp_path, shipped_config):
    header = (["序号", "工作内容", LEFT, "工作目标", "责任单位"],)
    shape = _seed_layout(header, shipped_config.departments,
                         lambda leads, partners: ["、".join(([leads] if isinstance(leads, str) else leads)
                                                           + ([partners] if isinstance(partners, str) else partners))])
    with pytest.raises(TableError) as info:
        import_source(build_docx(tmp_path / "附件.docx", shape), shipped_config.departments)
    assert info.value.lines() == [("附件.docx 表格第2、3、4、5、6、7、8、9、10、11等 18 行：责任单位中没有标明牵头单位。"
                                   "请在牵头单位名称后加“（牵头）”，或者在 config.ini 的 [import] 中写"
                                   "“first_listed_lead = 是”（列第一位的为牵头单位）。")]
