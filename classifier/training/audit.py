"""Find blocks whose given label the data itself disputes (confident learning, by hand).

Every block is predicted by a model that never saw its publisher
(:func:`classifier.train.out_of_fold_predictions`). For each label ``j`` the threshold ``t_j`` is
the mean probability of ``j`` over the blocks labelled ``j`` (the model's self-confidence on
that label). A block's *confident* label is, among the labels whose probability reaches their
threshold, the most probable one. A block whose confident label differs from its given label is
a suspect; suspects are ranked by the margin ``p(suggested) - p(given)`` (Northcutt et al.,
"Confident learning", 2021). A template line repeated on every page of a publisher is one
decision, so :func:`group_issues` folds its blocks into one row. Out-of-publisher predictions
also disagree where a publisher is simply unusual, so the list is for a person to read, not
to apply.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .evaluation import CV_FOLDS, out_of_fold_predictions

AUDIT_COLUMNS = ["publisher", "page_id", "position", "text", "label", "suggested", "score",
                 "proba_given", "proba_suggested"]
GROUP_KEYS = ["publisher", "text", "label", "suggested"]


def per_label_thresholds(labels: np.ndarray, proba: np.ndarray,
                         classes: list[str]) -> np.ndarray:
    """Mean predicted probability of each label over the blocks given that label (1 if none)."""
    return np.array([proba[labels == c, j].mean() if (labels == c).any() else 1.0
                     for j, c in enumerate(classes)])


def label_issues(oof: pd.DataFrame) -> pd.DataFrame:
    """The blocks whose confident label differs from the given one, most disputed first."""
    classes = sorted(c[len("proba_"):] for c in oof.columns if c.startswith("proba_"))
    proba = oof[[f"proba_{c}" for c in classes]].to_numpy()
    labels = oof["label"].to_numpy()
    given = np.searchsorted(classes, labels)
    thresholds = per_label_thresholds(labels, proba, classes)
    confident = np.where(proba >= thresholds, proba, -np.inf)
    suggested = np.argmax(confident, axis=1)
    rows = np.arange(len(oof))
    suspect = np.isfinite(confident[rows, suggested]) & (suggested != given)
    out = oof.loc[suspect, ["publisher", "page_id", "position", "text", "label"]].copy()
    out["suggested"] = np.asarray(classes)[suggested[suspect]]
    out["proba_given"] = proba[rows, given][suspect]
    out["proba_suggested"] = proba[rows, suggested][suspect]
    out["score"] = out["proba_suggested"] - out["proba_given"]
    return (out[AUDIT_COLUMNS].sort_values(["score", "page_id", "position"],
                                           ascending=[False, True, True], kind="stable")
            .reset_index(drop=True))


def group_issues(issues: pd.DataFrame) -> pd.DataFrame:
    """One row per (publisher, text, given, suggested): first page and position, mean score,
    and ``blocks``, how many blocks share it (a template line counts once)."""
    grouped = (issues.groupby(GROUP_KEYS, sort=False)
               .agg(page_id=("page_id", "first"), position=("position", "first"),
                    score=("score", "mean"), proba_given=("proba_given", "mean"),
                    proba_suggested=("proba_suggested", "mean"), blocks=("score", "size"))
               .reset_index())
    return (grouped[AUDIT_COLUMNS + ["blocks"]]
            .sort_values(["score", "page_id", "position"], ascending=[False, True, True],
                         kind="stable").reset_index(drop=True))


def audit_labels(df: pd.DataFrame, *, n_splits: int = CV_FOLDS, random_state: int | None = 0,
                 progress: bool = True) -> pd.DataFrame:
    """Out-of-publisher predictions for every block (text mode: labels are about the text),
    then :func:`label_issues`, one per block."""
    oof, _ = out_of_fold_predictions(df, n_splits=n_splits, random_state=random_state,
                                     progress=progress, html=False, lone_lines=False)
    return label_issues(oof)


def format_issues(issues: pd.DataFrame, *, width: int = 70) -> str:
    """A plain-text table of issues, texts cut to ``width`` characters."""
    lines = [f"{'score':>5}  {'given':<11} {'suggested':<11} {'page_id':<40} {'pos':>4} "
             f"{'blocks':>6}  text"]
    for row in issues.itertuples(index=False):
        text = row.text if len(row.text) <= width else row.text[:width - 1] + "…"
        lines.append(f"{row.score:5.2f}  {row.label:<11} {row.suggested:<11} "
                     f"{row.page_id:<40} {row.position:>4} {getattr(row, 'blocks', 1):>6}  {text}")
    return "\n".join(lines)


def audit_report(issues: pd.DataFrame, n_blocks: int, *, top: int = 30,
                 per_block: bool = False) -> tuple[str, pd.DataFrame]:
    """The audit as text (how many blocks are disputed, then the ``top`` most disputed) and
    its rows: one per block with ``per_block``, else one per publisher's repeated text."""
    lines = [(f"{len(issues):,} of {n_blocks:,} blocks ({len(issues) / max(n_blocks, 1):.1%}) "
              "have a confident out-of-publisher label that differs from theirs")]
    if not per_block:
        issues = group_issues(issues)
        lines.append(f"{len(issues):,} distinct texts (blocks: how many blocks of the "
                     "publisher share it)")
    lines += [f"the {min(top, len(issues))} most disputed:", format_issues(issues.head(top))]
    return "\n".join(lines), issues
