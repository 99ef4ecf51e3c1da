import errno
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from classifier import InputError, label_blocks, split_blocks
from classifier.blocks import Limits
from classifier.cli import main
from classifier.corpus import CleanOptions, clean_corpus, clean_shard, read_records
from classifier.formats import zstd
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
    summary = clean_corpus([source], tmp_path / "out.jsonl", CleanOptions(id_field="id"), progress=False)
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
    ("in.jsonl.zst", "out.jsonl.zst"), ("in.jsonl.zst", "out.jsonl"),
], ids=["csv-to-parquet", "parquet-to-csv", "gzip", "zstd", "zstd-to-plain"])
def test_formats_follow_the_file_extensions(tmp_path, source_name, output_name):
    frame = pd.DataFrame({"id": ["x", "y"], "text": [STORY, STORY.replace("Monday", "Friday")]})
    source = tmp_path / source_name
    if source_name.endswith(".csv"):
        frame.to_csv(source, index=False)
    elif source_name.endswith(".parquet"):
        frame.to_parquet(source, index=False)
    else:
        opener = gzip.open if source_name.endswith(".gz") else zstd.open
        with opener(source, "wb") as handle:
            handle.write(frame.to_json(orient="records", lines=True).encode())
    clean_corpus([source], tmp_path / output_name, CleanOptions(probabilities=True), progress=False)
    result = list(read_records(tmp_path / output_name))
    assert [r["id"] for r in result] == ["x", "y"]
    magic = {".gz": b"\x1f\x8b", ".zst": b"\x28\xb5\x2f\xfd", ".jsonl": b'{"'}
    for suffix, start in magic.items():
        if output_name.endswith(suffix):
            assert (tmp_path / output_name).read_bytes().startswith(start)
    assert all("lake ferry" in r["clean_text"] for r in result)


@pytest.mark.parametrize("opener, suffix", [(gzip.open, ".gz"), (zstd.open, ".zst")],
                         ids=["gzip", "zstd"])
def test_a_truncated_compressed_input_keeps_what_it_can_and_reports_the_rest(tmp_path, opener,
                                                                              suffix):
    records = [{"id": i, "text": f"{STORY}\nPage {i} of the corpus, checksum {i * 7919}."}
               for i in range(3000)]
    source = tmp_path / f"in.jsonl{suffix}"
    with opener(source, "wb") as handle:
        handle.write("".join(json.dumps(r) + "\n" for r in records).encode())
    source.write_bytes(source.read_bytes()[:-200])
    summary = clean_corpus([source], tmp_path / "out.jsonl", progress=False)
    kept = list(read_records(tmp_path / "out.jsonl"))
    errors = [json.loads(line) for line in (tmp_path / "out.jsonl.errors.jsonl").open()]
    assert 0 < len(kept) < len(records)
    assert [r["id"] for r in kept] == list(range(len(kept)))
    assert len(errors) == summary.errors == 1
    assert errors[0]["record"] == len(kept) + 1
    assert "truncated or corrupt" in errors[0]["reason"] and str(source) in errors[0]["reason"]


def test_html_field_is_cut_into_blocks_through_the_dom(tmp_path):
    html_page = EXAMPLE_PAGE.with_suffix(".html").read_text(encoding="utf-8")
    write_jsonl(tmp_path / "in.jsonl", [{"id": "page", "html": html_page},
                                        {"id": "no-text", "html": "<script>x()</script>"}])
    summary = clean_corpus([tmp_path / "in.jsonl"], tmp_path / "out.jsonl", CleanOptions(text_field="html", html=True, id_field="id"), progress=False)
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
    clean_corpus([source], tmp_path / "local.jsonl", CleanOptions(shard_size=2, probabilities=True), progress=False)
    clean_corpus([source], tmp_path / "dask.jsonl", CleanOptions(shard_size=2, engine="dask", scheduler=dask_cluster.scheduler_address, probabilities=True), progress=False)
    assert (tmp_path / "dask.jsonl").read_text() == (tmp_path / "local.jsonl").read_text()
    assert ((tmp_path / "dask.jsonl.errors.jsonl").read_text()
            == (tmp_path / "local.jsonl.errors.jsonl").read_text())


def _worker_scoring_threads() -> int:
    from classifier.corpus.shard import Job, model_for
    return model_for(Job()).second_stage_.calibrated_classifiers_[0].estimator.n_jobs


