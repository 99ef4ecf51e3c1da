"""Load and validate labelled block tables (CSV, JSONL or Parquet; a file or a folder)."""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DatasetError
from .formats import SUFFIXES, file_kind, open_jsonl
from .schema import DEFAULT_LABELS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS

logger = logging.getLogger(__name__)

DIGEST_COLUMN = "text_digest"
"""Optional column (written by ``prelabel``) holding each block's :func:`text_digest`."""


def text_digest(text: str) -> str:
    """A short fingerprint of a block's text, to notice a text changed by a spreadsheet."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def is_table_file(path: str | Path) -> bool:
    """True when the file name has a block-table extension (CSV, JSONL, Parquet)."""
    return bool(file_kind(path))


def _read_jsonl(path: Path, kind: str) -> pd.DataFrame:
    """Read JSON Lines line by line so that a bad line is reported by its number."""
    records = []
    with open_jsonl(path, "rb", kind) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise DatasetError(f"{path}:{number}: invalid JSON ({err.msg})") from None
            if not isinstance(record, dict):
                raise DatasetError(f"{path}:{number}: expected a JSON object per line")
            records.append(record)
    return pd.DataFrame.from_records(records)


def read_table(path: str | Path) -> pd.DataFrame:
    """Read one block table file by its extension, without validating it."""
    path = Path(path)
    kind = file_kind(path)
    try:
        if kind == ".csv":
            return pd.read_csv(path, encoding="utf-8-sig", dtype={"text": str, DIGEST_COLUMN: str},
                               keep_default_na=False)
        if kind == ".parquet":
            return pd.read_parquet(path)
        if kind:
            return _read_jsonl(path, kind)
    except DatasetError:
        raise
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except UnicodeDecodeError as err:
        raise DatasetError(f"{path}: not valid UTF-8 (byte {err.start})") from None
    except Exception as err:  # pandas/pyarrow raise many types for malformed files
        raise DatasetError(f"{path}: cannot read {kind[1:]} file: {err}") from None
    raise DatasetError(f"{path}: unsupported file type; use one of {', '.join(SUFFIXES)}")


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and file_kind(p))
        if not files:
            raise DatasetError(f"{path}: folder holds no {', '.join(SUFFIXES)} files")
        return files
    if not path.exists():
        raise DatasetError(f"{path}: no such file or folder")
    return [path]


def _plain(value):
    """A NumPy scalar as the Python value it holds, so that messages read ``5``, not ``np.int64(5)``."""
    return value.item() if isinstance(value, np.generic) else value


def _row_error(df: pd.DataFrame, mask: pd.Series, source: str, problem: str) -> None:
    """Raise naming the first offending row (1-based data row, as a spreadsheet shows it)."""
    if mask.any():
        first = int(mask.to_numpy().nonzero()[0][0])
        row = df.iloc[first]
        raise DatasetError(f"{source}: row {first + 1} (page_id={_plain(row.get('page_id'))!r}, "
                           f"position={_plain(row.get('position'))!r}): {problem}"
                           f" ({int(mask.sum())} such rows)")


def _check_digests(df: pd.DataFrame, source: str) -> None:
    """Refuse rows whose text no longer matches the digest written beside it (if any)."""
    if DIGEST_COLUMN not in df.columns:
        return
    digests = df[DIGEST_COLUMN].fillna("").astype(str).str.strip()
    changed = (digests != "") & (digests != df["text"].map(text_digest))
    _row_error(df, changed, source, f"text does not match its {DIGEST_COLUMN}: the cell was "
               "changed after prelabel (a spreadsheet may have turned it into a number, date "
               "or formula); restore the text from the page file")


def validate_blocks(df: pd.DataFrame, *, source: str = "table",
                    labels: Iterable[str] | None = None) -> pd.DataFrame:
    """Check columns, types, labels and page structure; return a clean, typed copy."""
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DatasetError(f"{source}: missing column(s) {missing}; "
                           f"a block table needs {list(REQUIRED_COLUMNS)}")
    df = df.copy()
    for column, default in OPTIONAL_COLUMNS.items():
        if column not in df.columns:
            df[column] = default
    _row_error(df, ~df["text"].map(lambda t: isinstance(t, str)), source, "text is not a string")
    _row_error(df, df["text"].str.strip() == "", source, "text is empty")
    _check_digests(df, source)
    for column in ("publisher", "page_id", "label"):
        values = df[column]
        _row_error(df, values.isna() | (values.astype(str).str.strip() == ""), source,
                   f"{column} is empty")
        df[column] = values.astype(str).str.strip()
    positions = pd.to_numeric(df["position"], errors="coerce")
    _row_error(df, positions.isna() | (positions % 1 != 0), source, "position is not an integer")
    df["position"] = positions.astype("int64")
    allowed = set(DEFAULT_LABELS if labels is None else labels)
    _row_error(df, ~df["label"].isin(allowed), source,
               f"unknown label; expected one of {sorted(allowed)}")
    _row_error(df, df.duplicated(["page_id", "position"]), source,
               "duplicate (page_id, position)")
    publishers = df.groupby("page_id")["publisher"].nunique()
    _row_error(df, df["page_id"].isin(publishers[publishers > 1].index), source,
               "page_id appears under more than one publisher")
    return df.sort_values(["page_id", "position"], kind="stable").reset_index(drop=True)


def load_dataset(paths: str | Path | Iterable[str | Path], *,
                 labels: Iterable[str] | None = None) -> pd.DataFrame:
    """Load one or more block tables (files or folders) into one validated DataFrame.

    Page ids must be unique across files: the same page in two files is an error, so that
    merging a review file into the dataset cannot silently double a page. The result's
    ``attrs["sources"]`` counts the pages and names the publishers of each file.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    frames, sources = [], []
    owner: dict[str, Path] = {}
    for path in (f for p in paths for f in _files(Path(p))):
        frame = validate_blocks(read_table(path), source=str(path), labels=labels)
        sources.append(path)
        for page_id in frame["page_id"].unique():
            if page_id in owner:
                raise DatasetError(f"{path}: page_id {page_id!r} is also in {owner[page_id]}")
            owner[page_id] = path
        frames.append(frame)
    if not frames:
        raise DatasetError("no dataset files given")
    merged = pd.concat(frames, ignore_index=True)
    merged.attrs["sources"] = {str(path): {"pages": int(f["page_id"].nunique()),
                                           "publishers": sorted(f["publisher"].unique().tolist())}
                               for path, f in zip(sources, frames)}
    _log_sources(merged)
    return merged


