"""A run as a DuckDB database: the corpus as tables a researcher can query with SQL.

    zhnews export OUT.jsonl --to duckdb corpus.duckdb        (needs: pip install 'zhnews[query]')

Tables (one row per …):

* ``articles`` — article: ``id, source, title, text, date`` (DATE, from ``extra.date`` when
  it reads as one), ``site`` (the host of its URL, else its outlet), ``author``, ``chars``,
  ``flags`` (a list), ``summary``, ``extra`` (JSON);
* ``entities`` — mention: ``article_id, start, "end", label, text, norm, source`` (which
  part of the stage found it), ``date`` (the article's);
* ``keywords`` — keyword of an article: ``article_id, rank, text, score``.

Views for the usual questions: ``entity_mentions`` (per canonical name and label: mentions
and articles), ``entity_months`` (the same per month), ``co_mentions`` (two canonical names
named in one article: how many articles), and ``entity_labels`` (how each canonical name's
mentions split over labels: 哈马斯 PERSON 361, ORG 20 says where an alias or gazetteer entry
is due). Records stream in chunks, so memory does not grow with the corpus. DuckDB also reads
the Parquet export directly: ``SELECT * FROM 'corpus.parquet'``.
"""
from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from pipeline.errors import ConfigError, OutputError
from pipeline.explore.entity_index import article_date, article_site
from pipeline.record import Article

CHUNK = 5_000

SCHEMA = """
CREATE TABLE articles (id VARCHAR, source VARCHAR, title VARCHAR, text VARCHAR, date DATE,
                       site VARCHAR, author VARCHAR, chars INTEGER, flags VARCHAR[], summary VARCHAR, extra JSON);
CREATE TABLE entities (article_id VARCHAR, start INTEGER, "end" INTEGER, label VARCHAR, text VARCHAR,
                       norm VARCHAR, source VARCHAR, score DOUBLE, date DATE);
CREATE TABLE keywords (article_id VARCHAR, rank INTEGER, text VARCHAR, score DOUBLE);
CREATE VIEW entity_mentions AS
    SELECT norm, label, count(*) AS mentions, count(DISTINCT article_id) AS articles
    FROM entities GROUP BY norm, label;
CREATE VIEW entity_months AS
    SELECT norm, label, date_trunc('month', date) AS month, count(*) AS mentions,
           count(DISTINCT article_id) AS articles
    FROM entities WHERE date IS NOT NULL GROUP BY norm, label, month;
CREATE VIEW co_mentions AS
    WITH named AS (SELECT DISTINCT article_id, norm, label FROM entities
                   WHERE label IN ('PERSON', 'ORG', 'GPE', 'LOC', 'FAC', 'PRODUCT', 'WORK_OF_ART', 'EVENT'))
    SELECT a.norm AS name, a.label AS label, b.norm AS other, b.label AS other_label, count(*) AS articles
    FROM named a JOIN named b ON a.article_id = b.article_id AND a.norm <> b.norm
    GROUP BY a.norm, a.label, b.norm, b.label;
CREATE VIEW entity_labels AS
    SELECT norm, label, count(*) AS mentions,
           round(count(*) / sum(count(*)) OVER (PARTITION BY norm), 3) AS share
    FROM entities GROUP BY norm, label;
"""


def _rows(articles: list[Article]) -> tuple[dict[str, list[Any]], dict[str, list[Any]], dict[str, list[Any]]]:
    art: dict[str, list[Any]] = {k: [] for k in ("id", "source", "title", "text", "date", "site", "author", "chars",
                                                 "flags", "summary", "extra")}
    ent: dict[str, list[Any]] = {k: [] for k in ("article_id", "start", "end", "label", "text", "norm", "source",
                                                 "score", "date")}
    kw: dict[str, list[Any]] = {k: [] for k in ("article_id", "rank", "text", "score")}
    for a in articles:
        date = article_date(a)
        author = a.extra.get("author")
        for key, value in (("id", a.id), ("source", a.source), ("title", a.title), ("text", a.text), ("date", date),
                           ("site", article_site(a)), ("author", author if isinstance(author, str) else None),
                           ("chars", len(a.text)), ("flags", list(a.flags)), ("summary", a.summary.text),
                           ("extra", orjson.dumps(a.extra, default=str).decode())):
            art[key].append(value)
        for e in a.entities:
            for key, value in (("article_id", a.id), ("start", e.start), ("end", e.end), ("label", e.label),
                               ("text", e.text), ("norm", e.norm), ("source", e.source), ("score", e.score),
                               ("date", date)):
                ent[key].append(value)
        for rank, k in enumerate(a.keywords, 1):
            for key, value in (("article_id", a.id), ("rank", rank), ("text", k.text), ("score", k.score)):
                kw[key].append(value)
    return art, ent, kw


def export_duckdb(records: Iterable[Article], target: str | Path) -> int:
    """Write ``records`` into a new DuckDB file ``target``; returns the number of articles."""
    try:
        import duckdb
        import pyarrow as pa
    except ImportError as exc:
        raise ConfigError("the DuckDB export needs duckdb: pip install 'zhnews[query]'") from exc
    target = Path(target)
    if target.exists():
        raise OutputError(f"{target} exists; the DuckDB export writes a new database (remove it or choose another)")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(target))
    except (OSError, duckdb.Error) as exc:
        raise OutputError(f"cannot create {target}: {exc}") from exc
    count = 0
    try:
        con.execute(SCHEMA)
        stream = iter(records)
        while chunk := list(islice(stream, CHUNK)):
            art, ent, kw = _rows(chunk)
            for table, columns in (("articles", art), ("entities", ent), ("keywords", kw)):
                if columns[next(iter(columns))]:
                    frame = pa.table(columns)  # noqa: F841 - read by name in the SQL below
                    con.execute(f"INSERT INTO {table} SELECT * FROM frame")
            count += len(chunk)
    except duckdb.Error as exc:
        con.close()
        target.unlink(missing_ok=True)
        raise OutputError(f"cannot write {target}: {exc}") from exc
    con.close()
    return count
