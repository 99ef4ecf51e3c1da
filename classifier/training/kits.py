"""Read per-language writing kits (``data/kits/<lang>.txt``): phrase pools and articles.

A kit is what a native writer authored for one language: pools of template lines of every
kind a real page carries (menus, footers, cookie banners, each kind of paywall pitch and of
notice) and a set of articles. ``classifier.synth`` composes publishers and pages from it.
The format follows the source files (``classifier.sources``)::

    lang: de

    === pool nav
    O Politik
    O Wirtschaft

    === article stromnetz-ausbau
    O Netzbetreiber verschieben Ausbau um zwei Jahre
    O Die Kosten steigen, die Genehmigungen dauern.
    B Der Ausbau der Nord-Süd-Trasse ...

Each content line is a label code, one space, the text. In an article, the ``O`` lines
before the first ``B`` line are the headline (first) and the dek; later ``O`` lines are
captions or inline links that stay where they are written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .sources import SourceError, _content_line, authored_lines, print_checks

# pool name -> (the label its lines must carry, the least number of lines a kit holds)
POOLS: dict[str, tuple[str, int]] = {
    "publisher-names": ("boilerplate", 16),
    "nav": ("boilerplate", 50),
    "utility": ("boilerplate", 15),
    "footer": ("boilerplate", 35),
    "cookie": ("boilerplate", 12),
    "share": ("boilerplate", 12),
    "byline": ("boilerplate", 16),
    "dateline": ("boilerplate", 16),
    "caption": ("boilerplate", 16),
    "related-heading": ("boilerplate", 8),
    "headlines": ("boilerplate", 50),
    "teasers": ("boilerplate", 15),
    "inline": ("boilerplate", 12),
    "ads": ("boilerplate", 6),
    "comments": ("boilerplate", 16),
    "widgets": ("boilerplate", 12),
    "tags": ("boilerplate", 20),
    "pw-metered": ("paywall", 10),
    "pw-regwall": ("paywall", 8),
    "pw-hardwall": ("paywall", 10),
    "pw-cut": ("paywall", 8),
    "pw-trial": ("paywall", 10),
    "pw-plan-names": ("paywall", 12),
    "pw-prices": ("paywall", 16),
    "pw-durations": ("paywall", 10),
    "pw-terms": ("paywall", 10),
    "pw-discounts": ("paywall", 8),
    "pw-gifts-bundles": ("paywall", 8),
    "pw-benefits": ("paywall", 16),
    "pw-cta": ("paywall", 12),
    "pw-login": ("paywall", 8),
    "pw-donate": ("paywall", 10),
    "pw-newsletter": ("paywall", 14),
    "pw-app": ("paywall", 6),
    "pw-badge": ("paywall", 6),
    "pw-members": ("paywall", 12),
    "pw-inline": ("paywall", 10),
    "d-wire": ("disclaimer", 10),
    "d-copyright": ("disclaimer", 10),
    "d-affiliate": ("disclaimer", 6),
    "d-investment": ("disclaimer", 5),
    "d-medical": ("disclaimer", 5),
    "d-ai": ("disclaimer", 5),
    "d-opinion": ("disclaimer", 5),
    "d-terms": ("disclaimer", 5),
    "d-credit": ("disclaimer", 8),
    "d-external": ("disclaimer", 6),
    "d-personal": ("disclaimer", 8),
    "d-licence": ("disclaimer", 6),
    "d-sponsored": ("disclaimer", 5),
    "theme": ("boilerplate", 14),
}
_SECTION = re.compile(r"^===\s+(pool|article)\s+([A-Za-z0-9][A-Za-z0-9_.-]*)\s*$")
_META = re.compile(r"^([a-z_]+):\s*(.+)$")
_NAME = re.compile(r"^([a-z0-9][a-z0-9-]*)\s*\|\s*(\S.*)$")


@dataclass
class Article:
    """One authored article: its headline, dek lines and (label, text) lines in order."""

    slug: str
    headline: str
    dek: list[str]
    lines: list[tuple[str, str]]


@dataclass
class Kit:
    """A language's pools (name -> lines of text) and articles."""

    lang: str
    pools: dict[str, list[str]] = field(default_factory=dict)
    articles: list[Article] = field(default_factory=list)


