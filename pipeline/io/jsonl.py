"""JSONL writers for annotated records and rejects, and a reader for our own output."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from pipeline.errors import InputError, OutputError, PipelineError
from pipeline.record import Article


class RecordError(PipelineError, ValueError):
    """One record cannot be written as JSON (nested too deep, a lone surrogate, a value JSON has
    no form for). Nothing of it was written; the runner turns it into a reject."""


def printable(value: Any) -> Any:
    """``value`` with every string made valid UTF-8 (a lone surrogate, as a file name with
    undecodable bytes gives, becomes its ``\\udcXX`` escape): what a reject needs to be written."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [printable(v) for v in value]
    return value


class JsonlWriter:
    """Appends one JSON object a line; flushes every ``flush_every`` records and on close."""

    def __init__(self, path: str | Path, *, append: bool = False, flush_every: int = 64) -> None:
        self.path = Path(path)
        self.flush_every = flush_every
        self.count = 0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("ab" if append else "wb")
        except OSError as exc:
            raise OutputError(f"cannot open {self.path} for writing: {exc.strerror or exc}") from exc

    def write(self, obj: Article | dict[str, Any]) -> None:
        """One line; ``RecordError`` (and nothing written) when ``obj`` cannot be JSON."""
        try:
            data = obj.to_json_bytes() if isinstance(obj, Article) else orjson.dumps(
                obj, option=orjson.OPT_APPEND_NEWLINE)
        except (TypeError, ValueError, RecursionError) as exc:  # orjson.JSONEncodeError is a TypeError
            raise RecordError(f"cannot be written as JSON: {exc}") from exc
        try:
            self._handle.write(data)
            self.count += 1
            if self.count % self.flush_every == 0:
                self._handle.flush()
        except OSError as exc:
            raise OutputError(f"cannot write to {self.path}: {exc.strerror or exc}") from exc

    def write_reject(self, record: dict[str, Any]) -> None:
        """A reject always gets its line: strings that are not valid UTF-8 are escaped first."""
        try:
            self.write(record)
        except RecordError:
            self.write(printable(record))

    def flush(self) -> None:
        """Hand what is written to the operating system (a killed process then loses nothing)."""
        try:
            self._handle.flush()
        except OSError as exc:
            raise OutputError(f"cannot write to {self.path}: {exc.strerror or exc}") from exc

    def close(self) -> None:
        try:
            self._handle.close()
        except OSError as exc:
            raise OutputError(f"cannot finish writing {self.path}: {exc.strerror or exc}") from exc

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def iter_json_lines(path: str | Path) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` of a JSON-lines file whose every line must parse (gold data, not
    corpus input: a bad line here is the user's to fix, so it stops with ``file:line``)."""
    path = Path(path)
    try:
        lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield lineno, orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc}", f"{path}:{lineno}") from exc


def read_records(path: str | Path) -> Iterator[Article]:
    """Annotated articles from one of our JSONL outputs."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot open {path}: {exc.strerror or exc}") from exc
    with handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield Article.from_json(line)
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"not an annotated article record: {exc}", f"{path}:{lineno}") from exc


def find_record(path: str | Path, id: str | None = None, index: int = 0) -> Article:
    """The article with ``id`` (or, without one, the ``index``-th) of an annotated JSONL file."""
    from pipeline.errors import InputError

    for i, article in enumerate(read_records(path)):
        if (id and article.id == id) or (not id and i == index):
            return article
    wanted = f"id {id!r}" if id else f"index {index}"
    raise InputError(f"no article with {wanted} in {path}")
