"""A run never writes over or inside its inputs, and never shares its output with another run."""
from __future__ import annotations

import json
import os

import pytest

from pipeline.batch.runner import run_corpus
from pipeline.config import PipelineConfig
from pipeline.errors import UsageError
from pipeline.io.output_paths import OutputLock, check_output_paths

LINES = [{"id": str(i), "text": f"第{i}篇：阿里巴巴集团总裁戴珊发布内部信，宣布淘宝直播组织调整。"} for i in range(3)]


def write_inputs(path):
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in LINES) + "\n", encoding="utf-8")
    return path.read_bytes()


def test_output_paths_output_that_is_the_input_is_refused_and_the_input_kept(tmp_path):
    source = tmp_path / "x.jsonl"
    before = write_inputs(source)
    with pytest.raises(UsageError, match="also an input"):
        run_corpus([source], source, progress=False)
    assert source.read_bytes() == before


def test_output_paths_output_inside_an_input_directory_is_refused(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_inputs(folder / "a.jsonl")
    with pytest.raises(UsageError, match="inside the input directory"):
        run_corpus([folder], folder / "out.jsonl", progress=False)
    assert sorted(p.name for p in folder.iterdir()) == ["a.jsonl"]


def test_output_paths_rejects_file_that_is_an_input_is_refused(tmp_path):
    source = tmp_path / "x.jsonl"
    before = write_inputs(source)
    with pytest.raises(UsageError, match="rejects path"):
        check_output_paths([source], {"output": tmp_path / "o.jsonl", "rejects": source})
    assert source.read_bytes() == before


def test_output_paths_symlinked_output_to_the_input_is_refused(tmp_path):
    source = tmp_path / "x.jsonl"
    write_inputs(source)
    link = tmp_path / "link.jsonl"
    link.symlink_to(source)
    with pytest.raises(UsageError):
        check_output_paths([source], {"output": link})


def test_output_paths_second_writer_is_refused_with_the_first_ones_pid(tmp_path):
    output = tmp_path / "out.jsonl"
    with OutputLock(output), pytest.raises(UsageError, match=r"another run \(pid \d+\)"), OutputLock(output):
        pass
    with OutputLock(output):  # released: a later run goes ahead
        pass
    assert not (tmp_path / "out.jsonl.lock").exists()


def test_output_paths_cli_exits_2_before_touching_the_input(tmp_path, capsys):
    from pipeline.cli import main

    source = tmp_path / "x.jsonl"
    before = write_inputs(source)
    assert main(["run", str(source), "-o", str(source), "--quiet"]) == 2
    assert source.read_bytes() == before
    assert "also an input" in capsys.readouterr().err


def test_output_paths_a_hard_link_to_an_input_is_refused(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"text": "国家统计局发布数据。"}\n', encoding="utf-8")
    os.link(folder / "a.jsonl", tmp_path / "out.jsonl")
    for inputs in ([folder / "a.jsonl"], [folder]):
        with pytest.raises(UsageError, match="hard link|is also an input"):
            check_output_paths(inputs, {"output": tmp_path / "out.jsonl"})
    assert (folder / "a.jsonl").read_text(encoding="utf-8").startswith('{"text"')


def test_output_paths_a_run_cannot_write_into_the_rejects_file_of_a_running_one(tmp_path):
    with OutputLock(tmp_path / "a.jsonl", tmp_path / "a.rejects.jsonl"), \
            pytest.raises(UsageError, match="another run"), OutputLock(tmp_path / "a.rejects.jsonl"):
        pass
    assert not list(tmp_path.glob("*.lock"))  # every lock file goes when its run ends


def test_output_paths_a_glob_over_the_output_folder_never_reads_the_run_s_own_files(tmp_path):
    from pipeline.batch.runner import run_corpus

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "in.jsonl").write_text('{"id": "x", "text": "国家统计局发布数据，十月份社会消费品零售总额同比增长。"}\n',
                                     encoding="utf-8")
    config = PipelineConfig().with_overrides(["components=clean,sentences"])
    report = run_corpus([str(folder / "*")], folder / "new.jsonl", config=config, progress=False)
    assert report.articles == 1 and report.rejected == 0


def test_output_paths_another_run_s_output_is_kept_unless_overwrite(tmp_path):
    config = PipelineConfig().with_overrides(["components=clean,sentences"])
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for path, prefix in ((a, "a"), (b, "b")):
        path.write_text("".join(json.dumps({"id": f"{prefix}{r['id']}", "text": r["text"]}, ensure_ascii=False) + "\n"
                                for r in LINES), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run_corpus([a], out, config=config, progress=False)
    first = out.read_bytes()
    run_corpus([a], out, config=config, progress=False)  # the same run twice: harmless, allowed
    assert out.read_bytes() == first
    with pytest.raises(UsageError, match="another set of inputs.*--overwrite"):
        run_corpus([b], out, config=config, progress=False)
    with pytest.raises(UsageError, match="other settings"):
        run_corpus([a], out, config=config.with_overrides(["clean.min_chars=5"]), progress=False)
    assert out.read_bytes() == first
    (tmp_path / "mine.jsonl").write_text("my own notes\n", encoding="utf-8")
    with pytest.raises(UsageError, match="without a zhnews manifest"):
        run_corpus([a], tmp_path / "mine.jsonl", config=config, progress=False)
    run_corpus([b], out, config=config, progress=False, overwrite=True)
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["b0", "b1", "b2"]
