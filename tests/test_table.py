"""Stage 1: the responsibility table loads the same from every source; bad tables get row-precise Chinese."""

import openpyxl
import pytest
from builders import build_docx, build_word_layout_xlsx, seed_rows
from conftest import SEED, SEED_TABLE, run_script
from dutytable.departments import Departments
from dutytable.errors import InputError, TableError
from dutytable.importer import import_source
from dutytable.master import load_table, write_table
from expected_table import EXPECTED, TARGETS, summary

TEMPLATE = SEED_TABLE


def test_shipped_template_has_the_18_sub_items(shipped_config):
    table = load_table(TEMPLATE, shipped_config.departments)
    assert summary(table) == EXPECTED
    assert len(table.categories) == 5
    for task_id, target in TARGETS.items():
        assert table.task(task_id).target == target


def test_seed_text_export_imports_the_same(shipped_config):
    table = import_source(SEED, shipped_config.departments)
    assert summary(table) == EXPECTED
    assert table.title == "2010年区质量振兴工作目标任务责任分解表"
    assert table.task("T0101").leads_text == "质监分局、药监分局"
    assert table.task("T0202").partners_text == "各镇政府、街道办事处、园区办"  # wording kept, alias applied on load
    for task_id, target in TARGETS.items():
        assert table.task(task_id).target == target


def test_word_docx_with_merges_paragraphs_repeated_header_and_continuation(tmp_path, shipped_config):
    rows = seed_rows(SEED, shipped_config.departments)
    path = build_docx(tmp_path / "附件1.docx", rows, split_target_of="环境质量", repeat_header_before=6)
    table = import_source(path, shipped_config.departments)
    assert summary(table) == EXPECTED
    seed = import_source(SEED, shipped_config.departments)
    assert [t.target for t in table.tasks] == [t.target for t in seed.tasks]
    assert table.title == "2010年区质量振兴工作目标任务责任分解表"


def test_word_layout_xlsx_with_merged_cells(tmp_path, shipped_config):
    rows = seed_rows(SEED, shipped_config.departments)
    path = build_word_layout_xlsx(tmp_path / "分解表.xlsx", rows)
    table = import_source(path, shipped_config.departments)
    assert summary(table) == EXPECTED


def test_written_table_reads_back_with_openpyxl_as_text_ids(tmp_path, shipped_config):
    table = import_source(SEED, shipped_config.departments)
    out = tmp_path / "主表.xlsx"
    write_table(table, out)
    ws = openpyxl.load_workbook(out)["责任分解表"]
    assert [c.value for c in ws[1]] == ["任务编号", "序号", "类别", "工作内容", "工作目标", "牵头部门", "配合部门"]
    assert ws["A2"].value == "T0101" and ws["A2"].data_type == "s"
    assert ws["C3"].value == "提高质量水平"  # every row complete: no blank standing in for a merge
    assert ws.max_row == 19
    assert ws.auto_filter.ref == "A1:G19"
    assert summary(load_table(out, shipped_config.departments)) == EXPECTED


# --- departments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, names",
    [
        ("质监分局\n药监分局", ["质监分局", "药监分局"]),
        ("经发局、园区办、\n各镇、街道", ["经发局", "园区办", "各镇、街道"]),
        ("各镇政府、街道办事处、园区办", ["各镇、街道", "园区办"]),
        ("区相关部门、各镇、街道", ["区有关部门", "各镇、街道"]),
        ("城建局 社会事业局，园区办", ["城建局", "社会事业局", "园区办"]),
        ("质监分局、质监分局", ["质监分局"]),
        ("", []),
    ],
)
def test_department_lists_split(text, names):
    d = Departments({"各镇政府、街道办事处": "各镇、街道", "区相关部门": "区有关部门"})
    assert d.split(text) == names


def test_groups_expand_collectives_and_an_unexpanded_one_is_no_recipient(shipped_config):
    table = load_table(TEMPLATE, shipped_config.departments)
    recipients = {r.name: r for r in table.recipients(shipped_config.departments)}
    assert len(recipients) == 23
    assert "各镇、街道" not in recipients
    assert recipients["罗溪镇"].task_ids == [t[0] for t in EXPECTED]  # every sub-item names 各镇、街道
    assert recipients["罗溪镇"].role_of("T0501") == "牵头" and recipients["罗溪镇"].role_of("T0101") == "配合"
    assert "区有关部门" not in recipients  # a collective no group expands gets no form
    assert table.collectives(shipped_config.departments) == ["区有关部门"]
    assert recipients["质监分局"].role_of("T0103") == "配合"
    assert recipients["药监分局"].task_ids == ["T0101"]


