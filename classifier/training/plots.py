"""Charts of evaluation reports (PNG): confusion matrix, F1 per language and per publisher.

Figures are drawn on matplotlib's Agg canvas directly, without pyplot, so this module neither
needs a display nor changes the backend of a notebook that imports it.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..view import label_colours

DPI = 110


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def confusion_figure(confusion: dict, title: str = "Confusion matrix") -> Figure:
    """Rows are true labels, columns predicted; colour is the row share, text the count."""
    labels, matrix = confusion["labels"], np.asarray(confusion["matrix"], dtype=float)
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    fig = _figure(1.6 + 1.1 * len(labels), 1.2 + 1.0 * len(labels))
    ax = fig.add_subplot()
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for (i, j), count in np.ndenumerate(matrix):
        ax.text(j, i, f"{int(count):,}\n{shares[i, j]:.0%}", ha="center", va="center",
                fontsize=8, color="white" if shares[i, j] > 0.6 else "black")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.8, label="share of the true label's blocks")
    return fig


def f1_figure(scores: dict[str, float], title: str, *, xlabel: str = "macro F1") -> Figure:
    """Horizontal bars, lowest score at the top, each bar labelled with its value."""
    names = sorted(scores, key=lambda k: (scores[k], k))
    fig = _figure(7.5, max(2.4, 0.8 + 0.24 * len(names)))
    ax = fig.add_subplot()
    values = [scores[n] for n in names]
    ax.barh(range(len(names)), values, color="#5b7c99")
    for i, value in enumerate(values):
        ax.text(min(value, 1.0) + 0.01, i, f"{value:.3f}", va="center", fontsize=7)
    ax.set_yticks(range(len(names)), names, fontsize=7 if len(names) > 30 else 9)
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.1)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return fig


def holdout_figure(report: dict) -> Figure:
    """Per-label and macro F1 on the new publisher's scored pages, and the controls' macro F1."""
    keys = [k for k in ("before", "baseline", "after") if k in report]
    labels = list(report["after"]["publisher"]["per_label"])
    groups = labels + ["macro F1", "control macro F1"]
    colours = {"before": "#b0b0b0", "baseline": "#5b7c99", "after": "#1b9e77"}
    fig = _figure(9, 4)
    ax = fig.add_subplot()
    width = 0.8 / len(keys)
    for n, key in enumerate(keys):
        entry = report[key]
        values = [entry["publisher"]["per_label"][lab]["f1"] for lab in labels]
        values += [entry["publisher"]["macro_f1"],
                   entry["control"]["macro_f1"] if "control" in entry else np.nan]
        ax.bar(np.arange(len(groups)) + (n - (len(keys) - 1) / 2) * width, values, width,
               label=f"{key}: {entry['model']}", color=colours[key])
    ax.set_xticks(range(len(groups)), groups)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("F1")
    ax.set_title(f"{report['publisher']}: {len(report['test_pages'])} held-out pages; "
                 f"{len(report['control_publishers'])} control publishers")
    fig.legend(loc="outside lower center", ncols=len(keys), fontsize=8)
    return fig


def label_share_figure(counts: dict[str, int], title: str) -> Figure:
    """Bars of block counts per label, in each label's view colour."""
    colours = label_colours(list(counts))
    fig = _figure(5, 3)
    ax = fig.add_subplot()
    ax.bar(list(counts), list(counts.values()), color=[colours[k] for k in counts])
    ax.set_ylabel("blocks")
    ax.set_title(title)
    return fig


def report_figures(report: dict) -> dict[str, Figure]:
    """The charts of an ``evaluate`` report, by file-name suffix."""
    if "publisher" in report and "after" in report:
        return {"holdout": holdout_figure(report),
                "confusion": confusion_figure(report["after"]["publisher"]["confusion"],
                                              f"{report['publisher']}, after: held-out pages")}
    figures = {"confusion": confusion_figure(report["confusion"])}
    if report.get("per_language"):
        figures["f1-per-language"] = f1_figure(report["per_language"], "Macro F1 per language")
    if report.get("per_publisher"):
        figures["f1-per-publisher"] = f1_figure(report["per_publisher"], "Macro F1 per publisher")
    return figures


def write_report_plots(report: dict, folder: str | Path, stem: str) -> list[Path]:
    """Save the report's charts as ``folder/<stem>-<chart>.png``; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, fig in report_figures(report).items():
        path = folder / f"{stem}-{name}.png"
        fig.savefig(path)
        paths.append(path)
    return paths
