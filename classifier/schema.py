"""Names shared by every part of the package: labels, block-table columns, DOM feature
columns. No imports, so that any module can use them without pulling in a parser or a model."""
from __future__ import annotations

BODY = "body"
PAYWALL = "paywall"
NEWSLETTER = "newsletter"
"""The ``fine`` value of a paywall block that is a newsletter sign-up, not a reader-revenue
pitch: it is removed like any pitch, but does not make a page paywalled."""

DEFAULT_LABELS: dict[str, str] = {
    "body": "the article's own text: paragraphs, in-article subheadings, quotes, list items "
            "and table rows that belong to the story",
    "boilerplate": "everything else that is not the article: navigation, headline, byline, "
                   "captions, share bars, cookie banners, related lists, footers",
    "disclaimer": "legal, editorial and commercial notices about the content: copyright, "
                  "syndication notes, affiliate disclosures, advice warnings",
    "paywall": "any pitch to pay, subscribe, register, sign in or sign up: metered notices, "
               "plans, prices, benefits, donation appeals, newsletter sign-ups",
}

REQUIRED_COLUMNS = ("publisher", "page_id", "position", "text", "label")
"""The columns of a labelled block table (one row per block)."""
OPTIONAL_COLUMNS = {"lang": "und", "fine": ""}
"""Optional columns of a block table and the value they take when absent: the language, and
a finer kind within a label (:data:`NEWSLETTER` for newsletter sign-ups among paywall blocks)."""

DOM_FEATURES = (
    "dom_depth", "dom_link_share", "dom_in_link",
    "dom_in_nav", "dom_in_header", "dom_in_footer", "dom_in_aside", "dom_in_form",
    "dom_in_article", "dom_in_main", "dom_in_list", "dom_in_table", "dom_in_figure",
    "dom_in_heading", "dom_in_paragraph", "dom_in_quote", "dom_in_title", "dom_in_time",
    "dom_in_small", "dom_in_address",
    "dom_kw_nav", "dom_kw_header", "dom_kw_footer", "dom_kw_side", "dom_kw_related",
    "dom_kw_comment", "dom_kw_share", "dom_kw_ad", "dom_kw_newsletter", "dom_kw_paywall",
    "dom_kw_cookie", "dom_kw_breadcrumb", "dom_kw_tag", "dom_kw_author", "dom_kw_caption",
    "dom_kw_date", "dom_kw_legal", "dom_kw_title", "dom_kw_article", "dom_kw_body",
    "dom_in_top_container", "dom_container_prose_share", "dom_extractor_kept")
"""The columns HTML mode adds to each block (:func:`classifier.dom.split_html`): its depth and
link share, whether it lies in each kind of tag (``in_*``), how near a container whose
class/id names each kind of furniture is (``kw_*``), and the main-container and extractor
signals."""
