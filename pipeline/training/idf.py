"""``zhnews idf``: an IDF table from the user's own corpus, read by later runs.

A separate pass (runs stay stateless per article): every input article is cleaned and
segmented exactly as a run would (same config, so the same lexicons), each word counts
once per article, and ``idf = ln(N / df)``, the scale of jieba's own table. Words seen in
fewer than ``min_df`` articles are left out (they get the table's median, as unseen words
do). Use the table with ``--set keywords.idf=models/idf.txt``.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import PipelineConfig
from pipeline.errors import OutputError
from pipeline.io.readers import read_inputs
from pipeline.pipeline import Pipeline
from pipeline.record import Article


@dataclass
class IdfReport:
    articles: int
    rejected: int
    words: int
    output: Path


def build_idf(
    inputs: Iterable[str | Path], output: str | Path, config: PipelineConfig | None = None, min_df: int = 2,
    batch_size: int = 64,
) -> IdfReport:
    config = (config or PipelineConfig()).with_overrides(["components=clean,sentences,tokens"])
    nlp = Pipeline(config)
    df: Counter[str] = Counter()
    articles = rejected = 0
    batch: list[Article] = []

    def flush() -> None:
        nonlocal articles, rejected
        for result in nlp.process_batch(batch):
            if isinstance(result, Article):
                articles += 1
                df.update({result.text[s:e] for s, e, _ in result.tokens})
            else:
                rejected += 1
        batch.clear()

    for item in read_inputs(inputs, config.input):
        if isinstance(item, Article):
            batch.append(item)
            if len(batch) >= batch_size:
                flush()
        else:
            rejected += 1
    flush()
    output = Path(output)
    rows = sorted((w, math.log(articles / n)) for w, n in df.items() if n >= min_df and any(c.isalpha() for c in w))
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as handle:
            handle.writelines(f"{w} {idf:.6f}\n" for w, idf in rows)
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from exc
    return IdfReport(articles, rejected, len(rows), output)
