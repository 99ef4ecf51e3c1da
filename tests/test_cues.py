"""Cue lexicons: per-language terms matched at word starts, counted per category."""
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.cues import (CATEGORIES, LEXICON_DIR, cue_counts, fold_texts, lexicon_terms,
                             read_lexicon, stopword_share)
from conftest import ROOT

LEXICONS = sorted(LEXICON_DIR.glob("*.tsv"))
TERMS = lexicon_terms()


def _column(name: str) -> int:
    return list(CATEGORIES).index(name)


def test_a_stem_matches_its_inflections_at_a_word_start_only():
    counts = cue_counts(fold_texts(["Jetzt abonnieren", "Ihr Abonnement", "Kabonnen"]), TERMS)
    subscribe = counts[:, _column("subscribe")]
    assert subscribe[0] >= 1 and subscribe[1] >= 1 and subscribe[2] == 0


def test_terms_of_spaceless_scripts_match_inside_a_run_of_text():
    assert cue_counts(fold_texts(["今すぐ会員登録して続きを読む"]), TERMS)[0].sum() >= 1


def test_texts_without_any_cue_give_zero_rows():
    assert not cue_counts(fold_texts(["", "12345", "Xqzv Wrrk"]), TERMS).any()


def test_stopword_share_is_high_in_prose_and_low_in_a_menu():
    prose, menu = stopword_share(fold_texts(["The council said that it would not vote on the plan.",
                                             "Weather Traffic Podcasts"]))
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


def test_a_fitted_model_keeps_the_lexicon_it_was_fitted_with(tmp_path, monkeypatch):
    # Editing the lexicons after fitting changes what a new fit computes, not a fitted model.
    from classifier import cues
    from classifier.features import LayoutFeatures

    frame = pd.DataFrame({"page_id": [0, 0, 0], "position": [0, 1, 2],
                          "text": ["Subscribe now", "zorbl zorbl", "The council met on Monday."]})
    fitted = LayoutFeatures().fit(frame)
    before = fitted.transform(frame)
    (tmp_path / "xx.tsv").write_text("subscribe\tzorbl\n", encoding="utf-8")
    monkeypatch.setattr(cues, "LEXICON_DIR", tmp_path)
    assert np.array_equal(fitted.transform(frame), before)
    refitted = LayoutFeatures().fit(frame)
    assert refitted.cue_terms_ == (("zorbl", (list(CATEGORIES).index("subscribe"),)),)
    assert not np.array_equal(refitted.transform(frame), before)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("abonieremt _²½9-ÄäßSS 会員登録読む\n")),
                        max_size=30), max_size=8))
def test_cue_counts_of_joined_texts_equal_counting_each_text_alone(texts):
    # The definition, text by text: a term counts where it starts a word (or anywhere, in
    # spaceless scripts); the vectorised count over the joined texts must agree with it.
    terms = (("abo", (0,)), ("abonn", (0, 2)), ("ss", (3,)), ("会員", (7,)), ("9", (5,)))
    want = np.zeros((len(texts), len(CATEGORIES)), dtype=np.float32)
    for row, text in enumerate(texts):
        folded = text.casefold()
        for term, categories in terms:
            for start in (m.start() for m in re.finditer(f"(?={re.escape(term)})", folded)):
                if not ("会" in term or start == 0 or not folded[start - 1].isalnum()):
                    continue
                want[row, list(categories)] += 1
    assert np.array_equal(cue_counts(fold_texts(texts), terms), want)
