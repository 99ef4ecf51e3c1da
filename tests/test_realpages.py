"""The bundled model on real pages nobody here wrote (skipped where ../shared/realpages is absent).

Measuring only: nothing is trained or tuned on these pages.
"""
import importlib.util
import sys
import warnings

import pytest

from classifier import label_blocks
from conftest import REALPAGES

SHINGLE_F1_FLOOR = 0.90
BLOCK_F1_FLOOR = 0.82
REMOVAL_FLOOR = 0.97

pytestmark = pytest.mark.skipif(not (REALPAGES / "score.py").exists(),
                                reason="shared/realpages absent")


@pytest.fixture(scope="module")
def result() -> dict:
    sys.path.insert(0, str(REALPAGES))
    spec = importlib.util.spec_from_file_location("realpages_score", REALPAGES / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    pages = score.load_split(REALPAGES / "dev.jsonl.gz")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return score.evaluate(pages, label_blocks, mode="labels", timeout_s=0)


def test_text_mode_scores_on_real_pages(result):
    assert result["errors"] == 0
    assert result["f1"] >= SHINGLE_F1_FLOOR
    assert result["block_f1"] >= BLOCK_F1_FLOOR


@pytest.mark.parametrize("fine", ["paywall", "newsletter", "disclaimer"])
def test_pitches_and_notices_are_removed(result, fine):
    assert result[f"{fine}_removed"] >= REMOVAL_FLOOR
