"""Exports for annotation and training tools, and imports of corrected annotations.

* ``docbin``: a spaCy ``DocBin``. Each article becomes a ``Doc`` whose text is exactly the
  article's (whitespace between our tokens becomes whitespace tokens), with our POS as
  ``token.tag_`` and our entities as ``doc.ents``; it loads with ``spacy.blank("zh")``.
* ``conll``: character-level BIO, ``char<TAB>tag`` a line, a blank line after each
  sentence and ``-DOCSTART-`` before each article (the layout of the MSRA NER data).
* ``doccano``: doccano's sequence-labelling JSONL, ``{"id", "text", "label": [[start, end, label]], "meta"}``.
* ``label-studio``: a Label Studio task list (JSON) with our entities as ``predictions``.

Corrected doccano JSONL or a Label Studio export come back, validated item by item, through
:func:`pipeline.io.annotations.import_annotations`.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from pipeline.errors import InputError, OutputError
from pipeline.record import Article
from pipeline.version import __version__

EXPORT_FORMATS = ("docbin", "conll", "doccano", "label-studio")
# every target of `zhnews export --to` (export_run): datasets and SQL, then the annotation formats
ALL_FORMATS = ("hf-dataset", "parquet", "duckdb", *EXPORT_FORMATS)


def to_spacy_doc(article: Article, vocab: Any):
    from spacy.tokens import Doc

    words, spaces, tags = [], [], []
    pos = 0
    for start, end, tag in article.tokens:
        if start > pos:
            words.append(article.text[pos:start])
            spaces.append(False)
            tags.append("_SP")
        words.append(article.text[start:end])
        spaces.append(False)
        tags.append(tag)
        pos = end
    if pos < len(article.text):
        words.append(article.text[pos:])
        spaces.append(False)
        tags.append("_SP")
    doc = Doc(vocab, words=words, spaces=spaces, tags=tags)
    spans = []
    for ent in article.entities:
        span = doc.char_span(ent.start, ent.end, label=ent.label, alignment_mode="strict")
        if span is None:  # cannot happen for our records (entities are tokens); never silently
            raise OutputError(f"entity {ent.text!r} of article {article.id} is not on token boundaries")
        spans.append(span)
    doc.ents = spans
    doc.user_data["zhnews_id"] = article.id
    return doc


def export_run(path: str | Path, target: str | Path, fmt: str) -> int:
    """Export the annotated run ``path`` (JSONL) to ``target`` in ``fmt``: ``hf-dataset``, ``parquet``,
    ``duckdb`` or one of :data:`EXPORT_FORMATS`; returns the number of articles."""
    from pipeline.io.jsonl import read_records

    if fmt in ("hf-dataset", "parquet"):
        from pipeline.io.hf_datasets import export_dataset

        return export_dataset(read_records(path), target, fmt)
    if fmt == "duckdb":
        from pipeline.io.duckdb_export import export_duckdb

        return export_duckdb(read_records(path), target)
    return export_records(read_records(path), target, fmt)


def export_records(records: Iterable[Article], target: str | Path, fmt: str) -> int:
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "docbin":
            import spacy
            from spacy.tokens import DocBin

            vocab = spacy.blank("zh").vocab
            docbin = DocBin(store_user_data=True)
            count = 0
            for article in records:
                docbin.add(to_spacy_doc(article, vocab))
                count += 1
            docbin.to_disk(target)
            return count
        if fmt == "conll":
            with target.open("w", encoding="utf-8") as handle:
                return sum(1 for _ in _write_conll(records, handle))
        if fmt == "doccano":
            with target.open("wb") as handle:
                count = 0
                for article in records:
                    handle.write(orjson.dumps(to_doccano(article), option=orjson.OPT_APPEND_NEWLINE))
                    count += 1
                return count
        if fmt == "label-studio":
            tasks = [to_label_studio(article) for article in records]
            target.write_bytes(orjson.dumps(tasks, option=orjson.OPT_INDENT_2))
            return len(tasks)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    raise InputError(f"unknown export format {fmt!r}; use one of {EXPORT_FORMATS}")


def _write_conll(records: Iterable[Article], handle: Any) -> Iterator[Article]:
    for article in records:
        tags = ["O"] * len(article.text)
        for ent in article.entities:
            tags[ent.start] = f"B-{ent.label}"
            for i in range(ent.start + 1, ent.end):
                tags[i] = f"I-{ent.label}"
        handle.write("-DOCSTART-\tO\n\n")
        for start, end in article.sentences:
            for i in range(start, end):
                if not article.text[i].isspace():
                    handle.write(f"{article.text[i]}\t{tags[i]}\n")
            handle.write("\n")
        yield article


def to_doccano(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "text": article.text,
        "label": [[e.start, e.end, e.label] for e in article.entities],
        "meta": {"source": article.source, "title": article.title},
    }


def to_label_studio(article: Article) -> dict[str, Any]:
    return {
        "data": {"text": article.text, "zhnews_id": article.id, "title": article.title, "source": article.source},
        "predictions": [
            {
                "model_version": f"zhnews {__version__}",
                "result": [
                    {
                        "id": f"e{i}",
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {"start": e.start, "end": e.end, "text": e.text, "labels": [e.label]},
                    }
                    for i, e in enumerate(article.entities)
                ],
            }
        ],
    }
