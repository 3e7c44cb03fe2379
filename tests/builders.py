"""Build real input files the way they arrive: a Word 附件 table, a Word-layout workbook."""

import docx
import xlsxwriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from dutytable.importer import import_source

HEADER = ["序号", "工作内容", "工作内容", "工作目标", ["牵头部门", "（责任部门）"], "配合部门（单位）"]


def _set_cell(cell, value):
    """Write a cell; a list becomes several paragraphs, as Word stores a narrow wrapped cell."""
    paragraphs = value if isinstance(value, list) else [value]
    cell.text = paragraphs[0]
    for extra in paragraphs[1:]:
        cell.add_paragraph(extra)


def _mark_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def seed_rows(seed_path, departments):
    """The seed's sub-items with the cell paragraphs Word would have.

    Narrow cells wrap every two characters (提高 / 质量 / 水平); two lead departments
    stand in two paragraphs; a long partner list breaks before 各镇、街道, as in the seed.
    """
    table = import_source(seed_path, departments)
    rows = []
    for t in table.tasks:
        cat = [t.category[i : i + 2] for i in range(0, len(t.category), 2)]
        item = [t.item[i : i + 2] for i in range(0, len(t.item), 2)]
        leads = t.leads_text if "各镇" in t.leads_text else t.leads_text.split("、")
        partners = t.partners_text
        if partners.endswith("、各镇、街道") and t.seq % 2:
            partners = [partners[: -len("各镇、街道")], "各镇、街道"]
        rows.append((str(t.seq), cat, item, t.target, leads, partners))
    return rows


def build_docx(path, rows, split_target_of=None, repeat_header_before=None):
    """A Word 附件 like the one the seed was exported from.

    序号 and 类别 cells are merged vertically over their sub-items, 工作内容 spans two
    columns in the header, cells hold several paragraphs, the header row is marked to
    repeat and is repeated (as typed again) before row ``repeat_header_before``, and the
    target of sub-item ``split_target_of`` continues in a row of its own, as after a page break.
    """
    document = docx.Document()
    document.add_paragraph("附件1：")
    document.add_paragraph("2010年区质量振兴工作目标任务责任分解表")
    table = document.add_table(rows=0, cols=6)
    table.style = "Table Grid"

    def add_header():
        row = table.add_row()
        for i, value in enumerate(HEADER):
            if i != 2:
                _set_cell(row.cells[i], value)
        row.cells[1].merge(row.cells[2])
        row.cells[1].text = "工作内容"
        _mark_header(row)

    add_header()
    start_of_seq = {}
    for index, (seq, cat, item, target, leads, partners) in enumerate(rows):
        if repeat_header_before == index:
            add_header()
            start_of_seq.clear()  # after a page break the category is written again
        pieces = [target]
        if item == split_target_of or "".join(item) == split_target_of:
            cut = len(target) // 2
            pieces = [target[:cut], target[cut:]]
        row = table.add_row()
        first = seq not in start_of_seq
        if first:
            start_of_seq[seq] = row
            _set_cell(row.cells[0], seq)
            _set_cell(row.cells[1], cat)
        else:
            top = start_of_seq[seq]
            top.cells[0].merge(row.cells[0])
            top.cells[1].merge(row.cells[1])
        _set_cell(row.cells[2], item)
        _set_cell(row.cells[3], pieces[0])
        _set_cell(row.cells[4], leads)
        _set_cell(row.cells[5], partners)
        if len(pieces) > 1:
            cont = table.add_row()
            start_of_seq[seq].cells[0].merge(cont.cells[0])
            start_of_seq[seq].cells[1].merge(cont.cells[1])
            _set_cell(cont.cells[3], pieces[1])
    document.save(str(path))
    return path


def build_word_layout_xlsx(path, rows):
    """The Word table pasted into Excel: merged 序号 and 类别 cells, a title row above the header."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    ws.merge_range(0, 0, 0, 5, "2010年区质量振兴工作目标任务责任分解表")
    ws.write_row(1, 0, ["序号", "工作内容", "", "工作目标", "牵头部门（责任部门）", "配合部门（单位）"])
    r = 2
    groups = {}
    for seq, cat, item, target, leads, partners in rows:
        groups.setdefault(seq, []).append((cat, item, target, leads, partners))
    for seq, members in groups.items():
        first = r
        for cat, item, target, leads, partners in members:
            ws.write_row(
                r, 2, ["".join(item), target] + ["\n".join(v) if isinstance(v, list) else v for v in (leads, partners)]
            )
            r += 1
        if r - 1 > first:
            ws.merge_range(first, 0, r - 1, 0, int(seq))
            ws.merge_range(first, 1, r - 1, 1, "\n".join(members[0][0]))
        else:
            ws.write_number(first, 0, int(seq))
            ws.write_string(first, 1, "\n".join(members[0][0]))
    wb.close()
    return path
