"""The ``keywords`` stage: TF-IDF over the article's own tokens.

Candidates are tokens of at least ``min_chars`` characters that are not stopwords,
numbers, dates or punctuation (entities count as one token, so 淘宝直播 is a candidate
as a whole). IDF comes from jieba's bundled table unless ``keywords.idf`` names another
(``word idf`` a line); unseen words get the median IDF, as in jieba.
"""
from __future__ import annotations

import os
import statistics
from collections import Counter
from functools import lru_cache
from pathlib import Path

import jieba

from pipeline.config import KeywordConfig, PipelineConfig
from pipeline.errors import ResourceError
from pipeline.record import Article, Keyword
from pipeline.registry import Stage, factory
from pipeline.resources import fingerprint, read_word_list, resolve

# POS tags that never make a keyword: numbers, time words, function words, punctuation.
SKIP_POS = {"m", "mq", "t", "tg", "x", "w", "u", "uj", "ul", "uv", "uz", "ug", "ud", "p", "c", "d", "r", "rr", "rz",
            "q", "f", "e", "y", "o", "zg", "ad", "df"}


@lru_cache(maxsize=4)
def load_idf(path: str) -> tuple[dict[str, float], float]:
    table: dict[str, float] = {}
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            parts = line.split()
            if not parts:
                continue
            try:
                table[parts[0]] = float(parts[1])
            except (IndexError, ValueError):
                raise ResourceError(f"{path}:{lineno}: expected 'word idf', got {line.strip()!r}") from None
    if not table:
        raise ResourceError(f"IDF table {path} is empty")
    return table, statistics.median(table.values())


def jieba_idf_path() -> str:
    return os.path.join(os.path.dirname(jieba.__file__), "analyse", "idf.txt")


class KeywordExtractor(Stage):
    name = "keywords"

    def __init__(self, config: KeywordConfig) -> None:
        self.config = config
        self.idf_path = str(resolve(config.idf)) if config.idf else jieba_idf_path()
        self.idf, self.median_idf = load_idf(self.idf_path)
        stop_path = resolve(config.stopwords)
        self.stopwords = read_word_list(stop_path)
        self._fingerprint = fingerprint([Path(self.idf_path), stop_path])

    def describe(self) -> dict[str, str]:
        name = "jieba" if self.idf_path == jieba_idf_path() else Path(self.idf_path).name
        return {"keywords": f"tfidf idf={name} {self._fingerprint}"}

    def is_candidate(self, word: str, pos: str) -> bool:
        return (
            len(word) >= self.config.min_chars
            and pos not in SKIP_POS
            and word not in self.stopwords
            and not word.isspace()
        )

    def __call__(self, article: Article) -> Article:
        text = article.text
        counts: Counter[str] = Counter()
        for start, end, pos in article.tokens:
            word = text[start:end]
            if self.is_candidate(word, pos):
                counts[word] += 1
        total = sum(counts.values())
        if not total:
            article.keywords = []
            return article
        scored = [(round(n / total * self.idf.get(w, self.median_idf), 6), w) for w, n in counts.items()]
        scored.sort(key=lambda item: (-item[0], item[1]))
        article.keywords = [Keyword(w, s) for s, w in scored[: self.config.top_k]]
        return article


@factory("keywords", requires=("tokens",), assigns=("keywords",))
def make_keyword_extractor(config: PipelineConfig) -> KeywordExtractor:
    return KeywordExtractor(config.keywords)
