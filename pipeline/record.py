"""The one record type that flows through every stage: :class:`Article`.

An ``Article`` converts losslessly to and from one line of annotated JSONL (schema v1,
see ``docs/schema.md``). Every offset indexes ``Article.text`` in Python code points.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from typing import Any

import orjson

SCHEMA_VERSION = "1"


def article_id(source: str, title: str, text: str) -> str:
    """Stable id for an input that has none: a hash of where it came from and its raw text."""
    digest = hashlib.blake2b(digest_size=8)
    for part in (source, title, text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


@dataclass
class Removal:
    """A piece of the raw input that cleaning took out, with the reason and raw offsets."""

    text: str
    reason: str
    raw_start: int
    raw_end: int
    field: str = "text"  # which raw input field the offsets index: "text" or "title"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "text": self.text,
            "reason": self.reason,
            "raw_start": self.raw_start,
            "raw_end": self.raw_end,
        }
        if self.field != "text":
            out["field"] = self.field
        return out


@dataclass
class Entity:
    """A typed span of ``Article.text``. ``label`` is an OntoNotes label, ``norm`` the canonical name."""

    start: int
    end: int
    label: str
    text: str
    norm: str
    source: str
    # the model's marginal probability of this span (label and boundaries); None for rules and lists
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": self.text,
            "norm": self.norm,
            "source": self.source,
            "score": None if self.score is None else round(self.score, 4),
        }


@dataclass
class Keyword:
    text: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "score": self.score}


@dataclass
class Summary:
    """An extractive summary quotes the article: ``sentences`` lists indices into
    ``Article.sentences``, ``spans`` the character offsets of what it quotes of each (a sentence
    less its dateline, or a prefix cut at a clause break), and ``text`` is those spans joined.
    An abstractive summary has neither."""

    method: str = ""
    text: str = ""
    sentences: list[int] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "text": self.text, "sentences": list(self.sentences),
                "spans": [[s, e] for s, e in self.spans]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        return cls(data.get("method", ""), data.get("text", ""), list(data.get("sentences", [])),
                   [(s, e) for s, e in data.get("spans", [])])


@dataclass
class Article:
    """One news article and all its annotations.

    ``text`` holds the raw body until the ``clean`` stage replaces it with the cleaned
    body; from then on every offset in the record indexes it.
    """

    id: str
    source: str
    text: str
    title: str = ""
    removed: list[Removal] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    tokens: list[tuple[int, int, str]] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    keywords: list[Keyword] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    flags: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # input fields kept as they were (date, url…)
    # what one stage computed for a later one within a run (the segmentation head's words,
    # read on the encoder pass the entity stage ran); never written out, never compared
    analysis: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # ----------------------------------------------------------------- views
    def words(self) -> list[str]:
        return [self.text[s:e] for s, e, _ in self.tokens]

    # --------------------------------------------------------- serialisation
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "text": self.text,
            "removed": [r.to_dict() for r in self.removed],
            "sentences": [[s, e] for s, e in self.sentences],
            "tokens": [[s, e, p] for s, e, p in self.tokens],
            "entities": [e.to_dict() for e in self.entities],
            "keywords": [k.to_dict() for k in self.keywords],
            "summary": self.summary.to_dict(),
            "flags": list(self.flags),
            "meta": self.meta,
        }
        if self.extra:
            out["extra"] = self.extra
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        known = {f.name for f in fields(cls)} - {"analysis"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown field(s) in article record: {sorted(unknown)}")
        return cls(
            id=data["id"],
            source=data["source"],
            title=data.get("title", ""),
            text=data["text"],
            removed=[Removal(**r) for r in data.get("removed", [])],
            sentences=[(s, e) for s, e in data.get("sentences", [])],
            tokens=[(s, e, p) for s, e, p in data.get("tokens", [])],
            entities=[Entity(**e) for e in data.get("entities", [])],
            keywords=[Keyword(**k) for k in data.get("keywords", [])],
            summary=Summary.from_dict(data.get("summary", {})),
            flags=list(data.get("flags", [])),
            meta=dict(data.get("meta", {})),
            extra=dict(data.get("extra", {})),
        )

    def to_json(self) -> str:
        """One JSONL line (without the newline), UTF-8 characters unescaped."""
        return orjson.dumps(self.to_dict()).decode("utf-8")

    def to_json_bytes(self) -> bytes:
        return orjson.dumps(self.to_dict(), option=orjson.OPT_APPEND_NEWLINE)

    @classmethod
    def from_json(cls, line: str | bytes) -> Article:
        return cls.from_dict(orjson.loads(line))

    # -------------------------------------------------------------- display
    def check_offsets(self) -> list[str]:
        """Return a list of problems with the record's spans (empty when all spans are exact)."""
        problems = []
        n = len(self.text)
        for s, e in self.sentences:
            if not 0 <= s < e <= n:
                problems.append(f"sentence [{s}, {e}] out of bounds")
        for s, e, _ in self.tokens:
            if not 0 <= s < e <= n:
                problems.append(f"token [{s}, {e}] out of bounds")
        for ent in self.entities:
            if self.text[ent.start : ent.end] != ent.text:
                problems.append(f"entity {ent.text!r} does not match text[{ent.start}:{ent.end}]")
        return problems

    def _repr_html_(self) -> str:
        from pipeline.explore.render import article_html

        return article_html(self)

    def __repr__(self) -> str:
        head = self.text[:30].replace("\n", " ")
        return (
            f"Article(id={self.id!r}, title={self.title[:20]!r}, text={head!r}…, "
            f"{len(self.sentences)} sentences, {len(self.tokens)} tokens, {len(self.entities)} entities)"
        )


@dataclass
class Rejected:
    """An input that could not become an annotated article, with where it came from and why."""

    source: str
    reason: str
    id: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = {"source": self.source, "reason": self.reason}
        if self.id:
            out["id"] = self.id
        return out
