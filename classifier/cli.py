"""The command line: ``python -m classifier`` / ``paywall-classifier``."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from . import __version__
from .blocks import DEFAULT_LIMITS, Limits
from .corpus import SHARD_SIZE, CleanOptions, clean_corpus
from .dataset import is_table_file, load_dataset, read_table, validate_blocks, write_dataset
from .errors import ClassifierError, InputError
from .persist import DEFAULT_MODEL_PATH, load_model, model_metadata
from .pages import is_html_name, read_bytes, read_page_file
from .predict import body_text, paywall_score, score_page
from .view import render_html
from .training.audit import audit_labels, format_issues, group_issues
from .training.evaluation import (CONTROL_EVERY, CV_FOLDS, before_model, control_publishers,
                                  cross_validate, fixed_model_report, format_holdout,
                                  format_language_report, format_report, holdout_evaluation,
                                  language_held_out)
from .training.review import (ORDERS, REVIEW_THRESHOLD, page_table, prelabel, review_summary,
                              write_review)
from .training.sources import write_pages
from .training.synth import dataset_rows
from .training.train import train_and_save

PROG = "paywall-classifier"
logger = logging.getLogger(__name__)


def _is_html(args, name: str) -> bool:
    """Whether a page file is read as HTML: ``--html``, or a name ending in .html/.htm."""
    return args.html or is_html_name(name)


def _score_page(name: str, is_html: bool, model, limits: Limits) -> pd.DataFrame:
    """Score one page file (``-``: standard input); errors name the file."""
    source = "<stdin>" if name == "-" else name
    return score_page(read_bytes(name), model, html=is_html, limits=limits, source=source)


def _scored_pages(args) -> list[tuple[str, pd.DataFrame]]:
    """Score each PAGE argument; a bad page is an error naming the file."""
    model = load_model(args.model)
    limits = _limits(args)
    return [(name, _score_page(name, _is_html(args, name), model, limits)) for name in args.pages]


def _limits(args) -> Limits:
    """The page limits given on the command line (defaults for those not given)."""
    return Limits(max_page_chars=args.max_page_chars, max_blocks=args.max_blocks,
                  max_block_chars=args.max_block_chars)


def cmd_label(args) -> int:
    for name, scored in _scored_pages(args):
        proba_columns = [c for c in scored.columns if c.startswith("proba_")]
        if args.format == "jsonl":
            for position, row in enumerate(scored.itertuples(index=False)):
                record = {"page": name, "position": position, "text": row.text,
                          "label": row.label, **{c: round(float(getattr(row, c)), 4)
                                                 for c in proba_columns}}
                print(json.dumps(record, ensure_ascii=False))
        else:
            print(f"# {name}\tpaywall_score={paywall_score(scored):.3f}")
            for row in scored.itertuples(index=False):
                proba = float(getattr(row, f"proba_{row.label}"))
                print(f"{row.label}\t{proba:.3f}\t{row.text}")
    return 0


def cmd_clean(args) -> int:
    if args.output:
        options = CleanOptions(
            text_field=args.field, id_field=args.id_field, model_path=args.model,
            probabilities=args.probabilities, html=args.html or args.field == "html",
            limits=_limits(args), workers=args.workers, engine=args.engine,
            scheduler=args.scheduler, shard_size=args.shard_size, resume=args.resume)
        summary = clean_corpus(args.pages, args.output, options, progress=_progress(args))
        if not args.quiet:
            print(f"wrote {args.output} and {args.output}.errors.jsonl: {summary.report()}")
        return 0
    for name, scored in _scored_pages(args):
        if len(args.pages) > 1:
            print(f"# {name}")
        print(body_text(scored))
    return 0


def cmd_prelabel(args) -> int:
    modes = {_is_html(args, name) for name in args.pages}
    if len(modes) > 1:
        raise InputError("prelabel reads pages of one kind at a time: got HTML and text "
                         "files; pre-label them in two runs (or give --html for all)")
    pages = [(Path(name).stem, read_page_file(name, html=_is_html(args, name)))
             for name in tqdm(args.pages, desc="reading pages", unit="page",
                              disable=not _progress(args) or len(args.pages) < 50)]
    blocks = page_table(pages, args.publisher, args.lang)
    table = prelabel(blocks, load_model(args.model), threshold=args.threshold, order=args.order)
    write_review(table, args.output, excel=args.excel)
    print(f"wrote {args.output}: {review_summary(table)}")
    return 0


def _view_blocks(args) -> pd.DataFrame:
    """The blocks to show: tables as they are, page files scored one page at a time."""
    frames, model = [], None
    for name in args.inputs:
        if is_table_file(name):
            table = read_table(name)
            labels = table["label"].astype(str).str.strip().unique() if "label" in table else None
            frames.append(validate_blocks(table, source=name, labels=labels))
        else:
            if model is None:       # loaded once, and only when a page file needs scoring
                model = load_model(args.model)
            scored = _score_page(name, _is_html(args, name), model, DEFAULT_LIMITS)
            frames.append(scored.assign(page_id=name, position=range(len(scored))))
    blocks = pd.concat(frames, ignore_index=True)
    if args.publisher:
        if "publisher" not in blocks:
            raise InputError("--publisher selects from tables with a publisher column; "
                             "page files have none")
        blocks = blocks[blocks["publisher"].isin(args.publisher)]
    if args.page:
        blocks = blocks[blocks["page_id"].isin(args.page)]
    n_pages = blocks["page_id"].nunique()
    if n_pages == 0:
        raise InputError("no page left to show after --publisher/--page")
    if n_pages > args.max_pages:
        raise InputError(f"{n_pages} pages to show, over --max-pages {args.max_pages}; choose "
                         "some with --publisher or --page, or raise --max-pages")
    return blocks


def cmd_show(args) -> int:
    blocks = _view_blocks(args)
    title = args.title or f"{PROG}: {', '.join(args.inputs)}"
    Path(args.output).write_text(render_html(blocks, title=title), encoding="utf-8")
    print(f"wrote {args.output}: {blocks['page_id'].nunique()} pages, {len(blocks):,} blocks")
    return 0


def _log_sources(df: pd.DataFrame) -> None:
    """One info line per file merged into ``df``: its pages and publishers."""
    for path, info in df.attrs.get("sources", {}).items():
        names = info["publishers"]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        logger.info("%s: %d pages of %s", path, info["pages"], shown)


def cmd_train(args) -> int:
    df = load_dataset(args.data)
    _log_sources(df)
    logger.info("training on %d blocks, %d pages, %d publishers", len(df),
                df["page_id"].nunique(), df["publisher"].nunique())
    train_and_save(df, args.output, random_state=args.random_state, html=args.html)
    print(f"wrote {args.output} ({len(df):,} blocks, {df['page_id'].nunique():,} pages, "
          f"{df['publisher'].nunique()} publishers)")
    return 0


def cmd_evaluate_holdout(args, df: pd.DataFrame) -> int:
    publisher = args.holdout_publisher
    before, trained_on = before_model(args.model, publisher)
    controls = control_publishers(df, publisher, args.control_every)
    report = holdout_evaluation(
        df, publisher, before, before_name=args.model or "bundled model",
        before_saw_controls=trained_on is None or bool(set(controls) & set(trained_on)),
        control_every=args.control_every, progress=_progress(args))
    print(format_holdout(report))
    _write_report(args, report)
    return 0


def _write_report(args, report: dict) -> None:
    """Write the report as JSON (--json) and its charts (--plots DIR, else beside the JSON)."""
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
        print(f"wrote {args.json}")
    if args.json or args.plots:
        from .training.plots import write_report_plots  # matplotlib: imported only when charts are drawn

        folder = args.plots or Path(args.json).parent
        stem = Path(args.json).stem if args.json else "evaluation"
        for path in write_report_plots(report, folder, stem):
            print(f"wrote {path}")


def cmd_evaluate(args) -> int:
    df = load_dataset(args.data)
    _log_sources(df)
    if args.holdout_publisher:
        return cmd_evaluate_holdout(args, df)
    if args.hold_out_languages is not None:
        report = language_held_out(df, languages=args.hold_out_languages or None,
                                   progress=_progress(args))
        print(format_language_report(report))
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=1))
            print(f"wrote {args.json}")
        return 0
    if args.model:
        report = fixed_model_report(df, load_model(args.model), args.model)
    else:
        report = {"mode": f"{args.folds}-fold cross-validation holding out publishers",
                  **cross_validate(df, n_splits=args.folds, progress=_progress(args))}
    print(format_report(report))
    _write_report(args, report)
    return 0


def cmd_audit(args) -> int:
    df = load_dataset(args.data)
    _log_sources(df)
    issues = audit_labels(df, n_splits=args.folds, progress=_progress(args))
    print(f"{len(issues):,} of {len(df):,} blocks ({len(issues) / len(df):.1%}) have a confident "
          "out-of-publisher label that differs from theirs")
    if not args.per_block:
        issues = group_issues(issues)
        print(f"{len(issues):,} distinct texts (blocks: how many blocks of the publisher share it)")
    print(f"the {min(args.top, len(issues))} most disputed:")
    print(format_issues(issues.head(args.top)))
    if args.output:
        issues.to_csv(args.output, index=False, encoding="utf-8-sig" if args.excel else "utf-8")
        print(f"wrote {args.output} ({len(issues):,} rows)")
    return 0


def cmd_build_data(args) -> int:
    rows = dataset_rows(args.sources, args.kits)
    df = pd.DataFrame(rows)
    write_dataset(df, args.output)
    print(f"wrote {args.output}: {len(df):,} blocks, {df['page_id'].nunique():,} pages, "
          f"{df['publisher'].nunique()} publishers, {df['lang'].nunique()} languages")
    if args.pages:
        written = write_pages(rows, args.pages)
        print(f"wrote {len(written)} page files (one block per line, no labels) to {args.pages}")
    return 0


def cmd_info(args) -> int:
    meta = model_metadata(args.model)
    print(json.dumps(meta, indent=1, default=str))
    return 0


def _model_option(parser: argparse.ArgumentParser, default_help: str = "the bundled model") -> None:
    parser.add_argument("--model", metavar="PATH", default=None,
                        help=f"model file (default: {default_help}, {DEFAULT_MODEL_PATH.name})")


def _html_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--html", action="store_true",
                        help="pages are HTML (default: only files named *.html/*.htm, and "
                             "corpus fields named 'html')")


def _limit_options(parser: argparse.ArgumentParser) -> None:
    """--max-page-chars, --max-blocks and --max-block-chars (see README, Limits)."""
    parser.add_argument("--max-page-chars", type=int, metavar="N",
                        default=DEFAULT_LIMITS.max_page_chars,
                        help="refuse a page longer than N characters (default %(default)s)")
    parser.add_argument("--max-blocks", type=int, metavar="N", default=DEFAULT_LIMITS.max_blocks,
                        help="refuse a page of more than N blocks (default %(default)s)")
    parser.add_argument("--max-block-chars", type=int, metavar="N",
                        default=DEFAULT_LIMITS.max_block_chars,
                        help="the model reads the first N characters of a longer block; the "
                             "output keeps it whole (default %(default)s)")


QUIET_HELP = "print only results and errors: no progress bars, summaries or info logs"


class _SubcommandParser(argparse.ArgumentParser):
    """A subcommand's parser: also takes ``-q/--quiet`` after the command, as pip does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # SUPPRESS: when not given here, the value given before the command (or False) stays.
        self.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                          help=QUIET_HELP)


def _progress(args) -> bool:
    """Whether to draw progress bars: not with --quiet, and only on a terminal."""
    return not args.quiet and sys.stderr.isatty()


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
    _html_option(p)
    _limit_options(p)
    _model_option(p)
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
    _html_option(p)
    _limit_options(p)
    _model_option(p)
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
