"""Pre-labelling a new publisher's pages for a person to review, as a spreadsheet-friendly table.

The table has the dataset's columns (``publisher, page_id, position, text, label, lang``), so
once a person has corrected the ``label`` column it loads back with ``load_dataset`` and is
merged into training with ``train --data data/ --data review.csv``. The other columns say
what the model thought: ``proba`` (probability of the suggested label), ``review`` (True when
that is below the threshold), ``predicted`` (the suggestion itself, kept when ``label`` is
edited), ``proba_<label>`` per label, and ``text_digest``, which lets loading notice a text
cell a spreadsheet has changed.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..dataset import DIGEST_COLUMN, text_digest, write_dataset
from ..errors import DatasetError, InputError
from ..model import BlockClassifier
from ..pages import is_html_name, read_page_file
from ..predict import score_frame
from .sources import is_slug

REVIEW_THRESHOLD = 0.9
"""Blocks whose suggested label has a lower probability than this are flagged for review."""
ORDERS = ("uncertainty", "page")
"""Row orders of a review table: least certain block first, or page by page."""
PROBA_DECIMALS = 4


def read_pages(names: list[str], *, html: bool = False,
               progress: bool = True) -> list[tuple[str, pd.DataFrame]]:
    """Read page files to pre-label, each named by its file name without the extension; HTML
    with ``html`` or by name (.html/.htm). Mixing HTML and text files is an error."""
    if not html and len({is_html_name(name) for name in names}) > 1:
        raise InputError("prelabel reads pages of one kind at a time: got HTML and text "
                         "files; pre-label them in two runs (or give --html for all)")
    return [(Path(name).stem, read_page_file(name, html=html or None))
            for name in tqdm(names, desc="reading pages", unit="page",
                             disable=not progress or len(names) < 50)]


def page_table(pages: list[tuple[str, list[str] | pd.DataFrame]], publisher: str,
               lang: str = "und") -> pd.DataFrame:
    """The unlabelled block table of one publisher's pages, given as (page slug, blocks) pairs;
    blocks are a list of texts or a frame from :func:`classifier.pages.page_blocks` (whose
    HTML-mode columns are kept, so that HTML pages are scored in HTML mode)."""
    if not is_slug(publisher):
        raise InputError(f"publisher {publisher!r} must be a slug: lower-case letters, digits "
                         "and hyphens (it becomes part of every page_id)")
    seen: set[str] = set()
    frames = []
    for slug, blocks in pages:
        if slug in seen:
            raise InputError(f"two pages are named {slug!r}; page ids ({publisher}/{slug}) "
                             "come from file names, which must differ")
        seen.add(slug)
        if not isinstance(blocks, pd.DataFrame):
            blocks = pd.DataFrame({"text": pd.Series(blocks, dtype=object)})
        frames.append(blocks.assign(publisher=publisher, page_id=f"{publisher}/{slug}",
                                    position=np.arange(len(blocks)), lang=lang))
    if not frames:
        raise InputError("no pages to pre-label")
    return pd.concat(frames, ignore_index=True)


def prelabel(blocks: pd.DataFrame, model: BlockClassifier | None = None, *,
             threshold: float = REVIEW_THRESHOLD, order: str = "uncertainty") -> pd.DataFrame:
    """Suggest a label for every block (pages of a site scored together) and flag doubtful ones."""
    if order not in ORDERS:
        raise InputError(f"order must be one of {ORDERS}, got {order!r}")
    scored = score_frame(blocks, model)
    proba_columns = [c for c in scored.columns if c.startswith("proba_")]
    out = blocks[["publisher", "page_id", "position", "text"]].copy()
    out["label"] = scored["label"]
    out["lang"] = blocks["lang"] if "lang" in blocks else "und"
    # the suggested label's own probability: not always the highest, since a block is body
    # only when body is more likely than not
    column = {name: i for i, name in enumerate(proba_columns)}
    suggested = [column[f"proba_{label}"] for label in scored["label"]]
    out["proba"] = np.round(scored[proba_columns].to_numpy()[np.arange(len(out)), suggested],
                            PROBA_DECIMALS)
    out["review"] = out["proba"] < threshold
    out["predicted"] = scored["label"]
    for column in proba_columns:
        out[column] = scored[column].round(PROBA_DECIMALS)
    out[DIGEST_COLUMN] = out["text"].map(text_digest)
    keys = ["proba", "page_id", "position"] if order == "uncertainty" else ["page_id", "position"]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def write_review(table: pd.DataFrame, path: str | Path, *, excel: bool = False) -> Path:
    """Write a review table; ``excel`` writes CSV with a UTF-8 BOM and CRLF line ends."""
    path = Path(path)
    if not excel:
        write_dataset(table, path)
        return path
    if path.suffix.lower() != ".csv":
        raise DatasetError(f"{path}: --excel writes CSV; name the output *.csv")
    table.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path


def review_summary(table: pd.DataFrame) -> str:
    """One line: blocks, pages, how many are flagged and the suggested labels' counts."""
    counts = table["label"].value_counts()
    labels = ", ".join(f"{label} {n}" for label, n in counts.sort_index().items())
    return (f"{len(table):,} blocks on {table['page_id'].nunique()} pages, "
            f"{int(table['review'].sum()):,} flagged for review; suggested: {labels}")
