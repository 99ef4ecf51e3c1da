"""The command line's parser: every command, its options and their help."""
from __future__ import annotations

import argparse

from .. import __version__
from ..blocks import DEFAULT_LIMITS
from ..corpus import SHARD_SIZE
from ..persist import DEFAULT_MODEL_PATH
from ..training.evaluation import CONTROL_EVERY, CV_FOLDS
from ..training.review import ORDERS, REVIEW_THRESHOLD
from .commands import (PROG, cmd_audit, cmd_build_data, cmd_clean, cmd_evaluate, cmd_info,
                       cmd_label, cmd_prelabel, cmd_show, cmd_train)

def _model_option(parser: argparse.ArgumentParser, default_help: str = "the bundled model") -> None:
    parser.add_argument("--model", metavar="PATH", default=None,
                        help=f"model file (default: {default_help}, {DEFAULT_MODEL_PATH.name})")


def _html_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--html", action="store_true",
                        help="pages are HTML (default: only files named *.html/*.htm, and "
                             "corpus fields named 'html')")


def _page_options(parser: argparse.ArgumentParser) -> None:
    """--html, the page limits and --model: what every command that scores pages takes."""
    _html_option(parser)
    _limit_options(parser)
    _model_option(parser)


def _limit_options(parser: argparse.ArgumentParser) -> None:
    """--max-page-chars and --max-blocks (see README, Limits)."""
    parser.add_argument("--max-page-chars", type=int, metavar="N",
                        default=DEFAULT_LIMITS.max_page_chars,
                        help="refuse a page longer than N characters (default %(default)s)")
    parser.add_argument("--max-blocks", type=int, metavar="N", default=DEFAULT_LIMITS.max_blocks,
                        help="refuse a page of more than N blocks (default %(default)s)")


QUIET_HELP = "print only results and errors: no progress bars, summaries or info logs"


