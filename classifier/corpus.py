"""Streaming cleaning of large corpora: JSONL (optionally gzip or Zstandard), CSV or Parquet in
and out.

Every input record gives exactly one output record or one line in ``OUTPUT.errors.jsonl``
(record number, id, reason): nothing is dropped silently, and a page over the :class:`Limits`
is such an error line. Records are processed in shards of ``SHARD_SIZE`` (and at most about
``SHARD_MAX_CHARS`` characters); each finished shard is written to a temporary file and
renamed into ``OUTPUT.shards/`` atomically, so a run killed at any moment can be resumed
(``resume=True`` skips the complete shards) and gives the same output as an uninterrupted
run. A write that fails (disk full, no permission) stops the run with an OutputError and
leaves only complete shards, ready for ``resume=True``.
"""
from __future__ import annotations

import errno
import gzip
import json
import multiprocessing
import os
import shutil
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm.auto import tqdm

try:                                   # Python 3.14 has Zstandard in the standard library
    from compression import zstd
except ImportError:
    from backports import zstd

from .blocks import DEFAULT_LIMITS, Limits
from .errors import ClassifierError, InputError, OutputError
from .persist import load_model
from .pages import page_blocks
from .predict import body_text, paywall_score, score_frame

SHARD_SIZE = 1000
"""Records per shard: the unit of work for a worker and of resuming."""
SCORE_BATCH_BLOCKS = 2_000
"""Blocks scored at once within a shard: bounds memory whatever the shard and page sizes.
(2,000 and 20,000 clean at the same speed; 20,000 took 200 MB more at peak.)"""
SHARD_MAX_CHARS = 20_000_000
"""A shard also ends once its pages hold this many characters, so that a corpus of huge
pages does not hold ``SHARD_SIZE`` of them in memory at once."""
JSON_BYTES_PER_CHAR = 6
"""A JSONL line may take up to this many bytes per allowed page character (``\\uXXXX``
escapes), plus 1 MiB for the other fields; a longer line is an error, skipped unread."""


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


JSONL_SUFFIXES = (".jsonl.gz", ".jsonl.zst", ".jsonl", ".ndjson")
"""JSON Lines corpus files: plain, gzip- or Zstandard-compressed (by extension)."""


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for suffix in (*JSONL_SUFFIXES, ".csv", ".parquet"):
        if name.endswith(suffix):
            return suffix
    raise InputError(f"{path}: unsupported corpus file type; use .jsonl, .jsonl.gz, .jsonl.zst, "
                     ".csv or .parquet")


def _open_jsonl(path: Path, mode: str, kind: str) -> BinaryIO:
    """A JSON Lines file opened in binary ``mode`` ("rb" or "wb"), compressed as ``kind`` (its
    extension, see :data:`JSONL_SUFFIXES`) says."""
    if kind == ".jsonl.gz":
        return gzip.open(path, mode)
    if kind == ".jsonl.zst":
        return zstd.open(path, mode)
    return open(path, mode)


def read_records(path: str | Path, limits: Limits | None = None) -> Iterator[dict]:
    """Yield the records of one corpus file in order; a malformed or oversized JSON line is
    yielded as an ``{"__error__": reason}`` record so that it gets its own error line and keeps
    its number."""
    path = Path(path)
    max_line_bytes = JSON_BYTES_PER_CHAR * (limits or DEFAULT_LIMITS).max_page_chars + 2**20
    kind = _suffix(path)
    if kind == ".parquet":
        for batch in pq.ParquetFile(path).iter_batches(batch_size=SHARD_SIZE):
            yield from batch.to_pylist()
    elif kind == ".csv":
        for chunk in pd.read_csv(path, chunksize=SHARD_SIZE, dtype=str, keep_default_na=False,
                                 encoding="utf-8-sig"):
            yield from chunk.to_dict("records")
    else:
        yield from _jsonl_records(path, kind, max_line_bytes)


def _jsonl_records(path: Path, kind: str, max_line_bytes: int) -> Iterator[dict]:
    """The records of a JSON Lines file; a compressed file that is cut short or corrupt ends
    with one error record saying so, after every record that could be read."""
    with _open_jsonl(path, "rb", kind) as handle:
        try:
            for line in _bounded_lines(handle, max_line_bytes):
                yield _parse_json_line(line) if isinstance(line, bytes) else line
        except (EOFError, OSError, zlib.error, zstd.ZstdError) as err:
            yield {"__error__": f"{path}: cannot read on from here, the rest of the file is "
                                f"lost ({err}); is the file truncated or corrupt?"}


