"""Evaluation: label scores, publisher-held-out and leave-one-language-out cross-validation,
a fixed model's scores, and the new-publisher before/after report.

The new-publisher report answers: does training on a new publisher's reviewed pages help on
its other pages, and hurt nowhere? No page is both trained on and scored:

- the publisher's pages are shuffled and cut in two: the *after* model trains on one half,
  and every model is scored on the other half only;
- a set of *control* publishers (every ``control_every``-th other publisher by name) is left
  out of both retrainings and scored by both, so a regression elsewhere shows;
- *baseline* is the same recipe trained on the same data minus the new publisher's pages, so
  baseline -> after isolates what the reviewed pages changed;
- *before* is the model in use (the bundled one or ``--model``), scored on the same pages of
  the new publisher. It is scored on the control publishers too only if it provably never
  saw them, which the bundled model did, so by default it is not.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from tqdm.auto import tqdm

from ..dataset import data_hash, validate_blocks
from ..errors import DatasetError
from ..model import BlockClassifier, labels_from_proba
from ..persist import DEFAULT_MODEL_PATH, read_bundle
from ..schema import DOM_FEATURES
from .templates import add_dom_features
from .train import cv_groups, train_model

logger = logging.getLogger(__name__)

CV_FOLDS = 5
"""Default number of publisher-held-out folds in evaluation."""

CONTROL_EVERY = 5
"""Every fifth other publisher (by name) is held out of both retrainings as a control."""


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


def fixed_model_report(df: pd.DataFrame, model: BlockClassifier, name: str) -> dict:
    """Scores of a trained model on a labelled table, overall, per language and per publisher."""
    scored = df.assign(predicted=model.predict(df))
    labels = sorted(set(df["label"]) | set(scored["predicted"]))
    return {"mode": f"fixed model {name}",
            **label_scores(scored["label"], scored["predicted"], labels),
            "per_language": macro_f1_by(scored, "lang", labels),
            "per_publisher": macro_f1_by(scored, "publisher", labels)}


def format_report(report: dict) -> str:
    """A cross-validation or fixed-model report as text: per-label scores, macro F1, the
    confusion matrix, and HTML-mode and per-language figures where the report has them."""
    lines = [report["mode"],
             f"{'label':<12} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
    for label, s in report["per_label"].items():
        lines.append(f"{label:<12} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:6.3f} "
                     f"{s['support']:8d}")
    lines.append(f"macro F1 {report['macro_f1']:.3f}   accuracy {report['accuracy']:.3f}")
    labels = report["confusion"]["labels"]
    lines.append("confusion (rows: true, columns: predicted)")
    lines.append(" " * 12 + "".join(f"{lab[:10]:>11}" for lab in labels))
    for lab, row in zip(labels, report["confusion"]["matrix"]):
        lines.append(f"{lab:<12}" + "".join(f"{v:11d}" for v in row))
    if "html" in report:
        lines.append("HTML mode (the same pages rendered through their publisher's template): "
                     f"macro F1 {report['html']['macro_f1']:.3f}, " + ", ".join(
                         f"{lab} {s['f1']:.3f}" for lab, s in report["html"]["per_label"].items()))
    if "per_language" in report:
        lines.append("macro F1 per language: " + ", ".join(
            f"{lang} {f1:.3f}" for lang, f1 in sorted(report["per_language"].items())))
    return "\n".join(lines)


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


def before_model(path: str | None, publisher: str) -> tuple[BlockClassifier, list[str] | None]:
    """The model in use (``path``, or the bundled one) and the publishers it records training
    on; refused if one of them is ``publisher``, whose 'before' scores would not be held out."""
    bundle = read_bundle(path or DEFAULT_MODEL_PATH)
    trained_on = bundle["metadata"].get("publishers")
    name = path or "bundled model"
    if trained_on is None:
        logger.warning("%s does not record which publishers it was trained on; make sure it "
                       "never saw %s, or its 'before' scores are not held out", name, publisher)
    elif publisher in trained_on:
        raise DatasetError(f"{name} was trained on pages of {publisher}, so its 'before' scores "
                           "would not be held out; give --model a model trained without them")
    return bundle["model"], trained_on


def split_publisher_pages(df: pd.DataFrame, publisher: str, *,
                          random_state: int | None = 0) -> tuple[list[str], list[str]]:
    """Shuffle a publisher's pages and cut them in half: (pages to train on, pages to score)."""
    pages = np.array(sorted(df.loc[df["publisher"] == publisher, "page_id"].unique()))
    if len(pages) == 0:
        known = sorted(df["publisher"].unique())
        raise DatasetError(f"no page of publisher {publisher!r} in the data; it has "
                           f"{len(known)} publishers ({', '.join(known[:5])}, ...)")
    if len(pages) < 2:
        raise DatasetError(f"publisher {publisher!r} has only {len(pages)} page; at least 2 are "
                           "needed to train on some and score the others")
    order = np.random.default_rng(random_state).permutation(len(pages))
    half = len(pages) // 2
    return sorted(pages[order[:half]].tolist()), sorted(pages[order[half:]].tolist())


