"""Training copies of pitch and notice lines set right after another page's article."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from classifier import BlockClassifier
from classifier.transplant import LENGTH_BINS, copied_lines, host_rows, length_matched, transplant
from conftest import first_pages


def _pages() -> tuple[pd.DataFrame, np.ndarray]:
    """Four pages, positions shuffled: menu, two body paragraphs, a pitch or a notice, a
    teaser as long as the pitch and the notice (50 characters), footer."""
    rows = []
    for page in range(4):
        texts = [("Home | World | Sport", "boilerplate"),
                 (f"The harbour board met on day {page} to weigh the new ferry timetable.", "body"),
                 ("Its members agreed to try the plan for one summer before deciding.", "body"),
                 ("Support our reporting from two euros a month, now!" if page % 2 else
                  "First published by a partner site; used with leave",
                  "paywall" if page % 2 else "disclaimer"),
                 ("Read next: the spring results of the ferry company", "boilerplate"),
                 ("About us", "boilerplate"), ("Contact the newsroom", "boilerplate"),
                 ("Privacy", "boilerplate"), ("Terms of use", "boilerplate")]
        rows += [{"page_id": f"p{page}", "position": pos, "text": t, "label": label}
                 for pos, (t, label) in enumerate(texts)]
    frame = pd.DataFrame(rows).sample(frac=1.0, random_state=3).reset_index(drop=True)
    return frame, frame["label"].to_numpy()


def test_hosts_are_the_blocks_right_after_each_article():
    X, y = _pages()
    hosts = host_rows(X, y)
    assert sorted(X.loc[hosts, "page_id"]) == ["p0", "p1", "p2", "p3"]
    assert set(X.loc[hosts, "position"]) == {3}


def test_boilerplate_copies_follow_the_lengths_of_the_lines():
    rng = np.random.default_rng(0)
    lengths = np.r_[rng.integers(20, 400, 500), rng.integers(3, 40, 4500), rng.integers(20, 400, 500)]
    lines, pool = np.arange(500), np.arange(500, 5500)
    drawn = length_matched(lines, lengths, pool, rng)
    assert len(drawn) == len(lines) and set(drawn) <= set(pool)
    quartiles = np.quantile(lengths[lines], [0.25, 0.5, 0.75])
    # the pool is mostly short lines; the drawn ones have the lines' quartiles, within a bin
    assert np.allclose(np.quantile(lengths[drawn], [0.25, 0.5, 0.75]), quartiles, rtol=0.15)
    assert np.median(lengths[pool]) < quartiles[0]


def test_no_copies_from_lengths_the_pool_lacks():
    lengths = np.r_[np.arange(100, 200), np.full(50, 5)]
    drawn = length_matched(np.arange(100), lengths, np.arange(100, 150), np.random.default_rng(0))
    assert len(drawn) == 100 // LENGTH_BINS and (lengths[drawn] == 5).all()


def test_lines_are_a_share_of_each_rare_label_and_as_many_majority_rows():
    X, y = _pages()
    lines = copied_lines(X, y, 1.0, np.random.default_rng(0))
    labels = pd.Series(y[lines]).value_counts()
    assert labels["paywall"] == 2 and labels["disclaimer"] == 2 and labels["boilerplate"] == 4
    assert "body" not in labels
    assert X.loc[lines[y[lines] == "boilerplate"], "text"].str.startswith("Read next").all()


def test_copies_take_the_line_own_columns_and_another_page_place():
    X, y = _pages()
    inputs = np.arange(len(X) * 4, dtype=float).reshape(len(X), 4)   # columns: own, own, place, repetition
    lines, copies = transplant(X, y, inputs, [0, 1], 1.0, np.random.default_rng(0))
    assert len(lines) == len(copies) == 8
    np.testing.assert_array_equal(copies[:, :2], inputs[lines][:, :2])
    hosts = host_rows(X, y)
    host_of_copy = [int(np.flatnonzero(inputs[:, 2] == c)[0]) for c in copies[:, 2]]
    assert set(host_of_copy) <= set(hosts)
    assert all(X.loc[h, "page_id"] != X.loc[line, "page_id"] for h, line in zip(host_of_copy, lines))
    assert np.isnan(copies[:, 3]).all()


def test_share_out_of_range_is_refused(small_dataset):
    with pytest.raises(ValueError, match="transplant_share"):
        BlockClassifier(transplant_share=1.5).fit(small_dataset)


def test_transplants_change_what_stage_two_learns(small_dataset, small_model):
    without = BlockClassifier(transplant_share=0.0, random_state=0).fit(small_dataset)
    pages = first_pages(small_dataset, 20)
    assert not np.allclose(without.predict_proba(pages), small_model.predict_proba(pages))
