import copy
import tracemalloc

import numpy as np
import pytest

from classifier import (InputError, clean_html, clean_text, label_blocks, load_model,
                        paywall_score, score_blocks, score_html, split_blocks)
from conftest import EXAMPLE_PAGE

ARTICLE_ONLY = [
    "Harbour ferry fares to rise next month | Bayside Echo",
    "News", "Local", "Sport",
    "Harbour ferry fares to rise next month",
    "By Staff Reporter",
    "The harbour ferry company will raise single fares by forty cents from the first of next month, the operator said on Tuesday.",
    "Commuters who buy a monthly pass will not be affected until the summer, when the pass is due for its own annual review.",
    "The company blamed higher fuel costs and the cost of repairing the older of its two boats, which spent most of the winter in dry dock.",
    "A council spokesperson said the city had asked the operator to keep the discount for pensioners and students, and that talks were continuing.",
    "Contact us", "Privacy", "Terms",
]


@pytest.fixture(scope="module")
def example_blocks() -> list[str]:
    return split_blocks(EXAMPLE_PAGE.read_text(encoding="utf-8"))


def test_score_blocks_has_text_label_and_a_probability_per_label(example_blocks):
    scored = score_blocks(example_blocks)
    assert scored["text"].tolist() == example_blocks
    assert {"proba_body", "proba_boilerplate", "proba_paywall", "proba_disclaimer"} <= set(scored)
    probabilities = scored.filter(like="proba_")
    assert ((probabilities.sum(axis=1) - 1).abs() < 1e-6).all()
    assert label_blocks(example_blocks) == scored["label"].tolist()


def test_example_page_keeps_exactly_the_story(example_blocks):
    """The page described at the top of the design: the eight story paragraphs and nothing else."""
    labels = label_blocks(example_blocks)
    story = [i for i, b in enumerate(example_blocks) if len(b) > 120 and "Courier" not in b]
    assert len(story) == 8
    assert [i for i, lab in enumerate(labels) if lab == "body"] == story
    assert labels[story[-1] + 1] == "disclaimer"
    pitch = example_blocks.index("You have reached your limit of {{free_count}} free articles this month.")
    assert labels[pitch:pitch + 8] == ["paywall"] * 8   # notice, call, log-in, first plan card


def test_example_page_every_pitch_and_notice_line_is_named(example_blocks):
    """Everything after the story is the disclaimer, then one long paywall: metered notice with
    an unfilled placeholder, plan cards one field per line, renewal terms and benefit list."""
    labels = label_blocks(example_blocks)
    disclaimer = next(i for i, b in enumerate(example_blocks) if b.startswith("No journalist"))
    assert labels[disclaimer] == "disclaimer"
    assert labels[disclaimer + 1:] == ["paywall"] * (len(example_blocks) - disclaimer - 1)


def test_clean_text_returns_only_body_lines_in_order(example_blocks):
    cleaned = clean_text(EXAMPLE_PAGE.read_text(encoding="utf-8")).split("\n")
    positions = [example_blocks.index(line) for line in cleaned]
    assert positions == sorted(positions) and len(cleaned) >= 8
    assert not any("₹" in line or "Subscribe" in line for line in cleaned)


def test_paywall_score_separates_paywalled_from_free_pages(example_blocks):
    assert paywall_score(score_blocks(example_blocks)) > 0.8
    assert paywall_score(score_blocks(ARTICLE_ONLY)) < 0.3


SIGN_UP = ["The Harbour Briefing", "Five local stories in your inbox every weekday morning.",
           "Email address", "Sign me up", "Unsubscribe with one click whenever you like."]
PITCH = ["Subscribers read on", "You have used this month's free stories on Bayside Echo.",
         "Digital pass", "£1.50 a week for the first three months", "Stop whenever you like",
         "Already a subscriber? Sign in"]


def test_the_page_verdict_counts_paywalls_and_not_newsletter_sign_ups():
    story, footer = ARTICLE_ONLY[:-3], ARTICLE_ONLY[-3:]
    with_sign_up = score_blocks(story + SIGN_UP + footer)
    with_pitch = score_blocks(story + PITCH + footer)
    sign_up_rows = with_sign_up.iloc[len(story):len(story) + len(SIGN_UP)]
    assert (sign_up_rows["label"] != "body").all()            # removed all the same
    assert sign_up_rows["newsletter"].mean() > 0.5
    assert paywall_score(with_pitch) - paywall_score(with_sign_up) > 0.3


