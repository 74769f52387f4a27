"""Build a benchmark corpus of N articles as JSONL from realistic text.

    python bench/corpus.py 10000 -o /tmp/bench_10k.jsonl

Takes articles from ../shared/data/news/cctv_2024.jsonl when present (else the sample
corpus), cycling through them with a distinct id and a varied first line per copy, so that
the corpus has N different articles of realistic length and content.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from throughput import DEFAULT_CORPUS, load_texts  # noqa: E402


def build(n: int, output: Path, corpus: Path = DEFAULT_CORPUS) -> int:
    texts = load_texts(corpus, 100_000)
    output.parent.mkdir(parents=True, exist_ok=True)
    chars = 0
    with output.open("w", encoding="utf-8") as handle:
        for i in range(n):
            base = texts[i % len(texts)]
            text = f"（第{i}号稿件）{base}" if i >= len(texts) else base
            chars += len(text)
            handle.write(json.dumps({"id": f"bench-{i:07d}", "text": text}, ensure_ascii=False) + "\n")
    return chars


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    chars = build(args.n, args.output, args.corpus)
    print(f"wrote {args.n} articles, {chars:,} characters, to {args.output}")


if __name__ == "__main__":
    main()
