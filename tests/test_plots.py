"""Evaluation charts: the right charts for each report, drawn with real content."""
import numpy as np
import pytest
from matplotlib.image import imread

from classifier.training.plots import (confusion_figure, f1_figure, label_share_figure, report_figures,
                              write_report_plots)
from classifier.training.evaluation import label_scores

LABELS = ["body", "boilerplate", "disclaimer", "paywall"]
TRUE = ["body"] * 5 + ["boilerplate"] * 20 + ["disclaimer"] * 2 + ["paywall"] * 4
PRED = ["body"] * 4 + ["paywall"] + ["boilerplate"] * 19 + ["body"] + ["disclaimer"] * 2 + ["paywall"] * 4


def _cv_report() -> dict:
    return {**label_scores(TRUE, PRED, LABELS), "per_language": {"en": 0.91, "de": 0.84},
            "per_publisher": {f"pub-{i}": i / 40 for i in range(40)}}


def _holdout_report() -> dict:
    scores = {"publisher": label_scores(TRUE, PRED, LABELS)}
    return {"publisher": "new-pub", "test_pages": ["a", "b"], "control_publishers": ["x"],
            "before": {"model": "bundled", **scores},
            "baseline": {"model": "without", **scores, "control": {"macro_f1": 0.9}},
            "after": {"model": "with", **scores, "control": {"macro_f1": 0.91}}}


def test_confusion_matrix_shows_counts_and_row_shares():
    fig = confusion_figure(label_scores(TRUE, PRED, LABELS)["confusion"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 16
    assert "4\n80%" in texts and "1\n20%" in texts and "19\n95%" in texts
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == LABELS


def test_f1_bars_put_the_weakest_first():
    fig = f1_figure({"en": 0.9, "ja": 0.4, "de": 0.95}, "per language")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["ja", "en", "de"]


@pytest.mark.parametrize("report, charts", [
    (_cv_report(), ["confusion", "f1-per-language", "f1-per-publisher"]),
    (_holdout_report(), ["confusion", "holdout"]),
], ids=["cross-validation", "holdout"])
def test_report_charts_are_written_as_real_images(tmp_path, report, charts):
    paths = write_report_plots(report, tmp_path / "plots", "run")
    assert sorted(p.name for p in paths) == sorted(f"run-{c}.png" for c in charts)
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        image = imread(path)
        assert image.shape[0] > 200 and image.shape[1] > 300
        assert len(np.unique(image.reshape(-1, image.shape[2]), axis=0)) > 20   # not blank


def test_holdout_chart_has_one_bar_series_per_model():
    fig = report_figures(_holdout_report())["holdout"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["before: bundled", "baseline: without", "after: with"]


def test_label_share_uses_the_view_colours():
    fig = label_share_figure({"body": 3, "paywall": 1}, "labels")
    colours = [tuple(round(c, 3) for c in bar.get_facecolor()[:3]) for bar in fig.axes[0].patches]
    assert colours == [(0.106, 0.62, 0.467), (0.902, 0.333, 0.051)]
