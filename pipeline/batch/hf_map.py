"""Annotate a Hugging Face ``Dataset`` with ``Dataset.map(batched=True, num_proc=N)``.

    >>> from datasets import load_dataset
    >>> from pipeline.batch.hf_map import annotate_dataset
    >>> ds = load_dataset("json", data_files="news.jsonl", split="train")
    >>> annotated = annotate_dataset(ds, num_proc=2)   # doctest: +SKIP

The rows come back in :mod:`pipeline.io.hf_datasets`' typed columns, plus ``reject_reason``.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from pipeline.config import PipelineConfig
from pipeline.errors import InputError
from pipeline.io.hf_datasets import features, to_row
from pipeline.record import Article, Rejected


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
