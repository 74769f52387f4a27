"""Nothing lost, ever: one test per family of the fault campaign (issue 16).

Records that cannot be written, special files, unbounded input, time limits inside batched
stages, duplicate ids across --resume, a resume with other settings, SIGTERM, hostile
annotation imports, hostile data in terminal views, CR-only JSONL, an empty text field.
Most runs use only the cheap stages, so the family tests stay fast.
"""
import gzip
import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from conftest import ROOT
from test_runner import by_id, lines, make_corpus

from pipeline.batch.runner import run_corpus
from pipeline.cli import main
from pipeline.config import PipelineConfig
from pipeline.errors import UsageError
from pipeline.io.readers import read_inputs
from pipeline.record import Article
from pipeline.registry import Stage, stage

CHEAP = PipelineConfig().with_overrides(["components=clean,sentences"])
STORY = "国家统计局发布数据，十月份社会消费品零售总额同比增长百分之四点八，增速比上月加快。"
CLI = [sys.executable, "-m", "pipeline"]


def rows(path):
    return [json.loads(line) for line in lines(path)] if path.exists() else []


def write_jsonl(path, records, newline="\n"):
    path.write_text(newline.join(json.dumps(r, ensure_ascii=False) for r in records) + newline, encoding="utf-8")
    return path


# ---------------------------------------------------------------- one record, one reject
def test_a_record_that_cannot_be_written_is_a_reject_and_the_batch_goes_on(tmp_path):
    deep: dict = {}
    node = deep
    for _ in range(300):  # orjson reads this but cannot write it back (its limit is 254)
        node["x"] = {}
        node = node["x"]
    good = [{"id": f"g{i}", "text": f"第{i}条。" + STORY} for i in range(5)]
    src = write_jsonl(tmp_path / "in.jsonl", [*good[:2], {"id": "deep", "text": STORY, "meta_x": deep}, *good[2:]])
    out = tmp_path / "out.jsonl"
    report = run_corpus([src], out, config=CHEAP, progress=False)
    assert report.articles == 5 and report.rejected == 1
    assert [r["id"] for r in rows(out)] == ["g0", "g1", "g2", "g3", "g4"]
    (bad,) = rows(tmp_path / "out.rejects.jsonl")
    assert bad["id"] == "deep" and "cannot be written as JSON" in bad["reason"]


