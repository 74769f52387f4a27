"""A run never writes over or inside its inputs, and never shares its output with another run."""
from __future__ import annotations

import json

import pytest

from pipeline.errors import UsageError
from pipeline.io.output_paths import OutputLock, check_output_paths
from pipeline.runner import run_corpus

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
