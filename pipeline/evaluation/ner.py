"""``zhnews eval ner``: entity scores against gold data, with a documented label mapping.

Gold formats (detected from the file):

* BIO / BIOES / BMES files: one ``char<TAB or SPACE>tag`` a line, a blank line between
  sentences (the MSRA and People's Daily layout);
* CLUENER-style JSONL: ``{"text", "label": {type: {surface: [[start, end_inclusive], ...]}}}``;
* our own annotated JSONL (entities with ``start``/``end``), e.g. from ``zhnews import``.

Our labels and the gold labels are both mapped onto the scoring groups of a scheme:

=============  ======================================  ==============================================
scheme         gold → group                            ours → group
=============  ======================================  ==============================================
``msra``       PER, LOC, ORG (as they are)             PERSON→PER, ORG→ORG, GPE/LOC→LOC
``cluener``    name→PER; company, organization,        PERSON→PER; ORG→ORG; GPE, LOC, FAC→PLACE;
               government→ORG; address, scene→PLACE;    PRODUCT, WORK_OF_ART→WORK; TITLE→TITLE
               game, book, movie→WORK; position→TITLE
``ontonotes``  every label as it is                    every label as it is
=============  ======================================  ==============================================

Labels outside a scheme are ignored on both sides. Spans must match exactly. Errors are
broken down into boundary errors (overlapping a gold span of the same group), type errors
(the same span, another group), both, spurious (no overlap) and missed gold spans.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.io.jsonl import iter_json_lines

Span = tuple[int, int, str]

SCHEMES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "msra": ({"PER": "PER", "LOC": "LOC", "ORG": "ORG"},
             {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}),
    "cluener": ({"name": "PER", "company": "ORG", "organization": "ORG", "government": "ORG", "address": "PLACE",
                 "scene": "PLACE", "game": "WORK", "book": "WORK", "movie": "WORK", "position": "TITLE"},
                {"PERSON": "PER", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "PRODUCT": "WORK",
                 "WORK_OF_ART": "WORK", "TITLE": "TITLE"}),
}


@dataclass
class GoldSentence:
    text: str
    spans: list[Span]


@dataclass
class NerScores:
    scheme: str
    sentences: int
    per_label: dict[str, dict[str, float | int]] = field(default_factory=dict)
    micro: dict[str, float | int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    # recall of each gold type before mapping (CLUENER's company, organization and government
    # all score as ORG: this says how each fared)
    gold_recall: dict[str, dict[str, float | int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"scheme": self.scheme, "sentences": self.sentences, "micro": self.micro, "per_label": self.per_label,
                "errors": self.errors, "gold_recall": self.gold_recall}


def _bio_spans(tags: list[str]) -> list[Span]:
    spans: list[Span] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, name = tag.partition("-")
        if tag == "O" or prefix in ("B", "S") or (prefix in ("I", "M", "E") and name != label):
            if start >= 0:
                spans.append((start, i, label))
            start, label = (i, name) if tag != "O" else (-1, "")
            if prefix == "S":
                spans.append((i, i + 1, name))
                start, label = -1, ""
        if prefix == "E" and start >= 0 and name == label:
            spans.append((start, i + 1, label))
            start, label = -1, ""
    return spans


def read_bio(path: Path) -> list[GoldSentence]:
    sentences: list[GoldSentence] = []
    chars: list[str] = []
    tags: list[str] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            if chars:
                sentences.append(GoldSentence("".join(chars), _bio_spans(tags)))
                chars, tags = [], []
            continue
        parts = line.split("\t") if "\t" in line else line.rsplit(" ", 1)
        if len(parts) != 2 or len(parts[0]) != 1:
            raise InputError(f"expected 'char<TAB>tag' (or 'char tag'), got {line!r}", f"{path}:{lineno}")
        chars.append(parts[0])
        tags.append(parts[1].strip())
    if chars:
        sentences.append(GoldSentence("".join(chars), _bio_spans(tags)))
    return sentences


def read_jsonl_gold(path: Path) -> tuple[list[GoldSentence], str]:
    sentences: list[GoldSentence] = []
    kind = ""
    for lineno, row in iter_json_lines(path):
        if not isinstance(row, dict):
            raise InputError("a gold line must be a JSON object", f"{path}:{lineno}")
        if isinstance(row.get("label"), dict):  # CLUENER: inclusive end offsets
            kind = "cluener"
            spans = [(s, e + 1, label) for label, surfaces in row["label"].items()
                     for positions in surfaces.values() for s, e in positions]
        elif isinstance(row.get("entities"), list):
            kind = kind or "ontonotes"
            spans = [(e["start"], e["end"], e["label"]) for e in row["entities"]]
        else:
            raise InputError("a gold line needs CLUENER 'label' or our 'entities'", f"{path}:{lineno}")
        sentences.append(GoldSentence(row["text"], sorted(spans)))
    return sentences, kind or "ontonotes"


def read_gold(path: str | Path) -> tuple[list[GoldSentence], str]:
    """Gold sentences and the scheme their labels suggest."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"gold file {path} does not exist")
    if path.suffix in (".jsonl", ".json"):
        return read_jsonl_gold(path)
    sentences = read_bio(path)
    labels = {label for s in sentences for _, _, label in s.spans}
    return sentences, "msra" if labels <= {"PER", "LOC", "ORG"} else "ontonotes"


def _map(spans: Iterable[Span], table: dict[str, str] | None) -> set[Span]:
    if table is None:
        return set(spans)
    return {(s, e, table[label]) for s, e, label in spans if label in table}


