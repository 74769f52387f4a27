"""The ``summary`` stage: an extractive summary a reader can trust, or an abstractive one.

Extractive (the default, ``summary.method = "extractive"``):

0. Datelines at a sentence's start (新华社北京3月5日电) are left out of what may be quoted, and
   sentences that are furniture as a whole (原标题：, 责任编辑：) are not candidates
   (:mod:`pipeline.text.news_furniture`, rules in ``models/news_furniture.tsv``).
1. Each candidate sentence (not a bare heading) becomes a TF-IDF vector of its content
   words (tokens that are not stopwords, numbers or punctuation; IDF from the keyword
   stage's table, so ``zhnews idf`` tables apply here too).
2. Its score adds three normalised parts: centrality (PageRank over the cosine-similarity
   graph, i.e. continuous LexRank), a lead prior ``1/sqrt(1 + position)`` (news puts the
   point first) and, when there is a title, the share of the title's character bigrams
   that the sentence contains.
3. Sentences are picked by MMR (score minus similarity to what is already picked; a
   sentence more similar than ``max_redundancy`` to a picked one is skipped) while
   they fit the character budget (``max_chars``, or one that follows the article's length:
   :meth:`SummaryConfig.budget`) and the sentence cap (``max_sentences``),
   then put back in article order: the summary is made of the article's own sentences and
   ``sentences`` lists their indices. When no sentence fits the budget, the best one is cut
   at its last clause break (，；：) or token boundary inside the budget.

Abstractive: ``summary.method = "hf:PATH"`` runs a local seq2seq checkpoint
(:mod:`pipeline.backends.hf_summarizer`).
"""
from __future__ import annotations

import math

import numpy as np

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


class ExtractiveSummarizer(Stage):
    name = "summary"

    def __init__(self, config: SummaryConfig, keywords: KeywordConfig | None = None) -> None:
        keywords = keywords or KeywordConfig()
        self.config = config
        self.stopwords = read_word_list(resolve(keywords.stopwords))
        self.idf, self.median_idf = load_idf(str(resolve(keywords.idf)) if keywords.idf else jieba_idf_path())
        self.furniture = load_furniture(config.furniture)

    def describe(self) -> dict[str, str]:
        c = self.config
        budget = c.max_chars or f"auto({c.auto_ratio}x, {c.auto_min_chars}-{c.auto_max_chars})"
        return {"summary": f"extractive lexrank+lead+title+mmr max_chars={budget} max_sentences={c.max_sentences}"}

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

    def __call__(self, article: Article) -> Article:
        text = article.text
        # what a summary may quote of each sentence: the sentence less a dateline at its start
        sentences = [(s + self.furniture.lead_length(text[s:e]), e) for s, e in article.sentences[:MAX_GRAPH_SENTENCES]]
        budget = self.config.budget(len(text))
        candidates = [i for i, (s, e) in enumerate(sentences) if self._is_candidate(text[s:e])]
        if not candidates:
            candidates = list(range(len(sentences)))
        if not candidates:
            article.summary = Summary(method="extractive", text="", sentences=[])
            return article
        words = content_words(article, self.stopwords, len(sentences))
        bags = [words[i] for i in candidates]
        sentence_vectors = self._vectors(bags)
        similarity = sentence_vectors @ sentence_vectors.T
        np.fill_diagonal(similarity, 0.0)
        c = self.config
        centrality = _normalise(pagerank(similarity)) if len(candidates) > 1 else np.ones(1)
        lead = np.array([1.0 / math.sqrt(1 + i) for i in candidates])
        title = self._title_similarity(article, [sentences[i] for i in candidates])
        score = _normalise(c.centrality_weight * centrality + c.lead_weight * lead + c.title_weight * title)
        chosen = self._select(candidates, score, similarity, sentences, budget)
        if chosen:
            chosen.sort()
            article.summary = Summary(
                method="extractive",
                text="".join(text[s:e] for s, e in (sentences[i] for i in chosen)),
                sentences=chosen,
            )
        else:
            best = candidates[int(np.argmax(score))]
            article.summary = Summary(method="extractive", text=self._cut(article, sentences[best], budget),
                                      sentences=[best])
        return article

    @staticmethod
    def _title_similarity(article: Article, spans: list[tuple[int, int]]) -> np.ndarray:
        """Share of the title's character bigrams in each sentence (robust to how either is segmented)."""
        grams = han_bigrams(article.title) if article.title else set()
        if not grams:
            return np.zeros(len(spans))
        return np.array([len(grams & han_bigrams(article.text[s:e])) / len(grams) for s, e in spans])

    def _select(self, candidates: list[int], score: np.ndarray, similarity: np.ndarray,
                sentences: list[tuple[int, int]], budget: int) -> list[int]:
        c = self.config
        picked: list[int] = []  # positions in candidates
        used = 0
        remaining = set(range(len(candidates)))
        while remaining and (not c.max_sentences or len(picked) < c.max_sentences):
            best, best_value = -1, -math.inf
            for k in sorted(remaining):
                s, e = sentences[candidates[k]]
                if used + (e - s) > budget:
                    continue
                redundancy = max((similarity[k, j] for j in picked), default=0.0)
                if redundancy > c.max_redundancy:  # says again what is already picked
                    continue
                value = c.mmr_lambda * score[k] - (1 - c.mmr_lambda) * redundancy
                if value > best_value:
                    best, best_value = k, value
            if best < 0:
                break
            picked.append(best)
            remaining.discard(best)
            s, e = sentences[candidates[best]]
            used += e - s
        return [candidates[k] for k in picked]

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
