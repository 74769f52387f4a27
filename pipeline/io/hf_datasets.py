"""Hugging Face ``datasets``: annotate a ``Dataset`` with ``.map``, and export runs as datasets.

Our JSON arrays become typed Arrow columns: ``sentences`` a list of ``{start, end}``,
``tokens`` a list of ``{start, end, pos}``, entities/removed/keywords lists of structs,
``summary`` a struct; ``meta`` and ``extra`` (free-form) are JSON strings. :func:`to_row`
and :func:`from_row` convert losslessly between an :class:`Article` and a row.

    >>> from datasets import load_dataset
    >>> from pipeline.io.hf_datasets import annotate_dataset
    >>> ds = load_dataset("json", data_files="news.jsonl", split="train")
    >>> annotated = annotate_dataset(ds, num_proc=2)   # doctest: +SKIP
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from pipeline.config import PipelineConfig
from pipeline.errors import InputError, OutputError
from pipeline.record import Article, Entity, Keyword, Rejected, Removal, Summary

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
            "summary": {"method": Value("string"), "text": Value("string"), "sentences": List(Value("int32"))},
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
        "summary": article.summary.to_dict(),
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
        summary=Summary(row["summary"]["method"], row["summary"]["text"], list(row["summary"]["sentences"])),
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


@lru_cache(maxsize=2)
def _pipeline_for(config_json: str):  # noqa: ANN202 - one pipeline per process and config
    from pipeline.pipeline import Pipeline

    return Pipeline(PipelineConfig.from_dict(json.loads(config_json)))


def annotate_batch(batch: dict[str, list[Any]], config_json: str, text_column: str, title_column: str | None,
                   id_column: str | None) -> dict[str, list[Any]]:
    """A pure function from a batch to a batch, for ``Dataset.map(batched=True, num_proc=N)``.

    The pipeline is built once per process (cached by its config), never captured by the
    closure, so ``datasets`` can hash and pickle the function. Every input row gives one
    output row; a rejected article has ``reject_reason`` set and its other columns empty.
    """
    nlp = _pipeline_for(config_json)
    n = len(batch[text_column])
    articles = []
    for i in range(n):
        text = batch[text_column][i]
        title = batch[title_column][i] if title_column else ""
        given = batch[id_column][i] if id_column else None
        source = f"dataset:{given if given is not None else i}"
        if not isinstance(text, str):
            text = ""  # rejected below as an empty article, never dropped
        articles.append(nlp.make_article(text, title=title or "", id=str(given) if given is not None else None,
                                         source=source))
    out: dict[str, list[Any]] = {name: [] for name in [*features(), "reject_reason"]}
    for article, result in zip(articles, nlp.process_batch(articles)):
        if isinstance(result, Rejected):
            row = to_row(Article(id=article.id, source=article.source, text=""))
            row["reject_reason"] = result.reason
        else:
            row = to_row(result)
            row["reject_reason"] = ""
        for key, value in row.items():
            out[key].append(value)
    return out


def annotate_dataset(dataset: Any, *, config: PipelineConfig | None = None, text_column: str = "text",
                     title_column: str | None = None, id_column: str | None = None, batch_size: int = 32,
                     num_proc: int | None = None) -> Any:
    """Annotate a ``datasets.Dataset``; returns a new one with our typed columns plus ``reject_reason``."""
    from datasets import Value

    columns = set(dataset.column_names)
    title_column = title_column or ("title" if "title" in columns else None)
    id_column = id_column or ("id" if "id" in columns else None)
    if text_column not in columns:
        raise InputError(f"the dataset has no column {text_column!r}; it has {sorted(columns)}")
    target = features()
    target["reject_reason"] = Value("string")
    config_json = json.dumps((config or PipelineConfig()).to_dict(), sort_keys=True)
    return dataset.map(
        annotate_batch,
        batched=True,
        batch_size=batch_size,
        num_proc=num_proc,
        remove_columns=dataset.column_names,
        features=target,
        fn_kwargs={"config_json": config_json, "text_column": text_column, "title_column": title_column,
                   "id_column": id_column},
        desc="zhnews",
    )


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
