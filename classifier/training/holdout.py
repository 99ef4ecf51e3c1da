"""The new-publisher before/after report. It answers: does training on a new publisher's
reviewed pages help on its other pages, and hurt nowhere? No page is both trained on and scored:

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

import logging

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..errors import DatasetError
from ..model import BlockClassifier
from ..persist import DEFAULT_MODEL_PATH, read_bundle
from .evaluation import label_scores, macro_f1_by
from .train import train_model

logger = logging.getLogger(__name__)

CONTROL_EVERY = 5
"""Every fifth other publisher (by name) is held out of both retrainings as a control."""


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
