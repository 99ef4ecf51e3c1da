import pickle
from pathlib import Path

import joblib
import pytest
import sklearn

from classifier import ModelFileError, load_model, save_model
from classifier.persist import DEFAULT_MODEL_PATH, data_hash, model_metadata, read_bundle


def test_round_trip_keeps_predictions_and_metadata(tmp_path, small_model, small_dataset):
    path = save_model(small_model, tmp_path / "m.joblib", metadata={"note": "test"})
    loaded = load_model(path)
    page = small_dataset.head(60)
    assert (loaded.predict(page) == small_model.predict(page)).all()
    meta = model_metadata(path)
    assert meta["note"] == "test"
    assert meta["versions"]["scikit-learn"] == sklearn.__version__
    assert meta["labels"] == list(small_model.classes_)


def test_missing_corrupt_and_foreign_files_get_clear_errors(tmp_path, small_model):
    with pytest.raises(ModelFileError, match="no such model file"):
        load_model(tmp_path / "missing.joblib")
    corrupt = tmp_path / "corrupt.joblib"
    save_model(small_model, corrupt)
    corrupt.write_bytes(corrupt.read_bytes()[:500])
    with pytest.raises(ModelFileError, match="changed since it was built"):
        load_model(corrupt)
    Path(f"{corrupt}.sha256").unlink()   # without its digest, the truncated pickle itself fails
    with pytest.raises(ModelFileError, match="cannot be loaded.*rebuild"):
        load_model(corrupt)
    foreign = tmp_path / "foreign.joblib"
    joblib.dump({"weights": [1, 2, 3]}, foreign)
    with pytest.raises(ModelFileError, match="not a paywall-classifier-model file"):
        load_model(foreign)
    text = tmp_path / "notes.joblib"
    text.write_text("just some text")
    with pytest.raises(ModelFileError, match="cannot be loaded"):
        load_model(text)


def test_other_scikit_learn_version_warns(tmp_path, small_model):
    path = tmp_path / "old.joblib"
    save_model(small_model, path)
    bundle = joblib.load(path)
    bundle["metadata"]["versions"]["scikit-learn"] = "0.0.1"
    joblib.dump(bundle, path)
    Path(f"{path}.sha256").unlink()   # the edit above changed the file on purpose
    with pytest.warns(UserWarning, match="built with scikit-learn 0.0.1"):
        read_bundle(path)


def test_unsupported_format_version_is_refused(tmp_path, small_model):
    path = tmp_path / "future.joblib"
    with open(path, "wb") as handle:
        pickle.dump({"format": "paywall-classifier-model", "format_version": 99, "metadata": {}}, handle)
    with pytest.raises(ModelFileError, match="format version 99"):
        load_model(path)


def test_bundled_model_was_trained_on_the_current_data(dataset):
    """Fails when data/ changed without rebuilding the default model (see README, Retraining)."""
    assert DEFAULT_MODEL_PATH.is_file()
    assert model_metadata()["data_hash"] == data_hash(dataset)


class _RunsACommand:
    """Unpickling this would run a shell command that creates a file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        import os
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("dump", [
    lambda obj, path: pickle.dump(obj, open(path, "wb")),
    lambda obj, path: joblib.dump(obj, path, compress=3),
], ids=["plain-pickle", "joblib-zlib"])
def test_a_pickle_that_would_run_a_command_is_refused(tmp_path, dump):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.joblib"
    dump({"format": "paywall-classifier-model", "model": _RunsACommand(marker)}, path)
    with pytest.raises(ModelFileError, match="posix.system|os.system"):
        load_model(path)
    assert not marker.exists()


def test_object_arrays_are_refused(tmp_path):
    import numpy as np
    path = tmp_path / "objects.joblib"
    joblib.dump({"format": "paywall-classifier-model", "x": np.array([{"a": 1}], dtype=object)}, path)
    with pytest.raises(ModelFileError, match="object array"):
        load_model(path)


def test_a_model_changed_after_saving_is_detected(tmp_path, small_model):
    path = save_model(small_model, tmp_path / "m.joblib")
    assert (tmp_path / "m.joblib.sha256").is_file()
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="changed since it was built"):
        load_model(path)


def test_bundled_model_matches_its_recorded_digest():
    from classifier.persist import file_sha256
    recorded = DEFAULT_MODEL_PATH.with_name(DEFAULT_MODEL_PATH.name + ".sha256").read_text().split()[0]
    assert recorded == file_sha256(DEFAULT_MODEL_PATH)
