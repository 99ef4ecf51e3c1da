"""The HTML view: escaped, self-contained, coloured by label; rendered by a real headless browser."""
import re
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from classifier.cli import main
from classifier.view import LABEL_COLOURS, _tint, render_html
from conftest import EXAMPLE_PAGE, make_page

NASTY = "<script>alert('owned')</script> & \"quotes\" <b>not bold</b>"
PAGE = make_page([("boilerplate", "Front sheet"), ("body", NASTY),
                  ("body", "The council voted on Tuesday evening to dredge the harbour mouth."),
                  ("paywall", "Take a Guild card"), ("disclaimer", "Every word belongs to the press."),
                  ("boilerplate", "Pass this sheet along")], page_id="pub/<page&1>")


class _Blocks(HTMLParser):
    """Collects the text of each block's text span, in document order."""

    def __init__(self):
        super().__init__()
        self.texts, self.tags, self._depth = [], [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "span" and ("class", "text") in attrs:
            self._depth = 1
            self.texts.append("")
        elif self._depth:
            self._depth += 1

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth == 1:
            self.texts[-1] += data


def test_text_is_escaped_and_kept_in_page_order():
    out = render_html(PAGE.iloc[::-1], title="A & <B>")
    assert "<script>" not in out and "<b>not bold" not in out
    assert "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot;" in out
    assert "<title>A &amp; &lt;B&gt;</title>" in out and "pub/&lt;page&amp;1&gt;" in out
    parser = _Blocks()
    parser.feed(out)
    assert parser.texts == PAGE["text"].tolist()
    assert "script" not in parser.tags


def test_view_is_self_contained():
    out = render_html(PAGE)
    assert not re.search(r"src=|<link|url\(|@import|https?://|<script", out)


def test_legend_colours_changed_and_flagged_blocks():
    table = PAGE.assign(predicted=["boilerplate", "body", "body", "body", "disclaimer", "boilerplate"],
                        review=[False, False, False, True, False, False], proba=0.5,
                        label=PAGE["label"].where(PAGE.index != 5, "advert"))
    out = render_html(table)
    for label, colour in LABEL_COLOURS.items():
        assert f'style="background:{colour}"></span>{label} (' in out
    assert len(re.findall(r'class="block[^"]* changed', out)) == 2   # paywall (was body), advert
    assert len(re.findall(r'class="block[^"]* flag"', out)) == 1
    assert "model suggested body" in out and ">advert (1)</li>" in out
    assert out.count(">0.50<") == len(table)


def test_show_command_on_a_review_table_and_on_a_page(tmp_path, small_model_path, capsys):
    table = tmp_path / "t.csv"
    pd.concat([PAGE, make_page([("body", "Other page.")], page_id="pub/other")]).to_csv(table, index=False)
    out = tmp_path / "v.html"
    assert main(["show", str(table), "--page", "pub/other", "-o", str(out)]) == 0
    assert "1 pages, 1 blocks" in capsys.readouterr().out
    assert "Other page." in out.read_text() and "Front sheet" not in out.read_text()
    assert main(["show", str(EXAMPLE_PAGE), "--model", str(small_model_path), "-o", str(out)]) == 0
    html = out.read_text()
    assert html.count('<li class="block') == len(EXAMPLE_PAGE.read_text().split("\n")) - 1
    assert "paywall score" in html
    assert main(["show", str(table), "--max-pages", "1", "-o", str(out)]) == 1
    assert "2 pages to show, over the limit of 1 (--max-pages)" in capsys.readouterr().err
    assert main(["show", str(EXAMPLE_PAGE), "--model", str(small_model_path), "--publisher", "pub",
                 "-o", str(out)]) == 1
    assert "page files have none" in capsys.readouterr().err


def _chromium() -> str | None:
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


def _headless(tmp_path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                           "--no-first-run", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=180, check=True)


def _pixels_near(image: np.ndarray, colour: str, tolerance: int = 6) -> int:
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(image[:, :, :3].astype(int) - rgb).max(axis=2) <= tolerance).sum())


@pytest.mark.skipif(_chromium() is None, reason="no chromium found (apt-get install chromium)")
def test_view_renders_in_headless_chromium_with_the_label_colours(tmp_path):
    import matplotlib.image

    html = tmp_path / "view.html"
    html.write_text(render_html(PAGE), encoding="utf-8")
    png = tmp_path / "shot.png"
    _headless(tmp_path, f"--screenshot={png}", "--window-size=1200,900", html.as_uri())
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = np.round(matplotlib.image.imread(png) * 255).astype(np.uint8)
    assert image.shape[:2] == (900, 1200)
    for label, colour in LABEL_COLOURS.items():
        assert _pixels_near(image, colour) > 300, f"{label}: legend swatch and bar colour missing"
        assert _pixels_near(image, _tint(colour), tolerance=3) > 3000, f"{label}: block background missing"
    dom = _headless(tmp_path, "--dump-dom", html.as_uri()).stdout
    assert "<script>" not in dom and "&lt;script&gt;alert('owned')&lt;/script&gt;" in dom
