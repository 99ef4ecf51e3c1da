"""Per-language cue lexicons: words and stems that mark pitches, notices and page furniture.

``classifier/lexicons/<lang>.tsv`` holds, for one language, lines ``category<TAB>term``: facts
about the language (how it says subscribe, trial, cancel, copyright, ...), written here. A term
is lower-case and matches at the start of a word (so a stem matches its inflections); in
scripts written without spaces (Japanese, Chinese) it matches anywhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .codepoints import WORD, Joined, char_flags, join_texts, run_hashes, word_runs

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


def lexicon_terms(directory: Path | None = None) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Every term of every lexicon in ``directory`` with the indices of its categories, sorted:
    what a model stores when it is fitted, so that later lexicon edits do not change it.
    ``directory`` defaults to the package's lexicons."""
    found: dict[str, set[int]] = {}
    index = {name: i for i, name in enumerate(CATEGORIES)}
    for path in sorted(Path(directory or LEXICON_DIR).glob("*.tsv")):
        for category, terms in read_lexicon(path).items():
            for term in terms:
                found.setdefault(term, set()).add(index[category])
    return tuple((term, tuple(sorted(found[term]))) for term in sorted(found))


@dataclass(frozen=True)
class _Matcher:
    """One Aho-Corasick automaton over the terms (each term's value is its number) and, per
    term number, its length, whether it must start a word, and its categories (a 0/1 matrix
    of terms by categories)."""

    automaton: object
    lengths: np.ndarray
    anchored: np.ndarray
    categories: sp.csr_matrix


@lru_cache(maxsize=4)
def _matcher(terms: tuple[tuple[str, tuple[int, ...]], ...]) -> _Matcher:
    """The :class:`_Matcher` of ``terms`` (from :func:`lexicon_terms`), built once per term set."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for number, (term, _) in enumerate(terms):
        automaton.add_word(term, number)
    automaton.make_automaton()
    rows = [number for number, (_, categories) in enumerate(terms) for _ in categories]
    columns = [c for _, categories in terms for c in categories]
    incidence = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)),
                              shape=(len(terms), len(CATEGORIES)))
    return _Matcher(automaton,
                    np.array([len(term) for term, _ in terms], dtype=np.int64),
                    np.array([not _spaceless(term[0]) for term, _ in terms], dtype=bool),
                    incidence)


def fold_texts(texts: list[str]) -> Joined:
    """The texts case-folded and joined: what :func:`cue_counts` and :func:`stopword_share`
    read (folded once for both)."""
    return join_texts([t.casefold() for t in texts])


def cue_counts(joined: Joined, terms: tuple[tuple[str, tuple[int, ...]], ...]) -> np.ndarray:
    """How many of ``terms`` (from :func:`lexicon_terms`) of each category (columns in
    ``CATEGORIES`` order) each text of ``joined`` (from :func:`fold_texts`) holds; a term counts
    where it starts a word (or anywhere, in spaceless scripts). The automaton runs once over
    all the texts, joined."""
    n_texts = len(joined.lengths)
    if not terms or not n_texts:
        return np.zeros((n_texts, len(CATEGORIES)), dtype=np.float32)
    matcher = _matcher(terms)
    # (end, term number) of every match, read from the automaton's iterator without a
    # Python step per match
    hits = np.fromiter(chain.from_iterable(matcher.automaton.iter(joined.string)),
                       dtype=np.int64).reshape(-1, 2)
    ends, numbers = hits[:, 0], hits[:, 1]
    starts = ends - matcher.lengths[numbers] + 1
    before = joined.codes[np.maximum(starts - 1, 0)]
    inside_word = ((char_flags(before) & WORD) > 0) & (before != ord("_")) & (starts > 0)
    keep = ~(matcher.anchored[numbers] & inside_word)
    found = sp.csr_matrix((np.ones(int(keep.sum()), dtype=np.float32),
                           (joined.doc[starts[keep]], numbers[keep])),
                          shape=(n_texts, len(terms)))
    return (found @ matcher.categories).toarray()


_WORD_RE = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """The stopwords of every language stopwordsiso knows, in one set."""
    import stopwordsiso

    return frozenset(w.casefold() for lang in stopwordsiso.langs()
                     for w in stopwordsiso.stopwords(lang))


@lru_cache(maxsize=1)
def _stopword_hashes() -> np.ndarray:
    """The sorted hashes (:func:`classifier.codepoints.run_hashes`) of the stopwords that are
    one word (the others, with an apostrophe or a space, never equal a word of a text)."""
    words = sorted(w for w in _stopwords() if _WORD_RE.fullmatch(w))
    joined = join_texts(words)
    starts, ends = word_runs(joined)
    return np.unique(run_hashes(joined, starts, ends))


def stopword_share(joined: Joined) -> np.ndarray:
    """Share of the words (runs of word characters) of each text of ``joined`` (from
    :func:`fold_texts`) that are a stopword in some language: high in prose of any language,
    low in menus, names, prices and headlines."""
    n_texts = len(joined.lengths)
    starts, ends = word_runs(joined)
    table = _stopword_hashes()
    hashes = run_hashes(joined, starts, ends)
    at = np.minimum(np.searchsorted(table, hashes), len(table) - 1)
    doc = joined.doc[starts]
    words = np.bincount(doc, minlength=n_texts)
    stops = np.bincount(doc, weights=table[at] == hashes, minlength=n_texts)
    return (stops / np.maximum(words, 1)).astype(np.float32)


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
