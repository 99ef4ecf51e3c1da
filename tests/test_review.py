"""Pre-labelling pages for review: the table's columns, order, flags, and its trip through a file."""
import csv

import pandas as pd
import pytest

from classifier import DatasetError, InputError, load_dataset
from classifier.cli import main
from classifier.dataset import DIGEST_COLUMN
from classifier.model import labels_from_proba
from classifier.training.review import page_table, prelabel, write_review
from conftest import NEW_PUBLISHER

PAGES = sorted((NEW_PUBLISHER / "pages").glob("*.txt"))[:3]
TRICKY = ["Menu", 'He said "no, never", twice', "=SUM(A1:A3) is not a formula here",
          "<script>alert('x')</script> & more", "Ünïcödé · ₹ 1,299 / 年", "1/2"]


def _pages() -> list[tuple[str, list[str]]]:
    return [(p.stem, p.read_text(encoding="utf-8").splitlines()) for p in PAGES]


@pytest.fixture(scope="module")
def table(small_model):
    return prelabel(page_table(_pages(), "saltmarrow-gazetteer", "en"), small_model)


def test_table_has_the_dataset_columns_and_the_models_view(table, small_model):
    assert list(table.columns[:6]) == ["publisher", "page_id", "position", "text", "label", "lang"]
    probas = table[[f"proba_{c}" for c in small_model.classes_]]
    assert (table["label"] == table["predicted"]).all()
    own = [table.at[row, f"proba_{label}"] for row, label in table["label"].items()]
    assert (table["proba"] == own).all()
    assert table["label"].tolist() == labels_from_proba(probas.to_numpy(),
                                                       small_model.classes_).tolist()
    assert set(table["page_id"]) == {f"saltmarrow-gazetteer/{p.stem}" for p in PAGES}


def test_least_certain_blocks_come_first_and_pages_can_be_put_back_in_order(table):
    assert table["proba"].is_monotonic_increasing
    assert (table["review"] == (table["proba"] < 0.9)).all()
    assert 0 < table["review"].sum() < len(table)
    in_order = table.sort_values(["page_id", "position"])
    for page in PAGES:
        rows = in_order[in_order["page_id"] == f"saltmarrow-gazetteer/{page.stem}"]
        assert rows["text"].tolist() == page.read_text(encoding="utf-8").splitlines()
        assert rows["position"].tolist() == list(range(len(rows)))


def test_page_order_and_threshold_options(small_model):
    blocks = page_table(_pages()[:1], "saltmarrow-gazetteer")
    by_page = prelabel(blocks, small_model, order="page", threshold=1.01)
    assert by_page["position"].tolist() == list(range(len(blocks)))
    assert by_page["review"].all() and set(by_page["lang"]) == {"und"}
    assert not prelabel(blocks, small_model, threshold=0.0)["review"].any()


@pytest.mark.parametrize("excel", [False, True], ids=["csv", "excel"])
def test_a_reviewed_file_loads_back_as_a_dataset(tmp_path, small_model, excel):
    table = prelabel(page_table([("tricky", TRICKY)], "test-pub"), small_model)
    path = write_review(table, tmp_path / "review.csv", excel=excel)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == excel
    assert (b"\r\n" in raw) == excel
    with open(path, encoding="utf-8-sig", newline="") as handle:   # any CSV reader agrees
        rows = list(csv.DictReader(handle))
    assert sorted(r["text"] for r in rows) == sorted(TRICKY)
    edited = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, dtype=str)
    edited.loc[edited["text"] == "Menu", "label"] = "boilerplate"
    edited.loc[edited["text"].str.startswith("He said"), "label"] = "body"
    edited.to_csv(path, index=False)
    loaded = load_dataset(path)
    assert loaded["text"].tolist() == TRICKY            # page order restored on loading
    assert loaded["label"].tolist()[:2] == ["boilerplate", "body"]
    assert loaded["position"].tolist() == list(range(len(TRICKY)))


def test_a_text_changed_by_a_spreadsheet_is_refused_naming_row_and_page(tmp_path, small_model):
    table = prelabel(page_table([("tricky", TRICKY)], "test-pub"), small_model, order="page")
    table.loc[5, "text"] = "2024-01-02"                   # "1/2" turned into a date
    path = write_review(table, tmp_path / "review.csv")
    with pytest.raises(DatasetError, match=rf"review.csv: row 6 \(page_id='test-pub/tricky', "
                                           rf"position=5\): text does not match its {DIGEST_COLUMN}"):
        load_dataset(path)


def test_bad_publisher_and_duplicate_page_names_are_refused():
    with pytest.raises(InputError, match="must be a slug"):
        page_table([("a", ["x"])], "Saltmarrow Gazetteer")
    with pytest.raises(InputError, match="two pages are named 'a'"):
        page_table([("a", ["x"]), ("a", ["y"])], "pub")


def test_prelabel_command_writes_the_review_table(tmp_path, small_model_path, capsys):
    out = tmp_path / "review.csv"
    assert main(["-q", "prelabel", *map(str, PAGES), "--publisher", "saltmarrow-gazetteer",
                 "--lang", "en", "--model", str(small_model_path), "--excel", "-o", str(out)]) == 0
    assert "flagged for review" in capsys.readouterr().out
    loaded = load_dataset(out)
    assert loaded["page_id"].nunique() == len(PAGES) and set(loaded["lang"]) == {"en"}


def test_prelabel_command_errors_name_the_problem(tmp_path, small_model_path, capsys):
    (tmp_path / "empty.txt").write_text("\n\n")
    assert main(["prelabel", str(tmp_path / "empty.txt"), "--publisher", "p",
                 "--model", str(small_model_path), "-o", str(tmp_path / "r.csv")]) == 1
    assert capsys.readouterr().err.strip() == (f"paywall-classifier: {tmp_path / 'empty.txt'}: "
                                               "page is empty: no visible text to score")
    assert main(["prelabel", str(PAGES[0]), "--publisher", "p", "--excel",
                 "--model", str(small_model_path), "-o", str(tmp_path / "r.parquet")]) == 1
    assert "--excel writes CSV" in capsys.readouterr().err
