"""What each command does: read its inputs, call the library, print the result."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from ..blocks import Limits
from ..corpus import CleanOptions, clean_corpus
from ..dataset import load_dataset, write_dataset
from ..errors import InputError
from ..persist import load_model, model_metadata
from ..pages import is_html_name, read_page_file
from ..predict import body_text, paywall_score, score_file
from ..view import blocks_to_show, render_html
from ..training.audit import audit_labels, format_issues, group_issues
from ..training.evaluation import (before_model, control_publishers,
                                  cross_validate, fixed_model_report, format_holdout,
                                  format_language_report, format_report, holdout_evaluation,
                                  language_held_out)
from ..training.review import (page_table, prelabel, review_summary,
                              write_review)
from ..training.sources import write_pages
from ..training.synth import dataset_rows
from ..training.train import train_and_save

PROG = "paywall-classifier"
logger = logging.getLogger(__name__)


def _is_html(args, name: str) -> bool:
    """Whether a page file is read as HTML: ``--html``, or a name ending in .html/.htm."""
    return args.html or is_html_name(name)


def _scored_pages(args) -> list[tuple[str, pd.DataFrame]]:
    """Score each PAGE argument; a bad page is an error naming the file."""
    model = load_model(args.model)
    return [(name, score_file(name, model, html=_is_html(args, name), limits=_limits(args)))
            for name in args.pages]


def _limits(args) -> Limits:
    """The page limits given on the command line (defaults for those not given)."""
    return Limits(max_page_chars=args.max_page_chars, max_blocks=args.max_blocks)


def _progress(args) -> bool:
    """Whether to draw progress bars: not with --quiet, and only on a terminal."""
    return not args.quiet and sys.stderr.isatty()


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


def cmd_show(args) -> int:
    blocks = blocks_to_show(args.inputs, model_path=args.model, html_pages=args.html,
                            publishers=args.publisher, pages=args.page, max_pages=args.max_pages)
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


def _write_json(args, report: dict) -> None:
    """Write the report as JSON, with --json."""
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
        print(f"wrote {args.json}")


def _write_report(args, report: dict) -> None:
    """Write the report as JSON (--json) and its charts (--plots DIR, else beside the JSON)."""
    _write_json(args, report)
    if args.json or args.plots:
        from ..training.plots import write_report_plots  # matplotlib, only to draw charts

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
        _write_json(args, report)
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
