"""The estimator: a two-stage, page-aware block classifier with scikit-learn's interface.

Stage one is a linear SVM over each block's text (word and character n-grams) and the words
around it, fitted once per distinct row. Stage two is a gradient boosted model over the
layout features of the block and its neighbours (shape, position, prose around it, and the
cue-lexicon counts of :mod:`classifier.cues`, which know the words of pitches and notices in
many languages) and the stage-one scores of the block and its neighbours (out-of-publisher
scores while training, so it learns how far to trust them on sites it has never seen). It is
fitted on every row of the rarer labels and a weighted half of the boilerplate rows (plus
copies of a share of the pitch and notice lines set right after another page's article, with
as many boilerplate lines of the same lengths: :mod:`classifier.transplant`), and its
probabilities are calibrated with a sigmoid fitted on held-out publishers. Stage two also sees
how often the block's text repeats on the other pages of its site, where the batch holds
several pages of the site (a missing value otherwise; it is hidden for a random half of the
training pages, so that the model learns to score a page alone as well as one among its site's
pages).

When the training blocks carry the ``fine`` column, a logistic regression over the text
features also learns which paywall blocks are newsletter sign-ups, so that the page verdict can
tell a page with a sign-up box from a paywalled one (the block labels do not change).

Blocks cut from HTML (with the ``dom_*`` columns of :mod:`classifier.dom`) are also seen by a
DOM view: a gradient boosted model over the layout and DOM features alone, trained on the
dataset's pages rendered through publisher templates (:mod:`classifier.training.templates`). Their
probabilities are a weighted mean of the text view (stage two) and the DOM view
(``dom_weight``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from joblib import Parallel, delayed
from lightgbm import LGBMClassifier
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.svm import LinearSVC
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import check_is_fitted

from .errors import DatasetError
from .features import LayoutFeatures, neighbour_names, neighbour_values, site_repetition
from .schema import BODY, DOM_FEATURES, NEWSLETTER, PAYWALL
from .text_features import TextFeatures, distinct_rows
from .transplant import with_copies

MAX_BLOCK_CHARS = 20_000
"""How many leading characters of a block the model reads by default (the output keeps the
block whole); bounds the cost of a page made of one huge line."""
BLOCK_COLUMNS = ("page_id", "position", "text")
MAJORITY_SHARE = 0.5
"""Share of the most common label's rows (boilerplate: four blocks in five) that stage two
trains on, each weighing 1 / MAJORITY_SHARE: the same objective in expectation, at about
half the cost of boosting on every menu line."""
LIGHTGBM_THREADS = 2
"""Threads of every stage-two fit: fixed, because LightGBM's sampling depends on the number
of threads, so the model is the same on any machine."""


def check_block_frame(X: pd.DataFrame, *, need_label: bool = False) -> pd.DataFrame:
    """Check that ``X`` is a block DataFrame the model can read; raise DatasetError if not."""
    if not isinstance(X, pd.DataFrame):
        raise DatasetError(f"expected a pandas DataFrame of blocks, got {type(X).__name__}")
    needed = BLOCK_COLUMNS + (("label",) if need_label else ())
    missing = [c for c in needed if c not in X.columns]
    if missing:
        raise DatasetError(f"block DataFrame is missing column(s) {missing}")
    if len(X) == 0:
        raise DatasetError("block DataFrame has no rows")
    return X


def read_prefix(X: pd.DataFrame, max_chars: int) -> pd.DataFrame:
    """``X`` with each text cut to its first ``max_chars`` characters (``X`` itself when no
    block is longer): the part of a block the model reads."""
    lengths = X["text"].map(lambda t: len(t) if isinstance(t, str) else 0)
    if not (lengths > max_chars).any():
        return X
    return X.assign(text=X["text"].map(lambda t: t[:max_chars] if isinstance(t, str) else t))


def labels_from_proba(proba: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """The label of each block: its most probable one, except that a block is body only when
    body is more likely than not. Cleaning keeps or drops a block, and keeping a block whose
    body probability is under one half (it won only because the rest was split among the
    other labels) is the likelier mistake; such a block takes its most probable other label."""
    best = np.argmax(proba, axis=1)
    if BODY in classes and len(classes) > 1:
        body = int(np.flatnonzero(classes == BODY)[0])
        others = np.where(np.arange(len(classes)) == body, -np.inf, proba)
        doubtful = (best == body) & (proba[:, body] <= 0.5)
        best[doubtful] = np.argmax(others[doubtful], axis=1)
    return classes[best]


def site_column(X: pd.DataFrame) -> pd.Series | None:
    """Which pages come from the same site: the ``site`` column, else ``publisher``, else none."""
    for column in ("site", "publisher"):
        if column in X.columns:
            return X[column]
    return None


def has_dom(X: pd.DataFrame) -> bool:
    """Whether the blocks come from HTML and carry the DOM feature columns."""
    return all(column in X.columns for column in DOM_FEATURES)


def dom_inputs(X: pd.DataFrame) -> np.ndarray:
    """The DOM features of each block and the mean of its neighbours'."""
    dom = X[list(DOM_FEATURES)].to_numpy(dtype=float)
    return np.hstack([dom, neighbour_values(dom, X)])