def control_publishers(df: pd.DataFrame, publisher: str,
                       every: int = CONTROL_EVERY) -> list[str]:
    """Every ``every``-th publisher other than ``publisher``, by name."""
    others = sorted(set(df["publisher"]) - {publisher})
    controls = others[every // 2::every]
    if not controls or len(others) - len(controls) < 3:
        raise DatasetError(f"{len(others)} other publishers are too few to hold out every "
                           f"{every}th as a control and train on at least 3; lower "
                           "--control-every or add data")
    return controls


def _scored(model: BlockClassifier, frame: pd.DataFrame, labels: list[str]) -> dict:
    """Scores of ``model`` on ``frame`` (each publisher's pages scored together)."""
    scored = frame.assign(predicted=model.predict(frame))
    return {**label_scores(scored["label"], scored["predicted"], labels),
            "per_publisher": macro_f1_by(scored, "publisher", labels)}


def holdout_evaluation(df: pd.DataFrame, publisher: str, before: BlockClassifier, *,
                       before_name: str = "model in use", before_saw_controls: bool = True,
                       control_every: int = CONTROL_EVERY, random_state: int | None = 0,
                       progress: bool = True) -> dict:
    """Scores of the model in use, a baseline and the retrained model on held-out pages."""
    train_pages, test_pages = split_publisher_pages(df, publisher, random_state=random_state)
    controls = control_publishers(df, publisher, control_every)
    test = df[df["page_id"].isin(test_pages)]
    control = df[df["publisher"].isin(controls)]
    baseline_data = df[(df["publisher"] != publisher) & ~df["publisher"].isin(controls)]
    after_data = pd.concat([baseline_data, df[df["page_id"].isin(train_pages)]])
    scored_pages = set(test["page_id"]) | set(control["page_id"])
    assert not scored_pages & set(after_data["page_id"]), "a scored page was trained on"
    labels = sorted(df["label"].unique())
    report = {"publisher": publisher, "train_pages": train_pages, "test_pages": test_pages,
              "control_publishers": controls,
              "n_train_publishers": int(baseline_data["publisher"].nunique()),
              "n_test_blocks": int(len(test)), "n_control_blocks": int(len(control)),
              "before": {"model": before_name, "publisher": _scored(before, test, labels)}}
    if not before_saw_controls:
        report["before"]["control"] = _scored(before, control, labels)
    steps = [("baseline", "retrained without the publisher", baseline_data),
             ("after", f"retrained with {len(train_pages)} of its pages", after_data)]
    for key, name, data in tqdm(steps, desc="retraining", unit="model", disable=not progress):
        logger.info("training %s model on %d blocks", key, len(data))
        model = train_model(data, random_state=random_state, n_jobs=-1)
        report[key] = {"model": name, "publisher": _scored(model, test, labels),
                       "control": _scored(model, control, labels)}
    report["change"] = {
        "publisher_macro_f1": report["after"]["publisher"]["macro_f1"]
        - report["baseline"]["publisher"]["macro_f1"],
        "publisher_macro_f1_vs_before": report["after"]["publisher"]["macro_f1"]
        - report["before"]["publisher"]["macro_f1"],
        "control_macro_f1": report["after"]["control"]["macro_f1"]
        - report["baseline"]["control"]["macro_f1"]}
    return report


def holdout_report(df: pd.DataFrame, publisher: str, model_path: str | None = None, *,
                   control_every: int = CONTROL_EVERY, progress: bool = True) -> dict:
    """:func:`holdout_evaluation` with the model in use read from ``model_path`` (default the
    bundled one), scored on the controls too only if it records never having seen them."""
    before, trained_on = before_model(model_path, publisher)
    controls = control_publishers(df, publisher, control_every)
    return holdout_evaluation(
        df, publisher, before, before_name=model_path or "bundled model",
        before_saw_controls=trained_on is None or bool(set(controls) & set(trained_on)),
        control_every=control_every, progress=progress)


def write_report(report: dict, json_path: str | None, plots: str | None = None, *,
                 charts: bool = True) -> list[Path]:
    """Write a report as JSON (``json_path``) and, with ``charts``, its charts (to the folder
    ``plots``, else beside the JSON); returns the files written."""
    written = []
    if json_path:
        Path(json_path).write_text(json.dumps(report, indent=1))
        written.append(Path(json_path))
    if charts and (json_path or plots):
        from .plots import write_report_plots  # matplotlib, only to draw charts

        stem = Path(json_path).stem if json_path else "evaluation"
        written += write_report_plots(report, plots or Path(json_path).parent, stem)
    return written


def format_holdout(report: dict) -> str:
    """The report as a small table: one row per model, the publisher's and the controls' F1."""
    labels = list(report["after"]["publisher"]["per_label"])
    publisher = report["publisher"]
    lines = [f"{publisher}: trained on {len(report['train_pages'])} of its pages, scored on the "
             f"other {len(report['test_pages'])} ({report['n_test_blocks']:,} blocks; no model "
             "here trained on them)",
             f"control: {len(report['control_publishers'])} other publishers "
             f"({report['n_control_blocks']:,} blocks) left out of both retrainings; "
             f"{report['n_train_publishers']} publishers train both",
             "",
             f"{'model':<44} {'macro F1':>8} " + " ".join(f"{lab[:11]:>11}" for lab in labels)
             + f" {'control F1':>10}"]
    for key in ("before", "baseline", "after"):
        entry = report[key]
        scores = entry["publisher"]
        control = f"{entry['control']['macro_f1']:10.3f}" if "control" in entry else f"{'-':>10}"
        lines.append(f"{key + ': ' + entry['model']:<44} {scores['macro_f1']:8.3f} "
                     + " ".join(f"{scores['per_label'][lab]['f1']:11.3f}" for lab in labels)
                     + f" {control}")
    change = report["change"]
    lines.append(f"{'change, after - baseline':<44} {change['publisher_macro_f1']:+8.3f} "
                 + " " * (12 * len(labels)) + f"{change['control_macro_f1']:+10.3f}")
    lines.append("(macro F1 and per-label F1 on the publisher's scored pages; control F1: macro "
                 "F1 on the control publishers' pages)")
    return "\n".join(lines)
