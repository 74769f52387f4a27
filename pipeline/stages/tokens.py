"""The ``tokens`` stage: jieba words with POS, segmenting *between* entity spans.

An entity is one token (a name jieba would split stays whole), so entity boundaries are
token boundaries by construction; its POS follows from its label (PERSON→nr, ORG→nt,
GPE/LOC/FAC→ns, DATE/TIME→t, numbers→m, other names→nz).
"""
from __future__ import annotations

from pipeline.config import PipelineConfig
from pipeline.errors import ConfigError
from pipeline.record import Article
from pipeline.registry import Stage, factory
from pipeline.stages.segmenter import JiebaSegmenter

ENTITY_POS = {
    "PERSON": "nr",
    "ORG": "nt",
    "GPE": "ns",
    "LOC": "ns",
    "FAC": "ns",
    "DATE": "t",
    "TIME": "t",
    "MONEY": "m",
    "PERCENT": "m",
    "QUANTITY": "m",
    "CARDINAL": "m",
    "ORDINAL": "m",
}


class Tokenizer(Stage):
    name = "tokens"

    def __init__(self, segmenter: JiebaSegmenter) -> None:
        self.segmenter = segmenter

    def describe(self) -> dict[str, str]:
        out = {"segmenter": self.segmenter.version + (" +HMM" if self.segmenter.hmm else "")}
        if self.segmenter.lexicons:
            out["lexicons"] = f"{self.segmenter.lexicon_mode}:" + ",".join(p.name for p in self.segmenter.lexicons)
        return out

    def __call__(self, article: Article) -> Article:
        text = article.text
        entities = sorted((e.start, e.end, e.label) for e in article.entities)
        tokens: list[tuple[int, int, str]] = []
        k = 0
        cut = self.segmenter.cut
        for s_start, s_end in article.sentences:
            pos = s_start
            while k < len(entities) and entities[k][0] < s_end:
                e_start, e_end, label = entities[k]
                k += 1
                if e_start < pos:  # overlapping or outside sentences: never split a token twice
                    continue
                if e_start > pos:
                    tokens.extend(cut(text[pos:e_start], pos))
                tokens.append((e_start, e_end, ENTITY_POS.get(label, "nz")))
                pos = e_end
            if pos < s_end:
                tokens.extend(cut(text[pos:s_end], pos))
        article.tokens = tokens
        return article


@factory("tokens", requires=("sentences",), assigns=("tokens",))
def make_tokenizer(config: PipelineConfig) -> Tokenizer:
    if config.tokens.segmenter != "jieba":
        raise ConfigError(f"tokens.segmenter must be 'jieba', got {config.tokens.segmenter!r}")
    return Tokenizer(JiebaSegmenter(config.tokens.lexicons, hmm=config.tokens.hmm, lexicon_mode=config.tokens.lexicon_mode))
