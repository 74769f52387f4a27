"""Train the segmentation head ``models/seg/pku.npz`` (needs torch: ``pip install torch==2.13.0``).

    python -m pipeline.training.segmentation_head --data ../shared/data/sighan2005 --out models/seg

A word is a span of the one label ``W``: the head is the entity heads' CRF (LAC's encoder
states projected, ±3 characters and four bigrams, BIOES transitions; see
:mod:`pipeline.backends.tagging_heads`) trained to tag every character B/I/E/S of a word. It
learns from ``pd1998_janfeb_train.utf8`` (People's Daily, January–February 1998, in the
PKU standard; no sentence of ``pku_test_gold.utf8``), its text normalised as the cleaning
stage normalises articles (full-width letters and digits to half-width). A fixed
``--heldout`` share (seed 0) is never trained on: it reports the head's word F1 per epoch
and is what settings are chosen on. Training is deterministic (fixed seeds, one thread).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pipeline.backends.lac_tagger import LacEncoder
from pipeline.evaluation.ner import GoldSentence
from pipeline.text.normalize import FULLWIDTH_TO_HALFWIDTH
from pipeline.training.entity_heads import heldout_split, make_examples, train_head

LABEL = "W"


def read_segmented(path: Path) -> list[GoldSentence]:
    """Space-separated words, one sentence a line, as sentences whose spans are the words."""
    out = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        words = [w.translate(FULLWIDTH_TO_HALFWIDTH) for w in line.split()]
        if not words:
            continue
        spans, at = [], 0
        for word in words:
            spans.append((at, at + len(word), LABEL))
            at += len(word)
        out.append(GoldSentence("".join(words), spans))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.training.segmentation_head", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data/sighan2005")
    parser.add_argument("--file", default="pd1998_janfeb_train.utf8")
    parser.add_argument("--out", default="models/seg")
    parser.add_argument("--name", default="pku")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--heldout", type=float, default=0.05)
    parser.add_argument("--min-count", type=int, default=3, help="rarer characters and bigrams get no table row")
    parser.add_argument("--limit", type=int, help="train on the first N training sentences only (a quick trial)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    sentences = read_segmented(Path(args.data) / args.file)
    held, kept = heldout_split(len(sentences), args.heldout)
    encoder = LacEncoder()
    dev = make_examples([sentences[i] for i in held], [LABEL], encoder)
    train = make_examples([sentences[i] for i in kept][: args.limit], [LABEL], encoder)
    print(f"[{args.name}] {len(train)} training and {len(dev)} held-out sentences from {args.file}", file=sys.stderr)
    head = train_head(args.name, [LABEL], train, dev, args.epochs, encoder, min_count=args.min_count,
                      log=lambda m: print(m, file=sys.stderr, flush=True))
    head.meta["data"] = [args.file]
    head.meta["task"] = "segmentation"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    head.save(out / f"{args.name}.npz")
    size = (out / f"{args.name}.npz").stat().st_size / 1e6
    print(f"[{args.name}] wrote {out / f'{args.name}.npz'} ({size:.1f} MB) in {time.perf_counter() - began:.0f} s; "
          f"held-out word F1 {head.meta.get('heldout_f1')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
