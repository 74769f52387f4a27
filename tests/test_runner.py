"""Batch runs: workers, order, resume after a crash, shards, the manifest."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT, SAMPLES

from pipeline.batch.resume import repair_tail
from pipeline.batch.runner import in_shard, run_corpus


def make_corpus(path, n=120):
    base = [json.loads(line) for line in (SAMPLES / "newswire.jsonl").read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            row = dict(base[i % len(base)])
            row["id"] = f"a{i:04d}"
            row["text"] = f"第{i}号消息。" + row["text"]  # every article differs, so none is a duplicate
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.write("{broken\n")
    return path


def lines(path):
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]


def by_id(path):
    return {json.loads(line)["id"]: line for line in lines(path)}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus") / "news.jsonl")


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "ref.jsonl"
    report = run_corpus([corpus], out, workers=1, batch_size=8, progress=False)
    assert report.articles == 120 and report.rejected == 1
    return out


def test_two_workers_write_the_same_records_in_input_order(corpus, reference, tmp_path):
    out = tmp_path / "two.jsonl"
    report = run_corpus([corpus], out, workers=2, batch_size=8, progress=False)
    assert report.workers == 2
    assert lines(out) == lines(reference)
    assert len(lines(tmp_path / "two.rejects.jsonl")) == 1


def test_unordered_output_has_the_same_records(corpus, reference, tmp_path):
    out = tmp_path / "unordered.jsonl"
    run_corpus([corpus], out, workers=2, batch_size=8, ordered=False, progress=False)
    # which copy of a near-duplicate is "first" follows the order batches finish in
    assert without_duplicate_flags(by_id(out)) == without_duplicate_flags(by_id(reference))

    def flagged(records):
        return sum(any(f.startswith("near_duplicate_of:") for f in json.loads(line)["flags"]) for line in records.values())

    assert flagged(by_id(out)) == flagged(by_id(reference))  # as many copies flagged, whichever they are


def without_duplicate_flags(records):
    """Near-duplicates are found within a run or shard, so which copy is 'first' differs by shard."""
    out = {}
    for key, line in records.items():
        data = json.loads(line)
        data["flags"] = [f for f in data["flags"] if not f.startswith("near_duplicate_of:")]
        out[key] = data
    return out


def test_shards_partition_the_input(corpus, reference, tmp_path):
    seen = {}
    for i in range(3):
        out = tmp_path / f"shard{i}.jsonl"
        run_corpus([corpus], out, shard=(i, 3), batch_size=8, progress=False)
        part = by_id(out)
        assert part and not set(part) & set(seen)
        seen.update(part)
    assert without_duplicate_flags(seen) == without_duplicate_flags(by_id(reference))
    assert all(in_shard("x", (0, 1)) for _ in range(3))


def test_resume_repairs_a_truncated_line_and_finishes_without_duplicates(corpus, reference, tmp_path):
    out = tmp_path / "crashed.jsonl"
    data = reference.read_bytes()
    cut = data.index(b"\n", len(data) // 3) + 200  # a crash in the middle of a record
    out.write_bytes(data[:cut])
    report = run_corpus([corpus], out, resume=True, batch_size=8, progress=False)
    assert report.skipped > 0
    assert lines(out) == lines(reference) or by_id(out) == by_id(reference)
    assert len(lines(out)) == len(by_id(out)) == 120
    manifest = json.loads((tmp_path / "crashed.manifest.json").read_text())
    assert manifest["runs"][-1]["resumed"] is True and manifest["totals"]["done"] == report.articles


def test_resume_of_a_finished_run_does_nothing(corpus, reference, tmp_path):
    out = tmp_path / "again.jsonl"
    run_corpus([corpus], out, batch_size=8, progress=False)
    report = run_corpus([corpus], out, resume=True, batch_size=8, progress=False)
    assert report.articles == 0 and report.rejected == 0 and report.skipped == 121
    assert by_id(out) == by_id(reference)


def test_repair_tail_refuses_damage_in_the_middle(tmp_path):
    path = tmp_path / "damaged.jsonl"
    path.write_bytes(b'{"id": "a"}\n{"id": \n{"id": "c"}\n')
    from pipeline.errors import OutputError

    with pytest.raises(OutputError, match="damaged.jsonl:2"):
        repair_tail(path)
    path.write_bytes(b'{"id": "a"}\n{"id": "b"')
    assert repair_tail(path) == len(b'{"id": "b"')
    assert path.read_bytes() == b'{"id": "a"}\n'


def test_manifest_records_config_inputs_counts_and_throughput(corpus, reference):
    manifest = json.loads(reference.with_name("ref.manifest.json").read_text())
    assert manifest["schema_version"] == "1" and manifest["inputs"] == [str(corpus)]
    assert manifest["config_hash"] and manifest["config"]["summary"]["max_chars"] == 0 and manifest["config"]["summary"]["auto_max_chars"] == 120
    run = manifest["runs"][0]
    assert run["done"] == 120 and run["rejected"] == 1 and run["finished"]
    assert run["chars_per_second"] > 0 and run["workers"] == 1


@pytest.mark.parametrize("kill_after", [5, pytest.param(30, marks=pytest.mark.slow), pytest.param(80, marks=pytest.mark.slow)])
def test_sigkill_then_resume_gives_exactly_the_uninterrupted_records(corpus, reference, tmp_path, kill_after):
    out = tmp_path / "killed.jsonl"
    cmd = [sys.executable, "-m", "pipeline", "run", str(corpus), "-o", str(out), "--workers", "2",
           "--batch-size", "4", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 240
    try:
        while time.time() < deadline and proc.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= kill_after:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run finished before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)  # the runner and its workers, mid-write
    finally:
        if proc.poll() is None:
            proc.wait(timeout=30)
    written_before = out.read_bytes().count(b"\n")  # bytes: a kill may cut a line inside a character
    assert written_before < 120
    resumed = subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 3, resumed.stderr  # 3: the broken line of the input is rejected
    records = by_id(out)
    assert len(lines(out)) == len(records) == 120  # every id exactly once
    assert records == by_id(reference)
    assert len(lines(tmp_path / "killed.rejects.jsonl")) == 1
