"""LAC's own segmentation as an alternative backend (``tokens.segmenter = "lac"``).

LAC cuts whole sentences (its CRF needs the context), batched like the entity stage.
POS tags are LAC's tag set, with its named-entity tags written as the jieba/ICTCLAS
equivalents (PER→nr, LOC→ns, ORG→nt, TIME→t) and punctuation ``w`` as ``x``, so that
both backends share one tag vocabulary for names, times and punctuation.
"""
from __future__ import annotations

from pipeline.backends.lac_tagger import LacTagger

LAC_TO_POS = {"PER": "nr", "LOC": "ns", "ORG": "nt", "TIME": "t", "w": "x"}


class LacSegmenter:
    def __init__(self, tagger: LacTagger) -> None:
        self.tagger = tagger
        self.lexicons: list = []
        self.vocabulary: set[str] = set()

    @property
    def version(self) -> str:
        return self.tagger.version

    def cut_sentences(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        out = []
        for text, words in zip(texts, self.tagger.analyse(texts)):
            out.append(
                [(w.start, w.end, LAC_TO_POS.get(w.tag, w.tag)) for w in words if not text[w.start : w.end].isspace()]
            )
        return out
