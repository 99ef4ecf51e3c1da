"""Score the bundled model on the real DEV pages beside the peers, in one run.

    python benchmarks/realpages_vs_peers.py [--realpages ../shared/realpages] [--model PATH]

Uses the project's scorer (``score.py`` beside the pages) for every row: this package in
text mode (the naive scraper's lines) and in HTML mode (the page's HTML), the C4 line filter
and "keep everything" (``baselines.py``), and trafilatura's ``extract`` on the pages' HTML (a
dependency of this package: HTML mode uses its verdict as one feature), both without comments
(the setting behind the peers' figures given with the pages) and with its defaults (comments
kept). The real pages are measured only: nothing is trained or tuned on them.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import warnings
from functools import partial
from pathlib import Path

import trafilatura

from classifier import clean_html, label_blocks, load_model

DEFAULT_REALPAGES = Path(__file__).resolve().parents[2] / "shared" / "realpages"


def _module(folder: Path, name: str):
    """Import ``name``.py from the real pages' folder (it is not a package of ours)."""
    sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location(f"realpages_{name}", folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _trafilatura(html: str, **options) -> str:
    """trafilatura's extract() as an HTML callable."""
    return trafilatura.extract(html, **options) or ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realpages", type=Path, default=DEFAULT_REALPAGES)
    parser.add_argument("--model", help="model file (default: the bundled model)")
    parser.add_argument("--repeat", type=int, default=3, help="timing passes (median reported)")
    args = parser.parse_args()
    if not (args.realpages / "score.py").exists():
        print(f"{args.realpages}: no real pages here; nothing to measure", file=sys.stderr)
        return 1
    score = _module(args.realpages, "score")
    baselines = _module(args.realpages, "baselines")
    pages = score.load_split(args.realpages / "dev.jsonl.gz")
    model = load_model(args.model)
    rows = [("paywall-classifier", "labels", partial(label_blocks, model=model)),
            ("paywall-classifier HTML", "html", partial(clean_html, model=model)),
            ("C4 line filter", "labels", baselines.c4_lines),
            ("C4 (page rules too)", "labels", baselines.c4),
            ("keep everything", "labels", baselines.keep_all),
            ("trafilatura no comments", "html", partial(_trafilatura, include_comments=False)),
            ("trafilatura default", "html", _trafilatura)]
    print(f"{len(pages)} real pages, {sum(len(p['blocks']) for p in pages)} blocks")
    print(score.HEADER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, mode, fn in rows:
            print(score.row(score.evaluate(pages, fn, mode=mode, repeat=args.repeat, name=name)),
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
