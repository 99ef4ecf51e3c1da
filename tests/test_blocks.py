import codecs

import pytest

from classifier import InputError, split_blocks
from classifier.blocks import Limits, check_blocks, decode_page


def test_split_blocks_strips_lines_and_drops_blank_ones():
    page = "  Headline here \n\n\tFirst paragraph.\r\n   \nSecond one.\n"
    assert split_blocks(page) == ["Headline here", "First paragraph.", "Second one."]


def test_split_blocks_accepts_utf8_bytes_with_bom():
    assert split_blocks("\ufeffÜber uns\nPreis: 5 €".encode("utf-8")) == ["Über uns", "Preis: 5 €"]


@pytest.mark.parametrize("data, message", [
    (b"caf\xe9 au lait", "not valid UTF-8"),
    (b"\x00\x01\x02binary", "NUL bytes"),
    (12, "expected text or bytes"),
], ids=["latin1-bytes", "binary", "not-text"])
def test_bad_pages_raise_input_error(data, message):
    with pytest.raises(InputError, match=message):
        split_blocks(data)


def test_page_over_size_limit_is_refused():
    with pytest.raises(InputError, match="over the limit"):
        split_blocks("x" * 101, limits=Limits(max_page_chars=100))
    assert split_blocks("x" * 100, limits=Limits(max_page_chars=100)) == ["x" * 100]


def test_page_over_block_limit_is_refused():
    with pytest.raises(InputError, match="blocks, over the limit"):
        split_blocks("a\n" * 11, limits=Limits(max_blocks=10))
    assert split_blocks("a\n" * 10 + "\n \n", limits=Limits(max_blocks=10)) == ["a"] * 10


def test_check_blocks_rejects_a_single_string_and_non_strings():
    with pytest.raises(InputError, match="single string"):
        check_blocks("one page as a string")
    with pytest.raises(InputError, match="block 1: expected str"):
        check_blocks(["fine", None])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_text_pages_with_a_byte_order_mark_are_read_in_its_encoding(encoding):
    page = "Überschrift\nErster Absatz über die Stadtwerke, mit Ümlauten: 30 € pro Monat.\n"
    data = (codecs.BOM_UTF16_BE + page.encode(encoding) if encoding == "utf-16-be"
            else page.encode(encoding))                   # "utf-16-be" writes no BOM itself
    assert split_blocks(data) == ["Überschrift", page.splitlines()[1]]


def test_a_page_whose_bytes_break_its_byte_order_mark_names_the_encoding():
    with pytest.raises(InputError, match=r"upload.txt: not valid UTF-16 \(byte 2"):
        decode_page(codecs.BOM_UTF16_LE + b"\x00\xd8", source="upload.txt")   # a lone surrogate


def test_decode_page_names_the_source():
    with pytest.raises(InputError, match="upload.txt"):
        decode_page(b"caf\xe9", source="upload.txt")


def test_a_50_mb_page_is_refused_with_a_clear_error():
    with pytest.raises(InputError, match=r"50,000,000 characters, over the limit of "
                                         r"10,000,000 \(max_page_chars\)"):
        split_blocks("word " * 10_000_000)


def test_a_page_of_a_million_one_character_lines_is_refused():
    with pytest.raises(InputError, match=r"1,000,000 blocks, over the limit of 50,000 \(max_blocks\)"):
        split_blocks("x\n" * 1_000_000)


def test_lines_split_on_every_line_boundary_of_str_splitlines():
    page = "a\rb\r\nc\x0bd\x0ce\x1cf\x1dg\x1eh\x85i\u2028j\u2029k\n"
    assert split_blocks(page) == page.splitlines() == list("abcdefghijk")


def test_check_blocks_applies_the_page_limits_to_a_block_list():
    with pytest.raises(InputError, match="block list has 4 blocks, over the limit of 3"):
        check_blocks(["a", "b", "c", "d"], limits=Limits(max_blocks=3))
    with pytest.raises(InputError, match="block list has 12 characters, over the limit of 10"):
        check_blocks(["abcdef", "ghijkl"], limits=Limits(max_page_chars=10))
    assert check_blocks(["abcde", "fghij"], limits=Limits(max_page_chars=10)) == ["abcde", "fghij"]


@pytest.mark.parametrize("field, value", [("max_page_chars", 0), ("max_blocks", -1),
                                          ("max_page_chars", 2.5), ("max_blocks", True)])
def test_limits_must_be_positive_whole_numbers(field, value):
    with pytest.raises(InputError, match=f"Limits.{field} must be a positive whole number"):
        Limits(**{field: value})
