"""Compose fictional publishers and whole pages from a language kit (:mod:`classifier.kits`).

Each generated publisher draws its template once (its menu, footer, cookie banner, paywall
box, newsletter box, which notices it carries, which furniture it has at all) from the kit's
pools, and keeps it on all its pages, as real sites do (half of its notices are worded per
article, as credits and advice notes are); each page carries one of the kit's articles, used on
no other page. Every choice comes from a random generator seeded by the language and the
publisher's index, so the same kit always gives the same rows.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..dataset import write_dataset
from ..schema import NEWSLETTER, PAYWALL
from .kits import Article, Kit, kit_problems, read_kit
from .sources import SourceError, parse_sources, write_pages

PAGES_PER_PUBLISHER = 4
"""Pages of each generated publisher, or more where the kit has too few publisher names
(its last one may have fewer, never under 3)."""
KIND = "news (generated from a kit)"
"""The ``kind`` column of generated pages, so that the datasheet can count them apart."""

Line = tuple[str, str]

LONE_POOLS = ("pw-members", "pw-inline", "pw-trial", "pw-terms", "pw-login", "pw-discounts",
              "pw-donate", "pw-cut", "pw-metered", "pw-regwall", "pw-hardwall", "pw-app",
              "pw-cta", "pw-badge")
"""Pools of the lone pitch lines that some sites set on their own between or after article
paragraphs, or among the furniture after the article (a trial offer, "already a member?", a
cancellation term, a reader appeal, a subscribe button, a members-only label)."""
LONE_NOTICE_POOLS = ("d-external", "d-personal", "d-credit", "d-medical", "d-investment")
"""Pools of the single notices set where an embed or a claim was: between paragraphs or
right after the article, on any page (an external-content warning, a first-person note)."""
LONE_NOTICE_SHARE = 0.15
"""Share of pages with one such notice."""
NOTICE_SHARES = {"d-wire": 0.45, "d-credit": 0.3, "d-affiliate": 0.15, "d-investment": 0.15,
                 "d-medical": 0.15, "d-ai": 0.15, "d-opinion": 0.15, "d-external": 0.12,
                 "d-personal": 0.12, "d-licence": 0.1, "d-sponsored": 0.1}
"""How often a publisher carries each kind of notice under its free articles."""
FIXED_NOTICE_SHARE = 0.5
"""Share of a publisher's notice kinds worded the same on every page (a template text); the
others are worded per article, as credits, affiliate and advice notes often are."""


@dataclass
class _Template:
    """What one generated publisher shows around every article."""

    name: str
    header: list[Line]
    footer: list[Line]
    cookie: list[Line]
    share: list[Line]
    paywall: list[Line]
    paywall_share: float
    lone_share: float
    cut_after: int | None
    badge: list[Line]
    newsletter: list[Line]
    donate: list[Line]
    app: list[Line]
    notices: dict[str, str | None]
    promo: list[Line]
    theme: list[Line]
    title_style: str
    has: dict[str, bool]


def _pick(rng: random.Random, pool: list[str], low: int, high: int) -> list[str]:
    """Between ``low`` and ``high`` distinct lines of a pool, in random order."""
    k = min(len(pool), rng.randint(low, high))
    return rng.sample(pool, k)


def _lines(label: str, texts: list[str]) -> list[Line]:
    return [(label, t) for t in texts]


def _paywall_box(kit: Kit, rng: random.Random) -> tuple[list[Line], int | None]:
    """A publisher's paywall box and where it cuts the article (None: after the article)."""
    p = kit.pools
    style = rng.choice(["metered", "hard", "register", "hard", "metered", "members"])
    if style == "members":                      # a membership platform's own wording
        box = _pick(rng, p["pw-members"], 3, 6) + _pick(rng, p["pw-prices"], 0, 2)
        return _lines("paywall", box + _pick(rng, p["pw-cta"], 0, 1)), rng.choice([2, 3, None])
    lead = {"metered": "pw-metered", "hard": "pw-hardwall", "register": "pw-regwall"}[style]
    box = _pick(rng, p[lead], 1, 2)
    if rng.random() < 0.5:
        box += _pick(rng, p["pw-cut"], 1, 1)
    if style == "register":
        box += _pick(rng, p["pw-cta"], 1, 1) + _pick(rng, p["pw-login"], 1, 1)
        return _lines("paywall", box), rng.choice([2, 3, 4])
    if rng.random() < 0.6:
        box += _pick(rng, p["pw-trial"], 1, 2)
    for plan in _pick(rng, p["pw-plan-names"], 1, 3):
        card = [plan] + _pick(rng, p["pw-prices"], 1, 2)
        if rng.random() < 0.6:
            card += _pick(rng, p["pw-durations"], 1, 1)
        if rng.random() < 0.35:
            card += _pick(rng, p["pw-discounts"], 1, 1)
        if rng.random() < 0.3:
            card += _pick(rng, p["pw-benefits"], 1, 3)
        card += _pick(rng, p["pw-cta"], 0, 1)
        box += card
    if rng.random() < 0.5:
        box += _pick(rng, p["pw-benefits"], 2, 6)
    box += _pick(rng, p["pw-terms"], 0, 2)
    if rng.random() < 0.3:
        box += _pick(rng, p["pw-gifts-bundles"], 1, 2)
    box += _pick(rng, p["pw-login"], 1, 1)
    cut = rng.choice([2, 3, 4]) if style == "hard" else None
    return _lines("paywall", box), cut


