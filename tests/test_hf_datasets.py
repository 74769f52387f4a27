"""Hugging Face datasets: input, Dataset.map annotation, and typed exports that round-trip."""
import json

import pytest

datasets = pytest.importorskip("datasets")

from conftest import SAMPLES  # noqa: E402

import pipeline  # noqa: E402
from pipeline.batch.hf_map import annotate_dataset  # noqa: E402
from pipeline.cli import main  # noqa: E402
from pipeline.io.hf_datasets import from_row  # noqa: E402
from pipeline.io.jsonl import read_records  # noqa: E402
from pipeline.io.readers import read_inputs  # noqa: E402
from pipeline.record import Article  # noqa: E402

ROWS = [json.loads(line) for line in (SAMPLES / "newswire.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def annotated_jsonl(tmp_path_factory):
    out = tmp_path_factory.mktemp("hf") / "news.jsonl"
    assert main(["run", str(SAMPLES / "newswire.jsonl"), "-o", str(out), "--quiet", "--workers", "1"]) == 0
    return out


def test_export_hf_dataset_round_trips_with_typed_columns(annotated_jsonl, tmp_path):
    target = tmp_path / "ds"
    assert main(["export", str(annotated_jsonl), "--to", "hf-dataset", "-o", str(target)]) == 0
    loaded = datasets.load_from_disk(str(target))
    assert loaded.features["tokens"].feature["start"].dtype == "int32"
    assert loaded.features["entities"].feature["label"].dtype == "string"
    assert loaded.features["summary"]["sentences"].feature.dtype == "int32"
    originals = list(read_records(annotated_jsonl))
    assert [from_row(row) for row in loaded] == originals


def test_export_parquet_round_trips(annotated_jsonl, tmp_path):
    target = tmp_path / "news.parquet"
    assert main(["export", str(annotated_jsonl), "--to", "parquet", "-o", str(target)]) == 0
    loaded = datasets.load_dataset("parquet", data_files=str(target), split="train")
    assert [from_row(row) for row in loaded] == list(read_records(annotated_jsonl))


def test_run_reads_saved_datasets_and_parquet(tmp_path):
    source = datasets.Dataset.from_list(ROWS)
    folder = tmp_path / "raw_ds"
    source.save_to_disk(str(folder))
    parquet = tmp_path / "raw.parquet"
    source.to_parquet(str(parquet))
    for path in (folder, parquet):
        items = list(read_inputs([path]))
        assert [a.id for a in items if isinstance(a, Article)] == [r["id"] for r in ROWS]
        assert items[0].extra["date"] == "2024-11-13" and items[0].source == f"{path}#0"


def test_annotate_dataset_with_map_and_two_processes():
    source = datasets.Dataset.from_list([*ROWS, {"id": "empty", "title": "", "text": "   "}])
    annotated = annotate_dataset(source, num_proc=2, batch_size=2)
    assert len(annotated) == len(ROWS) + 1
    by_id = {row["id"]: row for row in annotated}
    assert by_id["empty"]["reject_reason"].startswith("empty article")
    row = by_id["nw-2024-0001"]
    assert row["reject_reason"] == ""
    direct = pipeline.load()(ROWS[0]["text"], title=ROWS[0]["title"], id=ROWS[0]["id"])
    article = from_row({k: v for k, v in row.items() if k != "reject_reason"})
    assert article.entities == direct.entities and article.tokens == direct.tokens
    assert article.summary == direct.summary
