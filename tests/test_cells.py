"""Sizing and writing cells fast: text widths, row heights and cell writers give what the plain ways give."""

import unicodedata

import pytest
from dutytable.vocab import text_width
from dutytable.xlsx import row_height, row_heights

measure = text_width.__wrapped__  # past the cache: each text measured afresh


def _by_definition(text):
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def test_a_cjk_character_is_one_and_a_latin_letter_or_digit_half():
    assert measure("") == 0
    assert measure("ab12") == 2.0
    assert measure("质监分局") == 4.0
    assert measure("完成率92%，") == 5.5  # the full-width comma is wide, the ASCII percent sign is not
    assert measure("ＡＢ９") == 3.0  # full-width letters and digits
    assert measure("Café ½") == 3.0  # Latin-1 and ambiguous characters count half


def test_every_character_of_the_basic_plane_measures_as_unicode_says():
    for code in range(0x10000):
        text = f"中{chr(code)}a"  # never all ASCII, so the counting path measures it
        assert measure(text) == _by_definition(text), hex(code)


def test_characters_beyond_the_basic_plane_measure_as_unicode_says():
    sample = [
        0x10000,
        0x1F300,
        0x1F600,
        0x1F64F,
        0x1FAFF,
        0x20000,
        0x2A6DF,
        0x2FFFD,
        0x30000,
        0x3FFFD,
        0x40000,
        0xE0001,
        0xE0100,
        0xF0000,
        0x10FFFF,
        *range(0x10000, 0x110000, 997),
    ]
    for code in sample:
        text = f"中{chr(code)}a，"
        assert measure(text) == _by_definition(text), hex(code)
    assert measure("进度😀ok") == 4.0  # the emoji is wide: 1 + 1 + 1 + 0.5 + 0.5


# Columns 10 and 4 units wide hold 5.175 and 2.025 full-em characters a line at 10 pt.
WIDTHS = [10, 4]
ROWS = [
    ["质监分局", "是"],  # 1 line each
    ["质监分局质监分局质监分局", ""],  # 12 characters: 3 lines
    ["a\nb\nc", "是"],  # three paragraphs: 3 lines
    ["", "四个汉字"],  # 2 lines
    ["", ""],  # nothing: the least lines
    ["质监分局", "是"],
]


# A line is 1.45 font sizes tall (xlsx.LINE_SPACING), and a row has 4 pt more: 18.5, 33 and 47.5 pt.
@pytest.mark.parametrize(
    ("rows", "least", "heights"),
    [
        (ROWS, 1, [18.5, 47.5, 47.5, 33.0, 18.5, 18.5]),
        (ROWS, 2, [33.0, 47.5, 47.5, 33.0, 33.0, 33.0]),
        ([["质监分局", "四个汉字"], ["质监分局质监分局质监分局", "四个汉字"]], 1, [33.0, 47.5]),  # 2 lines at least
        ([["质监分局", "四个汉字"]] * 3, 1, [33.0] * 3),  # no column taller than another's shortest cell
        ([["a" * 2000, ""]], 1, [409]),  # Excel's highest row
        ([], 1, []),
    ],
)
def test_the_heights_of_a_table_are_those_of_its_rows_one_by_one(rows, least, heights):
    assert row_heights(rows, WIDTHS, 10, least) == heights
    assert [row_height(r, WIDTHS, 10, least) for r in rows] == heights


def test_the_cell_writers_write_what_the_public_writers_write():
    import io
    import zipfile

    from dutytable.xlsx import cell_writers, new_workbook

    def sheet_xml(writers):
        buffer = io.BytesIO()
        wb = new_workbook(buffer, in_memory=True)
        fmt = wb.add_format({"border": 1, "text_wrap": True})
        ws = wb.add_worksheet()
        write_string, write_number, write_blank = writers(ws)
        write_string(0, 0, "质监分局：已完成", fmt)
        write_string(1, 2, "=1+1")  # stays text
        write_string(2, 0, "长" * 40000, fmt)  # cut to Excel's limit by XlsxWriter either way
        write_number(0, 1, 12, fmt)
        write_number(3, 3, 0.925)
        write_blank(1, 0, None, fmt)
        write_blank(1, 1, None)  # no format: no cell
        wb.close()
        with zipfile.ZipFile(buffer) as z:
            return z.read("xl/worksheets/sheet1.xml"), z.read("xl/sharedStrings.xml")

    public = sheet_xml(lambda ws: (ws.write_string, ws.write_number, ws.write_blank))
    assert sheet_xml(cell_writers) == public
    assert b'<c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1"><v>12</v></c>' in public[0]
    assert b'<c r="A2" s="1"/>' in public[0] and b'r="B2"' not in public[0]


def test_the_cell_writers_fall_back_on_the_public_writers():
    from dutytable.xlsx import cell_writers

    class Sheet:  # an XlsxWriter without the undecorated writers
        def write_string(self):
            pass

        def write_number(self):
            pass

        def write_blank(self):
            pass

    sheet = Sheet()
    assert cell_writers(sheet) == (sheet.write_string, sheet.write_number, sheet.write_blank)
