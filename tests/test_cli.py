import json

import pytest

from classifier.cli import main
from classifier.dataset import write_dataset
from classifier.persist import model_metadata
from conftest import EXAMPLE_PAGE


def test_label_prints_every_block_with_label_and_probability(capsys):
    assert main(["label", str(EXAMPLE_PAGE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"# {EXAMPLE_PAGE}\tpaywall_score=")
    blocks = [line for line in EXAMPLE_PAGE.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [line.split("\t") for line in lines[1:]]
    assert [row[2] for row in rows] == blocks
    assert all(row[0] in {"body", "boilerplate", "paywall", "disclaimer"} for row in rows)
    assert all(0.0 <= float(row[1]) <= 1.0 for row in rows)


def test_label_jsonl_from_stdin(capsys, monkeypatch):
    class FakeStdin:
        buffer = type("B", (), {"read": staticmethod(lambda: EXAMPLE_PAGE.read_bytes())})()
    monkeypatch.setattr("sys.stdin", FakeStdin())
    assert main(["label", "-", "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records[0]["page"] == "-" and records[0]["position"] == 0
    assert abs(sum(v for k, v in records[0].items() if k.startswith("proba_")) - 1) < 1e-3


def test_clean_prints_only_body(capsys):
    assert main(["clean", str(EXAMPLE_PAGE)]) == 0
    out = capsys.readouterr().out
    assert "Diplomats from the two neighbouring republics" in out
    assert "Subscribe" not in out and "₹" not in out and "Skip to main content" not in out


def test_label_and_clean_read_html_files_through_the_dom(capsys, tmp_path):
    html_page = EXAMPLE_PAGE.with_suffix(".html")
    assert main(["label", str(html_page)]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()[1:]]
    assert rows[0][2].startswith("Envoys meet in Valdora")      # the <title>, not raw markup
    assert not any("<" in row[2] for row in rows)
    renamed = tmp_path / "page.txt"
    renamed.write_bytes(html_page.read_bytes())
    assert main(["clean", "--html", str(renamed)]) == 0
    out = capsys.readouterr().out
    assert "Diplomats from the two neighbouring republics" in out and "₹" not in out


def test_train_then_evaluate_with_that_model(tmp_path, small_dataset, capsys):
    data = tmp_path / "small.parquet"
    write_dataset(small_dataset, data)
    model = tmp_path / "model.joblib"
    assert main(["-q", "train", "--data", str(data), "-o", str(model)]) == 0
    assert model.is_file()
    assert model_metadata(model)["publishers"] == sorted(small_dataset["publisher"].unique())
    report_path = tmp_path / "report.json"
    assert main(["-q", "evaluate", "--data", str(data), "--model", str(model),
                 "--json", str(report_path)]) == 0
    out = capsys.readouterr().out
    assert "macro F1" in out and "confusion" in out
    report = json.loads(report_path.read_text())
    assert report["macro_f1"] > 0.9   # scored on its own training data
    assert set(report["per_language"]) == set(small_dataset["lang"])
    assert set(report["per_publisher"]) == set(small_dataset["publisher"])
    charts = ["confusion", "f1-per-language", "f1-per-publisher"]
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(f"report-{c}.png" for c in charts)
    assert main(["-q", "evaluate", "--data", str(data), "--model", str(model),
                 "--plots", str(tmp_path / "charts")]) == 0
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == sorted(
        f"evaluation-{c}.png" for c in charts)


def test_build_data_compiles_sources(tmp_path, capsys):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "x.txt").write_text("publisher: x\nlang: en\nkind: blog\n=== page p\nB Hello.\nO Menu\n")
    out = tmp_path / "blocks.csv"
    assert main(["build-data", str(sources), "-o", str(out)]) == 0
    assert "2 blocks, 1 pages, 1 publishers" in capsys.readouterr().out
    assert main(["build-data", str(sources), "-o", str(out), "--pages", str(tmp_path / "pages")]) == 0
    assert (tmp_path / "pages" / "p.txt").read_text(encoding="utf-8") == "Hello.\nMenu\n"


@pytest.mark.parametrize("make_args, message", [
    (lambda p: ["clean", str(p / "missing.txt")], "missing.txt: cannot read"),
    (lambda p: ["label", str(p / "empty.txt")], "empty.txt: page is empty"),
    (lambda p: ["label", str(p / "latin1.txt")], "latin1.txt: not valid UTF-8"),
    (lambda p: ["label", str(EXAMPLE_PAGE), "--model", str(p / "empty.txt")], "cannot be loaded"),
    (lambda p: ["train", "--data", str(p / "bad.csv"), "-o", str(p / "m.joblib")], "missing column"),
    (lambda p: ["evaluate", "--data", str(p / "missing.csv")], "no such file"),
    (lambda p: ["train", "--data", str(p / "good.csv"), "--data", str(p / "review.csv"), "-o",
                str(p / "m.joblib")], "review.csv: page_id 'pub/a' is also in"),
    (lambda p: ["train", "--data", str(p / "good.csv"), "--data", str(p / "typo.csv"), "-o",
                str(p / "m.joblib")], "typo.csv: row 2 (page_id='pub/b', position=1): unknown label"),
], ids=["missing-page", "empty-page", "bad-encoding", "not-a-model", "missing-column", "no-data",
        "page-in-two-files", "label-typo"])
def test_errors_are_one_line_with_exit_code_1(tmp_path, capsys, make_args, message):
    (tmp_path / "empty.txt").write_text("\n  \n")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))
    (tmp_path / "bad.csv").write_text("page_id,text\np,hello\n")
    header = "publisher,page_id,position,text,label\n"
    (tmp_path / "good.csv").write_text(header + "pub,pub/a,0,Hello there.,body\n")
    (tmp_path / "review.csv").write_text(header + "pub,pub/a,0,Hello again.,body\n")
    (tmp_path / "typo.csv").write_text(header + "pub,pub/b,0,Menu,boilerplate\npub,pub/b,1,Join,Paywall\n")
    assert main(make_args(tmp_path)) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("paywall-classifier: ") and message in err
    assert "Traceback" not in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("where", ["before", "after"], ids=["q-before-command", "q-after-command"])
def test_quiet_corpus_clean_prints_nothing_but_errors(tmp_path, capsys, where):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"text": EXAMPLE_PAGE.read_text(encoding="utf-8")}) + "\n"
                      + "{broken\n", encoding="utf-8")
    command = ["clean", str(corpus), "-o", str(tmp_path / "out.jsonl")]
    argv = ["-q", *command] if where == "before" else [*command, "--quiet"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 1
    assert json.loads((tmp_path / "out.jsonl.errors.jsonl").read_text())["record"] == 2


@pytest.mark.parametrize("command", ["clean", "train", "evaluate", "audit", "prelabel"])
def test_every_command_that_shows_progress_takes_quiet_after_it(command):
    from classifier.cli import build_parser
    required = {"clean": ["x"], "train": ["--data", "d", "-o", "m"], "evaluate": ["--data", "d"],
                "audit": ["--data", "d"], "prelabel": ["x", "--publisher", "p", "-o", "r.csv"]}
    assert build_parser().parse_args([command, *required[command], "-q"]).quiet is True
    assert build_parser().parse_args([command, *required[command]]).quiet is False
    assert build_parser().parse_args(["-q", command, *required[command]]).quiet is True


_NOISY_LIBRARY = """
import logging, sys
import classifier.cli as cli

def noisy(args):
    logging.getLogger("somelib").info("library chatter")
    logging.getLogger("somelib").warning("library warning")
    return 0

cli.cmd_info = noisy
logging.getLogger("somelib").setLevel(logging.INFO)   # as Dask sets its own loggers
sys.exit(cli.main(sys.argv[1:] + ["info"]))
"""


@pytest.mark.parametrize("quiet", [True, False])
def test_quiet_silences_the_info_logs_of_libraries_that_set_their_own_level(quiet):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _NOISY_LIBRARY] + (["-q"] if quiet else []),
                          capture_output=True, text=True, check=True)
    assert "paywall-classifier: library warning" in done.stderr
    assert ("library chatter" in done.stderr) is not quiet
