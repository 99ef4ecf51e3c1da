"""Text features: TF-IDF of each block's words and hashed character n-grams, and the words of
the blocks around it. Takes a block DataFrame (``page_id``, ``position``, ``text``) like the
layout features of :mod:`classifier.features`; and the distinct rows of such a matrix, since
stage one fits each distinct (row, label) once, weighted by its count.

The vocabulary of word unigrams and bigrams is chosen by scikit-learn's ``CountVectorizer``
when fitting; counting them, in fitting and in scoring alike, runs on NumPy arrays of code
points (:mod:`classifier.codepoints`): the same counts, several times faster."""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from .codepoints import join_texts, mix, run_hashes, word_runs
from .features import page_order

CHAR_BUCKETS = 2 ** 20
"""Columns that character n-grams are hashed into."""
_CHAR_BATCH = 20_000
"""Texts whose n-grams are counted at once (bounds the memory of the counting)."""


def neighbour_sum(matrix: sp.csr_matrix, X: pd.DataFrame, context: int) -> sp.csr_matrix:
    """For each block, the sum of the rows of ``matrix`` of the blocks within ``context``
    positions of it in its page (itself left out). The sum runs in page order, so the result
    does not depend on the order of the rows of ``X``, to the last bit."""
    order, rank, size = page_order(X)
    rank_sorted, size_sorted = rank[order], size[order]
    rows, cols = [], []
    for k in (*range(-context, 0), *range(1, context + 1)):
        source = np.flatnonzero((rank_sorted + k >= 0) & (rank_sorted + k < size_sorted))
        rows.append(source)
        cols.append(source + k)
    rows_, cols_ = np.concatenate(rows), np.concatenate(cols)
    n = len(order)
    band = sp.csr_matrix((np.ones(len(rows_), dtype=matrix.dtype), (rows_, cols_)), shape=(n, n))
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    return (band @ matrix[order])[inverse]


def char_ngram_counts(texts: list[str], ngram_range: tuple[int, int] = (2, 4), n_features: int = CHAR_BUCKETS) -> sp.csr_matrix:
    """Counts of each text's lower-cased character n-grams, hashed into ``n_features`` columns.

    scikit-learn's char analyser builds every n-gram as a Python string; this does the same
    counting on NumPy arrays of code points, tens of times faster on short blocks."""
    parts = [_hashed_counts(texts[i:i + _CHAR_BATCH], ngram_range, n_features)
             for i in range(0, len(texts), _CHAR_BATCH)]
    return sp.vstack(parts, format="csr") if parts else sp.csr_matrix((0, n_features))


def _hashed_counts(texts: list[str], ngram_range: tuple[int, int],
                   n_features: int) -> sp.csr_matrix:
    """Hashed n-gram counts of one batch of texts (see :func:`char_ngram_counts`)."""
    joined = join_texts([t.lower() for t in texts])
    codes, doc = joined.codes.astype(np.uint64), joined.doc
    boundary = np.zeros(len(codes) + 1, dtype=np.int64)
    boundary[1:][np.cumsum(joined.lengths + 1) - 1] = 1          # the separator after each text
    crossed = np.cumsum(boundary)
    rows = [np.empty(0, dtype=np.int64)]          # so texts too short for any n-gram
    cols = [np.empty(0, dtype=np.uint64)]         # give an all-zero row, not an error
    for n in range(ngram_range[0], ngram_range[1] + 1):
        m = len(codes) - n + 1
        if m <= 0:
            continue
        h = np.full(m, n, dtype=np.uint64)
        for k in range(n):
            h = h * np.uint64(1_000_003) + codes[k:k + m]
        valid = crossed[n:n + m] - crossed[:m] == 0
        rows.append(doc[:m][valid])
        cols.append((h[valid] ^ (h[valid] >> np.uint64(31))) % np.uint64(n_features))
    rows_, cols_ = np.concatenate(rows), np.concatenate(cols).astype(np.int64)
    out = sp.csr_matrix((np.ones(len(rows_), dtype=np.float32), (rows_, cols_)),
                        shape=(len(texts), n_features))
    out.sum_duplicates()
    return out


_BIGRAM = np.uint64(0xC2B2AE3D27D4EB4F)
"""Odd multiplier that joins the hashes of two words into the hash of the bigram."""


