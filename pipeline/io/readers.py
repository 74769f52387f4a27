"""Readers: files, directories and globs of ``.txt``, ``.jsonl(.gz)``, ``.csv``/``.tsv`` (``.gz``),
HTML pages, web archives (``.warc(.gz)``), Parquet files and saved Hugging Face datasets.

Each reader yields raw :class:`~pipeline.record.Article` records (text as read, to be
cleaned by the pipeline) or :class:`~pipeline.record.Rejected` records that say which
file and line could not be read and why. A bad line or file never stops the others.
"""
from __future__ import annotations

import glob
import gzip
import io
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import orjson

from pipeline.config import InputConfig
from pipeline.errors import InputError
from pipeline.io.articles import checked, decode_flags, html_article, split_long
from pipeline.io.decode import Decoded, decode_text
from pipeline.io.files import LimitedReader, LongLine, bounded_lines, open_regular, read_limited, regular_file_problem
from pipeline.io.rows import read_csv, record_article
from pipeline.io.warc import read_warc
from pipeline.record import Article, Rejected, article_id

Reader = Callable[[Path, InputConfig], Iterable[Article | Rejected]]
# inputs whose article count is only known by reading them through
ROW_SUFFIXES = (".jsonl.gz", ".parquet", ".csv", ".csv.gz", ".tsv", ".tsv.gz", ".warc", ".warc.gz")


