"""Candidate bodies of a page from well-kept extractors, and the choice between them.

readability-lxml (the page's densest block of text, its paragraphs kept) and trafilatura
(tables off, then on for old pages that hold the whole article in a ``<table>``) each give a
body; :func:`choose_body` picks one by agreement and by our own signals. Which one won is
recorded by the caller in ``extra["html"]["extractor"]``.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html

from pipeline.io.html.dom import element_text, squeeze

log = logging.getLogger(__name__)

# the extractors log every page they find odd ("discarding data: None") as a warning: on a
# million pages that is noise, so they are quiet unless asked (zhnews --verbose sets
# ZHNEWS_VERBOSE, which the pool's workers inherit); a logging level set by the caller stays
THIRD_PARTY_LOGGERS = ("trafilatura", "readability", "htmldate", "courlan", "justext")
if not os.environ.get("ZHNEWS_VERBOSE"):
    for _name in THIRD_PARTY_LOGGERS:
        if logging.getLogger(_name).level == logging.NOTSET:
            logging.getLogger(_name).setLevel(logging.ERROR)

_SENTENCE_END = re.compile(r"[。！？!?]")
_COMMA = re.compile(r"[，,；;]")
# readability's body must hold at least this share of trafilatura's text that it agrees with,
# else it took one block of a larger article (or a sidebar) and trafilatura's reading wins.
MIN_COVERAGE = 0.5


@dataclass
class Candidate:
    extractor: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(squeeze(self.text))

    @property
    def prose(self) -> str:
        """Distinct lines that read as prose: a sentence ends in them, or they are long and have
        a comma (titles, labels and menu words repeated around a player are not prose)."""
        seen: set[str] = set()
        out = []
        for line in self.text.split("\n"):
            key = squeeze(line)
            if key in seen:
                continue
            seen.add(key)
            if _SENTENCE_END.search(line) or (len(key) >= 40 and _COMMA.search(line)):
                out.append(line)
        return "\n".join(out)


def readability_body(page: str) -> Candidate:
    from readability import Document

    try:
        summary = Document(page).summary(html_partial=True)
    except Exception as exc:  # noqa: BLE001 - readability raises bare Exceptions on odd pages
        log.debug("readability failed: %s", exc)
        return Candidate("readability", "")
    if not summary.strip():
        return Candidate("readability", "")
    try:
        element = lxml.html.fragment_fromstring(summary, create_parent="div")
    except Exception:  # noqa: BLE001 - an unparsable summary is an empty candidate
        return Candidate("readability", "")
    return Candidate("readability", element_text(element))


def trafilatura_body(page: str, tables: bool) -> Candidate:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            page,
            fast=True,  # no fallback extractors inside: readability runs beside it anyway
            with_metadata=True,
            include_comments=False,
            include_tables=tables,
            include_images=False,
            # trafilatura's dedup cache lives across calls: a second page would lose paragraphs
            deduplicate=False,
            # a date only from the page's metadata or markup (its extensive search guesses)
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except Exception as exc:  # noqa: BLE001 - a page trafilatura cannot read is an empty candidate
        log.debug("trafilatura failed: %s", exc)
        return Candidate("trafilatura", "")
    data = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    text = (data.get("text") or "").strip()
    name = "trafilatura+tables" if tables else "trafilatura"
    return Candidate(name, text, {k: data[k] for k in ("title", "date", "author", "sitename") if data.get(k)})


def candidate_bodies(page: str) -> list[Candidate]:
    """readability first, then trafilatura (with tables when it finds nothing without)."""
    out = [readability_body(page)]
    traf = trafilatura_body(page, tables=False)
    if traf.size < 50:
        with_tables = trafilatura_body(page, tables=True)
        if with_tables.size > traf.size:
            with_tables.metadata = with_tables.metadata or traf.metadata
            traf = with_tables
    out.append(traf)
    return out


def coverage(of: str, within: str) -> float:
    """Share of ``of``'s characters (whitespace dropped) that ``within`` holds in order (LCS)."""
    from rapidfuzz.distance import LCSseq

    a, b = squeeze(of), squeeze(within)
    if not a:
        return 1.0
    if not b:
        return 0.0
    return LCSseq.similarity(a, b) / len(a)


def choose_body(candidates: list[Candidate], link_share: dict[str, float] | None = None) -> Candidate:
    """readability's body unless it is empty, mostly links, or misses most of the prose that
    trafilatura found (then trafilatura's); labels and menu words without a sentence mark do
    not count as prose. ``link_share`` gives each candidate's share of link lines."""
    link_share = link_share or {}
    readability = next((c for c in candidates if c.extractor == "readability"), None)
    others = [c for c in candidates if c is not readability and c.size]
    if readability is None or not readability.size:
        return max(others, key=lambda c: c.size) if others else Candidate("none", "")
    if not others:
        return readability
    other = max(others, key=lambda c: c.size)
    if link_share.get(readability.extractor, 0) >= 0.5 > link_share.get(other.extractor, 0):
        return other
    other_prose = squeeze(other.prose)
    if len(other_prose) > readability.size and coverage(other_prose, readability.text) < MIN_COVERAGE:
        return other
    return readability
