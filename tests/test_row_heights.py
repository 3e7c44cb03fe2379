"""Row heights count the lines a wrapped cell takes as Excel, WPS and LibreOffice fill them: whole characters a
line, a word of Latin letters and digits never split, no line starting with a closing mark or ending with an
opening one."""

import math
import random
import re
import subprocess

import pytest
from conftest import libreoffice_convert, needs_libreoffice
from dutytable import consolidate
from dutytable.vocab import text_width
from dutytable.xlsx import _per_line, new_workbook, text_lines

LAGGING = "黄灯（指标低于序时进度：完成75%，序时92%）"  # 21 character widths


def _by_width(text: str, width: float) -> int:
    """The count before line filling: the text's width over a line's, rounded up."""
    return sum(max(math.ceil(text_width(p) / _per_line(width, 10)), 1) for p in text.split("\n"))


# At 10 pt a column 4, 8.5, 10, 10.5 and 11.5 units wide holds 2.025, 4.35, 5.175, 5.4 and 5.925 character widths.
@pytest.mark.parametrize(
    ("text", "width", "lines", "by_width"),
    [
        # 黄灯（指|标低于序|时进度：|完成|75%，序|时92%）: "：" stays with "度", "75%，" does not fit after "完成"
        (LAGGING, 8.5, 6, 5),
        # 黄灯|（指|标低|于序|时进|度：|完成|75%|，序|时|92%|）: a word wider than a line is broken by characters
        (LAGGING, 4, 12, 11),
        (LAGGING, 12, 4, 4),
        # 完成时限|2026年9月|30日: "2026" and "30" kept whole
        ("完成时限2026年9月30日", 10.5, 3, 2),
        # 一二三四|五。六七八|九: "。" never starts a line, so "五" goes with it
        ("一二三四五。六七八九", 10, 3, 2),
        # 一二三四|（五六）七|八: "（" never ends a line
        ("一二三四（五六）七八", 10, 3, 2),
        # 编号|AAAAAAAAAA|AAAAAAAAAA|AA完: a Latin run wider than a line starts one and fills it by characters
        ("编号" + "A" * 22 + "完", 10, 4, 3),
        ("A" * 30, 10, 3, 3),
        # 5 of 5.925 widths a line: whole characters only
        ("一二三四五六七八九十一", 11.5, 3, 2),
        ("一二三四五", 10, 1, 1),
        ("一二三\n四五六七八九", 10, 3, 3),  # each paragraph starts a line
        ("", 10, 1, 1),
    ],
)
def test_a_cell_takes_the_lines_of_greedy_filling_at_its_breaks(text, width, lines, by_width):
    assert text_lines(text, width, 10) == lines
    assert _by_width(text, width) == by_width


def test_the_count_is_never_below_the_texts_width_over_a_lines():
    rng = random.Random(2026)
    pieces = "一 序时 （ ） ， 。 、 ： 「 」 75% 2026 A ab - / “ ”".split() + [" "]
    grown = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        width = rng.choice([3, 4, 5.5, 8, 10, 12, 16, 20, 30])
        lines, before = text_lines(text, width, 10), _by_width(text, width)
        assert lines >= before, (text, width)
        grown += lines > before
    assert grown > 300  # the rules do break lines earlier in many of them


def _lines_above(pdf, text: str, below: str) -> str:
    """The words of ``text`` on the first page that lie wholly above the word ``below`` (the next row's cell)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    page = re.search(r"<page [^>]*>(.*?)</page>", out, re.S)[1]
    words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page)
    top = next(float(y0) for y0, _, word in words if word == below)
    return "".join(word for _, y1, word in words if float(y1) <= top and word in text)


@needs_libreoffice
def test_a_lagging_reason_prints_whole_in_a_narrow_column(tmp_path):
    src = tmp_path / "汇总表.xlsx"
    wb = new_workbook(src, font={"font_name": consolidate.FONT, "font_size": consolidate.FONT_PT})
    headers = [("序号", 5), ("预警", 4)]
    consolidate._table_sheet(wb, consolidate._formats(wb), "汇总", "汇总表", headers, [("1", LAGGING), ("下一行", "")])
    wb.close()
    pdf = libreoffice_convert(src, "pdf", tmp_path / "pdf")
    assert _lines_above(pdf, LAGGING, "下一行") == LAGGING  # ends "…序时92%）": no line cut off by the row's foot