def split_groups(X: pd.DataFrame) -> np.ndarray:
    """The unit that the model's inner cross-validation holds out: the ``group`` column when
    given (publishers that share templates), else the publisher, else the page."""
    column = next(c for c in ("group", "publisher", "page_id") if c in X.columns)
    return X[column].astype(str).to_numpy()


class BlockClassifier(ClassifierMixin, BaseEstimator):
    """Label the blocks of pages as body, boilerplate, paywall, disclaimer (or any label set).

    ``fit(X)`` takes a block DataFrame with ``page_id``, ``position``, ``text`` and ``label``
    (and ``publisher``, used to hold out whole publishers for the out-of-fold stage-one
    predictions); ``predict``/``predict_proba`` take the same frame without labels. When the
    frame has a ``site`` (or ``publisher``) column and several pages of a site are scored
    together, text that repeats across those pages counts as a boilerplate signal.

    ``cues`` adds the cue-lexicon features (:mod:`classifier.cues`) to stage two.
    ``dom_weight`` is the DOM view's share of the probabilities of blocks cut from HTML: the
    smallest share that costs nothing in publisher-held-out CV on the rendered pages, since the
    DOM view learned our tidy templates and the text view carries better to real markup. The
    model reads the first ``max_block_chars`` characters of each block, in training and in
    scoring alike. ``transplant_share`` of the pitch and notice rows are also seen set right
    after another page's article (:mod:`classifier.transplant`; 0 for none).
    """

    def __init__(self, *, C: float = 0.1, n_folds: int = 2, calibration_folds: int = 2,
                 n_estimators: int = 150, learning_rate: float = 0.1, dom_weight: float = 0.5,
                 cues: bool = True, max_block_chars: int = MAX_BLOCK_CHARS,
                 transplant_share: float = 0.25, n_jobs: int | None = None,
                 random_state: int | None = 0):
        self.C = C
        self.n_folds = n_folds
        self.calibration_folds = calibration_folds
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.dom_weight = dom_weight
        self.cues = cues
        self.max_block_chars = max_block_chars
        self.transplant_share = transplant_share
        self.n_jobs = n_jobs
        self.random_state = random_state

    def __setstate__(self, state: dict) -> None:
        """Models saved before ``transplant_share`` existed were fitted without copies; say so,
        so that ``get_params`` and ``clone`` work on them."""
        super().__setstate__({"transplant_share": 0.0, **state})

    def _fit_first_stage(self, text: sp.csr_matrix, y: np.ndarray) -> LinearSVC:
        """Stage one fitted on the distinct rows of ``text`` (with their label), each weighted
        by how often it occurs, with the class weights that balance all the rows: the same
        objective as fitting every row, at a fraction of the cost, since a site's template
        lines repeat on every page."""
        keep, counts = distinct_rows(text, y)
        classes = np.unique(y)
        balanced = compute_class_weight("balanced", classes=classes, y=y)
        svm = LinearSVC(C=self.C, class_weight=dict(zip(classes, balanced)), tol=1e-3,
                        random_state=self.random_state)
        return svm.fit(text[keep], y[keep], sample_weight=counts)

    def _first_stage_fits(self, text: sp.csr_matrix, y: np.ndarray,
                          groups: np.ndarray) -> tuple[LinearSVC, np.ndarray]:
        """Stage one fitted on every block, and the stage-one scores of every block from a
        model that never saw its publisher; the fold models and the full one train at once."""
        folds = list(GroupKFold(self.n_folds).split(text, y, groups))
        everything = np.arange(text.shape[0])
        full, *models = Parallel(n_jobs=self.n_jobs)(   # the longest fit first
            delayed(self._fit_first_stage)(text[train], y[train])
            for train in [everything] + [train for train, _ in folds])
        scores = np.zeros((text.shape[0], len(self._score_names())))
        for (_, test), model in zip(folds, models):
            scores[test] = model.decision_function(text[test]).reshape(len(test), -1)
        return full, scores

    def _score_names(self) -> list[str]:
        """Stage one's scores per block: one for two labels, one per label otherwise."""
        return [f"score_{c}" for c in self.classes_] if len(self.classes_) > 2 else ["score"]

    def _stage_two_names(self) -> list[str]:
        """Names of the stage-two inputs, in :meth:`_stage_two_inputs` order, then
        ``site_repetition``."""
        scores = self._score_names()
        return (list(self.layout_.get_feature_names_out()) + scores + neighbour_names(scores)
                + ["site_repetition"])

    def _second_stage(self) -> LGBMClassifier:
        # Gradient-based one-side sampling (rows with small gradients are sampled) and column
        # subsampling keep each tree cheap and the ensemble robust to publisher quirks. GOSS
        # samples per thread block, so the number of threads is fixed (LIGHTGBM_THREADS).
        return LGBMClassifier(n_estimators=self.n_estimators, learning_rate=self.learning_rate,
                              num_leaves=31, data_sample_strategy="goss",
                              colsample_bytree=0.4, max_bin=63, deterministic=True,
                              force_col_wise=True, n_jobs=LIGHTGBM_THREADS,
                              random_state=self.random_state, verbose=-1)

    def _stage_two_inputs(self, X: pd.DataFrame, scores: np.ndarray,
                          layout: np.ndarray | None = None) -> np.ndarray:
        scores = scores.reshape(len(X), -1)
        layout = self.layout_.transform(X) if layout is None else layout
        return np.hstack([layout, scores, neighbour_values(scores, X)])

    def _majority_sample(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows stage two trains on and their weights: every row of the rarer labels, and
        a seeded random MAJORITY_SHARE of the most common label's rows, weighted up."""
        labels, counts = np.unique(y, return_counts=True)
        majority = y == labels[counts.argmax()]
        drawn = np.random.default_rng(self.random_state).random(len(y)) < MAJORITY_SHARE
        rows = np.flatnonzero(~majority | drawn)
        return rows, np.where(majority[rows], 1.0 / MAJORITY_SHARE, 1.0)

    def _calibrated_second_stage(self, inputs: np.ndarray, y: np.ndarray,
                                 groups: np.ndarray) -> CalibratedClassifierCV:
        """Stage two refitted on the rows of :meth:`_majority_sample`, with a sigmoid
        calibration fitted on the predictions of models that did not see the publisher (one
        model to score with: half the trees of averaging the calibration folds' models, and
        better in CV)."""
        rows, weight = self._majority_sample(y)
        splits = list(GroupKFold(self.calibration_folds).split(rows, y[rows], groups[rows]))
        return CalibratedClassifierCV(self._second_stage(), method="sigmoid", cv=splits,
                                      ensemble=False).fit(inputs[rows], y[rows],
                                                          sample_weight=weight)

    def _with_transplants(self, X: pd.DataFrame, y: np.ndarray, groups: np.ndarray,
                          inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Stage two's training rows, labels and groups with :mod:`classifier.transplant`'s
        copies added."""
        own = set(self.layout_.own_text_names()) | set(self._score_names())
        columns = [i for i, name in enumerate(self._stage_two_names()) if name in own]
        return with_copies(X, y, groups, inputs, columns, self.transplant_share,
                           self.random_state)

    def _fit_newsletter(self, X: pd.DataFrame, text: sp.csr_matrix,
                        y: np.ndarray) -> LogisticRegression | None:
        """Which paywall blocks are newsletter sign-ups (the ``fine`` column), from their text
        and the words around them; None when the training blocks do not say."""
        if "fine" not in X.columns or PAYWALL not in self.classes_:
            return None
        rows = np.flatnonzero(y == PAYWALL)
        newsletter = (X["fine"].fillna("").to_numpy()[rows] == NEWSLETTER)
        if newsletter.all() or not newsletter.any():
            return None
        return LogisticRegression(solver="liblinear", class_weight="balanced",
                                  random_state=self.random_state).fit(text[rows], newsletter)

    def _training_repetition(self, X: pd.DataFrame) -> np.ndarray:
        """Site repetition of the training blocks, hidden (NaN) on a random half of the pages."""
        repetition = site_repetition(X, site_column(X))
        pages = X["page_id"].astype(str).to_numpy()
        distinct, page_index = np.unique(pages, return_inverse=True)
        hidden = np.random.default_rng(self.random_state).random(len(distinct)) < 0.5
        return np.where(hidden[page_index], np.nan, repetition)[:, None]

    def fit(self, X: pd.DataFrame, y=None) -> "BlockClassifier":
        X = read_prefix(check_block_frame(X, need_label=y is None), self.max_block_chars)
        if not 0.0 <= self.dom_weight <= 1.0:
            raise ValueError(f"dom_weight must be between 0 and 1, got {self.dom_weight!r}")
        if not 0.0 <= self.transplant_share <= 1.0:
            raise ValueError("transplant_share must be between 0 and 1, got "
                             f"{self.transplant_share!r}")
        y = np.asarray(X["label"] if y is None else y).astype(str)
        groups = split_groups(X)
        n_groups = len(np.unique(groups))
        if n_groups < max(self.n_folds, self.calibration_folds):
            raise DatasetError(f"training needs at least {max(self.n_folds, self.calibration_folds)}"
                               f" publishers (or pages) to hold out, got {n_groups}")
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise DatasetError(f"training needs at least two labels, got {list(self.classes_)}")
        self.text_ = TextFeatures()
        text = self.text_.fit_transform(X)
        self.layout_ = LayoutFeatures(cues=self.cues)
        layout = self.layout_.fit_transform(X)
        self.first_stage_, out_of_fold = self._first_stage_fits(text, y, groups)
        self.newsletter_ = self._fit_newsletter(X, text, y)
        second = np.hstack([self._stage_two_inputs(X, out_of_fold, layout),
                            self._training_repetition(X)])
        self.second_stage_ = self._calibrated_second_stage(
            *self._with_transplants(X, y, groups, second))
        self.dom_stage_ = (self._calibrated_second_stage(np.hstack([layout, dom_inputs(X)]), y,
                                                         groups)
                           if has_dom(X) else None)
        self.n_features_in_ = len(BLOCK_COLUMNS)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of each label (columns in ``classes_`` order) for each block."""
        return self.predict_proba_and_newsletter(X)[0]

    def predict_proba_and_newsletter(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`predict_proba`, and for each block the probability that, as a pitch, it is a
        newsletter sign-up rather than a reader-revenue pitch (zeros when the model was
        trained without the ``fine`` column); the page verdict discounts sign-ups."""
        check_is_fitted(self, "second_stage_")
        X = read_prefix(check_block_frame(X), self.max_block_chars)
        text = self.text_.transform(X)
        newsletter = (self.newsletter_.predict_proba(text)[:, 1] if self.newsletter_ is not None
                      else np.zeros(len(X)))
        return self._proba(X, text), newsletter

    def _proba(self, X: pd.DataFrame, text: sp.csr_matrix) -> np.ndarray:
        """The calibrated probabilities of the (prefix-cut) blocks ``X`` with text features ``text``."""
        scores = self.first_stage_.decision_function(text)
        layout = self.layout_.transform(X)
        repetition = site_repetition(X, site_column(X))[:, None]
        proba = self.second_stage_.predict_proba(
            np.hstack([self._stage_two_inputs(X, scores, layout), repetition]))
        if self.dom_stage_ is not None and has_dom(X):
            # Two views of each block: its text in context, and its place in the DOM (with its
            # shape), mixed with a fixed weight (see the class docstring). (One model over
            # both, trained on our rendered pages, leaned on the text scores.)
            dom_view = self.dom_stage_.predict_proba(np.hstack([layout, dom_inputs(X)]))
            return (1 - self.dom_weight) * proba + self.dom_weight * dom_view
        return proba

    def set_scoring_threads(self, n_threads: int) -> "BlockClassifier":
        """Score with ``n_threads`` LightGBM threads (fitting always uses LIGHTGBM_THREADS).
        The probabilities do not depend on it; processes that share the cores, such as the
        workers of a corpus run, each take their share instead of oversubscribing them."""
        check_is_fitted(self, "second_stage_")
        for stage in (self.second_stage_, self.dom_stage_):
            for calibrated in (stage.calibrated_classifiers_ if stage is not None else []):
                calibrated.estimator.set_params(n_jobs=n_threads)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The label of each block: the most probable one, body only when more likely than
        not (see :func:`labels_from_proba`)."""
        return labels_from_proba(self.predict_proba(X), self.classes_)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the stage-two inputs: layout features, own and neighbours' stage-one scores,
        and ``site_repetition``."""
        check_is_fitted(self, "second_stage_")
        return np.array(self._stage_two_names(), dtype=object)
