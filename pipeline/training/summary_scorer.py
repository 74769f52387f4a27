"""Learn ``models/summary_scorer.json``: the summary's sentence weights, from news headlines.

    python -m pipeline.training.summary_scorer --data ../shared/data/news/cctv_2024.jsonl

Distant supervision: for each of the first 4,000 CCTV items, every candidate sentence is
scored by the character ROUGE-1 F1 between what the summary would quote of it (its dateline
removed; cut at a clause break when over the budget of 60) and the item's headline. A linear
score over the sentence's features (:mod:`pipeline.backends.sentence_scorer`) is fitted
listwise: the softmax of the scores over an article's sentences is pulled towards the softmax
of their ROUGE (temperature ``--temperature``), with an L2 penalty. Every 8th item is held out
and chooses the penalty and temperature, by the ROUGE-1 of the sentence each setting would
pick; items 4,001 on are never read (they are the report split of ``bench/README.md``).
The headline is the reference here, so the item's title is not given to the article: the
title feature stays with the stage's own ``summary.title_weight``.
"""
from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np

from pipeline.backends.sentence_scorer import FEATURES, SentenceScorer
from pipeline.evaluation.rouge import chars, rouge_n

TRAIN_ITEMS = 4000  # items after these are a report split: never read here
DEV_EVERY = 8
BUDGET = 60


def article_groups(texts: list[str], references: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(features, ROUGE-1 of each candidate against the reference) for each text."""
    from pipeline.config import PipelineConfig
    from pipeline.pipeline import Pipeline
    from pipeline.record import Article
    from pipeline.stages.summary import ExtractiveSummarizer

    config = PipelineConfig().with_overrides(["components=sentences,entities,tokens", f"summary.max_chars={BUDGET}"])
    nlp = Pipeline(config)
    summarizer = ExtractiveSummarizer(config.summary, config.keywords, scored=False)
    groups = []
    for article, reference in zip(nlp.pipe(texts, batch_size=64, on_error="yield"), references):
        if not isinstance(article, Article):
            continue
        found = summarizer.candidates(article, BUDGET)
        if found is None or len(found.index) < 2:
            continue
        quoted = [summarizer.quote(article, span, BUDGET) for span in found.spans]
        gains = np.array([rouge_n(chars(q), chars(reference), 1) for q in quoted])
        groups.append((found.features, gains))
    return groups


def _softmax_by_group(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    top = np.maximum.reduceat(values, starts)
    sizes = np.diff(np.append(starts, len(values)))
    exp = np.exp(values - np.repeat(top, sizes))
    return exp / np.repeat(np.add.reduceat(exp, starts), sizes)


def fit(groups: list[tuple[np.ndarray, np.ndarray]], l2: float, temperature: float,
        steps: int = 600, rate: float = 0.05) -> SentenceScorer:
    """Listwise softmax regression (Adam on the full batch); features standardised first."""
    x = np.vstack([f for f, _ in groups])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    x = (x - mean) / scale
    starts = np.cumsum([0] + [len(f) for f, _ in groups[:-1]])
    target = _softmax_by_group(np.concatenate([g for _, g in groups]) / temperature, starts)
    w = np.zeros(x.shape[1])
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, steps + 1):
        p = _softmax_by_group(x @ w, starts)
        grad = x.T @ (p - target) / len(groups) + l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= rate * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return SentenceScorer(w, mean, scale)


def pick_rouge(scorer: SentenceScorer, groups: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Mean ROUGE-1 of the sentence the scorer ranks first."""
    return float(np.mean([g[int(np.argmax(scorer.score(f)))] for f, g in groups]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data/news/cctv_2024.jsonl")
    parser.add_argument("--out", default="models/summary_scorer.json")
    args = parser.parse_args(argv)
    with open(args.data, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in itertools.islice(handle, TRAIN_ITEMS)]
    dev_rows = rows[::DEV_EVERY]
    train_rows = [row for i, row in enumerate(rows) if i % DEV_EVERY]
    train = article_groups([r["text"] for r in train_rows], [r["title"] for r in train_rows])
    dev = article_groups([r["text"] for r in dev_rows], [r["title"] for r in dev_rows])
    lead_only = float(np.mean([g[0] for _, g in dev]))
    best = None
    for l2, temperature in itertools.product((0.0, 0.001, 0.01, 0.1), (0.02, 0.05, 0.1)):
        scorer = fit(train, l2, temperature)
        score = pick_rouge(scorer, dev)
        print(f"l2={l2} temperature={temperature}: held-out ROUGE-1 of the pick {score:.4f}")
        if best is None or score > best[0] + 1e-9:
            best = (score, l2, temperature, scorer)
    score, l2, temperature, scorer = best
    meta = {"data": f"{Path(args.data).name} items 1-{TRAIN_ITEMS}, every {DEV_EVERY}th held out",
            "articles": {"train": len(train), "held_out": len(dev)}, "budget": BUDGET,
            "l2": l2, "temperature": temperature,
            "held_out_rouge1": round(score, 4), "held_out_rouge1_first_sentence": round(lead_only, 4),
            "rebuild": "python -m pipeline.training.summary_scorer"}
    Path(args.out).write_text(json.dumps(scorer.to_dict(meta), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"chose l2={l2} temperature={temperature}: {score:.4f} (first sentence {lead_only:.4f}); wrote {args.out}")
    for name, weight in sorted(zip(FEATURES, scorer.weights), key=lambda p: -abs(p[1])):
        print(f"  {name:<24} {weight:+.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
