"""Parse the hand-written per-publisher source files in ``data/sources/`` into block rows.

A source file describes one fictional publisher: its metadata, reusable snippets (menu,
footer, paywall copy, ...) and whole pages built from snippets and page-specific lines.
The format is documented in ``data/README.md``; in short::

    publisher: northfield-gazette
    lang: en
    kind: local news

    === snippet header
    O Northfield Gazette
    O Home

    === page council-budget-vote
    @header
    O Council passes budget | Northfield Gazette
    B The council voted 7-2 on Tuesday to ...
    P Subscribe to keep reading.

Each content line is a one-letter label code, one space, and the block's text.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DatasetError
from ..schema import NEWSLETTER, PAYWALL

LABEL_CODES = {"B": "body", "O": "boilerplate", "P": "paywall", "D": "disclaimer"}
REQUIRED_META = ("publisher", "lang", "kind")
_NEWSLETTER_SNIPPET = re.compile(r"newsletter|nieuwsbrief|mailmag", re.I)
"""Snippet names whose paywall lines are a newsletter sign-up box (fine label ``newsletter``)."""
_SECTION = re.compile(r"^===\s+(snippet|page)\s+([A-Za-z0-9][A-Za-z0-9_.-]*)\s*$")
_META = re.compile(r"^([a-z_]+):\s*(.+)$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def is_slug(text: str) -> bool:
    """True for a publisher slug: lower-case letters, digits and hyphens."""
    return bool(_SLUG.match(text))


class SourceError(DatasetError):
    """A source file breaks the format; the message names the file and line."""


@dataclass
class _Source:
    meta: dict[str, str] = field(default_factory=dict)
    snippets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    pages: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)


def _content_line(line: str, where: str) -> tuple[str, str]:
    """Split ``"B some text"`` into (label, text); includes come back as ("@", name)."""
    if line.startswith("@"):
        return "@", line[1:].strip()
    code, _, text = line.partition(" ")
    if code not in LABEL_CODES:
        raise SourceError(f"{where}: line must start with one of {sorted(LABEL_CODES)}, "
                          f"'@snippet' or '===', got {line[:40]!r}")
    if not text.strip():
        raise SourceError(f"{where}: empty text after label code {code!r}")
    return LABEL_CODES[code], text.strip()


def authored_lines(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line number, ``file:line``, text) of each line of an authored file that is neither
    blank nor a ``#`` comment, stripped."""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            yield number, f"{path}:{number}", line


def _read(path: Path) -> _Source:
    """Read one source file into metadata, snippets and unexpanded pages."""
    src = _Source()
    current: list[tuple[str, str, int]] | None = None
    for number, where, line in authored_lines(path):
        section = _SECTION.match(line)
        if section:
            kind, name = section.groups()
            table = src.snippets if kind == "snippet" else src.pages
            if name in table:
                raise SourceError(f"{where}: {kind} {name!r} is defined twice")
            current = table[name] = []
            continue
        if current is None:
            meta = _META.match(line)
            if not meta:
                raise SourceError(f"{where}: expected 'key: value' metadata before the first "
                                  f"'=== snippet' or '=== page', got {line[:40]!r}")
            src.meta[meta.group(1)] = meta.group(2).strip()
            continue
        label, text = _content_line(line, where)
        current.append((label, text, number))
    return src


def _expand(src: _Source, path: Path, slug: str) -> list[tuple[str, str, str]]:
    """Replace the ``@snippet`` lines of one page by the snippet's lines: (label, text, fine),
    fine being ``newsletter`` for the paywall lines of a newsletter snippet."""
    out: list[tuple[str, str, str]] = []
    for label, text, number in src.pages[slug]:
        if label != "@":
            out.append((label, text, ""))
            continue
        if text not in src.snippets:
            raise SourceError(f"{path}:{number}: unknown snippet {text!r}")
        newsletter = _NEWSLETTER_SNIPPET.search(text) is not None
        for inner_label, inner_text, inner_number in src.snippets[text]:
            if inner_label == "@":
                raise SourceError(f"{path}:{inner_number}: snippets cannot include snippets")
            fine = NEWSLETTER if newsletter and inner_label == PAYWALL else ""
            out.append((inner_label, inner_text, fine))
    return out


def parse_source(path: str | Path) -> list[dict[str, object]]:
    """Return the block rows (publisher, page_id, position, text, label, fine, lang, kind) of
    one file."""
    path = Path(path)
    src = _read(path)
    missing = [key for key in REQUIRED_META if key not in src.meta]
    if missing:
        raise SourceError(f"{path}: missing metadata {missing}")
    publisher = src.meta["publisher"]
    if not is_slug(publisher):
        raise SourceError(f"{path}: publisher {publisher!r} must be a lower-case slug")
    if not src.pages:
        raise SourceError(f"{path}: no '=== page' section")
    rows: list[dict[str, object]] = []
    for slug in src.pages:
        blocks = _expand(src, path, slug)
        if not any(label == "body" for label, _, _ in blocks):
            raise SourceError(f"{path}: page {slug!r} has no body line")
        for position, (label, text, fine) in enumerate(blocks):
            rows.append({"publisher": publisher, "page_id": f"{publisher}/{slug}",
                         "position": position, "text": text, "label": label, "fine": fine,
                         "lang": src.meta["lang"], "kind": src.meta["kind"]})
    return rows


def parse_sources(folder: str | Path) -> list[dict[str, object]]:
    """Parse every ``*.txt`` source file below ``folder``, in sorted path order."""
    paths = sorted(Path(folder).rglob("*.txt"))
    if not paths:
        raise SourceError(f"{folder}: no *.txt source files")
    rows: list[dict[str, object]] = []
    seen: dict[str, Path] = {}
    for path in paths:
        file_rows = parse_source(path)
        publisher = str(file_rows[0]["publisher"])
        if publisher in seen:
            raise SourceError(f"{path}: publisher {publisher!r} also defined in {seen[publisher]}")
        seen[publisher] = path
        rows.extend(file_rows)
    return rows


def write_pages(rows: list[dict[str, object]], folder: str | Path) -> list[Path]:
    """Write each page's blocks, one per line, to ``folder/<page-slug>.txt`` (labels dropped)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pages: dict[str, list[str]] = {}
    for row in rows:
        pages.setdefault(str(row["page_id"]), []).append(str(row["text"]))
    written = []
    for page_id, texts in pages.items():
        path = folder / f"{page_id.rsplit('/', 1)[-1]}.txt"
        path.write_text("\n".join(texts) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _summary(path: Path) -> str:
    """One line per source file: pages, blocks and label shares, for authors checking a file."""
    rows = parse_source(path)
    pages = {r["page_id"] for r in rows}
    counts = {label: sum(r["label"] == label for r in rows) for label in LABEL_CODES.values()}
    shares = ", ".join(f"{k} {v / len(rows):.0%}" for k, v in counts.items())
    return f"{path}: {len(pages)} pages, {len(rows)} blocks ({len(rows) / len(pages):.0f}/page); {shares}"


def print_checks(summary: Callable[[Path], str], paths: list[str]) -> None:
    """The authors' checker: one summary line per file, or ``ERROR file:line: reason``."""
    for arg in paths:
        try:
            print(summary(Path(arg)))
        except SourceError as err:
            print(f"ERROR {err}")


if __name__ == "__main__":
    import sys

    print_checks(_summary, sys.argv[1:])
