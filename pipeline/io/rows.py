"""Rows of records (JSONL lines, CSV/TSV rows, Parquet and dataset rows) as articles.

One rule for every row format, with the field names of ``input.*_fields``:

* the text is the first of ``text_fields`` with a value (``正文`` and ``内容`` included); a row
  without one whose ``html_fields`` hold a page's raw HTML goes through the same extraction as
  an ``.html`` file (a scraper's feed), and its URL (``url_fields``) becomes the ``source``;
* the title, the id, the URL (``extra.url``) and the date (``extra.date``, ISO 8601 when the
  value reads as a date) come from their fields; every other field is kept in ``extra``;
* a row with neither text nor HTML is a reject that lists the fields it has and says which
  ``--set`` would pick one.

``read_csv`` streams a ``.csv``, ``.tsv`` or ``.csv.gz`` file with a header row (UTF-8 with or
without a BOM, else GB18030, as Excel writes Chinese CSV); each bad row is a reject naming
``file:line``.
"""
from __future__ import annotations

import codecs
import csv
import gzip
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.config import InputConfig
from pipeline.errors import InputError
from pipeline.io.articles import checked, html_article
from pipeline.io.files import LimitedReader, open_regular
from pipeline.record import Article, Rejected, article_id

_NO_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)


def first_field(record: dict[str, Any], names: list[str]) -> tuple[str | None, Any]:
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


def _string_field(record: dict[str, Any], names: list[str], source: str) -> tuple[str | None, str] | Rejected:
    name, value = first_field(record, names)
    if value is None:
        return name, ""
    if not isinstance(value, str):
        return Rejected(source, f"field {name!r} must be a string, got {type(value).__name__}")
    return name, value


def record_article(record: dict[str, Any], source: str, config: InputConfig) -> Article | Rejected:
    """One row as an article (or a page, or a reject); see the module's docstring."""
    got = _row_fields(record, source, config)
    if isinstance(got, Rejected):
        return got
    text_field, text, title_field, title, id_field, given = got
    url_field, url = first_field(record, config.url_fields)
    html_field = None
    if not text.strip():
        html_field, page = first_field(record, config.html_fields)
        if not (isinstance(page, str) and page.strip()):
            html_field = None
    if text_field is None and html_field is None:
        fields = ", ".join(list(record)[:12]) or "none"
        return Rejected(source, f"no text field (looked for {', '.join(config.text_fields)}; for HTML "
                        f"{', '.join(config.html_fields)}; the record has {fields}): name yours with "
                        "--set input.text_fields=FIELD (or input.html_fields=FIELD)", given)
    used = {text_field, title_field, id_field, html_field}
    extra = {k: v for k, v in record.items() if k not in used}
    url = url.strip() if isinstance(url, str) else ""
    if url and url_field != "url":
        extra["url"] = url
    _date_to_extra(record, config, extra)
    if html_field is not None:
        return _page_article(record[html_field], source, url, title, given, config, extra)
    article = Article(id=given or article_id(source, title, text), source=source, title=title, text=text,
                      extra=extra)
    return checked(article, config)


def _row_fields(record: dict[str, Any], source: str, config: InputConfig) -> tuple[Any, ...] | Rejected:
    """``(text field, text, title field, title, id field, given id)`` of a row, or why the row is refused."""
    text_got = _string_field(record, config.text_fields, source)
    if isinstance(text_got, Rejected):
        return text_got
    title_got = _string_field(record, config.title_fields, source)
    if isinstance(title_got, Rejected):
        return title_got
    id_field, given_id = first_field(record, config.id_fields)
    if given_id is not None and not isinstance(given_id, (str, int)) or isinstance(given_id, bool):
        return Rejected(source, f"field {id_field!r} must be a string or an integer, got {type(given_id).__name__}")
    given = str(given_id) if given_id not in (None, "") else ""
    return (*text_got, *title_got, id_field, given)