def is_saved_dataset(path: Path) -> bool:
    """A folder written by ``Dataset.save_to_disk`` (or ``DatasetDict.save_to_disk``)."""
    return path.is_dir() and ((path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists())


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for suffix in sorted(SUPPORTED_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return path.suffix.lower()


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path | Rejected]:
    """Files in a stable order: directories recursively (sorted), globs expanded (sorted).

    A path that does not exist raises ``InputError`` before anything is read (a usage
    mistake); a file of an unsupported type inside a directory becomes a ``Rejected``.
    """
    return list(_expand(inputs))


def _expand(inputs: Iterable[str | Path]) -> Iterator[Path | Rejected]:
    """Complexity: one branch per kind of input path (file, folder, glob, missing, not regular), each with its
    reject."""
    for item in inputs:
        text = str(item)
        if any(ch in text for ch in "*?[") and not Path(text).exists():
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise InputError(f"the pattern {text!r} matches no file")
            paths = [Path(m) for m in matches]
        else:
            paths = [Path(text)]
        for path in paths:
            if is_saved_dataset(path):
                yield path
            elif path.is_dir():
                for child in sorted(p for p in path.rglob("*") if not p.is_dir()):
                    if child.name.startswith("."):
                        continue
                    problem = regular_file_problem(child)
                    if problem is not None:
                        yield Rejected(str(child), problem)
                    elif _suffix(child) in SUPPORTED_SUFFIXES:
                        yield child
                    else:
                        yield Rejected(str(child), f"unsupported file type; supported: {', '.join(SUPPORTED_SUFFIXES)}")
            elif path.exists():
                problem = regular_file_problem(path)
                yield path if problem is None else Rejected(str(path), problem)
            elif path.is_symlink():
                yield Rejected(str(path), regular_file_problem(path) or "broken symlink")
            else:
                raise InputError(f"input {text!r} does not exist")


def estimate_count(inputs: Iterable[str | Path], expanded: list[Path | Rejected] | None = None) -> int | None:
    """How many articles the inputs hold, when that is cheap to know (for the progress bar's ETA):
    one per text or HTML file plus the lines of uncompressed JSONL files; None when a compressed,
    CSV, Parquet or web-archive input would have to be read through to know."""
    total = 0
    for entry in expanded if expanded is not None else expand_inputs(inputs):
        if isinstance(entry, Rejected):
            total += 1
        elif _suffix(entry) in ROW_SUFFIXES or is_saved_dataset(entry):
            return None
        elif _suffix(entry) == ".jsonl":
            total += _count_lines(entry)
        else:
            total += 1
    return total


def _count_lines(path: Path) -> int:
    """Line ends of a file, counted a megabyte at a time (one huge line is never held)."""
    count = 0
    try:
        with open_regular(path) as handle:
            while chunk := handle.read(1 << 20):
                count += chunk.count(b"\n")
    except (OSError, InputError):
        return 1
    return count


def read_inputs(inputs: Iterable[str | Path], config: InputConfig | None = None, *,
                expanded: list[Path | Rejected] | None = None) -> Iterator[Article | Rejected]:
    """Every article of the inputs, in a stable order. ``expanded``: the files as
    :func:`expand_inputs` listed them earlier (a run lists them before it creates its own files,
    so a glob such as ``out/*.jsonl`` never picks up what the run writes)."""
    config = config or InputConfig()
    for item in _read_entries(expanded if expanded is not None else expand_inputs(inputs), config):
        if isinstance(item, Article) and config.on_too_long == "split" and len(item.text) > config.max_chars > 0:
            yield from split_long(item, config.max_chars)
        else:
            yield item


def _read_entries(entries: list[Path | Rejected], config: InputConfig) -> Iterator[Article | Rejected]:
    for entry in entries:
        if isinstance(entry, Rejected):
            yield entry
        elif is_saved_dataset(entry):
            yield from read_dataset(entry, config)
        else:
            yield from READERS.get(_suffix(entry), _one(read_txt))(entry, config)


def _one(read: Callable[[Path, InputConfig], Article | Rejected]) -> Reader:
    """A reader of one article per file as a reader of many."""
    def reader(path: Path, config: InputConfig) -> list[Article | Rejected]:
        return [read(path, config)]

    reader.__name__ = read.__name__
    return reader


def _read_bytes(path: Path, config: InputConfig) -> bytes:
    return read_limited(path, config.max_file_bytes)


def _decoded(path: Path, config: InputConfig, html: bool = False) -> Decoded | Rejected:
    try:
        return decode_text(_read_bytes(path, config), str(path), html=html)
    except InputError as exc:
        return Rejected(str(path), exc.reason)


def read_txt(path: Path, config: InputConfig) -> Article | Rejected:
    """One article per file; the cleaning stage takes a headline-like first line as the title."""
    source = str(path)
    decoded = _decoded(path, config)
    if isinstance(decoded, Rejected):
        return decoded
    text = decoded.text
    article = Article(id=article_id(source, "", text), source=source, text=text, flags=decode_flags(decoded))
    return checked(article, config)


def read_html(path: Path, config: InputConfig) -> Article | Rejected:
    """Body, title, date, author and outlet of a news page (see :mod:`pipeline.io.html`)."""
    decoded = _decoded(path, config, html=True)
    if isinstance(decoded, Rejected):
        return decoded
    return html_article(decoded.text, str(path), config, flags=decode_flags(decoded))


def _open_lines(path: Path, config: InputConfig) -> Iterator[bytes | LongLine]:
    """Lines of a JSONL file, each bounded by ``input.max_line_bytes``; a ``.gz`` file is
    decompressed as a stream that stops at ``input.max_decompressed_bytes``."""
    with open_regular(path) as raw:
        if path.name.lower().endswith(".gz"):
            inflated = gzip.GzipFile(fileobj=raw, mode="rb")
            handle = io.BufferedReader(LimitedReader(inflated, config.max_decompressed_bytes, str(path)))  # type: ignore[arg-type]
            with handle:
                yield from bounded_lines(handle, config.max_line_bytes)  # type: ignore[arg-type]
        else:
            yield from bounded_lines(raw, config.max_line_bytes)


def read_jsonl(path: Path, config: InputConfig) -> Iterator[Article | Rejected]:
    """One article per line. Each bad line becomes a ``Rejected`` naming ``file:line``."""
    lineno = 0
    try:
        for lineno, raw in enumerate(_open_lines(path, config), 1):
            source = f"{path}:{lineno}"
            if isinstance(raw, LongLine):
                yield Rejected(source, f"line too long: {raw.size} bytes > input.max_line_bytes="
                               f"{config.max_line_bytes} (skipped without reading it whole)")
                continue
            if not raw.strip():
                continue
            yield _jsonl_article(raw, source, config)
    except InputError as exc:  # not a regular file, or past the decompression limit
        where = f"{path}:{lineno + 1}" if lineno else str(path)
        yield Rejected(where, exc.reason)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        where = f"{path}:{lineno + 1}" if lineno else str(path)
        yield Rejected(where, f"cannot read further: {type(exc).__name__}: {exc} (corrupt or truncated file)")


def read_dataset(path: Path, config: InputConfig) -> Iterator[Article | Rejected]:
    """Rows of a Hugging Face dataset folder or a parquet file, with the same field rules as JSONL."""
    from pipeline.io.hf_datasets import iter_dataset_rows

    try:
        for index, row in iter_dataset_rows(path):
            # Arrow values (timestamps, bytes, decimals) become JSON-safe before they reach `extra`
            safe = orjson.loads(orjson.dumps(row, default=str))
            yield record_article(safe, f"{path}#{index}", config)
    except Exception as exc:  # noqa: BLE001 - a broken file is a reject, never a crash
        yield Rejected(str(path), f"cannot read dataset: {type(exc).__name__}: {exc}")


def _jsonl_article(raw: bytes, source: str, config: InputConfig) -> Article | Rejected:
    try:
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Rejected(source, f"undecodable bytes: not UTF-8 at byte {exc.start}")
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return Rejected(source, f"invalid JSON: {exc}")
    if not isinstance(record, dict):
        return Rejected(source, f"expected a JSON object, got {type(record).__name__}")
    return record_article(record, source, config)


# One reader per file suffix: a new input format is one function and one line here.
READERS: dict[str, Reader] = {
    ".txt": _one(read_txt),
    ".jsonl": read_jsonl,
    ".jsonl.gz": read_jsonl,
    ".html": _one(read_html),
    ".htm": _one(read_html),
    ".shtml": _one(read_html),
    ".parquet": read_dataset,
    ".csv": read_csv,
    ".csv.gz": read_csv,
    ".tsv": read_csv,
    ".tsv.gz": read_csv,
    ".warc": read_warc,
    ".warc.gz": read_warc,
}
SUPPORTED_SUFFIXES = tuple(READERS)
