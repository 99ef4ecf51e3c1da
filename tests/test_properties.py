"""Property-based tests: any text or bytes given to the public entry points either gives a
well-formed result or raises the package's own documented error, never another exception.

CI runs the short profile; ``HYPOTHESIS_PROFILE=long`` runs many more cases (20,000 per
test, or ``HYPOTHESIS_MAX_EXAMPLES``); ``benchmarks/fuzz_long.py`` runs it and counts them.
"""
import copy
import os

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifier import (ClassifierError, DatasetError, InputError, Limits, clean_html,
                        clean_text, label_blocks, load_dataset, load_model, score_blocks,
                        score_html, split_blocks, split_html)

settings.register_profile("short", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", 20_000)),
                          deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "short"))

LINES = st.lists(st.text(max_size=120), max_size=25)
PAGES = st.one_of(st.text(max_size=2_000), LINES.map("\n".join))
SMALL_LIMITS = st.builds(Limits, max_page_chars=st.integers(1, 2_500),
                         max_blocks=st.integers(1, 30))


@given(st.one_of(PAGES, st.binary(max_size=500)))
def test_split_blocks_gives_stripped_nonempty_lines_or_input_error(page):
    try:
        blocks = split_blocks(page)
    except InputError:
        return
    text = page if isinstance(page, str) else page.decode("utf-8-sig")
    assert blocks == [line.strip() for line in text.splitlines() if line.strip()]


@given(PAGES, SMALL_LIMITS)
def test_split_blocks_keeps_within_any_limits_or_names_the_one_exceeded(page, limits):
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    try:
        blocks = split_blocks(page, limits=limits)
    except InputError as err:
        if "(max_page_chars)" in str(err):
            assert len(page) > limits.max_page_chars
        elif "(max_blocks)" in str(err):
            assert len(page) <= limits.max_page_chars and len(lines) > limits.max_blocks
            assert f"page has {len(lines):,} blocks" in str(err)
        else:
            assert "NUL" in str(err) and "\x00" in page
        return
    assert blocks == lines and len(page) <= limits.max_page_chars
    assert len(blocks) <= limits.max_blocks


@given(LINES, st.integers(1, 150))
def test_a_long_block_is_scored_as_its_prefix_and_returned_whole(blocks, max_block_chars):
    model = copy.copy(load_model()).set_params(max_block_chars=max_block_chars)
    scored = score_blocks(blocks, model)
    prefixes = score_blocks([block[:max_block_chars] for block in blocks])
    assert scored["text"].tolist() == blocks
    assert np.array_equal(scored.filter(like="proba_").to_numpy(),
                          prefixes.filter(like="proba_").to_numpy())


@given(LINES)
def test_label_and_score_blocks_are_well_formed(blocks):
    scored = score_blocks(blocks)
    labels = label_blocks(blocks)
    assert labels == scored["label"].tolist() and len(labels) == len(blocks)
    assert scored["text"].tolist() == blocks
    if blocks:
        probabilities = scored.filter(like="proba_")
        assert ((probabilities >= 0) & (probabilities <= 1)).all().all()
        assert ((probabilities.sum(axis=1) - 1).abs() < 1e-6).all()


@given(st.one_of(PAGES, st.binary(max_size=500)))
def test_clean_text_keeps_only_input_lines_in_order(page):
    try:
        cleaned = clean_text(page)
    except InputError:
        return
    blocks = split_blocks(page)
    kept = cleaned.split("\n") if cleaned else []
    position = 0
    for line in kept:   # each kept line is an input block, in page order
        position = blocks.index(line, position) + 1


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(content=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".jsonl", ".parquet"]))
def test_loaders_given_junk_raise_dataset_error_or_return_a_valid_table(tmp_path, content, suffix):
    path = tmp_path / f"junk{suffix}"
    path.write_bytes(content)
    try:
        table = load_dataset(path)
    except DatasetError:
        return
    assert isinstance(table, pd.DataFrame) and len(table) > 0
    assert {"publisher", "page_id", "position", "text", "label"} <= set(table.columns)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.fixed_dictionaries({
    "publisher": st.text(max_size=8), "page_id": st.text(max_size=8),
    "position": st.one_of(st.integers(-3, 50), st.text(max_size=4), st.floats()),
    "text": st.one_of(st.text(max_size=40), st.none(), st.integers()),
    "label": st.sampled_from(["body", "paywall", "junk", ""])}), min_size=1, max_size=12))
