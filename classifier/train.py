"""Training and publisher-held-out cross-validation reports."""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from tqdm.auto import tqdm

from .dataset import validate_blocks
from .errors import DatasetError
from .model import BlockClassifier, has_dom, labels_from_proba
from .persist import data_hash, save_model
from .render import add_dom_features
from .schema import DOM_FEATURES
from .synth import KIND

logger = logging.getLogger(__name__)

CV_FOLDS = 5
"""Default number of publisher-held-out folds in evaluation."""


def cv_groups(df: pd.DataFrame) -> np.ndarray:
    """What publisher-held-out evaluation holds out together: a publisher, except that the
    publishers generated from one language kit share its phrase pools, so that kit's
    publishers are held out as one group (as sites sharing one CMS would be)."""
    publisher = df["publisher"].astype(str).to_numpy()
    if "kind" not in df.columns:
        return publisher
    generated = (df["kind"] == KIND).to_numpy()
    return np.where(generated, "kit:" + df["lang"].astype(str).to_numpy(), publisher)


def train_model(df: pd.DataFrame, *, random_state: int | None = 0, html: bool = False,
                **params) -> BlockClassifier:
    """Fit a :class:`BlockClassifier` on a labelled block table; with ``html``, the pages are
    also rendered through publisher templates so that the model learns HTML mode's DOM view
    too (slower; without it, blocks cut from HTML are scored by their text in context)."""
    if html and not has_dom(df):
        df = add_dom_features(df)
    model = BlockClassifier(random_state=random_state, **params)
    return model.fit(df.assign(group=cv_groups(df)))


def train_and_save(df: pd.DataFrame, path, *, random_state: int | None = 0,
                   n_jobs: int | None = -1, html: bool = False) -> BlockClassifier:
    """Fit on ``df`` (with ``html``, the DOM view too) and save the model with the training
    data's hash, size and publishers."""
    model = train_model(df, random_state=random_state, n_jobs=n_jobs, html=html)
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
                            random_state: int | None = 0, progress: bool = True,
                            hold_out: str = "publisher", html: bool = True,
                            **params) -> pd.DataFrame:
    """Predict every block with a model that never saw its ``hold_out`` group (GroupKFold over
    publishers as :func:`cv_groups` groups them, or over languages): ``predicted`` and
    ``proba_<label>`` from the block texts (text mode); with ``html``, ``predicted_html`` from the page rendered through its
    publisher's template (HTML mode). ``params`` go to :class:`BlockClassifier`."""
    df = validate_blocks(df, labels=df["label"].unique())
    groups = cv_groups(df) if hold_out == "publisher" else df[hold_out].astype(str).to_numpy()
    if len(np.unique(groups)) < n_splits:
        raise DatasetError(f"cross-validation needs at least {n_splits} values of {hold_out}, "
                           f"got {len(np.unique(groups))}")
    labels = np.unique(df["label"])
    df = df.drop(columns=list(DOM_FEATURES), errors="ignore")
    with_dom = add_dom_features(df) if html else df
    proba = np.zeros((len(df), len(labels)))
    proba_html = np.zeros((len(df), len(labels)))
    folds = list(GroupKFold(n_splits).split(df, groups=groups))
    for train_idx, test_idx in tqdm(folds, desc="cross-validation", unit="fold",
                                    disable=not progress):
        model = train_model(with_dom.iloc[train_idx], random_state=random_state, n_jobs=-1,
                            **params)
        columns = np.searchsorted(labels, model.classes_)
        proba[np.ix_(test_idx, columns)] = model.predict_proba(df.iloc[test_idx])
        if html:
            proba_html[np.ix_(test_idx, columns)] = model.predict_proba(with_dom.iloc[test_idx])
    out = df.copy()
    out["predicted"] = labels_from_proba(proba, labels)
    if html:
        out["predicted_html"] = labels_from_proba(proba_html, labels)
    for i, label in enumerate(labels):
        out[f"proba_{label}"] = proba[:, i]
    return out


def language_held_out(df: pd.DataFrame, *, languages: list[str] | None = None,
                      random_state: int | None = 0, progress: bool = True) -> dict:
    """Leave-one-language-out scores in text mode: for each language L (``languages``, default
    every language of ``df``), a model trained on the pages of all other languages scores L's
    pages. Per language: the label scores (paywall and disclaimer F1 among them)."""
    df = validate_blocks(df, labels=df["label"].unique())
    labels = sorted(df["label"].unique())
    report = {}
    for lang in tqdm(languages or sorted(df["lang"].unique()), desc="languages held out",
                     unit="language", disable=not progress):
        held_out = (df["lang"] == lang).to_numpy()
        if not held_out.any():
            raise DatasetError(f"no page in language {lang!r}")
        model = train_model(df[~held_out], random_state=random_state, n_jobs=-1, html=False)
        predicted = model.predict(df[held_out])
        report[lang] = {"n_pages": int(df.loc[held_out, "page_id"].nunique()),
                        **label_scores(df.loc[held_out, "label"], predicted, labels)}
    return report


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


def format_language_report(report: dict) -> str:
    """One line per held-out language: pages, macro F1, and the F1 of each label."""
    labels = sorted({label for scores in report.values() for label in scores["per_label"]})
    lines = ["leave-one-language-out (text mode): trained without the language, scored on it",
             f"{'lang':<5} {'pages':>5} {'macro':>6} " + " ".join(f"{lab[:11]:>11}" for lab in labels)]
    for lang, scores in report.items():
        f1 = [scores["per_label"][lab]["f1"] if scores["per_label"][lab]["support"] else float("nan")
              for lab in labels]
        lines.append(f"{lang:<5} {scores['n_pages']:5d} {scores['macro_f1']:6.3f} "
                     + " ".join(f"{v:11.3f}" for v in f1))
    return "\n".join(lines)
