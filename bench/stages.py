"""Where the pipeline's time goes: each stage timed over the same articles, side by side.

    python bench/stages.py [--articles 500]

Runs the default pipeline stage by stage over batches of 32 articles (as ``nlp.pipe``
does) on one CPU and prints each stage's share of the total.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from throughput import DEFAULT_CORPUS, load_texts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    import pipeline
    from pipeline.config import PipelineConfig

    nlp = pipeline.Pipeline(PipelineConfig().with_overrides(args.set))
    texts = load_texts(args.corpus, args.articles)
    nlp("预热文本。")
    seconds: dict[str, float] = defaultdict(float)
    for k in range(0, len(texts), 128):
        batch = [nlp.make_article(t, source=f"bench:{k + i}") for i, t in enumerate(texts[k : k + 128])]
        for name, stage in nlp.stages:
            start = time.perf_counter()
            if getattr(stage, "batched", False):
                stage.pipe(batch)
            else:
                for article in batch:
                    stage(article)
            seconds[name] += time.perf_counter() - start
    total = sum(seconds.values())
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} articles, {chars:,} characters, one core; total {total:.2f} s ({chars / total:,.0f} chars/s)")
    print(f"\n| {'stage':<10} | {'seconds':>8} | {'share':>6} |")
    print(f"|{'-' * 12}|{'-' * 9}:|{'-' * 7}:|")
    for name, _ in nlp.stages:
        print(f"| {name:<10} | {seconds[name]:8.2f} | {seconds[name] / total:6.1%} |")


if __name__ == "__main__":
    main()
