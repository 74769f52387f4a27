"""Corrected annotations coming back from annotators (doccano JSONL, a Label Studio export),
checked before they become gold.

Every item is validated on its own: it must be an object with a string ``text``, an id that is
a string or an integer (unique in the file), and spans that are ``[start, end, label]`` triples
(or doccano's ``start_offset``/``end_offset``/``label`` objects, or Label Studio ``labels``
results) with integer offsets, ``0 <= start < end <= len(text)``, a non-empty string label,
and no two spans overlapping or repeated. An item that fails any check is a ``Rejected`` naming
``file:line`` (doccano) or ``file#task`` (Label Studio) and the reason; nothing invalid reaches
the records that are returned.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import orjson

from pipeline.errors import InputError
from pipeline.record import SCHEMA_VERSION, Article, Entity, Rejected
from pipeline.version import __version__

Span = tuple[int, int, str]
MAX_LABEL_CHARS = 64


class BadItem(ValueError):
    """One item of an annotation file is not valid; the message says why."""


@dataclass
class ImportResult:
    records: list[Article] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def _offset(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadItem(f"{what} offset must be an integer, got {type(value).__name__} {value!r}")
    return value


def _label(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadItem(f"a label must be a non-empty string, got {type(value).__name__} {value!r}")
    if len(value) > MAX_LABEL_CHARS or any(unicodedata.category(c)[0] in "CZ" and c != " " for c in value):
        raise BadItem(f"label {value[:MAX_LABEL_CHARS]!r} is too long or holds control or space characters")
    return value


def _span(raw: Any) -> Span:
    if isinstance(raw, dict):
        missing = [k for k in ("start_offset", "end_offset", "label") if k not in raw]
        if missing:
            raise BadItem(f"a span object needs start_offset, end_offset and label; missing {', '.join(missing)}")
        return _offset(raw["start_offset"], "start"), _offset(raw["end_offset"], "end"), _label(raw["label"])
    if not isinstance(raw, (list, tuple)) or len(raw) != 3:
        raise BadItem(f"a span must be [start, end, label], got {orjson.dumps(raw, default=repr).decode()[:80]}")
    return _offset(raw[0], "start"), _offset(raw[1], "end"), _label(raw[2])


def checked_spans(text: str, spans: list[Span]) -> list[Span]:
    """Sorted spans, each inside ``text``; overlapping or repeated spans are refused."""
    ordered = sorted(spans)
    for start, end, label in ordered:
        if not 0 <= start < end <= len(text):
            raise BadItem(f"span [{start}, {end}, {label!r}] is outside the text (0..{len(text)}) or empty")
    for (s1, e1, l1), (s2, e2, l2) in pairwise(ordered):
        if s2 < e1:
            kind = "is given twice" if (s1, e1) == (s2, e2) else f"overlaps [{s2}, {e2}, {l2!r}]"
            raise BadItem(f"span [{s1}, {e1}, {l1!r}] {kind}: entities never overlap")
    return ordered


def _item_id(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise BadItem(f"id must be a string or an integer, got {type(value).__name__}")
    return str(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise BadItem("no text" if value is None else f"text must be a string, got {type(value).__name__}")
    return value


def doccano_item(item: Any) -> tuple[str, str, list[Span]]:
    if not isinstance(item, dict):
        raise BadItem(f"expected a JSON object, got {type(item).__name__}")
    labels = item.get("label", item.get("entities", []))
    if labels is None:
        labels = []
    if not isinstance(labels, list):
        raise BadItem(f"'label' must be a list of spans, got {type(labels).__name__}")
    text = _text(item.get("text"))
    return _item_id(item.get("id")), text, checked_spans(text, [_span(s) for s in labels])


def label_studio_item(task: Any) -> tuple[str, str, list[Span]]:
    """Complexity: validates one Label Studio task; each branch is one way a task can be malformed, with its own
    message."""
    if not isinstance(task, dict):
        raise BadItem(f"a task must be a JSON object, got {type(task).__name__}")
    data = task.get("data")
    if not isinstance(data, dict):
        raise BadItem("a task needs a 'data' object with the text")
    text = _text(data.get("text"))
    results = None
    for annotation in task.get("annotations") or []:
        if isinstance(annotation, dict) and not annotation.get("was_cancelled"):
            results = annotation.get("result") or []  # the last (most recent) annotation wins
    if results is None:
        predictions = task.get("predictions") or []
        last = predictions[-1] if isinstance(predictions, list) and predictions else {}
        results = last.get("result", []) if isinstance(last, dict) else []
    if not isinstance(results, list):
        raise BadItem("'result' must be a list")
    spans = []
    for result in results:
        if not isinstance(result, dict) or result.get("type") != "labels":
            continue
        value = result.get("value")
        if not isinstance(value, dict):
            raise BadItem("a labels result needs a 'value' object")
        labels = value.get("labels")
        if not isinstance(labels, list) or len(labels) != 1:
            raise BadItem(f"a labels result needs exactly one label, got {labels!r}"[:120])
        spans.append((_offset(value.get("start"), "start"), _offset(value.get("end"), "end"), _label(labels[0])))
    return _item_id(data.get("zhnews_id", task.get("id"))), text, checked_spans(text, spans)


def _items(path: Path, fmt: str) -> list[tuple[str, Any]]:
    """``(where, parsed item or BadItem)`` for every item of the file."""
    try:
        raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")  # a BOM, as some editors write
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if fmt == "doccano":
        out: list[tuple[str, Any]] = []
        for lineno, line in enumerate(raw.splitlines(), 1):
            if line.strip():
                try:
                    out.append((f"{path}:{lineno}", orjson.loads(line)))
                except orjson.JSONDecodeError as exc:
                    out.append((f"{path}:{lineno}", BadItem(f"invalid JSON: {exc}")))
        return out
    if fmt == "label-studio":
        try:
            tasks = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise InputError(f"not a Label Studio JSON export: {exc}", str(path)) from exc
        if isinstance(tasks, dict) and "data" in tasks:
            tasks = [tasks]  # one task on its own
        if not isinstance(tasks, list):
            raise InputError(f"a Label Studio export is a JSON list of tasks, got {type(tasks).__name__}", str(path))
        return [(f"{path}#{n}", task) for n, task in enumerate(tasks, 1)]
    raise InputError(f"unknown import format {fmt!r}; use doccano or label-studio")


def import_annotations(path: str | Path, fmt: str, base: str | Path | None = None) -> ImportResult:
    """Validated corrections as our records (onto the ``base`` records when given: the text must
    be the base record's, the entities are replaced, the rest kept)."""
    path = Path(path)
    parse = doccano_item if fmt == "doccano" else label_studio_item
    items = _items(path, fmt)
    originals: dict[str, Article] = {}
    if base is not None:
        from pipeline.io.jsonl import read_records

        originals = {a.id: a for a in read_records(base)}
    result = ImportResult()
    seen: set[str] = set()
    for n, (where, item) in enumerate(items, 1):
        try:
            if isinstance(item, BadItem):
                raise item
            item_id, text, spans = parse(item)
            item_id = item_id or f"{path.name}:{n}"
            if item_id in seen:
                raise BadItem(f"id {item_id!r} is given twice in this file")
            article = originals.get(item_id)
            if article is None:  # not in the base (or no base): a record of its own
                article = Article(id=item_id, source=where, text=text,
                                  meta={"schema_version": SCHEMA_VERSION, "pipeline_version": __version__,
                                        "config_hash": "", "models": {}})
            elif article.text != text:
                raise BadItem(f"the text of {item_id!r} differs from the base record; was it edited?")
        except BadItem as exc:
            result.rejected.append(Rejected(where, str(exc), item.get("id", "") if isinstance(item, dict)
                                            and isinstance(item.get("id"), str) else ""))
            continue
        seen.add(item_id)
        article.entities = [Entity(s, e, label, text[s:e], text[s:e], "annotator") for s, e, label in spans]
        result.records.append(article)
    return result


def import_to_files(path: str | Path, fmt: str, output: str | Path, base: str | Path | None = None) -> tuple[
        ImportResult, Path]:
    """``zhnews import``: corrected items of ``path`` as annotated JSONL in ``output``; the items that
    cannot be taken go, with their reasons, to ``OUTPUT.rejects.jsonl`` (returned with the result).
    Refused first: an output or rejects file that is, or lies inside, the input or the base run."""
    from pipeline.batch.runner import default_rejects_path
    from pipeline.io.jsonl import JsonlWriter
    from pipeline.io.output_paths import check_output_paths

    output = Path(output)
    rejects = default_rejects_path(output)
    check_output_paths([str(path), *([str(base)] if base else [])], {"output": output, "rejects": rejects})
    result = import_annotations(path, fmt, base)
    with JsonlWriter(output) as out, JsonlWriter(rejects) as bad:
        for article in result.records:
            out.write(article)
        for rejected in result.rejected:
            bad.write_reject(rejected.to_dict())
    return result, rejects
