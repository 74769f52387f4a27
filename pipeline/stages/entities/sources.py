"""Entity sources: each proposes :class:`Candidate` spans for a batch of sentences.

A source is a class registered with ``@source("name")`` and built from the stage's
:class:`SourceContext`; ``find(texts)`` returns the candidates of each text, with offsets
into that text. The stage runs the sources its profile names (``entities.sources``), and
the resolver (:mod:`pipeline.stages.entities.resolver`) decides between them. Adding a
source is one class here and one word in ``models/entity_profiles.toml``.

========== ======================================================================= ========
name       what it proposes                                                        rank
========== ======================================================================= ========
model      the backend named by ``entities.ner``: the trained heads over LAC's      first /
           encoder (``lac``), LAC's own tags (``lac-raw``) or a transformers        fill
           token classifier (``hf:PATH``); heads' spans carry their CRF marginal
numeric    DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL by rule          first
gazetteer  names listed in ``models/gazetteer`` with their labels and norms, where   first
           they are words of the sentence (not 中超 in 其中超过)
party_side a country's side in talks (中方, 葡方) as the country, GPE               first
speaker    people named only by what they say or do (据道方介绍)                    fill
========== ======================================================================= ========
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from pipeline.backends.person_names import NameModel, person_blocks, split_name_run
from pipeline.backends.word_boundaries import WordBoundaries
from pipeline.config import EntityConfig
from pipeline.errors import ConfigError
from pipeline.resources import resolve
from pipeline.stages.entities.candidates import FILL, FIRST, Candidate, clip_to_words
from pipeline.stages.entities.labels import HEAD_LABELS, Labeler
from pipeline.stages.entities.patterns import Patterns


@dataclass
class SourceContext:
    config: EntityConfig
    labeler: Labeler
    patterns: Patterns
    names: NameModel
    first_head: str  # the head whose spans compete (the profile's); the others fill gaps
    fill_gaps: tuple[str, ...]  # labels or head tags of the other heads that fill gaps
    word_head: str | None = None  # a segmentation head to run on the same encoder pass (word ends)


class Source(Protocol):
    name: str

    def find(self, texts: list[str]) -> list[list[Candidate]]: ...


SOURCES: dict[str, type] = {}


def source(name: str):
    def register(cls: type) -> type:
        cls.name = name
        SOURCES[name] = cls
        return cls
    return register


def build_sources(names: list[str], context: SourceContext) -> list:
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise ConfigError(f"entities.sources: unknown source {unknown[0]!r}; known: {', '.join(sorted(SOURCES))}")
    return [SOURCES[n](context) for n in names]


class SentenceSource:
    """A source that reads one sentence at a time."""

    def __init__(self, context: SourceContext) -> None:
        self.context = context

    def find(self, texts: list[str]) -> list[list[Candidate]]:
        return [self.find_one(text) for text in texts]

    def find_one(self, text: str) -> list[Candidate]:  # pragma: no cover - abstract
        raise NotImplementedError


@source("model")
class ModelSource:
    """The statistical tagger chosen by ``entities.ner`` (none for ``none``)."""

    def __init__(self, context: SourceContext) -> None:
        self.context = context
        self.backend = _backend(context)

    @property
    def version(self) -> str | None:
        return getattr(self.backend, "version", None)

    def find(self, texts: list[str]) -> list[list[Candidate]]:
        return self.backend.find(texts) if self.backend else [[] for _ in texts]

    @property
    def word_ends(self):
        """Word ends of the texts of the last :meth:`find`, from a segmentation head read on the
        same encoder pass (``SourceContext.word_head``), or None."""
        return getattr(self.backend, "word_ends", None)


def _backend(context: SourceContext):
    ner = context.config.ner
    if ner == "lac":
        return HeadsBackend(context)
    if ner == "lac-raw":
        return LacBackend(context)
    if ner.startswith("hf:"):
        return HfBackend(context, ner[3:])
    if ner == "none":
        return None
    raise ConfigError(f"entities.ner must be 'lac', 'lac-raw', 'hf:PATH' or 'none', got {ner!r}")


class HeadsBackend:
    """LAC's encoder read by the trained heads (:mod:`pipeline.backends.tagging_heads`), one pass for all heads.

    The profile's head (``first_head``) competes, with PRODUCT and WORK_OF_ART spans of any
    head (only the CLUENER head knows those types); the other heads' spans of the labels in
    ``fill_gaps`` and every TITLE span fill gaps. Person spans that touch or nearly touch
    are read again as a run of names (:mod:`pipeline.backends.person_names`).
    """

    ALWAYS_FIRST = frozenset({"PRODUCT", "WORK_OF_ART"})

    def __init__(self, context: SourceContext) -> None:
        from pipeline.backends.tagging_heads import get_head_tagger

        self.context = context
        config = context.config
        paths = [str(resolve(h)) for h in config.heads]
        self.word_head = str(resolve(context.word_head)) if context.word_head else None
        self.tagger = get_head_tagger(tuple(paths + ([self.word_head] if self.word_head else [])), config.threads)
        self.version = self.tagger.version
        self.entity_heads = self.tagger.heads[: len(paths)]
        self.scored = frozenset(h.name for h in self.entity_heads)
        names = [h.name for h in self.entity_heads]
        if len(names) == 1:
            self.first = names[0]  # a lone head decides, whatever its name
        elif context.first_head in names:
            self.first = context.first_head
        else:
            raise ConfigError(f"entities.convention {config.convention!r} wants the head {context.first_head!r}, "
                              f"not among the heads {names}")
        # the tags of the other heads' spans that _candidates can use: the rest are never scored
        self.keep = {h.name: frozenset(t for t in h.labels if self._usable(t)) for h in self.entity_heads
                     if h.name != self.first}

    def find(self, texts: list[str]) -> list[list[Candidate]]:
        out: list[list[Candidate]] = [[] for _ in texts]
        word_heads = frozenset({self.tagger.heads[-1].name}) if self.word_head else frozenset()
        predicted = self.tagger.predict(texts, scored=self.scored, words=word_heads, keep=self.keep)
        # the segmentation head's word ends ride along, for the tokens stage (None: no such head)
        self.word_ends = predicted[-1] if self.word_head else None
        for head, by_text in zip(self.entity_heads, predicted):
            for n, (text, spans) in enumerate(zip(texts, by_text)):
                if spans:
                    out[n].extend(self._candidates(text, spans, head.name == self.first))
        return out

    def _usable(self, tag: str) -> bool:
        """Whether a span of ``tag`` from a head other than the profile's can become a candidate."""
        label = HEAD_LABELS.get(tag)
        places = ("GPE", "LOC") if label == "PLACE" else (label,)
        return label is not None and (label in self.ALWAYS_FIRST or any(self._fills(p, tag) for p in places))

    def _fills(self, label: str, tag: str) -> bool:
        """Whether a span of another head than the profile's, with this label and head tag, fills gaps."""
        return label in self.context.fill_gaps or tag in self.context.fill_gaps or label == "TITLE"

    def _candidates(self, text: str, spans: list, first_rank: bool) -> Iterator[Candidate]:
        """One head's spans of one sentence as candidates: clipped to words, places labelled by name,
        ranked (the profile's head and product spans first; gap fillers and titles after), person
        spans read again as runs of names; spans of labels the profile does not take are left out.

        Complexity: one branch per rank a span can take (first, fill, left out), in the order the profile gives them."""
        labeler, tail = self.context.labeler, self.context.patterns.c_title_tail
        found = [(*clip_to_words(text, a, b, tail), tag, round(p, 4)) for a, b, tag, p in spans]
        people = self._people(text, [(a, b) for a, b, tag, _ in found if HEAD_LABELS.get(tag) == "PERSON" and a < b])
        for start, end, tag, p in found:
            label = HEAD_LABELS.get(tag)
            if label is None or start == end:
                continue
            if label == "PLACE":
                label = labeler.place_label(text[start:end])
            if first_rank or label in self.ALWAYS_FIRST:
                rank = FIRST
            elif self._fills(label, tag):
                rank = FILL
            else:
                continue
            parts = people.get((start, end), [(start, end)]) if label == "PERSON" else [(start, end)]
            yield from (Candidate(a, b, label, "model", p, "", rank) for a, b in parts)

    def _people(self, text: str, spans: list[tuple[int, int]]) -> dict[tuple[int, int], list[tuple[int, int]]]:
        """Runs of names read again as names: span → the names it stands for.

        Person spans that touch or nearly touch form a block, read again with the
        characters around it; the block's names go to its first span (the others map to
        nothing). A lone span is read alone, and split only when it is clearly a run.
        """
        out: dict[tuple[int, int], list[tuple[int, int]]] = {}
        if len(spans) < 2 and all(b - a < 5 for a, b in spans):
            return out  # most sentences: nothing that could be a run of names
        names = self.context.names
        for start, end, members in person_blocks(text, spans):
            marked = bytearray(end - start)
            for a, b in members:
                marked[a - start : b - start] = b"\x01" * (b - a)
            found = frozenset((a - start, b - start) for a, b in members)
            split = split_name_run(text[start:end], names, bytes(marked), found) if len(members) > 1 else None
            if split is not None:
                out[members[0]] = [(start + a, start + b) for a, b in split]
                out.update({m: [] for m in members[1:]})
                continue
            for a, b in members:
                split = split_name_run(text[a:b], names)
                out[(a, b)] = [(a + x, a + y) for x, y in split] if split else [(a, b)]
        return out


