"""Reading corpus files record by record: JSON Lines (plain, gzip, Zstandard), CSV, Parquet.

A malformed or oversized JSON line becomes an ``{"__error__": reason}`` record, so that it gets
its own error line and keeps its number; nothing is skipped silently.
"""
from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from ..blocks import DEFAULT_LIMITS, Limits
from ..errors import InputError
from ..formats import file_kind, open_jsonl, zstd

READ_CHUNK = 1000
"""Records read at once from a CSV or Parquet file."""
JSON_BYTES_PER_CHAR = 6
"""A JSONL line may take up to this many bytes per allowed page character (``\\uXXXX``
escapes), plus 1 MiB for the other fields; a longer line is an error, skipped unread."""


def corpus_kind(path: Path) -> str:
    """The file kind of a corpus input or output, or InputError for an unsupported name."""
    kind = file_kind(path)
    if not kind:
        raise InputError(f"{path}: unsupported corpus file type; use .jsonl, .jsonl.gz, "
                         ".jsonl.zst, .csv or .parquet")
    return kind


def read_records(path: str | Path, limits: Limits | None = None) -> Iterator[dict]:
    """Yield the records of one corpus file in order; a malformed or oversized JSON line is
    yielded as an ``{"__error__": reason}`` record so that it gets its own error line and keeps
    its number."""
    path = Path(path)
    max_line_bytes = JSON_BYTES_PER_CHAR * (limits or DEFAULT_LIMITS).max_page_chars + 2**20
    kind = corpus_kind(path)
    if kind == ".parquet":
        for batch in pq.ParquetFile(path).iter_batches(batch_size=READ_CHUNK):
            yield from batch.to_pylist()
    elif kind == ".csv":
        for chunk in pd.read_csv(path, chunksize=READ_CHUNK, dtype=str, keep_default_na=False,
                                 encoding="utf-8-sig"):
            yield from chunk.to_dict("records")
    else:
        yield from _jsonl_records(path, kind, max_line_bytes)


def _jsonl_records(path: Path, kind: str, max_line_bytes: int) -> Iterator[dict]:
    """The records of a JSON Lines file; a compressed file that is cut short or corrupt ends
    with one error record saying so, after every record that could be read."""
    with open_jsonl(path, "rb", kind) as handle:
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
