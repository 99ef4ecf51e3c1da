"""Score the bundled model on all the real DEV material beside the peers, in one run.

    python benchmarks/realpages_vs_peers.py [--realpages ../shared/realpages] [--model PATH]

Uses the scorers that live beside the real pages, unchanged, for every figure:
- ``dev.jsonl.gz`` (``score.py``): this package in text mode (the naive scraper's lines) and in
  HTML mode, the C4 line filter and "keep everything" (``baselines.py``), and trafilatura's
  ``extract`` without comments (the setting behind the peers' published figures);
- the page verdict on the same pages: ROC AUC of ``paywall_score`` for telling pages with a
  reader-revenue pitch (a block whose fine label is ``paywall``) from the others;
- ``trafeval_dev.jsonl.gz`` (``score_trafeval.py``): text mode, HTML mode and trafilatura,
  overall and per language;
- ``wild_dev.jsonl`` (``score_wild.py``, run as its own process): text mode.
The real material is measured only: nothing is trained or tuned on it.
"""
from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import warnings
from functools import partial
from pathlib import Path

from sklearn.metrics import roc_auc_score

from classifier import clean_html, label_blocks, load_model, paywall_score, score_blocks

DEFAULT_REALPAGES = Path(__file__).resolve().parents[2] / "shared" / "realpages"


def _module(folder: Path, name: str):
    """Import ``name``.py from the real pages' folder (it is not a package of ours)."""
    sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location(f"realpages_{name}", folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _trafilatura(html: str) -> str:
    """trafilatura's extract() without comments, as an HTML callable."""
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def _dev_pages(args, model) -> None:
    """Shingle and block F1, removal rates and speed on dev.jsonl.gz; the verdict's ROC AUC."""
    score = _module(args.realpages, "score")
    baselines = _module(args.realpages, "baselines")
    pages = score.load_split(args.realpages / "dev.jsonl.gz")
    rows = [("paywall-classifier", "labels", partial(label_blocks, model=model)),
            ("paywall-classifier HTML", "html", partial(clean_html, model=model)),
            ("C4 line filter", "labels", baselines.c4_lines),
            ("keep everything", "labels", baselines.keep_all),
            ("trafilatura no comments", "html", _trafilatura)]
    print(f"\n## dev.jsonl.gz: {len(pages)} real pages, "
          f"{sum(len(p['blocks']) for p in pages)} blocks (score.py)")
    print(score.HEADER)
    for name, mode, fn in rows:
        print(score.row(score.evaluate(pages, fn, mode=mode, repeat=args.repeat, name=name)),
              flush=True)
    has_pitch = [any(b["fine"] == "paywall" for b in p["blocks"]) for p in pages]
    verdicts = [paywall_score(score_blocks([b["text"] for b in p["blocks"]], model))
                for p in pages]
    print(f"page verdict: paywall_score ROC AUC {roc_auc_score(has_pitch, verdicts):.3f} "
          f"({sum(has_pitch)} of {len(pages)} pages carry a reader-revenue pitch)")


def _trafeval_pages(args, model) -> None:
    """Snippet P/R/F1 on trafeval_dev.jsonl.gz, overall and per language."""
    score = _module(args.realpages, "score_trafeval")
    pages = score.load_split(args.realpages / "trafeval_dev.jsonl.gz")
    print(f"\n## trafeval_dev.jsonl.gz: {len(pages)} real pages (score_trafeval.py)")
    print(score.HEADER + "  per language F1")
    for name, mode, fn in [("paywall-classifier", "labels", partial(label_blocks, model=model)),
                           ("paywall-classifier HTML", "html", partial(clean_html, model=model)),
                           ("trafilatura no comments", "html", _trafilatura)]:
        result = score.evaluate(pages, fn, mode=mode, repeat=args.repeat, name=name)
        langs = ", ".join(f"{lang} {v['f1']:.3f} ({v['pages']})"
                          for lang, v in result["by_lang"].items())
        print(score.row(result) + "  " + langs, flush=True)


def _wild_strings(args) -> None:
    """score_wild.py in its own process, on this package's text mode."""
    print("\n## wild_dev.jsonl: real strings set into real pages (score_wild.py), text mode")
    command = [sys.executable, str(args.realpages / "score_wild.py"),
               "--callable", "classifier:label_blocks"]
    subprocess.run(command, check=True, cwd=Path(__file__).resolve().parents[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realpages", type=Path, default=DEFAULT_REALPAGES)
    parser.add_argument("--model", help="model file (default: the bundled model; the wild "
                                        "strings are always scored with the bundled model)")
    parser.add_argument("--repeat", type=int, default=1, help="timing passes (median reported)")
    args = parser.parse_args()
    if not (args.realpages / "score.py").exists():
        print(f"{args.realpages}: no real pages here; nothing to measure", file=sys.stderr)
        return 1
    model = load_model(args.model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _dev_pages(args, model)
        _trafeval_pages(args, model)
    _wild_strings(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
