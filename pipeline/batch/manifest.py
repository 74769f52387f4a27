"""The run manifest: a JSON file beside the output that says what produced it and how the run went.

It records the pipeline and schema versions, the config and its hash, the inputs, the
shard, and per run (a resumed run adds one) the counts (done, rejected, flagged), wall
time and throughput; ``totals`` add the runs up. It is rewritten atomically at every
checkpoint, so a killed run leaves a readable manifest behind.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import orjson

from pipeline.config import PipelineConfig
from pipeline.errors import OutputError
from pipeline.record import SCHEMA_VERSION
from pipeline.version import __version__


def manifest_path(output: Path) -> Path:
    return output.with_name(output.name.removesuffix(".jsonl") + ".manifest.json")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class RunManifest:
    def __init__(self, output: Path, config: PipelineConfig, inputs: list[str], *, resume: bool,
                 shard: tuple[int, int] | None, workers: int, engine: str) -> None:
        self.path = manifest_path(output)
        previous: dict[str, Any] = {}
        if resume and self.path.exists():
            try:
                previous = orjson.loads(self.path.read_bytes())
            except (OSError, orjson.JSONDecodeError):
                previous = {}
        self.data: dict[str, Any] = {
            "zhnews_version": __version__,
            "schema_version": SCHEMA_VERSION,
            "config_hash": config.hash(),
            "config": config.to_dict(),
            "inputs": inputs,
            "output": str(output),
            "shard": f"{shard[0]}/{shard[1]}" if shard else None,
            "runs": list(previous.get("runs", [])),
        }
        if previous and previous.get("config_hash") != config.hash():
            self.data["config_changed_on_resume"] = {"before": previous.get("config_hash"), "after": config.hash()}
        self.run: dict[str, Any] = {"started": _now(), "finished": None, "resumed": resume, "workers": workers,
                                    "engine": engine}
        self.data["runs"].append(self.run)

    def update(self, report: Any, finished: bool = False) -> None:
        self.run.update(
            {
                "done": report.articles,
                "rejected": report.rejected,
                "flagged": report.flagged,
                "skipped_as_done": report.skipped,
                "characters": report.chars,
                "seconds": round(report.seconds, 3),
                "chars_per_second": round(report.chars_per_second),
                "articles_per_second": round(report.articles / report.seconds, 2) if report.seconds else 0.0,
            }
        )
        if finished:
            self.run["finished"] = _now()
        runs = self.data["runs"]
        self.data["totals"] = {
            key: sum(r.get(key, 0) for r in runs) for key in ("done", "rejected", "flagged", "characters")
        }
        self._write()

    def _write(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_bytes(orjson.dumps(self.data, option=orjson.OPT_INDENT_2))
            os.replace(tmp, self.path)
        except OSError as exc:
            raise OutputError(f"cannot write the run manifest {self.path}: {exc.strerror or exc}") from exc
