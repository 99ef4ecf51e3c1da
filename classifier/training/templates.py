"""Labelled text pages -> HTML, through publisher templates of our own making.

HTML mode learns from DOM features, but the dataset holds pages as text blocks. This module
renders each page as its publisher's site would serve it: a template drawn from the publisher
name fixes the markup habits (HTML5 sections or div soup, class naming scheme, wrappers,
where the paywall box sits, how links and headings are marked up), and each block gets the
markup of its role on the page (menu item, headline, paragraph, caption, plan card, footer
link...). Every block becomes exactly one visual line, so labels carry over one to one.
Templates are noisy on purpose, like real CMS markup: class names often say nothing, promos
sit inside the article container, body paragraphs carry links.
"""
from __future__ import annotations

import hashlib
import html
import random
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dom import split_html
from ..errors import DatasetError
from ..schema import BODY, DOM_FEATURES
from .roles import SENTENCE_END, block_roles, words

SCHEMES = ("semantic", "bem", "wordpress", "hashed", "utility", "mixed")
"""Class naming schemes; ``hashed`` and ``utility`` carry no meaning, like CSS-in-JS output."""

_ROLE_WORDS = {
    "nav": ["nav", "menu", "site-nav", "main-menu", "navigation", "topics-bar", "links"],
    "header": ["header", "masthead", "top", "brand-bar", "site-head"],
    "cookie": ["cookie-banner", "consent", "gdpr-notice", "cmp-box", "privacy-prompt", "notice"],
    "headline": ["headline", "title", "article-title", "hed", "heading", "story-title"],
    "byline": ["byline", "author", "meta", "article-meta", "credits", "info"],
    "share": ["share", "social", "share-tools", "sharing", "actions", "toolbar"],
    "caption": ["caption", "figure", "media-caption", "photo", "credit", "img-wrap"],
    "ad": ["ad", "ad-slot", "advert", "dfp", "sponsor", "slot", "placement"],
    "related": ["related", "more", "recommended", "popular", "most-read", "trending", "cards",
                "list", "stream", "teasers"],
    "comments": ["comments", "discussion", "replies", "community", "thread"],
    "footer": ["footer", "site-footer", "bottom", "colophon", "legal-links", "end"],
    "paywall": ["paywall", "offer", "subscribe-box", "premium-gate", "meter", "reg-wall",
                "upsell", "cta", "piano-container", "tp-modal", "promo-unit", "plans",
                "membership", "support-box"],
    "disclaimer": ["disclaimer", "note", "notice", "small-print", "editor-note", "legal",
                   "info-box", "fine"],
    "article": ["article", "story", "post", "entry", "content", "main-col", "page"],
    "body": ["article-body", "story-body", "entry-content", "text", "rich-text", "body",
             "prose", "content-inner", "article__content"],
    "widget": ["widget", "module", "box", "panel", "tool", "embed"],
    "table": ["table", "data-table", "standings", "stats", "tbl", "results-table"],
    "benefits": ["benefits", "perks", "features", "includes", "checklist", "list"],
    "marked-body": ["paywall", "meteredContent", "premium-content", "article-paywall",
                    "regwall-content", "locked-content", "subscriber-only", "media-body",
                    "sidebar-layout-main", "section-content"],
}
"""Class words a site might use for each role; a template picks one per role."""

_PAGE_CLASSES = ["", "", "single single-post", "article-page template-story", "post-template",
                 "page-article news", "layout-default", "home blog", "theme-light has-sidebar",
                 "story-page premium"]
"""Classes on ``<body>``: they name the page type, often with article-ish words."""


@dataclass(frozen=True)
class Template:
    """A publisher's markup habits."""
    html5: bool
    scheme: str
    wrappers: int
    body_wrappers: int
    paywall_in_article: bool
    body_tag: str
    link_rate: float
    nav_as_list: bool
    headline_tag: str
    subhead_tag: str
    disclaimer_tag: str
    cards: bool
    body_class: str
    body_marked: bool
    chunked_body: bool
    extras_in_article: int
    lists: bool
    seed: int