def test_a_file_name_that_is_not_utf8_still_gets_its_line(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsencode(folder) + b"/bad\xff name.txt"
    with open(name, "wb") as handle:
        handle.write(STORY.encode("utf-8"))
    out = tmp_path / "out.jsonl"
    report = run_corpus([folder], out, config=CHEAP, progress=False)
    assert report.articles + report.rejected == 1
    everything = rows(out) + rows(tmp_path / "out.rejects.jsonl")
    assert len(everything) == 1 and "bad" in everything[0]["source"]


# ---------------------------------------------------------------- special files
def test_fifos_devices_and_links_to_them_are_rejects_never_read(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(STORY, encoding="utf-8")
    os.mkfifo(folder / "pipe.jsonl")
    (folder / "zero.jsonl").symlink_to("/dev/zero")
    (folder / "random.txt").symlink_to("/dev/urandom")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    fifo_alone = tmp_path / "alone.txt"
    os.mkfifo(fifo_alone)
    out = tmp_path / "out.jsonl"
    cmd = [*CLI, "run", str(folder), str(fifo_alone), str(tmp_path / "zero_link.jsonl"), "-o", str(out), "--quiet",
           "--components", "clean,sentences"]
    (tmp_path / "zero_link.jsonl").symlink_to("/dev/zero")
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert [r["source"].rsplit("/", 1)[-1] for r in rows(out)] == ["good.txt"]
    reasons = {r["source"].rsplit("/", 1)[-1]: r["reason"] for r in rows(tmp_path / "out.rejects.jsonl")}
    assert "FIFO" in reasons["pipe.jsonl"] and "FIFO" in reasons["alone.txt"]
    assert "device" in reasons["zero.jsonl"] and "device" in reasons["random.txt"]
    assert "device" in reasons["zero_link.jsonl"]
    assert "symlink loop" in reasons["loop.txt"]


# ---------------------------------------------------------------- bounded input
def test_a_huge_line_inside_gzip_is_skipped_without_being_held(tmp_path):
    src = tmp_path / "bomb.jsonl.gz"
    with gzip.open(src, "wb") as handle:
        handle.write(json.dumps({"id": "before", "text": STORY}, ensure_ascii=False).encode() + b"\n")
        handle.write(b'{"id": "huge", "text": "' + b"1" * (8 << 20) + b'"}\n')
        handle.write(json.dumps({"id": "after", "text": STORY}, ensure_ascii=False).encode() + b"\n")
    config = PipelineConfig().with_overrides(["input.max_line_bytes=1048576"]).input
    items = list(read_inputs([src], config))
    assert [getattr(i, "id", None) for i in items if isinstance(i, Article)] == ["before", "after"]
    (rejected,) = [i for i in items if not isinstance(i, Article)]
    assert rejected.source.endswith(":2") and "input.max_line_bytes" in rejected.reason


def test_decompression_stops_at_its_limit_and_keeps_what_came_before(tmp_path):
    src = tmp_path / "many.jsonl.gz"
    with gzip.open(src, "wb") as handle:
        for i in range(4000):
            handle.write(json.dumps({"id": f"r{i}", "text": STORY * 3}, ensure_ascii=False).encode() + b"\n")
    config = PipelineConfig().with_overrides(["input.max_decompressed_bytes=200000"]).input
    items = list(read_inputs([src], config))
    kept = [i for i in items if isinstance(i, Article)]
    assert 100 < len(kept) < 4000 and [a.id for a in kept] == [f"r{i}" for i in range(len(kept))]
    assert "input.max_decompressed_bytes" in items[-1].reason


def test_a_text_file_over_the_byte_limit_is_a_reject_naming_it(tmp_path):
    (tmp_path / "big.txt").write_text(STORY * 2000, encoding="utf-8")
    config = PipelineConfig().with_overrides(["input.max_file_bytes=10000"]).input
    (item,) = read_inputs([tmp_path / "big.txt"], config)
    assert "input.max_file_bytes=10000" in item.reason


def test_an_article_over_max_chars_can_be_split_into_parts(tmp_path):
    text = "\n".join(f"第{i}段。" + STORY for i in range(40))
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "long", "text": text}])
    config = PipelineConfig().with_overrides(["input.max_chars=600", "input.on_too_long=split"])
    parts = list(read_inputs([src], config.input))
    assert len(parts) >= 4 and all(len(p.text) <= 600 for p in parts)
    assert "".join(p.text for p in parts) == text
    assert [p.id for p in parts] == [f"long#part{k}" for k in range(1, len(parts) + 1)]
    for part in parts:
        assert text[part.extra["part"]["offset"]:].startswith(part.text) and "split" in part.flags
    rejected = list(read_inputs([src], PipelineConfig().with_overrides(["input.max_chars=600"]).input))
    assert len(rejected) == 1 and "input.max_chars=600" in rejected[0].reason


# ---------------------------------------------------------------- time limits in batches
@stage("test_slow_batched", requires=("text",), assigns=())
def _make_slow_batched(config):
    class SlowBatched(Stage):
        name = "test_slow_batched"
        batched = True

        def __call__(self, article):
            if "HANG" in article.text:
                time.sleep(3600)
            return article

        def pipe(self, articles):
            for article in articles:
                self(article)
            return articles

    return SlowBatched()


