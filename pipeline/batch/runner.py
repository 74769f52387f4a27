"""Batch runs: stream inputs through the pipeline into annotated JSONL plus a rejects file.

``run_corpus`` reads inputs lazily, annotates them in batches (in this process or in a
pool of ``workers`` processes), appends each record to the output as it comes (in input
order unless ``ordered=False``), flushes and rewrites the manifest at every checkpoint,
and with ``resume=True`` first repairs a truncated last line and skips every input already
written or rejected. ``shard=(i, n)`` keeps a deterministic 1/n of the inputs.
"""
from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from pipeline.batch.dedup import DuplicateIndex
from pipeline.batch.executors import get_executor
from pipeline.batch.manifest import RunManifest, manifest_path
from pipeline.batch.resume import DoneSet, check_resume_config, previous_articles, scan_done
from pipeline.config import PipelineConfig
from pipeline.errors import ConfigError, Terminated
from pipeline.io.jsonl import JsonlWriter, RecordError
from pipeline.io.output_paths import OutputLock, check_output_paths, check_overwrite, ensure_writable
from pipeline.io.readers import estimate_count, expand_inputs, read_inputs
from pipeline.pipeline import Pipeline
from pipeline.record import Article, Rejected

CHECKPOINT_SECONDS = 10.0


@dataclass
class RunReport:
    output: Path
    rejects: Path
    articles: int = 0
    rejected: int = 0
    flagged: int = 0
    skipped: int = 0  # already done by an earlier run (--resume)
    chars: int = 0
    seconds: float = 0.0
    workers: int = 1
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
        self.flagged += bool(article.flags)

    def reject(self, rejected: Rejected) -> None:
        self.rejected += 1
        self.reasons[rejected.reason.split(":", 1)[0][:60]] += 1


def default_output_path(inputs: list[str]) -> Path:
    """Where ``zhnews run`` writes when no ``-o`` is given: ``corpus/annotated/<first input's stem>.jsonl``."""
    first = Path(inputs[0].rstrip("/"))
    stem = first.name.split(".")[0] or "corpus"
    if any(ch in stem for ch in "*?["):
        stem = "corpus"
    return Path("corpus") / "annotated" / f"{stem}.jsonl"


def check_run_paths(inputs: list[str], output: Path, rejects: Path | None = None) -> Path:
    """Refuse, before any model loads or file opens, an output, rejects or manifest path over or inside
    the inputs, and an output folder that cannot be written. Returns the rejects path."""
    rejects = rejects or default_rejects_path(output)
    check_output_paths(inputs, _written_paths(output, rejects))
    ensure_writable(output)
    return rejects


def _written_paths(output: Path, rejects: Path) -> dict[str, Path]:
    """The files a run writes, by role (what must never be, or lie inside, an input)."""
    return {"output": output, "rejects": rejects, "manifest": manifest_path(output)}


def default_rejects_path(output: Path) -> Path:
    name = output.name.removesuffix(".jsonl")
    return output.with_name(f"{name}.rejects.jsonl")


def parse_shard(text: str) -> tuple[int, int]:
    try:
        index, total = (int(x) for x in text.split("/"))
    except ValueError:
        raise ConfigError(f"--shard must look like I/N (e.g. 0/4), got {text!r}") from None
    if not (total >= 1 and 0 <= index < total):
        raise ConfigError(f"--shard {text}: need 0 <= I < N")
    return index, total


def in_shard(key: str, shard: tuple[int, int] | None) -> bool:
    """A stable assignment of an article (by id) or a rejected input (by source) to one shard."""
    if shard is None:
        return True
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shard[1] == shard[0]


def _key(item: Article | Rejected) -> str:
    return item.id or item.source


class UniqueIds:
    """Ids made unique within a run, deterministically: the second article with the id ``X``
    becomes ``X#dup2`` (the third ``X#dup3``…), flagged ``duplicate_id`` with the id it had in
    ``extra["input_id"]``. Every run over the same inputs (``--resume``, each ``--shard``) sees
    the same ids, because the inputs are read in the same order. Holds 8 bytes a seen id."""

    def __init__(self) -> None:
        self._seen: set[int] = set()

    @staticmethod
    def _digest(key: str) -> int:
        return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")

    def assign(self, item: Article | Rejected) -> Article | Rejected:
        if not item.id:
            return item
        digest = self._digest(item.id)
        if digest not in self._seen:
            self._seen.add(digest)
            return item
        n = 2
        while self._digest(f"{item.id}#dup{n}") in self._seen:
            n += 1
        unique = f"{item.id}#dup{n}"
        self._seen.add(self._digest(unique))
        if isinstance(item, Article):
            item.extra["input_id"] = item.id
            item.flags.append("duplicate_id")
        item.id = unique
        return item


