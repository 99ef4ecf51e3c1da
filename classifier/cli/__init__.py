"""The command line: ``python -m classifier`` / ``paywall-classifier``.

:mod:`.parser` declares the commands and options; :mod:`.commands` runs them.
"""
from __future__ import annotations

import logging
import sys

from ..errors import ClassifierError
from .commands import PROG
from .parser import build_parser

def main(argv: list[str] | None = None) -> int:
    """Run the CLI; errors are printed as ``paywall-classifier: message`` with exit code 1."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format=f"{PROG}: %(message)s")
    try:
        return args.func(args)
    except ClassifierError as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