def _bounded_lines(handle, max_bytes: int) -> Iterator[bytes | dict]:
    """The lines of a binary file; a line over ``max_bytes`` is skipped in 1 MiB reads (never
    held whole) and given as an ``{"__error__": reason}`` record instead."""
    while line := handle.readline(max_bytes + 1):
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        while (chunk := handle.readline(2**20)) and not chunk.endswith(b"\n"):
            size += len(chunk)
        size += len(chunk)
        yield {"__error__": f"JSON line has {size:,} bytes, over the limit of {max_bytes:,} "
                            "bytes for a page of max_page_chars characters"}


def _parse_json_line(line: bytes) -> dict:
    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as err:
        return {"__error__": f"invalid UTF-8 at byte {err.start}"}
    except json.JSONDecodeError as err:
        return {"__error__": f"invalid JSON ({err.msg})"}
    if not isinstance(record, dict):
        return {"__error__": "a JSON line must be an object"}
    return record


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


def _model(job: Job):
    """The job's model, loaded once per process (and per model file)."""
    if job.model_path not in _MODELS:
        _MODELS[job.model_path] = load_model(job.model_path)
    return _MODELS[job.model_path]


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
    return score_frame(pd.concat(batch, ignore_index=True), _model(job), limits=job.limits)


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


def _numbered(inputs: list[Path], limits: Limits) -> Iterator[tuple[int, dict]]:
    """Records of all inputs in order, numbered from 1 across the files."""
    number = 1
    for path in inputs:
        for record in read_records(path, limits):
            yield number, record
            number += 1


def _shards(inputs: list[Path], size: int, job: Job) -> Iterator[list[tuple[int, dict]]]:
    """Consecutive shards of at most ``size`` records and about ``SHARD_MAX_CHARS`` characters
    of page text (a shard always takes at least one record)."""
    shard: list[tuple[int, dict]] = []
    chars = 0
    for item in _numbered(inputs, job.limits):
        text = item[1].get(job.text_field)
        chars += len(text) if isinstance(text, str) else 0
        shard.append(item)
        if len(shard) >= size or chars >= SHARD_MAX_CHARS:
            yield shard
            shard, chars = [], 0
    if shard:
        yield shard


def _tmp(path: Path) -> Path:
    """The temporary name a file is written under before its atomic rename."""
    return Path(f"{path}.tmp")


def _os_reason(err: OSError) -> str:
    """An OS error as text without a file name, e.g. ``No space left on device (ENOSPC)``."""
    name = errno.errorcode.get(err.errno or 0)
    return f"{err.strerror or err}" + (f" ({name})" if name else "")


