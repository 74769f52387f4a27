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

from pipeline.config import PipelineConfig, TokenConfig
from pipeline.errors import ConfigError
from pipeline.record import Article
from pipeline.registry import Stage, factory
from pipeline.stages.lac_segmenter import LacSegmenter
from pipeline.stages.lac_tagger import get_lac_tagger
from pipeline.stages.segmenter import JiebaSegmenter

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


def make_segmenter(config: TokenConfig, threads: int = 1) -> JiebaSegmenter | LacSegmenter:
    if config.segmenter == "jieba":
        return JiebaSegmenter(config.lexicons, hmm=config.hmm, lexicon_mode=config.lexicon_mode,
                              split_compounds=config.split_compounds)
    if config.segmenter == "lac":
        if config.lexicons:
            raise ConfigError("tokens.lexicons work with the jieba segmenter only; drop them or use --segmenter jieba")
        return LacSegmenter(get_lac_tagger(threads))
    raise ConfigError(f"tokens.segmenter must be 'jieba' or 'lac', got {config.segmenter!r}")


def _entity_spans(article: Article) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for start, end, label in sorted((e.start, e.end, e.label) for e in article.entities):
        if not spans or start >= spans[-1][1]:
            spans.append((start, end, ENTITY_POS.get(label, "nz")))
    return spans


class Tokenizer(Stage):
    name = "tokens"

    def __init__(self, segmenter: JiebaSegmenter | LacSegmenter) -> None:
        self.segmenter = segmenter
        self.batched = isinstance(segmenter, LacSegmenter)

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
        if isinstance(self.segmenter, LacSegmenter):
            self._pipe_whole_sentences(articles)
        else:
            for article in articles:
                self._tokens_between_entities(article, self.segmenter)
        return articles

    @staticmethod
    def _tokens_between_entities(article: Article, segmenter: JiebaSegmenter) -> None:
        text = article.text
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

    def _pipe_whole_sentences(self, articles: list[Article]) -> None:
        texts = [a.text[s:e] for a in articles for s, e in a.sentences]
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


@factory("tokens", requires=("sentences",), assigns=("tokens",))
def make_tokenizer(config: PipelineConfig) -> Tokenizer:
    return Tokenizer(make_segmenter(config.tokens, config.entities.threads))
