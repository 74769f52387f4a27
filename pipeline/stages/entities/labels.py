"""Labels and canonical names: how a tag or a surface becomes an OntoNotes label and a ``norm``.

One place knows the gazetteer, the alias tables and China's divisions, and every source
and post-edit asks it: GPE or LOC for a place, a model tag's label, the norm of a surface.
"""
from __future__ import annotations

from functools import lru_cache

from pipeline.backends.gazetteer import Gazetteer
from pipeline.record import Entity
from pipeline.resources import read_word_list, resolve
from pipeline.stages.entities.patterns import Patterns

# head label -> our label ("PLACE": GPE or LOC by Labeler.place_label)
HEAD_LABELS = {
    "PER": "PERSON", "LOC": "PLACE", "ORG": "ORG",
    "name": "PERSON", "company": "ORG", "organization": "ORG", "government": "ORG", "address": "PLACE",
    "scene": "LOC", "position": "TITLE", "game": "PRODUCT", "book": "WORK_OF_ART", "movie": "WORK_OF_ART",
}


@lru_cache(maxsize=2)
def load_divisions(name: str = "china_divisions.txt") -> frozenset[str]:
    """China's administrative divisions by full and short name (宿迁市, 宿迁): places that are GPEs."""
    return frozenset(read_word_list(resolve(name)))


class Labeler:
    def __init__(self, gazetteer: Gazetteer, aliases: dict[str, str], divisions: frozenset[str],
                 patterns: Patterns) -> None:
        self.gazetteer = gazetteer
        self.aliases = aliases
        self.divisions = divisions
        self.patterns = patterns

    def place_label(self, surface: str) -> str:
        """GPE or LOC for a place name, per OntoNotes (中国, 北京市, 美 are GPEs; 长江 a LOC)."""
        known = self.gazetteer.label_of(surface) or self.gazetteer.label_of(self.aliases.get(surface, ""))
        if known in ("GPE", "LOC", "FAC"):
            return known
        if len(surface) == 1 or surface in self.divisions or self.patterns.gpe_suffix.search(surface):
            return "GPE"
        return "LOC"

    def is_place(self, surface: str) -> bool:
        known = self.gazetteer.label_of(surface) or self.gazetteer.label_of(self.aliases.get(surface, ""))
        return known in ("GPE", "LOC", "FAC") or surface in self.divisions

    def lac_label(self, surface: str, tag: str) -> str | None:
        """Our label for one of LAC's own word tags (None: not an entity)."""
        if tag in ("PER", "ORG", "LOC") and len(surface) < 2:
            return None
        if tag == "PER":
            return "PERSON"
        if tag == "ORG":
            return "ORG"
        if tag == "LOC":
            return self.place_label(surface)
        if tag == "nw":
            return "WORK_OF_ART"
        if tag == "TIME" and self.patterns.temporal_hint.search(surface):
            return "TIME" if self.patterns.time_hint.search(surface) else "DATE"
        return None

    def norm(self, surface: str, known: str = "") -> str:
        return self.aliases.get(surface) or known or self.gazetteer.norm_of(surface) or surface

    def entity(self, text: str, start: int, end: int, label: str, source: str, score: float | None = None,
               norm: str = "") -> Entity:
        surface = text[start:end]
        if not norm and len(surface) > 2 and surface[0] == "《" and surface[-1] == "》":
            # a listed title is its listed name (《王者荣耀》 is 王者荣耀); others keep their marks (《决定》)
            norm = self.aliases.get(surface[1:-1]) or self.gazetteer.norm_of(surface[1:-1]) or ""
        return Entity(start, end, label, surface, self.aliases.get(surface) or norm or surface, source, score)

    def org(self, text: str, start: int, end: int, source: str, score: float | None = None) -> Entity:
        return self.entity(text, start, end, "ORG", source, score)

    def place(self, text: str, start: int, end: int, source: str, score: float | None = None) -> Entity:
        surface = text[start:end]
        return Entity(start, end, self.place_label(surface), surface, self.norm(surface), source, score)