def _select(stream: Iterable[Article | Rejected], shard: tuple[int, int] | None, done: DoneSet,
            report: RunReport) -> Iterator[Article | Rejected]:
    ids = UniqueIds()
    for item in stream:
        item = ids.assign(item)
        key = _key(item)
        if not in_shard(key, shard):
            continue
        if done.covers(key):
            report.skipped += 1
            continue
        yield item


def run_corpus(
    inputs: Iterable[str | Path],
    output: str | Path,
    *,
    nlp: Pipeline | None = None,
    config: PipelineConfig | None = None,
    rejects: str | Path | None = None,
    batch_size: int = 128,
    workers: int = 1,
    ordered: bool = True,
    resume: bool = False,
    shard: tuple[int, int] | None = None,
    progress: bool = True,
    engine: str = "local",
    force_config: bool = False,
    overwrite: bool = False,
) -> RunReport:
    """Annotate every input article into ``output``; unreadable or failing ones go to ``rejects``.

    ``resume=True`` refuses an output written with other settings unless ``force_config``; without
    it, an existing output of other inputs or settings is kept unless ``overwrite``.
    Refused before anything is written (``UsageError``): an output, rejects or manifest path
    that is an input (or a hard link to one) or lies inside an input directory, and a second run
    on a file that another run is writing (exclusive locks on ``OUT.lock`` and its siblings)."""
    get_executor(engine)  # an unknown engine is a usage error before any file is touched
    inputs = [str(i) for i in inputs]
    output = Path(output)
    rejects_path = Path(rejects) if rejects else default_rejects_path(output)
    check_output_paths(inputs, _written_paths(output, rejects_path))
    expanded = expand_inputs(inputs)  # listed once, before any file of this run (a lock file) exists
    with OutputLock(output, rejects_path, manifest_path(output)), _sigterm_as_interrupt():
        chosen = nlp.config if nlp is not None else (config or PipelineConfig())
        if resume:
            check_resume_config(output, manifest_path(output), chosen, force_config)
        elif not overwrite:
            check_overwrite(output, manifest_path(output), inputs, chosen.hash(),
                            f"{shard[0]}/{shard[1]}" if shard else None)
        return _run_locked(inputs, output, nlp=nlp, config=config, rejects=rejects, batch_size=batch_size,
                           workers=workers, ordered=ordered, resume=resume, shard=shard, progress=progress,
                           engine=engine, expanded=expanded)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While a run is on, SIGTERM raises ``Terminated`` (a ``KeyboardInterrupt``) in the main thread,
    so it takes Ctrl-C's path: the pool's workers stopped, the files closed, the manifest marked."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: object) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_locked(
    inputs: Iterable[str | Path],
    output: str | Path,
    *,
    nlp: Pipeline | None = None,
    config: PipelineConfig | None = None,
    rejects: str | Path | None = None,
    batch_size: int = 128,
    workers: int = 1,
    ordered: bool = True,
    resume: bool = False,
    shard: tuple[int, int] | None = None,
    progress: bool = True,
    engine: str = "local",
    expanded: list[Path | Rejected] | None = None,
) -> RunReport:
    """Annotate every input article into ``output``; unreadable or failing ones go to ``rejects``.

    Complexity: the run's setup and its one try/except/finally for interrupts; the steps are helpers
    (_duplicate_index, _article_batches, _progress_bar)."""
    inputs = [str(i) for i in inputs]
    config = nlp.config if nlp is not None else (config or PipelineConfig())
    executor = get_executor(engine)  # an unknown engine stops here, before anything is read
    output = Path(output)
    report = RunReport(output=output, rejects=Path(rejects) if rejects else default_rejects_path(output))
    expanded = expanded if expanded is not None else expand_inputs(inputs)
    total = estimate_count(inputs, expanded)
    if total is not None and shard is not None:
        total = -(-total // shard[1])  # this shard's share, about a 1/N of the inputs
    if total is not None and engine == "local":
        workers = max(1, min(workers, -(-total // batch_size)))  # no idle workers on a small input
    report.workers = workers

    done = scan_done(output, report.rejects) if resume else DoneSet()
    dedup = _duplicate_index(config, output, resume)
    manifest = RunManifest(output, config, inputs, resume=resume, shard=shard, workers=workers, engine=engine)

    stream = _select(read_inputs(inputs, config.input, expanded=expanded), shard, done, report)
    bad_inputs: list[Rejected] = []
    results = executor(config, nlp, _article_batches(stream, batch_size, bad_inputs), workers, batch_size, ordered)
    bar = _progress_bar(max(0, total - len(done.ids) - len(done.rejected)) if total else None) if progress else None
    started = time.perf_counter()
    try:
        _write_results(results, bad_inputs, output, report, config, dedup, manifest, bar, resume, started)
        if bar is not None and bar.total is not None and bar.n != bar.total:
            bar.total = bar.n  # a shard's share was an estimate: end at 100%, without an ETA
            bar.refresh()
    except KeyboardInterrupt as stop:
        report.seconds = time.perf_counter() - started
        manifest.run["interrupted"] = "SIGTERM" if isinstance(stop, Terminated) else True
        manifest.update(report)
        raise
    finally:
        if bar is not None:
            bar.close()
    report.seconds = time.perf_counter() - started
    manifest.update(report, finished=True)
    return report


def _duplicate_index(config: PipelineConfig, output: Path, resume: bool) -> DuplicateIndex | None:
    """The run's near-duplicate index (``dedup.enabled``), holding the output's articles when resuming."""
    if not config.dedup.enabled:
        return None
    dedup = DuplicateIndex(config.dedup)
    if resume:
        for previous in previous_articles(output):
            dedup.find(previous)
    return dedup


def _article_batches(stream: Iterator[Article | Rejected], batch_size: int,
                     bad_inputs: list[Rejected]) -> Iterator[list[Article]]:
    """Batches of the stream's articles; its rejected inputs are set aside in ``bad_inputs`` for the writer."""
    while True:
        chunk = list(islice(stream, batch_size))
        if not chunk:
            return
        articles = [a for a in chunk if isinstance(a, Article)]
        bad_inputs.extend(r for r in chunk if isinstance(r, Rejected))
        if articles:
            yield articles


def _progress_bar(total: int | None) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit=" articles", desc="annotating", dynamic_ncols=True,
                smoothing=0.1)


def _write_results(results: Iterator[list[Article | Rejected]], bad_inputs: list[Rejected], output: Path,
                   report: RunReport, config: PipelineConfig, dedup: DuplicateIndex | None, manifest: RunManifest,
                   bar: Any, resume: bool, started: float) -> None:
    """Append every result in order; the files are flushed and closed even when interrupted."""
    last_checkpoint = started
    with JsonlWriter(output, append=resume) as out, JsonlWriter(report.rejects, append=resume) as bad:
        for batch in results:
            for item in bad_inputs:
                bad.write_reject(item.to_dict())
                report.reject(item)
            n_done = len(bad_inputs) + len(batch)
            bad_inputs.clear()
            for result in batch:
                if dedup is not None and isinstance(result, Article):
                    earlier = dedup.flag(result)
                    if earlier is not None and config.dedup.drop:
                        result = Rejected(result.source, f"near_duplicate_of:{earlier} (dropped: dedup.drop)", result.id)
                if isinstance(result, Article):
                    try:
                        out.write(result)
                        report.add(result)
                        continue
                    except RecordError as exc:  # this record only: the rest of the batch is written
                        result = Rejected(result.source, str(exc), result.id)
                bad.write_reject(result.to_dict())
                report.reject(result)
            now = time.perf_counter()
            report.seconds = now - started
            if bar is not None:
                bar.update(n_done)
                bar.set_postfix_str(f"{report.chars_per_second / 1000:.1f}k chars/s, {report.rejected} rejected")
            out.flush()  # every batch reaches the OS: a killed run loses at most the batches in flight
            bad.flush()
            if now - last_checkpoint >= CHECKPOINT_SECONDS:
                manifest.update(report)
                last_checkpoint = now
        for item in bad_inputs:  # rejected inputs after the last article
            bad.write_reject(item.to_dict())
            report.reject(item)
            if bar is not None:
                bar.update(1)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
