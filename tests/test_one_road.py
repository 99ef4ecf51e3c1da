"""Every command reads a page the way the API does: same blocks, same labels, text or HTML.

Run with the bundled model, whose HTML mode has its own DOM stage, so that a command that
scored an HTML page's lines in text mode (the old ``prelabel`` bug) gets other probabilities.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from classifier import score_blocks, split_html
from classifier.cli import main
from classifier.predict import score_page

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PAGES = [EXAMPLES / "paywalled-article.txt", EXAMPLES / "paywalled-article.html"]


def _api(page: Path) -> pd.DataFrame:
    return score_page(page.read_bytes(), html=page.suffix == ".html")


def _same_probabilities(got: pd.DataFrame, expected: pd.DataFrame) -> bool:
    columns = [c for c in expected.columns if c.startswith("proba_")]
    return np.allclose(got[columns].to_numpy(float), expected[columns].to_numpy(float), atol=1e-3)


@pytest.fixture(params=PAGES, ids=lambda p: p.suffix[1:])
def page(request) -> Path:
    return request.param


def test_label_command_matches_the_api(page, capsys):
    assert main(["label", str(page), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = _api(page)
    assert [r["text"] for r in rows] == expected["text"].tolist()
    assert [r["label"] for r in rows] == expected["label"].tolist()
    assert _same_probabilities(pd.DataFrame(rows), expected)


def test_prelabel_command_matches_the_api(page, tmp_path, capsys):
    out = tmp_path / "review.csv"
    assert main(["prelabel", str(page), "--publisher", "example", "-o", str(out),
                 "--order", "page"]) == 0
    table = pd.read_csv(out, keep_default_na=False)
    expected = _api(page)
    assert table["text"].tolist() == expected["text"].tolist()
    assert table["label"].tolist() == expected["label"].tolist()
    assert _same_probabilities(table, expected)


def test_show_command_matches_the_api(page, tmp_path, capsys):
    out = tmp_path / "view.html"
    assert main(["show", str(page), "-o", str(out)]) == 0
    shown = re.findall(r'<span class="label">([a-z]+)</span>', out.read_text(encoding="utf-8"))
    assert shown == _api(page)["label"].tolist()


def test_corpus_clean_matches_the_api(page, tmp_path, capsys):
    field = "html" if page.suffix == ".html" else "text"
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({field: page.read_text(encoding="utf-8")}) + "\n",
                      encoding="utf-8")
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--field", field, "--probabilities",
                 "-q"]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    expected = _api(page)
    assert record["labels"] == expected["label"].tolist()
    assert _same_probabilities(pd.DataFrame(record["probabilities"]), expected)
    assert record["clean_text"] == "\n".join(expected.loc[expected["label"] == "body", "text"])


def test_text_mode_on_the_html_pages_lines_gives_other_probabilities():
    """The probability checks above can fail: the HTML page's lines scored in text mode (what
    ``prelabel`` used to do) differ from HTML mode."""
    data = PAGES[1].read_bytes()
    as_text = score_blocks(split_html(data)["text"].tolist())
    assert not _same_probabilities(as_text, score_page(data, html=True))
