import pytest

from classifier import InputError, split_blocks
from classifier.blocks import check_blocks, decode_page


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
        split_blocks("x" * 101, max_chars=100)


def test_page_over_block_limit_is_refused():
    with pytest.raises(InputError, match="blocks, over the limit"):
        split_blocks("a\n" * 11, max_blocks=10)


def test_check_blocks_rejects_a_single_string_and_non_strings():
    with pytest.raises(InputError, match="single string"):
        check_blocks("one page as a string")
    with pytest.raises(InputError, match="block 1: expected str"):
        check_blocks(["fine", None])


def test_decode_page_names_the_source():
    with pytest.raises(InputError, match="upload.txt"):
        decode_page(b"\xff\xfe\xfa", source="upload.txt")


def test_a_50_mb_page_is_refused_with_a_clear_error():
    with pytest.raises(InputError, match="over the limit of 10,000,000"):
        split_blocks("word " * 10_000_000)


def test_a_page_of_a_million_one_character_lines_is_refused():
    with pytest.raises(InputError, match="1,000,000 blocks, over the limit of 50,000"):
        split_blocks("x\n" * 1_000_000)
