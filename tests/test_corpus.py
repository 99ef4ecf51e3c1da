import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from classifier import InputError
from classifier.corpus import clean_corpus, read_records
from conftest import EXAMPLE_PAGE

STORY = "\n".join([
    "Lake ferry timetable changes from Monday | Shoreline Post",
    "Home", "News", "Weather", "Sign in",
    "Lake ferry timetable changes from Monday",
    "The lake ferry will leave the north pier twenty minutes earlier from Monday, the operator said, to make room for a new evening crossing.",
    "Passengers with season tickets do not need to do anything, and the old paper timetables will be accepted until the end of the month.",
    "The operator said the evening crossing had been the most requested change in its survey of regular travellers last autumn.",
    "Subscribe to the Shoreline Post for $2 a week",
    "Contact", "Privacy",
])


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write((record if isinstance(record, str) else json.dumps(record)) + "\n")


def test_every_record_gives_one_output_or_one_error_line(tmp_path):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [
        {"id": "a", "text": STORY, "lang": "en"},
        "{not json",
        {"id": "no-text"},
        {"id": "number", "text": 42},
        {"id": "empty", "text": " \n \n"},
        {"id": "big", "text": "word " * 4_000_001},
        {"id": "b", "text": EXAMPLE_PAGE.read_text(encoding="utf-8")},
    ])
    with open(source, "ab") as handle:
        handle.write(b'{"id": "bad-utf8", "text": "caf\xe9"}\n')
    summary = clean_corpus([source], tmp_path / "out.jsonl", id_field="id", progress=False)
    outputs = [json.loads(line) for line in open(tmp_path / "out.jsonl", encoding="utf-8")]
    errors = [json.loads(line) for line in open(tmp_path / "out.jsonl.errors.jsonl", encoding="utf-8")]
    assert [o["id"] for o in outputs] == ["a", "b"]
    assert outputs[0]["lang"] == "en"   # other fields pass through
    assert [e["record"] for e in errors] == [2, 3, 4, 5, 6, 8]
    reasons = " | ".join(e["reason"] for e in errors)
    for expected in ("invalid JSON", "no field 'text'", "is int, not text", "page is empty",
                     "over the limit", "invalid UTF-8"):
        assert expected in reasons
    assert summary.records == 8 and summary.pages == 2 and summary.errors == 6
    story = outputs[0]
    assert len(story["labels"]) == len([line for line in STORY.splitlines() if line.strip()])
    assert story["clean_text"].startswith("The lake ferry will leave")
    assert "Subscribe" not in story["clean_text"]
    assert outputs[1]["paywall_score"] > 0.8 > story["paywall_score"]


@pytest.mark.parametrize("source_name, output_name", [
    ("in.csv", "out.parquet"), ("in.parquet", "out.csv"), ("in.jsonl.gz", "out.jsonl.gz"),
], ids=["csv-to-parquet", "parquet-to-csv", "gzip"])
def test_formats_follow_the_file_extensions(tmp_path, source_name, output_name):
    frame = pd.DataFrame({"id": ["x", "y"], "text": [STORY, STORY.replace("Monday", "Friday")]})
    source = tmp_path / source_name
    if source_name.endswith(".csv"):
        frame.to_csv(source, index=False)
    elif source_name.endswith(".parquet"):
        frame.to_parquet(source, index=False)
    else:
        frame.to_json(source, orient="records", lines=True, compression="gzip")
    clean_corpus([source], tmp_path / output_name, probabilities=True, progress=False)
    result = list(read_records(tmp_path / output_name))
    assert [r["id"] for r in result] == ["x", "y"]
    assert all("lake ferry" in r["clean_text"] for r in result)


