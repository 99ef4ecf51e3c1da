import copy
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import f1_score

from classifier import BlockClassifier, DatasetError, load_model, split_html
from classifier.model import MAJORITY_SHARE, labels_from_proba
from conftest import EXAMPLE_PAGE, first_pages, make_page

CLASSES = np.array(["body", "boilerplate", "disclaimer", "paywall"])


def test_a_block_is_body_only_when_body_is_more_likely_than_not():
    proba = np.array([[0.45, 0.30, 0.05, 0.20],    # body wins, but is not more likely than not
                      [0.51, 0.10, 0.09, 0.30],
                      [0.40, 0.10, 0.05, 0.45],
                      [0.50, 0.20, 0.10, 0.20]])   # even odds: not kept
    assert labels_from_proba(proba, CLASSES).tolist() == [
        "boilerplate", "body", "paywall", "boilerplate"]


def test_without_a_body_label_the_most_probable_label_wins_and_two_labels_split_at_half():
    other = np.array(["ad", "menu", "story"])
    assert labels_from_proba(np.array([[0.4, 0.35, 0.25]]), other).tolist() == ["ad"]
    two = np.array(["body", "boilerplate"])
    assert labels_from_proba(np.array([[0.6, 0.4], [0.3, 0.7], [0.5, 0.5]]), two).tolist() == [
        "body", "boilerplate", "boilerplate"]


def test_predict_and_the_scored_label_follow_the_same_rule(small_model, small_dataset):
    page = small_dataset[small_dataset["page_id"] == small_dataset["page_id"].iloc[0]]
    predicted = small_model.predict(page)
    proba = small_model.predict_proba(page)
    assert predicted.tolist() == labels_from_proba(proba, small_model.classes_).tolist()
    body = list(small_model.classes_).index("body")
    assert (proba[predicted == "body", body] > 0.5).all()


