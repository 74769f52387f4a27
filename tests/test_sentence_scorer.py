"""The summary's learned sentence scorer: its features, its file, its training."""
import json

import numpy as np
import pytest

import pipeline
from pipeline.backends.sentence_scorer import FEATURES, load_scorer, sentence_features
from pipeline.errors import ResourceError
from pipeline.training.summary_scorer import fit, pick_rouge


def test_features_mark_position_length_and_speech():
    texts = ["1月5日，华为发布新款手机。", "余承东表示，“这是最好的一代。”", "这是一段远远超过预算长度的句子" * 3]
    similarity = np.zeros((3, 3))
    rows = sentence_features(texts, np.array([1.0, 0.5, 0.2]), similarity, np.array([2.0, 3.0, 0.0]), budget=30)
    f = {name: rows[:, i] for i, name in enumerate(FEATURES)}
    assert rows.shape == (3, len(FEATURES))
    assert list(f["first"]) == [1, 0, 0] and f["lead"][0] > f["lead"][1] > f["lead"][2]
    assert list(f["time_start"]) == [1, 0, 0]
    assert list(f["attribution"]) == [0, 1, 0] and list(f["quote"]) == [0, 1, 0]
    assert list(f["over_budget"]) == [0, 0, 1] and f["fit"][2] == 1.0


def test_listwise_fit_learns_which_feature_finds_the_best_sentence():
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(200):
        x = rng.normal(size=(5, len(FEATURES)))
        gains = np.zeros(5)
        gains[int(np.argmax(x[:, 5]))] = 0.5  # the sentence highest in one feature is the good one
        groups.append((x, gains))
    scorer = fit(groups, l2=0.001, temperature=0.05, steps=300)
    assert int(np.argmax(np.abs(scorer.weights))) == 5 and scorer.weights[5] > 0
    assert pick_rouge(scorer, groups) > 0.45  # chance is 0.1


def test_the_shipped_scorer_loads_and_prefers_the_lead():
    scorer = load_scorer()
    assert scorer.weights[FEATURES.index("lead")] > 0


def test_a_scorer_file_of_another_version_is_a_clear_error(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"features": ["lead"], "weights": [1], "mean": [0], "scale": [1]}))
    with pytest.raises(ResourceError, match="rebuild it"):
        load_scorer(str(path))
    path.write_text("{not json")
    with pytest.raises(ResourceError, match="not a sentence scorer"):
        load_scorer(str(path))


def test_a_long_lead_is_quoted_cut_rather_than_passed_over():
    text = ("央视网消息：1月3日，国家统计局发布数据显示，2023年全国粮食总产量达到13908亿斤，比上年增加178亿斤，"
            "增长1.3%，连续9年稳定在1.3万亿斤以上。专家表示，这为稳定经济大局提供了有力支撑。")
    article = pipeline.load(summary__max_chars=60, summary__max_sentences=1)(text)
    (start, end), = article.summary.spans
    assert article.summary.sentences == [0]
    assert not article.summary.text.startswith("央视网消息")  # the dateline is not quoted
    assert len(article.summary.text) <= 60 and article.summary.text[-1] in "，,；;：:、"
    assert text[start:end] == article.summary.text
