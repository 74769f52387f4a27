"""Build ``models/names.tsv``, the character statistics behind the name-list splitter.

    python -m pipeline.training.name_model --data ../shared/data/ner --out models/names.tsv

Counts, from the person names of the training splits that ``../shared/data/README.md``
allows (``msra_val.bio``, ``peoples_daily_dev.bio``, the ``name`` spans of
``cluener_train.jsonl``; never the test sets) and from jieba's dictionary:

* ``S`` surname: how often each surname of ``models/surnames.txt`` begins a Chinese name;
* ``G`` given name: how often each character appears in the given name of a Chinese name;
* ``T`` transliteration: characters of names written with ``·`` (赛福鼎·艾则孜) or holding
  a typical transliteration character (克林斯曼), and of jieba's transliterated names
  (``nrt``);
* ``B`` background: each character's frequency in ordinary text (jieba's word
  frequencies spread over their characters).

See :mod:`pipeline.backends.person_names` for how they are used. Deterministic: the same data
give the same file.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from pipeline.backends.person_names import DOTS, TRANSLITERATION, is_han, load_surnames, surname_of
from pipeline.evaluation.ner import read_gold

FILES = {"msra_val.bio": "PER", "peoples_daily_dev.bio": "PER", "cluener_train.jsonl": "name"}
JIEBA_WEIGHT = 0.2  # jieba's nr entries are many and noisy (林学院, 朱红色): they count a fifth


def training_names(data: Path) -> list[str]:
    names = []
    for file, label in FILES.items():
        sentences, _ = read_gold(data / file)
        names += [s.text[a:b] for s in sentences for a, b, kind in s.spans if kind == label]
    return names


def jieba_entries() -> list[tuple[str, int, str]]:
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3:
            out.append((parts[0], int(parts[1]), parts[2]))
    return out


def build(data: Path) -> dict[str, Counter]:
    surnames = load_surnames()
    counts = {kind: Counter() for kind in "SGTB"}

    def add_name(name: str, weight: float) -> None:
        # dotted names and names with transliteration characters (克林斯曼, 巴乔夫) teach T, not S and G
        if any(c in DOTS for c in name) or any(c in TRANSLITERATION for c in name):
            counts["T"].update({c: weight for c in name if is_han(c)})
            return
        surname = surname_of(name, surnames)
        if surname and 2 <= len(name) <= 4 and all(is_han(c) for c in name) and len(name) > len(surname):
            counts["S"][surname] += weight
            for c in name[len(surname):]:
                counts["G"][c] += weight

    for name in training_names(data):
        add_name(name, 1.0)
    for word, freq, tag in jieba_entries():
        if tag == "nr":
            add_name(word, JIEBA_WEIGHT)
        elif tag == "nrt":
            counts["T"].update({c: JIEBA_WEIGHT for c in word if is_han(c)})
        for c in word:
            if is_han(c):
                counts["B"][c] += freq
    return counts


def write(counts: dict[str, Counter], out: Path) -> None:
    lines = ["# kind<TAB>character(s)<TAB>count — made by python -m pipeline.training.name_model",
             "# S surname, G given-name character, T transliteration character, B background frequency"]
    for kind in "SGTB":
        for key, value in sorted(counts[kind].items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"{kind}\t{key}\t{round(value, 1):g}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.training.name_model", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data/ner", help="folder with the training splits")
    parser.add_argument("--out", default="models/names.tsv")
    args = parser.parse_args(argv)
    counts = build(Path(args.data))
    write(counts, Path(args.out))
    print(f"wrote {args.out}: " + ", ".join(f"{k} {len(v)}" for k, v in counts.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
