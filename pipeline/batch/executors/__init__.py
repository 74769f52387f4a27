"""Executors: where the batches of a run are annotated. One small registry, one entry per way to run.

An executor is a function ``(config, nlp, batches, workers, batch_size, ordered) -> results``:
it gets the run's batches of articles and yields, for each batch in order (or as done when
``ordered`` is False and the executor can), the list of annotated articles or rejects.
``zhnews run --engine NAME`` picks one by name. To add an executor (a thread pool, a
job queue), write its module here and add one line to :data:`EXECUTORS`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from pipeline.batch.executors.process_pool import annotate_locally
from pipeline.batch.executors.ray_cluster import annotate_with_ray
from pipeline.config import PipelineConfig
from pipeline.errors import ConfigError
from pipeline.pipeline import Pipeline
from pipeline.record import Article, Rejected

Results = list[Article | Rejected]
Executor = Callable[[PipelineConfig, Pipeline | None, Iterable[list[Article]], int, int, bool], Iterator[Results]]

EXECUTORS: dict[str, Executor] = {
    "local": annotate_locally,  # this process, or a pool of processes when workers > 1
    "ray": annotate_with_ray,  # a Ray cluster (the ``distributed`` extra)
}


def get_executor(name: str) -> Executor:
    """The executor registered as ``name``; a :class:`ConfigError` lists the known ones."""
    try:
        return EXECUTORS[name]
    except KeyError:
        raise ConfigError(f"engine must be one of {', '.join(sorted(EXECUTORS))}, got {name!r}") from None
