"""The default label set and what each label covers (see ``data/README.md`` for examples)."""
from __future__ import annotations

BODY = "body"
PAYWALL = "paywall"

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