def test_dask_workers_load_the_model_once_and_score_on_one_thread(dask_cluster):
    """On a cluster it did not start, each worker takes one scoring thread per task thread
    (Dask's convention), instead of the model's default that oversubscribes the cores."""
    from classifier.corpus.executors import DaskExecutor
    from classifier.corpus.shard import Job

    executor = DaskExecutor(2, dask_cluster.scheduler_address, Job())
    try:
        threads = executor._client.run(_worker_scoring_threads)
    finally:
        executor.shutdown()
    assert len(threads) == 2 and set(threads.values()) == {1}


def test_local_workers_give_the_same_output(tmp_path):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"id": n, "text": STORY.replace("twenty", str(n))} for n in range(9)]
                + ["{broken"])
    clean_corpus([source], tmp_path / "one.jsonl", CleanOptions(shard_size=2, probabilities=True), progress=False)
    clean_corpus([source], tmp_path / "two.jsonl", CleanOptions(shard_size=2, workers=2, probabilities=True), progress=False)
    assert (tmp_path / "two.jsonl").read_text() == (tmp_path / "one.jsonl").read_text()
    assert ((tmp_path / "two.jsonl.errors.jsonl").read_text()
            == (tmp_path / "one.jsonl.errors.jsonl").read_text() != "")


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


def test_clean_dask_column_scores_on_one_thread_per_task():
    """With Dask's own (threaded) scheduler, each partition's scoring takes one thread, not the
    model's default two per task thread."""
    dd = pytest.importorskip("dask.dataframe")
    from classifier.corpus import clean_dask_column
    from classifier.corpus.shard import Job, model_for

    model_for(Job()).set_scoring_threads(2)
    frame = pd.DataFrame({"text": [STORY, STORY.replace("twenty", "thirty")]})
    clean_dask_column(dd.from_pandas(frame, npartitions=2)).compute(scheduler="threads")
    assert _worker_scoring_threads() == 1


def test_pages_over_the_limits_are_error_lines_and_the_others_are_cleaned(tmp_path):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"id": "first", "text": STORY},
                         {"id": "50MB", "text": "word " * 10_000_000},
                         {"id": "million-lines", "text": "x\n" * 1_000_000},
                         {"id": "last", "text": STORY}])
    summary = clean_corpus([source], tmp_path / "out.jsonl", CleanOptions(id_field="id"), progress=False)
    outputs = list(read_records(tmp_path / "out.jsonl"))
    errors = list(read_records(tmp_path / "out.jsonl.errors.jsonl"))
    assert [o["id"] for o in outputs] == ["first", "last"]
    assert [(e["record"], e["id"]) for e in errors] == [(2, "50MB"), (3, "million-lines")]
    assert "50,000,000 characters, over the limit of 10,000,000 (max_page_chars)" in errors[0]["reason"]
    assert "1,000,000 blocks, over the limit of 50,000 (max_blocks)" in errors[1]["reason"]
    assert summary.records == 4 and summary.pages == 2 and summary.errors == 2


def test_limits_are_configurable_from_the_command_line(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"id": "ok", "text": STORY}, {"id": "big", "text": STORY + "\nmore"},
                         {"id": "many", "text": "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm"}])
    assert main(["-q", "clean", str(source), "-o", str(tmp_path / "out.jsonl"), "--id-field", "id",
                 "--max-page-chars", str(len(STORY)), "--max-blocks", "12"]) == 0
    outputs = list(read_records(tmp_path / "out.jsonl"))
    errors = list(read_records(tmp_path / "out.jsonl.errors.jsonl"))
    assert [o["id"] for o in outputs] == ["ok"]
    assert outputs[0]["labels"] == label_blocks(split_blocks(STORY))
    assert [(e["id"], "over the limit" in e["reason"]) for e in errors] == [("big", True), ("many", True)]
    assert "(max_page_chars)" in errors[0]["reason"] and "(max_blocks)" in errors[1]["reason"]


def test_an_oversized_json_line_is_skipped_unread_as_an_error(tmp_path):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"id": 1, "text": STORY}, {"id": 2, "text": "y" * 3_000_000},
                         {"id": 3, "text": STORY}])
    records = list(read_records(source, Limits(max_page_chars=100_000)))
    assert [r.get("id") for r in records] == [1, None, 3]
    assert records[1]["__error__"].startswith("JSON line has 3,000,022 bytes, over the limit of 1,648,576")


