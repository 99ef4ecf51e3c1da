"""HTML pages -> blocks with DOM features.

A page is parsed with lxml and walked once. Text is cut into one block per visual line, the
way a naive scraper dumps a page (a new line at every block-level element and ``<br>``), so
HTML-mode and text-mode blocks line up. Each block also records where it sits in the DOM:
the tags around it, how much of it is link text, which class/id keywords its containers carry,
whether it lies in the page's main prose container, and whether a main-content extractor
keeps it (:mod:`classifier.extractor`). Those are the ``dom_*`` columns.
"""
from __future__ import annotations

import codecs
import re
from functools import lru_cache
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from lxml import etree, html as lxml_html

from .blocks import DEFAULT_LIMITS, Limits
from .errors import InputError
from .extractor import extractor_kept
from .features import is_prose
from .schema import DOM_FEATURES

SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "meta", "link", "object",
                          "embed", "applet", "iframe", "frame", "frameset", "param", "source",
                          "track", "canvas"})
"""Elements whose content a reader never sees as text."""
MAX_DEPTH = 256
"""How deep libxml2 lets elements nest (without its "huge" option, which we leave off)."""
NEWLINE_TAGS = frozenset({
    "title", "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "figure", "figcaption", "table", "tr", "article", "aside", "section",
    "header", "footer", "nav", "main", "form", "fieldset", "legend", "details", "summary",
    "address", "hr", "br", "caption", "option", "button", "label", "select", "textarea",
    "body", "html", "head",
})
"""Elements that start and end a visual line."""

_TAG_FLAGS = {
    "nav": {"nav"}, "header": {"header"}, "footer": {"footer"}, "aside": {"aside"},
    "form": {"form", "button", "input", "select", "option", "label", "textarea", "fieldset"},
    "article": {"article"}, "main": {"main"}, "list": {"li", "dt", "dd"},
    "table": {"td", "th", "tr", "table"}, "figure": {"figure", "figcaption", "picture"},
    "heading": {"h1", "h2", "h3", "h4", "h5", "h6"}, "paragraph": {"p"},
    "quote": {"blockquote", "q"}, "title": {"title"}, "time": {"time"},
    "small": {"small", "sup", "sub"}, "address": {"address"},
}
"""DOM flags set when the block lies inside one of these tags."""

_KEYWORD_GROUPS = {
    "nav": "nav|menu|navigation|drawer|hamburger|megamenu|topnav|subnav",
    "header": "header|masthead|topbar|branding|logo",
    "footer": "footer|colophon|bottom|sitemap",
    "side": "sidebar|aside|rail|widget|sidebox",
    "related": "related|recommend|more|popular|trending|mostread|readnext|outbrain|taboola|"
               "teaser|river|feed|promo|latest",
    "comment": "comment|discuss|disqus|reply|replies|respond|conversation",
    "share": "share|sharing|social|follow|facebook|twitter|whatsapp|print",
    "ad": "advert|sponsor|dfp|gpt|banner|commercial|affiliate|partner",
    "newsletter": "newsletter|signup|subscribe|optin|inbox|email",
    "paywall": "paywall|meter|premium|offer|plan|pricing|regwall|piano|subscriber|locked|gate|"
               "membership|member|donate|contribution|plus|wall",
    "cookie": "cookie|consent|gdpr|cmp",
    "breadcrumb": "breadcrumb|crumb|kicker|category|rubric",
    "tag": "topic|keyword",
    "author": "author|byline|writer|bio|contributor|profile|avatar",
    "caption": "caption|credit|photo|image|img|media|gallery|video|figure",
    "date": "date|time|timestamp|published|updated|dateline|meta",
    "legal": "disclaimer|legal|terms|disclosure|notice|copyright|fineprint",
    "title": "title|headline|heading|hed|dek|standfirst|subtitle|summary",
    "article": "article|story|post|entry|blog|news",
    "body": "body|text|content|main|prose|richtext|paragraph|copy|detail|rte",
}
"""Class/id token prefixes by what they usually mark, for the ``dom_kw_*`` features: how
near the block the closest container with such a word is (1 on the block's own element, 1/2
on its parent, ... 0 when none; ``<html>`` and ``<body>`` classes name the page type, not a
part of it, and are left out)."""
_KEYWORD_RES = {name: re.compile(rf"^(?:{words})") for name, words in _KEYWORD_GROUPS.items()}
_EXACT_WORDS = {"ad": {"ad", "ads"}, "tag": {"tag", "tags"}}
"""Words of a group that only count as whole tokens ("ad" is not a prefix: "address")."""

