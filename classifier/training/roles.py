"""The role each block of a labelled page plays (menu item, headline, paragraph, list item,
table row, caption, plan card...), guessed from its label, its place around the article and
its shape; the templates of :mod:`classifier.training.templates` mark each role up."""
from __future__ import annotations

import re

from ..schema import BODY, PAYWALL

_LIST_ITEM = re.compile(r"^(?:[•·\-–—*▪►✓✔■●○◦]|\d{1,2}[.)]\s)")
_WORD = re.compile(r"\S+")
SENTENCE_END = re.compile(r"[.!?…。！？:][\"'”’»)\]]*$")


def words(text: str) -> int:
    return len(_WORD.findall(text))


def block_roles(texts: list[str], labels: list[str]) -> list[str]:
    """The role of each block on its page (menu item, headline, paragraph, caption, ...),
    guessed from its label, its place around the article and its shape."""
    body = [i for i, label in enumerate(labels) if label == BODY]
    first, last = (body[0], body[-1]) if body else (len(texts), len(texts))
    headline = _headline_index(texts, labels, first)
    tabled = _table_rows(texts, labels)
    listed = _list_items(texts, labels, tabled)
    roles = []
    for i, (text, label) in enumerate(zip(texts, labels)):
        n = words(text)
        if i == 0:
            roles.append("title")
        elif label == BODY:
            roles.append("tablerow" if i in tabled else "listitem" if i in listed else
                         "subhead" if n <= 12 and not SENTENCE_END.search(text) else "paragraph")
        elif label == PAYWALL:
            roles.append("paywall")
        elif label != "boilerplate":
            roles.append("disclaimer")
        elif i == headline:
            roles.append("headline")
        elif i < first:
            roles.append("cookie" if n >= 15 and i < 8 else "dek" if n >= 15 else
                         "byline" if i > headline >= 0 else "nav")
        elif i < last:
            roles.append("caption" if n >= 6 else "ad")
        else:
            roles.append("comment" if n >= 15 else "related" if n >= 5 else "footer")
    return roles


def _list_items(texts: list[str], labels: list[str], table_rows: set[int]) -> set[int]:
    """Body blocks that read as list items: bulleted or numbered lines, and runs of three or
    more short (at most 12 words) body lines; table rows are neither, and end a run."""
    items = {i for i, (t, lab) in enumerate(zip(texts, labels))
             if lab == BODY and _LIST_ITEM.match(t) and i not in table_rows}
    run: list[int] = []
    for i, (text, label) in enumerate(zip(texts + [""], labels + [""])):
        if label == BODY and words(text) <= 12 and i not in table_rows:
            run.append(i)
            continue
        if len(run) >= 3:
            items.update(run)
        run = []
    return items


def _table_rows(texts: list[str], labels: list[str]) -> set[int]:
    """Body blocks that read as table rows, which a site serves as a ``<table>``: runs of two
    or more lines with the same number (at least one) of cell bars, and runs of three or more
    short lines that are not sentences and hold at least two numbers ("3 Pell Junction 3-1")."""
    def shape(text: str, label: str) -> tuple | None:
        if label != BODY:
            return None
        if text.count(" | "):
            return ("bars", text.count(" | "))
        numbers = sum(any(c.isdigit() for c in word) for word in text.split())
        if numbers >= 2 and words(text) <= 12 and not SENTENCE_END.search(text):
            return ("spaces",)
        return None

    rows: set[int] = set()
    run: list[int] = []
    shapes = [shape(t, lab) for t, lab in zip(texts, labels)] + [None]
    for i, current in enumerate(shapes):
        if run and current is not None and current == shapes[run[-1]]:
            run.append(i)
            continue
        if run and len(run) >= (2 if shapes[run[0]][0] == "bars" else 3):
            rows.update(run)
        run = [i] if current is not None else []
    return rows


def _headline_index(texts: list[str], labels: list[str], first_body: int) -> int:
    """The most headline-like boilerplate block before the article: the one the page title
    starts with, else the longest title-shaped line shortly before the body."""
    title = texts[0] if texts else ""
    candidates = [i for i in range(1, first_body) if labels[i] == "boilerplate"
                  and 3 <= words(texts[i]) <= 25]
    for i in candidates:
        if title.startswith(texts[i]) or texts[i].startswith(title):
            return i
    near = [i for i in candidates if i >= first_body - 12 and not SENTENCE_END.search(texts[i])]
    return max(near, key=lambda i: words(texts[i]), default=-1)
