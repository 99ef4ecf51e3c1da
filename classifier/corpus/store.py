"""Shard files of a corpus run: each finished shard is written under a temporary name and
renamed into ``OUTPUT.shards/`` atomically (outputs, errors, then a ``.done`` marker), so that a
killed run resumes from its complete shards; at the end the shards are joined, in order, into
the output file and ``OUTPUT.errors.jsonl``."""
from __future__ import annotations

import errno
import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import InputError, OutputError
from ..formats import JSONL_SUFFIXES, open_jsonl
from .records import corpus_kind
from .shard import Summary


def tmp_path(path: Path) -> Path:
    """The temporary name a file is written under before its atomic rename."""
    return Path(f"{path}.tmp")


def os_reason(err: OSError) -> str:
    """An OS error as text without a file name, e.g. ``No space left on device (ENOSPC)``."""
    name = errno.errorcode.get(err.errno or 0)
    return f"{err.strerror or err}" + (f" ({name})" if name else "")


def remove_quietly(*paths: Path) -> None:
    """Delete files that may or may not exist, ignoring errors (used while failing)."""
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def write_jsonl_atomically(path: Path, rows: list[dict]) -> None:
    tmp = tmp_path(path)
    with open(tmp, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def shard_paths(shard_dir: Path, index: int) -> tuple[Path, Path, Path]:
    stem = shard_dir / f"part-{index:06d}"
    return Path(f"{stem}.jsonl"), Path(f"{stem}.errors.jsonl"), Path(f"{stem}.done")


def save_shard(shard_dir: Path, index: int, result: tuple[list[dict], list[dict], Summary]) -> None:
    """Write a shard's outputs and errors, then its marker: only a marker makes it complete.

    If a write fails (disk full, no permission), every file of the shard is removed and an
    OutputError names the file and the OS error; the shards before it stay complete."""
    outputs, errors, summary = result
    counts = {"records": summary.records, "pages": summary.pages, "blocks": summary.blocks,
              "errors": summary.errors, "labels": dict(summary.labels)}
    paths = shard_paths(shard_dir, index)
    for path, rows in zip(paths, (outputs, errors, [counts])):
        try:
            write_jsonl_atomically(path, rows)
        except OSError as err:
            remove_quietly(*paths, *map(tmp_path, paths))
            raise OutputError(f"cannot write shard {path}: {os_reason(err)}; the complete "
                              "shards before it are kept: free space or fix permissions, then "
                              "run again with --resume") from None


def load_done(done_path: Path) -> Summary:
    counts = json.loads(done_path.read_text(encoding="utf-8"))
    return Summary(records=counts["records"], pages=counts["pages"], blocks=counts["blocks"],
                   errors=counts["errors"], labels=Counter(counts["labels"]))


def assemble(shard_dir: Path, n_shards: int, output: Path) -> None:
    """Join the shards into the output files, or raise OutputError keeping the shards."""
    errors_path = Path(f"{output}.errors.jsonl")
    try:
        _join_shards(shard_dir, n_shards, output, errors_path)
    except OSError as err:
        remove_quietly(tmp_path(output), tmp_path(errors_path))
        where = f" (at {err.filename})" if err.filename else ""
        raise OutputError(f"cannot write {output}: {os_reason(err)}{where}; all shards are "
                          f"complete in {shard_dir}: free space or fix permissions, then run "
                          "again with --resume") from None


def _join_shards(shard_dir: Path, n_shards: int, output: Path, errors_path: Path) -> None:
    """Join the shards, in order, into the output file (its format from its extension) and
    ``OUTPUT.errors.jsonl``; both appear by atomic rename."""
    with open(tmp_path(errors_path), "wb") as errors:
        for index in range(n_shards):
            with open(shard_paths(shard_dir, index)[1], "rb") as part:
                shutil.copyfileobj(part, errors)
    tmp = tmp_path(output)
    kind = corpus_kind(output)
    if kind in JSONL_SUFFIXES:
        with open_jsonl(tmp, "wb", kind) as handle:
            for index in range(n_shards):
                with open(shard_paths(shard_dir, index)[0], "rb") as part:
                    shutil.copyfileobj(part, handle)
    else:
        _assemble_table(shard_dir, n_shards, tmp, kind)
    os.replace(tmp, output)
    os.replace(tmp_path(errors_path), errors_path)


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
            frame = _shard_frame(shard_paths(shard_dir, index)[0])
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


def check_settings(shard_dir: Path, settings: dict) -> None:
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
        write_jsonl_atomically(path, [settings])
    except OSError as err:
        remove_quietly(path, tmp_path(path))
        raise OutputError(f"cannot write {path}: {os_reason(err)}") from None