class LacBackend:
    """LAC's own word tags: PER, ORG, LOC as places, nw as WORK_OF_ART, TIME as DATE/TIME."""

    def __init__(self, context: SourceContext) -> None:
        from pipeline.backends.lac_tagger import get_lac_tagger

        self.context = context
        self.tagger = get_lac_tagger(context.config.threads, context.config.batch_size)
        self.version = self.tagger.version

    def find(self, texts: list[str]) -> list[list[Candidate]]:
        labeler, patterns = self.context.labeler, self.context.patterns
        out: list[list[Candidate]] = []
        for text, words in zip(texts, self.tagger.analyse(texts)):
            found = []
            for word in words:
                start, end = word.start, word.end
                if word.tag in ("PER", "ORG", "LOC"):
                    start, end = clip_to_words(text, start, end, patterns.c_title_tail)
                label = labeler.lac_label(text[start:end], word.tag)
                if not label:
                    continue
                if label in ("DATE", "TIME"):
                    m = patterns.temporal_tail.search(text, start, end)
                    if m and m.start() > start:
                        end = m.start()
                found.append(Candidate(start, end, label, "model"))
            out.append(found)
        return out


class HfBackend:
    """A local transformers token-classification checkpoint (``entities.ner=hf:PATH``)."""

    def __init__(self, context: SourceContext, path: str) -> None:
        from pipeline.backends.hf_ner import HfTokenClassifier

        self.context = context
        self.model = HfTokenClassifier(path)
        self.version = self.model.version

    def find(self, texts: list[str]) -> list[list[Candidate]]:
        labeler, tail = self.context.labeler, self.context.patterns.c_title_tail
        out: list[list[Candidate]] = []
        for text, spans in zip(texts, self.model.predict(texts)):
            found = []
            for a, b, label in spans:
                start, end = clip_to_words(text, a, b, tail)
                if start == end:
                    continue
                if label == "LOC":
                    label = labeler.place_label(text[start:end]) if end - start >= 2 else "LOC"
                found.append(Candidate(start, end, label, "model"))
            out.append(found)
        return out


