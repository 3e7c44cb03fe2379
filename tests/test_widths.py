"""Text widths, from which every workbook sizes its rows: the fast count agrees with Unicode's widths."""

import unicodedata

from dutytable.vocab import text_width

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
    sample = [0x10000, 0x1F300, 0x1F600, 0x1F64F, 0x1FAFF, 0x20000, 0x2A6DF, 0x2FFFD, 0x30000, 0x3FFFD, 0x40000,
              0xE0001, 0xE0100, 0xF0000, 0x10FFFF, *range(0x10000, 0x110000, 997)]
    for code in sample:
        text = f"中{chr(code)}a，"
        assert measure(text) == _by_definition(text), hex(code)
    assert measure("进度😀ok") == 4.0  # the emoji is wide: 1 + 1 + 1 + 0.5 + 0.5
