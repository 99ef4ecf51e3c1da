"""One road from a page to its blocks: every caller (API, corpus cleaning, each CLI command)
reads pages here, so a page gives the same blocks, limits and errors whichever way it came.

Text mode cuts a page into its lines; HTML mode into its visual lines with the DOM feature
columns the model reads in that mode. The mode is an explicit argument, never guessed from
content; only :func:`read_page_file` chooses it from a file name when not told.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .blocks import DEFAULT_LIMITS, Limits, decode_page, split_blocks
from .dom import split_html
from .errors import InputError

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
"""Page files read as HTML when the caller does not say which mode."""


def is_html_name(name: str) -> bool:
    """Whether a page file's name says HTML (``.html``, ``.htm``, ``.xhtml``)."""
    return str(name).lower().endswith(HTML_SUFFIXES)


def page_blocks(page: str | bytes, *, html: bool, limits: Limits | None = None,
                source: str | None = None) -> pd.DataFrame:
    """The blocks of one page in order: ``position``, ``text`` and, with ``html``, the
    ``dom_*`` columns. A page with nothing to score, or over the limits, is an InputError
    (its message starts with ``source`` when given)."""
    limits = limits or DEFAULT_LIMITS
    try:
        if html:
            blocks = split_html(page, limits=limits)
        else:
            lines = split_blocks(decode_page(page, source=source or "page"), limits=limits)
            blocks = pd.DataFrame({"position": np.arange(len(lines)),
                                   "text": pd.Series(lines, dtype=object)})
        if len(blocks) == 0:
            raise InputError("page is empty: no visible text to score")
    except InputError as err:
        raise _named(err, source) from None
    return blocks


def _named(err: InputError, source: str | None) -> InputError:
    """``err`` with its message starting with ``source`` (the page's name), if given."""
    message = str(err)
    if source is None or message.startswith(source):
        return err
    return InputError(f"{source}: {message}")


def read_bytes(name: str) -> bytes:
    """The bytes of a page file (standard input for ``-``), naming the file on failure."""
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as err:
        raise InputError(f"{name}: cannot read ({err.strerror})") from None


def read_page_file(name: str, *, html: bool | None = None,
                   limits: Limits | None = None) -> pd.DataFrame:
    """:func:`page_blocks` of a page file (``-``: standard input); ``html=None`` reads files
    named ``*.html``/``*.htm``/``*.xhtml`` as HTML and others as text."""
    source = "<stdin>" if name == "-" else name
    mode = is_html_name(name) if html is None else html
    return page_blocks(read_bytes(name), html=mode, limits=limits, source=source)