@source("numeric")
class NumericSource(SentenceSource):
    """Dates, times, amounts, percentages and counts by rule (:mod:`pipeline.backends.numeric_rules`)."""

    def find_one(self, text: str) -> list[Candidate]:
        from pipeline.backends.numeric_rules import find_numeric

        return [Candidate(m.start, m.end, m.label, "rule", None, m.norm) for m in find_numeric(text)]


@source("gazetteer")
class GazetteerSource(SentenceSource):
    """Listed names that are words of the sentence (:mod:`pipeline.backends.word_boundaries`);
    a listed product takes its model and edition (Mate 60 Pro, 骁龙8 Gen 3, 天玑9300), and a
    model code written right after a listed company is that company's product (华为 + Mate60,
    蔚来 + ES6)."""

    def __init__(self, context: SourceContext) -> None:
        super().__init__(context)
        self.words = WordBoundaries(list(context.labeler.gazetteer.entries))

    def find_one(self, text: str) -> list[Candidate]:
        out = []
        matches = [m for m in self.context.labeler.gazetteer.find(text)
                   if self.words.fits(text, m.start, m.end)]  # 中超 in 其中超过: not a word there
        listed_starts = {m.start for m in matches}
        for m in matches:
            if m.label == "PRODUCT":
                end = self._edition_end(text, m.end)
                norm = m.norm if end == m.end else text[m.start : end]
                out.append(Candidate(m.start, end, m.label, "gazetteer", None, norm))
                continue
            out.append(Candidate(m.start, m.end, m.label, "gazetteer", None, m.norm))
            if m.label == "ORG" and m.end not in listed_starts:
                code = self.context.patterns.model_code.match(text, m.end)
                if code:  # the product is the code; its norm names the maker as written (华为Mate60, AMD MI300X)
                    out.append(Candidate(code.start(1), code.end(), "PRODUCT", "gazetteer", None,
                                         text[m.start : code.end()]))
        return out

    def _edition_end(self, text: str, end: int) -> int:
        """Where a listed product's model and edition end (``end`` when none follows): iPhone + 15
        Pro Max, 骁龙 + 8 Gen 3; not a count, date or amount that follows the name (微信 + 8亿用户,
        iPhone + 2024年, 花呗 + 3期), as the numeric rules read it."""
        found = self.context.patterns.variant.match(text, end)
        if not found:
            return end
        return end if _counts_from(text, end, found.end()) else found.end()


