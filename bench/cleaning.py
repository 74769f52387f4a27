"""Cost of cleaning (and of near-duplicate detection) against the full pipeline, side by side.

    python bench/cleaning.py [--articles 3000] [--pipeline-articles 300]

Uses ../shared/data/news/cctv_2024.jsonl when present (else the sample corpus, repeated),
pinned to one CPU. Each article gets a scraper-style header and footer (an image credit,
a byline, a disclaimer, share and comment prompts) so that the rules have work to do.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from throughput import DEFAULT_CORPUS, load_texts  # noqa: E402

NOISE_HEAD = "图片来源：视觉中国\n记者 张伟\n"
NOISE_TAIL = "\n责任编辑：王芳\n免责声明：本文仅代表作者个人观点，与本网无关。\n分享到：微信 微博\n发表评论\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--pipeline-articles", type=int, default=300)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    import pipeline
    from pipeline.batch.dedup import DuplicateIndex
    from pipeline.record import Article

    texts = [NOISE_HEAD + t + NOISE_TAIL for t in load_texts(args.corpus, args.articles)]
    nlp = pipeline.load()
    cleaner = nlp.get("clean")

    def fresh(batch: list[str]) -> list[Article]:
        return [nlp.make_article(t, source=f"bench:{i}") for i, t in enumerate(batch)]

    articles = fresh(texts)
    start = time.perf_counter()
    cleaned = []
    for article in articles:
        try:
            cleaned.append(cleaner(article))
        except pipeline.InputError:
            pass
    clean_s = time.perf_counter() - start

    index = DuplicateIndex(nlp.config.dedup)
    start = time.perf_counter()
    for article in cleaned:
        index.find(article)
    dedup_s = time.perf_counter() - start

    subset = fresh(texts[: args.pipeline_articles])
    start = time.perf_counter()
    for _ in nlp.pipe(subset, batch_size=32, on_error="yield"):
        pass
    full_s = time.perf_counter() - start

    n, m = len(texts), len(subset)
    per_full = full_s / m
    print(f"corpus: {n} articles ({args.corpus if args.corpus.exists() else 'sample corpus, repeated'}), "
          f"full pipeline timed on the first {m}")
    print(f"\n| {'what (one core)':<40} | {'articles/s':>10} | {'ms/article':>10} | {'share of full pipeline':>22} |")
    print(f"|{'-' * 42}|{'-' * 11}:|{'-' * 11}:|{'-' * 23}:|")
    for name, seconds, count in (("clean stage", clean_s, n), ("near-duplicate index (MinHash/LSH)", dedup_s, len(cleaned)),
                                 ("full pipeline (all stages)", full_s, m)):
        per = seconds / count
        print(f"| {name:<40} | {count / seconds:10,.0f} | {per * 1000:10.2f} | {per / per_full:21.1%} |")


if __name__ == "__main__":
    main()
