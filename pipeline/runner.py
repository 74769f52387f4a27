"""Batch runs: stream inputs through a pipeline into annotated JSONL plus a rejects file."""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from pipeline.config import PipelineConfig
from pipeline.dedup import DuplicateIndex
from pipeline.io.readers import read_inputs
from pipeline.io.writers import JsonlWriter
from pipeline.nlp import Pipeline
from pipeline.record import Article, Rejected


@dataclass
class RunReport:
    output: Path
    rejects: Path
    articles: int = 0
    rejected: int = 0
    chars: int = 0
    seconds: float = 0.0
    entities: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0

    def add(self, article: Article) -> None:
        self.articles += 1
        self.chars += len(article.text)
        self.entities.update(e.label for e in article.entities)
        self.flags.update(f.split(":", 1)[0] for f in article.flags)

    def reject(self, rejected: Rejected) -> None:
        self.rejected += 1
        self.reasons[rejected.reason.split(":", 1)[0][:60]] += 1


def default_rejects_path(output: Path) -> Path:
    name = output.name.removesuffix(".jsonl")
    return output.with_name(f"{name}.rejects.jsonl")


def run_corpus(
    inputs: Iterable[str | Path],
    output: str | Path,
    *,
    nlp: Pipeline | None = None,
    config: PipelineConfig | None = None,
    rejects: str | Path | None = None,
    batch_size: int = 32,
    progress: bool = True,
) -> RunReport:
    """Annotate every input article into ``output``; unreadable or failing ones go to ``rejects``."""
    nlp = nlp or Pipeline(config)
    output = Path(output)
    report = RunReport(output=output, rejects=Path(rejects) if rejects else default_rejects_path(output))
    stream = read_inputs(inputs, nlp.config.input)
    dedup = DuplicateIndex(nlp.config.dedup) if nlp.config.dedup.enabled else None
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit=" articles", desc="annotating", dynamic_ncols=True)
    started = time.perf_counter()
    with JsonlWriter(output) as out, JsonlWriter(report.rejects) as bad:
        while True:
            chunk = list(islice(stream, batch_size))
            if not chunk:
                break
            articles = []
            for item in chunk:
                if isinstance(item, Rejected):
                    bad.write(item.to_dict())
                    report.reject(item)
                else:
                    articles.append(item)
            for result in nlp.process_batch(articles):
                if dedup is not None and isinstance(result, Article):
                    earlier = dedup.flag(result)
                    if earlier is not None and nlp.config.dedup.drop:
                        result = Rejected(result.source, f"near_duplicate_of:{earlier} (dropped: dedup.drop)", result.id)
                if isinstance(result, Rejected):
                    bad.write(result.to_dict())
                    report.reject(result)
                else:
                    out.write(result)
                    report.add(result)
            if bar is not None:
                bar.update(len(chunk))
                elapsed = time.perf_counter() - started
                bar.set_postfix_str(f"{report.chars / elapsed / 1000:.1f}k chars/s, {report.rejected} rejected")
    report.seconds = time.perf_counter() - started
    if bar is not None:
        bar.close()
    return report
