"""The command line: ``python -m classifier`` / ``paywall-classifier``.

Here the commands and their options are declared; :mod:`.commands` runs them.
"""
from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from .. import __version__
from ..blocks import DEFAULT_LIMITS
from ..corpus import SHARD_SIZE
from ..errors import ClassifierError
from ..persist import DEFAULT_MODEL_PATH
from ..training.evaluation import CV_FOLDS
from ..training.holdout import CONTROL_EVERY
from ..training.review import ORDERS, REVIEW_THRESHOLD
from .commands import (PROG, cmd_audit, cmd_build_data, cmd_clean, cmd_evaluate, cmd_info,
                       cmd_label, cmd_prelabel, cmd_show, cmd_train)

QUIET_HELP = "print only results and errors: no progress bars, summaries or info logs"
HTML_HELP = "pages are HTML (default: only files named *.html/*.htm, corpus fields named 'html')"
MODEL_HELP = f"model file (default: the bundled model, {DEFAULT_MODEL_PATH.name})"
DATA_HELP = "labelled block tables (CSV/JSONL/Parquet) or folders of them"


def _command(sub, name: str, func: Callable[[argparse.Namespace], int], help: str, *,
             model: str | None = MODEL_HELP, html: bool = True,
             limits: bool = False) -> argparse.ArgumentParser:
    """A subcommand that runs ``func``, with the shared options it takes: -q, --model (``model``
    is its help; None: no such option), --html, and with ``limits`` the page limits."""
    p = sub.add_parser(name, help=help)
    p.set_defaults(func=func)
    # -q after the command too, as pip takes it; SUPPRESS keeps a -q given before it.
    p.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=QUIET_HELP)
    if model:
        p.add_argument("--model", metavar="PATH", help=model)
    if html:
        p.add_argument("--html", action="store_true", help=HTML_HELP)
    if limits:
        p.add_argument("--max-page-chars", type=int, metavar="N",
                       default=DEFAULT_LIMITS.max_page_chars,
                       help="refuse a page longer than N characters (default %(default)s)")
        p.add_argument("--max-blocks", type=int, metavar="N", default=DEFAULT_LIMITS.max_blocks,
                       help="refuse a page of more than N blocks (default %(default)s)")
    return p


def _page_commands(sub) -> None:
    """The commands that read pages: label, clean, prelabel, show."""
    pages_help = "text file, one block per line, or HTML file; - for stdin"
    p = _command(sub, "label", cmd_label, "print each block's label and probability", limits=True)
    p.add_argument("pages", nargs="+", metavar="PAGE", help=pages_help)
    p.add_argument("--format", choices=("tsv", "jsonl"), default="tsv")

    p = _command(sub, "clean", cmd_clean, "print the article body of each page, or clean a "
                 "corpus (-o)", limits=True)
    p.add_argument("pages", nargs="+", metavar="PAGE|INPUT", help=pages_help + "; with -o: "
                   "corpus files (.jsonl, .jsonl.gz, .jsonl.zst, .csv, .parquet), a page a record")
    g = p.add_argument_group("corpus mode (-o)")
    g.add_argument("-o", "--output", help="write the records plus clean_text, labels and "
                   "paywall_score here (format from the extension)")
    g.add_argument("--field", default="text", help="the field holding the page")
    g.add_argument("--id-field", help="a field named in error lines")
    g.add_argument("--workers", type=int, default=1, help="processes")
    g.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="this machine, or a Dask cluster (pip install '.[dask]')")
    g.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler (default: local)")
    g.add_argument("--resume", action="store_true", help="continue a killed run's shards")
    g.add_argument("--shard-size", type=int, default=SHARD_SIZE, help="records per shard")
    g.add_argument("--probabilities", action="store_true", help="write block probabilities")

    p = _command(sub, "prelabel", cmd_prelabel,
                 "label a new publisher's pages for a person to review (CSV)")
    p.add_argument("pages", nargs="+", metavar="PAGE", help="page files, named by their stems")
    p.add_argument("--publisher", required=True, help="slug of the pages' publisher")
    p.add_argument("--lang", default="und", help="ISO 639-1 language of the pages")
    p.add_argument("-o", "--output", required=True, metavar="TABLE",
                   help="review table to write (.csv; .jsonl or .parquet also work)")
    p.add_argument("--excel", action="store_true", help="CSV for spreadsheets (BOM, CRLF)")
    p.add_argument("--threshold", type=float, default=REVIEW_THRESHOLD,
                   help="flag blocks whose suggested label's probability is below this")
    p.add_argument("--order", choices=ORDERS, default="uncertainty",
                   help="rows: least certain block first, or page by page")

    p = _command(sub, "show", cmd_show, "write an HTML view of pages, each block coloured by label")
    p.add_argument("inputs", nargs="+", metavar="PAGE|TABLE", help="page files (scored with the "
                   "model) or labelled block tables such as a review file (shown as labelled)")
    p.add_argument("-o", "--output", required=True, metavar="HTML", help="HTML file to write")
    p.add_argument("--publisher", action="append", help="only this publisher's pages (repeatable)")
    p.add_argument("--page", action="append", metavar="PAGE_ID", help="only this page (repeatable)")
    p.add_argument("--max-pages", type=int, default=100, help="refuse to show more pages")
    p.add_argument("--title", help="heading of the HTML page")