def test_predict_proba_is_a_distribution_over_classes(small_model, small_dataset):
    page = small_dataset[small_dataset["page_id"] == small_dataset["page_id"].iloc[0]]
    proba = small_model.predict_proba(page)
    assert proba.shape == (len(page), len(small_model.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert set(small_model.predict(page)) <= set(small_model.classes_)


def test_small_model_generalises_to_unseen_publishers(small_model, dataset, small_dataset):
    unseen = dataset[~dataset["publisher"].isin(small_dataset["publisher"])]
    unseen = unseen[unseen["publisher"].isin(sorted(unseen["publisher"].unique())[::6])]
    predicted = small_model.predict(unseen)
    assert f1_score(unseen["label"] == "body", predicted == "body") > 0.75


def test_row_order_does_not_change_predictions(small_model, small_dataset):
    pages = first_pages(small_dataset, 3)
    shuffled = pages.sample(frac=1, random_state=0)
    direct = small_model.predict_proba(pages)
    again = small_model.predict_proba(shuffled)
    np.testing.assert_allclose(direct[pages.index.get_indexer(shuffled.index)], again, rtol=1e-6)


def test_same_random_state_gives_the_same_model_with_one_or_two_workers(small_dataset):
    """Training in one process or two (cross-validation folds and LightGBM threads) gives a
    model whose probabilities agree to the last bit, on its own and on other pages."""
    publishers = small_dataset["publisher"].unique()
    subset = small_dataset[small_dataset["publisher"].isin(publishers[:6])]
    others = small_dataset[small_dataset["publisher"].isin(publishers[6:8])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = BlockClassifier(random_state=7, n_jobs=1).fit(subset)
        two = BlockClassifier(random_state=7, n_jobs=2).fit(subset)
    for frame in (subset, others):
        np.testing.assert_array_equal(one.predict_proba(frame), two.predict_proba(frame))


def test_scoring_threads_do_not_change_probabilities(small_model, small_dataset):
    """Corpus workers score on one thread each; the probabilities must be the same to the bit."""
    pages = first_pages(small_dataset, 20)
    single = copy.deepcopy(small_model).set_scoring_threads(1)
    assert single.second_stage_.calibrated_classifiers_[0].estimator.n_jobs == 1
    np.testing.assert_array_equal(single.predict_proba(pages), small_model.predict_proba(pages))


def test_constructor_only_stores_parameters():
    model = BlockClassifier(C=0.5, random_state=3)
    assert model.get_params()["C"] == 0.5
    assert clone(model).get_params() == model.get_params()
    assert not [name for name in vars(model) if name.endswith("_")]


def test_a_model_saved_before_transplant_share_existed_reads_as_fitted_without_copies(
        small_model, small_dataset):
    state = dict(small_model.__getstate__())   # a copy: the fixture is shared
    del state["transplant_share"]
    old = BlockClassifier.__new__(BlockClassifier)
    old.__setstate__(state)
    assert old.get_params()["transplant_share"] == 0.0
    assert clone(old).get_params()["transplant_share"] == 0.0
    pages = first_pages(small_dataset, 5)
    np.testing.assert_array_equal(old.predict_proba(pages), small_model.predict_proba(pages))


def test_feature_names_match_stage_two_width(small_model, small_dataset):
    names = small_model.get_feature_names_out()
    assert len(names) == small_model.second_stage_.n_features_in_
    assert "score_paywall" in names and "log_chars" in names


@pytest.mark.parametrize("frame, message", [
    (make_page([("body", "x")]).drop(columns="text"), "missing column"),
    (make_page([("body", "Text one."), ("boilerplate", "Home")]), "at least 2 publishers"),
    ("not a frame", "expected a pandas DataFrame"),
], ids=["no-text", "too-few-publishers", "not-a-frame"])
def test_fit_rejects_unusable_training_data(frame, message):
    with pytest.raises(DatasetError, match=message):
        BlockClassifier().fit(frame)


def test_pages_of_one_site_scored_together_use_their_repetition(small_model, small_dataset):
    publisher = small_dataset["publisher"].iloc[0]
    pages = small_dataset[small_dataset["publisher"] == publisher]
    alone = small_model.predict_proba(pages.drop(columns="publisher"))
    together = small_model.predict_proba(pages)
    assert not np.allclose(alone, together)
    np.testing.assert_allclose(together.sum(axis=1), 1.0, rtol=1e-6)
    body = (pages["label"] == "body").to_numpy()
    assert f1_score(body, together.argmax(axis=1) == list(small_model.classes_).index("body")) > 0.9


def test_dom_weight_must_be_a_share():
    frame = make_page([("body", "Text one."), ("boilerplate", "Home")])
    with pytest.raises(ValueError, match="dom_weight must be between 0 and 1, got 1.5"):
        BlockClassifier(dom_weight=1.5).fit(frame)


def test_dom_weight_sets_the_dom_views_share_of_html_blocks():
    blocks = split_html(EXAMPLE_PAGE.with_suffix(".html").read_bytes()).assign(page_id=0)
    model = copy.copy(load_model())
    by_weight = {}
    for weight in (0.0, 0.6, 1.0):
        model.dom_weight = weight
        by_weight[weight] = model.predict_proba(blocks)
    assert not np.allclose(by_weight[0.0], by_weight[1.0])
    np.testing.assert_allclose(by_weight[0.6], 0.4 * by_weight[0.0] + 0.6 * by_weight[1.0])


def test_stage_one_on_distinct_rows_matches_stage_one_on_every_row(small_dataset):
    """Template lines repeat on every page, so stage one is fitted once per distinct row with
    that row's count as its weight: the same optimum as fitting all rows."""
    from sklearn.svm import LinearSVC

    from classifier.text_features import TextFeatures
    from classifier.text_features import distinct_rows
    frame = small_dataset.iloc[:20_000]
    text = TextFeatures().fit_transform(frame)
    y = frame["label"].to_numpy()
    rows, counts = distinct_rows(text, y)
    assert len(rows) < 0.7 * len(frame) and counts.sum() == len(frame)
    model = BlockClassifier(random_state=0)
    model.classes_ = np.unique(y)
    deduplicated = model._fit_first_stage(text, y).decision_function(text)
    everything = LinearSVC(C=model.C, class_weight="balanced", random_state=0).fit(text, y)
    assert np.abs(deduplicated - everything.decision_function(text)).max() < 1e-3


def test_stage_two_keeps_every_rarer_row_and_a_weighted_share_of_the_majority():
    """Boosting on every menu line costs most of the training time: stage two sees all rows of
    the rarer labels and a seeded sample of the most common one, weighted back up."""
    y = np.array(["boilerplate"] * 20_000 + ["body"] * 900 + ["paywall"] * 300)
    rows, weight = BlockClassifier(random_state=3)._majority_sample(y)
    kept = y[rows]
    assert (kept != "boilerplate").sum() == 1_200 and (weight[kept != "boilerplate"] == 1).all()
    assert abs((kept == "boilerplate").sum() - MAJORITY_SHARE * 20_000) < 600
    assert abs(weight[kept == "boilerplate"].sum() - 20_000) < 1_200
    again, _ = BlockClassifier(random_state=3)._majority_sample(y)
    other, _ = BlockClassifier(random_state=4)._majority_sample(y)
    assert np.array_equal(rows, again) and not np.array_equal(rows, other)