def _template(kit: Kit, name: str, rng: random.Random) -> _Template:
    """Draw the template of the publisher called ``name`` from the kit's pools."""
    p = kit.pools
    header = [("boilerplate", t) for t in _pick(rng, p["utility"], 2, 7)]
    header.insert(rng.randint(0, len(header)), ("boilerplate", name))
    nav = _pick(rng, p["nav"], 8, 32)
    header += _lines("boilerplate", nav)
    if rng.random() < 0.3:                      # a second copy of the menu, for mobile
        header += _lines("boilerplate", nav[:rng.randint(6, len(nav))])
    footer = _lines("boilerplate", _pick(rng, p["footer"], 6, 22))
    footer += _lines("disclaimer", _pick(rng, p["d-copyright"], 1, 1))
    if rng.random() < 0.3:
        footer += _lines("disclaimer", _pick(rng, p["d-terms"], 1, 1))
    footer += _lines("boilerplate", _pick(rng, p["footer"], 0, 3))
    has_paywall = rng.random() < 0.7
    paywall, cut = _paywall_box(kit, rng) if has_paywall else ([], None)
    notices = {kind: rng.choice(p[kind]) if rng.random() < FIXED_NOTICE_SHARE else None
               for kind, share in NOTICE_SHARES.items() if rng.random() < share}
    has = {key: rng.random() < share for key, share in (
        ("related", 0.85), ("teasers", 0.3), ("comments", 0.3), ("widgets", 0.45),
        ("ads", 0.5), ("inline", 0.4), ("tags", 0.5), ("caption", 0.6), ("dek", 0.7),
        ("cookie_top", 0.5), ("theme", 0.35))}
    return _Template(
        name=name, header=header, footer=footer,
        cookie=_lines("boilerplate", _pick(rng, p["cookie"], 2, 5)) if rng.random() < 0.6 else [],
        share=_lines("boilerplate", _pick(rng, p["share"], 2, 7)),
        paywall=paywall, paywall_share=rng.choice([0.5, 0.7, 1.0]), cut_after=cut,
        lone_share=rng.choice([0.0, 0.3, 0.6]),
        badge=_lines("paywall", _pick(rng, p["pw-badge"], 1, 1)) if rng.random() < 0.4 else [],
        newsletter=(_lines(NEWSLETTER, _pick(rng, p["pw-newsletter"], 3, 6))
                    if rng.random() < 0.55 else []),
        donate=(_lines("paywall", _pick(rng, p["pw-donate"], 1, 3))
                if not has_paywall or rng.random() < 0.2 else []),
        app=_lines("paywall", _pick(rng, p["pw-app"], 1, 1)) if rng.random() < 0.2 else [],
        notices=notices,
        promo=_lines("paywall", _pick(rng, p["pw-inline"], 1, 2)) if rng.random() < 0.35 else [],
        theme=_lines("boilerplate", _pick(rng, p["theme"], 3, 7)) if has["theme"] else [],
        title_style=rng.choice(["{h} | {n}", "{h} - {n}", "{h} – {n}", "{h}"]),
        has=has)


