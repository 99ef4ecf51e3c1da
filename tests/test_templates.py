"""Rendering labelled text pages to HTML through publisher templates, and back to blocks."""
import pytest
from lxml import html as lxml_html

from classifier import split_html
from classifier.schema import DOM_FEATURES
from classifier.training.roles import block_roles
from classifier.training.templates import add_dom_features, render_page, template_for
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


TABLE_PAGE = [
    ("boilerplate", "Harbour regatta results | Saltmarsh Gazette"),
    ("body", "Twelve crews raced in a stiff westerly, and the home club took the top two places."),
    ("body", "1 Saltmarsh SC 42 min 10 s"), ("body", "2 Saltmarsh SC B 43 min 2 s"),
    ("body", "3 Quayside Rowers 44 min 51 s"),
    ("body", "Class | Boats | Winner"), ("body", "Gigs | 7 | Saltmarsh"),
    ("body", "The next regatta is in May, weather permitting."),
    ("boilerplate", "Contact us"),
]


@pytest.mark.parametrize("publisher", ["saltmarsh-gazette", "north-quay-daily", "zz-top-news"])
def test_runs_of_table_rows_are_served_as_a_table_and_come_back_one_row_per_line(publisher):
    texts, labels = [t for _, t in TABLE_PAGE], [lab for lab, _ in TABLE_PAGE]
    roles = block_roles(texts, labels)
    assert roles[2:7] == ["tablerow"] * 5
    assert roles[1] == roles[7] == "paragraph"
    blocks = split_html(render_page(texts, labels, publisher))
    assert blocks["text"].tolist() == texts
    assert blocks["dom_in_table"].tolist()[1:8] == [0.0] + [1.0] * 5 + [0.0]


def test_two_numbers_in_two_lines_are_not_a_table_but_two_barred_rows_are():
    texts = ["Title", "Won 3-1 on Sunday", "Lost 0-2 on Monday", "Played | 2", "Points | 3"]
    roles = block_roles(texts, ["boilerplate"] + ["body"] * 4)
    assert roles[1:3] != ["tablerow"] * 2 and roles[3:] == ["tablerow"] * 2


def test_short_paywall_lines_are_offer_headings_or_a_benefit_list():
    texts = ["Title", "The ferry runs four times a day from November, the operator said.",
             "Unlimited stories on every device", "The weekly print edition delivered",
             "Members-only newsletters and events", "Contact us"]
    labels = ["boilerplate", "body", "paywall", "paywall", "paywall", "boilerplate"]
    items = []
    for publisher in ["saltmarsh-gazette", "north-quay-daily", "a", "zz-top-news"]:
        page = render_page(texts, labels, publisher)
        assert split_html(page)["text"].tolist() == texts
        items += [li for li in lxml_html.fromstring(page).iter("li")
                  if li.text_content() in texts[2:5]]
    assert items, "no benefit list among four templates"
    assert all(li.getparent().tag == "ul" for li in items)   # a list, not loose items


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