def _remove(*paths: Path) -> None:
    """Delete files that may or may not exist, ignoring errors (used while failing)."""
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def _write_jsonl_atomically(path: Path, rows: list[dict]) -> None:
    tmp = _tmp(path)
    with open(tmp, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _shard_paths(shard_dir: Path, index: int) -> tuple[Path, Path, Path]:
    stem = shard_dir / f"part-{index:06d}"
    return Path(f"{stem}.jsonl"), Path(f"{stem}.errors.jsonl"), Path(f"{stem}.done")


def _save_shard(shard_dir: Path, index: int, result: tuple[list[dict], list[dict], Summary]) -> None:
    """Write a shard's outputs and errors, then its marker: only a marker makes it complete.

    If a write fails (disk full, no permission), every file of the shard is removed and an
    OutputError names the file and the OS error; the shards before it stay complete."""
    outputs, errors, summary = result
    counts = {"records": summary.records, "pages": summary.pages, "blocks": summary.blocks,
              "errors": summary.errors, "labels": dict(summary.labels)}
    paths = _shard_paths(shard_dir, index)
    for path, rows in zip(paths, (outputs, errors, [counts])):
        try:
            _write_jsonl_atomically(path, rows)
        except OSError as err:
            _remove(*paths, *map(_tmp, paths))
            raise OutputError(f"cannot write shard {path}: {_os_reason(err)}; the complete "
                              "shards before it are kept: free space or fix permissions, then "
                              "run again with --resume") from None


def _load_done(done_path: Path) -> Summary:
    counts = json.loads(done_path.read_text(encoding="utf-8"))
    return Summary(records=counts["records"], pages=counts["pages"], blocks=counts["blocks"],
                   errors=counts["errors"], labels=Counter(counts["labels"]))


def _assemble(shard_dir: Path, n_shards: int, output: Path) -> None:
    """Join the shards into the output files, or raise OutputError keeping the shards."""
    errors_path = Path(f"{output}.errors.jsonl")
    try:
        _join_shards(shard_dir, n_shards, output, errors_path)
    except OSError as err:
        _remove(_tmp(output), _tmp(errors_path))
        where = f" (at {err.filename})" if err.filename else ""
        raise OutputError(f"cannot write {output}: {_os_reason(err)}{where}; all shards are "
                          f"complete in {shard_dir}: free space or fix permissions, then run "
                          "again with --resume") from None


def _join_shards(shard_dir: Path, n_shards: int, output: Path, errors_path: Path) -> None:
    """Join the shards, in order, into the output file (its format from its extension) and
    ``OUTPUT.errors.jsonl``; both appear by atomic rename."""
    with open(_tmp(errors_path), "wb") as errors:
        for index in range(n_shards):
            with open(_shard_paths(shard_dir, index)[1], "rb") as part:
                shutil.copyfileobj(part, errors)
    tmp = _tmp(output)
    kind = _suffix(output)
    if kind in JSONL_SUFFIXES:
        with _open_jsonl(tmp, "wb", kind) as handle:
            for index in range(n_shards):
                with open(_shard_paths(shard_dir, index)[0], "rb") as part:
                    shutil.copyfileobj(part, handle)
    else:
        _assemble_table(shard_dir, n_shards, tmp, kind)
    os.replace(tmp, output)
    os.replace(_tmp(errors_path), errors_path)


def _shard_frame(path: Path) -> pd.DataFrame:
    frame = pd.read_json(path, lines=True, dtype=False) if path.stat().st_size else pd.DataFrame()
    for column in ("labels", "probabilities"):
        if column in frame:
            frame[column] = frame[column].map(lambda v: json.dumps(v, ensure_ascii=False))
    return frame


def _assemble_table(shard_dir: Path, n_shards: int, tmp: Path, kind: str) -> None:
    """CSV or Parquet output, one shard in memory at a time (list columns as JSON text)."""
    writer = None
    first = True
    try:
        for index in range(n_shards):
            frame = _shard_frame(_shard_paths(shard_dir, index)[0])
            if frame.empty:
                continue
            if kind == ".csv":
                frame.to_csv(tmp, mode="w" if first else "a", header=first, index=False)
            else:
                table = pa.Table.from_pandas(frame, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table.cast(writer.schema))
            first = False
    finally:
        if writer is not None:
            writer.close()
    if first:
        tmp.write_text("")


class _DaskExecutor:
    """Run shards on a Dask cluster: the one at ``scheduler``, or a new LocalCluster."""

    def __init__(self, workers: int, scheduler: str | None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError("the dask engine needs the dask extra: pip install "
                             "'paywall-classifier[dask]'") from None
        self._cluster = None
        if scheduler is None:
            self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                         processes=True, dashboard_address=None)
            scheduler = self._cluster
        self._client = Client(scheduler)

    def submit(self, fn, *args):
        return self._client.submit(fn, *args, pure=False)

    def shutdown(self, cancel_futures: bool = True) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def _executor(engine: str, workers: int, scheduler: str | None, job: Job):
    """None (run in this process), a process pool, or a Dask cluster client."""
    if engine == "dask":
        return _DaskExecutor(workers, scheduler)
    if engine != "local":
        raise InputError(f"unknown engine {engine!r}; use 'local' or 'dask'")
    if workers <= 1:
        return None
    # spawn, not fork: forking after the model's OpenMP threads started can deadlock workers
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_model, initargs=(job,))


