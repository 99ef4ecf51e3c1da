"""What each command does: read its inputs, call the library, print the result."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from ..blocks import Limits
from ..corpus import CleanOptions, clean_corpus
from ..dataset import load_dataset
from ..persist import load_model, model_metadata
from ..predict import body_text, label_lines, score_file
from ..training.audit import audit_labels, audit_report
from ..training.evaluation import (cross_validate, fixed_model_report, format_language_report,
                                   format_report, language_held_out, write_report)
from ..training.holdout import format_holdout, holdout_report
from ..training.review import page_table, prelabel, read_pages, review_summary, write_review
from ..training.synth import build_dataset
from ..training.train import train_and_save
from ..view import blocks_to_show, render_html

PROG = "paywall-classifier"


def _scored_pages(args) -> list[tuple[str, pd.DataFrame]]:
    """Score each PAGE argument (HTML with --html, else by file name); errors name the file."""
    model, limits = load_model(args.model), Limits(args.max_page_chars, args.max_blocks)
    return [(name, score_file(name, model, html=args.html or None, limits=limits))
            for name in args.pages]


def _progress(args) -> bool:
    """Whether to draw progress bars: not with --quiet, and only on a terminal."""
    return not args.quiet and sys.stderr.isatty()


def cmd_label(args) -> int:
    for name, scored in _scored_pages(args):
        for line in label_lines(name, scored, args.format):
            print(line)
    return 0


def cmd_clean(args) -> int:
    if args.output:
        options = CleanOptions(
            text_field=args.field, id_field=args.id_field, model_path=args.model,
            probabilities=args.probabilities, html=args.html or args.field == "html",
            limits=Limits(args.max_page_chars, args.max_blocks), workers=args.workers,
            engine=args.engine, scheduler=args.scheduler, shard_size=args.shard_size,
            resume=args.resume)
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
    pages = read_pages(args.pages, html=args.html, progress=_progress(args))
    table = prelabel(page_table(pages, args.publisher, args.lang), load_model(args.model),
                     threshold=args.threshold, order=args.order)
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


def cmd_train(args) -> int:
    df = load_dataset(args.data)
    train_and_save(df, args.output, random_state=args.random_state, html=args.html)
    print(f"wrote {args.output} ({len(df):,} blocks, {df['page_id'].nunique():,} pages, "
          f"{df['publisher'].nunique()} publishers)")
    return 0


def cmd_evaluate(args) -> int:
    df = load_dataset(args.data)
    if args.holdout_publisher:
        report = holdout_report(df, args.holdout_publisher, args.model,
                                control_every=args.control_every, progress=_progress(args))
        print(format_holdout(report))
    elif args.hold_out_languages is not None:
        report = language_held_out(df, languages=args.hold_out_languages or None,
                                   progress=_progress(args))
        print(format_language_report(report))
    elif args.model:
        report = fixed_model_report(df, load_model(args.model), args.model)
        print(format_report(report))
    else:
        report = {"mode": f"{args.folds}-fold cross-validation holding out publishers",
                  **cross_validate(df, n_splits=args.folds, progress=_progress(args))}
        print(format_report(report))
    language_report = args.hold_out_languages is not None and not args.holdout_publisher
    for path in write_report(report, args.json, args.plots, charts=not language_report):
        print(f"wrote {path}")
    return 0


def cmd_audit(args) -> int:
    df = load_dataset(args.data)
    issues = audit_labels(df, n_splits=args.folds, progress=_progress(args))
    text, issues = audit_report(issues, len(df), top=args.top, per_block=args.per_block)
    print(text)
    if args.output:
        issues.to_csv(args.output, index=False, encoding="utf-8-sig" if args.excel else "utf-8")
        print(f"wrote {args.output} ({len(issues):,} rows)")
    return 0


def cmd_build_data(args) -> int:
    print(build_dataset(args.sources, args.kits, args.output, args.pages))
    return 0


def cmd_info(args) -> int:
    print(json.dumps(model_metadata(args.model), indent=1, default=str))
    return 0
