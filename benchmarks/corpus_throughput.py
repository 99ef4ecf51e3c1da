"""Corpus cleaning throughput and memory, beside trafilatura and the C4 line filter, in one run.

    python benchmarks/corpus_throughput.py [--realpages DIR] [--worker-copies 1]
                                           [--scales 1 4 16]

Builds a JSONL corpus from the real DEV pages of both page sets (their text dump; when
``../shared/realpages`` is absent, from the pages of ``data/``), then times:

- ``paywall-classifier clean`` in text mode with 1 and 2 worker processes on the pages
  (``--worker-copies`` copies of them; 1 by default, so no page repeats), in shards of 100
  pages (a subprocess each, start-up and model loading included,
  peak RSS of the largest process);
- trafilatura's ``extract`` on the same pages' HTML, when installed and the HTML is known;
- the C4 line filter of ``realpages/baselines.py`` on the same blocks;

and a scaling run of ``clean`` at several multiples of the corpus, to show that time grows
linearly and peak memory stays flat (it rises a little while the first shard fills, up to
``SHARD_SIZE`` records, and not beyond: a shard is the most that is held in memory).
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from classifier.corpus import SHARD_SIZE

WORKER_SHARD_SIZE = 100
"""Shard size of the 1- and 2-worker runs: small enough that both workers have shards to
clean on a corpus of about a thousand pages."""
REPORTED_RATE = re.compile(r"([\d.]+) pages/s")
"""The throughput in the summary line that ``clean`` prints."""
PEAK_RSS = Path(__file__).with_name("peak_rss.py")
PEAK_LINE = re.compile(r"peak_rss_mb ([\d.]+) seconds ([\d.]+)")
"""The last line that ``peak_rss.py`` prints."""
DEFAULT_REALPAGES = Path(__file__).resolve().parents[2] / "shared" / "realpages"
DEV_SETS = ("dev.jsonl.gz", "trafeval_dev.jsonl.gz")
"""The real page sets whose pages make the corpus (77 news pages and 328 pages in 9 languages)."""


def load_pages(realpages: Path) -> list[dict]:
    """Pages as {text, html?}: the real DEV pages of both page sets when present (distinct
    pages, none a copy of another), else the dataset's pages."""
    pages = []
    for name in DEV_SETS:
        split = realpages / name
        if split.exists():
            with gzip.open(split, "rt", encoding="utf-8") as handle:
                pages += [{"text": p["text"], "html": p["html"]} for p in map(json.loads, handle)]
    if pages:
        return pages
    from classifier import load_dataset

    df = load_dataset(Path(__file__).resolve().parents[1] / "data")
    return [{"text": "\n".join(g["text"])} for _, g in df.groupby("page_id", sort=False)]


def write_corpus(pages: list[dict], path: Path, copies: int) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for copy in range(copies):
            for number, page in enumerate(pages):
                handle.write(json.dumps({"id": f"{copy}-{number}", "text": page["text"]}) + "\n")


def run_clean(corpus: Path, workers: int,
              shard_size: int = SHARD_SIZE) -> tuple[float, float, float]:
    """Wall seconds (start-up and model loading included), peak RSS (MB, largest process) and
    the pages/s that ``clean`` itself reports (from the model loaded to the output written) of
    one ``clean`` run in a subprocess, measured through ``peak_rss.py`` (see there why)."""
    output = corpus.with_name(f"out-{corpus.stem}-{workers}.jsonl")
    command = [sys.executable, str(PEAK_RSS), sys.executable, "-m", "classifier", "clean",
               str(corpus), "-o", str(output), "--workers", str(workers),
               "--shard-size", str(shard_size)]
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         check=False)
    if run.returncode != 0:
        raise SystemExit(f"clean failed with status {run.returncode}")
    peak, seconds = PEAK_LINE.search(run.stdout).groups()
    return float(seconds), float(peak), float(REPORTED_RATE.search(run.stdout).group(1))


def time_callable(fn, items) -> float:
    started = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - started


def c4_filter(realpages: Path):
    path = realpages / "baselines.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("realpages_baselines", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.c4_lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realpages", type=Path, default=DEFAULT_REALPAGES)
    parser.add_argument("--worker-copies", type=int, default=1,
                        help="copies of the pages in the corpus that 1 and 2 workers clean "
                             "(enough that start-up does not dominate)")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4, 16])
    args = parser.parse_args()
    pages = load_pages(args.realpages)
    n_blocks = sum(len([line for line in p["text"].splitlines() if line.strip()]) for p in pages)
    print(f"corpus: {len(pages)} pages, {n_blocks} blocks")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        write_corpus(pages, corpus, copies=args.worker_copies)
        for workers in (1, 2):
            seconds, rss, _ = run_clean(corpus, workers, WORKER_SHARD_SIZE)
            rate = args.worker_copies / seconds
            rows.append((f"clean, {workers} worker(s)", len(pages) * rate, n_blocks * rate, rss))
        c4 = c4_filter(args.realpages)
        if c4 is not None:
            blocks = [[line.strip() for line in p["text"].splitlines() if line.strip()] for p in pages]
            seconds = time_callable(c4, blocks)
            rows.append(("C4 line filter", len(pages) / seconds, n_blocks / seconds, float("nan")))
        try:
            import trafilatura
        except ImportError:
            trafilatura = None
        if trafilatura is not None and all("html" in p for p in pages):
            seconds = time_callable(trafilatura.extract, [p["html"] for p in pages])
            rows.append(("trafilatura (HTML)", len(pages) / seconds, n_blocks / seconds, float("nan")))
        print(f"{'system':<24} {'pages/s':>9} {'blocks/s':>10} {'peak MB':>8}")
        for name, pages_s, blocks_s, rss in rows:
            print(f"{name:<24} {pages_s:9.1f} {blocks_s:10.0f} {rss:8.0f}")
        reference = {name: pages_s for name, pages_s, _, _ in rows}
        if "trafilatura (HTML)" in reference:
            ratio = reference["clean, 1 worker(s)"] / reference["trafilatura (HTML)"]
            print(f"clean (1 worker) / trafilatura pages/s: {ratio:.2f}x")
        print("\nscaling (1 worker; 'after load' = the pages/s clean reports, model loading and "
              "start-up excluded):")
        print(f"{'copies':>6} {'pages':>7} {'seconds':>8} {'pages/s':>8} {'after load':>10} "
              f"{'peak MB':>8}")
        for copies in args.scales:
            scaled = Path(tmp) / f"corpus-x{copies}.jsonl"
            write_corpus(pages, scaled, copies=copies)
            seconds, rss, reported = run_clean(scaled, 1)
            total = copies * len(pages)
            print(f"{copies:>6} {total:>7} {seconds:8.1f} {total / seconds:8.1f} {reported:10.1f} "
                  f"{rss:8.0f}")
            if "trafilatura (HTML)" in reference:
                print(f"{'':>6} after-load pages/s / trafilatura: "
                      f"{reported / reference['trafilatura (HTML)']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
