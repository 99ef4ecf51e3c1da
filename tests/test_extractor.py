"""The extractor feature: trafilatura's verdict mapped back onto a page's blocks."""
from classifier.dom import parse_html, split_html
from classifier.extractor import extractor_kept
from conftest import EXAMPLE_PAGE

PARAGRAPHS = [
    "The harbour board voted on Tuesday to dredge the eastern channel before the winter storms, "
    "after two fishing boats ran aground there in a single month.",
    "Work will start in October and take about six weeks, the board said, with the channel "
    "closed to larger vessels on weekday mornings while the dredger is working.",
    "Skippers welcomed the decision but asked why it had taken three years of complaints.",
]
PAGE = f"""<html><head><title>Dredging</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/s">Share</a></li></ul></nav>
<article><h1>Harbour channel to be dredged</h1>{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
</article><footer><p>Copyright 2026 The Harbour Post</p></footer></body></html>"""


def test_the_article_paragraphs_are_kept_and_the_menu_is_not():
    kept = extractor_kept(PAGE, ["Home", "Share", *PARAGRAPHS])
    assert kept.tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]


def test_a_short_block_must_be_a_whole_output_line_but_a_long_one_may_be_part_of_one():
    part_of_a_paragraph = PARAGRAPHS[0][:60]
    assert extractor_kept(PAGE, ["the board", part_of_a_paragraph]).tolist() == [0.0, 1.0]


def test_split_html_carries_the_extractor_verdict_for_every_block():
    blocks = split_html(EXAMPLE_PAGE.with_suffix(".html").read_bytes())
    kept = blocks.set_index("text")["dom_extractor_kept"]
    assert set(kept.unique()) == {0.0, 1.0}
    assert kept["Skip to main content"] == 0.0
    assert kept[blocks["text"][blocks["text"].str.startswith("Diplomats from")].iloc[0]] == 1.0


def test_list_items_and_table_rows_match_without_the_extractors_marks():
    page = PAGE.replace("</article>", "<ul><li>Tide tables</li><li>Mooring fees</li></ul>"
                        "<table><tr><td>Berths</td><td>42</td></tr></table></article>")
    kept = extractor_kept(page, ["Tide tables", "Mooring fees", "Berths 42", "Home"])
    assert kept.tolist() == [1.0, 1.0, 1.0, 0.0]


def test_a_page_without_an_article_is_all_not_kept_and_logs_nothing(caplog):
    kept = extractor_kept("<ul><li>Home</li></ul>", ["Home"])
    assert kept.tolist() == [0.0]
    assert not [r for r in caplog.records if r.name.startswith("trafilatura")]


COMMENT = ("I sailed through that channel last spring and the sandbar was already a problem, so "
           "this is good news for everyone who keeps a boat in the eastern basin.")


def test_reader_comments_are_not_counted_as_the_article():
    page = PAGE.replace("</article>", f'</article><div id="comments"><ol class="commentlist">'
                        f'<li class="comment"><p>{COMMENT}</p></li></ol></div>')
    kept = extractor_kept(page, [COMMENT, PARAGRAPHS[0]])
    assert kept.tolist() == [0.0, 1.0]


def test_a_parsed_tree_gives_the_same_verdict_as_the_html_text():
    texts = ["Home", "Share", *PARAGRAPHS]
    assert extractor_kept(parse_html(PAGE), texts).tolist() == extractor_kept(PAGE, texts).tolist()