def clean_corpus(inputs: list[str | Path], output: str | Path, *, text_field: str = "text",
                 id_field: str | None = None, model_path: str | None = None,
                 probabilities: bool = False, workers: int = 1, resume: bool = False,
                 shard_size: int = SHARD_SIZE, engine: str = "local",
                 scheduler: str | None = None, progress: bool = True,
                 limits: Limits | None = None, html: bool = False) -> Summary:
    """Clean every page of ``inputs`` into ``output``; see the module docstring. With ``html``
    the pages are HTML, cut into blocks through their DOM.

    ``engine="local"`` runs in this process (``workers=1``) or a process pool; ``"dask"``
    sends the shards to a Dask cluster (``scheduler`` address, or a LocalCluster with
    ``workers`` processes). All give the same output."""
    inputs = [Path(p) for p in inputs]
    for path in inputs:
        _suffix(path)
        if not path.is_file():
            raise InputError(f"{path}: no such corpus file")
    output = Path(output)
    _suffix(output)
    shard_dir = Path(f"{output}.shards")
    if shard_dir.exists() and not resume:
        raise InputError(f"{shard_dir} exists from an earlier run: pass --resume to continue it, "
                         "or delete it to start again")
    shard_dir.mkdir(parents=True, exist_ok=True)
    job = Job(text_field, id_field, model_path, probabilities, limits or DEFAULT_LIMITS, html)
    _check_settings(shard_dir, {"inputs": [str(p.resolve()) for p in inputs], "shard_size": shard_size,
                                "job": asdict(job)})
    _model(job)  # fail early on a bad model file, before reading the corpus
    summary = Summary()
    started = time.perf_counter()
    n_shards = 0
    bar = tqdm(desc="cleaning", unit="page", disable=not progress)
    pool = _executor(engine, workers, scheduler, job)
    pending: list = []
    try:
        for index, shard in enumerate(_shards(inputs, shard_size, job)):
            n_shards = index + 1
            done_path = _shard_paths(shard_dir, index)[2]
            if resume and done_path.exists():
                summary.add(_load_done(done_path))
                summary.skipped_shards += 1
                bar.update(len(shard))
                continue
            if pool is None:
                _finish(shard_dir, index, clean_shard(shard, job), summary, bar)
                continue
            pending.append((index, pool.submit(clean_shard, shard, job)))
            while len(pending) >= 2 * max(workers, 1):
                done_index, future = pending.pop(0)
                _finish(shard_dir, done_index, future.result(), summary, bar)
        for done_index, future in pending:
            _finish(shard_dir, done_index, future.result(), summary, bar)
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    _assemble(shard_dir, n_shards, output)
    shutil.rmtree(shard_dir)
    summary.seconds = time.perf_counter() - started
    return summary


def _check_settings(shard_dir: Path, settings: dict) -> None:
    """Record a run's settings beside its shards; a resumed run must have the same ones, or
    its shards would not line up with the records."""
    path = shard_dir / "run.json"
    settings = json.loads(json.dumps(settings, default=str))
    if path.exists():
        earlier = json.loads(path.read_text(encoding="utf-8"))
        changed = [f"{key} was {earlier.get(key)!r}" for key in settings
                   if earlier.get(key) != settings[key]]
        if changed:
            raise InputError(f"{shard_dir} is from a run with other settings ({'; '.join(changed)})"
                             ": resume with the same ones, or delete it to start again")
        return
    try:
        _write_jsonl_atomically(path, [settings])
    except OSError as err:
        _remove(path, _tmp(path))
        raise OutputError(f"cannot write {path}: {_os_reason(err)}") from None


def _finish(shard_dir: Path, index: int, result, summary: Summary, bar) -> None:
    _save_shard(shard_dir, index, result)
    summary.add(result[2])
    bar.update(result[2].records)


def clean_dask_column(frame, column: str = "text", model_path: str | None = None,
                      limits: Limits | None = None, html: bool | None = None):
    """Apply the model to a ``dask.dataframe`` column of page texts, for data already in Dask
    (``html``: the pages are HTML; by default when the column is named ``html``).

    Returns the frame with ``clean_text``, ``labels`` and ``paywall_score`` columns added
    (a page that cannot be cleaned gets empty text, no labels and an ``error`` message)."""
    meta = frame._meta.assign(clean_text="", labels=None, paywall_score=0.0, error="")
    job = Job(column, None, model_path, limits=limits or DEFAULT_LIMITS,
              html=column == "html" if html is None else html)
    return frame.map_partitions(_clean_partition, column, job, meta=meta)


def _clean_partition(partition: pd.DataFrame, column: str, job: Job) -> pd.DataFrame:
    records = list(enumerate(partition.to_dict("records"), start=1))
    outputs, errors, _ = clean_shard(records, job)
    failed = {e["record"]: e["reason"] for e in errors}
    cleaned = iter(outputs)   # outputs follow the records that did not fail, in order
    rows = [{} if number in failed else next(cleaned) for number, _ in records]
    return partition.assign(clean_text=[r.get("clean_text", "") for r in rows],
                            labels=[r.get("labels", []) for r in rows],
                            paywall_score=[r.get("paywall_score", 0.0) for r in rows],
                            error=[failed.get(number, "") for number, _ in records])
