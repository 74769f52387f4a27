"""Whether a listed name found inside running Chinese text is a word there.

A gazetteer matches strings, so 中超 (a football league) is found inside 其中超过 ("of which,
more than"), where it straddles two words. Chinese has no spaces, so the check segments: a
match whose first character, together with the character before it, makes a word of jieba's
dictionary (其中), or whose last character does so with the character after it (超过), is
dropped if the most probable segmentation of a few characters around it (jieba's unigram
model: its dictionary's frequencies, with the listed names added) has a word that crosses an
edge of the name, holding part of it and part of its neighbour (其中超过 → 其中 | 超过 drops
中超; 红海南部 → 红海 | 南部 drops 海南). A word that holds the whole name is no reason to drop
it (中国政府, 黄河流域, 天津市). Matches with no such neighbour (most of them) are kept without
segmenting anything. The segmentation is jieba's own calculation (the best path of log
frequencies) done here over the window, with the frequency table the entity stage already
holds: a second jieba tokenizer would cost every worker about 60 MiB.
"""
from __future__ import annotations

import math
from functools import lru_cache

from pipeline.backends.jieba_segmenter import jieba_freq_table
from pipeline.backends.person_names import is_han

WINDOW = 4  # characters of context on each side of the name for the cut
NAME_FREQ = 1000  # the weight a listed name gets in the cut: a common word's, not a rare one's
MAX_WORD = 8  # the longest dictionary word tried (listed names may be longer)


@lru_cache(maxsize=1)
def _log_total() -> float:
    return math.log(sum(jieba_freq_table().values()))


class WordBoundaries:
    """The word-boundary check of :mod:`pipeline.backends.word_boundaries` for a list of names."""

    def __init__(self, names: list[str]) -> None:
        self.words = jieba_freq_table()
        self.names = {name: max(self.words.get(name, 0), NAME_FREQ) for name in names}
        self.longest = max([MAX_WORD, *map(len, self.names)])

    def _cut(self, text: str) -> list[str]:
        """The most probable segmentation of ``text``: a word's weight is log(frequency / total),
        a character that is no word weighs as frequency 1 (jieba's route, without its HMM)."""
        n, log_total = len(text), _log_total()
        best, step = [0.0] * (n + 1), [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            best[i] = -math.inf
            for j in range(i + 1, min(n, i + self.longest) + 1):
                piece = text[i:j]
                freq = self.names.get(piece) or self.words.get(piece)
                if freq is None and j > i + 1:
                    continue
                value = math.log(freq or 1) - log_total + best[j]
                if value > best[i]:
                    best[i], step[i] = value, j
        words, i = [], 0
        while i < n:
            words.append(text[i : step[i]])
            i = step[i]
        return words

    def straddles(self, text: str, start: int, end: int) -> bool:
        """Whether an edge of ``text[start:end]`` makes a dictionary word with its neighbour."""
        left = start > 0 and is_han(text[start - 1]) and is_han(text[start]) and text[start - 1 : start + 1] in self.words
        right = (end < len(text) and is_han(text[end - 1]) and is_han(text[end])
                 and text[end - 1 : end + 1] in self.words)
        return left or right

    def fits(self, text: str, start: int, end: int) -> bool:
        """No word of jieba's cut around ``text[start:end]`` crosses one of its edges: a word may
        hold the whole name (中国政府, 黄河流域) but not part of it and part of its neighbour."""
        if not self.straddles(text, start, end):
            return True
        a, b = max(0, start - WINDOW), min(len(text), end + WINDOW)
        at = a
        for word in self._cut(text[a:b]):
            word_start, at = at, at + len(word)
            if word_start < start < at < end or start < word_start < end < at:
                return False
        return True
