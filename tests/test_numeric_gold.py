"""The numeric and temporal entities against 106 sentences the team annotated by hand."""
import re

import pytest
from conftest import ROOT

import pipeline
from pipeline.evaluation.ner import score

GOLD = ROOT / "tests" / "data" / "numeric_temporal_gold.txt"
NUMERIC = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"}
MARK = re.compile(r"\[([^\[\]|]+)\|([A-Z_]+)\]")


def parse(line):
    text, spans, pos = [], [], 0
    for m in MARK.finditer(line):
        text.append(line[pos : m.start()])
        start = sum(map(len, text))
        text.append(m.group(1))
        spans.append((start, start + len(m.group(1)), m.group(2)))
        pos = m.end()
    text.append(line[pos:])
    return "".join(text), spans


def gold_sentences():
    lines = [l for l in GOLD.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")]
    return [parse(line) for line in lines]


def test_the_hand_annotated_set_is_well_formed():
    sentences = gold_sentences()
    assert len(sentences) >= 100
    labels = {label for _, spans in sentences for _, _, label in spans}
    assert labels == NUMERIC


@pytest.fixture(scope="module")
def scores():
    nlp = pipeline.load("sentences,entities")
    sentences = gold_sentences()
    predicted = []
    for text, _ in sentences:
        article = nlp(text)
        predicted.append([(e.start, e.end, e.label) for e in article.entities if e.label in NUMERIC])
    return score([spans for _, spans in sentences], predicted, "ontonotes")


def test_numeric_and_temporal_f1_on_the_hand_annotated_set(scores):
    print({label: s["f1"] for label, s in scores.per_label.items()}, scores.micro)
    assert scores.micro["f1"] >= 0.95  # 0.98 when written: a dev set for the rules, not a held-out one
    for label in ("DATE", "MONEY", "PERCENT"):
        assert scores.per_label[label]["f1"] >= 0.9