_NOT_SEEN = (0,) * len(_KEYWORD_GROUPS)
"""Keyword depths before any container carries one (depth 0: none; the root is depth 1)."""
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
"""Zero-width characters stripped from block ends like white space."""
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
                      rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def decode_html(data: str | bytes, *, source: str = "page") -> str:
    """The page as text: bytes are read as UTF-8, else as the charset the page declares (in a
    meta tag or an XML declaration; a page labelled UTF-8 that is not is read as Windows-1252);
    bytes that do not decode become U+FFFD, as in a browser."""
    if isinstance(data, str):
        return _without_xml_declaration(data)
    if not isinstance(data, (bytes, bytearray)):
        raise InputError(f"{source}: expected HTML text or bytes, got {type(data).__name__}")
    data = bytes(data)
    try:
        return _without_xml_declaration(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:4096])
    encoding = (declared.group(1) or declared.group(2)).decode("ascii") if declared else "cp1252"
    try:
        if codecs.lookup(encoding).name == "utf-8":   # mislabelled: the bytes are not UTF-8
            encoding = "cp1252"                        # the web's commonest legacy charset
        return _without_xml_declaration(data.decode(encoding, errors="replace"))
    except LookupError:
        raise InputError(f"{source}: not UTF-8, and its declared charset {encoding!r} is "
                         "unknown") from None


def _without_xml_declaration(text: str) -> str:
    """The page without a leading byte order mark and XML declaration (``<?xml ... ?>``, as
    XHTML pages start): the text is decoded already, and lxml refuses a str that declares an
    encoding."""
    return _XML_DECLARATION.sub("", text.lstrip("\ufeff"), count=1)


def keyword_flags(element: etree._Element) -> int:
    """Bit mask of the keyword groups that the element's class and id tokens belong to."""
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return _names_mask(names) if names.strip() else 0


def _names_mask(names: str) -> int:
    """Bit mask of the keyword groups of a class-and-id string."""
    mask = 0
    for token in _TOKEN_SPLIT.split(_CAMEL.sub("-", names).lower()):
        if token:
            mask |= _token_mask(token)
    return mask


@lru_cache(maxsize=65_536)
def _token_mask(token: str) -> int:
    """Bit mask of the keyword groups one class/id token belongs to (tokens repeat a lot)."""
    mask = 0
    for bit, (group, pattern) in enumerate(_KEYWORD_RES.items()):
        if token in _EXACT_WORDS.get(group, ()) or pattern.match(token):
            mask |= 1 << bit
    return mask


@dataclass
class _Line:
    """A visual line being assembled: its text pieces, how much is link text, where it starts."""
    pieces: list[str] = field(default_factory=list)
    link_chars: int = 0
    anchor: tuple | None = None


class _Walker:
    """Walks a parsed page once and collects one record per visual line."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.stack: list[etree._Element] = []
        self.seen: list[tuple[int, ...]] = [_NOT_SEEN]
        self.links = 0
        self.line = _Line()
        self.records: list[tuple] = []

    def text(self, text: str | None) -> None:
        if not text:
            return
        if self.line.anchor is None and text.strip():
            self.line.anchor = (tuple(self.stack), self.seen[-1])
        self.line.pieces.append(text)
        if self.links:
            self.line.link_chars += len(text.strip().strip(_INVISIBLE).strip())

    def flush(self) -> None:
        line, self.line = self.line, _Line()
        text = _SPACES.sub(" ", "".join(line.pieces)).strip().strip(_INVISIBLE).strip()
        if text and line.anchor is not None:
            # link pieces are counted before spaces are folded, so cap the share at 1
            link_share = min(1.0, line.link_chars / max(len(text), 1))
            self.records.append((text, link_share, *line.anchor))
            self.limits.check_blocks(len(self.records))

    def start(self, element: etree._Element) -> None:
        if element.tag in NEWLINE_TAGS:
            self.flush()
        self.stack.append(element)
        self.seen.append(self._seen_with(element))
        self.links += element.tag == "a"
        self.text(element.text)

    def _seen_with(self, element: etree._Element) -> tuple[int, ...]:
        """Depth of the innermost container with each keyword group, this element included."""
        mask = 0 if element.tag in ("html", "body") else keyword_flags(element)
        if not mask:
            return self.seen[-1]
        seen = list(self.seen[-1])
        for bit in range(len(seen)):
            if mask >> bit & 1:
                seen[bit] = len(self.stack)
        return tuple(seen)

    def end(self, element: etree._Element) -> None:
        self.links -= element.tag == "a"
        self.stack.pop()
        self.seen.pop()
        if element.tag in NEWLINE_TAGS:
            self.flush()
        self.text(element.tail)


def _walk(root: etree._Element, limits: Limits) -> list[tuple]:
    """(text, link share, ancestor elements, keyword depths) for each visual line, in order."""
    walker = _Walker(limits)
    events = etree.iterwalk(root, events=("start", "end"))
    for event, element in events:
        if not isinstance(element.tag, str):       # comments and processing instructions
            if event == "end":
                walker.text(element.tail)
            continue
        if element.tag in SKIPPED_TAGS:
            if event == "start":
                events.skip_subtree()
            else:
                walker.text(element.tail)
            continue
        (walker.start if event == "start" else walker.end)(element)
    walker.flush()
    return walker.records


def parse_html(text: str, *, limits: Limits | None = None) -> etree._Element:
    """Parse a decoded page with lxml's forgiving HTML parser; refuse pages over the size limit."""
    (limits or DEFAULT_LIMITS).check_page_chars(len(text))
    if not text.strip():
        raise InputError("page is empty")
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                  huge_tree=False, recover=True)
    try:
        root = lxml_html.document_fromstring(text.replace("\x00", ""), parser=parser)
    except (etree.ParserError, ValueError) as err:
        raise InputError(f"page could not be parsed as HTML: {err}") from None
    fatal = [e for e in parser.error_log if e.level_name == "FATAL"]
    if fatal:   # the parser gave up part-way (nesting too deep...): its text would be lost
        message = fatal[0].message.strip()
        if message.startswith("Excessive depth"):
            message = f"elements are nested more than {MAX_DEPTH} deep (libxml2's limit)"
        raise InputError(f"page could not be parsed as HTML: {message}")
    return root