def error_kind(span: Span, gold: set[Span]) -> str:
    """What kind of mistake a predicted span not in the gold is: spurious (overlaps no gold span),
    type (a gold span's exact extent, another label), boundary (overlaps a gold span of its label) or
    boundary+type."""
    s, e, label = span
    overlapping = [(gs, ge, gl) for gs, ge, gl in gold if gs < e and s < ge]
    if not overlapping:
        return "spurious"
    if any((gs, ge) == (s, e) for gs, ge, _ in overlapping):
        return "type"
    if any(gl == label for _, _, gl in overlapping):
        return "boundary"
    return "boundary+type"


def prf(t: int, gp: int, pp: int) -> dict[str, float | int]:
    """Precision, recall and F1 (rounded to 4 places) with the counts they come from."""
    precision = t / pp if pp else 0.0
    recall = t / gp if gp else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "gold": gp,
            "predicted": pp, "correct": t}


def score(gold: list[list[Span]], predicted: list[list[Span]], scheme: str) -> NerScores:
    """Complexity: counts five tallies per sentence in one pass over gold and predictions; each loop is one line."""
    gold_table, ours_table = SCHEMES.get(scheme, (None, None))
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    found_by_type: Counter[str] = Counter()
    for g_spans, p_spans in zip(gold, predicted):
        g = _map(g_spans, gold_table)
        p = _map(p_spans, ours_table)
        for s, e, label in g_spans:
            if gold_table is None or label in gold_table:
                by_type[label] += 1
                found_by_type[label] += (s, e, gold_table[label] if gold_table else label) in p
        for span in g:
            n_gold[span[2]] += 1
        for span in p:
            n_pred[span[2]] += 1
        hits = g & p
        for span in hits:
            tp[span[2]] += 1
        errors.update(error_kind(span, g) for span in p - hits)
        errors["missed"] += sum(1 for s, e, _ in g - hits if not any(ps < e and s < pe for ps, pe, _ in p))
    if not errors["missed"]:
        del errors["missed"]
    labels = sorted(set(n_gold) | set(n_pred))
    return NerScores(
        scheme=scheme,
        sentences=len(gold),
        per_label={label: prf(tp[label], n_gold[label], n_pred[label]) for label in labels},
        micro=prf(sum(tp.values()), sum(n_gold.values()), sum(n_pred.values())),
        errors=dict(errors),
        gold_recall={label: {"gold": n, "found": found_by_type[label], "recall": round(found_by_type[label] / n, 4)}
                     for label, n in sorted(by_type.items())},
    )


def choose_convention(requested: str, scheme: str, configured: str, configured_explicitly: bool = False) -> str:
    """The convention profile to score with: the one asked for, or for ``auto`` CLUENER's on
    CLUENER-scheme gold (unless the config names one explicitly), else the configured one.

    Scoring CLUENER's annotations against cuts it does not make measures the convention
    gap, not the tagger; for People's Daily / MSRA gold ask for ``peoples_daily``.
    """
    if requested != "auto":
        return requested
    return "cluener" if scheme == "cluener" and not configured_explicitly else configured


def evaluate_ner(nlp: Any, sentences: list[GoldSentence], scheme: str, batch_size: int = 256) -> NerScores:
    """Run ``nlp`` (``sentences,entities`` suffice) on the gold text as it is and score it."""
    from pipeline.record import Article

    predicted: list[list[Span]] = []
    for result in nlp.pipe([s.text for s in sentences], batch_size=batch_size, on_error="yield"):
        predicted.append([(e.start, e.end, e.label) for e in result.entities] if isinstance(result, Article) else [])
    return score([s.spans for s in sentences], predicted, scheme)


def evaluate_ner_gold(gold: str | Path, config: Any, convention: str = "auto", scheme: str | None = None,
                      limit: int | None = None, convention_configured: bool = False) -> tuple[NerScores, str, Any]:
    """Score the entity stage on a gold file: ``(scores, scheme, config)``, ``config`` as it ran.

    ``convention`` is one of :func:`choose_convention`'s; ``convention_configured`` says that
    ``config.entities.convention`` was set by hand, so that ``auto`` keeps it.
    """
    from pipeline.pipeline import Pipeline

    config = config.with_overrides(["components=sentences,entities"])
    sentences, detected = read_gold(gold)
    if limit:
        sentences = sentences[:limit]
    scheme = scheme or detected
    chosen = choose_convention(convention, scheme, config.entities.convention, convention_configured)
    config = config.with_overrides([f"entities.convention={chosen}"])
    return evaluate_ner(Pipeline(config), sentences, scheme), scheme, config


def format_ner_scores(scores: NerScores, gold: str | Path, scheme: str, config: Any) -> str:
    """The Markdown table ``zhnews eval ner`` prints."""
    model = f"entities.ner {config.entities.ner}, convention {config.entities.convention}"
    lines = [f"{scores.sentences} sentences from {gold}; scheme {scheme}; {model}; exact spans",
             f"| {'label':<8} | {'P':>6} | {'R':>6} | {'F1':>6} | {'gold':>6} | {'pred':>6} |",
             f"|{'-' * 10}|{'-' * 7}:|{'-' * 7}:|{'-' * 7}:|{'-' * 7}:|{'-' * 7}:|"]
    for label, s in [*scores.per_label.items(), ("micro", scores.micro)]:
        lines.append(f"| {label:<8} | {s['precision']:6.3f} | {s['recall']:6.3f} | {s['f1']:6.3f} "
                     f"| {s['gold']:>6} | {s['predicted']:>6} |")
    lines.append("errors: " + ", ".join(f"{k} {v}" for k, v in sorted(scores.errors.items())))
    if set(scores.gold_recall) != set(scores.per_label):  # gold types were grouped: show each one
        lines.append("recall by gold type: " + ", ".join(f"{label} {r['recall']:.3f} ({r['found']}/{r['gold']})"
                                                         for label, r in scores.gold_recall.items()))
    return "\n".join(lines)
