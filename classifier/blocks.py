"""Pages -> blocks: a page's text is cut into one block per non-empty line.

Untrusted pages are bounded by :class:`Limits`: a page over ``max_page_chars`` characters or
``max_blocks`` blocks is refused with an :class:`InputError` naming the limit and the value.
(A very long block is not an error: the model reads its first ``max_block_chars`` characters,
see :class:`classifier.model.BlockClassifier`.)
"""
from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import InputError

MAX_PAGE_CHARS = 10_000_000
"""Default largest page (in characters) that is scored; larger pages are refused."""
MAX_BLOCKS = 50_000
"""Default largest number of blocks in one page."""

# The line boundaries of str.splitlines(); runs of anything else are the candidate blocks.
_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


@dataclass(frozen=True)
class Limits:
    """Bounds on one page that keep memory in check; pass to split_blocks, score_blocks, ..."""

    max_page_chars: int = MAX_PAGE_CHARS
    max_blocks: int = MAX_BLOCKS

    def __post_init__(self) -> None:
        """Refuse limits that are not positive whole numbers."""
        for name in ("max_page_chars", "max_blocks"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(f"Limits.{name} must be a positive whole number, got {value!r}")

    def check_page_chars(self, n_chars: int, what: str = "page") -> None:
        """Raise InputError when a page of ``n_chars`` characters is over ``max_page_chars``."""
        if n_chars > self.max_page_chars:
            raise InputError(f"{what} has {n_chars:,} characters, over the limit of "
                             f"{self.max_page_chars:,} (max_page_chars)")

    def check_blocks(self, n_blocks: int, what: str = "page") -> None:
        """Raise InputError when ``n_blocks`` is over ``max_blocks``."""
        if n_blocks > self.max_blocks:
            raise InputError(f"{what} has {n_blocks:,} blocks, over the limit of "
                             f"{self.max_blocks:,} (max_blocks)")


DEFAULT_LIMITS = Limits()


_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
         (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))
"""Byte-order marks that name a page's encoding (UTF-32's first, since UTF-32 LE's begins
with UTF-16 LE's)."""


def _page_encoding(data: bytes) -> str:
    """The encoding of a text page's bytes: UTF-16 or UTF-32 where a byte-order mark says so
    (as editors such as Notepad write them), else UTF-8."""
    return next((name for bom, name in _BOMS if data.startswith(bom)), "UTF-8")


def decode_page(data: bytes | str, *, source: str = "page") -> str:
    """Return the page as text; bytes are UTF-8 (a BOM is allowed), or UTF-16 or UTF-32 with
    their BOM."""
    if isinstance(data, str):
        return data
    if not isinstance(data, (bytes, bytearray)):
        raise InputError(f"{source}: expected text or bytes, got {type(data).__name__}")
    data = bytes(data)
    encoding = _page_encoding(data)
    try:
        return data.decode("utf-8-sig" if encoding == "UTF-8" else encoding)
    except UnicodeDecodeError as err:
        raise InputError(f"{source}: not valid {encoding} (byte {err.start}: "
                         f"{data[err.start:err.start + 4]!r})") from None


def _lines(text: str) -> Iterator[str]:
    """The page's lines stripped of surrounding white space, blank ones left out, one at a time."""
    for match in _LINE.finditer(text):
        line = match.group().strip()
        if line:
            yield line


def split_blocks(page_text: str | bytes, *, limits: Limits | None = None) -> list[str]:
    """Cut a page into blocks: each line stripped of surrounding white space, empty lines dropped."""
    limits = limits or DEFAULT_LIMITS
    text = decode_page(page_text)
    limits.check_page_chars(len(text))
    if "\x00" in text:
        raise InputError("page contains NUL bytes: it looks like binary data, not text")
    blocks: list[str] = []
    lines = _lines(text)
    for line in lines:
        if len(blocks) == limits.max_blocks:  # count the rest without keeping it
            limits.check_blocks(len(blocks) + 1 + sum(1 for _ in lines))
        blocks.append(line)
    return blocks


def check_blocks(blocks: list[str], *, limits: Limits | None = None) -> list[str]:
    """Validate a list of block texts given directly by a caller (one page's blocks)."""
    limits = limits or DEFAULT_LIMITS
    if isinstance(blocks, (str, bytes)):
        raise InputError("expected a list of block strings, got a single string "
                         "(use split_blocks() or clean_text() for a whole page)")
    blocks = list(blocks)
    limits.check_blocks(len(blocks), "block list")
    for i, block in enumerate(blocks):
        if not isinstance(block, str):
            raise InputError(f"block {i}: expected str, got {type(block).__name__}")
    limits.check_page_chars(sum(map(len, blocks)), "block list")
    return blocks