def test_the_time_limit_holds_per_article_inside_a_batched_stage(tmp_path, monkeypatch):
    import pipeline.pipeline

    granted = []  # every limit a stage was given: none may exceed one article's
    real = pipeline.pipeline.time_limit

    def recording(seconds):
        granted.append(seconds)
        return real(seconds)

    monkeypatch.setattr(pipeline.pipeline, "time_limit", recording)
    records = [{"id": f"a{i}", "text": STORY + ("HANG" if i == 3 else "")} for i in range(16)]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    config = PipelineConfig().with_overrides(["components=clean,sentences,test_slow_batched", "input.timeout_s=1"])
    report = run_corpus([src], tmp_path / "out.jsonl", config=config, batch_size=16, progress=False)
    assert report.articles == 15 and report.rejected == 1
    assert "timeout" in rows(tmp_path / "out.rejects.jsonl")[0]["reason"]
    assert granted and max(granted) == 1  # the batch of 16 got one article's limit, not 16 of them


# ---------------------------------------------------------------- ids and resume
def test_duplicate_input_ids_are_made_unique_and_resume_sees_the_same_ids(tmp_path):
    records = [{"id": "same", "text": f"第{i}条。" + STORY} for i in range(4)] + [{"id": "same#dup2", "text": STORY}]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    out = tmp_path / "out.jsonl"
    run_corpus([src], out, config=CHEAP, progress=False)
    ids = [r["id"] for r in rows(out)]
    assert ids == ["same", "same#dup2", "same#dup3", "same#dup4", "same#dup2#dup2"]
    assert rows(out)[1]["extra"]["input_id"] == "same" and "duplicate_id" in rows(out)[1]["flags"]
    full = by_id(out)
    out.write_text("\n".join(lines(out)[:2]) + "\n", encoding="utf-8")  # a run cut after two records
    run_corpus([src], out, config=CHEAP, resume=True, progress=False)
    assert by_id(out) == full and len(lines(out)) == 5


def test_resume_with_other_settings_is_refused_unless_forced(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"a{i}", "text": f"第{i}条。" + STORY} for i in range(3)])
    out = tmp_path / "out.jsonl"
    run_corpus([src], out, config=CHEAP, progress=False)
    other = CHEAP.with_overrides(["clean.min_chars=5"])
    with pytest.raises(UsageError, match=r"clean\.min_chars: 20 -> 5"):
        run_corpus([src], out, config=other, resume=True, progress=False)
    assert len(lines(out)) == 3
    cmd = [*CLI, "run", str(src), "-o", str(out), "--resume", "--quiet", "--components", "clean,sentences",
           "--set", "clean.min_chars=5"]
    refused = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert refused.returncode == 2 and "--force-config" in refused.stderr, refused.stderr
    forced = run_corpus([src], out, config=other, resume=True, force_config=True, progress=False)
    assert forced.skipped == 3


# ---------------------------------------------------------------- SIGTERM
def test_sigterm_is_handled_like_ctrl_c_and_leaves_no_orphan(tmp_path):
    corpus = make_corpus(tmp_path / "news.jsonl", n=1000)
    out = tmp_path / "out.jsonl"
    cmd = [*CLI, "run", str(corpus), "-o", str(out), "--workers", "2", "--batch-size", "2", "--quiet",
           "--components", "clean,sentences,tokens"]  # cheap stages: the workers start in a second
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= 6:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be stopped"
    workers = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "SIGTERM" in err and "Traceback" not in err
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"orphaned workers: {alive}"
    assert json.loads((tmp_path / "out.manifest.json").read_text())["runs"][-1]["interrupted"] == "SIGTERM"
    for line in lines(out):
        json.loads(line)
    resumed = subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert resumed.returncode == 3 and len(lines(out)) == 1000, resumed.stderr