def _container_features(records: list[tuple]) -> tuple[np.ndarray, np.ndarray]:
    """Whether each line lies in the element holding the most prose (the likely article
    container), and the share of the page's prose held by the line's own container."""
    prose_under: dict[int, float] = {}
    containers = []
    for text, _, ancestors, _ in records:
        container = ancestors[-2] if len(ancestors) > 1 else (ancestors[-1] if ancestors else None)
        containers.append(id(container))
        if is_prose(text):
            for element in ancestors:
                prose_under[id(element)] = prose_under.get(id(element), 0.0) + len(text)
    total = max(prose_under.values(), default=0.0)
    if not total:
        zeros = np.zeros(len(records))
        return zeros, zeros
    # The top container is the deepest element that still holds most of the page's prose.
    best_depth, top = -1, None
    for _, _, ancestors, _ in records:
        for depth, element in enumerate(ancestors):
            if prose_under.get(id(element), 0.0) >= 0.6 * total and depth > best_depth:
                best_depth, top = depth, id(element)
    in_top = np.array([any(id(e) == top for e in ancestors) for _, _, ancestors, _ in records],
                      dtype=float)
    share = np.array([prose_under.get(c, 0.0) / total for c in containers])
    return in_top, share


def _line_features(records: list[tuple]) -> np.ndarray:
    """One row of DOM features per line (columns in ``DOM_FEATURES`` order)."""
    in_top, share = _container_features(records)
    rows = []
    for text, link_share, ancestors, seen in records:
        tags = {e.tag for e in ancestors}
        flags = [float(bool(tags & wanted)) for wanted in _TAG_FLAGS.values()]
        depth = len(ancestors)
        keywords = [1.0 / (1 + depth - at) if at > 0 else 0.0 for at in seen]
        rows.append([np.log1p(len(ancestors)), link_share, float(link_share > 0.5),
                     *flags, *keywords])
    width = 3 + len(_TAG_FLAGS) + len(_KEYWORD_GROUPS)   # depth, link share, in link, ...
    matrix = np.array(rows, dtype=float).reshape(len(records), width)
    return np.column_stack([matrix, in_top, share])


def split_html(page: str | bytes, *, limits: Limits | None = None) -> pd.DataFrame:
    """Cut an HTML page into blocks: one row per visual line with ``position``, ``text`` and
    the ``dom_*`` feature columns (see ``DOM_FEATURES``)."""
    limits = limits or DEFAULT_LIMITS
    root = parse_html(decode_html(page), limits=limits)
    records = _walk(root, limits)
    texts = [record[0] for record in records]
    layout = _line_features(records)
    # last, because the extractor prunes the tree that the records point into
    features = np.column_stack([layout, extractor_kept(root, texts)])
    frame = pd.DataFrame(features, columns=list(DOM_FEATURES))
    frame.insert(0, "text", pd.Series(texts, dtype=object))
    frame.insert(0, "position", np.arange(len(records)))
    return frame
