"""The corpus run: cut the inputs into shards, send them to an executor, save each finished
shard, and join them into the output."""
from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from tqdm.auto import tqdm

from ..blocks import Limits
from ..errors import InputError
from .executors import make_executor
from .records import corpus_kind, read_records
from .shard import Job, Summary, clean_shard, model_for
from .store import assemble, check_settings, load_done, save_shard, shard_paths

SHARD_SIZE = 250
"""Records per shard: the unit of work for a worker and of resuming. 250 pages hold a run's
peak memory about 20 MB lower than 1,000 did (366 against 387 MB) at the same pages/s."""
SHARD_MAX_CHARS = 20_000_000
"""A shard also ends once its pages hold this many characters, so that a corpus of huge
pages does not hold ``SHARD_SIZE`` of them in memory at once."""


@dataclass(frozen=True)
class CleanOptions(Job):
    """How to clean a corpus: the settings of every shard (:class:`~.shard.Job`: which field
    holds the page, HTML with ``html``, the field naming a record in error lines, the model
    file, per-block probabilities, page limits), and where to run: ``engine="local"`` in this
    process (``workers=1``) or a process pool, ``"dask"`` on a Dask cluster (``scheduler``
    address, or a LocalCluster of ``workers`` processes). ``resume`` continues a killed run."""

    workers: int = 1
    engine: str = "local"
    scheduler: str | None = None
    shard_size: int = SHARD_SIZE
    resume: bool = False

    def job(self) -> Job:
        """The settings every shard needs, without those of the run."""
        return Job(**{f.name: getattr(self, f.name) for f in fields(Job)})


def clean_corpus(inputs: list[str | Path], output: str | Path,
                 options: CleanOptions = CleanOptions(), *, progress: bool = True) -> Summary:
    """Clean every page of ``inputs`` into ``output`` (formats by extension) and
    ``OUTPUT.errors.jsonl``; see :mod:`classifier.corpus`. All engines give the same output."""
    inputs = [Path(p) for p in inputs]
    output = Path(output)
    shard_dir = _prepare(inputs, output, options)
    job = options.job()
    check_settings(shard_dir, {"inputs": [str(p.resolve()) for p in inputs],
                               "shard_size": options.shard_size, "job": asdict(job)})
    model_for(job)  # fail early on a bad model file, before reading the corpus
    summary = Summary()
    started = time.perf_counter()
    n_shards = 0
    bar = tqdm(desc="cleaning", unit="page", disable=not progress)
    pool = make_executor(options.engine, options.workers, options.scheduler, job)
    pending: list = []
    try:
        for index, shard in enumerate(_shards(inputs, options.shard_size, job)):
            n_shards = index + 1
            done_path = shard_paths(shard_dir, index)[2]
            if options.resume and done_path.exists():
                summary.add(load_done(done_path))
                summary.skipped_shards += 1
                bar.update(len(shard))
                continue
            pending.append((index, pool.submit(clean_shard, shard, job)))
            while len(pending) >= pool.max_pending:
                _finish(shard_dir, *pending.pop(0), summary, bar)
        for done_index, future in pending:
            _finish(shard_dir, done_index, future, summary, bar)
    finally:
        bar.close()
        pool.shutdown(cancel_futures=True)
    assemble(shard_dir, n_shards, output)
    shutil.rmtree(shard_dir)
    summary.seconds = time.perf_counter() - started
    return summary


def _prepare(inputs: list[Path], output: Path, options: CleanOptions) -> Path:
    """Check the file names and the shard folder of an earlier run; return the shard folder."""
    for path in inputs:
        corpus_kind(path)
        if not path.is_file():
            raise InputError(f"{path}: no such corpus file")
    corpus_kind(output)
    shard_dir = Path(f"{output}.shards")
    if shard_dir.exists() and not options.resume:
        raise InputError(f"{shard_dir} exists from an earlier run: pass --resume to continue it, "
                         "or delete it to start again")
    shard_dir.mkdir(parents=True, exist_ok=True)
    return shard_dir


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


def _finish(shard_dir: Path, index: int, future, summary: Summary, bar) -> None:
    """Save a shard once its future is done, and count it."""
    result = future.result()
    save_shard(shard_dir, index, result)
    summary.add(result[2])
    bar.update(result[2].records)
