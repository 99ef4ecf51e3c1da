"""Layout features: the block's shape, its place in the page, its cue-lexicon counts, and the
same of its neighbours (the text features are in :mod:`classifier.text_features`).

Every transformer here takes a block DataFrame with the columns ``page_id``, ``position`` and
``text`` (rows in any order) and returns one row of features per block, in the same order.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .codepoints import COMMA, DIGIT, LETTER, LOWER, SPACE, STOP, UPPER, WORD, char_flags, join_texts
from .cues import CATEGORIES, cue_counts, fold_texts, lexicon_terms, stopword_share

NEIGHBOUR_OFFSETS = (-3, -2, -1, 1, 2, 3)
"""Blocks before (negative) and after (positive) whose features each block also sees."""
WINDOWS = (2, 5, 12)
"""Half-widths of the windows over which neighbour features are averaged."""
SITE_MIN_PAGES = 3
"""Fewest pages of one site, scored together, for the cross-page repetition feature to be used."""
PROSE_MIN_CHARS = 80
"""A block this long that ends like a sentence counts as prose for the page-layout features."""

_SENTENCE_END_RE = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
_CURRENCY_RE = re.compile(r"[$€£¥₹₩₽]|R\$|\b(?:USD|EUR|GBP|INR|Rs\.?|CHF|AUD|CAD|MXN|BRL|ARS|COP)\b")
_PRICE_RE = re.compile(r"\d[\d.,]*\s*(?:[$€£¥₹]|/|per\b)|[$€£¥₹]\s*\d")
_BULLET_RE = re.compile(r"^[•·\-–—*▪►>»✓✔■□●○◦]")
_PIPE_RE = re.compile(r"\s[|·•]\s|\s[-–—]\s.*[A-Z]")
_COPYRIGHT_RE = re.compile(r"©|\(c\)|copyright", re.I)
_URL_RE = re.compile(r"https?://|www\.|\S@\S|\.com\b", re.I)
_SHAPE_NAMES = (
    "log_chars", "log_words", "ends_sentence", "ends_colon", "starts_upper", "starts_digit",
    "starts_bullet", "upper_share", "digit_share", "punct_share", "lower_word_share",
    "title_word_share", "mean_word_len", "comma_rate", "sentences", "has_currency", "has_price",
    "has_percent", "has_pipe", "has_copyright", "has_url_or_mail", "all_caps", "has_question",
    "is_prose",
)
_PAGE_NAMES = ("rel_position", "log_position", "log_page_blocks", "log_dup_in_page",
               "in_title", "prose_mass_before", "log_prose_distance")
_CUE_NAMES = tuple(f"cue_{c}" for c in CATEGORIES) + ("stopword_share",)
# Cue categories summed into the three kinds of non-article text, for the neighbour features.
_CUE_KINDS = {
    "pitch": ("subscribe", "trial", "cancel", "renew", "plan", "period", "price", "member",
              "donate", "newsletter", "login", "register", "limit", "unlock", "premium"),
    "notice": ("copyright", "source", "notice", "advice", "affiliate", "ai"),
    "furniture": ("cookie", "share", "comment", "related", "advert"),
}
_CUE_CONTEXT_NAMES = tuple(f"cues_{kind}" for kind in _CUE_KINDS) + ("stopword_share",)


def page_order(X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (order, rank, size): rows sorted by page then position, each row's rank in its
    page and its page's number of blocks, so that neighbours are ``order[start + rank + k]``."""
    pages = pd.factorize(X["page_id"])[0]
    order = np.lexsort((X["position"].to_numpy(), pages))
    sorted_pages = pages[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_pages)) + 1]
    sizes = np.diff(np.r_[starts, len(order)])
    size_sorted = np.repeat(sizes, sizes)
    rank_sorted = np.arange(len(order)) - np.repeat(starts, sizes)
    rank = np.empty(len(order), dtype=np.int64)
    size = np.empty(len(order), dtype=np.int64)
    rank[order] = rank_sorted
    size[order] = size_sorted
    return order, rank, size


