"""Readers: files, directories and globs of ``.txt``, ``.jsonl``, ``.jsonl.gz`` and HTML pages.

Each reader yields raw :class:`~pipeline.record.Article` records (text as read, to be
cleaned by the pipeline) or :class:`~pipeline.record.Rejected` records that say which
file and line could not be read and why. A bad line or file never stops the others.
"""
from __future__ import annotations

import glob
import gzip
import io
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from pipeline.config import InputConfig
from pipeline.errors import InputError
from pipeline.io.decode import Decoded, decode_text
from pipeline.io.files import LimitedReader, LongLine, bounded_lines, open_regular, read_limited, regular_file_problem
from pipeline.record import Article, Rejected, Removal, article_id

SUPPORTED_SUFFIXES = (".txt", ".jsonl", ".jsonl.gz", ".html", ".htm", ".shtml", ".parquet")


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
    one per text or HTML file plus the lines of uncompressed JSONL files; None with gzip."""
    total = 0
    for entry in expanded if expanded is not None else expand_inputs(inputs):
        if isinstance(entry, Rejected):
            total += 1
        elif _suffix(entry) in (".jsonl.gz", ".parquet") or is_saved_dataset(entry):
            return None
        elif _suffix(entry) == ".jsonl":
            try:
                with open_regular(entry) as handle:
                    total += sum(1 for line in handle if line.strip())
            except (OSError, InputError):
                total += 1
        else:
            total += 1
    return total


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
            continue
        suffix = _suffix(entry)
        if suffix == ".parquet" or is_saved_dataset(entry):
            yield from read_dataset(entry, config)
        elif suffix in (".jsonl", ".jsonl.gz"):
            yield from read_jsonl(entry, config)
        elif suffix in (".html", ".htm", ".shtml"):
            yield read_html(entry, config)
        else:
            yield read_txt(entry, config)


def _read_bytes(path: Path, config: InputConfig) -> bytes:
    return read_limited(path, config.max_file_bytes)


def _checked(article: Article, config: InputConfig) -> Article | Rejected:
    """Apply the size limit ``input.max_chars`` as ``input.on_too_long`` says: ``reject`` (the
    default), ``truncate`` (cut, flagged ``truncated``) or ``split`` (left whole here; split into
    parts by :func:`split_long` in :func:`read_inputs`)."""
    size = len(article.text)
    if size <= config.max_chars or config.max_chars <= 0 or config.on_too_long == "split":
        return article
    if config.on_too_long == "truncate":
        article.text = article.text[: config.max_chars]
        article.flags.append("truncated")
        article.extra["original_chars"] = size
        return article
    return Rejected(article.source, f"article too long: {size} characters > input.max_chars={config.max_chars} "
                    "(or set input.on_too_long=split or truncate)", article.id)


def split_long(article: Article, max_chars: int) -> list[Article]:
    """An article over ``max_chars`` as consecutive parts of at most ``max_chars`` characters,
    cut after a line break where there is one in the second half of a part, else after a
    sentence end, else anywhere. Part k of N has the id ``ID#partK``, the flag ``split`` and
    ``extra["part"] = {"index": k, "of": N, "article": ID, "offset": where it starts}``, so a
    part's spans map back to the whole by adding that offset."""
    text = article.text
    if max_chars <= 0 or len(text) <= max_chars:
        return [article]
    bounds: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > max_chars:
        window = text[start : start + max_chars]
        cut = window.rfind("\n") + 1
        if cut <= max_chars // 2:
            ends = [window.rfind(mark) + 1 for mark in "。！？!?"]
            cut = max(ends) if max(ends) > max_chars // 2 else max_chars
        bounds.append((start, start + cut))
        start += cut
    bounds.append((start, len(text)))
    parts = []
    for k, (a, b) in enumerate(bounds, 1):
        parts.append(Article(
            id=f"{article.id}#part{k}", source=article.source, title=article.title, text=text[a:b],
            removed=[Removal(r.text, r.reason, r.raw_start - a, r.raw_end - a, r.field) if r.field == "text"
                     else r for r in article.removed
                     if (r.field == "text" and a <= r.raw_start and r.raw_end <= b) or (r.field != "text" and k == 1)],
            flags=[*article.flags, "split"],
            extra={**article.extra, "part": {"index": k, "of": len(bounds), "article": article.id, "offset": a}},
        ))
    return parts


