"""Executors that annotate batches of articles: in this process, or in a pool of processes.

A pool worker builds its :class:`~pipeline.pipeline.Pipeline` once, when it starts (models load
once per worker, never per article). Batches are submitted through a bounded window of
``2 × workers`` futures, so memory does not grow with the corpus, and results come back in
input order (or, ``ordered=False``, as soon as each batch is done).
"""
from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from pipeline.config import PipelineConfig
from pipeline.pipeline import Pipeline
from pipeline.record import Article, Rejected

Results = list[Article | Rejected]

_WORKER_NLP: Pipeline | None = None


def _init_worker(config: dict[str, Any]) -> None:
    global _WORKER_NLP
    # Ctrl-C reaches the whole process group: the runner stops the pool itself, after flushing
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_NLP = Pipeline(PipelineConfig.from_dict(config))


def _annotate_in_worker(batch: list[Article]) -> Results:
    assert _WORKER_NLP is not None, "worker used before its initializer ran"
    return _WORKER_NLP.process_batch(batch)


def annotate_locally(config: PipelineConfig, nlp: Pipeline | None, batches: Iterable[list[Article]], workers: int,
                     batch_size: int, ordered: bool) -> Iterator[Results]:
    """The ``local`` executor: this process (``nlp``, or one built from ``config``) for one worker, else a pool."""
    if workers > 1:
        return annotate_in_pool(config, batches, workers, ordered=ordered)
    return annotate_in_process(nlp or Pipeline(config), batches)


def annotate_in_process(nlp: Pipeline, batches: Iterable[list[Article]]) -> Iterator[Results]:
    for batch in batches:
        yield nlp.process_batch(batch)


def annotate_in_pool(
    config: PipelineConfig, batches: Iterable[list[Article]], workers: int, *, ordered: bool = True
) -> Iterator[Results]:
    """Annotate in ``workers`` processes (spawned, so no lock or thread is inherited by a fork)."""
    context = multiprocessing.get_context("spawn")
    window = 2 * workers
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(config.to_dict(),))
    try:
        pending: deque[Future[Results]] = deque()
        for batch in batches:
            pending.append(pool.submit(_annotate_in_worker, batch))
            while len(pending) >= window:
                yield from _drain(pending, ordered)
        while pending:
            yield from _drain(pending, ordered)
    except BaseException:  # Ctrl-C, a write error, a closed generator: stop the workers now
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        raise
    pool.shutdown()


def _drain(pending: deque[Future[Results]], ordered: bool) -> Iterator[Results]:
    if ordered:
        yield pending.popleft().result()
        return
    done, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in list(pending):
        if future in done:
            pending.remove(future)
            yield future.result()