def _word_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(text number, hash) of each word of ``texts``, and the same of each pair of consecutive
    words of one text; words are runs of two or more word characters (scikit-learn's default
    tokens), and texts are used as given."""
    joined = join_texts(texts)
    starts, ends = word_runs(joined, min_length=2)
    words = run_hashes(joined, starts, ends)
    doc = joined.doc[starts]
    same = doc[:-1] == doc[1:]
    with np.errstate(over="ignore"):
        pairs = mix(words[:-1][same]) * _BIGRAM + words[1:][same]
    return doc, words, doc[:-1][same], pairs


def vocabulary_table(vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """The hashes of a vocabulary's terms (one or two words each, as :func:`_word_hashes`
    hashes them), sorted, and the column of each."""
    terms = list(vocabulary)
    word_doc, words, pair_doc, pairs = _word_hashes(terms)
    n_words = np.bincount(word_doc, minlength=len(terms))
    if not np.isin(n_words, (1, 2)).all():
        bad = terms[int(np.flatnonzero(~np.isin(n_words, (1, 2)))[0])]
        raise ValueError(f"vocabulary term {bad!r} is not one or two words")
    table = np.empty(len(terms), dtype=np.uint64)
    single = n_words[word_doc] == 1
    table[word_doc[single]] = words[single]
    table[pair_doc] = pairs
    order = np.argsort(table)
    columns = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(terms))
    return table[order], columns[order]


def word_ngram_counts(texts: list[str], table: tuple[np.ndarray, np.ndarray],
                      n_features: int) -> sp.csr_matrix:
    """Counts of the vocabulary's word unigrams and bigrams in each (lower-cased) text, as
    scikit-learn's ``CountVectorizer.transform`` gives them; ``table`` is from
    :func:`vocabulary_table`."""
    hashes, columns = table
    word_doc, words, pair_doc, pairs = _word_hashes(texts)
    doc, found = np.concatenate([word_doc, pair_doc]), np.concatenate([words, pairs])
    at = np.minimum(np.searchsorted(hashes, found), max(len(hashes) - 1, 0))
    known = hashes[at] == found if len(hashes) else np.zeros(len(found), dtype=bool)
    out = sp.csr_matrix((np.ones(int(known.sum()), dtype=np.float32),
                         (doc[known], columns[at[known]])), shape=(len(texts), n_features))
    out.sum_duplicates()
    return out


class TextFeatures(TransformerMixin, BaseEstimator):
    """Sparse TF-IDF of the block's words and characters, and the summed words around it."""

    def __init__(self, *, max_word_features: int = 50_000, char_buckets: int = CHAR_BUCKETS,
                 context: int = 2):
        self.max_word_features = max_word_features
        self.char_buckets = char_buckets
        self.context = context

    def fit(self, X: pd.DataFrame, y=None) -> "TextFeatures":
        self.fit_transform(X)
        return self

    def fit_transform(self, X: pd.DataFrame, y=None) -> sp.csr_matrix:
        texts = X["text"].astype(str).tolist()
        lowered = [t.lower() for t in texts]
        vocabulary = CountVectorizer(ngram_range=(1, 2), min_df=2, lowercase=False,
                                     max_features=self.max_word_features).fit(lowered)
        # Python ints, not NumPy's: skops writes each NumPy integer as a file of its own
        self.vocabulary_ = {term: int(i) for term, i in vocabulary.vocabulary_.items()}
        self.table_ = vocabulary_table(self.vocabulary_)
        self.word_ = TfidfTransformer(sublinear_tf=True)
        self.char_ = TfidfTransformer(sublinear_tf=True)
        words = self.word_.fit_transform(self._word_counts(lowered))
        chars = self.char_.fit_transform(char_ngram_counts(texts, n_features=self.char_buckets))
        return self._combine(X, words, chars)

    def transform(self, X: pd.DataFrame) -> sp.csr_matrix:
        check_is_fitted(self, "word_")
        texts = X["text"].astype(str).tolist()
        words = self.word_.transform(self._word_counts([t.lower() for t in texts]))
        chars = self.char_.transform(char_ngram_counts(texts, n_features=self.char_buckets))
        return self._combine(X, words, chars)

    def _word_counts(self, lowered: list[str]) -> sp.csr_matrix:
        return word_ngram_counts(lowered, self.table_, len(self.vocabulary_))

    def _combine(self, X: pd.DataFrame, words: sp.csr_matrix, chars: sp.csr_matrix) -> sp.csr_matrix:
        around = normalize(neighbour_sum(words, X, self.context))
        return sp.hstack([words, chars, around], format="csr")

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "word_")
        words = sorted(self.vocabulary_, key=self.vocabulary_.get)
        names = [f"word:{n}" for n in words]
        names += [f"char:#{i}" for i in range(self.char_buckets)]
        names += [f"around:{n}" for n in words]
        return np.array(names, dtype=object)


def distinct_rows(matrix: sp.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first row of each set of identical (row, label) pairs, and how many rows the set has."""
    matrix = matrix.tocsr(copy=True)
    matrix.sort_indices()
    slots: dict[tuple, int] = {}
    rows: list[int] = []
    counts: list[int] = []
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    for i in range(matrix.shape[0]):
        start, end = indptr[i], indptr[i + 1]
        key = (y[i], indices[start:end].tobytes(), data[start:end].tobytes())
        slot = slots.setdefault(key, len(rows))
        if slot == len(rows):
            rows.append(i)
            counts.append(0)
        counts[slot] += 1
    return np.asarray(rows, dtype=np.int64), np.asarray(counts, dtype=float)
