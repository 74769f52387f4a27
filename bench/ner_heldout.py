"""Entity figures on the held-out tenth of the training splits (never trained on).

The NER heads are trained on ``msra_val.bio`` + ``peoples_daily_dev.bio`` (news) and
``cluener_train.jsonl`` (CLUENER), less a fixed tenth of each head's sentences
(``python -m pipeline.training.ner_head``: seed 0, first ``--heldout`` of a permutation).
This script rebuilds exactly those tenths and scores the whole entity stage on them, the
same way ``zhnews eval ner`` scores a gold file. These are the figures merge policies and
rules are chosen on; the test sets (``msra_test.bio``, ``cluener_dev.jsonl``) only report.

    python bench/ner_heldout.py [--data ../shared/data/ner] [--set entities.join_orgs=false] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.evaluation.ner import GoldSentence, evaluate_ner, read_gold  # noqa: E402
from pipeline.nlp import Pipeline  # noqa: E402
from pipeline.training.ner_head import RECIPES, heldout_split  # noqa: E402


def heldout(data: Path, head: str, fraction: float = 0.1) -> tuple[list[GoldSentence], str]:
    """The sentences that ``pipeline.training.ner_head`` holds out of ``head``'s training."""
    sentences, scheme = [], "msra"
    for name in RECIPES[head].files:
        read, scheme = read_gold(data / name)
        sentences.extend(read)
    sentences = [s for s in sentences if s.text]  # as make_examples keeps them
    return [sentences[i] for i in heldout_split(len(sentences), fraction)[0]], scheme


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data/ner", type=Path)
    parser.add_argument("--heads", default="news,cluener")
    parser.add_argument("--heldout", type=float, default=0.1,
                        help="the fraction the heads were trained without (ner_head --heldout)")
    parser.add_argument("--convention", default="news",
                        help="entities.convention for the CLUENER tenth (news or cluener)")
    parser.add_argument("--set", action="append", default=[], help="config overrides, as for zhnews run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = {}
    for head in args.heads.split(","):
        sentences, scheme = heldout(args.data, head, args.heldout)
        overrides = ["components=sentences,entities", *args.set]
        if head == "cluener":
            overrides.append(f"entities.convention={args.convention}")
        scores = evaluate_ner(Pipeline(PipelineConfig().with_overrides(overrides)), sentences, scheme)
        results[head] = scores.to_dict()
        if not args.json:
            per = ", ".join(f"{k} {v['f1']:.4f}" for k, v in scores.per_label.items())
            m = scores.micro
            print(f"{head} held-out {args.heldout:.0%} ({scores.sentences} sentences, {scheme}): P {m['precision']:.4f} "
                  f"R {m['recall']:.4f} F1 {m['f1']:.4f} | {per}")
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
