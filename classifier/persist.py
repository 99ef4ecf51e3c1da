"""Save and load model bundles: the fitted estimator plus metadata, in one joblib file."""
from __future__ import annotations

import hashlib
import logging
import platform
import warnings
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import joblib
import pandas as pd
import sklearn

from .errors import ModelFileError

logger = logging.getLogger(__name__)

FORMAT = "paywall-classifier-model"
FORMAT_VERSION = 1
DEFAULT_MODEL_PATH = Path(__file__).parent / "models" / "default.joblib"
REBUILD_HINT = ("rebuild the default model with: python -m classifier train --data data/ "
                f"-o {Path('classifier') / 'models' / 'default.joblib'}")


def data_hash(df: pd.DataFrame) -> str:
    """SHA-256 of the labelled content of a block table, independent of file format and row order."""
    columns = ["publisher", "page_id", "position", "text", "label"]
    canonical = df[columns].sort_values(["page_id", "position"]).to_csv(index=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _versions() -> dict[str, str]:
    import numpy

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "numpy": numpy.__version__, "pandas": pd.__version__, "joblib": joblib.__version__}


def save_model(model, path: str | Path, *, metadata: dict | None = None) -> Path:
    """Write ``model`` and its metadata (versions, labels, creation time, extra ``metadata``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "versions": _versions(), "labels": [str(c) for c in getattr(model, "classes_", [])],
            "params": model.get_params(), **(metadata or {})}
    joblib.dump({"format": FORMAT, "format_version": FORMAT_VERSION, "model": model,
                 "metadata": meta}, path, compress=3)
    return path


def read_bundle(path: str | Path) -> dict:
    """Load a model bundle, checking that it is ours and readable; warn on version drift."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            bundle = joblib.load(path)
    except Exception as err:  # a corrupt or foreign file can fail in many ways
        raise ModelFileError(f"{path}: cannot be loaded as a model file "
                             f"({type(err).__name__}: {str(err)[:200]}); {REBUILD_HINT}") from None
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a {FORMAT} file (a joblib file of something else); "
                             f"{REBUILD_HINT}")
    if bundle.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(f"{path}: model format version {bundle.get('format_version')} is not "
                             f"supported (expected {FORMAT_VERSION}); {REBUILD_HINT}")
    built_with = bundle["metadata"].get("versions", {}).get("scikit-learn")
    if built_with != sklearn.__version__ or caught:
        warnings.warn(f"{path}: model built with scikit-learn {built_with}, running "
                      f"{sklearn.__version__}; predictions may differ. {REBUILD_HINT}",
                      UserWarning, stacklevel=3)
    return bundle


def load_model(path: str | Path | None = None):
    """Load a model file; ``None`` loads the bundled default model (cached after the first call)."""
    if path is None:
        return _default_model()
    return read_bundle(path)["model"]


@lru_cache(maxsize=1)
def _default_model():
    return read_bundle(DEFAULT_MODEL_PATH)["model"]


def model_metadata(path: str | Path | None = None) -> dict:
    """The metadata stored with a model file (the default model's when ``path`` is None)."""
    return read_bundle(DEFAULT_MODEL_PATH if path is None else path)["metadata"]