# ---------------------------------------------------------------- zhnews import
def test_import_validates_every_line_and_writes_only_valid_ones(tmp_path):
    text = "戴珊在杭州宣布淘宝直播的新计划。"
    good = {"id": "ok", "text": text, "label": [[0, 2, "PERSON"], [3, 5, "GPE"]]}
    bad_lines = [
        {"id": "str", "text": text, "label": [["0", "2", "PERSON"]]},
        {"id": "float", "text": text, "label": [[0.0, 2, "PERSON"]]},
        {"id": "notext", "label": [[0, 2, "PERSON"]]},
        {"id": "two", "text": text, "label": [[0, 2]]},
        {"id": "overlap", "text": text, "label": [[0, 2, "PERSON"], [1, 3, "ORG"]]},
        {"id": "dup", "text": text, "label": [[0, 2, "PERSON"], [0, 2, "PERSON"]]},
        {"id": "nonstr", "text": text, "label": [[0, 2, 7]]},
        {"id": "empty", "text": text, "label": [[0, 2, ""]]},
        {"id": "outside", "text": text, "label": [[5, 99, "ORG"]]},
        {"id": "ok", "text": text, "label": []},
        ["a", "list"],
    ]
    src = tmp_path / "corrected.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [good, *bad_lines]) + "\n{broken\n",
                   encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    assert main(["import", str(src), "--from", "doccano", "-o", str(gold)]) == 3
    (record,) = rows(gold)
    assert record["id"] == "ok" and [(e["start"], e["end"]) for e in record["entities"]] == [(0, 2), (3, 5)]
    rejects = rows(tmp_path / "gold.rejects.jsonl")
    assert len(rejects) == len(bad_lines) + 1
    assert [r["source"].rsplit(":", 1)[1] for r in rejects] == [str(n) for n in range(2, len(bad_lines) + 3)]
    studio = tmp_path / "studio.json"
    studio.write_text(json.dumps({"not": "tasks"}), encoding="utf-8")
    assert main(["import", str(studio), "--from", "label-studio", "-o", str(tmp_path / "g2.jsonl")]) == 2
    studio.write_text(json.dumps([{"data": {"text": text}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 0, "end": 2, "labels": []}}]}]}]), encoding="utf-8")
    assert main(["import", str(studio), "--from", "label-studio", "-o", str(tmp_path / "g3.jsonl")]) == 3
    assert rows(tmp_path / "g3.jsonl") == []


# ---------------------------------------------------------------- terminal views
def test_show_never_obeys_markup_or_escape_sequences_from_the_data(tmp_path):
    article = Article(id="x\x1b[2J", source="\x1b]0;owned\x07src", title="标题[/bold][link=https://evil]点[/link]",
                      text="正文\x1b[31m红色\x1b[0m，还有\u202e反转。")
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(article.to_json_bytes())
    plain = subprocess.run([*CLI, "show", str(path)], cwd=ROOT, capture_output=True, timeout=120, check=False)
    assert plain.returncode == 0, plain.stderr
    shown = plain.stdout.decode("utf-8")
    assert "[/bold]" in shown and "[link=https://evil]" in shown  # printed, not obeyed
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    coloured = subprocess.run([*CLI, "show", str(path)], cwd=ROOT, capture_output=True, timeout=120,
                              env={**os.environ, "FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "100"}, check=False)
    shown = coloured.stdout.decode("utf-8")
    assert coloured.returncode == 0 and "正文" in shown
    for sequence in ("\x1b]", "\x1b[2J", "\x07", "\u202e", "\x1b]8;"):  # OSC, clear screen, bell, bidi, hyperlink
        assert sequence not in shown


# ---------------------------------------------------------------- smaller
def test_cr_only_jsonl_is_three_records(tmp_path):
    src = write_jsonl(tmp_path / "mac.jsonl", [{"id": f"m{i}", "text": STORY} for i in range(3)], newline="\r")
    assert [a.id for a in read_inputs([src])] == ["m0", "m1", "m2"]


def test_an_empty_text_field_gives_way_to_the_next_one(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "c", "text": "", "content": STORY},
                                              {"id": "d", "文本": STORY}])
    first, second = read_inputs([src])
    assert first.text == STORY
    assert "文本" in second.reason and "input.text_fields" in second.reason