def test_html_field_is_cut_into_blocks_through_the_dom(tmp_path):
    html_page = EXAMPLE_PAGE.with_suffix(".html").read_text(encoding="utf-8")
    write_jsonl(tmp_path / "in.jsonl", [{"id": "page", "html": html_page},
                                        {"id": "no-text", "html": "<script>x()</script>"}])
    summary = clean_corpus([tmp_path / "in.jsonl"], tmp_path / "out.jsonl", text_field="html",
                           html=True, id_field="id", progress=False)
    [output] = [json.loads(line) for line in open(tmp_path / "out.jsonl", encoding="utf-8")]
    [error] = [json.loads(line) for line in open(tmp_path / "out.jsonl.errors.jsonl")]
    assert output["clean_text"].startswith("Diplomats from the two neighbouring republics")
    assert "<" not in output["clean_text"] and "₹" not in output["clean_text"]
    assert error["id"] == "no-text" and "no visible text" in error["reason"]
    assert summary.pages == 1 and summary.errors == 1


def test_existing_shards_need_resume(tmp_path):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"text": STORY}])
    (tmp_path / "out.jsonl.shards").mkdir()
    with pytest.raises(InputError, match="pass --resume"):
        clean_corpus([source], tmp_path / "out.jsonl", progress=False)


def test_killed_run_resumes_to_the_same_output(tmp_path):
    """SIGKILL a run part-way, resume it, and compare with an uninterrupted run, record by record."""
    source = tmp_path / "in.jsonl"
    pages = [STORY.replace("twenty", str(n)) for n in range(40)]
    write_jsonl(source, [{"id": n, "text": text} for n, text in enumerate(pages)])
    command = [sys.executable, "-m", "classifier", "-q", "clean", str(source), "--shard-size", "2"]
    subprocess.run(command + ["-o", str(tmp_path / "whole.jsonl")], check=True)
    killed_output = tmp_path / "killed.jsonl"
    process = subprocess.Popen(command + ["-o", str(killed_output)])
    shards = tmp_path / "killed.jsonl.shards"
    deadline = time.monotonic() + 120
    while len(list(shards.glob("*.done"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len(list(shards.glob("*.done")))
    assert 3 <= done_before < 20 and not killed_output.exists()
    subprocess.run(command + ["-o", str(killed_output), "--resume"], check=True)
    assert killed_output.read_text() == (tmp_path / "whole.jsonl").read_text()
    assert len(killed_output.read_text().splitlines()) == 40


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    yield cluster
    cluster.close()


def test_dask_engine_gives_the_same_output_as_the_local_engine(tmp_path, dask_cluster):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"id": n, "text": STORY.replace("twenty", str(n))} for n in range(9)]
                + ["{broken"])
    clean_corpus([source], tmp_path / "local.jsonl", shard_size=2, progress=False)
    clean_corpus([source], tmp_path / "dask.jsonl", shard_size=2, engine="dask",
                 scheduler=dask_cluster.scheduler_address, progress=False)
    assert (tmp_path / "dask.jsonl").read_text() == (tmp_path / "local.jsonl").read_text()
    assert ((tmp_path / "dask.jsonl.errors.jsonl").read_text()
            == (tmp_path / "local.jsonl.errors.jsonl").read_text())


def test_local_workers_give_the_same_output(tmp_path):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"id": n, "text": STORY.replace("twenty", str(n))} for n in range(9)])
    clean_corpus([source], tmp_path / "one.jsonl", shard_size=2, progress=False)
    clean_corpus([source], tmp_path / "two.jsonl", shard_size=2, workers=2, progress=False)
    assert (tmp_path / "two.jsonl").read_text() == (tmp_path / "one.jsonl").read_text()


def test_clean_dask_column(dask_cluster):
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    from classifier.corpus import clean_dask_column

    frame = pd.DataFrame({"id": [1, 2, 3], "text": [STORY, "", EXAMPLE_PAGE.read_text(encoding="utf-8")]})
    with distributed.Client(dask_cluster):
        result = clean_dask_column(dd.from_pandas(frame, npartitions=2)).compute()
    assert result["clean_text"].iloc[0].startswith("The lake ferry")
    assert result["error"].tolist()[1] == "page is empty" and result["clean_text"].iloc[1] == ""
    assert result["paywall_score"].iloc[2] > 0.8
