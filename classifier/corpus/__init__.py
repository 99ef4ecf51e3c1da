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

Each page is scored on its own (no site column is passed), exactly as the API's
``score_page`` scores it.

Modules: :mod:`.records` reads input files, :mod:`.shard` cleans one shard, :mod:`.store`
writes and joins shard files, :mod:`.executors` runs shards (this process, processes, Dask),
:mod:`.clean` runs the whole job.
"""
from .clean import SHARD_SIZE, CleanOptions, clean_corpus
from .executors import clean_dask_column
from .records import read_records
from .shard import Summary, clean_shard

__all__ = ["SHARD_SIZE", "CleanOptions", "Summary", "clean_corpus", "clean_dask_column",
           "clean_shard", "read_records"]
