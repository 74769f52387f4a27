"""The ``keywords`` stage: TF-IDF (default) or TextRank keyphrases over the article's tokens.

Candidates are tokens of at least ``min_chars`` characters that are not stopwords
(``models/stopwords.txt``), numbers, dates or punctuation. Entities are one token each
and are counted under their canonical name (阿里 and 阿里巴巴集团 add up); the
``keywords.entities`` switch keeps them as they are (``keep``), multiplies their score by
``entity_boost`` (``boost``) or leaves them out (``exclude``).

* ``tfidf``: term frequency × IDF. IDF comes from jieba's bundled table unless
  ``keywords.idf`` names one built from your own corpus with ``zhnews idf``; words the
  table lacks get its median IDF, as in jieba.
* ``textrank``: PageRank over a co-occurrence graph of candidates (window of 5), then
  adjacent top-ranked words that recur together are joined into keyphrases (数字 + 业务 →
  数字业务).
"""
from __future__ import annotations

import os
import statistics
from collections import Counter
from functools import lru_cache
from pathlib import Path

import jieba
import numpy as np

from pipeline.config import KeywordConfig, PipelineConfig
from pipeline.errors import ConfigError, ResourceError
from pipeline.record import Article, Keyword
from pipeline.registry import Stage, stage
from pipeline.resources import fingerprint, line_error, read_lines, read_word_list, resolve

# POS tags that never make a keyword: numbers, time words, function words, punctuation.
SKIP_POS = {"m", "mq", "t", "tg", "x", "w", "u", "uj", "ul", "uv", "uz", "ug", "ud", "p", "c", "d", "r", "rr", "rz",
            "q", "f", "e", "y", "o", "zg", "ad", "df", "xc"}
METHODS = ("tfidf", "textrank")
ENTITY_MODES = ("keep", "boost", "exclude")


def pagerank(weights: np.ndarray, damping: float = 0.85, iterations: int = 100, tol: float = 1e-8) -> np.ndarray:
    """PageRank scores of a weighted graph given as its matrix (TextRank's ranking, for keywords and summaries)."""
    n = weights.shape[0]
    out_sum = weights.sum(axis=1, keepdims=True)
    transition = np.divide(weights, out_sum, out=np.full_like(weights, 1.0 / n), where=out_sum > 0)
    scores = np.full(n, 1.0 / n)
    for _ in range(iterations):
        new = (1 - damping) / n + damping * transition.T @ scores
        if np.abs(new - scores).sum() < tol:
            return new
        scores = new
    return scores


@lru_cache(maxsize=4)
def load_idf(path: str) -> tuple[dict[str, float], float]:
    """``word idf`` lines (jieba's format; ``zhnews idf`` writes it) and the median IDF, for unseen words."""
    table: dict[str, float] = {}
    for lineno, line in read_lines(Path(path), comments=False):
        parts = line.split()
        if not parts:
            continue
        try:
            table[parts[0]] = float(parts[1])
        except (IndexError, ValueError):
            raise line_error(Path(path), lineno, f"expected 'word idf', got {line.strip()!r}") from None
    if not table:
        raise ResourceError(f"IDF table {path} is empty")
    return table, statistics.median(table.values())


def jieba_idf_path() -> str:
    return os.path.join(os.path.dirname(jieba.__file__), "analyse", "idf.txt")


class KeywordExtractor(Stage):
    name = "keywords"

    def __init__(self, config: KeywordConfig) -> None:
        if config.method not in METHODS:
            raise ConfigError(f"keywords.method must be one of {METHODS}, got {config.method!r}")
        if config.entities not in ENTITY_MODES:
            raise ConfigError(f"keywords.entities must be one of {ENTITY_MODES}, got {config.entities!r}")
        self.config = config
        self.idf_path = str(resolve(config.idf)) if config.idf else jieba_idf_path()
        self.idf, self.median_idf = load_idf(self.idf_path)
        stop_path = resolve(config.stopwords)
        self.stopwords = read_word_list(stop_path)
        self._fingerprint = fingerprint([Path(self.idf_path), stop_path])

    def describe(self) -> dict[str, str]:
        idf = "jieba" if self.idf_path == jieba_idf_path() else Path(self.idf_path).name
        return {"keywords": f"{self.config.method} idf={idf} entities={self.config.entities} {self._fingerprint}"}

    def is_candidate(self, word: str, pos: str) -> bool:
        return (
            len(word) >= self.config.min_chars
            and pos not in SKIP_POS
            and word not in self.stopwords
            and not word.isspace()
        )

    def candidates(self, article: Article) -> tuple[list[tuple[int, str]], set[str]]:
        """``(token index, word)`` of the candidates in text order (entities under their
        canonical name), and the entity names among them."""
        text = article.text
        norms = {(e.start, e.end): e.norm for e in article.entities}
        sequence: list[tuple[int, str]] = []
        entity_names: set[str] = set()
        for index, (start, end, pos) in enumerate(article.tokens):
            word = text[start:end]
            if not self.is_candidate(word, pos):
                continue
            norm = norms.get((start, end))
            if norm is not None:
                if self.config.entities == "exclude":
                    continue
                word = norm
                entity_names.add(norm)
            sequence.append((index, word))
        return sequence, entity_names

    def __call__(self, article: Article) -> Article:
        sequence, entity_names = self.candidates(article)
        if not sequence:
            article.keywords = []
            return article
        scores = self._textrank(sequence) if self.config.method == "textrank" else self._tfidf(sequence)
        if self.config.entities == "boost":
            scores = {w: s * (self.config.entity_boost if w in entity_names else 1.0) for w, s in scores.items()}
        ranked = sorted(((round(s, 6), w) for w, s in scores.items()), key=lambda item: (-item[0], item[1]))
        article.keywords = [Keyword(w, s) for s, w in ranked[: self.config.top_k]]
        return article

    def _tfidf(self, sequence: list[tuple[int, str]]) -> dict[str, float]:
        counts = Counter(w for _, w in sequence)
        total = len(sequence)
        return {w: n / total * self.idf.get(w, self.median_idf) for w, n in counts.items()}

    def _textrank(self, sequence: list[tuple[int, str]], window: int = 5) -> dict[str, float]:
        """Complexity: the co-occurrence graph, its PageRank and the merge of adjacent top words into phrases; the
        branches are the window and phrase filters."""
        words = [w for _, w in sequence]
        vocab = {w: i for i, w in enumerate(dict.fromkeys(words))}
        n = len(vocab)
        if n == 1:
            return {words[0]: 1.0}
        weights = np.zeros((n, n))
        ids = [vocab[w] for w in words]
        for i, a in enumerate(ids):
            for b in ids[i + 1 : i + window]:
                if a != b:
                    weights[a, b] += 1.0
                    weights[b, a] += 1.0
        rank = pagerank(weights)
        rank = rank / rank.max()
        scores = {w: float(rank[i]) for w, i in vocab.items()}
        top = set(sorted(scores, key=lambda w: -scores[w])[: self.config.top_k * 2])
        phrases: Counter[tuple[str, str]] = Counter(
            (a, b)
            for (i, a), (j, b) in zip(sequence, sequence[1:])
            if j == i + 1 and a in top and b in top and a != b  # adjacent in the text itself
        )
        for (a, b), count in phrases.items():
            if count >= 2:
                scores[a + b] = (scores[a] + scores[b]) / 2
        return scores


@stage("keywords", requires=("tokens",), assigns=("keywords",))
def make_keyword_extractor(config: PipelineConfig) -> KeywordExtractor:
    return KeywordExtractor(config.keywords)
