"""Fitting the model on labelled block tables, and saving it with its data's identity."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset import data_hash
from ..model import BlockClassifier, has_dom
from ..persist import save_model
from .synth import KIND
from .templates import add_dom_features


def cv_groups(df: pd.DataFrame) -> np.ndarray:
    """What publisher-held-out evaluation holds out together: a publisher, except that the
    publishers generated from one language kit share its phrase pools, so that kit's
    publishers are held out as one group (as sites sharing one CMS would be)."""
    publisher = df["publisher"].astype(str).to_numpy()
    if "kind" not in df.columns:
        return publisher
    generated = (df["kind"] == KIND).to_numpy()
    return np.where(generated, "kit:" + df["lang"].astype(str).to_numpy(), publisher)


def train_model(df: pd.DataFrame, *, random_state: int | None = 0, html: bool = False,
                **params) -> BlockClassifier:
    """Fit a :class:`BlockClassifier` on a labelled block table; with ``html``, the pages are
    also rendered through publisher templates so that the model learns HTML mode's DOM view
    too (slower; without it, blocks cut from HTML are scored by their text in context)."""
    if html and not has_dom(df):
        df = add_dom_features(df)
    model = BlockClassifier(random_state=random_state, **params)
    return model.fit(df.assign(group=cv_groups(df)))


def train_and_save(df: pd.DataFrame, path, *, random_state: int | None = 0,
                   n_jobs: int | None = -1, html: bool = False) -> BlockClassifier:
    """Fit on ``df`` (with ``html``, the DOM view too) and save the model with the training
    data's hash, size and publishers."""
    model = train_model(df, random_state=random_state, n_jobs=n_jobs, html=html)
    save_model(model, path, metadata={
        "data_hash": data_hash(df), "n_blocks": int(len(df)),
        "n_pages": int(df["page_id"].nunique()), "n_publishers": int(df["publisher"].nunique()),
        "publishers": sorted(df["publisher"].unique().tolist())})
    return model
