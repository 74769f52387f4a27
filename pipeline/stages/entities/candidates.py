"""What every entity source proposes: a typed candidate span of one sentence (or article)."""
from __future__ import annotations

from dataclasses import dataclass

FIRST = "first"  # takes part in the resolution by length and precedence
FILL = "fill"  # kept only where it overlaps nothing already kept


@dataclass(frozen=True, slots=True)
class Candidate:
    """A proposed entity: ``[start, end)`` with a label, who proposed it and how sure it is.

    ``score`` is the model's marginal probability of the span (None for rules and lists);
    ``norm`` a canonical name the source knows ("" when it knows none); ``rank`` says
    whether the candidate competes (``first``) or only fills gaps (``fill``).
    """

    start: int
    end: int
    label: str
    source: str  # "model", "rule" or "gazetteer": what the record's ``source`` says
    score: float | None = None
    norm: str = ""
    rank: str = FIRST

    def shifted(self, offset: int) -> Candidate:
        return Candidate(self.start + offset, self.end + offset, self.label, self.source, self.score, self.norm,
                         self.rank)


def _ascii_word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


def clip_to_words(text: str, start: int, end: int, c_title_tail=None) -> tuple[int, int]:
    """A model span never starts or ends inside an ASCII word, nor ends in a C-suite title.

    The heads read characters, and Latin words are not theirs to cut: 淘宝C of 淘宝CCO
    becomes 淘宝; 淘宝CTO becomes 淘宝 (the company, then its chief technology officer).
    The span may come back empty (``start == end``).
    """
    while start < end and start > 0 and _ascii_word_char(text[start]) and _ascii_word_char(text[start - 1]):
        start += 1
    while end > start and end < len(text) and _ascii_word_char(text[end - 1]) and _ascii_word_char(text[end]):
        end -= 1
    if c_title_tail is None:
        from pipeline.stages.entities.patterns import load_patterns

        c_title_tail = load_patterns().c_title_tail
    m = c_title_tail.search(text, start, end)
    if m and m.start() > start:
        end = m.start()
    return start, end
