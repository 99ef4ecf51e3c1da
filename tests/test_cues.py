"""Cue lexicons: per-language terms matched at word starts, counted per category."""
import numpy as np
import pytest

from classifier.cues import CATEGORIES, LEXICON_DIR, cue_counts, read_lexicon, stopword_share
from conftest import ROOT

LEXICONS = sorted(LEXICON_DIR.glob("*.tsv"))


def _column(name: str) -> int:
    return list(CATEGORIES).index(name)


def test_a_stem_matches_its_inflections_at_a_word_start_only():
    counts = cue_counts(["Jetzt abonnieren", "Ihr Abonnement", "Kabonnen"])
    subscribe = counts[:, _column("subscribe")]
    assert subscribe[0] >= 1 and subscribe[1] >= 1 and subscribe[2] == 0


def test_terms_of_spaceless_scripts_match_inside_a_run_of_text():
    assert cue_counts(["今すぐ会員登録して続きを読む"])[0].sum() >= 1


def test_texts_without_any_cue_give_zero_rows():
    assert not cue_counts(["", "12345", "Xqzv Wrrk"]).any()


def test_stopword_share_is_high_in_prose_and_low_in_a_menu():
    prose, menu = stopword_share(["The council said that it would not vote on the plan.",
                                  "Weather Traffic Podcasts"])
    assert prose > 0.3 and menu == 0.0


@pytest.mark.parametrize("path", LEXICONS, ids=lambda p: p.stem)
def test_every_lexicon_covers_every_category(path):
    terms = read_lexicon(path)
    assert set(terms) == set(CATEGORIES), set(CATEGORIES) - set(terms)


def test_every_language_of_the_dataset_has_a_lexicon(dataset):
    assert set(dataset["lang"].unique()) <= {p.stem for p in LEXICONS}


@pytest.mark.parametrize("line, message", [("subscribe abonn", "category<TAB>term"),
                                           ("paying\tbezahl", "category<TAB>term"),
                                           ("subscribe\tAbonn", "lower-case")],
                         ids=["no-tab", "unknown-category", "upper-case"])
def test_malformed_lexicon_lines_name_the_file_and_line(tmp_path, line, message):
    path = tmp_path / "xx.tsv"
    path.write_text(f"# comment\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message) as err:
        read_lexicon(path)
    assert f"{path}:2" in str(err.value)


def test_the_package_ships_the_lexicons():
    assert (ROOT / "pyproject.toml").read_text().count("lexicons/*.tsv") == 1
    assert np.all([p.stat().st_size > 0 for p in LEXICONS])