def template_for(publisher: str) -> Template:
    """The template of a publisher: drawn from a hash of its name, so it is stable."""
    seed = int(hashlib.sha1(f"template:{publisher}".encode()).hexdigest()[:12], 16)
    rng = random.Random(seed)
    return Template(
        html5=rng.random() < 0.6, scheme=rng.choice(SCHEMES), wrappers=rng.randint(1, 6),
        body_wrappers=rng.randint(0, 3), paywall_in_article=rng.random() < 0.5,
        body_tag=rng.choice(["p"] * 4 + ["div"]), link_rate=rng.choice([0.0, 0.1, 0.3, 0.5]),
        nav_as_list=rng.random() < 0.7, headline_tag=rng.choice(["h1"] * 4 + ["div", "h2"]),
        subhead_tag=rng.choice(["h2", "h3", "h2", "strong", "h4"]),
        disclaimer_tag=rng.choice(["p", "small", "em", "div"]), cards=rng.random() < 0.5,
        body_class=rng.choice(_PAGE_CLASSES), body_marked=rng.random() < 0.3,
        chunked_body=rng.random() < 0.4, extras_in_article=rng.choice([0, 0, 3, 8, 20]),
        lists=rng.random() < 0.7, seed=seed)


class _Classes:
    """Class attribute values in a template's naming scheme (``hashed`` ones are random)."""

    def __init__(self, template: Template) -> None:
        self.scheme = template.scheme
        self.rng = random.Random(template.seed + 1)
        self.chosen: dict[str, str] = {}

    def __call__(self, role: str) -> str:
        if role not in self.chosen:
            self.chosen[role] = self._make(role)
        return self.chosen[role]

    def _make(self, role: str) -> str:
        word = self.rng.choice(_ROLE_WORDS.get(role, [role]))
        scheme = self.scheme
        if scheme == "mixed":
            scheme = self.rng.choice(["semantic", "hashed"])
        if scheme == "semantic":
            return word
        if scheme == "bem":
            return f"c-{word}__inner {word}--v{self.rng.randint(1, 3)}"
        if scheme == "wordpress":
            return f"wp-block-{word} {word}-{self.rng.randint(1, 99)}"
        if scheme == "utility":
            return " ".join(self.rng.sample(["flex", "grid", "mt-4", "px-2", "text-sm", "gap-3",
                                             "font-bold", "items-center", "w-full", "mx-auto",
                                             "hidden", "md:block", "py-6", "border-t"], 3))
        return f"css-{self.rng.getrandbits(28):07x} sc-{self.rng.getrandbits(20):05x}"


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