def _body(article: Article, t: _Template, kit: Kit, rng: random.Random,
          cut: int | None) -> list[Line]:
    """The article's own lines, with the publisher's ad labels and inline links in between."""
    lines = list(article.lines)
    if cut is not None:
        body_seen, kept = 0, []
        for line in lines:
            body_seen += line[0] == "body"
            if body_seen > cut:
                break
            kept.append(line)
        lines = kept
    out: list[Line] = []
    for i, line in enumerate(lines):
        out.append(line)
        if i and i < len(lines) - 1 and line[0] == "body":
            if t.has["ads"] and rng.random() < 0.12:
                out.append(("boilerplate", rng.choice(kit.pools["ads"])))
            elif t.has["inline"] and rng.random() < 0.08:
                out.append(("boilerplate", rng.choice(kit.pools["inline"])))
            elif t.promo and rng.random() < 0.08:
                out.append(rng.choice(t.promo))
    return out


def _lone_line(body: list[Line], line: Line, rng: random.Random) -> list[Line]:
    """The body with ``line`` on its own, mostly right after the last paragraph, sometimes
    between two paragraphs."""
    gaps = [i + 1 for i, (label, _) in enumerate(body[:-1]) if label == "body"]
    at = rng.choice(gaps) if gaps and rng.random() < 0.3 else len(body)
    return body[:at] + [line] + body[at:]


def _related(kit: Kit, t: _Template, rng: random.Random, headlines: list[str]) -> list[Line]:
    """A related / most-read list: a heading, headlines of other stories, maybe teasers."""
    out = [("boilerplate", rng.choice(kit.pools["related-heading"]))]
    for headline in rng.sample(headlines, min(len(headlines), rng.randint(4, 10))):
        out.append(("boilerplate", headline))
        if t.has["teasers"] and rng.random() < 0.6:
            out.append(("boilerplate", rng.choice(kit.pools["teasers"])))
    return out


def _page(kit: Kit, t: _Template, article: Article, rng: random.Random,
          headlines: list[str]) -> list[Line]:
    """One whole page in the order a naive scraper dumps it."""
    p = kit.pools
    walled = bool(t.paywall) and rng.random() < t.paywall_share
    cut = t.cut_after if walled else None
    page: list[Line] = [("boilerplate", t.title_style.format(h=article.headline, n=t.name))]
    if t.cookie and t.has["cookie_top"]:
        page += t.cookie
    page += t.header
    page.append(("boilerplate", rng.choice(p["nav"])))              # breadcrumb / section
    if walled:
        page += t.badge
    page.append(("boilerplate", article.headline))
    if t.has["dek"]:
        page += _lines("boilerplate", article.dek)
    page += [("boilerplate", rng.choice(p["byline"])), ("boilerplate", rng.choice(p["dateline"]))]
    page += t.theme[:1]
    page += t.share[:3]
    if t.has["caption"]:
        page.append(("boilerplate", rng.choice(p["caption"])))
    body = _body(article, t, kit, rng, cut)
    lone = ("paywall", rng.choice(p[rng.choice(LONE_POOLS)]))
    lone_place = None
    if rng.random() < t.lone_share:
        lone_place = "furniture" if rng.random() < 0.4 else "body"
    if lone_place == "body":
        body = _lone_line(body, lone, rng)
    if rng.random() < LONE_NOTICE_SHARE:
        body = _lone_line(body, ("disclaimer", rng.choice(p[rng.choice(LONE_NOTICE_POOLS)])), rng)
    page += body
    if t.promo and not walled and rng.random() < 0.4:
        page.append(rng.choice(t.promo))
    if walled:
        box = list(t.paywall)
        if rng.random() < 0.3:
            box[0] = ("paywall", rng.choice(p["pw-metered"] + p["pw-hardwall"]))
        page += box
    if t.app and rng.random() < 0.5:
        page += t.app
    if not walled:
        page += [("disclaimer", text or rng.choice(p[kind])) for kind, text in t.notices.items()
                 if rng.random() < 0.8]
    if t.has["tags"]:
        page += _lines("boilerplate", _pick(rng, p["tags"], 2, 6))
    page += t.share
    if lone_place == "furniture":               # a theme's button or label under the share bar
        page.append(lone)
    if t.donate and rng.random() < 0.7:
        page += t.donate
    if t.has["comments"]:
        page += _lines("boilerplate", _pick(rng, p["comments"], 3, 12))
    page += t.theme[1:]
    if t.has["related"]:
        page += _related(kit, t, rng, headlines)
    if t.newsletter and rng.random() < 0.8:
        page += t.newsletter
    if t.has["widgets"]:
        page += _lines("boilerplate", _pick(rng, p["widgets"], 1, 4))
    page += t.footer
    if t.cookie and not t.has["cookie_top"]:
        page += t.cookie
    return page


