"""A self-contained HTML view of labelled pages: every block coloured by its label.

The page needs no network and no script: styles are inline, every text is escaped. Each block
shows its position, label and (when known) probability; a block whose label differs from the
model's suggestion (the ``predicted`` column of a review table) or that is flagged for review
is marked, so a person can eyeball a site's labels in a browser.
"""
from __future__ import annotations

import html

import pandas as pd

from .dataset import is_table_file, read_table, validate_blocks
from .errors import InputError
from .persist import load_model
from .predict import paywall_score, score_file

LABEL_COLOURS = {"body": "#1b9e77", "boilerplate": "#5b7c99", "paywall": "#e6550d",
                 "disclaimer": "#8e44ad"}
"""Solid colour of each default label (legend swatch and the bar beside each block)."""
EXTRA_COLOURS = ("#c2185b", "#7cb342", "#f9a825", "#6d4c41", "#00838f")
"""Colours for labels outside the default set, in order of first appearance."""

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 16px;
       color: #1a1a1a; background: #fff; }
h1 { font-size: 20px; margin: 0 0 6px; } h2 { font-size: 17px; margin: 28px 0 6px; }
.meta { color: #555; margin: 0 0 8px; }
.legend { display: flex; flex-wrap: wrap; gap: 18px; list-style: none; padding: 8px 0; margin: 0;
          position: sticky; top: 0; background: #fff; border-bottom: 1px solid #ddd; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 22px; height: 22px; border-radius: 3px; }
ol.blocks { list-style: none; padding: 0; margin: 0; }
.block { display: grid; grid-template-columns: 12px 44px 96px 56px 1fr; gap: 8px;
         align-items: start; padding: 3px 6px 3px 0; margin: 2px 0; border-radius: 3px; }
.bar { align-self: stretch; border-radius: 3px 0 0 3px; }
.pos { color: #777; text-align: right; font-variant-numeric: tabular-nums; }
.label { font-weight: 600; } .proba { font-variant-numeric: tabular-nums; color: #333; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.changed .label::after { content: " \\270E"; }
.flag { outline: 2px dashed #b00; }
.note { display: block; color: #8a1c1c; font-size: 13px; }
nav ol { columns: 2; }
"""


def label_colours(labels) -> dict[str, str]:
    """A colour for every label: the default ones first, then the extra palette in order."""
    colours = dict(LABEL_COLOURS)
    others = [label for label in labels if label not in colours]
    for i, label in enumerate(others):
        colours[label] = EXTRA_COLOURS[i % len(EXTRA_COLOURS)]
    return colours


def _tint(colour: str, share: float = 0.16) -> str:
    """A light background: ``share`` of the colour over white."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * share):02x}" for c in rgb)


def _number(value) -> float | None:
    """A probability cell as a float, or None when it is missing or not a number."""
    number = pd.to_numeric(value, errors="coerce")
    return None if pd.isna(number) else float(number)


def _proba(row: pd.Series) -> float | None:
    """The probability of the row's label: ``proba`` or ``proba_<label>`` when present."""
    for column in ("proba", f"proba_{row['label']}"):
        if _number(row.get(column)) is not None:
            return _number(row.get(column))
    return None


def _block(row: pd.Series, colours: dict[str, str]) -> str:
    """One block as a list item: colour bar, position, label, probability, text."""
    e = html.escape
    label, proba = str(row["label"]), _proba(row)
    classes = ["block"]
    notes = []
    predicted = row.get("predicted")
    if isinstance(predicted, str) and predicted and predicted != label:
        classes.append("changed")
        notes.append(f"model suggested {predicted}")
    if str(row.get("review", "")).lower() in ("true", "1"):
        classes.append("flag")
        notes.append("flagged for review")
    probas = [f"{c[6:]} {_number(row[c]):.3f}" for c in row.index
              if c.startswith("proba_") and _number(row[c]) is not None]
    title = f"position {row['position']}: {label}" + (f" ({', '.join(probas)})" if probas else "")
    note = "".join(f'<span class="note">{e(n)}</span>' for n in notes)
    return (f'<li class="{" ".join(classes)}" style="background:{_tint(colours[label])}" '
            f'title="{e(title)}"><span class="bar" style="background:{colours[label]}"></span>'
            f'<span class="pos">{int(row["position"])}</span>'
            f'<span class="label">{e(label)}</span>'
            f'<span class="proba">{"" if proba is None else f"{proba:.2f}"}</span>'
            f'<span class="text">{e(str(row["text"]))}{note}</span></li>')


def _page(page_id: str, blocks: pd.DataFrame, anchor: str, colours: dict[str, str]) -> str:
    """A page's heading, label counts and paywall verdict (when probabilities are known), blocks."""
    counts = ", ".join(f"{n} {label}" for label, n in blocks["label"].value_counts().items())
    verdict = (f"; paywall score {paywall_score(blocks):.2f}" if "proba_paywall" in blocks
               and pd.to_numeric(blocks["proba_paywall"], errors="coerce").notna().all() else "")
    items = "\n".join(_block(row, colours) for _, row in blocks.iterrows())
    return (f'<section id="{anchor}"><h2>{html.escape(page_id)}</h2>'
            f'<p class="meta">{len(blocks)} blocks: {html.escape(counts)}{verdict}</p>'
            f'<ol class="blocks">\n{items}\n</ol></section>')


def render_html(blocks: pd.DataFrame, *, title: str = "Labelled pages") -> str:
    """The HTML document showing every page of a labelled block table, in page order."""
    blocks = blocks.sort_values(["page_id", "position"], kind="stable")
    labels = list(dict.fromkeys(list(LABEL_COLOURS) + sorted(blocks["label"].unique())))
    colours = label_colours(labels)
    counts = blocks["label"].value_counts()
    legend = "".join(f'<li><span class="swatch" style="background:{colours[label]}"></span>'
                     f'{html.escape(label)} ({counts.get(label, 0)})</li>'
                     for label in labels)
    pages = list(blocks.groupby("page_id", sort=True))
    anchors = {page_id: f"page-{i + 1}" for i, (page_id, _) in enumerate(pages)}
    nav = ("" if len(pages) < 2 else "<nav><ol>" + "".join(
        f'<li><a href="#{anchors[p]}">{html.escape(p)}</a></li>' for p, _ in pages) + "</ol></nav>")
    body = "\n".join(_page(page_id, group, anchors[page_id], colours) for page_id, group in pages)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>\n'
            f'<h1>{html.escape(title)}</h1>'
            f'<p class="meta">{len(pages)} pages, {len(blocks)} blocks. Colour = label; the '
            f'number after the label is its probability; &#x270E; marks a label changed from '
            f'the model\'s suggestion, a dashed outline a block flagged for review.</p>'
            f'<ul class="legend">{legend}</ul>\n{nav}\n{body}\n</body></html>\n')


def blocks_to_show(inputs: list[str], *, model_path: str | None = None, html_pages: bool = False,
                   publishers: list[str] | None = None, pages: list[str] | None = None,
                   max_pages: int = 100) -> pd.DataFrame:
    """The blocks to show: labelled tables as they are, page files (text, or HTML when named so
    or with ``html_pages``) scored one page at a time; only the ``publishers`` and ``pages``
    asked for, and no more than ``max_pages`` pages."""
    frames, model = [], None
    for name in inputs:
        if is_table_file(name):
            table = read_table(name)
            labels = table["label"].astype(str).str.strip().unique() if "label" in table else None
            frames.append(validate_blocks(table, source=name, labels=labels))
            continue
        model = model or load_model(model_path)   # loaded once, only when a page needs it
        scored = score_file(name, model, html=html_pages or None)   # None: by the file name
        frames.append(scored.assign(page_id=name))
    blocks = pd.concat(frames, ignore_index=True)
    if publishers:
        if "publisher" not in blocks:
            raise InputError("publishers are selected from tables with a publisher column; "
                             "page files have none")
        blocks = blocks[blocks["publisher"].isin(publishers)]
    if pages:
        blocks = blocks[blocks["page_id"].isin(pages)]
    n_pages = blocks["page_id"].nunique()
    if n_pages == 0:
        raise InputError("no page left to show after selecting publishers and pages")
    if n_pages > max_pages:
        raise InputError(f"{n_pages} pages to show, over the limit of {max_pages} (--max-pages); "
                         "choose some with --publisher or --page, or raise --max-pages")
    return blocks
