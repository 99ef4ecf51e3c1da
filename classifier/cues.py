"""Per-language cue lexicons: words and stems that mark pitches, notices and page furniture.

``classifier/lexicons/<lang>.tsv`` holds, for one language, lines ``category<TAB>term``: facts
about the language (how it says subscribe, trial, cancel, copyright, ...), written here. A term
is lower-case and matches at the start of a word (so a stem matches its inflections); in
scripts written without spaces (Japanese, Chinese) it matches anywhere.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

LEXICON_DIR = Path(__file__).with_name("lexicons")

# category -> what its terms are about (one line each; the order is the feature order)
CATEGORIES: dict[str, str] = {
    "subscribe": "subscribe, subscription, subscriber, abo",
    "trial": "free trial, test, try for free",
    "cancel": "cancel, cancellable, terminate, no commitment",
    "renew": "renew, automatically, billed, billing, charged",
    "plan": "plan, package, offer, tariff, bundle, pass",
    "period": "month, monthly, week, weekly, year, yearly, annual, day",
    "price": "price, cost, pay, payment, discount, save, off, only, VAT, cents",
    "member": "member, membership, supporter, club, friends of",
    "donate": "donate, donation, contribute, support us, chip in, patron",
    "newsletter": "newsletter, inbox, e-mail address, e-mail, sign up for, unsubscribe",
    "login": "log in, sign in, already a subscriber, account, password",
    "register": "register, registration, create an account, sign up",
    "limit": "free articles, limit, remaining, left this month, reached",
    "unlock": "unlock, continue reading, read more, full article, access, exclusive",
    "premium": "premium, plus, unlimited, digital access, ad-free, e-paper",
    "copyright": "copyright, all rights reserved, reproduction, may not be published",
    "source": "source, agency, wire, feed, with material from, contributed to this report",
    "notice": "disclaimer, note, notice, not responsible, terms, conditions, privacy policy",
    "advice": "advice, investment, financial, medical, doctor, consult, risk",
    "affiliate": "affiliate, commission, partner links, sponsored, paid partnership",
    "ai": "artificial intelligence, AI, generated, automatically created, editorially reviewed",
    "cookie": "cookie, consent, accept, reject, settings, tracking, personalised ads",
    "share": "share, tweet, print, copy link, save, bookmark",
    "comment": "comment, reply, reader comments, discussion, report",
    "related": "related, more on, read also, most read, recommended, you may also like",
    "advert": "advertisement, ad, sponsored, promotion, anzeige",
}


def read_lexicon(path: str | Path) -> dict[str, list[str]]:
    """Category -> terms of one lexicon file; a malformed line raises ValueError naming it."""
    path = Path(path)
    terms: dict[str, list[str]] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        category, sep, term = line.partition("\t")
        term = term.strip()
        if not sep or category not in CATEGORIES or not term:
            raise ValueError(f"{path}:{number}: expected 'category<TAB>term' with a category "
                             f"from {list(CATEGORIES)}, got {line[:60]!r}")
        if term != term.casefold():
            raise ValueError(f"{path}:{number}: terms are lower-case, got {term!r}")
        terms.setdefault(category, []).append(term)
    return terms


def _spaceless(char: str) -> bool:
    """Whether a character belongs to a script written without spaces between words (kana,
    CJK ideographs), where a term may match anywhere."""
    code = ord(char)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF


@lru_cache(maxsize=1)
def _automaton():
    """One Aho-Corasick automaton over every term of every lexicon: term -> (length, whether it
    must start a word, the indices of its categories)."""
    import ahocorasick

    found: dict[str, set[int]] = {}
    index = {name: i for i, name in enumerate(CATEGORIES)}
    for path in sorted(LEXICON_DIR.glob("*.tsv")):
        for category, terms in read_lexicon(path).items():
            for term in terms:
                found.setdefault(term, set()).add(index[category])
    automaton = ahocorasick.Automaton()
    for term, categories in found.items():
        automaton.add_word(term, (len(term), not _spaceless(term[0]), tuple(sorted(categories))))
    automaton.make_automaton()
    return automaton


def cue_counts(texts: list[str]) -> np.ndarray:
    """How many terms of each category (columns in ``CATEGORIES`` order) each text holds, any
    language's lexicon counted; a term counts where it starts a word (or anywhere, in
    spaceless scripts)."""
    automaton = _automaton()
    out = np.zeros((len(texts), len(CATEGORIES)), dtype=np.float32)
    if not len(automaton):
        return out
    for row, text in enumerate(texts):
        lowered = text.casefold()
        for end, (length, word_start, categories) in automaton.iter(lowered):
            start = end - length + 1
            if word_start and start > 0 and lowered[start - 1].isalnum():
                continue
            out[row, list(categories)] += 1
    return out


_WORD_RE = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """The stopwords of every language stopwordsiso knows, in one set."""
    import stopwordsiso

    return frozenset(w.casefold() for lang in stopwordsiso.langs()
                     for w in stopwordsiso.stopwords(lang))


def stopword_share(texts: list[str]) -> np.ndarray:
    """Share of each text's words that are a stopword in some language: high in prose of any
    language, low in menus, names, prices and headlines-as-links."""
    stop = _stopwords()
    out = np.zeros(len(texts), dtype=np.float32)
    for row, text in enumerate(texts):
        words = _WORD_RE.findall(text.casefold())
        if words:
            out[row] = sum(w in stop for w in words) / len(words)
    return out


if __name__ == "__main__":
    import sys

    for arg in sys.argv[1:]:
        try:
            found = read_lexicon(arg)
        except ValueError as err:
            print(f"ERROR {err}")
            continue
        missing = [c for c in CATEGORIES if c not in found]
        counts = ", ".join(f"{c} {len(found.get(c, []))}" for c in CATEGORIES)
        print(f"{arg}: {sum(map(len, found.values()))} terms ({counts})"
              + (f"; MISSING categories: {missing}" if missing else ""))
