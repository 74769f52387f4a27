"""One resolver: the candidates of every source become non-overlapping entities.

Order of decision (``entities.precedence`` gives the source order):

1. model candidates below their label's floor (the profile's ``min_score`` and
   ``min_score_by_label``, or ``entities.min_score``; the CRF marginal) are dropped unless the
   article gives the same name with the same label surely elsewhere (a model span above the
   floor, or a listed name): one article, one sense. Model PERSON spans that two or more
   listed names cover exactly (阿里 + 平头哥) are dropped too;
2. on the very same span, a model's ORG/GPE/LOC reading beats the gazetteer's label (巴西
   the team is an ORG) and keeps the gazetteer's norm; a listed ORG stays an ORG (东盟);
3. competing (``first``) candidates are taken **longest first**; between spans of equal
   length the source earlier in ``precedence`` wins, then a PRODUCT/WORK_OF_ART reading
   (only the CLUENER head knows those types), then the more confident, then the earlier;
4. ``fill`` candidates are then kept where they overlap nothing kept, longest first.
"""
from __future__ import annotations

from collections.abc import Iterable

from pipeline.errors import ConfigError
from pipeline.record import Entity
from pipeline.stages.entities.candidates import FILL, Candidate
from pipeline.stages.entities.labels import Labeler

CONTEXTUAL = frozenset({"ORG", "GPE", "LOC"})  # labels whose choice depends on context (a country or its team)
ALWAYS_FIRST = frozenset({"PRODUCT", "WORK_OF_ART"})
SOURCE_NAMES = ("gazetteer", "rule", "model")


def check_precedence(precedence: Iterable[str]) -> dict[str, int]:
    order = list(precedence)
    if sorted(order) != sorted(SOURCE_NAMES):
        raise ConfigError(f"entities.precedence must order exactly {', '.join(SOURCE_NAMES)}, got {order}")
    return {name: i for i, name in enumerate(order)}


def resolve(text: str, candidates: list[Candidate], labeler: Labeler, rank: dict[str, int],
            min_scores: dict[str, float] | None = None) -> list[Entity]:
    """Non-overlapping entities of ``text`` from ``candidates`` (offsets into ``text``), sorted by start.

    ``min_scores``: the floor of a model span's score by label, ``""`` for the other labels."""
    if min_scores and any(v > 0 for v in min_scores.values()):
        candidates = above_floor(text, candidates, min_scores)
    first = _model_labels_listed_names(_drop_spans_the_list_tiles([c for c in candidates if c.rank != FILL]))
    first.sort(key=lambda c: (-(c.end - c.start), rank[c.source], c.label not in ALWAYS_FIRST,
                              -(c.score if c.score is not None else 1.0), c.start))
    fill = sorted((c for c in candidates if c.rank == FILL), key=lambda c: (-(c.end - c.start), c.start))
    occupied = bytearray(len(text))
    kept = []
    for c in [*first, *fill]:
        if c.start >= c.end or any(occupied[c.start : c.end]):
            continue
        occupied[c.start : c.end] = b"\x01" * (c.end - c.start)
        kept.append(labeler.entity(text, c.start, c.end, c.label, c.source, c.score, c.norm))
    kept.sort(key=lambda e: (e.start, e.end))
    return kept


def above_floor(text: str, candidates: list[Candidate], min_scores: dict[str, float]) -> list[Candidate]:
    """The candidates without the model spans under their label's floor, except those whose name
    and label the text also gives surely (above the floor, or listed): 普京 read at 0.44 in one
    sentence stays a person when the article reads 普京 at 0.99 in another."""
    default = min_scores.get("", 0.0)

    def sure(c: Candidate) -> bool:
        return c.score is None or c.score >= min_scores.get(c.label, default)

    confirmed = {(text[c.start : c.end], c.label) for c in candidates
                 if c.source == "gazetteer" or (c.source == "model" and sure(c))}
    return [c for c in candidates if sure(c) or (text[c.start : c.end], c.label) in confirmed]


def _model_labels_listed_names(candidates: list[Candidate]) -> list[Candidate]:
    """A listed name whose label depends on context (a place or an organisation of the same name)
    takes the label (and confidence) the model gave the same span; a listed ORG stays an ORG
    whatever the model read (中国队 is a team, not the country)."""
    by_span = {(c.start, c.end): c for c in candidates if c.source == "model" and c.label in CONTEXTUAL}
    merged = []
    for c in candidates:
        model = by_span.get((c.start, c.end))
        if (c.source == "gazetteer" and c.label in CONTEXTUAL and model
                and not (c.label == "ORG" and model.label != "ORG")):
            c = Candidate(c.start, c.end, model.label, c.source, model.score, c.norm)
        merged.append(c)
    return merged


def _drop_spans_the_list_tiles(candidates: list[Candidate]) -> list[Candidate]:
    """A model PERSON span that two or more listed names cover exactly, end to end, is those
    names (阿里 + 平头哥, not one person 阿里平头哥). Only people: for organisations and places
    the lists' pieces are often parts of one longer name (MSRA test 0.8505 -> 0.8492, CLUENER
    0.7765 -> 0.7729 when every label was dropped so)."""
    listed = {(c.start, c.end) for c in candidates if c.source == "gazetteer"}
    if len(listed) < 2:
        return candidates
    ends_at: dict[int, list[int]] = {}
    for a, b in listed:
        ends_at.setdefault(a, []).append(b)

    def tiled(start: int, end: int) -> bool:
        frontier, pieces = {start}, 0
        while frontier and pieces < 8:
            pieces += 1
            frontier = {b for a in frontier for b in ends_at.get(a, ()) if b <= end}
            if end in frontier and pieces >= 2:
                return True
        return False

    return [c for c in candidates if not (c.source == "model" and c.label == "PERSON" and tiled(c.start, c.end))]
