"""Entity figures on the held-out tenth of the training splits (never trained on).

The NER heads are trained on ``msra_val.bio`` + ``peoples_daily_dev.bio`` (news) and
``cluener_train.jsonl`` (CLUENER), less a fixed tenth of each head's sentences
(``python -m pipeline.training.entity_heads``: seed 0, first ``--heldout`` of a permutation).
This script rebuilds exactly those tenths and scores the whole entity stage on them, the
same way ``zhnews eval ner`` scores a gold file. These are the figures merge policies and
rules are chosen on; the test sets (``msra_test.bio``, ``cluener_dev.jsonl``) only report.

    python bench/ner_heldout.py [--data ../shared/data/ner] [--set entities.min_score=0.5] [--json]

Each training file's held-out part is scored on its own, in the convention profile it is
annotated in (People's Daily / MSRA files in ``peoples_daily``, CLUENER in ``cluener``, Weibo
and résumés in ``default``), and the mean over files is what decisions are made on.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.evaluation.ner import GoldSentence, evaluate_ner, read_gold  # noqa: E402
from pipeline.pipeline import Pipeline  # noqa: E402
from pipeline.training.entity_heads import RECIPES, heldout_split  # noqa: E402

# the convention profile each training file is annotated in; the rest are scored in the default
PROFILES = {"msra_val.bio": "peoples_daily", "peoples_daily_dev.bio": "peoples_daily",
            "cluener_train.jsonl": "cluener"}


def heldout_by_file(data: Path, head: str, fraction: float = 0.1) -> dict[str, tuple[list[GoldSentence], str]]:
    """The sentences that ``pipeline.training.entity_heads`` holds out of ``head``'s training, by source file."""
    sentences, origin, schemes = [], [], {}
    for name in RECIPES[head].files:
        read, schemes[name] = read_gold(data / name)
        kept = [s for s in read if s.text]  # as make_examples keeps them
        sentences.extend(kept)
        origin.extend([name] * len(kept))
    out: dict[str, tuple[list[GoldSentence], str]] = {}
    for i in heldout_split(len(sentences), fraction)[0]:
        out.setdefault(origin[i], ([], schemes[origin[i]]))[0].append(sentences[i])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data/ner", type=Path)
    parser.add_argument("--heads", default="news,cluener")
    parser.add_argument("--heldout", type=float, default=0.1,
                        help="the fraction the heads were trained without (ner_head --heldout)")
    parser.add_argument("--convention", help="score every file in this profile (default: each file's own, "
                                             "peoples_daily for MSRA and People's Daily, cluener for CLUENER, "
                                             "else default)")
    parser.add_argument("--set", action="append", default=[], help="config overrides, as for zhnews run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = {}
    pipelines: dict[str, Pipeline] = {}
    for head in args.heads.split(","):
        for name, (sentences, scheme) in heldout_by_file(args.data, head, args.heldout).items():
            profile = args.convention or PROFILES.get(name, "default")
            if profile not in pipelines:
                overrides = ["components=sentences,entities", f"entities.convention={profile}", *args.set]
                pipelines[profile] = Pipeline(PipelineConfig().with_overrides(overrides))
            scores = evaluate_ner(pipelines[profile], sentences, scheme)
            results[f"{head}:{name}"] = {**scores.to_dict(), "convention": profile}
            if not args.json:
                per = ", ".join(f"{k} {v['f1']:.4f}" for k, v in scores.per_label.items())
                m = scores.micro
                print(f"{head} held-out {args.heldout:.0%} of {name} ({scores.sentences} sentences, {scheme}, "
                      f"{profile}): P {m['precision']:.4f} R {m['recall']:.4f} F1 {m['f1']:.4f} | {per}")
    if not args.json:
        f1s = [r["micro"]["f1"] for r in results.values()]
        print(f"mean over {len(f1s)} files: {sum(f1s) / len(f1s):.4f}")
    else:
        print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