def test_loaders_given_malformed_rows_raise_dataset_error_or_validate(tmp_path, rows):
    path = tmp_path / "rows.jsonl"
    pd.DataFrame(rows).to_json(path, orient="records", lines=True)
    try:
        table = load_dataset(path)
    except ClassifierError as err:
        assert isinstance(err, DatasetError)
        return
    assert not table.duplicated(["page_id", "position"]).any()
    assert (table["text"].str.strip() != "").all()


WORDS = st.text(alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=8)
CLASSES = st.lists(st.sampled_from(["paywall", "nav", "footer", "article-body", "promo", "x1",
                                    "subscribe-offer", "share", "content", "ad"]), max_size=3)


@st.composite
def html_trees(draw, depth: int = 0) -> tuple[str, list[str]]:
    """A random page fragment of visible elements, and the words a reader sees, in order."""
    parts, words = [], []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 6 and draw(st.booleans()):
            tag = draw(st.sampled_from(["div", "p", "span", "a", "b", "li", "ul", "section",
                                        "nav", "footer", "aside", "article", "h2", "em"]))
            inner, inner_words = draw(html_trees(depth + 1))
            classes = " ".join(draw(CLASSES))
            parts.append(f'<{tag} class="{classes}">{inner}</{tag}>')
            words += inner_words
        else:
            piece = draw(st.lists(WORDS, min_size=1, max_size=5))
            parts.append(" " + " ".join(piece) + " ")
            words += piece
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(["<br>", "<script>var hidden = 1;</script>",
                                               "<style>p {}</style>", "<!-- note -->"])))
    return "".join(parts), words


TAG_SOUP = st.lists(st.one_of(
    st.sampled_from(["<div>", "</div>", "<p class='paywall'>", "<a href=x>", "</a>", "<br>",
                     "<script>", "</script>", "&amp;", "&#0;", "&#x110000;", "&bogus;", "<!--",
                     "-->", "<![CDATA[", "<table><td>", "<title>", "</li>", "<li>", "<html>",
                     "<body>", "<meta charset='koi8-r'>", "\x00", "\u200b", "<svg><text>"]),
    st.text(max_size=20)), max_size=40).map("".join)


@given(html_trees())
def test_split_html_keeps_every_visible_word_in_page_order(tree):
    fragment, words = tree
    page = f"<html><head><title>t</title></head><body>{fragment}</body></html>"
    blocks = split_html(page)
    assert " ".join(blocks["text"]).split() == ["t", *words]


def _assert_well_formed(blocks: pd.DataFrame) -> None:
    assert blocks["position"].tolist() == list(range(len(blocks)))
    assert all(isinstance(t, str) and t == t.strip() and t for t in blocks["text"])
    features = blocks.filter(like="dom_").to_numpy()
    assert np.isfinite(features).all() and (features >= 0).all()
    assert ((blocks["dom_link_share"] >= 0) & (blocks["dom_link_share"] <= 1)).all()


@given(st.one_of(TAG_SOUP, st.binary(max_size=500), TAG_SOUP.map(str.encode)))
def test_split_html_of_any_text_or_bytes_gives_well_formed_blocks_or_input_error(page):
    try:
        blocks = split_html(page)
    except InputError:
        return
    _assert_well_formed(blocks)


@given(TAG_SOUP, SMALL_LIMITS)
def test_split_html_keeps_within_any_limits_or_names_the_one_exceeded(page, limits):
    try:
        blocks = split_html(page, limits=limits)
    except InputError as err:
        message = str(err)
        assert ("(max_page_chars)" in message and len(page) > limits.max_page_chars) or \
            "(max_blocks)" in message or "empty" in message or "parsed" in message
        return
    _assert_well_formed(blocks)
    assert len(blocks) <= limits.max_blocks and len(page) <= limits.max_page_chars


@given(st.one_of(TAG_SOUP, html_trees().map(lambda tree: tree[0])))
def test_score_and_clean_html_are_well_formed_and_keep_only_page_lines_in_order(page):
    try:
        scored = score_html(page)
    except InputError:
        return
    blocks = split_html(page)
    assert scored["text"].tolist() == blocks["text"].tolist()
    probabilities = scored.filter(like="proba_")
    assert ((probabilities >= 0) & (probabilities <= 1)).all().all()
    assert ((probabilities.sum(axis=1) - 1).abs() < 1e-6).all()
    cleaned = clean_html(page)
    kept = cleaned.split("\n") if cleaned else []
    assert kept == scored.loc[scored["label"] == "body", "text"].tolist()
