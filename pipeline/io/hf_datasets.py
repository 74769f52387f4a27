"""Hugging Face ``datasets`` in and out: an annotated run as a typed ``Dataset`` (or Parquet), and dataset rows as input.

Our JSON arrays become typed Arrow columns: ``sentences`` a list of ``{start, end}``,
``tokens`` a list of ``{start, end, pos}``, entities/removed/keywords lists of structs,
``summary`` a struct; ``meta`` and ``extra`` (free-form) are JSON strings. :func:`to_row`
and :func:`from_row` convert losslessly between an :class:`Article` and a row.

Annotating a ``Dataset`` with ``.map`` is batch work: :mod:`pipeline.batch.hf_map`.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from pipeline.errors import InputError, OutputError
from pipeline.record import Article, Entity, Keyword, Removal, Summary

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def features():  # noqa: ANN201 - datasets.Features, imported lazily
    from datasets import Features, List, Value

    span = {"start": Value("int32"), "end": Value("int32")}
    return Features(
        {
            "id": Value("string"),
            "source": Value("string"),
            "title": Value("string"),
            "text": Value("string"),
            "removed": List({"text": Value("string"), "reason": Value("string"), "raw_start": Value("int64"),
                             "raw_end": Value("int64"), "field": Value("string")}),
            "sentences": List(span),
            "tokens": List({**span, "pos": Value("string")}),
            "entities": List({**span, "label": Value("string"), "text": Value("string"), "norm": Value("string"),
                              "source": Value("string"), "score": Value("float64")}),
            "keywords": List({"text": Value("string"), "score": Value("float64")}),
            "summary": {"method": Value("string"), "text": Value("string"), "sentences": List(Value("int32")),
                        "spans": List(span)},
            "flags": List(Value("string")),
            "meta": Value("string"),
            "extra": Value("string"),
        }
    )


def to_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "text": article.text,
        "removed": [{**r.to_dict(), "field": r.field} for r in article.removed],
        "sentences": [{"start": s, "end": e} for s, e in article.sentences],
        "tokens": [{"start": s, "end": e, "pos": p} for s, e, p in article.tokens],
        "entities": [e.to_dict() for e in article.entities],
        "keywords": [k.to_dict() for k in article.keywords],
        "summary": {**article.summary.to_dict(), "spans": [{"start": s, "end": e} for s, e in article.summary.spans]},
        "flags": list(article.flags),
        "meta": orjson.dumps(article.meta).decode(),
        "extra": orjson.dumps(article.extra).decode(),
    }


def from_row(row: dict[str, Any]) -> Article:
    return Article(
        id=row["id"],
        source=row["source"],
        title=row["title"],
        text=row["text"],
        removed=[Removal(**r) for r in row["removed"]],
        sentences=[(s["start"], s["end"]) for s in row["sentences"]],
        tokens=[(t["start"], t["end"], t["pos"]) for t in row["tokens"]],
        entities=[Entity(**e) for e in row["entities"]],
        keywords=[Keyword(**k) for k in row["keywords"]],
        summary=Summary(row["summary"]["method"], row["summary"]["text"], list(row["summary"]["sentences"]),
                        [(s["start"], s["end"]) for s in row["summary"].get("spans") or []]),
        flags=list(row["flags"]),
        meta=json.loads(row["meta"]),
        extra=json.loads(row["extra"]),
    )


def dataset_from_records(records: Iterable[Article]):  # noqa: ANN201 - datasets.Dataset
    from datasets import Dataset

    rows = [to_row(a) for a in records]
    return Dataset.from_list(rows, features=features())


def export_dataset(records: Iterable[Article], target: str | Path, kind: str) -> int:
    """Write records as a saved dataset folder (``hf-dataset``) or one parquet file (``parquet``)."""
    dataset = dataset_from_records(records)
    try:
        if kind == "hf-dataset":
            dataset.save_to_disk(str(target))
        elif kind == "parquet":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            dataset.to_parquet(str(target))
        else:
            raise InputError(f"unknown export format {kind!r}")
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return len(dataset)


def iter_dataset_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of a saved dataset folder or a parquet file, streamed (parquet in record batches)."""
    if path.is_dir():
        from datasets import load_from_disk

        dataset = load_from_disk(str(path))
        if hasattr(dataset, "keys") and not hasattr(dataset, "column_names"):  # a DatasetDict
            for split in dataset:
                yield from enumerate(dataset[split])
            return
        yield from enumerate(dataset)
        return
    import pyarrow.parquet as pq

    index = 0
    for record_batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
        for row in record_batch.to_pylist():
            yield index, row
            index += 1
