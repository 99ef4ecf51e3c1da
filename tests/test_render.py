"""Rendering labelled text pages to HTML through publisher templates, and back to blocks."""
import pytest

from classifier import split_html
from classifier.dom import DOM_FEATURES
from classifier.render import add_dom_features, block_roles, render_page, template_for
from conftest import make_page

PAGE = [
    ("boilerplate", "Ferry timetable changes for winter | Saltmarsh Gazette"),
    ("boilerplate", "News"), ("boilerplate", "Boats"), ("boilerplate", "Weather"),
    ("boilerplate", "Ferry timetable changes for winter"),
    ("boilerplate", "By Harbour Desk"),
    ("body", "The island ferry will run four crossings a day instead of six from November, "
             "the operator said, because fewer visitors travel in the dark months."),
    ("boilerplate", "Advertisement"),
    ("body", "Regular passengers can keep their season tickets, which will be extended by two "
             "weeks to make up for the missing sailings."),
    ("body", "What changes"),
    ("body", "The first boat leaves at seven & the last returns at six; <b> is not a tag here."),
    ("paywall", "You have read all of your free stories this month."),
    ("paywall", "Subscribe"),
    ("disclaimer", "© Saltmarsh Gazette 2026. All rights reserved."),
    ("boilerplate", "Contact us"), ("boilerplate", "Privacy"),
]


@pytest.mark.parametrize("publisher", ["saltmarsh-gazette", "north-quay-daily", "a", "zz-top-news",
                                       "kettle-and-compass", "la-voz-del-puerto"])
def test_every_block_comes_back_as_one_visual_line(publisher):
    texts = [text for _, text in PAGE]
    labels = [label for label, _ in PAGE]
    html_page = render_page(texts, labels, publisher)
    assert split_html(html_page)["text"].tolist() == texts


def test_templates_are_stable_per_publisher_and_vary_across_publishers():
    assert template_for("saltmarsh-gazette") == template_for("saltmarsh-gazette")
    templates = {template_for(f"publisher-{i}") for i in range(40)}
    assert len({t.scheme for t in templates}) >= 4
    assert len({t.html5 for t in templates}) == 2
    assert len({t.paywall_in_article for t in templates}) == 2


def test_block_roles_follow_label_and_place_on_the_page():
    roles = block_roles([t for _, t in PAGE], [lab for lab, _ in PAGE])
    assert roles[0] == "title" and roles[4] == "headline"
    assert roles[1:4] == ["nav"] * 3
    assert roles[6] == "paragraph" and roles[9] == "subhead" and roles[7] == "ad"
    assert roles[11:13] == ["paywall"] * 2 and roles[13] == "disclaimer"
    assert roles[-2:] == ["footer"] * 2


def test_bulleted_and_short_runs_of_body_lines_are_list_items():
    texts = ["Title", "Packing list", "• Waterproof jacket", "Torch", "Spare socks", "Flask",
             "A long closing paragraph that explains why all of this matters to walkers on the "
             "coast path in winter."]
    roles = block_roles(texts, ["boilerplate"] + ["body"] * 6)
    assert roles[1:] == ["listitem"] * 5 + ["paragraph"]


def test_add_dom_features_keeps_rows_and_adds_every_dom_column():
    table = make_page(PAGE, publisher="saltmarsh-gazette")
    shuffled = table.sample(frac=1, random_state=3)
    with_dom = add_dom_features(shuffled)
    assert list(with_dom["text"]) == list(shuffled["text"])
    assert set(DOM_FEATURES) <= set(with_dom.columns)
    menu = with_dom[with_dom["text"] == "Boats"].iloc[0]
    story = with_dom[with_dom["text"].str.startswith("The island ferry")].iloc[0]
    assert menu["dom_in_link"] == 1 and story["dom_in_link"] == 0
    assert story["dom_in_top_container"] == 1
