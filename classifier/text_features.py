"""Text features: TF-IDF of each block's words and hashed character n-grams, and the words of
the blocks around it. Takes a block DataFrame (``page_id``, ``position``, ``text``) like the
layout features of :mod:`classifier.features`."""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

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
    texts = [t.lower() for t in texts]
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    joined = "\n".join(texts) + "\n"
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"),
                          dtype=np.uint32).astype(np.uint64)
    ends = np.cumsum(lengths)
    boundary = np.zeros(len(codes) + 1, dtype=np.int64)
    boundary[1:][ends - 1] = 1          # the separator after each text
    crossed = np.cumsum(boundary)
    doc = np.repeat(np.arange(len(texts)), lengths)
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
        texts = X["text"].astype(str)
        self.word_ = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                     max_features=self.max_word_features, dtype=np.float32)
        self.char_ = TfidfTransformer(sublinear_tf=True)
        chars = self.char_.fit_transform(char_ngram_counts(texts.tolist(), n_features=self.char_buckets))
        return self._combine(X, self.word_.fit_transform(texts), chars.astype(np.float32))

    def transform(self, X: pd.DataFrame) -> sp.csr_matrix:
        check_is_fitted(self, "word_")
        texts = X["text"].astype(str)
        chars = self.char_.transform(char_ngram_counts(texts.tolist(), n_features=self.char_buckets))
        return self._combine(X, self.word_.transform(texts), chars.astype(np.float32))

    def _combine(self, X: pd.DataFrame, words: sp.csr_matrix, chars: sp.csr_matrix) -> sp.csr_matrix:
        around = normalize(neighbour_sum(words, X, self.context))
        return sp.hstack([words, chars, around], format="csr")

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "word_")
        words = list(self.word_.get_feature_names_out())
        names = [f"word:{n}" for n in words]
        names += [f"char:#{i}" for i in range(self.char_buckets)]
        names += [f"around:{n}" for n in words]
        return np.array(names, dtype=object)
