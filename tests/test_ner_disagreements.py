"""The hand verdicts of bench/ner_disagreements.py: well formed, and they cover today's disagreements."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import ner_disagreements


def test_verdicts_are_well_formed():
    verdicts = ner_disagreements.read_verdicts()
    assert len(verdicts) >= 250
    for key, start, end, label, side in verdicts:
        assert len(key) == 12 and int(key, 16) >= 0
        assert 0 <= start < end and label in {"PER", "LOC", "ORG"} and side in {"zhnews", "lac"}
    sides = {side for (*_, side) in verdicts}
    assert sides == {"zhnews", "lac"}


@pytest.mark.slow
def test_the_sample_draws_the_judged_sentences():
    if not ner_disagreements.PAGES.is_dir():
        pytest.skip("../shared/data/html/cwced_dev is absent")
    import hashlib

    keys = {hashlib.sha1(s.encode()).hexdigest()[:12] for s in ner_disagreements.sample_sentences(800, 7)}
    judged = {key for key, *_ in ner_disagreements.read_verdicts()}
    assert judged <= keys  # the verdicts are about the sentences the script draws
