"""The team's long-news summary gold (bench/data/summary_gold.jsonl) keeps its own guidelines."""
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "bench" / "data" / "summary_gold.jsonl"
SHARED = ROOT.parent / "shared" / "data"


def rows():
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_gold_lines_follow_the_guidelines():
    seen = set()
    for row in rows():
        assert set(row) == {"source", "id", "split", "summary"}
        assert row["source"] in {"news/cctv_2024.jsonl", "html/cwced_dev", "samples"}
        assert row["split"] in {"tune", "report"}
        assert (row["source"], row["id"]) not in seen
        seen.add((row["source"], row["id"]))
        assert 0 < len(row["summary"]) <= 120 and row["summary"].endswith("。")
    splits = [row["split"] for row in rows()]
    assert splits.count("report") >= splits.count("tune") - 1  # reported on as much as tuned on


def test_gold_articles_resolve_to_long_texts_outside_the_training_items():
    if not SHARED.is_dir():
        pytest.skip("../shared/data is absent")
    sys.path.insert(0, str(ROOT / "bench"))
    from summary_gold import gold_pairs

    pairs = gold_pairs("all")
    assert len(pairs) == len(rows()) >= 50  # the floor
    assert all(500 <= len(text) <= 4000 for text, _ in pairs)
    with open(SHARED / "news" / "cctv_2024.jsonl", encoding="utf-8") as handle:
        order = {json.loads(line)["id"]: i for i, line in enumerate(handle)}
    # items up to 4,500 train the scorer (1-4,000) or are its report split: never gold
    assert all(order[r["id"]] >= 4500 for r in rows() if r["source"] == "news/cctv_2024.jsonl")
