"""Run a command, pass its output through, then print its peak memory and wall seconds.

    python benchmarks/peak_rss.py COMMAND [ARG ...]

The last line of the output is ``peak_rss_mb <MB> seconds <s>``: the largest resident set of
the command or of any process it waited for (``wait4``). Benchmarks measure through this small
process because a child's peak also counts the memory of the process it was started from: a
``clean`` started straight from a benchmark that has loaded pandas and trafilatura reads as
at least that benchmark's size (402 MB, whatever ``clean`` itself used).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: python benchmarks/peak_rss.py COMMAND [ARG ...]", file=sys.stderr)
        return 2
    started = time.perf_counter()
    process = subprocess.Popen(sys.argv[1:])
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    print(f"peak_rss_mb {usage.ru_maxrss / 1024:.1f} seconds {seconds:.3f}", flush=True)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