def test_unexpanded_collective_is_mentioned_once(workdir):
    result = run_script("import_table.py", SEED, "--config", workdir / "config.ini", "--force")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "原主表已备份为 " + lines[0][len("原主表已备份为 ") :]  # a backup was made first
    assert (
        lines[1]
        == f"已导入 18 项工作内容（5 个类别），共 23 个填报单位，写入 {workdir / 'templates' / '责任分解表.xlsx'}。"
    )
    assert lines[2] == (
        "表中的单位（16 个）：“质监分局”“药监分局”“园区办”“各镇、街道”（集体，展开为 9 个单位）“城建局”"
        "“经发局”“社会事业局”“工商分局”“交通分局”“环保局”“科技局”“农业局”“国税局”“地税四分局”"
        "“区有关部门”（集体，不发填报表）“安监局”。"
    )
    assert lines[3:] == [
        "年度：2010（读自标题），与 config.ini 中的相同。",
        (
            "工作名称：区质量振兴工作（读自标题），与 config.ini 中的相同；"
            "汇总表的标题将是“2010年区质量振兴工作目标任务推进情况汇总表”。"
        ),
        "发文单位：区质量振兴工作领导小组办公室（工作名称未变，沿用 config.ini 中的）。",
        "提示：“区有关部门”是集体名称，不发填报表，T0401、T0403 因此没有具体的牵头单位"
        "（完成状态为“未明确牵头单位”）；如需发给其中每个单位，"
        "请在 config.ini 的 [groups] 中列出，例如“区有关部门 = 单位甲、单位乙”。",
        "提示：指标 T0401-1（区域性和严重影响新北形象和声誉的制假售假行为）没有填报单位：任务 T0401 的牵头单位"
        "“区有关部门”是集体名称，不发填报表；请在 config.ini 的 [groups] 中列出其中的单位，"
        "例如“区有关部门 = 单位甲、单位乙”，或在主表“指标”工作表中填写该指标的填报单位。",
    ]
    assert list(workdir.glob("config.备份-*")) == []  # config.ini says the same already: not touched
    backups = list((workdir / "templates").glob("责任分解表.备份-*.xlsx"))
    assert len(backups) == 1 and backups[0].name == lines[0][len("原主表已备份为 ") : -1]


def test_import_refuses_to_overwrite_without_force(workdir):
    before = (workdir / "templates" / "责任分解表.xlsx").read_bytes()
    result = run_script("import_table.py", SEED, "--config", workdir / "config.ini")
    assert result.returncode == 4
    assert result.stderr == (
        f"{workdir / 'templates' / '责任分解表.xlsx'} 已存在，为免覆盖未写入："
        "如要用 seed_2010.txt 替换它，请加 --force（旧文件会先备份）。\n"
    )
    assert (workdir / "templates" / "责任分解表.xlsx").read_bytes() == before


# --- bad tables: one row-precise line of Chinese each ---------------------------------------


def _edit_template(tmp_path, edit):
    wb = openpyxl.load_workbook(TEMPLATE)
    ws = wb["责任分解表"]
    edit(ws)
    path = tmp_path / "主表.xlsx"
    wb.save(path)
    return path


