"""Ray Data engine (``zhnews run --engine ray``): the same stage functions on a Ray cluster.

The driver reads inputs with zhnews's own readers (so rejects, ids, shards and
``--resume`` behave exactly as in local runs) and writes the JSONL output; the annotation,
which is where the time goes, runs in ``map_batches`` over an actor pool in which every
actor builds its :class:`~pipeline.pipeline.Pipeline` once. Order is preserved, so the output
is the same as a local run's.

Connects to the cluster named by ``RAY_ADDRESS`` when it is set (``ray start --head`` on
one machine, ``ray start --address=HEAD:6379`` on the others), else starts a local Ray.
The pool is sized from the cluster's CPUs: ``--workers`` actors (default: one per CPU),
each reserving a fraction of a CPU so that Ray's own tasks are never starved (an actor
pool that takes every CPU hangs a 2-CPU machine).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import orjson

from pipeline.config import PipelineConfig
from pipeline.errors import ConfigError
from pipeline.record import Article, Rejected

GROUP_BATCHES = 64  # driver batches handed to Ray at a time (bounds the driver's memory)


class RayAnnotator:
    """A Ray Data callable class: one pipeline per actor, records in and out as JSON strings."""

    def __init__(self, config: dict[str, Any]) -> None:
        from pipeline.pipeline import Pipeline

        self.nlp = Pipeline(PipelineConfig.from_dict(config))

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        articles = [Article.from_json(item) for item in batch["article"]]
        out = []
        for result in self.nlp.process_batch(articles):
            if isinstance(result, Rejected):
                out.append(orjson.dumps({"rejected": result.to_dict()}).decode())
            else:
                out.append(result.to_json())
        return {"result": out}


def _connect(workers: int | None) -> tuple[int, float]:
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("--engine ray needs Ray: pip install 'zhnews[distributed]'") from exc
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS")
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=workers or None, include_dashboard=False, log_to_driver=False)
    cpus = float(ray.cluster_resources().get("CPU", 1.0))
    actors = max(1, workers or int(cpus))
    # leave Ray room for its own tasks: the actors together take at most cpus - 0.5
    per_actor = max(0.1, min(1.0, (cpus - 0.5) / actors))
    return actors, per_actor


def annotate_with_ray(config: PipelineConfig, nlp: Any, batches: Iterable[list[Article]], workers: int | None,
                      batch_size: int, ordered: bool = True) -> Iterator[list[Article | Rejected]]:
    """The ``ray`` executor: each actor builds its own pipeline from ``config`` (``nlp`` is not shipped);
    results always come back in input order."""
    import ray

    actors, per_actor = _connect(workers)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    stream = iter(batches)
    while True:
        group = list(islice(stream, GROUP_BATCHES))
        if not group:
            return
        items = [{"article": article.to_json()} for batch in group for article in batch]
        dataset = ray.data.from_items(items).map_batches(
            RayAnnotator,
            fn_constructor_kwargs={"config": config.to_dict()},
            batch_size=batch_size,
            compute=ray.data.ActorPoolStrategy(size=min(actors, max(1, -(-len(items) // batch_size)))),
            num_cpus=per_actor,
            batch_format="numpy",
        )
        results = (row["result"] for row in dataset.iter_rows())
        for batch in group:
            out: list[Article | Rejected] = []
            for line in islice(results, len(batch)):
                data = orjson.loads(line)
                if "rejected" in data:
                    out.append(Rejected(**data["rejected"]))
                else:
                    out.append(Article.from_dict(data))
            yield out
