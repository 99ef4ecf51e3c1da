import pandas as pd
import pytest

from classifier.dataset import validate_blocks
from classifier.training.sources import SourceError, parse_source, parse_sources, write_pages
from classifier.training.synth import dataset_rows
from conftest import DATA, ROOT

SOURCE = """\
publisher: test-gazette
lang: en
kind: local news

=== snippet menu
O Home
O Sport

=== page first
@menu
O Mill reopens | Test Gazette
B The mill reopened on Monday.
P Subscribe for $1
@menu

=== page second
B Only body here.
"""


def write(tmp_path, text, name="test-gazette.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_pages_expand_snippets_in_place(tmp_path):
    rows = parse_source(write(tmp_path, SOURCE))
    first = [(r["label"], r["text"]) for r in rows if r["page_id"] == "test-gazette/first"]
    assert first == [("boilerplate", "Home"), ("boilerplate", "Sport"),
                     ("boilerplate", "Mill reopens | Test Gazette"),
                     ("body", "The mill reopened on Monday."), ("paywall", "Subscribe for $1"),
                     ("boilerplate", "Home"), ("boilerplate", "Sport")]
    assert [r["position"] for r in rows if r["page_id"] == "test-gazette/first"] == list(range(7))
    assert {r["lang"] for r in rows} == {"en"}


def test_paywall_lines_of_a_newsletter_snippet_are_of_the_fine_kind_newsletter(tmp_path):
    text = SOURCE.replace("=== snippet menu", "=== snippet newsletter-box\nO Morning Notes\n"
                          "P Sign up for Morning Notes\n\n=== snippet menu")
    text = text.replace("B Only body here.", "B Only body here.\n@newsletter-box")
    rows = [r for r in parse_source(write(tmp_path, text)) if r["page_id"] == "test-gazette/second"]
    assert [(r["label"], r["fine"]) for r in rows] == [
        ("body", ""), ("boilerplate", ""), ("paywall", "newsletter")]
    first = [r for r in parse_source(write(tmp_path, text)) if r["page_id"] == "test-gazette/first"]
    assert {r["fine"] for r in first} == {""}              # a paywall line outside the snippet


@pytest.mark.parametrize("text, message", [
    (SOURCE.replace("B Only body here.", "O Only furniture."), "page 'second' has no body line"),
    (SOURCE.replace("@menu\nO Mill", "@sidebar\nO Mill"), "unknown snippet 'sidebar'"),
    (SOURCE.replace("P Subscribe for $1", "X Subscribe for $1"), r":13: line must start"),
    (SOURCE.replace("lang: en\n", ""), r"missing metadata \['lang'\]"),
    (SOURCE.replace("=== page second", "=== page first"), "page 'first' is defined twice"),
    (SOURCE.replace("B Only body here.", "B "), "empty text"),
], ids=["no-body", "unknown-snippet", "bad-code", "no-lang", "duplicate-page", "empty-text"])
def test_format_errors_name_file_and_problem(tmp_path, text, message):
    with pytest.raises(SourceError, match=message):
        parse_source(write(tmp_path, text))


def test_same_publisher_in_two_files_is_refused(tmp_path):
    write(tmp_path, SOURCE, "a.txt")
    write(tmp_path, SOURCE, "b.txt")
    with pytest.raises(SourceError, match="also defined in"):
        parse_sources(tmp_path)


def test_compiled_dataset_is_in_sync_with_sources():
    """data/blocks.csv must be rebuilt (python -m classifier build-data) after editing sources."""
    compiled = validate_blocks(pd.DataFrame(dataset_rows(ROOT / "data" / "sources",
                                                         ROOT / "data" / "kits")))
    stored = validate_blocks(pd.read_csv(DATA, keep_default_na=False, dtype={"text": str}))
    columns = ["publisher", "page_id", "position", "text", "label", "lang"]
    pd.testing.assert_frame_equal(compiled[columns], stored[columns], check_dtype=False)


def test_write_pages_gives_one_text_file_per_page_without_labels(tmp_path):
    rows = parse_source(write(tmp_path, SOURCE))
    written = write_pages(rows, tmp_path / "pages")
    assert [p.name for p in written] == ["first.txt", "second.txt"]
    assert written[0].read_text(encoding="utf-8").splitlines() == [
        "Home", "Sport", "Mill reopens | Test Gazette", "The mill reopened on Monday.",
        "Subscribe for $1", "Home", "Sport"]


def test_new_publisher_example_pages_are_in_sync_with_their_source():
    """examples/new-publisher/pages/*.txt are the source's pages (rebuild with build-data --pages)."""
    example = ROOT / "examples" / "new-publisher"
    rows = parse_sources(example / "source")
    expected: dict[str, list[str]] = {}
    for row in rows:
        expected.setdefault(row["page_id"].split("/")[1], []).append(row["text"])
    found = {p.stem: p.read_text(encoding="utf-8").splitlines()
             for p in (example / "pages").glob("*.txt")}
    assert found == expected