class _Page:
    """Builds one page's HTML from its blocks' roles with a template."""

    def __init__(self, template: Template) -> None:
        self.t = template
        self.rng = random.Random(template.seed + 2)
        self.cls = _Classes(template)
        self.out: list[str] = []
        self.open_regions: list[str] = []
        self.base = 0

    def tag(self, html5_tag: str) -> str:
        return html5_tag if self.t.html5 else "div"

    def open(self, tag: str, role: str) -> None:
        self.out.append(f'<{tag} class="{self.cls(role)}">')
        self.open_regions.append(tag)

    def close(self) -> None:
        self.out.append(f"</{self.open_regions.pop()}>")

    def line(self, text: str, role: str) -> None:
        """One block, one visual line, with the markup of its role."""
        t, rng, esc = self.t, self.rng, _esc(text)
        if role == "paragraph":
            self.out.append(f"<{t.body_tag}>{self._with_link(text)}</{t.body_tag}>")
        elif role == "listitem":
            self.out.append(f"<li>{self._with_link(text)}</li>")
        elif role == "tablerow":
            self.out.append(f"<tr><td>{esc}</td></tr>")
        elif role == "subhead":
            inner = f"<{t.subhead_tag}>{esc}</{t.subhead_tag}>"
            self.out.append(f"<p>{inner}</p>" if t.subhead_tag == "strong" else inner)
        elif role == "headline":
            self.out.append(f'<{t.headline_tag} class="{self.cls("headline")}">{esc}'
                            f"</{t.headline_tag}>")
        elif role in ("nav", "footer", "related") and (t.nav_as_list or role != "nav"):
            inner = f'<a href="/{rng.getrandbits(24):x}">{esc}</a>'
            if role == "related" and t.cards:
                self.out.append(f'<div class="{self.cls("related")}"><h3>{inner}</h3></div>')
            else:
                self.out.append(f"<li>{inner}</li>")
        elif role == "nav":
            self.out.append(f'<a class="{self.cls("nav")}" href="/{rng.getrandbits(20):x}">'
                            f"{esc}</a><br>")
        elif role == "paywall":
            self.out.append(self._paywall_line(text))
        elif role == "disclaimer":
            tag = t.disclaimer_tag
            self.out.append(f'<div class="{self.cls("disclaimer")}"><{tag}>{esc}</{tag}></div>')
        elif role == "caption":
            self.out.append(f'<{self.tag("figure")} class="{self.cls("caption")}"><img src="x.jpg">'
                            f"<{self.tag('figcaption')}>{esc}</{self.tag('figcaption')}>"
                            f"</{self.tag('figure')}>")
        elif role == "ad":
            self.out.append(f'<div class="{self.cls("ad")}"><span>{esc}</span></div>')
        elif role == "byline":
            tag = "time" if any(c.isdigit() for c in text) and rng.random() < 0.5 else "span"
            self.out.append(f'<div class="{self.cls("byline")}"><{tag}>{esc}</{tag}></div>')
        else:   # cookie, dek, comment and anything else: a plain paragraph in a box
            self.out.append(f'<div class="{self.cls(role)}"><p>{esc}</p></div>')

    def _with_link(self, text: str) -> str:
        """A paragraph's text, sometimes with a few words made into a link."""
        words = text.split(" ")
        if len(words) < 8 or self.rng.random() >= self.t.link_rate:
            return _esc(text)
        start = self.rng.randrange(len(words) - 3)
        end = start + self.rng.randint(1, 3)
        linked = " ".join(words[start:end])
        return (_esc(" ".join(words[:start]) + " ") + f'<a href="/story">{_esc(linked)}</a>'
                + _esc(" " + " ".join(words[end:])))

    def _paywall_line(self, text: str) -> str:
        n, esc = words(text), _esc(text)
        if n <= 3:
            kind = self.rng.choice(["a", "button", "span", "label"])
            href = ' href="/subscribe"' if kind == "a" else ""
            return f'<div class="{self.cls("paywall-row")}"><{kind}{href}>{esc}</{kind}></div>'
        if n <= 9 and not SENTENCE_END.search(text):
            if self.rng.random() < 0.5:
                return f"<h3>{esc}</h3>"
            # a benefit list, as offer boxes have: "<ul><li><strong>E-paper</strong>..."
            return f'<ul class="{self.cls("benefits")}"><li><strong>{esc}</strong></li></ul>'
        if self.rng.random() < 0.25:   # a benefit's explanation, as a list item of its own
            return f'<ul class="{self.cls("benefits")}"><li>{esc}</li></ul>'
        return f"<p>{esc}</p>"


def _region(role: str, index: int, first_body: int, last_body: int) -> str:
    """Which part of the page a block goes in: header, article or footer."""
    if role == "title":
        return "head"
    if index < first_body:
        return "top"
    if index <= last_body or role in ("disclaimer",):
        return "article"
    return "after"