def _log_sources(df: pd.DataFrame) -> None:
    """One info line per file merged into ``df`` (its pages and publishers), then the total."""
    for path, info in df.attrs["sources"].items():
        names = info["publishers"]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        logger.info("%s: %d pages of %s", path, info["pages"], shown)
    logger.info("%d blocks, %d pages, %d publishers", len(df), df["page_id"].nunique(),
                df["publisher"].nunique())


def write_dataset(df: pd.DataFrame, path: str | Path) -> None:
    """Write a block table in the format its extension names (CSV is UTF-8, fully quoted text)."""
    path = Path(path)
    kind = file_kind(path)
    if kind == ".csv":
        df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    elif kind == ".parquet":
        df.to_parquet(path, index=False)
    elif kind:
        with open_jsonl(path, "wb", kind) as handle:
            handle.write(df.to_json(orient="records", lines=True, force_ascii=False)
                         .encode("utf-8"))
    else:
        raise DatasetError(f"{path}: unsupported file type; use one of {', '.join(SUFFIXES)}")


def data_hash(df: pd.DataFrame) -> str:
    """SHA-256 of the labelled content of a block table, independent of file format and row order."""
    canonical = df[list(REQUIRED_COLUMNS)].sort_values(["page_id", "position"]).to_csv(index=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
