"""How often each segmenter keeps a standard's words whole on real news (no gold needed).

    python bench/segmentation_standards.py [--articles 300] [--corpus FILE.jsonl]

For each SIGHAN 2005 word list (MSR's and PKU's training vocabularies) the words of the
list found in the text (longest match first, from the left) are counted, and so are those
that a segmenter returns as exactly one token. It is a proxy, not a score: a longest match
is not always the right reading, and a standard is more than its vocabulary. It answers
one question that no gold set here can: does a segmenter trained on PKU's standard drift
away from MSR's words more than jieba does? Segmenters run alone, as ``zhnews eval seg``
runs them (no entity spans).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--corpus", type=Path, default=SHARED / "news" / "cctv_2024.jsonl")
    parser.add_argument("--lists", type=Path, default=SHARED / "sighan2005")
    args = parser.parse_args()

    from pipeline.backends.head_segmenter import HeadSegmenter, Lexicon
    from pipeline.backends.jieba_segmenter import JiebaSegmenter
    from pipeline.stages.sentences import split_sentences
    from pipeline.text.normalize import FULLWIDTH_TO_HALFWIDTH

    texts = []
    with args.corpus.open(encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)["text"].translate(FULLWIDTH_TO_HALFWIDTH))
            if len(texts) >= args.articles:
                break
    sentences = [t[s:e] for t in texts for s, e in split_sentences(t)]
    cuts = {"jieba (HMM off)": JiebaSegmenter().cut_sentences(sentences),
            "segmentation head": HeadSegmenter().cut_sentences(sentences)}
    print(f"{len(texts)} articles, {len(sentences):,} sentences from {args.corpus}\n")
    print("| word list | found in the text | " + " | ".join(f"kept whole by {n}" for n in cuts) + " |")
    print("|---|---:|" + "---:|" * len(cuts))
    for name in ("msr_training_words.utf8", "pku_training_words.utf8"):
        words = {w.strip() for w in (args.lists / name).read_text(encoding="utf-8").splitlines() if w.strip()}
        lexicon = Lexicon(words, "add")
        matches = [lexicon.matches(s) for s in sentences]
        total = sum(len(m) for m in matches)
        shares = []
        for tokens in cuts.values():
            whole = sum(len(set(m) & {(a, b) for a, b, _ in t}) for m, t in zip(matches, tokens))
            shares.append(f"{whole / total:.3f}")
        print(f"| {name} | {total:,} | " + " | ".join(shares) + " |")


if __name__ == "__main__":
    main()
