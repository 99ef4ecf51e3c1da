"""Save and load model bundles: the fitted estimator plus metadata, in one file.

Two formats, chosen by the file's extension: ``.skops`` (skops.io, which builds objects
without unpickling) and anything else as joblib. Either way, model files are loaded with an
allow-list: they may only use classes from scikit-learn, NumPy, SciPy, pandas, LightGBM, this
package and a few harmless builtins; anything else (``os.system``, ``builtins.eval``, ...) is
refused before it is imported, with a ModelFileError. A ``.sha256`` file written beside each
saved model lets loading detect a file changed since it was built; the bundled model must
match its own.
"""
from __future__ import annotations

import hashlib
import platform
import warnings
import zipfile
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import joblib
import pandas as pd
import sklearn
from joblib.compressor import BinaryZlibFile
from joblib.numpy_pickle import NumpyArrayWrapper, NumpyUnpickler

from .errors import ModelFileError

FORMAT = "paywall-classifier-model"
FORMAT_VERSION = 5
DEFAULT_MODEL_PATH = Path(__file__).parent / "models" / "default.joblib"
ZLIB_MAGIC = b"x"
"""First byte of a zlib stream (joblib's ``compress=("zlib", ...)`` files); a pickle starts
with another."""
SKOPS_SUFFIX = ".skops"
"""Model files with this extension are skops files; all others are joblib files."""
REBUILD_HINT = ("rebuild the default model with: python -m classifier train --data data/ "
                f"-o {Path('classifier') / 'models' / 'default.joblib'}")




ALLOWED_PACKAGES = ("sklearn", "numpy", "scipy", "pandas", "lightgbm", "classifier")
ALLOWED_GLOBALS = {
    ("collections", "OrderedDict"), ("collections", "defaultdict"),
    ("joblib.numpy_pickle", "NumpyArrayWrapper"), ("copyreg", "_reconstructor"),
    *(("builtins", name) for name in ("object", "dict", "list", "set", "frozenset", "tuple",
                                      "slice", "range", "complex", "float", "int", "str",
                                      "bytes", "bytearray", "bool")),
}


def _allowed(module: str, name: str) -> bool:
    """Whether a model file may use the global ``module.name``."""
    return module.split(".")[0] in ALLOWED_PACKAGES or (module, name) in ALLOWED_GLOBALS


def _refuse(what: str) -> ModelFileError:
    """The error for a model file that wants globals off the allow-list."""
    return ModelFileError(f"model file wants to import {what}, which is not on the allow-list "
                          "of a model file; refusing to load it")


class _NumericArrayWrapper(NumpyArrayWrapper):
    """joblib's array record, refusing object arrays: those are read with an unrestricted
    pickle.load that would bypass the allow-list."""

    def read_array(self, unpickler, ensure_native_byte_order):
        if self.dtype.hasobject:
            raise ModelFileError("model file holds an object array, which could run code when "
                                 "loaded; refusing it")
        return super().read_array(unpickler, ensure_native_byte_order)


class _AllowListUnpickler(NumpyUnpickler):
    """joblib's unpickler, importing only allow-listed globals."""

    def find_class(self, module: str, name: str):
        if (module, name) == ("joblib.numpy_pickle", "NumpyArrayWrapper"):
            return _NumericArrayWrapper
        if not _allowed(module, name):
            raise _refuse(f"{module}.{name}")
        return super().find_class(module, name)


def _unpickle(path: Path):
    """Load a joblib file (zlib-compressed, as saved here, or uncompressed) with the allow-list,
    decompressing as it reads: the whole decompressed file is never held in memory."""
    with open(path, "rb") as handle:
        compressed = handle.read(1) == ZLIB_MAGIC
        handle.seek(0)
        stream = BinaryZlibFile(handle, "rb") if compressed else handle
        return _AllowListUnpickler(str(path), stream, ensure_native_byte_order=True).load()


def _load_skops(path: Path):
    """Load a skops file, trusting only the allow-listed types it asks for."""
    import skops.io  # imported when needed: it takes half a second and 30 MB to import

    wanted = skops.io.get_untrusted_types(file=path)
    refused = [name for name in wanted if not _allowed(*name.rpartition(".")[::2])]
    if refused:
        raise _refuse(", ".join(refused))
    return skops.io.load(path, trusted=wanted)


def is_skops(path: str | Path) -> bool:
    """Whether a model path names a skops file (by its extension)."""
    return Path(path).suffix.lower() == SKOPS_SUFFIX


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _check_digest(path: Path, *, required: bool) -> None:
    """Compare a model file with the digest written beside it when it was saved."""
    digest_path = Path(f"{path}.sha256")
    if not digest_path.is_file():
        if required:
            raise ModelFileError(f"{path}: its recorded digest {digest_path.name} is missing; "
                                 f"{REBUILD_HINT}")
        return
    if digest_path.read_text().split()[0] != file_sha256(path):
        raise ModelFileError(f"{path}: the file changed since it was built (SHA-256 differs from "
                             f"{digest_path.name}); {REBUILD_HINT}")


def _versions() -> dict[str, str]:
    import numpy

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "numpy": numpy.__version__, "pandas": pd.__version__, "joblib": joblib.__version__}


def save_model(model, path: str | Path, *, metadata: dict | None = None) -> Path:
    """Write ``model`` and its metadata (versions, labels, creation time, extra ``metadata``);
    a ``.skops`` path gives a skops file, any other a joblib file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "versions": _versions(), "labels": [str(c) for c in getattr(model, "classes_", [])],
            "params": model.get_params(), **(metadata or {})}
    bundle = {"format": FORMAT, "format_version": FORMAT_VERSION, "model": model, "metadata": meta}
    if is_skops(path):
        import skops.io

        skops.io.dump(bundle, path, compression=zipfile.ZIP_DEFLATED, compresslevel=6)
    else:
        joblib.dump(bundle, path, compress=("zlib", 3))
    Path(f"{path}.sha256").write_text(f"{file_sha256(path)}  {path.name}\n")
    return path


def read_bundle(path: str | Path) -> dict:
    """Load a model bundle, checking that it is ours, intact and safe; warn on version drift."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file")
    _check_digest(path, required=path.resolve() == DEFAULT_MODEL_PATH.resolve())
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            bundle = _load_skops(path) if is_skops(path) else _unpickle(path)
    except ModelFileError as err:
        raise ModelFileError(f"{path}: {err}") from None
    except Exception as err:  # a corrupt or foreign file can fail in many ways
        raise ModelFileError(f"{path}: cannot be loaded as a model file "
                             f"({type(err).__name__}: {str(err)[:200]}); {REBUILD_HINT}") from None
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a {FORMAT} file (a model file of something else); "
                             f"{REBUILD_HINT}")
    if bundle.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(f"{path}: model format version {bundle.get('format_version')} is not "
                             f"supported (expected {FORMAT_VERSION}); {REBUILD_HINT}")
    if "model" not in bundle or not isinstance(bundle.get("metadata"), dict):
        raise ModelFileError(f"{path}: incomplete model file (no model or no metadata); "
                             f"{REBUILD_HINT}")
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
