"""The README's walkthrough commands parse, and the files they name exist."""
import glob
import re
import shlex

import pytest

from classifier.cli import build_parser
from conftest import ROOT


def _section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    return text[start:text.index("\n## ", start + 1)]


COMMANDS = [line.strip() for block in re.findall(r"```bash\n(.*?)```",
                                                 _section("Retraining on a new publisher"), re.S)
            for line in block.splitlines() if line.startswith("paywall-classifier ")]


def test_walkthrough_covers_the_loop():
    assert [shlex.split(c)[1] for c in COMMANDS] == [
        "prelabel", "show", "build-data", "evaluate", "train"]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(shlex.split(c)[1:2]))
def test_walkthrough_command_parses_and_its_inputs_exist(command):
    words = [w for word in shlex.split(command, comments=True)[1:]
             for w in (sorted(glob.glob(str(ROOT / word))) if "*" in word else [word])]
    args = build_parser().parse_args(words)
    inputs = {"prelabel": "pages", "show": "inputs", "evaluate": "data", "train": "data",
              "build-data": "sources"}[args.command]
    paths = getattr(args, inputs)
    for path in [paths] if isinstance(paths, str) else paths:
        if not path.endswith(("review.csv", ".joblib")):      # written by an earlier step
            assert (ROOT / path).exists(), path