def neighbour_values(values: np.ndarray, X: pd.DataFrame,
                     offsets: tuple[int, ...] = NEIGHBOUR_OFFSETS,
                     windows: tuple[int, ...] = WINDOWS,
                     fill: float = 0.0) -> np.ndarray:
    """For each block, the rows of ``values`` of its neighbours at ``offsets`` (``fill`` off
    the page's ends) and their means over centred windows, side by side.

    Sums run over each page alone in a fixed order, so a block's features do not depend on
    which other pages are scored with it, nor on the order of the rows, to the last bit."""
    order, rank, size = page_order(X)
    rank_sorted, size_sorted = rank[order], size[order]
    sorted_values = values[order]
    n = len(order)

    def shifted(k: int, off_page: float) -> tuple[np.ndarray, np.ndarray]:
        valid = (rank_sorted + k >= 0) & (rank_sorted + k < size_sorted)
        target = np.clip(np.arange(n) + k, 0, max(n - 1, 0))
        return np.where(valid[:, None], sorted_values[target], off_page), valid

    parts = [shifted(k, fill)[0] for k in offsets]
    total, count = sorted_values.astype(float), np.ones(n)
    reach = 0
    for w in sorted(windows):
        for k in range(reach + 1, w + 1):
            for signed in (-k, k):
                part, valid = shifted(signed, 0.0)
                total = total + part
                count = count + valid
        reach = w
        parts.append(total / count[:, None])
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    return np.hstack(parts)[inverse] if parts else np.empty((n, 0))


def neighbour_names(names: tuple[str, ...] | list[str],
                    offsets: tuple[int, ...] = NEIGHBOUR_OFFSETS,
                    windows: tuple[int, ...] = WINDOWS) -> list[str]:
    """Feature names matching :func:`neighbour_values`."""
    out = [f"{name}@{k:+d}" for k in offsets for name in names]
    return out + [f"{name}@mean{w}" for w in sorted(windows) for name in names]


def shape_matrix(texts: pd.Series) -> np.ndarray:
    """Language-agnostic shape of each text: length, punctuation, case, digits, prices, ...

    Character counts run on one NumPy array of the code points of all the texts (a batch of
    pages is counted at once); only the few pattern tests are per-text regular expressions."""
    s = texts.astype(str).tolist()
    n = len(s)
    joined = join_texts(s)
    lengths, doc = joined.lengths, joined.doc
    flags = char_flags(joined.codes)
    space = (flags & SPACE) > 0
    space[np.cumsum(lengths + 1) - 1] = True      # the separator after each text
    word_start = ~space & np.concatenate([[True], space[:-1]])
    before_space = np.concatenate([space[1:], [True]])

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(doc[mask], minlength=n).astype(float)

    chars = lengths.astype(float)
    safe = np.maximum(chars, 1)
    words = count(word_start)
    safe_words = np.maximum(words, 1)
    letters = np.maximum(count((flags & LETTER) > 0), 1)
    upper = count((flags & UPPER) > 0)
    first = [t[:1] for t in s]
    columns = {
        "log_chars": np.log1p(chars),
        "log_words": np.log1p(words),
        "ends_sentence": _matches(_SENTENCE_END_RE, s),
        "ends_colon": [t.endswith(":") for t in s],
        "starts_upper": [f.isupper() for f in first],
        "starts_digit": [f.isdecimal() for f in first],
        "starts_bullet": _matches(_BULLET_RE, s),
        "upper_share": upper / letters,
        "digit_share": count((flags & DIGIT) > 0) / safe,
        "punct_share": count(((flags & (WORD | SPACE)) == 0) & ~space) / safe,
        "lower_word_share": count(word_start & ((flags & LOWER) > 0)) / safe_words,
        "title_word_share": count(word_start & ((flags & UPPER) > 0)) / safe_words,
        "mean_word_len": np.log1p(chars / safe_words),
        "comma_rate": count((flags & COMMA) > 0) / safe_words,
        "sentences": np.log1p(count(((flags & STOP) > 0) & before_space)),
        "has_currency": _matches(_CURRENCY_RE, s),
        "has_price": _matches(_PRICE_RE, s),
        "has_percent": ["%" in t for t in s],
        "has_pipe": _matches(_PIPE_RE, s),
        "has_copyright": _matches(_COPYRIGHT_RE, s),
        "has_url_or_mail": _matches(_URL_RE, s),
        "all_caps": (upper / letters > 0.8) & (letters > 3),
        "has_question": ["?" in t for t in s],
    }
    columns["is_prose"] = (chars >= PROSE_MIN_CHARS) & np.asarray(columns["ends_sentence"])
    return np.column_stack([np.asarray(columns[name], dtype=float) for name in _SHAPE_NAMES])


