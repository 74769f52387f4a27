import json

import pytest
from conftest import SHARED

from pipeline.evaluation.rouge import corpus_rouge, lcs_length, rouge_pair

PAIRS = [
    ("阿里巴巴集团总裁戴珊发布内部信", "戴珊发内部信宣布淘宝天猫整合"),
    ("淘宝直播继续独立运营。", "淘宝直播独立运营"),
    ("完全不相关的句子", "腾讯发布财报"),
    ("小米 SU7 交付量突破10万台", "小米SU7交付突破十万台"),
    ("一", "一"),
]


def test_lcs_length():
    assert lcs_length(list("ABCBDAB"), list("BDCABA")) == 4
    assert lcs_length([], list("abc")) == 0


@pytest.mark.parametrize("prediction,reference", PAIRS)
def test_rouge_agrees_with_rouge_chinese_on_characters(prediction, reference):
    rouge_chinese = pytest.importorskip("rouge_chinese")
    ours = rouge_pair(prediction, reference)
    spaced = lambda s: " ".join(c for c in s if not c.isspace())  # noqa: E731
    theirs = rouge_chinese.Rouge(exclusive=False).get_scores(spaced(prediction), spaced(reference))[0]
    for mine, key in zip(ours, ("rouge-1", "rouge-2", "rouge-l")):
        assert mine == pytest.approx(theirs[key]["f"], abs=1e-6)


def test_rouge_agrees_with_rouge_chinese_on_lcsts_pairs():
    rouge_chinese = pytest.importorskip("rouge_chinese")
    path = SHARED / "summarization" / "lcsts_part3.jsonl"
    if not path.exists():
        pytest.skip("LCSTS is not available")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:80]]
    predictions = [r["text"][:30] for r in rows]
    references = [r["summary"] for r in rows]
    ours = corpus_rouge(predictions, references)
    spaced = [" ".join(c for c in s if not c.isspace()) for s in predictions]
    spaced_ref = [" ".join(c for c in s if not c.isspace()) for s in references]
    theirs = rouge_chinese.Rouge(exclusive=False).get_scores(spaced, spaced_ref, avg=True)
    assert ours.rouge1 == pytest.approx(theirs["rouge-1"]["f"], abs=1e-6)
    assert ours.rouge2 == pytest.approx(theirs["rouge-2"]["f"], abs=1e-6)
    assert ours.rougeL == pytest.approx(theirs["rouge-l"]["f"], abs=1e-6)


def test_rouge_of_identical_texts_is_one():
    assert rouge_pair("腾讯发布财报", "腾讯 发布 财报") == (1.0, 1.0, 1.0)
    assert corpus_rouge([], []).pairs == 0