def _counts_from(text: str, start: int, end: int) -> bool:
    """Whether the numeric rules read a count, date or amount from ``start`` that runs past the
    digits of ``text[start:end]`` (8亿, 2024年, 3期), i.e. the digits are not a model number."""
    from pipeline.backends.numeric_rules import find_numeric

    digits = text[start:end].lstrip()
    if not digits[:1].isdigit():
        return False
    offset = len(text[start:end]) - len(digits)
    first = find_numeric(text[start + offset : start + offset + 16])
    return bool(first) and first[0].start == 0 and first[0].end > _DIGITS.match(digits).end()


_DIGITS = re.compile(r"[\d.]*")  # the digits (and decimal points) a model number opens with


@source("party_side")
class PartySideSource(SentenceSource):
    """中方, 葡方: a country's side in talks, marked as the country by its one-character name."""

    def find_one(self, text: str) -> list[Candidate]:
        labeler = self.context.labeler
        return [Candidate(m.start(1), m.end(1), "GPE", "rule", None, labeler.norm(m.group(1)))
                for m in self.context.patterns.party_side.finditer(text)]


@source("speaker")
class SpeakerSource(SentenceSource):
    """People named only by what they say or do (:mod:`pipeline.backends.speaker_rules`); they fill gaps."""

    def __init__(self, context: SourceContext) -> None:
        from pipeline.backends.jieba_segmenter import jieba_freq_table, jieba_pos_table

        super().__init__(context)
        self.known_words = jieba_freq_table()
        self.known_pos = jieba_pos_table()

    def find_one(self, text: str) -> list[Candidate]:
        from pipeline.backends.speaker_rules import speaker_candidates

        return [Candidate(a, b, "PERSON", "rule", None, "", FILL)
                for a, b in speaker_candidates(text, self.known_words, self.known_pos)]
