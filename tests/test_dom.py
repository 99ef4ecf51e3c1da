"""HTML pages -> blocks with DOM features: line cutting, features, encodings, hostile pages."""
import time

import numpy as np
import pytest

from classifier import InputError, split_html
from classifier.dom import keyword_flags
from classifier.schema import DOM_FEATURES
from lxml import html as lxml_html

PAGE = """<!DOCTYPE html><html><head><title>Tide tables go digital | Saltmarsh Gazette</title>
<style>.x { color: red }</style><script>var tracking = "not text";</script></head>
<body><header class="site-header"><nav class="main-menu"><ul>
<li><a href="/news">News</a></li><li><a href="/boats">Boats</a></li></ul></nav></header>
<!-- a comment nobody reads -->
<article class="story"><h1>Tide tables go digital</h1>
<div class="story-body">
<p>The harbour office will stop printing its yellow tide booklet next spring and publish the
tables <a href="/tides">on its website</a> instead, the harbourmaster said.</p>
<p>Fishing crews &amp; sailing clubs have until March to say whether they still need paper
copies, which cost the office about four thousand pounds a year.</p>
<p>Line one<br>Line two</p>
</div></article>
<footer class="site-footer"><p>&copy; Saltmarsh Gazette 2026</p></footer>
</body></html>"""


@pytest.fixture(scope="module")
def blocks():
    return split_html(PAGE)


def test_one_block_per_visual_line_in_page_order(blocks):
    assert blocks["text"].tolist() == [
        "Tide tables go digital | Saltmarsh Gazette", "News", "Boats", "Tide tables go digital",
        "The harbour office will stop printing its yellow tide booklet next spring and publish "
        "the tables on its website instead, the harbourmaster said.",
        "Fishing crews & sailing clubs have until March to say whether they still need paper "
        "copies, which cost the office about four thousand pounds a year.",
        "Line one", "Line two", "© Saltmarsh Gazette 2026"]
    assert blocks["position"].tolist() == list(range(len(blocks)))
    assert list(blocks.columns) == ["position", "text", *DOM_FEATURES]


def test_dom_features_say_where_each_block_sits(blocks):
    row = {text: r for text, r in zip(blocks["text"], blocks.to_dict("records"))}
    menu, story = row["News"], row["Fishing crews & sailing clubs have until March to say whether "
                                    "they still need paper copies, which cost the office about "
                                    "four thousand pounds a year."]
    footer = row["© Saltmarsh Gazette 2026"]
    assert menu["dom_in_nav"] == 1 and menu["dom_in_link"] == 1 and 0 < menu["dom_kw_nav"] < 1
    assert story["dom_in_paragraph"] == 1 and story["dom_in_link"] == 0
    assert story["dom_in_top_container"] == 1 and story["dom_container_prose_share"] == 1
    # keyword nearness: the paragraph's parent "story-body" carries both words
    assert story["dom_kw_body"] == 1 / 2 and story["dom_kw_article"] == 1 / 2
    assert row["Tide tables go digital"]["dom_kw_article"] == 1 / 2     # h1 in article.story
    assert menu["dom_in_top_container"] == 0 and menu["dom_container_prose_share"] == 0
    assert footer["dom_in_footer"] == 1 and footer["dom_kw_footer"] == 1 / 2
    assert menu["dom_kw_footer"] == 0 and story["dom_kw_nav"] == 0
    linked = row[blocks["text"][4]]
    assert 0 < linked["dom_link_share"] < 0.2
    assert row["Tide tables go digital | Saltmarsh Gazette"]["dom_in_title"] == 1


@pytest.mark.parametrize("markup, groups", [
    ('<div class="paywall-offer">', {"paywall"}),
    ('<div id="siteNavigation">', {"nav"}),
    ('<div class="css-1x2y3z">', set()),
    ('<div class="address-box">', set()),       # "ad" only as a whole token
    ('<div class="ad-slot">', {"ad"}),
])
def test_class_and_id_keywords(markup, groups):
    from classifier.dom import _KEYWORD_GROUPS
    element = lxml_html.fragment_fromstring(markup + "</div>")
    mask = keyword_flags(element)
    found = {name for bit, name in enumerate(_KEYWORD_GROUPS) if mask >> bit & 1}
    assert found == groups


def test_bytes_are_decoded_by_utf8_then_the_declared_charset():
    text = "<html><head><title>Café crème</title></head><body><p>Ça marche.</p></body></html>"
    assert split_html(text.encode("utf-8"))["text"].tolist() == ["Café crème", "Ça marche."]
    latin = text.replace("<head>", '<head><meta charset="iso-8859-1">').encode("latin-1")
    assert split_html(latin)["text"].tolist() == ["Café crème", "Ça marche."]


