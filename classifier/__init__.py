"""Paywall and boilerplate detection: label the blocks of scraped pages, keep the article body."""
from __future__ import annotations

from .blocks import Limits, split_blocks
from .dataset import load_dataset
from .errors import ClassifierError, DatasetError, InputError, ModelFileError, OutputError
from .schema import DEFAULT_LABELS
from .model import BlockClassifier
from .persist import load_model, save_model
from .dom import split_html
from .predict import (clean_html, clean_text, label_blocks, paywall_score, score_blocks,
                      score_frame, score_html, score_page)

__all__ = [
    "BlockClassifier", "ClassifierError", "DatasetError", "DEFAULT_LABELS", "InputError",
    "Limits", "ModelFileError", "OutputError", "clean_html", "clean_text", "label_blocks",
    "load_dataset", "load_model", "paywall_score", "save_model", "score_blocks", "score_frame",
    "score_html", "score_page", "split_blocks", "split_html",
]
__version__ = "0.1.0"
