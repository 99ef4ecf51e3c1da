"""Compare the shape of the bundled dataset's pages with real scraped pages (DEV split).

    python benchmarks/dataset_stats.py [--data data/] [--realpages ../shared/realpages/dev.jsonl.gz]

Prints blocks per page, body share, line lengths by label and where the body sits, for
both, side by side. The real pages are only measured here, never copied or trained on.
"""
from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import pandas as pd

from classifier import load_dataset

DEFAULT_REALPAGES = Path(__file__).resolve().parents[2] / "shared" / "realpages" / "dev.jsonl.gz"


def realpages_frame(path: Path) -> pd.DataFrame:
    """The real pages as a block table; the fine labels paywall/disclaimer/newsletter mapped
    onto this project's labels (newsletter sign-ups are paywall here)."""
    fine_to_label = {"body": "body", "paywall": "paywall", "newsletter": "paywall",
                     "disclaimer": "disclaimer", "other": "boilerplate"}
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            page = json.loads(line)
            for position, block in enumerate(page["blocks"]):
                rows.append({"page_id": page["page_id"], "position": position,
                             "text": block["text"], "label": fine_to_label[block["fine"]]})
    return pd.DataFrame(rows)


def page_stats(df: pd.DataFrame) -> dict[str, float]:
    """Median shape figures of a block table."""
    pages = df.groupby("page_id")
    is_body = df["label"] == "body"
    relative = df["position"] / df.groupby("page_id")["position"].transform("max").clip(lower=1)
    stats = {
        "pages": df["page_id"].nunique(),
        "blocks per page (median)": pages.size().median(),
        "body blocks per page (median)": is_body.groupby(df["page_id"]).sum().median(),
        "body share of blocks": is_body.mean(),
        "paywall share of blocks": (df["label"] == "paywall").mean(),
        "disclaimer share of blocks": (df["label"] == "disclaimer").mean(),
        "first body block, relative position (median)": relative[is_body].groupby(df["page_id"]).min().median(),
        "last body block, relative position (median)": relative[is_body].groupby(df["page_id"]).max().median(),
    }
    for label in ("body", "boilerplate", "paywall", "disclaimer"):
        lengths = df.loc[df["label"] == label, "text"].str.len()
        stats[f"{label} line length, chars (median)"] = lengths.median()
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data/")
    parser.add_argument("--realpages", type=Path, default=DEFAULT_REALPAGES)
    args = parser.parse_args()
    table = {"data/": page_stats(load_dataset(args.data))}
    if args.realpages.exists():
        table["real DEV pages"] = page_stats(realpages_frame(args.realpages))
    print(pd.DataFrame(table).round(3).to_string())


if __name__ == "__main__":
    main()
