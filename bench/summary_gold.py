"""The team's long-news summary gold: zhnews against Lead-1, Lead-3 and a plain TextRank.

    python bench/summary_gold.py [--split report|tune|all] [--set summary.KEY=VALUE ...]

``bench/data/summary_gold.jsonl`` holds, for each article, where its text lives in
``../shared/data`` (``source`` and ``id``: an item of ``news/cctv_2024.jsonl``, a page of
``html/cwced_dev`` or a scraped text of ``samples``, whose texts may not be copied into the
project), a ``split`` (``tune``: may be looked at when choosing settings; ``report``: only
reported) and a reference summary written by hand to the guidelines of ``docs/summaries.md``. The articles are given as text
only, without their titles, as ``zhnews eval summary`` does. Skips cleanly when
``../shared/data`` is absent.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.evaluation.summaries import evaluate_summaries, format_summary_scores, summary_pipeline  # noqa: E402

GOLD = ROOT / "bench" / "data" / "summary_gold.jsonl"
SHARED = ROOT.parent / "shared" / "data"


def article_text(source: str, ident: str, cache: dict[str, dict[str, str]]) -> str:
    if source == "news/cctv_2024.jsonl":
        if source not in cache:
            with open(SHARED / source, encoding="utf-8") as handle:
                cache[source] = {row["id"]: row["text"] for row in map(json.loads, handle)}
        return cache[source][ident]
    if source == "html/cwced_dev":
        return (SHARED / source / "cleaned" / f"{ident}.txt").read_text(encoding="utf-8").strip()
    if source == "samples":  # a page as a scraper saved it, furniture and all
        return (SHARED / source / f"{ident}.txt").read_text(encoding="utf-8").strip()
    raise ValueError(f"{GOLD}: unknown source {source!r}")


def gold_pairs(split: str) -> list[tuple[str, str]]:
    """(article text, reference summary) of the gold articles of ``split``."""
    cache: dict[str, dict[str, str]] = {}
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(article_text(r["source"], r["id"], cache), r["summary"])
            for r in rows if split == "all" or r["split"] == split]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("report", "tune", "all"), default="report")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} is absent")
        return 0
    pairs = gold_pairs(args.split)
    nlp = summary_pipeline(PipelineConfig().with_overrides(args.set))
    budget = nlp.config.summary.max_chars
    scores = evaluate_summaries(pairs, nlp, budget)
    print(format_summary_scores(scores, f"{GOLD.name} ({args.split})", len(pairs), budget))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