def synth_rows(kit: Kit, pages_per_publisher: int = PAGES_PER_PUBLISHER) -> list[dict[str, object]]:
    """Block rows (the columns of :func:`classifier.sources.parse_source`) of every page
    composed from ``kit``: one publisher per ``pages_per_publisher`` articles, in kit order."""
    names = kit.pools["publisher-names"]
    size = max(pages_per_publisher, -(-len(kit.articles) // len(names)))
    groups = [kit.articles[i:i + size] for i in range(0, len(kit.articles), size)]
    if len(groups) > 1 and len(groups[-1]) < 3:
        last = groups.pop()
        groups[-1] = groups[-1] + last
    if len(groups) > len(names):
        raise SourceError(f"kit {kit.lang}: {len(groups)} publishers to generate but only "
                          f"{len(names)} publisher names")
    own_headlines = [a.headline for a in kit.articles]
    rows: list[dict[str, object]] = []
    for index, articles in enumerate(groups):
        rng = random.Random(f"{kit.lang}:{index}")
        publisher, _, name = (part.strip() for part in names[index].partition("|"))
        template = _template(kit, name, rng)
        headlines = kit.pools["headlines"] + own_headlines
        for article in articles:
            others = [h for h in headlines if h != article.headline]
            for position, (label, text) in enumerate(_page(kit, template, article, rng, others)):
                # newsletter-box lines are paywall blocks of the fine kind "newsletter"
                fine = NEWSLETTER if label == NEWSLETTER else ""
                rows.append({"publisher": publisher, "page_id": f"{publisher}/{article.slug}",
                             "position": position, "text": text,
                             "label": PAYWALL if fine else label, "fine": fine,
                             "lang": kit.lang, "kind": KIND})
    return rows


def synth_folder(folder: str | Path) -> list[dict[str, object]]:
    """The rows generated from every kit ``folder/*.txt``, in sorted file order; a kit that
    lacks a pool (or has too few lines in one) is an error naming it."""
    rows: list[dict[str, object]] = []
    for path in sorted(Path(folder).glob("*.txt")):
        kit = read_kit(path)
        problems = kit_problems(kit)
        if problems:
            raise SourceError(f"{path}: incomplete kit: {'; '.join(problems)}")
        rows.extend(synth_rows(kit))
    return rows


def dataset_rows(sources: str | Path, kits: str | Path | None = None) -> list[dict[str, object]]:
    """The rows of the hand-written source files, then those generated from the kits; a
    generated publisher whose slug a source file already uses is an error."""
    rows = parse_sources(sources)
    if kits is None:
        return rows
    written = {row["publisher"] for row in rows}
    generated = synth_folder(kits)
    clash = sorted({row["publisher"] for row in generated} & written)
    if clash:
        raise SourceError(f"{kits}: generated publisher(s) {clash} also have a source file")
    return rows + generated


def build_dataset(sources: str | Path, kits: str | Path | None, output: str | Path,
                  pages: str | Path | None = None) -> str:
    """Write the dataset table (and with ``pages``, each page as a text file, one block per
    line, no labels); returns a summary of what was written."""
    rows = dataset_rows(sources, kits)
    df = pd.DataFrame(rows)
    write_dataset(df, output)
    summary = (f"wrote {output}: {len(df):,} blocks, {df['page_id'].nunique():,} pages, "
               f"{df['publisher'].nunique()} publishers, {df['lang'].nunique()} languages")
    if pages:
        written = write_pages(rows, pages)
        summary += f"\nwrote {len(written)} page files (one block per line, no labels) to {pages}"
    return summary
