"""The ``summary`` stage: an extractive TextRank summary with a lead prior.

Sentences are nodes; edge weights are Mihalcea & Tarau's overlap similarity of their
content words (tokens that are not stopwords, numbers or punctuation). PageRank scores
get a mild lead prior (news puts the point first). The best sentences are taken while
they fit the character budget, then put back in article order: the summary is made of
the article's own sentences, and ``sentences`` lists their indices.
"""
from __future__ import annotations

import numpy as np

from pipeline.config import PipelineConfig, SummaryConfig
from pipeline.record import Article, Summary
from pipeline.registry import Stage, factory
from pipeline.resources import read_word_list, resolve
from pipeline.stages.keywords import SKIP_POS

_FINAL = "。！？!?…”’\"」』）)"
MAX_GRAPH_SENTENCES = 200  # very long articles: rank the first 200 sentences


def pagerank(weights: np.ndarray, damping: float = 0.85, iterations: int = 50, tol: float = 1e-6) -> np.ndarray:
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


class TextRankSummarizer(Stage):
    name = "summary"

    def __init__(self, config: SummaryConfig, stopwords: str = "stopwords.txt") -> None:
        self.config = config
        self.stopwords = read_word_list(resolve(stopwords))

    def describe(self) -> dict[str, str]:
        return {"summary": f"textrank-lead max_chars={self.config.max_chars}"}

    def _candidate(self, text: str) -> bool:
        return len(text) >= self.config.min_sentence_chars and (text[-1] in _FINAL or len(text) >= 20)

    def __call__(self, article: Article) -> Article:
        text = article.text
        sentences = article.sentences[:MAX_GRAPH_SENTENCES]
        candidates = [i for i, (s, e) in enumerate(sentences) if self._candidate(text[s:e])]
        if not candidates:
            candidates = list(range(len(sentences)))
        if not candidates:
            article.summary = Summary(method="textrank", text="", sentences=[])
            return article
        words = self._content_words(article, len(sentences))
        scores = self._scores([words[i] for i in candidates])
        prior = np.array([1.0 + 0.5 / (1 + rank) for rank in range(len(candidates))])
        order = sorted(range(len(candidates)), key=lambda k: (-scores[k] * prior[k], k))
        chosen: list[int] = []
        used = 0
        for k in order:
            s, e = sentences[candidates[k]]
            if used + (e - s) <= self.config.max_chars:
                chosen.append(candidates[k])
                used += e - s
            if len(chosen) >= self.config.max_sentences:
                break
        if not chosen:  # every candidate is over budget: the best-ranked one alone (over budget)
            chosen = [candidates[order[0]]]
        chosen.sort()
        article.summary = Summary(
            method="textrank",
            text="".join(text[s:e] for s, e in (sentences[i] for i in chosen)),
            sentences=chosen,
        )
        return article

    def _content_words(self, article: Article, n: int) -> list[set[str]]:
        words: list[set[str]] = [set() for _ in range(n)]
        bounds = article.sentences[:n]
        k = 0
        text = article.text
        for start, end, pos in article.tokens:
            while k < n and start >= bounds[k][1]:
                k += 1
            if k >= n:
                break
            word = text[start:end]
            if pos not in SKIP_POS and word not in self.stopwords and not word.isspace():
                words[k].add(word)
        return words

    @staticmethod
    def _scores(words: list[set[str]]) -> np.ndarray:
        n = len(words)
        if n == 1:
            return np.ones(1)
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for i, ws in enumerate(words):
            for w in ws:
                rows.append(i)
                cols.append(vocab.setdefault(w, len(vocab)))
        incidence = np.zeros((n, max(len(vocab), 1)))
        incidence[rows, cols] = 1.0
        overlap = incidence @ incidence.T
        sizes = np.log(np.maximum(incidence.sum(axis=1), 1.0) + 1.0)
        weights = overlap / (sizes[:, None] + sizes[None, :])
        np.fill_diagonal(weights, 0.0)
        return pagerank(weights)


@factory("summary", requires=("sentences", "tokens"), assigns=("summary",))
def make_summarizer(config: PipelineConfig) -> TextRankSummarizer:
    return TextRankSummarizer(config.summary, config.keywords.stopwords)
