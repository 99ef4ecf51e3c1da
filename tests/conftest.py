"""Shared fixtures: the project's dataset, a small model trained on part of it, example pages."""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from classifier import BlockClassifier, load_dataset, save_model

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "blocks.csv"
EXAMPLE_PAGE = ROOT / "examples" / "paywalled-article.txt"
NEW_PUBLISHER = ROOT / "examples" / "new-publisher"
REALPAGES = ROOT.parent / "shared" / "realpages"


@pytest.fixture(scope="session")
def dataset() -> pd.DataFrame:
    return load_dataset(DATA)


@pytest.fixture(scope="session")
def small_dataset(dataset: pd.DataFrame) -> pd.DataFrame:
    """Fifteen publishers spread over the sorted names, enough to fit a model in seconds
    (a fixed number, so that the quick tests stay quick as data/ grows)."""
    names = sorted(dataset["publisher"].unique())
    publishers = names[::max(1, len(names) // 15)][:15]
    return dataset[dataset["publisher"].isin(publishers)].reset_index(drop=True)


@pytest.fixture(scope="session")
def small_model(small_dataset: pd.DataFrame) -> BlockClassifier:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BlockClassifier(random_state=0).fit(small_dataset)


@pytest.fixture(scope="session")
def small_model_path(small_model: BlockClassifier, tmp_path_factory) -> Path:
    """The small model saved to a file, for commands that take ``--model``."""
    return save_model(small_model, tmp_path_factory.mktemp("models") / "small.joblib")


def make_page(lines: list[tuple[str, str]], page_id: str = "p1",
              publisher: str = "test-pub") -> pd.DataFrame:
    """A labelled block table of one page from (label, text) pairs."""
    return pd.DataFrame({"publisher": publisher, "page_id": page_id,
                         "position": range(len(lines)), "label": [lab for lab, _ in lines],
                         "text": [text for _, text in lines], "lang": "en"})


def first_pages(blocks: pd.DataFrame, n: int) -> pd.DataFrame:
    """The blocks of the first ``n`` pages of a block table."""
    return blocks[blocks["page_id"].isin(blocks["page_id"].unique()[:n])]
