"""Language kits: the reader checks the format, and the generator composes whole pages."""
import pandas as pd
import pytest

from classifier.training.kits import POOLS, kit_problems, read_kit
from classifier.training.sources import SourceError
from classifier.training.synth import dataset_rows, synth_folder, synth_rows
from conftest import ROOT

KITS = sorted((ROOT / "data" / "kits").glob("*.txt"))


def _tiny_kit(tmp_path, articles: int = 9):
    """A complete kit of invented filler lines: each pool at its least size, and short articles."""
    lines = ["lang: xx", ""]
    for name, (label, least) in POOLS.items():
        code = {"boilerplate": "O", "paywall": "P", "disclaimer": "D"}[label]
        lines.append(f"=== pool {name}")
        lines += [f"{code} pub-{i} | Pub {i}" if name == "publisher-names" else f"{code} {name} {i}"
                  for i in range(least)]
    for a in range(articles):
        lines += [f"=== article story-{a}", f"O Headline {a}", f"O Dek {a}"]
        lines += [f"B Paragraph {k} of story {a} says something long enough." for k in range(6)]
    path = tmp_path / "xx.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_complete_kit_gives_publishers_of_whole_pages(tmp_path):
    rows = pd.DataFrame(synth_rows(read_kit(_tiny_kit(tmp_path))))
    pages = rows.groupby("page_id")
    assert rows["page_id"].nunique() == 9                       # each article on one page
    assert rows["publisher"].nunique() == 2                     # 4 + 5 pages (3 alone is too few)
    assert all(set(g["label"]) >= {"body", "boilerplate", "disclaimer"} for _, g in pages)
    assert (pages["position"].apply(lambda p: list(p) == list(range(len(p))))).all()
    first = rows[rows["publisher"] == "pub-0"]
    footers = first.groupby("page_id")["text"].apply(lambda t: frozenset(t[t.str.startswith("footer ")]))
    assert footers.nunique() == 1 and len(footers.iloc[0]) >= 6     # a site keeps its template


def test_newsletter_box_lines_are_paywall_blocks_of_the_fine_kind_newsletter(tmp_path):
    rows = pd.DataFrame(synth_rows(read_kit(_tiny_kit(tmp_path, articles=40))))
    sign_ups = rows["text"].str.startswith("pw-newsletter ")
    assert sign_ups.any()
    assert (rows.loc[sign_ups, "label"] == "paywall").all()
    assert (rows.loc[sign_ups, "fine"] == "newsletter").all()
    assert (rows.loc[~sign_ups, "fine"] == "").all()


def test_a_pool_continued_in_a_later_section_holds_the_lines_of_both(tmp_path):
    path = _tiny_kit(tmp_path)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("=== pool theme\nO More theme furniture\n")
    assert read_kit(path).pools["theme"][-1] == "More theme furniture"
    assert len(read_kit(path).pools["theme"]) == POOLS["theme"][1] + 1


def test_generation_is_the_same_every_time(tmp_path):
    kit = read_kit(_tiny_kit(tmp_path))
    assert synth_rows(kit) == synth_rows(kit)


@pytest.mark.parametrize("text, message", [
    ("lang: xx\n=== pool navigation\nO Home\n", "unknown pool 'navigation'"),
    ("lang: xx\n=== pool nav\nP Subscribe\n", "pool 'nav' holds only boilerplate lines"),
    ("lang: xx\n=== pool publisher-names\nO Just A Name\n", "'slug | Display Name'"),
    ("lang: xx\n=== article a\nB No headline first.\n", "must start with an O headline"),
    ("lang: xx\n=== article a\nO Headline\nO Dek\n", "has no B line"),
    ("=== pool nav\nO Home\n", "missing 'lang: xx'"),
], ids=["unknown-pool", "wrong-label", "bad-name", "no-headline", "no-body", "no-lang"])
def test_format_errors_name_the_file_line_and_problem(tmp_path, text, message):
    path = tmp_path / "k.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=message) as err:
        read_kit(path)
    assert str(path) in str(err.value)


def test_an_incomplete_kit_is_refused_naming_what_it_lacks(tmp_path):
    (tmp_path / "xx.txt").write_text("lang: xx\n=== pool nav\nO Home\n", encoding="utf-8")
    with pytest.raises(SourceError, match="pool nav: 1 lines, needs at least"):
        synth_folder(tmp_path)


def test_a_generated_publisher_may_not_reuse_a_source_files_slug(tmp_path):
    kits = tmp_path / "kits"
    kits.mkdir()
    _tiny_kit(kits)
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "p.txt").write_text("publisher: pub-0\nlang: en\nkind: news\n=== page a\nB Text.\n",
                                   encoding="utf-8")
    with pytest.raises(SourceError, match="pub-0"):
        dataset_rows(sources, kits)


@pytest.mark.parametrize("path", KITS, ids=lambda p: p.stem)
def test_every_project_kit_is_complete(path):
    kit = read_kit(path)
    assert kit.lang == path.stem and not kit_problems(kit)
    assert len(kit.articles) >= 20
