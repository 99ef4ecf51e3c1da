"""The vectorised text machinery gives what the plain-Python and scikit-learn definitions give."""
import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

from classifier.codepoints import char_flags, flags_of, join_texts, run_hashes, word_runs
from classifier.cues import _stopwords, fold_texts, stopword_share
from classifier.text_features import vocabulary_table, word_ngram_counts

# Text from several scripts, digits, punctuation, spaces and characters beyond the BMP.
TEXTS = st.lists(st.text(alphabet=st.sampled_from(
    list("abcAB xyz éßÇ İ,.!?'’-_9٣ 中文、。カナ Ωω\u00a0\t") + ["\U0001F600", "\U0001D400"]),
    max_size=40), max_size=12)
CORPUS = ["Subscribe now to keep reading", "jetzt abonnieren und weiterlesen",
          "Déjà abonné ? Connectez-vous", "読み続けるには登録", "cancel anytime, cancel",
          "keep reading now", "weiterlesen und jetzt", "Ωmega ωmega 9 99 999"]


def test_character_flags_from_the_table_match_each_characters_own_flags():
    # Letters, digits, spaces and punctuation of several scripts, a lone surrogate, emoji and
    # other code points beyond the table (which are looked up one by one).
    codes = np.array([ord(c) for c in "Aa9 _,.!?Éß\u00a0\u3000中、。Ωω١"]
                     + [0xD800, 0xFFFF, 0x10000, 0x1F600, 0x1D400, 0x10FFFF], dtype=np.uint32)
    assert char_flags(codes).tolist() == [flags_of(int(c)) for c in codes]


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_word_runs_are_the_tokens_of_the_regular_expressions(texts):
    joined = join_texts(texts)
    offsets = np.concatenate([[0], np.cumsum(joined.lengths + 1)])
    for min_length, pattern in ((1, r"\w+"), (2, r"(?u)\b\w\w+\b")):
        starts, ends = word_runs(joined, min_length)
        got = [(int(joined.doc[s]), int(s - offsets[joined.doc[s]]), int(e - offsets[joined.doc[s]]))
               for s, e in zip(starts, ends)]
        want = [(i, m.start(), m.end()) for i, t in enumerate(texts)
                for m in re.finditer(pattern, t)]
        assert got == want


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_equal_runs_hash_equal_and_different_runs_differ(texts):
    joined = join_texts(texts)
    starts, ends = word_runs(joined)
    hashes = run_hashes(joined, starts, ends)
    words = ["".join(map(chr, joined.codes[s:e])) for s, e in zip(starts, ends)]
    by_word = {}
    for word, h in zip(words, hashes.tolist()):
        by_word.setdefault(word, set()).add(h)
    assert all(len(h) == 1 for h in by_word.values())
    assert len({h for hs in by_word.values() for h in hs}) == len(by_word)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_word_ngram_counts_equal_scikit_learns(texts):
    counter = CountVectorizer(ngram_range=(1, 2), lowercase=False).fit(CORPUS + texts[:3])
    table = vocabulary_table(counter.vocabulary_)
    got = word_ngram_counts(texts, table, len(counter.vocabulary_))
    want = counter.transform(texts) if texts else got
    assert got.shape == want.shape
    assert abs(got - want).sum() == 0


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_stopword_share_is_the_share_of_words_in_the_stoplists(texts):
    stop = _stopwords()
    want = []
    for text in texts:
        words = re.findall(r"\w+", text.casefold())
        want.append(sum(w in stop for w in words) / len(words) if words else 0.0)
    assert np.allclose(stopword_share(fold_texts(texts)), np.asarray(want, dtype=np.float32))