def test_article_without_furniture_keeps_its_paragraphs():
    labels = label_blocks(ARTICLE_ONLY)
    assert [lab for text, lab in zip(ARTICLE_ONLY, labels) if len(text) > 100] == ["body"] * 4
    assert labels[1:4] == ["boilerplate"] * 3


def test_empty_inputs():
    assert label_blocks([]) == []
    assert score_blocks([]).empty
    with pytest.raises(InputError, match="page is empty"):
        clean_text(" \n\n ")


EXAMPLE_HTML = EXAMPLE_PAGE.with_suffix(".html")


def test_score_html_gives_blocks_with_dom_features_labels_and_probabilities():
    scored = score_html(EXAMPLE_HTML.read_bytes())
    assert {"text", "label", "proba_body", "dom_in_link"} <= set(scored.columns)
    assert ((scored.filter(like="proba_").sum(axis=1) - 1).abs() < 1e-6).all()
    assert scored["text"].iloc[0].startswith("Envoys meet in Valdora")   # the <title>


def test_example_html_page_keeps_the_story_and_drops_every_pitch():
    """The design's example page as a site would serve it: header menu, story in an article,
    agency note, then a subscription overlay with plan cards and a benefit list. Every story
    paragraph is kept, in order, and every plan, price and subscribe line is dropped. Of the 39
    other lines at most three short ones may be kept: the DOM view (weight 0.8) reads the
    one-word headings of the benefit list ("E-paper", "Newsletters", "Archives") as a short
    list in the main column, body 0.57 to 0.67 (a known weakness, see the README)."""
    story = [b for b in split_blocks(EXAMPLE_PAGE.read_text(encoding="utf-8"))
             if len(b) > 120 and "Courier" not in b]
    kept = clean_html(EXAMPLE_HTML.read_text(encoding="utf-8")).split("\n")
    assert [line for line in kept if line in story] == story
    extra = [line for line in kept if line not in story]
    assert len(extra) <= 3 and all(len(line) < 30 for line in extra)
    scored = score_html(EXAMPLE_HTML.read_text(encoding="utf-8"))
    pitch = scored[scored["text"].str.contains("free articles|₹|Subscri|renew", regex=True)]
    assert len(pitch) >= 5 and set(pitch["label"]) == {"paywall"}


def test_clean_html_refuses_a_page_without_visible_text():
    with pytest.raises(InputError, match="no visible text"):
        clean_html("<html><head><script>var x = 1;</script></head><body></body></html>")


@pytest.mark.parametrize("blocks, message", [
    (["word " * 10_000_000], r"50,000,000 characters, over the limit of 10,000,000 \(max_page_chars\)"),
    (["x"] * 1_000_000, r"1,000,000 blocks, over the limit of 50,000 \(max_blocks\)"),
], ids=["50-MB-page", "million-one-character-lines"])
def test_pages_over_the_default_limits_are_refused_before_scoring(blocks, message):
    with pytest.raises(InputError, match=f"^page has {message}"):
        clean_text("\n".join(blocks))
    with pytest.raises(InputError, match=f"^block list has {message}"):
        label_blocks(blocks)


def test_a_long_block_is_kept_whole_but_scored_on_its_prefix():
    long_line = ARTICLE_ONLY[6] + " More of the same story." * 40
    model = copy.copy(load_model()).set_params(max_block_chars=len(ARTICLE_ONLY[6]))
    page = ARTICLE_ONLY[:6] + [long_line] + ARTICLE_ONLY[7:]
    scored = score_blocks(page, model)
    assert scored["text"].tolist() == page          # nothing cut from the output
    as_prefix = score_blocks(ARTICLE_ONLY, model)
    assert np.array_equal(scored.filter(like="proba_").to_numpy(),
                          as_prefix.filter(like="proba_").to_numpy())
    assert long_line in clean_text("\n".join(page), model).split("\n")


def test_a_single_line_page_of_millions_of_characters_is_scored_in_little_memory():
    load_model()
    line = "The council said the new bridge would open in spring and cost less. " * 35_000
    tracemalloc.start()
    try:
        scored = score_blocks(["Home", line, "Contact"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(scored["text"].iloc[1]) == len(line) > 2_000_000
    assert peak < 50_000_000   # featurising the whole line would take about 400 MB
