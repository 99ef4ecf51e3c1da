"""Texts as one NumPy array of code points, with each character's class flags and the
polynomial hashes of runs of it: the vectorised ground that the shape features, the word
n-grams and the character n-grams are counted on, without a Python loop per text."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

UPPER, LOWER, LETTER, DIGIT, SPACE, WORD, COMMA, STOP = (1 << i for i in range(8))
"""Character class bits of :func:`char_flags`."""
SEPARATOR = "\n"
"""What is put after each text in the joined array (a space, and not a word character)."""
_BMP = 0x10000
"""Code points below this (the Basic Multilingual Plane) are looked up in one table."""
_BASE = np.uint64(0x100000001B3)
"""Odd multiplier of the polynomial hash (so that it has an inverse modulo 2**64)."""


@dataclass(frozen=True)
class Joined:
    """The texts joined, each followed by :data:`SEPARATOR`: the string, its code points,
    each code point's text number, and each text's length."""

    string: str
    codes: np.ndarray
    doc: np.ndarray
    lengths: np.ndarray


def join_texts(texts: list[str]) -> Joined:
    """The code points of ``texts``, joined (see :class:`Joined`)."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    joined = SEPARATOR.join(texts) + SEPARATOR if texts else ""
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return Joined(joined, codes, np.repeat(np.arange(len(texts)), lengths + 1), lengths)


def flags_of(code: int) -> int:
    """Bit flags of one character: upper, lower, letter, digit, space, word character (as the
    ``\\w`` of Python's regular expressions), comma, sentence stop."""
    c = chr(code)
    return ((UPPER if c.isupper() else 0) | (LOWER if c.islower() else 0)
            | (LETTER if c.isalpha() else 0) | (DIGIT if c.isdecimal() else 0)
            | (SPACE if c.isspace() else 0) | (WORD if c.isalnum() or c == "_" else 0)
            | (COMMA if c in ",;，、" else 0) | (STOP if c in ".!?。！？" else 0))


@lru_cache(maxsize=1)
def _bmp_flags() -> np.ndarray:
    """The bit flags of every code point of the Basic Multilingual Plane (built once, 64 KB)."""
    return np.fromiter((flags_of(c) for c in range(_BMP)), dtype=np.uint8, count=_BMP)


def char_flags(codes: np.ndarray) -> np.ndarray:
    """The bit flags of each code point: a table lookup, and per distinct character beyond it."""
    flags = _bmp_flags()[np.minimum(codes, _BMP - 1)]
    beyond = codes >= _BMP
    if beyond.any():
        unique, inverse = np.unique(codes[beyond], return_inverse=True)
        flags[beyond] = np.array([flags_of(int(c)) for c in unique], dtype=np.uint8)[inverse]
    return flags


def word_runs(joined: Joined, min_length: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of each maximal run of word characters at least
    ``min_length`` long, in order: the tokens of the regular expression ``\\w+`` (or, with
    ``min_length=2``, of scikit-learn's default ``\\b\\w\\w+\\b``)."""
    word = (char_flags(joined.codes) & WORD) > 0
    edges = np.diff(np.concatenate([[False], word, [False]]).astype(np.int8))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    keep = ends - starts >= min_length
    return starts[keep], ends[keep]


def run_hashes(joined: Joined, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A 64-bit hash of the code points of each run ``[start, end)``: equal runs hash equal
    wherever they are (a polynomial hash from prefix sums, shifted by the inverse power)."""
    n = len(joined.codes)
    with np.errstate(over="ignore"):
        powers = _powers(n, _BASE)
        prefix = np.concatenate([[np.uint64(0)],
                                 np.cumsum((joined.codes.astype(np.uint64) + np.uint64(1)) * powers,
                                           dtype=np.uint64)])
        inverse = _powers(n, np.uint64(pow(int(_BASE), -1, 2 ** 64)))
        raw = (prefix[ends] - prefix[starts]) * inverse[starts]
        return mix(raw ^ (ends - starts).astype(np.uint64))


def _powers(n: int, base: np.uint64) -> np.ndarray:
    """``base ** i`` modulo 2**64 for i in 0..n-1."""
    out = np.full(n, base, dtype=np.uint64)
    if n:
        out[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(out, dtype=np.uint64)


def mix(h: np.ndarray) -> np.ndarray:
    """A bijective scramble of 64-bit hashes (so that combining two of them stays uniform)."""
    with np.errstate(over="ignore"):
        h = (h ^ (h >> np.uint64(31))) * np.uint64(0x9E3779B97F4A7C15)
        return h ^ (h >> np.uint64(29))
