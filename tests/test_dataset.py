import json

import pytest

from classifier import DatasetError, load_dataset
from classifier.dataset import write_dataset
from conftest import make_page

PAGE = make_page([("boilerplate", "Home"), ("body", "The mill reopened on Monday."),
                  ("paywall", "Subscribe for $2 a week")])


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".jsonl.gz", ".parquet"])
def test_round_trip_in_every_format(tmp_path, suffix):
    path = tmp_path / f"blocks{suffix}"
    write_dataset(PAGE, path)
    loaded = load_dataset(path)
    assert loaded[["page_id", "position", "text", "label"]].equals(
        PAGE[["page_id", "position", "text", "label"]])


def test_folder_is_loaded_and_rows_sorted_by_page_and_position(tmp_path):
    write_dataset(PAGE.iloc[::-1], tmp_path / "a.csv")
    write_dataset(make_page([("body", "Other page text.")], page_id="p2"), tmp_path / "b.jsonl")
    loaded = load_dataset(tmp_path)
    assert loaded["page_id"].tolist() == ["p1", "p1", "p1", "p2"]
    assert loaded["position"].tolist() == [0, 1, 2, 0]


def test_missing_lang_gets_undetermined(tmp_path):
    PAGE.drop(columns="lang").to_csv(tmp_path / "x.csv", index=False)
    assert set(load_dataset(tmp_path / "x.csv")["lang"]) == {"und"}


@pytest.mark.parametrize("change, message", [
    (lambda df: df.drop(columns="label"), r"missing column\(s\) \['label'\]"),
    (lambda df: df.assign(label=["body", "body", "advert"]), "row 3 .*unknown label"),
    (lambda df: df.assign(text=["Home", "  ", "x"]), "row 2 .*text is empty"),
    (lambda df: df.assign(position=[0, 0, 1]), "duplicate"),
    (lambda df: df.assign(position=[0, "one", 2]), "position is not an integer"),
    (lambda df: df.assign(publisher=["a", "b", "a"]), "more than one publisher"),
], ids=["missing-column", "unknown-label", "empty-text", "duplicate-position",
        "bad-position", "two-publishers"])
def test_invalid_tables_name_the_problem(tmp_path, change, message):
    path = tmp_path / "bad.csv"
    change(PAGE.copy()).to_csv(path, index=False)
    with pytest.raises(DatasetError, match=message):
        load_dataset(path)


def test_custom_label_set_is_accepted_when_given(tmp_path):
    path = tmp_path / "x.csv"
    PAGE.assign(label=["nav", "body", "offer"]).to_csv(path, index=False)
    assert set(load_dataset(path, labels=["nav", "body", "offer"])["label"]) == {"nav", "body", "offer"}


def test_malformed_jsonl_names_the_line(tmp_path):
    path = tmp_path / "x.jsonl"
    good = json.dumps(PAGE.iloc[0].to_dict())
    path.write_text(good + "\n{not json\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"x.jsonl:2: invalid JSON"):
        load_dataset(path)


def test_malformed_csv_and_bad_encoding_are_dataset_errors(tmp_path):
    bad_csv = tmp_path / "quote.csv"
    bad_csv.write_text('publisher,page_id,position,text,label\na,p,0,"never closed,body\n')
    with pytest.raises(DatasetError, match="quote.csv"):
        load_dataset(bad_csv)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("publisher,page_id,position,text,label\na,p,0,caf\xe9,body\n".encode("latin-1"))
    with pytest.raises(DatasetError, match="not valid UTF-8"):
        load_dataset(latin)


def test_same_page_in_two_files_is_refused(tmp_path):
    write_dataset(PAGE, tmp_path / "a.csv")
    write_dataset(PAGE, tmp_path / "b.csv")
    with pytest.raises(DatasetError, match="page_id 'p1' is also in"):
        load_dataset([tmp_path / "a.csv", tmp_path / "b.csv"])


def test_unknown_file_type_and_missing_path(tmp_path):
    (tmp_path / "x.xlsx").write_text("nope")
    with pytest.raises(DatasetError, match="unsupported file type"):
        load_dataset(tmp_path / "x.xlsx")
    with pytest.raises(DatasetError, match="no such file"):
        load_dataset(tmp_path / "missing.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match="holds no"):
        load_dataset(tmp_path / "empty")
