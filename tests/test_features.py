import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from classifier.features import (LayoutFeatures, neighbour_values,
                                 page_order, shape_matrix, site_repetition)
from classifier.text_features import TextFeatures, char_ngram_counts, neighbour_sum

FRAME = pd.DataFrame({
    "page_id": ["b", "a", "a", "b", "a"],
    "position": [1, 2, 0, 0, 1],
    "text": ["Second of b.", "Third of a, a longer line that reads like a sentence.",
             "First of a", "First of b", "$4.99 per month"],
})


def test_page_order_ranks_rows_within_their_page():
    order, rank, size = page_order(FRAME)
    assert rank.tolist() == [1, 2, 0, 0, 1]
    assert size.tolist() == [2, 3, 3, 2, 3]
    # pages in order of first appearance, blocks by position within each page
    assert FRAME["text"].iloc[order].tolist() == ["First of b", "Second of b.", "First of a",
                                                  "$4.99 per month", FRAME["text"][1]]


def test_neighbour_values_stay_inside_the_page():
    values = FRAME["position"].to_numpy(dtype=float)[:, None] + 10 * (FRAME["page_id"] == "b").to_numpy()[:, None]
    out = neighbour_values(values, FRAME, offsets=(-1, 1), windows=(1,), fill=-1)
    # row 4 is page a, position 1: previous is position 0, next is position 2
    assert out[4].tolist() == [0.0, 2.0, 1.0]
    # row 3 is page b, position 0: no previous, next is b/1 (value 11)
    assert out[3].tolist() == [-1.0, 11.0, 10.5]


def test_neighbour_sum_adds_blocks_within_context_only():
    identity = sp.identity(len(FRAME), format="csr")
    sums = neighbour_sum(identity, FRAME, context=1).toarray()
    assert sums[4].tolist() == [0, 1, 1, 0, 0]   # a/1 sees a/0 and a/2
    assert sums[3].tolist() == [1, 0, 0, 0, 0]   # b/0 sees b/1 only
    assert np.all(np.diag(sums) == 0)


def test_shape_features_see_prices_and_prose():
    names = list(LayoutFeatures().fit(FRAME).get_feature_names_out())
    shape = shape_matrix(FRAME["text"])
    assert shape[4, names.index("has_price")] == 1 and shape[4, names.index("has_currency")] == 1
    assert shape[2, names.index("has_price")] == 0
    assert shape[1, names.index("ends_sentence")] == 1 and shape[2, names.index("ends_sentence")] == 0


@pytest.mark.parametrize("transformer", [LayoutFeatures(), TextFeatures()], ids=["layout", "text"])
def test_features_do_not_depend_on_row_order(transformer):
    fitted = transformer.fit(FRAME)
    shuffled = FRAME.sample(frac=1, random_state=3)
    direct = fitted.transform(FRAME)
    again = fitted.transform(shuffled)
    direct = direct.toarray() if hasattr(direct, "toarray") else direct
    again = again.toarray() if hasattr(again, "toarray") else again
    np.testing.assert_allclose(direct[shuffled.index.to_numpy()], again, rtol=1e-6)
    assert len(fitted.get_feature_names_out()) == direct.shape[1]


def test_site_repetition_counts_other_pages_of_the_same_site():
    frame = pd.DataFrame({
        "page_id": ["p1", "p1", "p2", "p2", "p3", "p3", "q1"],
        "position": [0, 1, 0, 1, 0, 1, 0],
        "text": ["Home", "Story one.", "home ", "Story two.", "Home", "Story three.", "Home"],
    })
    site = pd.Series(["a", "a", "a", "a", "a", "a", "b"])
    repetition = site_repetition(frame, site)
    # "Home" is on both other pages of site a (case and spaces ignored); stories are on none
    assert repetition[[0, 2, 4]].tolist() == [1.0, 1.0, 1.0]
    assert repetition[[1, 3, 5]].tolist() == [0.0, 0.0, 0.0]
    assert np.isnan(repetition[6])   # site b has one page: unknown, not "unique"
    assert np.isnan(site_repetition(frame, None)).all()


def test_char_ngram_counts_count_every_ngram_of_each_text_and_nothing_across_texts():
    texts = ["Tide", "", "ab ab", "Ünïcode ok", "x"]
    counts = char_ngram_counts(texts, ngram_range=(2, 4))
    expected = [sum(max(0, len(t) - n + 1) for n in (2, 3, 4)) for t in texts]
    assert counts.sum(axis=1).A1.tolist() == expected
    assert counts[2].max() == 2            # "ab" twice; the hashing keeps repeats together


def test_char_ngram_counts_of_a_text_do_not_depend_on_its_batch_or_case():
    alone = char_ngram_counts(["Subscribe now"])
    in_batch = char_ngram_counts(["Some other line", "SUBSCRIBE NOW", "more"])
    assert (alone != in_batch[1]).nnz == 0
    assert (char_ngram_counts(["abc"]) != char_ngram_counts(["xyz"])).nnz > 0


def test_char_ngram_counts_give_zero_rows_for_texts_too_short_for_any_ngram():
    counts = char_ngram_counts(["", "a", ""], ngram_range=(2, 4), n_features=64)
    assert counts.shape == (3, 64)
    assert counts.nnz == 0


