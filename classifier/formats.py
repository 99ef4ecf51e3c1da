"""File formats shared by block tables (:mod:`classifier.dataset`) and corpora
(:mod:`classifier.corpus`): which kind a file name says, and JSON Lines opened plain, gzip- or
Zstandard-compressed."""
from __future__ import annotations

import gzip
from pathlib import Path
from typing import BinaryIO

try:                                   # Python 3.14 has Zstandard in the standard library
    from compression import zstd
except ImportError:
    from backports import zstd

JSONL_SUFFIXES = (".jsonl.gz", ".jsonl.zst", ".jsonl", ".ndjson")
"""JSON Lines files: plain, gzip- or Zstandard-compressed (by extension)."""
SUFFIXES = (*JSONL_SUFFIXES, ".csv", ".parquet")
"""Every file kind read and written: JSON Lines, CSV (UTF-8) and Parquet."""


def file_kind(path: str | Path) -> str:
    """The suffix of :data:`SUFFIXES` that the file's name ends with, or "" for none."""
    name = Path(path).name.lower()
    return next((suffix for suffix in SUFFIXES if name.endswith(suffix)), "")


def open_jsonl(path: str | Path, mode: str, kind: str) -> BinaryIO:
    """A JSON Lines file opened in binary ``mode`` ("rb" or "wb"), compressed as ``kind`` (its
    suffix, see :data:`JSONL_SUFFIXES`) says."""
    if kind == ".jsonl.gz":
        return gzip.open(path, mode)
    if kind == ".jsonl.zst":
        return zstd.open(path, mode)
    return open(path, mode)
