"""Training copies of pitch and notice lines set right after another page's article.

Real sites often put one pitch or notice straight after an article's last paragraph (a
donation plea, "cancel at any time", a wire credit), where our pages mostly show pitches in
boxes of pitches. So stage two also trains on copies of a share of the rows of each label
that is neither body nor the most common one (paywall, disclaimer): each copy has the
features of the block that follows the last body block of another page (its place and its
neighbours) with the line's own text features put in. As many rows of the most common label
(boilerplate), drawn with the same lengths, are set there too, so that prose after an
article is not taught to be a pitch or a notice only.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .features import page_order
from .schema import BODY

LENGTH_BINS = 10
"""Quantile bins of the copied lines' lengths within which the boilerplate copies are drawn."""
SEED_OFFSET = 12345
"""Added to the model's ``random_state`` for the draws here, so that they do not repeat the
draws of its majority sample."""


def host_rows(X: pd.DataFrame, y: np.ndarray) -> np.ndarray:
    """Rows of the blocks that directly follow the last body block of their page."""
    _, rank, _ = page_order(X)
    pages = pd.factorize(X["page_id"])[0]
    is_body = y == BODY
    last_body = np.full(pages.max() + 1, -2)
    np.maximum.at(last_body, pages[is_body], rank[is_body])
    return np.flatnonzero(rank == last_body[pages] + 1)


def length_matched(lines: np.ndarray, lengths: np.ndarray, pool: np.ndarray,
                   rng: np.random.Generator) -> np.ndarray:
    """Rows of ``pool`` drawn so that their lengths follow those of ``lines``: as many from each
    of LENGTH_BINS quantile bins of the lines' lengths as the lines have there (with
    replacement only where the pool has too few; none from a bin the pool lacks)."""
    edges = np.quantile(lengths[lines], np.linspace(0, 1, LENGTH_BINS + 1))[1:-1]
    line_bin = np.searchsorted(edges, lengths[lines], side="right")
    pool_bin = np.searchsorted(edges, lengths[pool], side="right")
    drawn = [np.empty(0, dtype=np.int64)]
    for b in range(LENGTH_BINS):
        wanted = int((line_bin == b).sum())
        candidates = pool[pool_bin == b]
        if wanted and len(candidates):
            drawn.append(rng.choice(candidates, size=wanted, replace=wanted > len(candidates)))
    return np.concatenate(drawn)


def copied_lines(X: pd.DataFrame, y: np.ndarray, share: float,
                 rng: np.random.Generator) -> np.ndarray:
    """The rows to copy: ``share`` of the rows of each label that is neither body nor the most
    common one (from the most to the least common), and length-matched rows of the most
    common label."""
    labels, counts = np.unique(y, return_counts=True)
    majority = labels[counts.argmax()]
    lines = [rng.choice(np.flatnonzero(y == label), size=int(round(share * n)), replace=False)
             for label, n in sorted(zip(labels, counts), key=lambda pair: -pair[1])
             if label not in (BODY, majority)]
    lines = np.concatenate(lines) if lines else np.empty(0, dtype=np.int64)
    if majority == BODY or not len(lines):
        return lines
    lengths = X["text"].str.len().to_numpy()
    return np.concatenate([lines, length_matched(lines, lengths, np.flatnonzero(y == majority),
                                                 rng)])


def transplant(X: pd.DataFrame, y: np.ndarray, inputs: np.ndarray, own_columns: list[int],
               share: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The copied rows and their stage-two inputs: a host's inputs (a block right after another
    page's article) with the line's ``own_columns``, and the site-repetition column (the
    last) unknown, since the line never repeated on the host's site."""
    hosts = host_rows(X, y)
    lines = copied_lines(X, y, share, rng)
    if not len(hosts) or not len(lines):
        return np.empty(0, dtype=np.int64), inputs[:0]
    pages = pd.factorize(X["page_id"])[0]
    chosen = hosts[rng.integers(0, len(hosts), size=len(lines))]
    same_page = pages[chosen] == pages[lines]   # another page's article: the next host
    chosen[same_page] = hosts[(np.searchsorted(hosts, chosen[same_page]) + 1) % len(hosts)]
    copies = inputs[chosen].copy()
    copies[:, own_columns] = inputs[lines][:, own_columns]
    copies[:, -1] = np.nan
    return lines, copies


def with_copies(X: pd.DataFrame, y: np.ndarray, groups: np.ndarray, inputs: np.ndarray,
                own_columns: list[int], share: float,
                random_state: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stage two's training ``inputs``, labels ``y`` and ``groups`` with the copies of
    :func:`transplant` added, each with its line's label and group (unchanged when ``share``
    is 0)."""
    if not share:
        return inputs, y, groups
    seed = None if random_state is None else random_state + SEED_OFFSET
    lines, copies = transplant(X, y, inputs, own_columns, share, np.random.default_rng(seed))
    return (np.vstack([inputs, copies]), np.concatenate([y, y[lines]]),
            np.concatenate([groups, groups[lines]]))
