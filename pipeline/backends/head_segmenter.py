"""The segmentation head as a backend of the tokens stage (``tokens.segmenter = "head"``).

Words are the spans of a head (``models/seg/pku.npz``, PKU standard; see
:mod:`pipeline.training.segmentation_head`) read from LAC's encoder states. In a default run the
entity stage computes them on its own encoder pass (its tagger carries this head too, and
leaves the words in ``Article.analysis``); otherwise this backend runs the encoder itself.

Lexicons (``tokens.lexicons``) weigh in twice:

* **in decoding**: every occurrence of a lexicon word adds ``tokens.lexicon_weight`` to the
  scores of the tags that would make it a word (B, I…, E), and the CRF's best path decides,
  so a word is kept whole unless the text argues strongly against it (:meth:`Lexicon.bias`);
* **after decoding** (:meth:`Lexicon.join`): a lexicon word that covers whole head words
  becomes one token when the lexicon gives it only whole (超级工厂, 产能利用率 in a domain's
  list); a word that the lexicon's other words make up (a standard's compound, 就是 = 就 +
  是) is left to the head's reading.

Chosen on the held-out 5% of the training sentences with PKU's word list (no list: 0.9725):
weight 0.5 / 1 / 2 / 4 → 0.9752 / **0.9757** / 0.9734 / 0.9694 (decoding only); with the
join 0.9758. Rules that lost there: joining every lexicon word over whole head words, 0.9709
(0.9723 after decoding with the weight); cutting head words the list gives only in parts,
0.9599. ``lexicon_mode = "standard"`` (the lists are the vocabulary) cuts, after decoding, a
head word the vocabulary lacks into its words and joins vocabulary words over whole head
words.

POS: the lexicon's tag, else jieba's dictionary tag for the word, else a rule
(:func:`pipeline.backends.jieba_segmenter.fallback_pos` refined by the tag that jieba's dictionary
gives most often to words ending in the word's last character).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache
from itertools import pairwise

import numpy as np

from pipeline.backends.jieba_segmenter import (
    LEXICON_MODES,
    fallback_pos,
    jieba_freq_table,
    jieba_pos_table,
    read_lexicon,
)
from pipeline.errors import ConfigError
from pipeline.resources import resolve

DEFAULT_HEAD = "seg/pku.npz"
JOIN_MIN = 2  # lexicon words shorter than this are never joined
Word = tuple[int, int]


@lru_cache(maxsize=1)
def suffix_pos_table() -> dict[str, str]:
    """For each character, the POS jieba's dictionary gives most (by frequency) to words ending in it."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    freq = jieba_freq_table()
    for word, tag in jieba_pos_table().items():
        if len(word) >= 2 and tag:
            votes[word[-1]][tag] += freq.get(word, 1) or 1
    return {c: counter.most_common(1)[0][0] for c, counter in votes.items()}


def split_whitespace(text: str, words: list[Word]) -> list[Word]:
    """Whitespace is never part of a word: cut words at it and drop it."""
    if not any(c.isspace() for c in text):
        return words
    out = []
    for a, b in words:
        start = None
        for i in range(a, b + 1):
            inside = i < b and not text[i].isspace()
            if inside and start is None:
                start = i
            elif not inside and start is not None:
                out.append((start, i))
                start = None
    return out


def fill_gaps(length: int, words: list[Word]) -> list[Word]:
    """Characters no word covers (a head tagged them O) become one-character words."""
    out, at = [], 0
    for a, b in sorted(words):
        if a < at:
            continue
        out.extend((i, i + 1) for i in range(at, a))
        out.append((a, b))
        at = b
    out.extend((i, i + 1) for i in range(at, length))
    return out


