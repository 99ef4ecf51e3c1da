import json
import os
import pickle
import zipfile
from pathlib import Path

import joblib
import numpy as np
import pytest
import skops.io
import sklearn

from classifier import ModelFileError, load_model, save_model
from classifier.dataset import data_hash
from classifier.persist import DEFAULT_MODEL_PATH, model_metadata, read_bundle
from conftest import EXAMPLE_PAGE


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


def test_skops_round_trip_gives_identical_probabilities_and_metadata(tmp_path, small_model,
                                                                     small_dataset):
    path = save_model(small_model, tmp_path / "m.skops", metadata={"note": "skops"})
    assert zipfile.is_zipfile(path) and (tmp_path / "m.skops.sha256").is_file()
    loaded = load_model(path)
    page = small_dataset.head(80)
    assert np.array_equal(loaded.predict_proba(page), small_model.predict_proba(page))
    assert model_metadata(path)["note"] == "skops"
    assert model_metadata(path)["labels"] == list(small_model.classes_)


class _Gadget:
    """A class from outside the allow-list."""

    def __init__(self):
        self.armed = True


@pytest.mark.parametrize("payload, refused", [
    (os.system, "posix.system|os.system"),
    (_Gadget(), "test_persist._Gadget"),
], ids=["function", "foreign-class"])
def test_a_skops_file_with_a_type_off_the_allow_list_is_refused(tmp_path, payload, refused):
    path = tmp_path / "evil.skops"
    skops.io.dump({"format": "paywall-classifier-model", "format_version": 1,
                   "model": payload, "metadata": {}}, path)
    with pytest.raises(ModelFileError, match=f"evil.skops: model file wants to import ({refused})"
                                             ".*not on the allow-list"):
        load_model(path)


def test_corrupt_and_foreign_skops_files_get_clear_errors(tmp_path, small_model):
    path = save_model(small_model, tmp_path / "cut.skops")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ModelFileError, match="cut.skops: the file changed since it was built"):
        load_model(path)
    Path(f"{path}.sha256").unlink()
    with pytest.raises(ModelFileError, match="cut.skops: cannot be loaded as a model file.*rebuild"):
        load_model(path)
    text = tmp_path / "notes.skops"
    text.write_text("not a zip file at all")
    with pytest.raises(ModelFileError, match="notes.skops: cannot be loaded as a model file"):
        load_model(text)
    other = tmp_path / "other.skops"
    skops.io.dump({"weights": [1, 2, 3]}, other)
    with pytest.raises(ModelFileError, match="other.skops: not a paywall-classifier-model file"):
        load_model(other)


def test_cli_train_writes_a_skops_model_that_label_and_info_read(tmp_path, small_model,
                                                                 small_dataset, capsys,
                                                                 monkeypatch):
    from classifier.cli import main
    from classifier.dataset import write_dataset

    data = tmp_path / "small.csv"
    write_dataset(small_dataset.head(300), data)
    monkeypatch.setattr("classifier.training.train.train_model", lambda df, **params: small_model)
    model = tmp_path / "model.skops"
    assert main(["-q", "train", "--data", str(data), "-o", str(model)]) == 0
    assert zipfile.is_zipfile(model)
    assert main(["info", "--model", str(model)]) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1])["n_blocks"] == 300
    assert main(["label", "--model", str(model), str(EXAMPLE_PAGE)]) == 0
    assert capsys.readouterr().out.startswith(f"# {EXAMPLE_PAGE}\tpaywall_score=")
