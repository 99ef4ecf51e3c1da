"""Before/after on a new publisher: which pages each model trains on and is scored on."""
import json

import pandas as pd
import pytest

from classifier import DatasetError, save_model
from classifier.cli import main
from classifier.dataset import write_dataset
from classifier.training.holdout import control_publishers, holdout_evaluation, split_publisher_pages
from classifier.training.sources import parse_sources
from conftest import NEW_PUBLISHER

NEW = "saltmarrow-gazetteer"


@pytest.fixture(scope="module")
def data(small_dataset):
    return pd.concat([small_dataset, pd.DataFrame(parse_sources(NEW_PUBLISHER / "source"))],
                     ignore_index=True)


@pytest.fixture
def trained_on(monkeypatch, small_model):
    """Record what each retraining is given; return the small model instead of training."""
    frames = []

    def fake_train(df, **params):
        frames.append(df)
        return small_model
    monkeypatch.setattr("classifier.training.holdout.train_model", fake_train)
    return frames


def test_pages_are_split_in_two_disjoint_halves(data):
    train, test = split_publisher_pages(data, NEW)
    assert len(train) == len(test) == 5 and not set(train) & set(test)
    assert set(train) | set(test) == set(data.loc[data["publisher"] == NEW, "page_id"])
    assert (train, test) == split_publisher_pages(data, NEW)
    assert (train, test) != split_publisher_pages(data, NEW, random_state=1)


def test_unusable_publishers_are_named(data):
    with pytest.raises(DatasetError, match="no page of publisher 'nobody'"):
        split_publisher_pages(data, "nobody")
    one_page = data[data["page_id"] != "x"].head(3).assign(publisher="solo", page_id="solo/a")
    with pytest.raises(DatasetError, match="'solo' has only 1 page"):
        split_publisher_pages(one_page, "solo")
    with pytest.raises(DatasetError, match="too few to hold out every 2th"):
        control_publishers(data[data["publisher"].isin(sorted(set(data["publisher"]))[:4])],
                           NEW, every=2)


def test_no_scored_page_is_ever_trained_on(data, small_model, trained_on):
    report = holdout_evaluation(data, NEW, small_model, control_every=3, progress=False)
    baseline, after = trained_on
    controls = set(report["control_publishers"])
    assert controls and NEW not in controls
    assert not controls & set(baseline["publisher"]) and not controls & set(after["publisher"])
    assert NEW not in set(baseline["publisher"])
    assert set(after.loc[after["publisher"] == NEW, "page_id"]) == set(report["train_pages"])
    assert not set(report["test_pages"]) & set(after["page_id"])
    assert set(after["page_id"]) - set(baseline["page_id"]) == set(report["train_pages"])
    per_label = report["after"]["publisher"]["per_label"].values()
    assert report["n_test_blocks"] == data["page_id"].isin(report["test_pages"]).sum() == sum(
        s["support"] for s in per_label)
    assert "control" not in report["before"]          # the model in use may have seen them
    assert report["change"]["control_macro_f1"] == 0.0   # same (fake) model both times


def test_holdout_command_prints_the_table_and_refuses_a_model_that_saw_the_publisher(
        tmp_path, data, small_model, trained_on, capsys):
    path = tmp_path / "data.parquet"
    write_dataset(data, path)
    seen = save_model(small_model, tmp_path / "seen.joblib", metadata={"publishers": [NEW]})
    args = ["-q", "evaluate", "--data", str(path), "--holdout-publisher", NEW, "--control-every", "3"]
    assert main([*args, "--model", str(seen)]) == 1
    assert f"seen.joblib was trained on pages of {NEW}" in capsys.readouterr().err
    unseen = save_model(small_model, tmp_path / "unseen.joblib",
                        metadata={"publishers": sorted(set(data["publisher"]) - {NEW})})
    assert main([*args, "--model", str(unseen), "--json", str(tmp_path / "h.json")]) == 0
    out = capsys.readouterr().out
    assert f"{NEW}: trained on 5 of its pages, scored on the other 5" in out
    for row in ("before: ", "baseline: retrained without", "after: retrained with 5",
                "change, after - baseline"):
        assert row in out
    report = json.loads((tmp_path / "h.json").read_text())
    assert "control" not in report["before"]     # unseen.joblib lists the controls as trained on
    apart = save_model(small_model, tmp_path / "apart.joblib", metadata={"publishers": ["other"]})
    assert main([*args, "--model", str(apart), "--json", str(tmp_path / "h.json")]) == 0
    assert "control" in json.loads((tmp_path / "h.json").read_text())["before"]