class _SubcommandParser(argparse.ArgumentParser):
    """A subcommand's parser: also takes ``-q/--quiet`` after the command, as pip does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # SUPPRESS: when not given here, the value given before the command (or False) stays.
        self.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                          help=QUIET_HELP)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=(
        "Label the blocks (lines) of scraped pages as body, boilerplate, paywall or disclaimer, "
        "keep the article body, and train or evaluate models."))
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=_SubcommandParser)

    p = sub.add_parser("label", help="print every block of each page with its label and probability")
    p.add_argument("pages", nargs="+", metavar="PAGE",
                   help="text file, one block per line, or HTML file; - for stdin")
    p.add_argument("--format", choices=("tsv", "jsonl"), default="tsv")
    _page_options(p)
    p.set_defaults(func=cmd_label)

    p = sub.add_parser("clean", help="print the article body of each page, or clean a corpus (-o)")
    p.add_argument("pages", nargs="+", metavar="PAGE|INPUT",
                   help="text file, one block per line, or HTML file (- for stdin); with -o: "
                        "corpus files (.jsonl, .jsonl.gz, .jsonl.zst, .csv, .parquet), one page "
                        "per record")
    p.add_argument("-o", "--output", metavar="OUTPUT",
                   help="corpus mode: write the records plus clean_text, labels and "
                        "paywall_score here (format from the extension)")
    p.add_argument("--field", default="text", help="corpus mode: the field holding the page")
    p.add_argument("--id-field", help="corpus mode: a field named in error lines")
    p.add_argument("--workers", type=int, default=1, help="corpus mode: processes")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="corpus mode: this machine, or a Dask cluster (pip install '.[dask]')")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="corpus mode, dask engine: scheduler address (default: a LocalCluster)")
    p.add_argument("--resume", action="store_true",
                   help="corpus mode: continue a killed run, reusing its complete shards")
    p.add_argument("--shard-size", type=int, default=SHARD_SIZE,
                   help="corpus mode: records per shard, the unit of resuming")
    p.add_argument("--probabilities", action="store_true",
                   help="corpus mode: also write per-block probabilities")
    _page_options(p)
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser("prelabel", help="label a new publisher's pages for a person to review (CSV)")
    p.add_argument("pages", nargs="+", metavar="PAGE",
                   help="page file: text, one block per line, or HTML (*.html/*.htm or "
                        "--html); its name without the extension names the page")
    p.add_argument("--publisher", required=True, help="slug of the pages' publisher")
    p.add_argument("--lang", default="und", help="ISO 639-1 language of the pages")
    p.add_argument("-o", "--output", required=True, metavar="TABLE",
                   help="review table to write (.csv; .jsonl or .parquet also work)")
    p.add_argument("--excel", action="store_true",
                   help="CSV with a UTF-8 byte order mark and CRLF line ends, for spreadsheets")
    p.add_argument("--threshold", type=float, default=REVIEW_THRESHOLD,
                   help="flag blocks whose suggested label's probability is below this")
    p.add_argument("--order", choices=ORDERS, default="uncertainty",
                   help="rows: least certain block first (default), or page by page")
    _html_option(p)
    _model_option(p)
    p.set_defaults(func=cmd_prelabel)

    p = sub.add_parser("show", help="write an HTML view of pages, each block coloured by label")
    p.add_argument("inputs", nargs="+", metavar="PAGE|TABLE",
                   help="page files, text or HTML (scored with the model), or labelled block "
                        "tables such as a review file (.csv, .jsonl, .parquet; shown as labelled)")
    p.add_argument("-o", "--output", required=True, metavar="HTML", help="HTML file to write")
    p.add_argument("--publisher", action="append", help="only this publisher's pages (repeatable)")
    p.add_argument("--page", action="append", metavar="PAGE_ID", help="only this page (repeatable)")
    p.add_argument("--max-pages", type=int, default=100, help="refuse to show more pages")
    p.add_argument("--title", help="heading of the HTML page")
    _html_option(p)
    _model_option(p)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("train", help="train a model on labelled block tables")
    p.add_argument("--data", nargs="+", action="extend", required=True, metavar="PATH",
                   help="CSV/JSONL/Parquet files or folders of them")
    p.add_argument("-o", "--output", required=True, metavar="MODEL", help="model file to write")
    p.add_argument("--random-state", type=int, default=0)
    p.add_argument("--html", action="store_true",
                   help="also learn HTML mode's DOM view from the pages rendered through "
                        "publisher templates (slower; the bundled model is trained so)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="publisher-held-out cross-validation, or score a fixed model")
    p.add_argument("--data", nargs="+", action="extend", required=True, metavar="PATH")
    p.add_argument("--model", metavar="PATH", default=None,
                   help="score this model file on the data instead of cross-validating (with "
                        "--holdout-publisher: the 'before' model; default the bundled one)")
    p.add_argument("--folds", type=int, default=CV_FOLDS, help="number of publisher folds")
    p.add_argument("--holdout-publisher", metavar="NAME",
                   help="before/after for a new publisher: the model in use (--model or the "
                        "bundled one) against models retrained without and with half of its "
                        "pages, all scored on its other half and on held-out control publishers")
    p.add_argument("--hold-out-languages", nargs="*", metavar="LANG",
                   help="leave-one-language-out instead: for each language (default: every "
                        "language of the data), train on the others and score it (text mode)")
    p.add_argument("--control-every", type=int, default=CONTROL_EVERY, metavar="N",
                   help="with --holdout-publisher: every Nth other publisher is a control")
    p.add_argument("--json", metavar="OUT", help="also write the report as JSON, and its charts "
                   "(PNG: confusion matrix, F1 per language and per publisher) beside it")
    p.add_argument("--plots", metavar="DIR", help="write the charts to DIR instead (named after "
                   "the JSON file, else evaluation-*.png)")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("audit", help="list blocks whose label disagrees most with out-of-publisher "
                                     "predictions (possible label errors)")
    p.add_argument("--data", nargs="+", action="extend", required=True, metavar="PATH")
    p.add_argument("--folds", type=int, default=CV_FOLDS, help="number of publisher folds")
    p.add_argument("--top", type=int, default=30, help="how many to print")
    p.add_argument("-o", "--output", metavar="CSV", help="write every suspect block to this CSV")
    p.add_argument("--excel", action="store_true", help="CSV with a UTF-8 byte order mark")
    p.add_argument("--per-block", action="store_true",
                   help="one row per block, instead of one per publisher's repeated text")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("build-data", help="compile data/sources/*.txt (and with --kits, the "
                                          "pages generated from data/kits/*.txt) into one table")
    p.add_argument("sources", nargs="?", default="data/sources", help="folder of source files")
    p.add_argument("--kits", metavar="DIR",
                   help="also generate publishers and pages from the language kits in DIR "
                        "(data/kits for the project's dataset)")
    p.add_argument("-o", "--output", default="data/blocks.csv", help="table to write")
    p.add_argument("--pages", metavar="DIR",
                   help="also write each page as a text file, one block per line, to DIR")
    p.set_defaults(func=cmd_build_data)

    p = sub.add_parser("info", help="print a model file's metadata")
    _model_option(p)
    p.set_defaults(func=cmd_info)
    return parser
