"""Cleaning one shard of records: read each page, score pages in bounded batches, and give
one output record per readable page and one error line per unreadable one."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from ..blocks import DEFAULT_LIMITS, Limits
from ..errors import ClassifierError, InputError
from ..pages import page_blocks
from ..persist import load_model
from ..predict import body_text, paywall_score, score_frame

SCORE_BATCH_BLOCKS = 2_000
"""Blocks scored at once within a shard: bounds memory whatever the shard and page sizes.
(2,000 and 20,000 clean at the same speed; 20,000 took 200 MB more at peak.)"""


@dataclass
class Summary:
    """What a corpus run did, for the closing report."""

    records: int = 0
    pages: int = 0
    blocks: int = 0
    errors: int = 0
    skipped_shards: int = 0
    labels: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def add(self, other: "Summary") -> None:
        self.records += other.records
        self.pages += other.pages
        self.blocks += other.blocks
        self.errors += other.errors
        self.labels.update(other.labels)

    def report(self) -> str:
        rate = self.pages / self.seconds if self.seconds else 0.0
        labels = ", ".join(f"{k} {v:,}" for k, v in sorted(self.labels.items()))
        return (f"{self.records:,} records: {self.pages:,} pages cleaned, {self.errors:,} errors; "
                f"{self.blocks:,} blocks ({labels}); {rate:.1f} pages/s"
                + (f"; {self.skipped_shards} complete shards reused" if self.skipped_shards else ""))


@dataclass(frozen=True)
class Job:
    """Settings shared by every shard of one run."""

    text_field: str = "text"
    id_field: str | None = None
    model_path: str | None = None
    probabilities: bool = False
    limits: Limits = DEFAULT_LIMITS
    html: bool = False


_MODELS: dict = {}


def model_for(job: Job):
    """The job's model, loaded once per process (and per model file)."""
    if job.model_path not in _MODELS:
        _MODELS[job.model_path] = load_model(job.model_path)
    return _MODELS[job.model_path]


def load_in_worker(job: Job, threads: int) -> None:
    """Load the job's model in a worker process, scoring on ``threads`` threads (its share of
    the cores: workers that each take the model's default oversubscribe them)."""
    model_for(job).set_scoring_threads(threads)


def _page_text(record: dict, text_field: str, limits: Limits) -> str:
    """The page text of a record, or InputError saying why it cannot be cleaned."""
    if "__error__" in record:
        raise InputError(record["__error__"])
    if text_field not in record:
        raise InputError(f"no field {text_field!r}")
    text = record[text_field]
    if not isinstance(text, str):
        raise InputError(f"field {text_field!r} is {type(text).__name__}, not text")
    limits.check_page_chars(len(text))
    if not text.strip():
        raise InputError("page is empty")
    return text


def clean_shard(records: list[tuple[int, dict]], job: Job) -> tuple[list[dict], list[dict], Summary]:
    """Clean one shard of (record number, record): output records, error lines, counts."""
    summary = Summary(records=len(records))
    errors: list[dict] = []
    outputs = []
    for scored, batch_records in _score_batches(_shard_pages(records, job, errors), job):
        for record, (_, page) in zip(batch_records, scored.groupby("page_id", sort=False)):
            outputs.append(_output_record(record, page, job))
            summary.blocks += len(page)
            summary.labels.update(outputs[-1]["labels"])
    summary.pages, summary.errors = len(outputs), len(errors)
    return outputs, errors, summary


def _shard_pages(records: list[tuple[int, dict]], job: Job,
                 errors: list[dict]) -> Iterator[tuple[int, dict, pd.DataFrame]]:
    """(number, record, blocks) of each readable page, cut into blocks only when the scoring
    reaches it (so that a shard's blocks are never all in memory at once); a record that
    cannot be read gets a line in ``errors`` instead."""
    for number, record in records:
        try:
            blocks = page_blocks(_page_text(record, job.text_field, job.limits), html=job.html,
                                 limits=job.limits)
        except ClassifierError as err:
            errors.append({"record": number, "id": record.get(job.id_field) if job.id_field else None,
                           "reason": str(err)})
            continue
        yield number, record, blocks


def _score_batches(pages: Iterator[tuple[int, dict, pd.DataFrame]],
                   job: Job) -> Iterator[tuple[pd.DataFrame, list[dict]]]:
    """Scored block frames of consecutive pages, about ``SCORE_BATCH_BLOCKS`` blocks at a time,
    each with the records of its pages in order."""
    batch: list[pd.DataFrame] = []
    batch_records: list[dict] = []
    size = 0
    for number, record, blocks in pages:
        batch.append(blocks.assign(page_id=number))
        batch_records.append(record)
        size += len(blocks)
        if size >= SCORE_BATCH_BLOCKS:
            yield _score(batch, job), batch_records
            batch, batch_records, size = [], [], 0
    if batch:
        yield _score(batch, job), batch_records


def _score(batch: list[pd.DataFrame], job: Job) -> pd.DataFrame:
    """The pages of one batch scored together, in one block frame."""
    return score_frame(pd.concat(batch, ignore_index=True), model_for(job))


def _output_record(record: dict, page: pd.DataFrame, job: Job) -> dict:
    """The input record plus the page's clean text, labels, verdict (and probabilities)."""
    out = dict(record)
    out["clean_text"] = body_text(page)
    out["labels"] = page["label"].tolist()
    out["paywall_score"] = round(paywall_score(page), 6)
    if job.probabilities:
        proba_columns = [c for c in page.columns if c.startswith("proba_")]
        out["probabilities"] = page[proba_columns].round(6).to_dict("list")
    return out
