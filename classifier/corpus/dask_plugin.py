"""The Dask side of a corpus run: a worker plugin that loads the job's model once on every
worker (also on workers that join later) and gives it its share of the worker's cores.
Imported only when the dask engine runs, since Dask is an optional extra."""
from __future__ import annotations

from distributed import WorkerPlugin

from .shard import Job, load_in_worker


class ScoringThreads(WorkerPlugin):
    """Load ``job``'s model on each worker, scoring on ``threads`` LightGBM threads."""

    name = "paywall-classifier-model"

    def __init__(self, job: Job, threads: int):
        self.job = job
        self.threads = threads

    def setup(self, worker) -> None:
        load_in_worker(self.job, self.threads)
