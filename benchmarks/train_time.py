"""How long retraining takes: ``train`` on data/ (text mode, and with --html), and the
new-publisher retrain of the README's walkthrough (data/ plus the example publisher's
reviewed pages), each in a fresh process, as a user runs them.

    python benchmarks/train_time.py [--skip-html]

Prints wall-clock seconds and the CPU seconds of the child process.
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from classifier.dataset import write_dataset
from classifier.training.sources import parse_sources

ROOT = Path(__file__).resolve().parents[1]


def _timed(label: str, args: list[str]) -> None:
    """Run ``python -m classifier -q ARGS`` and print its wall-clock and CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "classifier", "-q", *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"{label:<52} {wall:8.1f} s wall {cpu:8.1f} s CPU", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-html", action="store_true", help="do not time train --html")
    args = parser.parse_args()
    data = pd.read_csv(ROOT / "data" / "blocks.csv", usecols=["page_id", "publisher"])
    print(f"data/: {len(data):,} blocks, {data['page_id'].nunique():,} pages, "
          f"{data['publisher'].nunique()} publishers")
    with tempfile.TemporaryDirectory() as tmp:
        review = Path(tmp) / "review.csv"
        write_dataset(pd.DataFrame(parse_sources(ROOT / "examples" / "new-publisher" / "source")),
                      review)
        _timed("train --data data/", ["train", "--data", "data/", "-o", f"{tmp}/m.joblib"])
        _timed("train --data data/ --data review.csv (new publisher)",
               ["train", "--data", "data/", "--data", str(review), "-o", f"{tmp}/m2.joblib"])
        if not args.skip_html:
            _timed("train --data data/ --html", ["train", "--data", "data/", "--html",
                                                  "-o", f"{tmp}/m3.joblib"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
