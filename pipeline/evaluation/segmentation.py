"""Word segmentation scores in the SIGHAN bakeoff format (space-separated gold words).

The text is the gold words joined. It is normalised exactly as the cleaning stage would
(full-width letters and digits to half-width: a one-to-one map, so offsets do not move),
cut by the pipeline's segmenter, and scored on exact word spans against the gold.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline.backends.head_segmenter import HeadSegmenter
from pipeline.backends.jieba_segmenter import JiebaSegmenter, jieba_freq_table
from pipeline.backends.lac_segmenter import LacSegmenter
from pipeline.errors import InputError
from pipeline.text.normalize import FULLWIDTH_TO_HALFWIDTH
from pipeline.text.script import simplified_view


@dataclass
class SegmentationScores:
    sentences: int
    gold_words: int
    predicted_words: int
    precision: float
    recall: float
    f1: float
    oov_words: int
    oov_recall: float
    oov_reference: str  # which vocabulary defines "out of vocabulary"

    def to_dict(self) -> dict[str, float | int | str]:
        return asdict(self)


def read_sighan_gold(path: str | Path) -> list[list[str]]:
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read gold file: {exc}", str(path)) from exc
    gold = [line.split() for line in lines if line.strip()]
    if not gold:
        raise InputError("gold file has no segmented lines", str(path))
    return gold


def _spans(words: list[str]) -> set[tuple[int, int]]:
    spans, pos = set(), 0
    for word in words:
        spans.add((pos, pos + len(word)))
        pos += len(word)
    return spans


def evaluate_segmentation(segmenter: JiebaSegmenter | LacSegmenter | HeadSegmenter, gold: list[list[str]],
                          traditional_view: bool = True) -> SegmentationScores:
    """Score ``segmenter`` on ``gold``; with ``traditional_view`` a Traditional sentence is cut
    through its 1:1 simplified view, as the tokens stage cuts a Traditional article."""
    if segmenter.lexicons:
        vocabulary, reference = segmenter.vocabulary, "the given lexicon(s)"
    else:
        vocabulary, reference = set(jieba_freq_table()), "jieba's dictionary"
    tp = n_pred = n_gold = oov_total = oov_found = 0
    texts = ["".join(words) for words in gold]
    normalised = [t.translate(FULLWIDTH_TO_HALFWIDTH) for t in texts]
    if traditional_view:
        normalised = [simplified_view(t) or t for t in normalised]
    cuts = segmenter.cut_sentences(normalised)
    for words, text, tokens in zip(gold, texts, cuts):
        predicted = {(s, e) for s, e, _ in tokens}
        gold_spans = _spans(words)
        tp += len(predicted & gold_spans)
        n_pred += len(predicted)
        n_gold += len(gold_spans)
        for (s, e) in gold_spans:
            if text[s:e].translate(FULLWIDTH_TO_HALFWIDTH) not in vocabulary:
                oov_total += 1
                oov_found += (s, e) in predicted
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return SegmentationScores(
        sentences=len(gold),
        gold_words=n_gold,
        predicted_words=n_pred,
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        oov_words=oov_total,
        oov_recall=round(oov_found / oov_total, 4) if oov_total else 0.0,
        oov_reference=reference,
    )


def evaluate_segmentation_gold(gold: str | Path, config: Any) -> tuple[SegmentationScores, Any]:
    """Score the segmenter that ``config.tokens`` names on a SIGHAN gold file: ``(scores, segmenter)``."""
    from pipeline.stages.tokens import make_segmenter

    segmenter = make_segmenter(config.tokens, config.entities.threads)
    return evaluate_segmentation(segmenter, read_sighan_gold(gold), config.clean.traditional_view), segmenter


def format_segmentation_scores(scores: SegmentationScores, gold: str | Path, segmenter: Any, tokens: Any) -> str:
    """The report ``zhnews eval seg`` prints."""
    lexicons = ", ".join(p.name for p in segmenter.lexicons) or "none"
    hmm = f", HMM {'on' if tokens.hmm else 'off'}" if tokens.segmenter == "jieba" else ""
    return "\n".join([
        f"segmentation on {gold}: {scores.sentences} sentences, {scores.gold_words} gold words",
        f"segmenter: {segmenter.version}{hmm}, lexicons: {lexicons} ({tokens.lexicon_mode})",
        f"precision {scores.precision:.4f}  recall {scores.recall:.4f}  F1 {scores.f1:.4f}",
        f"OOV recall {scores.oov_recall:.4f} over {scores.oov_words} gold words not in {scores.oov_reference}",
    ])
