"""A main-content extractor's verdict on each block, as one more DOM feature.

trafilatura, a well-kept extractor tuned on many real sites, knows where an article's text
usually sits but not what a paywall or a disclaimer is. Its output is mapped back onto the
page's blocks: a block counts as kept when its text is one of the output's lines, or (for
blocks long enough not to match by chance) lies inside the output. trafilatura writes list
items as "- item" and table rows as "| cell | cell |"; those marks are not compared.

It runs without comments (reader comments are not the article, and we label them boilerplate)
and in its fast mode, which skips the fallback extractors it otherwise runs and compares
(readability, jusText): that halves its cost, about 18 -> 10 ms a page.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import numpy as np
from lxml import html as lxml_html

MIN_SUBSTRING_CHARS = 40
"""Shorter blocks must equal a whole output line: "Share" is in almost every output."""
_LIST_MARK = re.compile(r"^[-*•]\s+")

# trafilatura logs an ERROR for every page it finds no article in (menus-only pages, junk);
# here that is an expected answer (no block kept), not something to print a million times.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def _extract(page: str | lxml_html.HtmlElement) -> str | None:
    """trafilatura's main text, without comments, in fast mode. trafilatura (and the jusText
    it imports) is imported here, on first use, so that text mode never depends on it."""
    import trafilatura

    return trafilatura.extract(page, include_comments=False, fast=True)


def _normalised(text: str) -> str:
    """Lower case, table cell bars as spaces, runs of white space as one space."""
    return " ".join(text.replace("|", " ").split()).lower()


def extractor_kept(page: str | lxml_html.HtmlElement, texts: Sequence[str]) -> np.ndarray:
    """1.0 for each block whose text trafilatura keeps as the page's main content, else 0.0.

    ``page`` is the HTML, or the page already parsed by lxml (saves a second parse; the tree
    is pruned by trafilatura, so it must not be used afterwards)."""
    output = _extract(page)
    lines, whole = _normalised_output(output or "")
    return np.array([float(t in lines or (len(t) >= MIN_SUBSTRING_CHARS and t in whole))
                     for t in map(_normalised, texts)])


def _normalised_output(output: str) -> tuple[set[str], str]:
    """The extractor output's normalised lines, and the whole output normalised."""
    lines = {_normalised(_LIST_MARK.sub("", line.strip())) for line in output.splitlines()}
    return lines - {""}, _normalised(output)
