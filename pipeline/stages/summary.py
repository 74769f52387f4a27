"""The ``summary`` stage: an extractive summary a reader can trust, or an abstractive one.

Extractive (the default, ``summary.method = "extractive"``):

0. Datelines at a sentence's start (新华社北京3月5日电) are left out of what may be quoted, and
   sentences that are furniture as a whole (原标题：, 责任编辑：) are not candidates
   (:mod:`pipeline.text.news_furniture`, rules in ``models/news_furniture.tsv``).
1. Each candidate sentence (not a bare heading) gets the features an editor weighs: its
   place among the candidates, its length against the budget, its centrality (PageRank over
   the cosine similarity of TF-IDF vectors of content words, i.e. continuous LexRank; IDF from
   the keyword stage's table), its likeness to the lead, entity and number density, quotes,
   attribution, a time phrase at its start (:mod:`pipeline.backends.sentence_scorer`).
2. Its score is a linear function of them with weights learned from news headlines
   (``models/summary_scorer.json``, ``python -m pipeline.training.summary_scorer``), plus
   ``title_weight`` times the share of the title's character bigrams it contains.
3. Sentences are picked by MMR (score minus similarity to what is already picked; a
   sentence more similar than ``max_redundancy`` to a picked one is skipped) while
   they fit the character budget (``max_chars``, or one that follows the article's length:
   :meth:`SummaryConfig.budget`) and the sentence cap (``max_sentences``), then put back in
   article order. A sentence longer than the budget may still be picked first, alone, cut at
   its last clause break (，；：) or token end inside the budget: a news lead is often one long
   sentence. ``summary.sentences`` lists the sentences quoted and ``summary.spans`` the exact
   offsets of what is quoted of each; ``summary.text`` is those spans joined.

Abstractive: ``summary.method = "hf:PATH"`` runs a local seq2seq checkpoint
(:mod:`pipeline.backends.hf_summarizer`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pipeline.backends.sentence_scorer import entity_chars, load_scorer, sentence_features
from pipeline.config import KeywordConfig, PipelineConfig, SummaryConfig
from pipeline.errors import ConfigError
from pipeline.record import Article, Summary
from pipeline.registry import Stage, stage
from pipeline.resources import read_word_list, resolve
from pipeline.stages.keywords import SKIP_POS, jieba_idf_path, load_idf, pagerank
from pipeline.text.news_furniture import load_furniture
from pipeline.text.normalize import han_bigrams

_TERMINAL = "。！？!?…；;"
_CLOSERS = "”’\"」』）)】》"
_CLAUSE = "，,；;：:、"
MAX_GRAPH_SENTENCES = 300  # very long articles: the first 300 sentences are ranked


def content_words(article: Article, stopwords: set[str], limit: int) -> list[list[str]]:
    """Content words of each of the first ``limit`` sentences (tokens lie inside sentences)."""
    bounds = article.sentences[:limit]
    words: list[list[str]] = [[] for _ in bounds]
    k = 0
    text = article.text
    for start, _end, pos in article.tokens:
        while k < len(bounds) and start >= bounds[k][1]:
            k += 1
        if k >= len(bounds):
            break
        word = text[start:_end]
        if pos not in SKIP_POS and word not in stopwords and not word.isspace():
            words[k].append(word)
    return words


def _normalise(values: np.ndarray) -> np.ndarray:
    top = values.max() if len(values) else 0.0
    return values / top if top > 0 else values


@dataclass
class Candidates:
    """An article's candidate sentences: their sentence indices, the span each would quote (the
    sentence less its dateline), their cosine similarity matrix, their rows of
    :data:`~pipeline.backends.sentence_scorer.FEATURES` and their share of the title's bigrams."""

    index: list[int]
    spans: list[tuple[int, int]]
    similarity: np.ndarray
    features: np.ndarray
    title: np.ndarray


