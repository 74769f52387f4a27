import json
import subprocess
import sys

import jsonschema
import pytest
from conftest import ROOT, SAMPLES, assert_spans_exact, shared_file

from pipeline.cli import main
from pipeline.io.jsonl import read_records

SCHEMA = json.loads((ROOT / "docs" / "article.schema.json").read_text(encoding="utf-8"))


def validate_output(path):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, errors[0]
        records.append(data)
    return records


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "samples.jsonl"
    inputs = [str(SAMPLES)]
    scraped = ROOT.parent / "shared" / "data" / "samples" / "scraped_article_taobao.txt"
    if scraped.exists():
        inputs.append(str(scraped))
    code = main(["run", *inputs, "-o", str(out), "--quiet"])
    return code, out, len(inputs)


def test_cli_run_writes_valid_schema_v1_lines(sample_run):
    code, out, n_inputs = sample_run
    assert code == 0
    records = validate_output(out)
    assert len(records) == 7 + (n_inputs - 1)  # 7 sample articles (+ the shared scraped page)
    assert out.with_name("samples.rejects.jsonl").read_text() == ""
    for article in read_records(out):
        assert article.check_offsets() == []
        assert_spans_exact(article)
        assert article.meta["schema_version"] == "1"


def test_cli_run_records_are_deterministic(sample_run, tmp_path):
    code, out, _ = sample_run
    again = tmp_path / "again.jsonl"
    assert main(["run", str(SAMPLES), "-o", str(again), "--quiet"]) == 0
    first = {json.loads(l)["id"]: l for l in out.read_text(encoding="utf-8").splitlines()}
    for line in again.read_text(encoding="utf-8").splitlines():
        assert first[json.loads(line)["id"]] == line


def test_cli_run_scraped_sample_expectations(sample_run):
    shared_file("samples", "scraped_article_taobao.txt")
    _, out, _ = sample_run
    (article,) = [a for a in read_records(out) if a.source.endswith("scraped_article_taobao.txt")]
    labels = {}
    for e in article.entities:
        labels.setdefault(e.text, set()).add(e.label)
    assert "PERSON" in labels["戴珊"] and "ORG" in labels["阿里巴巴集团"]
    assert labels["淘宝直播"] & {"PRODUCT", "ORG"}
    sentences = {article.text[s:e] for s, e in article.sentences}
    for i in article.summary.sentences:
        s, e = article.sentences[i]
        assert article.text[s:e] in sentences
    assert "免责声明" not in article.summary.text


def test_cli_bad_jsonl_lines_are_rejected_and_exit_status_says_so(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        "\n".join(
            [
                json.dumps({"id": "a", "text": "比亚迪发布2024年一季度业绩预告，净利润同比增长21%。"}, ensure_ascii=False),
                "{broken json",
                json.dumps({"id": "b", "body_missing": "x"}),
                json.dumps({"id": "c", "text": "腾讯控股公布第三季度业绩，营收同比增长8%。"}, ensure_ascii=False),
            ]
        ).encode()
        + b"\n\xff\xfe\xfd\n"
    )
    out = tmp_path / "out.jsonl"
    code = main(["run", str(src), "-o", str(out), "--quiet"])
    assert code == 3
    assert [json.loads(l)["id"] for l in out.read_text(encoding="utf-8").splitlines()] == ["a", "c"]
    rejects = [json.loads(l) for l in (tmp_path / "out.rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["source"] for r in rejects] == [f"{src}:2", f"{src}:3", f"{src}:5"]
    assert all(r["reason"] for r in rejects)


def test_cli_missing_input_is_a_usage_error(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nothing.txt"), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_cli_show_prints_an_article(sample_run, capsys):
    _, out, _ = sample_run
    first = next(read_records(out))
    assert main(["show", str(out), "--id", first.id]) == 0
    shown = capsys.readouterr().out
    assert first.entities[0].text in shown and "summary" in shown
    assert main(["show", str(out), "--id", "no-such-id"]) == 2


def test_cli_python_dash_m_and_report(tmp_path):
    out = tmp_path / "o.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(SAMPLES / "newswire.jsonl"), "-o", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "articles annotated" in proc.stderr and "chars/s" in proc.stderr
    assert f"wrote 5 annotated articles to {out}" in proc.stderr