def render_page(texts: list[str], labels: list[str], publisher: str) -> str:
    """The page's HTML as its publisher's template would serve it; one visual line per block."""
    template = template_for(publisher)
    roles = block_roles(texts, labels)
    body = [i for i, label in enumerate(labels) if label == BODY]
    first, last = (body[0], body[-1]) if body else (len(texts), len(texts))
    page = _Page(template)
    page.out.append(f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>"
                    f"{_esc(texts[0]) if texts else ''}</title></head>"
                    f'<body class="{template.body_class}">')
    for _ in range(template.wrappers):
        page.open("div", "widget")
    region = None
    group = None
    for i, (text, role) in enumerate(zip(texts, roles)):
        if role == "title":
            continue
        if role == "listitem" and not template.lists:
            role = "paragraph"
        where = _region(role, i, first, last)
        if where == "after":   # tags, share bars, bios often still sit inside the article
            in_article = i <= last + template.extras_in_article and role != "paywall"
            in_article |= role == "paywall" and template.paywall_in_article
            where = "article" if in_article and region == "article" else "bottom"
        if where != region:
            _close_to(page, template.wrappers)
            region, group = where, None
            _open_region(page, where)
        key = "bodytext" if role in ("paragraph", "subhead") else role
        if key != group or (key == "bodytext" and template.chunked_body and page.rng.random() < 0.2):
            _close_to(page, page.base)
            group = key
            _open_group(page, key, where)
        page.line(text, role)
    _close_to(page, 0)
    page.out.append("</body></html>")
    return "".join(page.out)


def _open_region(page: _Page, where: str) -> None:
    """Open the containers of a page region (header, article with its body wrappers, footer)."""
    if where == "top":
        page.open(page.tag("header"), "header")
    elif where == "article":
        page.open(page.tag("article"), "article")
        for level in range(page.t.body_wrappers):
            marked = page.t.body_marked and level == page.t.body_wrappers - 1
            page.open("div", "marked-body" if marked else "body")
    else:
        page.open(page.tag("footer"), "footer")
    page.base = len(page.open_regions)


def _open_group(page: _Page, role: str, where: str) -> None:
    """Open the container of a run of blocks with the same role (a menu, a paywall box...)."""
    if role == "nav":
        page.open(page.tag("nav"), "nav")
        if page.t.nav_as_list:
            page.open("ul", "nav")
    elif role in ("related", "footer"):
        page.open(page.tag("aside") if role == "related" else "div", role)
        if not (role == "related" and page.t.cards):
            page.open("ul", role)
    elif role == "paywall":
        page.open(page.tag("section") if where != "article" else "div", "paywall")
    elif role == "comment":
        page.open(page.tag("section"), "comments")
    elif role == "listitem":
        page.open("ul", "marked-body" if page.t.body_marked else "body")
    elif role == "tablerow":
        page.open("table", "table")
        page.open("tbody", "table")
    elif role == "bodytext" and page.t.chunked_body:
        page.open("div", "marked-body" if page.t.body_marked else "body")


def _close_to(page: _Page, depth: int) -> None:
    while len(page.open_regions) > depth:
        page.close()


def render_frame(blocks: pd.DataFrame) -> dict[str, str]:
    """Render every page of a labelled block table: ``{page_id: html}``."""
    pages = {}
    ordered = blocks.sort_values(["page_id", "position"], kind="stable")
    for page_id, page in ordered.groupby("page_id", sort=False):
        publisher = str(page["publisher"].iloc[0]) if "publisher" in page else str(page_id)
        pages[page_id] = render_page(page["text"].astype(str).tolist(),
                                     page["label"].astype(str).tolist(), publisher)
    return pages


def add_dom_features(blocks: pd.DataFrame) -> pd.DataFrame:
    """The labelled blocks with the ``dom_*`` columns they get when their page is rendered
    through its publisher's template and cut up again by :func:`~classifier.dom.split_html`."""
    out = blocks.reset_index(drop=True)
    features = np.zeros((len(out), len(DOM_FEATURES)))
    pages = out.groupby("page_id", sort=False).indices
    for page_id, html_page in render_frame(out).items():
        rows = pages[page_id]
        rows = rows[np.argsort(out.loc[rows, "position"].to_numpy(), kind="stable")]
        split = split_html(html_page)
        expected = [" ".join(t.split()) for t in out.loc[rows, "text"].astype(str)]
        if split["text"].tolist() != expected:
            raise DatasetError(f"page {page_id!r}: rendered HTML does not give back its "
                               "blocks one to one")
        features[rows] = split[list(DOM_FEATURES)].to_numpy()
    return pd.concat([out, pd.DataFrame(features, columns=list(DOM_FEATURES))], axis=1)