class ExtractiveSummarizer(Stage):
    name = "summary"

    def __init__(self, config: SummaryConfig, keywords: KeywordConfig | None = None, scored: bool = True) -> None:
        keywords = keywords or KeywordConfig()
        self.config = config
        self.stopwords = read_word_list(resolve(keywords.stopwords))
        self.idf, self.median_idf = load_idf(str(resolve(keywords.idf)) if keywords.idf else jieba_idf_path())
        self.furniture = load_furniture(config.furniture)
        self.scorer = load_scorer(config.scorer) if scored else None  # unscored: for training the scorer

    def describe(self) -> dict[str, str]:
        c = self.config
        budget = c.max_chars or f"auto({c.auto_ratio}x, {c.auto_min_chars}-{c.auto_max_chars})"
        return {"summary": f"extractive learned-scorer({c.scorer})+title+mmr max_chars={budget} "
                           f"max_sentences={c.max_sentences}"}

    def _is_candidate(self, text: str) -> bool:
        """A sentence, not a bare heading: it ends in sentence-final punctuation (before any
        closing quotes or brackets) or is long enough to be one anyway."""
        core = text.rstrip(_CLOSERS)
        sentence_like = bool(core) and core[-1] in _TERMINAL or len(text) >= 20
        return len(text) >= self.config.min_sentence_chars and sentence_like and not self.furniture.is_furniture(text)

    def _vectors(self, bags: list[list[str]]) -> np.ndarray:
        vocab: dict[str, int] = {}
        for bag in bags:
            for word in bag:
                vocab.setdefault(word, len(vocab))
        matrix = np.zeros((len(bags), max(len(vocab), 1)))
        for i, bag in enumerate(bags):
            for word in bag:
                matrix[i, vocab[word]] += self.idf.get(word, self.median_idf)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)

    def candidates(self, article: Article, budget: int) -> Candidates | None:
        """The candidate sentences of ``article`` and everything the scorer needs of them."""
        text = article.text
        # what a summary may quote of each sentence: the sentence less a dateline at its start
        sentences = [(s + self.furniture.lead_length(text[s:e]), e) for s, e in article.sentences[:MAX_GRAPH_SENTENCES]]
        index = [i for i, (s, e) in enumerate(sentences) if self._is_candidate(text[s:e])]
        if not index:
            index = list(range(len(sentences)))
        if not index:
            return None
        spans = [sentences[i] for i in index]
        words = content_words(article, self.stopwords, len(sentences))
        vectors = self._vectors([words[i] for i in index])
        similarity = vectors @ vectors.T
        np.fill_diagonal(similarity, 0.0)
        centrality = _normalise(pagerank(similarity)) if len(index) > 1 else np.ones(1)
        features = sentence_features([text[s:e] for s, e in spans], centrality, similarity,
                                     entity_chars(article.entities, spans), budget)
        return Candidates(index, spans, similarity, features, self._title_similarity(article, spans))

    def score(self, found: Candidates) -> np.ndarray:
        """Each candidate's score in (0, 1], the best at 1: the learned score plus the title's share."""
        if self.scorer is None:
            raise ConfigError("this summarizer was built without its scorer (scored=False)")
        logits = self.scorer.score(found.features) + self.config.title_weight * found.title
        return np.exp(logits - logits.max())

    def __call__(self, article: Article) -> Article:
        budget = self.config.budget(len(article.text))
        found = self.candidates(article, budget)
        if found is None:
            article.summary = Summary(method="extractive")
            return article
        picked, cut = self._select(self.score(found), found, budget)
        if cut is not None:  # a sentence over the budget is only ever picked alone
            s = found.spans[cut][0]
            spans = [(s, s + len(self.quote(article, found.spans[cut], budget)))]
        else:
            picked.sort()
            spans = [found.spans[k] for k in picked]
        article.summary = Summary(method="extractive", text="".join(article.text[s:e] for s, e in spans),
                                  sentences=[found.index[k] for k in picked], spans=spans)
        return article

    @staticmethod
    def _title_similarity(article: Article, spans: list[tuple[int, int]]) -> np.ndarray:
        """Share of the title's character bigrams in each sentence (robust to how either is segmented)."""
        grams = han_bigrams(article.title) if article.title else set()
        if not grams:
            return np.zeros(len(spans))
        return np.array([len(grams & han_bigrams(article.text[s:e])) / len(grams) for s, e in spans])

    def _select(self, score: np.ndarray, found: Candidates, budget: int) -> tuple[list[int], int | None]:
        """MMR over the candidates while they fit the budget and the sentence cap. A sentence
        longer than the budget may still be chosen first, cut at a clause break (the lead of a
        news story often is one long sentence); nothing follows it. Returns the positions picked
        and the one to cut, if any."""
        c = self.config
        picked: list[int] = []
        used = 0
        while not c.max_sentences or len(picked) < c.max_sentences:
            best, best_value = -1, -math.inf
            for k in range(len(score)):
                s, e = found.spans[k]
                if k in picked or (used + (e - s) > budget and picked):
                    continue
                redundancy = max((found.similarity[k, j] for j in picked), default=0.0)
                if redundancy > c.max_redundancy:  # says again what is already picked
                    continue
                value = c.mmr_lambda * score[k] - (1 - c.mmr_lambda) * redundancy
                if value > best_value:
                    best, best_value = k, value
            if best < 0:
                break
            picked.append(best)
            s, e = found.spans[best]
            if e - s > budget:
                return picked, best
            used += e - s
        return picked, None

    def quote(self, article: Article, span: tuple[int, int], budget: int) -> str:
        """What the summary quotes of the sentence ``span``: all of it, or its cut when over budget."""
        s, e = span
        return article.text[s:e] if e - s <= budget else self._cut(article, span, budget)

    def _cut(self, article: Article, span: tuple[int, int], budget: int) -> str:
        """The longest prefix of the sentence ``span`` that ends at a clause break, else at a token end."""
        s, e = span
        limit = s + budget
        sentence = article.text[s:e]
        breaks = [s + i + 1 for i, ch in enumerate(sentence) if ch in _CLAUSE and s + i + 1 <= limit]
        if breaks and breaks[-1] - s >= 2 * budget // 3:
            return article.text[s : breaks[-1]]
        ends = [te for ts, te, _ in article.tokens if s < te <= limit and ts >= s]
        return article.text[s : ends[-1] if ends else limit]


@stage("summary", requires=("sentences", "tokens"), assigns=("summary",))
def make_summarizer(config: PipelineConfig) -> Stage:
    method = config.summary.method
    if method == "extractive":
        return ExtractiveSummarizer(config.summary, config.keywords)
    if method.startswith("hf:"):
        from pipeline.backends.hf_summarizer import AbstractiveSummarizer

        return AbstractiveSummarizer(method[3:], config.summary)
    raise ConfigError(f"summary.method must be 'extractive' or 'hf:PATH', got {method!r}")
