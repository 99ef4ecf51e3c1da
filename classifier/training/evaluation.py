"""Evaluation: label scores, publisher-held-out and leave-one-language-out cross-validation
(with the lone-line test), and a fixed model's scores. The new-publisher before/after report
is in :mod:`classifier.training.holdout`."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from tqdm.auto import tqdm

from ..dataset import data_hash, validate_blocks
from ..errors import DatasetError
from ..model import BLOCK_COLUMNS, BlockClassifier, labels_from_proba
from ..schema import BODY, DOM_FEATURES, PAYWALL
from .templates import add_dom_features
from .train import cv_groups, train_model

CV_FOLDS = 5
"""Default number of publisher-held-out folds in evaluation."""

HOST_BODY, HOST_TAIL = 6, 4
"""A lone-line host page: the first six body blocks of a page and its last four boilerplate
blocks (the layout of the real-string test in ``../shared/realpages/score_wild.py``)."""
HOST_MIN_BOILERPLATE = 6
"""Fewest boilerplate blocks a page needs to host (that test asks six, and uses four)."""
LONE_LINES_PER_LABEL = 400
"""Distinct lines of each label that the lone-line test sets into host pages, per fold."""
LONE_PAGE_COLUMNS = (*BLOCK_COLUMNS, "label", "lone", "lang")
"""The columns of :func:`lone_line_pages`."""


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


def lone_line_pages(df: pd.DataFrame, *, per_label: int = LONE_LINES_PER_LABEL,
                    random_state: int | None = 0) -> pd.DataFrame:
    """Pages that each carry one line of ``df`` on its own, set into a host page of ``df``:
    the host's first body blocks, the line, its last boilerplate blocks (a body line goes in
    among the body blocks instead). A pitch or notice seen alone, out of its box, must still be
    told by its words: the weak spot of a model that leans on neighbours. The ``lone`` column
    marks the line and ``lang`` its language (where ``df`` has one); up to ``per_label``
    distinct texts of each label are drawn, seeded. No pages (an empty frame) when no page of
    ``df`` has enough body and boilerplate to host."""
    rng = np.random.default_rng(random_state)
    language = (df.drop_duplicates("text").set_index("text")["lang"].astype(str).to_dict()
                if "lang" in df.columns else {})
    hosts = []
    for _, page in df.sort_values(["page_id", "position"]).groupby("page_id", sort=True):
        body = page.loc[page["label"] == BODY, "text"].tolist()
        tail = page.loc[page["label"] == "boilerplate", "text"].tolist()
        if len(body) >= HOST_BODY and len(tail) >= HOST_MIN_BOILERPLATE:
            hosts.append((body[:HOST_BODY], tail[-HOST_TAIL:]))
    if not hosts:
        return pd.DataFrame(columns=list(LONE_PAGE_COLUMNS))
    hosts = [hosts[i] for i in rng.permutation(len(hosts))]
    rows = []
    for label in sorted(df["label"].unique()):
        texts = np.unique(df.loc[df["label"] == label, "text"].astype(str))
        texts = rng.permutation(texts)[:per_label]
        for i, text in enumerate(texts):
            body, tail = hosts[i % len(hosts)]
            at = HOST_BODY // 2 if label == BODY else HOST_BODY
            blocks = [(BODY, t) for t in body] + [("boilerplate", t) for t in tail]
            blocks.insert(at, (label, text))
            rows += [{"page_id": f"lone/{label}/{i}", "position": position, "text": t,
                      "label": lab, "lone": position == at, "lang": language.get(text, "und")}
                     for position, (lab, t) in enumerate(blocks)]
    return pd.DataFrame(rows)


def lone_line_scores(pages: pd.DataFrame, predicted) -> dict:
    """Per label of the lone lines of ``pages`` (:func:`lone_line_pages`): how many, the share
    labelled right (for boilerplate, anything but body: cleaning drops it) and the share kept
    as body; the same per language of the line (``per_language``) where ``pages`` has one."""
    lines = pages.assign(predicted=np.asarray(predicted, dtype=object))[pages["lone"].astype(bool)]
    report = {}
    for label, group in lines.groupby("label"):
        report[label] = _lone_shares(group, label)
        if "lang" in group.columns:
            report[label]["per_language"] = {lang: _lone_shares(g, label)
                                             for lang, g in group.groupby("lang")}
    return report


def _lone_shares(lines: pd.DataFrame, label: str) -> dict:
    """How many lone lines of ``label``, the share labelled right (with its 95% Wilson
    interval: a few hundred lines leave a few points of chance either way) and the share kept
    as body."""
    kept = lines["predicted"] == BODY
    right = ~kept if label == "boilerplate" else lines["predicted"] == label
    interval = binomtest(int(right.sum()), len(lines)).proportion_ci(method="wilson")
    return {"n": int(len(lines)), "exact": float(right.mean()), "kept": float(kept.mean()),
            "exact_low": float(interval.low), "exact_high": float(interval.high)}


def out_of_fold_predictions(df: pd.DataFrame, *, n_splits: int = CV_FOLDS,
                            random_state: int | None = 0, progress: bool = True,
                            hold_out: str = "publisher", html: bool = True,
                            lone_lines: bool = True,
                            **params) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Predict every block with a model that never saw its ``hold_out`` group (GroupKFold over
    publishers as :func:`cv_groups` groups them, or over languages): ``predicted`` and
    ``proba_<label>`` from the block texts (text mode); with ``html``, ``predicted_html`` from
    the page rendered through its publisher's template (HTML mode). Also returns the lone-line
    pages (:func:`lone_line_pages`) of each fold's held-out pages, with the ``predicted`` of
    the same fold's model (text mode; none without ``lone_lines``). ``params`` go to
    :class:`BlockClassifier`."""
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
    lone = []
    for train_idx, test_idx in tqdm(folds, desc="cross-validation", unit="fold",
                                    disable=not progress):
        model = train_model(with_dom.iloc[train_idx], random_state=random_state, n_jobs=-1,
                            **params)
        columns = np.searchsorted(labels, model.classes_)
        proba[np.ix_(test_idx, columns)] = model.predict_proba(df.iloc[test_idx])
        if html:
            proba_html[np.ix_(test_idx, columns)] = model.predict_proba(with_dom.iloc[test_idx])
        if lone_lines:
            pages = lone_line_pages(df.iloc[test_idx], random_state=random_state)
            if len(pages):
                lone.append(pages.assign(predicted=model.predict(pages[list(BLOCK_COLUMNS)])))
    out = df.copy()
    out["predicted"] = labels_from_proba(proba, labels)
    if html:
        out["predicted_html"] = labels_from_proba(proba_html, labels)
    for i, label in enumerate(labels):
        out[f"proba_{label}"] = proba[:, i]
    no_pages = pd.DataFrame(columns=[*LONE_PAGE_COLUMNS, "predicted"])
    return out, pd.concat(lone, ignore_index=True) if lone else no_pages


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
    overall for the same pages rendered to HTML (``report["html"]``), and the lone-line test
    (``report["lone_lines"]``, :func:`lone_line_pages`)."""
    oof, lone = out_of_fold_predictions(df, n_splits=n_splits, random_state=random_state,
                                        progress=progress)
    labels = sorted(oof["label"].unique())
    report = {"n_splits": n_splits, "n_blocks": int(len(oof)),
              "n_pages": int(oof["page_id"].nunique()),
              "n_publishers": int(oof["publisher"].nunique()), "data_hash": data_hash(oof),
              **label_scores(oof["label"], oof["predicted"], labels)}
    report["per_language"] = macro_f1_by(oof, "lang", labels)
    report["per_publisher"] = macro_f1_by(oof, "publisher", labels)
    report["html"] = label_scores(oof["label"], oof["predicted_html"], labels)
    report["lone_lines"] = lone_line_scores(lone, lone["predicted"])
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
    confusion matrix, and HTML-mode, lone-line and per-language figures where the report has
    them."""
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
    if report.get("lone_lines"):
        lines.append("lone lines (each set alone into another held-out page, after its body): "
                     + ", ".join(f"{lab} {s['exact']:.3f} right [{s['exact_low']:.3f}-"
                                 f"{s['exact_high']:.3f}], {s['kept']:.3f} kept as body"
                                 for lab, s in report["lone_lines"].items()))
        by_language = report["lone_lines"].get(PAYWALL, {}).get("per_language", {})
        if by_language:
            lines.append("lone pitch lines labelled paywall, per language (lines; 95% interval): "
                         + ", ".join(f"{lang} {s['exact']:.2f} ({s['n']}; {s['exact_low']:.2f}-"
                                     f"{s['exact_high']:.2f})"
                                     for lang, s in sorted(by_language.items())))
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
