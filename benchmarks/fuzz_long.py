"""Run the property tests (tests/test_properties.py) with the long Hypothesis profile and count
the generated cases: per test, in total, and the failures.

    python benchmarks/fuzz_long.py                    # at least 100,000 cases in total
    python benchmarks/fuzz_long.py --total 5000       # a quick run
    nice python benchmarks/fuzz_long.py --log fuzz.log
    python benchmarks/fuzz_long.py --total 40000 --share test_clean_text_keeps_only_input_lines_in_order=0.05
    python benchmarks/fuzz_long.py --total 10000 --only html   # the HTML tests, shares rescaled

Each test runs in its own pytest process with ``HYPOTHESIS_PROFILE=long`` and its share of
the cases as ``HYPOTHESIS_MAX_EXAMPLES``; rounds repeat until ``--total`` cases have run. The
counts are Hypothesis's own statistics (passing plus failing cases; invalid, i.e. rejected,
draws are not counted). The exit code is 1 if any case failed.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests" / "test_properties.py"
SHARES = {   # cheap tests get more cases; those that call the model fewer
    "test_split_blocks_gives_stripped_nonempty_lines_or_input_error": 0.20,
    "test_split_blocks_keeps_within_any_limits_or_names_the_one_exceeded": 0.15,
    "test_loaders_given_junk_raise_dataset_error_or_return_a_valid_table": 0.10,
    "test_loaders_given_malformed_rows_raise_dataset_error_or_validate": 0.15,
    "test_clean_text_keeps_only_input_lines_in_order": 0.10,
    "test_label_and_score_blocks_are_well_formed": 0.08,
    "test_a_long_block_is_scored_as_its_prefix_and_returned_whole": 0.07,
    "test_split_html_keeps_every_visible_word_in_page_order": 0.05,
    "test_split_html_of_any_text_or_bytes_gives_well_formed_blocks_or_input_error": 0.05,
    "test_split_html_keeps_within_any_limits_or_names_the_one_exceeded": 0.03,
    "test_score_and_clean_html_are_well_formed_and_keep_only_page_lines_in_order": 0.02,
}
COUNTS = re.compile(r"(\d+) passing, (\d+) failing, and (\d+) invalid")


def run_test(name: str, examples: int) -> tuple[int, int, float, str]:
    """Run one property test for ``examples`` cases: (passed, failed, seconds, pytest output)."""
    env = {**os.environ, "HYPOTHESIS_PROFILE": "long", "HYPOTHESIS_MAX_EXAMPLES": str(examples)}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--hypothesis-show-statistics", f"{TESTS}::{name}"],
        cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    counts = [tuple(map(int, m)) for m in COUNTS.findall(result.stdout)]
    passed = sum(c[0] for c in counts)
    failed = sum(c[1] for c in counts) + (result.returncode != 0 and not counts)
    return passed, failed, seconds, result.stdout + result.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=100_000, help="cases to run in all")
    parser.add_argument("--log", type=Path, help="append each pytest output here")
    parser.add_argument("--share", action="append", default=[], metavar="TEST=FRACTION",
                        help="give TEST this fraction of --total instead of its default")
    parser.add_argument("--only", default="", metavar="WORD",
                        help="run only the tests whose name contains WORD (shares rescaled)")
    args = parser.parse_args()
    shares = dict(SHARES)
    for item in args.share:
        name, _, fraction = item.partition("=")
        if name not in shares:
            parser.error(f"unknown test {name!r}; the tests are: {', '.join(SHARES)}")
        shares[name] = float(fraction)
    shares = {name: share for name, share in shares.items() if args.only in name}
    if not shares:
        parser.error(f"no test name contains {args.only!r}")
    scale = sum(shares.values()) if args.only else 1.0
    shares = {name: share / scale for name, share in shares.items()}
    totals = {name: [0, 0, 0.0] for name in shares}
    started = time.perf_counter()
    round_ = 0
    while sum(t[0] + t[1] for t in totals.values()) < args.total:
        round_ += 1
        for name, share in shares.items():
            passed, failed, seconds, output = run_test(name, max(1, round(share * args.total)))
            totals[name][0] += passed
            totals[name][1] += failed
            totals[name][2] += seconds
            print(f"round {round_}: {name}: {passed:,} passed, {failed:,} failed, "
                  f"{seconds:,.0f} s", flush=True)
            if args.log:
                with open(args.log, "a", encoding="utf-8") as log:
                    log.write(f"=== round {round_} {name}\n{output}\n")
            if failed:
                print(output, flush=True)
    cases = sum(t[0] + t[1] for t in totals.values())
    failures = sum(t[1] for t in totals.values())
    print(f"\n{'test':<72} {'cases':>8} {'failed':>6} {'seconds':>8}")
    for name, (passed, failed, seconds) in totals.items():
        print(f"{name:<72} {passed + failed:8,} {failed:6,} {seconds:8,.0f}")
    print(f"{'total':<72} {cases:8,} {failures:6,} {time.perf_counter() - started:8,.0f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
