"""Pages -> blocks: a page's text is cut into one block per non-empty line."""
from __future__ import annotations

from .errors import InputError

MAX_PAGE_CHARS = 10_000_000
"""Default largest page (in characters) that is scored; larger pages are refused."""
MAX_BLOCKS = 50_000
"""Default largest number of blocks in one page."""


def decode_page(data: bytes | str, *, source: str = "page") -> str:
    """Return the page as text; bytes must be UTF-8 (a BOM is allowed)."""
    if isinstance(data, str):
        return data
    if not isinstance(data, (bytes, bytearray)):
        raise InputError(f"{source}: expected text or bytes, got {type(data).__name__}")
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{source}: not valid UTF-8 (byte {err.start}: "
                         f"{bytes(data)[err.start:err.start + 4]!r})") from None


def split_blocks(page_text: str | bytes, *, max_chars: int = MAX_PAGE_CHARS,
                 max_blocks: int = MAX_BLOCKS) -> list[str]:
    """Cut a page into blocks: each line stripped of surrounding white space, empty lines dropped."""
    text = decode_page(page_text)
    if len(text) > max_chars:
        raise InputError(f"page has {len(text):,} characters, over the limit of {max_chars:,}")
    if "\x00" in text:
        raise InputError("page contains NUL bytes: it looks like binary data, not text")
    blocks = [line.strip() for line in text.splitlines()]
    blocks = [b for b in blocks if b]
    if len(blocks) > max_blocks:
        raise InputError(f"page has {len(blocks):,} blocks, over the limit of {max_blocks:,}")
    return blocks


def check_blocks(blocks: list[str], *, max_blocks: int = MAX_BLOCKS) -> list[str]:
    """Validate a list of block texts given directly by a caller."""
    if isinstance(blocks, (str, bytes)):
        raise InputError("expected a list of block strings, got a single string "
                         "(use split_blocks() or clean_text() for a whole page)")
    blocks = list(blocks)
    if len(blocks) > max_blocks:
        raise InputError(f"{len(blocks):,} blocks, over the limit of {max_blocks:,}")
    for i, block in enumerate(blocks):
        if not isinstance(block, str):
            raise InputError(f"block {i}: expected str, got {type(block).__name__}")
    return blocks