def _article(slug: str, lines: list[tuple[str, str]], where: str) -> Article:
    """Split an article's lines into headline, dek and the rest; it needs a headline and body."""
    first_body = next((i for i, (label, _) in enumerate(lines) if label == "body"), None)
    if first_body is None:
        raise SourceError(f"{where}: article {slug!r} has no B line")
    head = lines[:first_body]
    if not head or any(label != "boilerplate" for label, _ in head):
        raise SourceError(f"{where}: article {slug!r} must start with an O headline line")
    if any(label not in ("body", "boilerplate") for label, _ in lines):
        raise SourceError(f"{where}: article {slug!r} may hold only B and O lines")
    return Article(slug, head[0][1], [text for _, text in head[1:]], lines[first_body:])


def _check_pool(name: str, lines: list[tuple[str, str]], where: str) -> list[str]:
    """The texts of a pool, after checking its name, labels and (for names) the slug form."""
    if name not in POOLS:
        raise SourceError(f"{where}: unknown pool {name!r}; pools are {sorted(POOLS)}")
    label, _ = POOLS[name]
    wrong = [text for lab, text in lines if lab != label]
    if wrong:
        raise SourceError(f"{where}: pool {name!r} holds only {label} lines, got {wrong[0][:40]!r}")
    texts = [text for _, text in lines]
    if name == "publisher-names":
        bad = [t for t in texts if not _NAME.match(t)]
        if bad:
            raise SourceError(f"{where}: publisher names are 'slug | Display Name', got {bad[0]!r}")
    return texts


def read_kit(path: str | Path) -> Kit:
    """Parse one kit file; errors name the file and line."""
    path = Path(path)
    meta: dict[str, str] = {}
    sections: list[tuple[str, str, int, list[tuple[str, str]]]] = []
    for number, where, line in authored_lines(path):
        section = _SECTION.match(line)
        if section:
            sections.append((section.group(1), section.group(2), number, []))
        elif not sections:
            found = _META.match(line)
            if not found:
                raise SourceError(f"{where}: expected 'lang: xx' before the first section")
            meta[found.group(1)] = found.group(2).strip()
        else:
            label, text = _content_line(line, where)
            if label == "@":
                raise SourceError(f"{where}: kits have no snippets")
            sections[-1][3].append((label, text))
    if "lang" not in meta:
        raise SourceError(f"{path}: missing 'lang: xx'")
    kit = Kit(meta["lang"])
    for kind, name, number, lines in sections:
        where = f"{path}:{number}"
        if kind == "pool":
            # A pool may be continued by a later section of the same name: kits grow in rounds.
            kit.pools.setdefault(name, []).extend(_check_pool(name, lines, where))
        else:
            if any(a.slug == name for a in kit.articles):
                raise SourceError(f"{where}: article {name!r} is defined twice")
            kit.articles.append(_article(name, lines, where))
    return kit


def kit_problems(kit: Kit) -> list[str]:
    """What a kit still lacks: pools missing or under their least size."""
    problems = []
    for name, (_, least) in POOLS.items():
        have = len(kit.pools.get(name, []))
        if have < least:
            problems.append(f"pool {name}: {have} lines, needs at least {least}")
    return problems


def _summary(path: Path) -> str:
    """One line for authors checking a kit: articles, pool lines, and what is still missing."""
    kit = read_kit(path)
    body = sum(label == "body" for a in kit.articles for label, _ in a.lines)
    pooled = sum(len(v) for v in kit.pools.values())
    problems = kit_problems(kit)
    status = "complete" if not problems else "INCOMPLETE: " + "; ".join(problems)
    return (f"{path}: lang {kit.lang}, {len(kit.articles)} articles ({body} body lines), "
            f"{len(kit.pools)} pools ({pooled} lines); {status}")


if __name__ == "__main__":
    import sys

    print_checks(_summary, sys.argv[1:])