def _training_commands(sub) -> None:
    """The commands that read labelled data: train, evaluate, audit, build-data."""
    p = _command(sub, "train", cmd_train, "train a model", model=None, html=False)
    p.add_argument("--data", nargs="+", action="extend", required=True, help=DATA_HELP)
    p.add_argument("-o", "--output", required=True, metavar="MODEL", help="model file to write")
    p.add_argument("--random-state", type=int, default=0)
    p.add_argument("--html", action="store_true", help="also learn HTML mode (slower; as bundled)")

    p = _command(sub, "evaluate", cmd_evaluate,
                 "publisher-held-out cross-validation, or score a fixed model", html=False,
                 model="score this model file instead of cross-validating (with "
                       "--holdout-publisher: the 'before' model; default the bundled one)")
    p.add_argument("--data", nargs="+", action="extend", required=True, help=DATA_HELP)
    p.add_argument("--folds", type=int, default=CV_FOLDS, help="number of publisher folds")
    p.add_argument("--holdout-publisher", metavar="NAME", help="before/after for a new "
                   "publisher: --model (the 'before' model) against models retrained without "
                   "and with half of its pages, scored on its other half and on controls")
    p.add_argument("--hold-out-languages", nargs="*", metavar="LANG", help="leave-one-language-"
                   "out: train without each language (default: all) and score it (text mode)")
    p.add_argument("--control-every", type=int, default=CONTROL_EVERY, metavar="N",
                   help="with --holdout-publisher: every Nth other publisher is a control")
    p.add_argument("--json", metavar="OUT", help="also write the report as JSON, and its charts "
                   "(PNG: confusion matrix, F1 per language and per publisher) beside it")
    p.add_argument("--plots", metavar="DIR", help="write the charts to DIR instead")

    p = _command(sub, "audit", cmd_audit, "list blocks whose label disagrees most with "
                 "out-of-publisher predictions (possible label errors)", model=None, html=False)
    p.add_argument("--data", nargs="+", action="extend", required=True, help=DATA_HELP)
    p.add_argument("--folds", type=int, default=CV_FOLDS, help="number of publisher folds")
    p.add_argument("--top", type=int, default=30, help="how many to print")
    p.add_argument("-o", "--output", metavar="CSV", help="write every suspect block to this CSV")
    p.add_argument("--excel", action="store_true", help="CSV with a UTF-8 byte order mark")
    p.add_argument("--per-block", action="store_true", help="a row per block, not per text")

    p = _command(sub, "build-data", cmd_build_data, "compile data/sources/*.txt (with --kits, "
                 "also pages generated from data/kits/*.txt) into one table", model=None,
                 html=False)
    p.add_argument("sources", nargs="?", default="data/sources", help="folder of source files")
    p.add_argument("--kits", metavar="DIR", help="also generate pages from the kits in DIR")
    p.add_argument("-o", "--output", default="data/blocks.csv", help="table to write")
    p.add_argument("--pages", metavar="DIR", help="also write each page as a text file to DIR")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=(
        "Label the blocks (lines) of scraped pages as body, boilerplate, paywall or disclaimer, "
        "keep the article body, and train or evaluate models."))
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _page_commands(sub)
    _training_commands(sub)
    _command(sub, "info", cmd_info, "print a model file's metadata", html=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; errors are printed as ``paywall-classifier: message`` with exit code 1."""
    args = build_parser().parse_args(argv)
    level = logging.WARNING if args.quiet else logging.INFO
    handler = logging.StreamHandler()
    handler.setLevel(level)   # also for libraries that set their own loggers' level
    logging.basicConfig(level=level, format=f"{PROG}: %(message)s", handlers=[handler])
    try:
        return args.func(args)
    except ClassifierError as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
