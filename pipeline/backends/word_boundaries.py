"""Whether a listed name found inside running Chinese text is a word there.

A gazetteer matches strings: 中超 (a football league) is inside 其中超过 ("of which, over")
and 巴西 inside 巴西红木 is fine, but 中超 there straddles two words. Chinese has no spaces,
so the check asks a segmenter: a match whose first character, together with the character
before it, makes a word of jieba's dictionary (其中), or whose last character does so with the
character after it (超过), is dropped if jieba's cut of a few characters around it (its
dictionary knows the listed names) has a word that crosses an edge of the name, holding part
of it and part of its neighbour (其中超过 → 其中 | 超过 drops 中超; 红海南部 → 红海 | 南部 drops
海南). A word that holds the whole name is no reason to drop it (中国政府, 黄河流域, 天津市).
Matches with no such neighbour (most of them) are kept without cutting anything.
"""
from __future__ import annotations

import logging

from pipeline.backends.jieba_segmenter import jieba_freq_table

WINDOW = 4  # characters of context on each side of the name for the cut
NAME_FREQ = 1000  # the weight a listed name gets in the cut: a common word's, not a rare one's


def _han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


class WordBoundaries:
    def __init__(self, names: list[str]) -> None:
        self.words = jieba_freq_table()
        self.names = names
        self._tokenizer = None  # built on the first straddling match: most texts never need one

    def _cut(self, text: str) -> list[str]:
        if self._tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            for name in self.names:
                tokenizer.add_word(name, freq=max(self.words.get(name, 0), NAME_FREQ))
            self._tokenizer = tokenizer
        return list(self._tokenizer.cut(text, HMM=False))

    def straddles(self, text: str, start: int, end: int) -> bool:
        """Whether an edge of ``text[start:end]`` makes a dictionary word with its neighbour."""
        left = start > 0 and _han(text[start - 1]) and _han(text[start]) and text[start - 1 : start + 1] in self.words
        right = (end < len(text) and _han(text[end - 1]) and _han(text[end])
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
