"""Quality gate: publisher-held-out macro F1 on data/ must stay above a pinned floor.

The floor is stored with a hash of the data it was measured on (like trafilatura's eval gate):
changing data/ fails this test until the floor is re-measured and pinned again on purpose.
"""
import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

from classifier.dataset import data_hash
from conftest import make_page
from classifier.errors import DatasetError
from classifier.training.evaluation import cross_validate, format_language_report, label_scores, language_held_out

FLOOR_FILE = Path(__file__).with_name("quality_floor.json")


def test_label_scores_counts_per_label():
    scores = label_scores(["body", "body", "paywall"], ["body", "paywall", "paywall"],
                          ["body", "paywall"])
    assert scores["per_label"]["body"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3),
                                           "support": 2}
    assert scores["confusion"]["matrix"] == [[1, 1], [0, 1]]
    assert scores["macro_f1"] == pytest.approx((2 / 3 + 2 / 3) / 2)


@pytest.fixture(scope="module")
def report(dataset):
    floor = json.loads(FLOOR_FILE.read_text())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return floor, cross_validate(dataset, n_splits=floor["folds"], progress=False)


@pytest.mark.slow
def test_floor_was_measured_on_the_current_data(report, dataset):
    floor, _ = report
    assert floor["data_hash"] == data_hash(dataset), (
        "data/ changed: re-run `python -m classifier evaluate --data data/` and update "
        "tests/quality_floor.json on purpose")


@pytest.mark.slow
def test_held_out_publisher_scores_stay_above_the_floor(report):
    floor, measured = report
    assert measured["macro_f1"] >= floor["macro_f1"]
    for label, minimum in floor["f1"].items():
        assert measured["per_label"][label]["f1"] >= minimum, label
    # languages with several publishers; the others have too few to hold one out fairly
    for lang in floor["gated_languages"]:
        assert measured["per_language"][lang] >= floor["min_language_macro_f1"], lang


@pytest.mark.slow
def test_held_out_publisher_scores_in_html_mode_stay_above_the_floor(report):
    floor, measured = report
    assert measured["html"]["macro_f1"] >= floor["html_macro_f1"]


class _Recorder:
    """Stands in for a trained model: remembers its training languages, predicts body."""

    def __init__(self, df):
        self.languages = set(df["lang"])

    def predict(self, df):
        return ["body"] * len(df)


def test_leave_one_language_out_never_trains_on_the_language_it_scores(monkeypatch, capsys):
    pages = [make_page([("body", f"Story {i} text."), ("paywall", "Subscribe")], f"p{i}",
                       publisher=f"pub{i}").assign(lang=lang)
             for i, lang in enumerate(["de", "de", "fr", "en"])]
    df = pd.concat(pages, ignore_index=True)
    trained = []
    monkeypatch.setattr("classifier.training.evaluation.train_model",
                        lambda data, **kw: trained.append(_Recorder(data)) or trained[-1])
    report = language_held_out(df, progress=False)
    assert list(report) == ["de", "en", "fr"]
    assert [m.languages for m in trained] == [{"en", "fr"}, {"de", "fr"}, {"de", "en"}]
    assert report["de"]["n_pages"] == 2 and report["de"]["per_label"]["body"]["recall"] == 1.0
    assert report["de"]["per_label"]["paywall"]["f1"] == 0.0
    with pytest.raises(DatasetError, match="no page in language 'sv'"):
        language_held_out(df, languages=["sv"], progress=False)
    print(format_language_report(report))
    table = capsys.readouterr().out.splitlines()
    assert table[1].split()[:3] == ["lang", "pages", "macro"] and table[2].startswith("de")


def test_evaluate_hold_out_languages_prints_and_writes_the_report(monkeypatch, tmp_path, capsys):
    from classifier.cli import main
    from classifier.dataset import write_dataset
    pages = [make_page([("body", f"Story {i} text."), ("boilerplate", "Home")], f"p{i}",
                       publisher=f"pub{i}").assign(lang=lang) for i, lang in enumerate("abc")]
    write_dataset(pd.concat(pages, ignore_index=True), tmp_path / "d.csv")
    monkeypatch.setattr("classifier.training.evaluation.train_model", lambda data, **kw: _Recorder(data))
    out = tmp_path / "lolo.json"
    assert main(["evaluate", "--data", str(tmp_path / "d.csv"), "--hold-out-languages", "b",
                 "--json", str(out), "-q"]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[:2] == ["b", "1"]
    assert list(json.loads(out.read_text())) == ["b"]
