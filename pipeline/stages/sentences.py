"""The ``sentences`` stage: split on Chinese (and Western) sentence-final punctuation.

Closing quotes and brackets stay with the sentence they close (``他说：“好。”`` is one
sentence), runs of terminators (``？！``, ``……``) stay together, and a line break
always ends a sentence. Surrounding whitespace is not part of a sentence.
"""
from __future__ import annotations

import re

from pipeline.config import PipelineConfig
from pipeline.record import Article
from pipeline.registry import Stage, stage

_TERMINATOR = re.compile(r"(?:[。！？!?]|…+|\.{3,}|⋯+)+[”’\"'」』）)】》〕\]]*")
_SOFT_BREAK = re.compile(r"[，,；;：:、]")


def split_sentences(text: str, max_chars: int = 0) -> list[tuple[int, int]]:
    """Sentence spans ``[(start, end), ...]`` of ``text``, ordered and non-overlapping."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        cut = 0
        for m in _TERMINATOR.finditer(line):
            _add(spans, line, line_start, cut, m.end(), max_chars)
            cut = m.end()
        _add(spans, line, line_start, cut, len(line), max_chars)
    return spans


def _add(spans: list[tuple[int, int]], line: str, offset: int, start: int, end: int, max_chars: int) -> None:
    piece = line[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    s = offset + start + (len(piece) - len(piece.lstrip()))
    e = s + len(stripped)
    if max_chars and e - s > max_chars:
        _add_capped(spans, line, offset, s - offset, e - offset, max_chars)
    else:
        spans.append((s, e))


def _add_capped(spans: list[tuple[int, int]], line: str, offset: int, start: int, end: int, max_chars: int) -> None:
    """Cut an over-long sentence at the last soft break (comma, semicolon…) inside the limit."""
    while end - start > max_chars:
        window = line[start : start + max_chars]
        breaks = [m.end() for m in _SOFT_BREAK.finditer(window)]
        cut = start + (breaks[-1] if breaks else max_chars)
        spans.append((offset + start, offset + cut))
        start = cut
    if end > start:
        spans.append((offset + start, offset + end))


def windows(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``max_chars``, cut at soft breaks where there are
    some: what a tagger is given of one very long sentence, so memory stays bounded."""
    if not max_chars or end - start <= max_chars:
        return [(start, end)]
    spans: list[tuple[int, int]] = []
    _add_capped(spans, text, 0, start, end, max_chars)
    return spans


class SentenceSplitter(Stage):
    name = "sentences"

    def __init__(self, max_chars: int = 0) -> None:
        self.max_chars = max_chars

    def __call__(self, article: Article) -> Article:
        article.sentences = split_sentences(article.text, self.max_chars)
        return article


@stage("sentences", requires=("text",), assigns=("sentences",))
def make_sentence_splitter(config: PipelineConfig) -> SentenceSplitter:
    return SentenceSplitter(config.sentences.max_chars)
