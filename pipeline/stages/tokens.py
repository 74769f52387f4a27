"""The ``tokens`` stage: words with POS, where every entity is exactly one token.

Two backends (``tokens.segmenter``):

* ``jieba`` (default): jieba segments the text *between* entity spans, so a name jieba
  would split stays whole; POS from jieba's dictionary (ICTCLAS-style tags).
* ``lac``: LAC cuts whole sentences (batched across articles); words that cross an entity
  boundary are clipped to the part outside the entity.

Entity tokens get the POS of their label (PERSON→nr, ORG→nt, GPE/LOC/FAC→ns, DATE/TIME→t,
numbers→m, other names→nz).
"""
from __future__ import annotations

import numpy as np

from pipeline.backends.head_segmenter import HeadSegmenter
from pipeline.backends.jieba_segmenter import JiebaSegmenter
from pipeline.backends.lac_segmenter import LacSegmenter
from pipeline.backends.lac_tagger import get_lac_tagger
from pipeline.config import PipelineConfig, TokenConfig
from pipeline.errors import ConfigError
from pipeline.record import Article
from pipeline.registry import Stage, stage
from pipeline.text.script import view_of

ENTITY_POS = {
    "PERSON": "nr",
    "ORG": "nt",
    "GPE": "ns",
    "LOC": "ns",
    "FAC": "ns",
    "TITLE": "n",  # a job title is a common noun in jieba's dictionary (总裁, 部长)
    "DATE": "t",
    "TIME": "t",
    "MONEY": "m",
    "PERCENT": "m",
    "QUANTITY": "m",
    "CARDINAL": "m",
    "ORDINAL": "m",
}


def make_segmenter(config: TokenConfig, threads: int = 1) -> JiebaSegmenter | LacSegmenter | HeadSegmenter:
    if config.segmenter == "jieba":
        return JiebaSegmenter(config.lexicons, hmm=config.hmm, lexicon_mode=config.lexicon_mode,
                              split_compounds=config.split_compounds)
    if config.segmenter == "lac":
        if config.lexicons:
            raise ConfigError("tokens.lexicons work with the jieba and head segmenters only; drop them or choose one of those")
        return LacSegmenter(get_lac_tagger(threads))
    if config.segmenter == "head":
        return HeadSegmenter(config.head, config.lexicons, config.lexicon_mode, threads, config.split_compounds,
                             config.lexicon_weight)
    raise ConfigError(f"tokens.segmenter must be 'jieba', 'lac' or 'head', got {config.segmenter!r}")


def _entity_spans(article: Article) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for start, end, label in sorted((e.start, e.end, e.label) for e in article.entities):
        if not spans or start >= spans[-1][1]:
            spans.append((start, end, ENTITY_POS.get(label, "nz")))
    return spans


class Tokenizer(Stage):
    name = "tokens"

    def __init__(self, segmenter: JiebaSegmenter | LacSegmenter | HeadSegmenter, traditional_view: bool = True) -> None:
        self.segmenter = segmenter
        self.traditional_view = traditional_view
        self.batched = isinstance(segmenter, LacSegmenter | HeadSegmenter)

    def describe(self) -> dict[str, str]:
        seg = self.segmenter
        out = {"segmenter": seg.version + (" +HMM" if getattr(seg, "hmm", False) else "")}
        if seg.lexicons:
            out["lexicons"] = f"{seg.lexicon_mode}:" + ",".join(p.name for p in seg.lexicons)  # type: ignore[union-attr]
        return out

    def __call__(self, article: Article) -> Article:
        self.pipe([article])
        return article

    def pipe(self, articles: list[Article]) -> list[Article]:
        views = [view_of(article, self.traditional_view) for article in articles]
        if isinstance(self.segmenter, HeadSegmenter):
            self._pipe_head(articles, views, self.segmenter)
        elif isinstance(self.segmenter, LacSegmenter):
            self._pipe_whole_sentences(articles, views)
        else:
            for article, view in zip(articles, views):
                self._tokens_between_entities(article, view, self.segmenter)
        return articles

    @staticmethod
    def _tokens_between_entities(article: Article, text: str, segmenter: JiebaSegmenter) -> None:
        entities = _entity_spans(article)
        tokens: list[tuple[int, int, str]] = []
        k = 0
        for s_start, s_end in article.sentences:
            pos = s_start
            while k < len(entities) and entities[k][0] < s_end:
                e_start, e_end, tag = entities[k]
                k += 1
                if e_start < pos:
                    continue
                if e_start > pos:
                    tokens.extend(segmenter.cut(text[pos:e_start], pos))
                tokens.append((e_start, e_end, tag))
                pos = e_end
            if pos < s_end:
                tokens.extend(segmenter.cut(text[pos:s_end], pos))
        article.tokens = tokens

    @staticmethod
    def _pipe_head(articles: list[Article], views: list[str], segmenter: HeadSegmenter) -> None:
        """The head's words: where they end as the entity stage read them on its encoder pass
        (``analysis["word_ends"]``, article offsets), else from a pass of the head's own (also
        when a lexicon must weigh in on decoding); entities stay whole tokens."""
        for article in articles:
            if segmenter.lexicon is not None:
                article.analysis.pop("word_ends", None)
        missing = [(a, v) for a, v in zip(articles, views) if "word_ends" not in a.analysis]
        if missing:
            found = iter(segmenter.word_ends([v[s:e] for a, v in missing for s, e in a.sentences]))
            for article, _ in missing:
                local = [next(found) + s for s, _ in article.sentences]
                article.analysis["word_ends"] = np.concatenate(local) if local else np.zeros(0, np.int64)
        for article, view in zip(articles, views):
            ends = article.analysis.pop("word_ends")
            words = []
            for s, e in article.sentences:
                lo, hi = np.searchsorted(ends, [s, e], side="right")
                words.extend((s + a, s + b, p) for a, b, p in segmenter.words(view[s:e], ends[lo:hi] - s))
            article.tokens = clip_to_entities(words, _entity_spans(article))

    def _pipe_whole_sentences(self, articles: list[Article], views: list[str]) -> None:
        texts = [v[s:e] for a, v in zip(articles, views) for s, e in a.sentences]
        cut = iter(self.segmenter.cut_sentences(texts))
        for article in articles:
            words = [(s + ws, s + we, p) for s, _ in article.sentences for ws, we, p in next(cut)]
            article.tokens = clip_to_entities(words, _entity_spans(article))


def clip_to_entities(words: list[tuple[int, int, str]], entities: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Entity spans as tokens; other words keep only their characters outside every entity."""
    covered: dict[int, int] = {}
    for start, end, _ in entities:
        for i in range(start, end):
            covered[i] = start
    out = list(entities)
    for start, end, pos in words:
        piece_start = None
        for i in range(start, end + 1):
            inside = i < end and i not in covered
            if inside and piece_start is None:
                piece_start = i
            elif not inside and piece_start is not None:
                out.append((piece_start, i, pos))
                piece_start = None
    out.sort()
    return out


@stage("tokens", requires=("sentences",), assigns=("tokens",))
def make_tokenizer(config: PipelineConfig) -> Tokenizer:
    return Tokenizer(make_segmenter(config.tokens, config.entities.threads), config.clean.traditional_view)
