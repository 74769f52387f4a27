"""Faults and hostile inputs: full disks, unwritable paths, Ctrl-C, corrupt files, limits.

Every run here must end with a clear status, lose no record, and stay resumable.
"""
import json
import os
import resource
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT
from test_runner import by_id, lines, make_corpus

import pipeline
from pipeline.batch.runner import run_corpus
from pipeline.config import PipelineConfig
from pipeline.record import Article, Rejected
from pipeline.registry import Stage, stage

CLI = [sys.executable, "-m", "pipeline", "run"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("rel") / "news.jsonl", n=60)


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("relref") / "ref.jsonl"
    run_corpus([corpus], out, batch_size=4, progress=False)
    return out


def all_lines_complete(path):
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), "a partial last line was left behind"
    for line in data.splitlines():
        json.loads(line)


def test_full_disk_fails_fast_with_a_clear_message(corpus, tmp_path):
    out = tmp_path / "out.jsonl"
    out.symlink_to("/dev/full")
    done = subprocess.run([*CLI, str(corpus), "-o", str(out), "--workers", "1", "--quiet"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "No space left on device" in done.stderr and "Traceback" not in done.stderr


def test_unwritable_output_path_fails_before_any_work(corpus):
    done = subprocess.run([*CLI, str(corpus), "-o", "/proc/zhnews/out.jsonl", "--quiet"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "cannot write the output /proc/zhnews/out.jsonl" in done.stderr and "Traceback" not in done.stderr


def _limit_file_size(limit):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.slow
def test_disk_filling_up_mid_run_leaves_a_resumable_output(corpus, reference, tmp_path):
    out = tmp_path / "out.jsonl"
    cmd = [*CLI, str(corpus), "-o", str(out), "--workers", "1", "--batch-size", "4", "--quiet"]
    full = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          preexec_fn=_limit_file_size(60_000))
    assert full.returncode == 1 and "File too large" in full.stderr
    # the size limit may cut the last line inside a character: read bytes, not text
    written = [line for line in out.read_bytes().split(b"\n") if line]
    assert 0 < len(written) < 60
    for line in written[:-1]:
        json.loads(line)  # everything but (at most) the last line is intact
    resumed = subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 3, resumed.stderr  # 3: the corpus's one broken input line
    assert len(lines(out)) == len(by_id(out)) == 60
    assert by_id(out) == by_id(reference)


@pytest.mark.slow  # SIGTERM, which takes the same path, runs by default (test_nothing_lost.py)
def test_sigint_stops_cleanly_after_flushing_and_resume_finishes(corpus, reference, tmp_path):
    out = tmp_path / "out.jsonl"
    cmd = [*CLI, str(corpus), "-o", str(out), "--workers", "2", "--batch-size", "2", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= 6:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)  # stops promptly: no hang waiting for workers
    assert proc.returncode == 130, err
    assert "--resume" in err and "Traceback" not in err
    all_lines_complete(out)
    assert len(lines(out)) < 60
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    assert manifest["runs"][-1].get("interrupted") is True
    resumed = subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 3, resumed.stderr
    assert by_id(out) == by_id(reference) and len(lines(out)) == 60


def test_mixed_encodings_binary_and_symlink_loops_in_one_directory(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    story = "国家统计局发布数据，十月份社会消费品零售总额同比增长百分之四点八，增速比上月加快。"
    (folder / "a_utf8.txt").write_text(story, encoding="utf-8")
    (folder / "b_gbk.txt").write_bytes(story.encode("gbk"))
    (folder / "c_big5.txt").write_bytes("國家統計局發佈數據，十月份社會消費品零售總額同比增長百分之四點八。".encode("big5"))
    (folder / "d_binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "e_loop").symlink_to(folder)  # a directory that contains itself
    (folder / "f_self").symlink_to(folder / "f_self")  # a link to itself
    out = tmp_path / "out.jsonl"
    report = run_corpus([folder], out, progress=False)
    assert report.articles == 3
    rejects = [json.loads(line) for line in lines(tmp_path / "out.rejects.jsonl")]
    assert any(r["source"].endswith("d_binary.txt") and "binary" in r["reason"] for r in rejects)
    assert all(r["reason"] for r in rejects)


def test_unreadable_file_is_rejected_and_the_run_goes_on(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "ok.txt").write_text("腾讯控股公布2024年第三季度业绩，营收同比增长8%。", encoding="utf-8")
    secret = folder / "secret.txt"
    secret.write_text("比亚迪发布业绩预告，净利润同比增长21%。", encoding="utf-8")
    secret.chmod(0)
    report = run_corpus([folder], tmp_path / "out.jsonl", progress=False)
    assert report.articles == 1 and report.rejected == 1
    (reject,) = [json.loads(line) for line in lines(tmp_path / "out.rejects.jsonl")]
    assert reject["source"].endswith("secret.txt") and "cannot read" in reject["reason"]


def test_fifty_megabyte_single_line_is_rejected_or_truncated(tmp_path):
    huge = tmp_path / "huge.jsonl"
    with huge.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "huge", "text": "1234567890" * 5_000_000}) + "\n")
        handle.write(json.dumps({"id": "ok", "text": "小米SU7累计交付量突破10万台，提前完成了全年目标。"}, ensure_ascii=False) + "\n")
    out = tmp_path / "out.jsonl"
    report = run_corpus([huge], out, progress=False)
    assert report.articles == 1 and report.rejected == 1
    (reject,) = [json.loads(line) for line in lines(tmp_path / "out.rejects.jsonl")]
    # over input.max_line_bytes (16 MiB): skipped in chunks, never held whole
    assert reject["source"].endswith("huge.jsonl:1") and "input.max_line_bytes" in reject["reason"]
    config = PipelineConfig().with_overrides(["input.on_too_long=truncate", "input.max_chars=20000",
                                              "input.max_line_bytes=0"])  # no line limit: max_chars decides
    truncated = tmp_path / "truncated.jsonl"
    run_corpus([huge], truncated, config=config, progress=False)
    records = {json.loads(line)["id"]: json.loads(line) for line in lines(truncated)}
    assert "truncated" in records["huge"]["flags"] and len(records["huge"]["text"]) <= 20000
    assert records["huge"]["extra"]["original_chars"] == 50_000_000


class _Sleepy(Stage):
    name = "sleepy"

    def __call__(self, article: Article) -> Article:
        if "卡住" in article.text:
            while True:  # a pathological article: never returns by itself
                time.sleep(0.01)
        return article


@stage("sleepy", requires=("text",))
def _make_sleepy(config: PipelineConfig) -> _Sleepy:
    return _Sleepy()


def test_a_stage_that_hangs_on_one_article_is_stopped_by_the_time_limit():
    nlp = pipeline.load("clean,sleepy,sentences", input__timeout_s=0.5)
    # the stage never returns by itself: that this test ends at all is the limit at work
    out = nlp.process_batch([nlp.make_article(t) for t in ("腾讯发布财报，营收增长。", "这篇文章会卡住流程。", "小米发布新车，销量很好。")])
    assert isinstance(out[0], Article) and isinstance(out[2], Article)
    assert isinstance(out[1], Rejected) and out[1].reason.startswith("timeout")


@pytest.mark.parametrize(
    "line",
    [b'{"text": {"nested": "object"}}', b'{"text": null}', b'{"text": "ok", "title": 5}', b'{"text": "ok", "id": [1]}',
     b"[1, 2, 3]", b'"just a string"', b"12345", b'{"text": "\\ud800 lone surrogate"}', b"\x00\x00\x00"],
)
def test_json_lines_of_the_wrong_shape_are_rejected_with_their_line(tmp_path, line):
    path = tmp_path / "in.jsonl"
    path.write_bytes(line + b"\n" + json.dumps({"id": "good", "text": "宁德时代匈牙利电池工厂进展顺利，预计明年投产。"},
                                                ensure_ascii=False).encode() + b"\n")
    report = run_corpus([path], tmp_path / "out.jsonl", progress=False)
    assert report.articles == 1 and report.rejected == 1
    (reject,) = [json.loads(x) for x in lines(tmp_path / "out.rejects.jsonl")]
    assert reject["source"] == f"{path}:1" and reject["reason"]


def test_resume_repairs_a_last_line_cut_inside_a_character(tmp_path):
    from pipeline.batch.resume import repair_tail

    out = tmp_path / "out.jsonl"
    good = '{"id": "a", "text": "中文"}\n'.encode()
    cut = '{"id": "b", "text": "戴珊"}\n'.encode()[:-5]  # ends inside 珊's three bytes
    out.write_bytes(good + cut)
    assert repair_tail(out) == len(cut)
    assert out.read_bytes() == good