BAD_TABLES = [
    (
        "empty target",
        lambda ws: setattr(ws["E3"], "value", None),
        ["主表.xlsx 工作表“责任分解表”第3行（工程质量）：工作目标为空，请填写该项的工作目标。"],
    ),
    (
        "no lead",
        lambda ws: setattr(ws["F5"], "value", "  "),
        [
            "主表.xlsx 工作表“责任分解表”第5行（环境质量）：没有牵头部门，请至少填写一个牵头部门，多个部门用顿号“、”分隔。"
        ],
    ),
    (
        "duplicate sub-item",
        lambda ws: (setattr(ws["D4"], "value", "工程质量"), setattr(ws["A4"], "value", "T0199")),
        [
            "主表.xlsx 工作表“责任分解表”第4行（工程质量）：与第3行重复（类别“提高质量水平”下已有“工程质量”），请合并这两行或修改其中一项的名称。"
        ],
    ),
    (
        "duplicate id",
        lambda ws: setattr(ws["A4"], "value", "T0101"),
        [
            "主表.xlsx 工作表“责任分解表”第4行（服务质量）：任务编号“T0101”与第2行重复，每行的编号必须不同，请改为 T0103。"
        ],
    ),
    (
        "empty id",
        lambda ws: setattr(ws["A19"], "value", None),
        ["主表.xlsx 工作表“责任分解表”第19行（培训）：任务编号为空，请填写一个未用过的编号，例如 T0502。"],
    ),
    (
        "seq not a number",
        lambda ws: setattr(ws["B2"], "value", "一"),
        ["主表.xlsx 工作表“责任分解表”第2行（产品质量）：序号“一”不是数字，请填写该项所属类别的序号，例如 1。"],
    ),
    (
        "column renamed",
        lambda ws: setattr(ws["F1"], "value", "牵头单位"),
        [
            "主表.xlsx 工作表“责任分解表”第1行：缺少“牵头部门”列，表头“牵头单位”是否由它改名而来？请把表头改回“牵头部门”。"
        ],
    ),
    (
        "column missing",
        lambda ws: ws.delete_cols(7),
        [
            "主表.xlsx 工作表“责任分解表”第1行：缺少“配合部门”列，请恢复该列，表头必须是：任务编号、序号、类别、工作内容、工作目标、牵头部门、配合部门。"
        ],
    ),
    (
        "two problems",
        lambda ws: (setattr(ws["E3"], "value", None), setattr(ws["F10"], "value", None)),
        [
            "主表.xlsx 工作表“责任分解表”第3行（工程质量）：工作目标为空，请填写该项的工作目标。",
            "主表.xlsx 工作表“责任分解表”第10行（民生计量）：没有牵头部门，请至少填写一个牵头部门，多个部门用顿号“、”分隔。",
        ],
    ),
    (
        "no rows",
        lambda ws: ws.delete_rows(2, 18),
        ["主表.xlsx 工作表“责任分解表” 中没有任何任务：请从第2行起每行填写一项工作内容。"],
    ),
]


@pytest.mark.parametrize("name, edit, lines", BAD_TABLES, ids=[b[0] for b in BAD_TABLES])
def test_bad_table_errors_name_the_row_and_the_fix(tmp_path, shipped_config, name, edit, lines):
    path = _edit_template(tmp_path, edit)
    with pytest.raises(TableError) as info:
        load_table(path, shipped_config.departments)
    assert info.value.lines() == lines
    assert info.value.exit_code == 3


def test_bad_table_from_a_script_is_one_line_and_exit_3(workdir):
    wb = openpyxl.load_workbook(workdir / "templates" / "责任分解表.xlsx")
    wb["责任分解表"]["E3"] = None
    bad = workdir / "坏表.xlsx"
    wb.save(bad)
    result = run_script("import_table.py", bad, "--config", workdir / "config.ini", "--output", workdir / "新表.xlsx")
    assert result.returncode == 3
    assert result.stderr == "坏表.xlsx 工作表“责任分解表”第3行（工程质量）：工作目标为空，请填写该项的工作目标。\n"
    assert "Traceback" not in result.stderr
    assert not (workdir / "新表.xlsx").exists()


def test_docx_without_a_table_is_refused(tmp_path, shipped_config):
    import docx

    d = docx.Document()
    d.add_paragraph("通知正文")
    d.save(tmp_path / "通知.docx")
    with pytest.raises(InputError) as info:
        import_source(tmp_path / "通知.docx", shipped_config.departments)
    assert str(info.value) == (
        "通知.docx：文件中既没有表格，也没有写明责任单位的编号条目"
        "（如“1.……（牵头单位：……；责任单位：……）”），请确认这是目标任务责任分解表。"
    )


def test_binary_source_is_refused(tmp_path, shipped_config):
    (tmp_path / "图片.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(InputError) as info:
        import_source(tmp_path / "图片.png", shipped_config.departments)
    assert str(info.value) == (
        "图片.png：不是 Word 表格、文本或 Excel 表格，无法导入。请提供 .docx、.doc、.wps、.txt、.xlsx 或 .xls 文件。"
    )


def test_text_export_rows_without_a_lead_are_named_in_one_line(tmp_path, shipped_config):
    text = SEED.read_text(encoding="utf-8").replace("\t城建局\n", "\t\n").replace("\t环保局\n", "\t\n")
    (tmp_path / "表.txt").write_text(text, encoding="utf-8")
    with pytest.raises(TableError) as info:
        import_source(tmp_path / "表.txt", shipped_config.departments)
    assert info.value.lines() == ["表.txt 文本第28、46行：没有牵头单位，请至少填写一个牵头单位。"]


def test_text_export_category_numbers_need_not_be_digits(tmp_path, shipped_config):
    text = SEED.read_text(encoding="utf-8").replace("\t3\n", "\t三\n")
    (tmp_path / "表.txt").write_text(text, encoding="utf-8")
    assert summary(import_source(tmp_path / "表.txt", shipped_config.departments)) == EXPECTED
