import json

import pytest
from conftest import shared_file

from pipeline.cli import main
from pipeline.evaluation.ner import _bio_spans, read_gold, score


@pytest.mark.parametrize(
    "tags,spans",
    [
        (["B-PER", "I-PER", "O", "B-LOC"], [(0, 2, "PER"), (3, 4, "LOC")]),
        (["S-PER", "B-ORG", "M-ORG", "E-ORG", "O"], [(0, 1, "PER"), (1, 4, "ORG")]),
        (["I-ORG", "I-ORG", "B-ORG"], [(0, 2, "ORG"), (2, 3, "ORG")]),
        (["B-PER", "I-LOC"], [(0, 1, "PER"), (1, 2, "LOC")]),
    ],
)
def test_bio_and_bioes_tags_become_spans(tags, spans):
    assert _bio_spans(tags) == spans


def test_score_counts_exact_matches_and_classifies_errors():
    gold = [[(0, 2, "PER"), (3, 6, "ORG"), (8, 10, "LOC")]]
    pred = [[(0, 2, "PERSON"), (3, 5, "ORG"), (8, 10, "PERSON"), (12, 13, "GPE")]]
    scores = score(gold, pred, "msra")
    assert scores.micro["correct"] == 1 and scores.micro["gold"] == 3 and scores.micro["predicted"] == 4
    assert scores.per_label["PER"]["precision"] == 0.5
    assert scores.errors == {"boundary": 1, "type": 1, "spurious": 1}


def test_eval_ner_reads_bio_cluener_and_our_jsonl(tmp_path, capsys):
    bio = tmp_path / "gold.bio"
    bio.write_text("戴\tB-PER\n珊\tI-PER\n在\tO\n杭\tB-LOC\n州\tI-LOC\n\n阿\tB-ORG\n里\tI-ORG\n", encoding="utf-8")
    sentences, scheme = read_gold(bio)
    assert scheme == "msra" and [s.text for s in sentences] == ["戴珊在杭州", "阿里"]
    cluener = tmp_path / "gold.jsonl"
    cluener.write_text(json.dumps({"text": "玩王者荣耀的马化腾", "label": {"game": {"王者荣耀": [[1, 4]]},
                                                                   "name": {"马化腾": [[6, 8]]}}}, ensure_ascii=False),
                       encoding="utf-8")
    sentences, scheme = read_gold(cluener)
    assert scheme == "cluener" and sentences[0].spans == [(1, 5, "game"), (6, 9, "name")]
    assert main(["eval", "ner", "--gold", str(cluener), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["scheme"] == "cluener" and result["micro"]["gold"] == 2
    assert result["convention"] == "cluener"  # CLUENER-style gold is read in CLUENER's conventions
    for flags in (["--convention", "peoples_daily"], ["--set", "entities.convention=peoples_daily"]):  # unless asked
        assert main(["eval", "ner", "--gold", str(cluener), "--json", *flags]) == 0
        assert json.loads(capsys.readouterr().out)["convention"] == "peoples_daily"
    assert main(["eval", "ner", "--gold", str(bio), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["convention"] == "default"  # other gold: the default output
    assert main(["eval", "ner", "--gold", str(bio), "--json", "--convention", "nonesuch"]) == 2


def test_eval_ner_on_msra_test_is_at_least_raw_lac(capsys):
    gold = shared_file("ner", "msra_test.bio")
    assert main(["eval", "ner", "--gold", str(gold), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["sentences"] == 3442
    assert result["micro"]["f1"] >= 0.728  # raw LAC's figure in ../shared/data/README.md
