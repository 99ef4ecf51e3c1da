"""What a new user meets first: the console script runs, and text mode needs no trafilatura."""
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import EXAMPLE_PAGE, ROOT


def test_console_script_labels_the_example_page():
    script = shutil.which("paywall-classifier", path=os.path.dirname(sys.executable))
    if script is None:
        pytest.skip("the package is not installed with its console script in this environment")
    done = subprocess.run([script, "label", str(EXAMPLE_PAGE)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()[1:]]
    lines = [line for line in EXAMPLE_PAGE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [row[2] for row in rows] == lines
    assert {row[0] for row in rows} >= {"body", "paywall", "boilerplate"}


def test_text_mode_works_when_trafilatura_cannot_be_imported():
    # sys.modules[name] = None makes every later "import trafilatura" raise ImportError.
    code = textwrap.dedent(f"""
        import sys
        sys.modules["trafilatura"] = None
        import classifier
        labels = classifier.label_blocks(open({str(EXAMPLE_PAGE)!r}, encoding="utf-8")
                                         .read().splitlines())
        assert "trafilatura" not in [m for m, v in sys.modules.items() if v is not None]
        print(sorted(set(labels)))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "body" in done.stdout and "paywall" in done.stdout
