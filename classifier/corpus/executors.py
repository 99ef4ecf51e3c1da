"""Where shards run, behind one interface (``submit`` returning a future, ``shutdown``): in
this process, in a pool of processes, or on a Dask cluster. All give the same output."""
from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

import pandas as pd

from ..blocks import DEFAULT_LIMITS, Limits
from ..errors import InputError
from .shard import Job, clean_shard, load_in_worker


class SerialExecutor:
    """Run each shard in this process, as it is submitted."""

    max_pending = 1

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, cancel_futures: bool = True) -> None:
        """Nothing to release."""


class DaskExecutor:
    """Run shards on a Dask cluster: the one at ``scheduler``, or a new LocalCluster of
    ``workers`` single-threaded processes. Each worker loads the model once; on a
    LocalCluster it scores on its share of this machine's cores, on another cluster on one
    thread per task (Dask's own convention: the cluster's threads are its parallelism)."""

    def __init__(self, workers: int, scheduler: str | None, job: Job):
        self.max_pending = 2 * workers
        try:
            from distributed import Client, LocalCluster

            from .dask_plugin import ScoringThreads
        except ImportError:
            raise InputError("the dask engine needs the dask extra: pip install "
                             "'paywall-classifier[dask]'") from None
        # Dask logs each scheduler, nanny, worker and connection at INFO: thirty lines a run.
        logging.getLogger("distributed").setLevel(logging.WARNING)
        self._cluster = None
        threads = 1
        if scheduler is None:
            self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                         processes=True, dashboard_address=None)
            scheduler = self._cluster
            threads = _core_share(workers)
        self._client = Client(scheduler)
        self._client.register_plugin(ScoringThreads(job, threads))

    def submit(self, fn, *args):
        return self._client.submit(fn, *args, pure=False)

    def shutdown(self, cancel_futures: bool = True) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def _core_share(workers: int) -> int:
    """Scoring threads per worker when ``workers`` processes share this machine's cores."""
    return max(1, (os.cpu_count() or 1) // workers)


class ProcessExecutor(ProcessPoolExecutor):
    """Run shards in ``workers`` processes, each loading the job's model once and scoring on
    its share of the cores (on two cores, two workers with LightGBM's two threads each
    oversubscribed them: 111-119 pages/s, against 124-125 with one thread each)."""

    def __init__(self, workers: int, job: Job):
        threads = _core_share(workers)
        # spawn, not fork: forking after the model's OpenMP threads started can deadlock workers
        super().__init__(workers, mp_context=multiprocessing.get_context("spawn"),
                         initializer=load_in_worker, initargs=(job, threads))
        self.max_pending = 2 * workers


def make_executor(engine: str, workers: int, scheduler: str | None, job: Job):
    """The executor for ``engine`` ("local": this process or a process pool; "dask"); each
    has ``max_pending``, the shards it may hold in flight."""
    if engine == "dask":
        return DaskExecutor(max(workers, 1), scheduler, job)
    if engine != "local":
        raise InputError(f"unknown engine {engine!r}; use 'local' or 'dask'")
    return SerialExecutor() if workers <= 1 else ProcessExecutor(workers, job)


def clean_dask_column(frame, column: str = "text", model_path: str | None = None,
                      limits: Limits | None = None, html: bool | None = None):
    """Apply the model to a ``dask.dataframe`` column of page texts, for data already in Dask
    (``html``: the pages are HTML; by default when the column is named ``html``).

    Returns the frame with ``clean_text``, ``labels`` and ``paywall_score`` columns added
    (a page that cannot be cleaned gets empty text, no labels and an ``error`` message).
    Each partition scores on one thread: Dask's threads and workers are the parallelism."""
    meta = frame._meta.assign(clean_text="", labels=None, paywall_score=0.0, error="")
    job = Job(column, None, model_path, limits=limits or DEFAULT_LIMITS,
              html=column == "html" if html is None else html)
    return frame.map_partitions(_clean_partition, column, job, meta=meta)


def _clean_partition(partition: pd.DataFrame, column: str, job: Job) -> pd.DataFrame:
    load_in_worker(job, 1)
    records = list(enumerate(partition.to_dict("records"), start=1))
    outputs, errors, _ = clean_shard(records, job)
    failed = {e["record"]: e["reason"] for e in errors}
    cleaned = iter(outputs)   # outputs follow the records that did not fail, in order
    rows = [{} if number in failed else next(cleaned) for number, _ in records]
    return partition.assign(clean_text=[r.get("clean_text", "") for r in rows],
                            labels=[r.get("labels", []) for r in rows],
                            paywall_score=[r.get("paywall_score", 0.0) for r in rows],
                            error=[failed.get(number, "") for number, _ in records])