def test_shards_are_cut_by_characters_as_well_as_records(tmp_path, monkeypatch):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"id": n, "text": STORY.replace("twenty", str(n))} for n in range(5)])
    clean_corpus([source], tmp_path / "whole.jsonl", progress=False)
    monkeypatch.setattr("classifier.corpus.clean.SHARD_MAX_CHARS", len(STORY) + 1)
    shards = []
    monkeypatch.setattr("classifier.corpus.clean.clean_shard",
                        lambda shard, job, real=clean_shard: shards.append(len(shard)) or real(shard, job))
    clean_corpus([source], tmp_path / "cut.jsonl", progress=False)
    assert shards == [2, 2, 1]
    assert (tmp_path / "cut.jsonl").read_text() == (tmp_path / "whole.jsonl").read_text()


def _failing_writer(fail_name, error, real):
    """A shard writer that writes half of ``fail_name``'s temporary file and then fails."""
    def write(path, rows):
        if path.name == fail_name:
            tmp = path.parent / f"{path.name}.tmp"
            tmp.write_text(json.dumps(rows[0])[:20] if rows else "")
            raise error
        real(path, rows)
    return write


@pytest.mark.parametrize("fail_name, error", [
    ("part-000002.jsonl", OSError(errno.ENOSPC, "No space left on device")),
    ("part-000001.done", PermissionError(errno.EACCES, "Permission denied")),
], ids=["disk-full-on-third-shard", "no-permission-on-second-marker"])
def test_a_failed_shard_write_stops_the_run_and_resume_completes_it(
        tmp_path, capsys, monkeypatch, fail_name, error):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"id": n, "text": STORY.replace("twenty", str(n))} for n in range(7)]
                + ["{broken"])
    command = ["-q", "clean", str(source), "--shard-size", "2", "--probabilities"]
    assert main(command + ["-o", str(tmp_path / "whole.jsonl")]) == 0
    capsys.readouterr()
    import classifier.corpus.store as store
    monkeypatch.setattr(store, "write_jsonl_atomically",
                        _failing_writer(fail_name, error, store.write_jsonl_atomically))
    output = tmp_path / "out.jsonl"
    assert main(command + ["-o", str(output)]) == 1
    message = capsys.readouterr().err.strip()
    assert message.startswith(f"paywall-classifier: cannot write shard {output}.shards/{fail_name}: ")
    assert error.strerror in message and "--resume" in message and len(message.splitlines()) == 1
    failed = int(fail_name[5:11])
    left = sorted(path.name for path in (tmp_path / "out.jsonl.shards").iterdir())
    assert left == sorted(["run.json"] + [f"part-{i:06d}{end}" for i in range(failed)
                                          for end in (".done", ".errors.jsonl", ".jsonl")])
    assert not output.exists()
    monkeypatch.undo()
    assert main(command[1:] + ["-o", str(output), "--resume"]) == 0      # not quiet: the summary
    assert f"{failed} complete shards reused" in capsys.readouterr().out
    assert output.read_text() == (tmp_path / "whole.jsonl").read_text()
    assert (Path(f"{output}.errors.jsonl").read_text()
            == (tmp_path / "whole.jsonl.errors.jsonl").read_text() != "")


def test_a_failed_output_write_keeps_the_shards_for_resume(tmp_path, capsys, monkeypatch):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"id": n, "text": STORY.replace("twenty", str(n))} for n in range(3)])
    output = tmp_path / "out.jsonl"

    def full_disk(source_handle, target_handle):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr("classifier.corpus.store.shutil.copyfileobj", full_disk)
    assert main(["-q", "clean", str(source), "-o", str(output), "--shard-size", "2"]) == 1
    message = capsys.readouterr().err.strip()
    assert message.startswith(f"paywall-classifier: cannot write {output}: No space left on "
                              "device (ENOSPC)")
    assert not output.exists() and not Path(f"{output}.tmp").exists()
    assert len(list(Path(f"{output}.shards").glob("*.done"))) == 2
    monkeypatch.undo()
    assert main(["-q", "clean", str(source), "-o", str(output), "--shard-size", "2",
                 "--resume"]) == 0
    assert [r["id"] for r in read_records(output)] == [0, 1, 2]


def test_resume_with_other_settings_is_refused(tmp_path, monkeypatch):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"id": n, "text": STORY} for n in range(3)])
    output = tmp_path / "out.jsonl"
    monkeypatch.setattr("classifier.corpus.clean.assemble",
                        lambda *args: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):   # stopped before assembling: the shards stay
        clean_corpus([source], output, CleanOptions(shard_size=2), progress=False)
    monkeypatch.undo()
    with pytest.raises(InputError, match="from a run with other settings \\(shard_size was 2\\)"):
        clean_corpus([source], output, CleanOptions(shard_size=3, resume=True), progress=False)
    clean_corpus([source], output, CleanOptions(shard_size=2, resume=True), progress=False)
    assert len(list(read_records(output))) == 3