def _page_article(page: str, source: str, url: str, title: str, given: str, config: InputConfig,
                  extra: dict[str, Any]) -> Article | Rejected:
    """A row's raw HTML through the page extraction; the row's URL (when it has one) becomes the source."""
    where = source
    if url:
        source, extra["row"] = url, where
    article = html_article(page, source, config, extra=extra, given_id=given or None)
    if isinstance(article, Article):
        if title and not article.title:
            article.title = title
    elif where != source:
        article = Rejected(where, article.reason, article.id)
    return article


def _date_to_extra(record: dict[str, Any], config: InputConfig, extra: dict[str, Any]) -> None:
    """``extra.date`` in ISO 8601 from the first date field that reads as one (the field itself
    stays as it was, under its own name)."""
    if isinstance(extra.get("date"), str) and extra["date"][:4].isdigit() and "-" in extra["date"][:8]:
        return
    from pipeline.text.bylines import parse_date

    for name in config.date_fields:
        value = record.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            text = str(value)
            if text.isdigit() and len(text) == 8:  # 20240105
                text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
            iso = parse_date(text)
            if iso:
                extra["date"] = iso
                return


def _sniff_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut by the end of the sample
            return "utf-8"
        return "gb18030"


def read_csv(path: Path, config: InputConfig) -> Iterator[Article | Rejected]:
    """Rows of a CSV/TSV file with a header; a ``.tsv`` is tab-separated, a ``.csv`` comma-separated.

    Complexity: a streamed reader whose branches are the ways a row can be refused (quoting, size, encoding), each
    with its reason."""
    name = path.name.lower()
    delimiter = "\t" if name.endswith((".tsv", ".tsv.gz")) else ","
    try:
        raw = open_regular(path)
    except InputError as exc:
        yield Rejected(str(path), exc.reason)
        return
    row_start, encoding = 1, "utf-8"
    with raw:
        stream = raw
        if name.endswith(".gz"):
            stream = io.BufferedReader(LimitedReader(gzip.GzipFile(fileobj=raw, mode="rb"),  # type: ignore[arg-type]
                                                     config.max_decompressed_bytes, str(path)))
        buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[arg-type]
        try:
            encoding = _sniff_encoding(buffered.peek(1 << 16)[: 1 << 16])
            text = io.TextIOWrapper(buffered, encoding=encoding, errors="strict", newline="")
            # a field never grows past the line limit (an unclosed quote would swallow the file);
            # strict: an unclosed quote at the end is an error naming its row, not a silent merge
            csv.field_size_limit(config.max_line_bytes if config.max_line_bytes > 0 else _NO_FIELD_LIMIT)
            reader = csv.reader(text, delimiter=delimiter, strict=True)
            header = next(reader, None)
            if header is None:
                yield Rejected(str(path), "empty CSV file: no header row")
                return
            header = [h.strip() for h in header]
            if len(set(header)) != len(header) or not any(header):
                yield Rejected(f"{path}:1", f"the header row must name each column once, got {header}")
                return
            row_start = reader.line_num + 1
            for row in reader:
                source = f"{path}:{row_start}"
                row_start = reader.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    yield Rejected(source, f"row has {len(row)} fields, the header {len(header)} "
                                   f"({', '.join(header[:8])})")
                    continue
                if sum(len(cell) for cell in row) > config.max_line_bytes > 0:
                    yield Rejected(source, f"row longer than input.max_line_bytes={config.max_line_bytes}")
                    continue
                yield record_article(dict(zip(header, row)), source, config)
        except InputError as exc:  # past the decompression limit
            yield Rejected(f"{path}:{row_start}", exc.reason)
        except UnicodeDecodeError as exc:
            yield Rejected(f"{path}:{row_start}", f"undecodable bytes: not {encoding} ({exc.reason}); the rest of "
                           "the file is not read")
        except (csv.Error, OSError, EOFError, gzip.BadGzipFile) as exc:
            yield Rejected(f"{path}:{row_start}", f"cannot read further: {type(exc).__name__}: {exc} (an unclosed "
                           "quote, or a field over input.max_line_bytes); the rest of the file is not read")