def _decoded(path: Path, config: InputConfig, html: bool = False) -> Decoded | Rejected:
    try:
        return decode_text(_read_bytes(path, config), str(path), html=html)
    except InputError as exc:
        return Rejected(str(path), exc.reason)


def _decode_flags(decoded: Decoded) -> list[str]:
    """``decode_errors:N`` when N byte sequences could not be decoded and were replaced."""
    return [f"decode_errors:{decoded.errors}"] if decoded.errors else []


def read_txt(path: Path, config: InputConfig) -> Article | Rejected:
    """One article per file; the cleaning stage takes a headline-like first line as the title."""
    source = str(path)
    decoded = _decoded(path, config)
    if isinstance(decoded, Rejected):
        return decoded
    text = decoded.text
    article = Article(id=article_id(source, "", text), source=source, text=text, flags=_decode_flags(decoded))
    return _checked(article, config)


def read_html(path: Path, config: InputConfig) -> Article | Rejected:
    """Body, title, date, author and outlet of a news page (see :mod:`pipeline.io.html`)."""
    decoded = _decoded(path, config, html=True)
    if isinstance(decoded, Rejected):
        return decoded
    return html_article(decoded.text, str(path), config, flags=_decode_flags(decoded))


def html_article(page: str, source: str, config: InputConfig, *, flags: list[str] | None = None,
                 extra: dict[str, Any] | None = None, given_id: str | None = None) -> Article | Rejected:
    """An article from a page's HTML (a file, or a field of a row). The link lines the page's
    clutter pass proposes to cut travel as ``removed`` entries that the clean stage applies."""
    from pipeline.io.html import extract_html

    try:
        page_doc = extract_html(page)
    except InputError as exc:
        return Rejected(source, exc.reason, given_id or "")
    title, text = page_doc.title, page_doc.text
    removed = [Removal(text[c.start:c.end], c.reason, c.start, c.end) for c in page_doc.cuts]
    article = Article(
        id=given_id or article_id(source, title, text),
        source=source,
        title=title,
        text=text,
        removed=removed,
        flags=[*(flags or []), *page_doc.flags],
        extra={**(extra or {}), **page_doc.extra},
    )
    return _checked(article, config)


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
    from pipeline.hf import iter_dataset_rows

    try:
        for index, row in iter_dataset_rows(path):
            # Arrow values (timestamps, bytes, decimals) become JSON-safe before they reach `extra`
            safe = orjson.loads(orjson.dumps(row, default=str))
            yield _record_article(safe, f"{path}#{index}", config)
    except Exception as exc:  # noqa: BLE001 - a broken file is a reject, never a crash
        yield Rejected(str(path), f"cannot read dataset: {type(exc).__name__}: {exc}")


def _first(record: dict[str, Any], names: list[str]) -> tuple[str | None, Any]:
    """The first of ``names`` the record has with a value; an empty or blank string gives way
    to a later field that has text (``{"text": "", "content": "…"}`` reads ``content``)."""
    found: tuple[str | None, Any] = (None, None)
    for name in names:
        if name in record:
            value = record[name]
            if not (value is None or (isinstance(value, str) and not value.strip())):
                return name, value
            if found[0] is None:
                found = (name, value)
    return found


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
    return _record_article(record, source, config)


def _record_article(record: dict[str, Any], source: str, config: InputConfig) -> Article | Rejected:
    text_field, text = _first(record, config.text_fields)
    if text_field is None:
        fields = ", ".join(list(record)[:12]) or "none"
        return Rejected(source, f"no text field (looked for {', '.join(config.text_fields)}; the record has "
                        f"{fields}): name yours with --set input.text_fields=FIELD")
    if text is None:
        text = ""
    if not isinstance(text, str):
        return Rejected(source, f"field {text_field!r} must be a string, got {type(text).__name__}")
    title_field, title = _first(record, config.title_fields)
    if title is None:
        title = ""
    elif not isinstance(title, str):
        return Rejected(source, f"field {title_field!r} must be a string, got {type(title).__name__}")
    id_field, given_id = _first(record, config.id_fields)
    if given_id is not None and not isinstance(given_id, (str, int)) or isinstance(given_id, bool):
        return Rejected(source, f"field {id_field!r} must be a string or an integer, got {type(given_id).__name__}")
    used = {text_field, title_field, id_field}
    extra = {k: v for k, v in record.items() if k not in used}
    article = Article(
        id=str(given_id) if given_id not in (None, "") else article_id(source, title, text),
        source=source,
        title=title,
        text=text,
        extra=extra,
    )
    return _checked(article, config)