class Lexicon:
    """Lexicon words as constraints on a segmentation (see the module docstring)."""

    def __init__(self, words: set[str], mode: str, split_compounds: bool = True, weight: float = 1.0) -> None:
        self.words = {w for w in words if len(w) >= 2}
        self.vocabulary = words
        self.mode = mode
        self.split_compounds = split_compounds
        self.weight = weight
        self.join_min = JOIN_MIN
        self.longest = max((len(w) for w in self.words), default=0)

    def bias(self, text: str, tags: list[str]) -> np.ndarray | None:
        """Scores to add to the head's emissions: ``weight`` on the tags (B, I…, E) of every
        occurrence of a lexicon word of two or more characters, so that the CRF prefers a segmentation that keeps
        them whole, unless the text argues strongly against it."""
        index = {t: n for n, t in enumerate(tags)}
        if not {"B-W", "I-W", "E-W"} <= set(index) or not self.words:
            return None
        out = None
        n = len(text)
        for i in range(n):
            for k in range(min(self.longest, n - i), 1, -1):
                if text[i : i + k] in self.words:
                    if out is None:
                        out = np.zeros((n, len(tags)), dtype=np.float32)
                    out[i, index["B-W"]] += self.weight
                    out[i + 1 : i + k - 1, index["I-W"]] += self.weight
                    out[i + k - 1, index["E-W"]] += self.weight
        return out

    def join(self, text: str, words: list[Word]) -> list[Word]:
        """Lexicon words that cover whole head words become one, when the lexicon gives them
        only whole (超级工厂, a domain's name): a word whose parts the lexicon lists as well
        (产能 + 利用率 beside 产能利用率, a standard's compound) is left to the head's reading."""
        return self._merge(text, words, lambda w: len(w) >= self.join_min and not self._decomposable(w))

    def _merge(self, text: str, words: list[Word], wanted) -> list[Word]:
        """Lexicon matches that cover whole ``words`` (and that ``wanted`` accepts) become one word."""
        edges = {a for a, _ in words} | {b for _, b in words}
        out = list(words)
        for a, b in self.matches(text):
            if a in edges and b in edges and wanted(text[a:b]):
                out = [w for w in out if not (a <= w[0] and w[1] <= b)] + [(a, b)]
        return sorted(out)

    def _decomposable(self, word: str) -> bool:
        """Whether two or more of the vocabulary's other words make up ``word`` exactly."""
        n = len(word)
        ok = [True] + [False] * n
        for i in range(1, n + 1):
            for j in range(max(0, i - self.longest), i):
                if ok[j] and i - j < n and word[j:i] in self.vocabulary:
                    ok[i] = True
                    break
        return ok[n]

    def matches(self, text: str) -> list[Word]:
        """Non-overlapping lexicon words of ``text``, longest match first from the left."""
        out, i = [], 0
        while i < len(text):
            for k in range(min(self.longest, len(text) - i), 1, -1):
                if text[i : i + k] in self.words:
                    out.append((i, i + k))
                    i += k
                    break
            else:
                i += 1
        return out

    def split(self, word: str, any_character: bool) -> list[int] | None:
        """Cut points of ``word`` into vocabulary words (fewest pieces; with ``any_character``
        a lone character may be a piece too), or None."""
        n = len(word)
        best: list[list[int] | None] = [[0]] + [None] * n
        for i in range(1, n + 1):
            for j in range(max(0, i - max(self.longest, 1)), i):
                if best[j] is not None and ((any_character and i - j == 1) or word[j:i] in self.vocabulary) \
                        and (best[i] is None or len(best[j]) + 1 < len(best[i])):
                    best[i] = [*best[j], i]
        return best[n]

    def apply(self, text: str, words: list[Word]) -> list[Word]:
        out = list(words)
        if self.mode == "standard" or self.split_compounds:
            # a word the vocabulary lacks is cut into its words: in the standard mode lone
            # characters may be pieces, otherwise the lists must give all its parts (女士 + 们)
            out = []
            for a, b in words:
                surface = text[a:b]
                cuts = None if b - a < 2 or surface in self.vocabulary else self.split(surface, self.mode == "standard")
                if cuts and len(cuts) > 2:
                    out.extend((a + x, a + y) for x, y in pairwise(cuts))
                else:
                    out.append((a, b))
        return self._merge(text, out, lambda w: True)


class HeadSegmenter:
    def __init__(self, head: str = DEFAULT_HEAD, lexicons: list[str] | None = None, lexicon_mode: str = "add",
                 threads: int = 1, split_compounds: bool = True, lexicon_weight: float = 1.0) -> None:
        if lexicon_mode not in LEXICON_MODES:
            raise ConfigError(f"tokens.lexicon_mode must be one of {LEXICON_MODES}, got {lexicon_mode!r}")
        self.head_path = str(resolve(head))
        self.threads = threads
        self._tagger = None
        self.lexicon_mode = lexicon_mode
        self.lexicons = [resolve(name) for name in lexicons or []]
        entries = [entry for path in self.lexicons for entry in read_lexicon(path)]
        self.vocabulary = {word for word, _, _ in entries}
        self.user_pos = {word: tag for word, _, tag in entries if tag}
        self.lexicon = Lexicon(self.vocabulary, lexicon_mode, split_compounds, lexicon_weight) if entries else None
        self.pos = jieba_pos_table()
        self.hmm = False

    @property
    def tagger(self):
        if self._tagger is None:
            from pipeline.backends.tagging_heads import get_head_tagger

            self._tagger = get_head_tagger((self.head_path,), self.threads)
        return self._tagger

    @property
    def version(self) -> str:
        from pathlib import Path

        return f"segmentation head {Path(self.head_path).stem} over LAC's encoder"

    def pos_of(self, word: str) -> str:
        tag = self.user_pos.get(word) or self.pos.get(word)
        if tag:
            return tag
        tag = fallback_pos(word)
        if tag == "n" and len(word) >= 2:
            return suffix_pos_table().get(word[-1], "n")
        return tag

    def word_ends(self, texts: list[str]) -> list[np.ndarray]:
        """Where the head's words end in each text (local offsets); a lexicon's words weigh in
        as a bonus on the tags that would make them words (:meth:`Lexicon.bias`)."""
        bias = None
        if self.lexicon is not None:
            def bias(head, i):
                return self.lexicon.bias(texts[i], head.tags)
        head = self.tagger.heads[0].name
        [ends] = self.tagger.predict(texts, bias=bias, words=frozenset({head}))
        return ends

    def head_words(self, texts: list[str]) -> list[list[Word]]:
        """The head's word spans of each text, before whitespace and lexicon joins."""
        return [spans_of(ends) for ends in self.word_ends(texts)]

    def words(self, text: str, ends) -> list[tuple[int, int, str]]:
        """Tokens ``(start, end, pos)`` of ``text`` from where the head's words end."""
        words = spans_of(ends, len(text))
        if self.lexicon is not None:
            words = self.lexicon.apply(text, words) if self.lexicon.mode == "standard" else self.lexicon.join(text, words)
        return [(a, b, self.pos_of(text[a:b])) for a, b in split_whitespace(text, words)]

    def cut_sentences(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        return [self.words(text, ends) for text, ends in zip(texts, self.word_ends(texts))]


def spans_of(ends, length: int | None = None) -> list[Word]:
    """Word spans from word ends (a last word up to ``length`` if the ends stop short)."""
    ends = [int(e) for e in ends]
    if length is not None and (not ends or ends[-1] < length):
        ends.append(length)
    return list(zip([0, *ends[:-1]], ends))