def is_prose(text: str) -> bool:
    """Whether a block reads as article prose: at least ``PROSE_MIN_CHARS`` long and ending
    like a sentence (the rule behind the ``is_prose`` shape feature)."""
    return len(text) >= PROSE_MIN_CHARS and _SENTENCE_END_RE.search(text) is not None


def _matches(pattern: re.Pattern, texts: list[str]) -> list[bool]:
    return [pattern.search(t) is not None for t in texts]


def cue_matrix(texts: list[str], terms: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Each text's cue-lexicon counts per category (log scale) and share of stopwords; and
    the same summed per kind of non-article text (pitch, notice, furniture), which
    neighbours also see. The lexicons know words in many languages, so a pitch worded in a
    way the training pages never used still lights up its category."""
    folded = fold_texts(texts)
    counts = cue_counts(folded, terms)
    stop = stopword_share(folded)[:, None]
    index = {name: i for i, name in enumerate(CATEGORIES)}
    kinds = np.column_stack([counts[:, [index[c] for c in members]].sum(axis=1)
                             for members in _CUE_KINDS.values()])
    return np.hstack([np.log1p(counts), stop]), np.hstack([np.log1p(kinds), stop])


def page_matrix(X: pd.DataFrame, is_prose: np.ndarray) -> np.ndarray:
    """Where each block sits in its page: position, duplicates, title overlap, prose around it."""
    order, rank, size = page_order(X)
    texts = X["text"].astype(str).to_numpy()
    page_ids = X["page_id"].to_numpy()
    dup = _pair_counts(pd.factorize(page_ids)[0], pd.factorize(texts)[0])
    first_text = {page_ids[i]: texts[i] for i in order[rank[order] == 0]}
    in_title = np.array([len(t) > 15 and t != first_text[p] and t in first_text[p]
                         for t, p in zip(texts, page_ids)], dtype=float)
    prose_chars = is_prose * X["text"].str.len().to_numpy(dtype=float)
    mass = np.empty(len(order))
    distance = np.empty(len(order))
    sorted_prose = prose_chars[order]
    start = 0
    while start < len(order):
        end = start + size[order[start]]
        page = sorted_prose[start:end]
        cumulative = np.cumsum(page)
        total = cumulative[-1] if cumulative[-1] > 0 else 1.0
        mass[order[start:end]] = (cumulative - page / 2) / total
        distance[order[start:end]] = _distance_to_prose(page > 0)
        start = end
    return np.column_stack([
        rank / np.maximum(size - 1, 1), np.log1p(rank), np.log1p(size), np.log(dup),
        in_title, mass, np.log1p(distance),
    ])


def _pair_counts(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """How many rows share each row's pair of integer codes (e.g. page and text)."""
    key = first.astype(np.int64) * (int(second.max(initial=0)) + 1) + second
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return counts[inverse].astype(float)


def _distance_to_prose(flags: np.ndarray) -> np.ndarray:
    """Number of blocks to the nearest prose block (the page length when there is none)."""
    n = len(flags)
    idx = np.flatnonzero(flags)
    if not len(idx):
        return np.full(n, float(n))
    positions = np.arange(n)
    right = np.searchsorted(idx, positions)
    after = np.abs(idx[np.minimum(right, len(idx) - 1)] - positions)
    before = np.abs(positions - idx[np.maximum(right - 1, 0)])
    return np.minimum(after, before).astype(float)


def site_repetition(X: pd.DataFrame, site: pd.Series | None) -> np.ndarray:
    """Share of the *other* pages of the block's site (scored in the same batch) that contain
    the same text: menus, footers and pitches repeat across a site's pages, articles do not.
    NaN where the site is unknown or has fewer than ``SITE_MIN_PAGES`` pages in the batch."""
    out = np.full(len(X), np.nan)
    if site is None:
        return out
    frame = pd.DataFrame({"site": site.to_numpy(), "page": X["page_id"].to_numpy(),
                          "text": X["text"].astype(str).str.strip().str.lower().to_numpy()})
    known = frame["site"].notna().to_numpy()
    pages_per_site = frame[known].groupby("site")["page"].nunique()
    pages_with_text = frame[known].drop_duplicates().groupby(["site", "text"])["page"].size()
    keys = pd.MultiIndex.from_arrays([frame.loc[known, "site"], frame.loc[known, "text"]])
    n_pages = frame.loc[known, "site"].map(pages_per_site).to_numpy(dtype=float)
    share = (pages_with_text.reindex(keys).to_numpy(dtype=float) - 1) / np.maximum(n_pages - 1, 1)
    out[known] = np.where(n_pages >= SITE_MIN_PAGES, share, np.nan)
    return out


class LayoutFeatures(TransformerMixin, BaseEstimator):
    """Dense features: the block's shape, page position and cue-lexicon counts, and its
    neighbours' shape, position and cues, standardised."""

    def __init__(self, *, offsets: tuple[int, ...] = (-1, 1), windows: tuple[int, ...] = WINDOWS,
                 cues: bool = True):
        self.offsets = offsets
        self.windows = windows
        self.cues = cues

    def _raw(self, X: pd.DataFrame) -> np.ndarray:
        shape = shape_matrix(X["text"])
        page = page_matrix(X, shape[:, _SHAPE_NAMES.index("is_prose")])
        if not self.cues:
            own = np.hstack([shape, page])
            return np.hstack([own, neighbour_values(own, X, self.offsets, self.windows)])
        cues, cue_kinds = cue_matrix(X["text"].astype(str).tolist(), self.cue_terms_)
        context = np.hstack([shape, page, cue_kinds])
        return np.hstack([shape, page, cues,
                          neighbour_values(context, X, self.offsets, self.windows)])

    def fit(self, X: pd.DataFrame, y=None) -> "LayoutFeatures":
        self.fit_transform(X)
        return self

    def fit_transform(self, X: pd.DataFrame, y=None) -> np.ndarray:
        self.cue_terms_ = lexicon_terms() if self.cues else ()
        raw = self._raw(X)
        self.mean_ = raw.mean(axis=0)
        self.scale_ = raw.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        return (raw - self.mean_) / self.scale_

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "mean_")
        return (self._raw(X) - self.mean_) / self.scale_

    def own_text_names(self) -> list[str]:
        """Features that depend on the block's own text alone (shape and cue counts), not on its
        place in the page or its neighbours."""
        return list(_SHAPE_NAMES + (_CUE_NAMES if self.cues else ()))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        own = list(_SHAPE_NAMES + _PAGE_NAMES)
        if not self.cues:
            return np.array(own + neighbour_names(own, self.offsets, self.windows), dtype=object)
        context = own + list(_CUE_CONTEXT_NAMES)
        return np.array(own + list(_CUE_NAMES) + neighbour_names(context, self.offsets, self.windows),
                        dtype=object)