def test_undecodable_bytes_become_replacement_characters_not_a_crash():
    page = b'<html><head><meta charset="utf-8"></head><body><p>ok \xff\xfe here</p></body></html>'
    blocks = split_html(page)
    assert len(blocks) == 1 and blocks["text"][0].startswith("ok")


@pytest.mark.parametrize("page, message", [
    ("", "empty"), ("   \n ", "empty"), (12, "expected HTML"),
    (b'<meta charset="no-such-codec"><p>\xff</p>', "charset"),
])
def test_bad_pages_get_input_errors(page, message):
    with pytest.raises(InputError, match=message):
        split_html(page)


def test_a_page_over_the_size_limit_is_refused_before_parsing():
    page = "<p>" + "word " * 10_500_000 + "</p>"       # about 50 MB
    started = time.perf_counter()
    with pytest.raises(InputError, match="over the limit"):
        split_html(page)
    assert time.perf_counter() - started < 5


def test_deep_nesting_is_refused_quickly_naming_the_limit():
    page = "<div>" * 100_000 + "<p>deep text here</p>" + "</div>" * 100_000
    started = time.perf_counter()
    with pytest.raises(InputError, match="nested more than 256 deep"):
        split_html(page)
    assert time.perf_counter() - started < 10


def test_nesting_within_the_limit_keeps_the_text():
    page = "<div>" * 200 + "<p>deep text here</p>" + "</div>" * 200
    assert split_html(page)["text"].tolist() == ["deep text here"]


def test_entity_bomb_is_not_expanded():
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1) if i else "&lol;") * 10}">'
                      for i in range(1, 10))
            + ']><html><body><p>&lol9;</p><p>after the bomb</p></body></html>')
    blocks = split_html(bomb)
    assert sum(len(t) for t in blocks["text"]) < 10_000
    assert "after the bomb" in blocks["text"].tolist()


def test_zero_width_characters_alone_do_not_make_a_block():
    blocks = split_html("<p>\u200b</p><p>\ufeffReal text\u200b</p><div>\u00ad \u2060</div>")
    assert blocks["text"].tolist() == ["Real text"]


def test_features_are_finite_numbers_for_a_page_without_prose():
    blocks = split_html("<ul><li><a href='/'>Home</a></li><li>Contact</li></ul>")
    values = blocks[list(DOM_FEATURES)].to_numpy()
    assert np.isfinite(values).all() and len(blocks) == 2


@pytest.mark.parametrize("page", ['<a href="x">\u200b0', '<p><a href="x">Read \n\n   more</a></p>'],
                         ids=["zero-width-space", "folded-spaces"])
def test_a_line_that_is_all_link_has_link_share_one(page):
    # the first case was found by Hypothesis: the link's zero-width space was counted
    assert split_html(page)["dom_link_share"].tolist() == [1.0]


XHTML_BODY = "<html xmlns='http://www.w3.org/1999/xhtml'><body><p>Ein Absatz über Köln.</p></body></html>"


@pytest.mark.parametrize("page", [
    '<?xml version="1.0" encoding="utf-8"?>\n' + XHTML_BODY,
    '\ufeff<?xml version="1.0" encoding="UTF-8"?>' + XHTML_BODY,
    ('<?xml version="1.0" encoding="utf-8"?>' + XHTML_BODY).encode("utf-8"),
    ('<?xml version="1.0" encoding="iso-8859-1"?>' + XHTML_BODY).encode("latin-1"),
    ("<html><head><meta charset='utf-8'></head><body><p>Ein Absatz über Köln.</p></body></html>"
     ).encode("cp1252"),
    "\ufeff" + XHTML_BODY,
], ids=["xml-declaration-str", "bom-and-declaration-str", "declaration-utf8-bytes",
        "declared-latin1-bytes", "mislabelled-utf8-meta", "bom-str"])
def test_every_page_a_browser_shows_is_read(page):
    assert split_html(page)["text"].tolist() == ["Ein Absatz über Köln."]


def test_the_schema_names_the_dom_columns_in_the_order_they_are_computed():
    """schema.DOM_FEATURES is the model's contract; dom.py computes one column per tag flag
    and keyword group, in the order of its tables."""
    from classifier.dom import _KEYWORD_GROUPS, _TAG_FLAGS

    computed = ("dom_depth", "dom_link_share", "dom_in_link",
                *(f"dom_in_{name}" for name in _TAG_FLAGS),
                *(f"dom_kw_{name}" for name in _KEYWORD_GROUPS),
                "dom_in_top_container", "dom_container_prose_share", "dom_extractor_kept")
    assert DOM_FEATURES == computed
