"""What an earlier (possibly killed) run already wrote, so that ``--resume`` never repeats or loses work.

A run appends one JSON line per record and flushes at checkpoints; a SIGKILL can leave a
truncated last line. :func:`repair_tail` cuts it off (back to the last newline), and
:func:`scan_done` collects the ids already annotated and the inputs already rejected.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from pipeline.config import PipelineConfig
from pipeline.errors import OutputError, UsageError
from pipeline.record import Article


@dataclass
class DoneSet:
    ids: set[str] = field(default_factory=set)
    rejected: set[str] = field(default_factory=set)  # ids, or sources of inputs rejected before they had one
    repaired_bytes: int = 0

    def covers(self, key: str) -> bool:
        return key in self.ids or key in self.rejected


def repair_tail(path: Path) -> int:
    """Cut a partial last line (no newline, or not valid JSON). Returns the bytes removed.

    Only the last line can be damaged by a crash; an invalid line anywhere else means the
    file was changed by something else, and resuming stops with an error instead of guessing.
    """
    if not path.exists():
        return 0
    good_end = 0
    bad_line = 0
    try:
        with path.open("rb") as handle:
            for lineno, line in enumerate(handle, 1):
                if bad_line:
                    raise OutputError(
                        f"{path}:{bad_line} is not a complete JSON line but more lines follow it; "
                        "the file was damaged by something other than an interrupted run. Fix or remove that line."
                    )
                complete = line.endswith(b"\n")
                try:
                    if line.strip():
                        orjson.loads(line)
                except orjson.JSONDecodeError:
                    complete = False
                if complete:
                    good_end += len(line)
                else:
                    bad_line = lineno
        size = path.stat().st_size
        if good_end < size:
            with path.open("rb+") as handle:
                handle.truncate(good_end)
                handle.flush()
                os.fsync(handle.fileno())
        return size - good_end
    except OSError as exc:
        raise OutputError(f"cannot repair {path} for --resume: {exc.strerror or exc}") from exc


def iter_lines(path: Path) -> Iterator[dict]:
    if not path.exists():
        return
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                yield orjson.loads(line)


def scan_done(output: Path, rejects: Path) -> DoneSet:
    done = DoneSet()
    done.repaired_bytes = repair_tail(output) + repair_tail(rejects)
    for record in iter_lines(output):
        done.ids.add(record["id"])
    for record in iter_lines(rejects):
        done.rejected.add(record.get("id") or record["source"])
    return done


def previous_articles(output: Path) -> Iterator[Article]:
    """Only ``id`` and ``text`` are needed to seed the duplicate index."""
    for record in iter_lines(output):
        yield Article(id=record["id"], source=record["source"], text=record["text"])


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(data, dict):
        return {prefix: data}
    out: dict[str, Any] = {}
    for key, value in data.items():
        out.update(_flatten(value, f"{prefix}{key}." if isinstance(value, dict) else f"{prefix}{key}"))
    return out


def config_differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """``section.key: old -> new`` for every setting that differs."""
    a, b = _flatten(before), _flatten(after)
    return [f"{key}: {a.get(key, '(unset)')!r} -> {b.get(key, '(unset)')!r}"
            for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key)]


def check_resume_config(output: Path, manifest: Path, config: PipelineConfig, force: bool) -> None:
    """``--resume`` continues a run with the same settings, or mixes two kinds of records in one
    file: refused (``UsageError``) when the manifest (or, without one, the first record) names
    another config hash, unless ``force`` (``--force-config``)."""
    if force:
        return
    previous_hash, previous_config = None, None
    try:
        if manifest.exists():
            data = orjson.loads(manifest.read_bytes())
            previous_hash, previous_config = data.get("config_hash"), data.get("config")
        elif output.exists():
            with output.open("rb") as handle:
                first = handle.readline()
            if first.strip():
                previous_hash = orjson.loads(first).get("meta", {}).get("config_hash")
    except (OSError, orjson.JSONDecodeError, AttributeError):
        return  # nothing readable to compare with; repair_tail reports real damage
    if previous_hash is None or previous_hash == config.hash():
        return
    what = ""
    if isinstance(previous_config, dict):
        changes = config_differences(previous_config, config.to_dict())
        if changes:
            what = "; what differs: " + "; ".join(changes[:8]) + (f" (and {len(changes) - 8} more)"
                                                               if len(changes) > 8 else "")
    raise UsageError(
        f"--resume: {output} was written with config {previous_hash}, this run's config is {config.hash()}"
        f"{what}. Resume with the same settings, write to a new output, or pass --force-config to mix them")
