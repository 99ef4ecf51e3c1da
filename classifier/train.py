"""Training and publisher-held-out cross-validation reports."""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from tqdm.auto import tqdm

from .dataset import validate_blocks
from .dom import DOM_FEATURES
from .errors import DatasetError
from .model import BlockClassifier, has_dom, labels_from_proba
from .persist import data_hash, save_model
from .render import add_dom_features

logger = logging.getLogger(__name__)

CV_FOLDS = 5
"""Default number of publisher-held-out folds in evaluation."""


def train_model(df: pd.DataFrame, *, random_state: int | None = 0, html: bool = True,
                **params) -> BlockClassifier:
    """Fit a :class:`BlockClassifier` on a labelled block table; with ``html``, the pages are
    also rendered through publisher templates so that the model learns HTML mode too."""
    if html and not has_dom(df):
        df = add_dom_features(df)
    return BlockClassifier(random_state=random_state, **params).fit(df)


def train_and_save(df: pd.DataFrame, path, *, random_state: int | None = 0,
                   n_jobs: int | None = -1) -> BlockClassifier:
    """Fit on ``df`` and save the model with the training data's hash, size and publishers."""
    model = train_model(df, random_state=random_state, n_jobs=n_jobs)
    save_model(model, path, metadata={
        "data_hash": data_hash(df), "n_blocks": int(len(df)),
        "n_pages": int(df["page_id"].nunique()), "n_publishers": int(df["publisher"].nunique()),
        "publishers": sorted(df["publisher"].unique().tolist())})
    return model


def label_scores(y_true, y_pred, labels) -> dict:
    """Per-label precision/recall/F1/support, macro F1 and the confusion matrix."""
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_label = {lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                       "support": int(s[i])} for i, lab in enumerate(labels)}
    present = [lab for lab in labels if per_label[lab]["support"] > 0]
    return {"per_label": per_label,
            "macro_f1": float(np.mean([per_label[lab]["f1"] for lab in present])),
            "accuracy": float(np.mean(np.asarray(y_true) == np.asarray(y_pred))),
            "confusion": {"labels": list(labels),
                          "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist()}}


def macro_f1_by(scored: pd.DataFrame, column: str, labels) -> dict[str, float]:
    """Macro F1 of ``label`` against ``predicted`` within each value of ``column``."""
    return {key: label_scores(g["label"], g["predicted"], labels)["macro_f1"]
            for key, g in scored.groupby(column)}


def out_of_fold_predictions(df: pd.DataFrame, *, n_splits: int = CV_FOLDS,
                            random_state: int | None = 0, progress: bool = True) -> pd.DataFrame:
    """Predict every block with a model that never saw its publisher (GroupKFold by publisher):
    ``predicted`` and ``proba_<label>`` from the block texts (text mode), ``predicted_html`` from
    the page rendered through its publisher's template (HTML mode)."""
    df = validate_blocks(df, labels=df["label"].unique())
    publishers = df["publisher"].to_numpy()
    if len(np.unique(publishers)) < n_splits:
        raise DatasetError(f"cross-validation needs at least {n_splits} publishers, "
                           f"got {len(np.unique(publishers))}")
    labels = np.unique(df["label"])
    df = df.drop(columns=list(DOM_FEATURES), errors="ignore")
    with_dom = add_dom_features(df)
    proba = np.zeros((len(df), len(labels)))
    proba_html = np.zeros((len(df), len(labels)))
    folds = list(GroupKFold(n_splits).split(df, groups=publishers))
    for train_idx, test_idx in tqdm(folds, desc="cross-validation", unit="fold",
                                    disable=not progress):
        model = train_model(with_dom.iloc[train_idx], random_state=random_state, n_jobs=-1)
        columns = np.searchsorted(labels, model.classes_)
        proba[np.ix_(test_idx, columns)] = model.predict_proba(df.iloc[test_idx])
        proba_html[np.ix_(test_idx, columns)] = model.predict_proba(with_dom.iloc[test_idx])
    out = df.copy()
    out["predicted"] = labels_from_proba(proba, labels)
    out["predicted_html"] = labels_from_proba(proba_html, labels)
    for i, label in enumerate(labels):
        out[f"proba_{label}"] = proba[:, i]
    return out


def cross_validate(df: pd.DataFrame, *, n_splits: int = CV_FOLDS, random_state: int | None = 0,
                   progress: bool = True) -> dict:
    """Publisher-held-out scores overall, per language and per publisher (text mode), and
    overall for the same pages rendered to HTML (``report["html"]``)."""
    oof = out_of_fold_predictions(df, n_splits=n_splits, random_state=random_state,
                                  progress=progress)
    labels = sorted(oof["label"].unique())
    report = {"n_splits": n_splits, "n_blocks": int(len(oof)),
              "n_pages": int(oof["page_id"].nunique()),
              "n_publishers": int(oof["publisher"].nunique()), "data_hash": data_hash(oof),
              **label_scores(oof["label"], oof["predicted"], labels)}
    report["per_language"] = macro_f1_by(oof, "lang", labels)
    report["per_publisher"] = macro_f1_by(oof, "publisher", labels)
    report["html"] = label_scores(oof["label"], oof["predicted_html"], labels)
    return report
