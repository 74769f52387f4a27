import json

import pytest
from conftest import shared_file

from pipeline.backends.jieba_segmenter import JiebaSegmenter, merge_runs
from pipeline.cli import main
from pipeline.evaluation.segmentation import evaluate_segmentation, read_sighan_gold


@pytest.mark.parametrize(
    "words,expected",
    [
        (["他", "说", "—", "—", "好"], ["他", "说", "——", "好"]),
        (["…", "…", "完"], ["……", "完"]),
        (["增长", "3", ".", "5", "%"], ["增长", "3.5", "%"]),
        (["１", "９", "９", "８", "年"], ["１９９８", "年"]),
        (["，", "，"], ["，", "，"]),
        (["3", ".", ".", "5"], ["3.", ".", "5"]),
    ],
)
def test_segmenter_merges_runs_jieba_splits_char_by_char(words, expected):
    assert merge_runs(words) == expected


def test_segmenter_standard_mode_makes_the_lexicon_the_vocabulary(tmp_path):
    lexicon = tmp_path / "standard.txt"
    lexicon.write_text("女士\n先生\n共同\n创造\n", encoding="utf-8")
    text = "女士们先生们共同创造"
    added = JiebaSegmenter([str(lexicon)], lexicon_mode="add")
    standard = JiebaSegmenter([str(lexicon)], lexicon_mode="standard")
    words = lambda seg: [text[s:e] for s, e, _ in seg.cut(text)]
    assert words(added)[0] == "女士们"  # jieba's own word stays available
    assert words(standard) == ["女士", "们", "先生", "们", "共同", "创造"]


def test_segmenter_splits_jieba_compounds_that_the_lexicon_lists_in_parts(tmp_path):
    lexicon = tmp_path / "standard.txt"
    lexicon.write_text("女士\n们\n先生\n", encoding="utf-8")
    text = "女士们先生们"
    words = lambda seg: [text[s:e] for s, e, _ in seg.cut(text)]  # noqa: E731
    split = JiebaSegmenter([str(lexicon)])
    assert words(split) == ["女士", "们", "先生", "们"] and split.split_compounds > 0
    assert words(JiebaSegmenter([str(lexicon)], split_compounds=False))[0] == "女士们"


def test_eval_seg_scores_a_small_gold_file(tmp_path, capsys):
    gold = tmp_path / "gold.utf8"
    gold.write_text("共同  创造  美好  的  新  世纪\n腾讯  发布  财报\n", encoding="utf-8")
    scores = evaluate_segmentation(JiebaSegmenter(), read_sighan_gold(gold))
    assert scores.sentences == 2 and scores.gold_words == 9
    assert 0 < scores.f1 <= 1 and scores.precision > 0.5
    assert main(["eval", "seg", "--gold", str(gold), "--json", "--segmenter", "jieba"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["f1"] == scores.f1 and data["gold_words"] == 9
    assert main(["eval", "seg", "--gold", str(gold), "--json"]) == 0  # the default: the segmentation head
    data = json.loads(capsys.readouterr().out)
    assert data["gold_words"] == 9 and data["f1"] >= scores.f1


def test_eval_seg_on_pku_beats_every_shipped_segmenter(capsys):
    gold = shared_file("sighan2005", "pku_test_gold.utf8")
    words = shared_file("sighan2005", "pku_training_words.utf8")
    assert main(["eval", "seg", "--gold", str(gold), "--json"]) == 0
    default = json.loads(capsys.readouterr().out)
    assert default["f1"] >= 0.95  # the head; pkuseg 0.934, thulac 0.923, jieba 0.818 (issue 17's table)
    assert main(["eval", "seg", "--gold", str(gold), "--json", "--lexicon", str(words)]) == 0
    assert json.loads(capsys.readouterr().out)["f1"] >= 0.955
    args = ["eval", "seg", "--gold", str(gold), "--lexicon", str(words), "--json", "--segmenter", "jieba"]
    assert main(args) == 0
    with_list = json.loads(capsys.readouterr().out)
    assert with_list["f1"] >= 0.92  # the standard's own word list, exactly as `zhnews run --lexicon` uses it
    assert main([*args, "--lexicon-mode", "standard"]) == 0
    assert json.loads(capsys.readouterr().out)["f1"] >= 0.92
