"""The segmentation head as a tokens backend, lexicon constraints, POS, and the Traditional view."""
import pytest

from pipeline.backends.head_segmenter import HeadSegmenter, Lexicon, fill_gaps, split_whitespace
from pipeline.config import PipelineConfig
from pipeline.pipeline import Pipeline
from pipeline.record import Article
from pipeline.text.script import FLAG, simplified_view, to_simplified, view_of


def cut(text, words):
    return [text[a:b] for a, b in words]


def spans(text, words):
    out, at = [], 0
    for w in words:
        start = text.index(w, at)
        out.append((start, start + len(w)))
        at = start + len(w)
    return out


def test_gaps_become_characters_and_whitespace_is_no_word():
    text = "阿里 巴巴集团"
    assert cut(text, fill_gaps(len(text), [(3, 5)])) == ["阿", "里", " ", "巴巴", "集", "团"]
    assert cut(text, split_whitespace(text, [(0, 7)])) == ["阿里", "巴巴集团"]


def test_standard_mode_splits_words_the_vocabulary_lacks():
    text = "女士们先生们"
    standard = Lexicon({"女士", "们", "先生"}, "standard")
    assert cut(text, standard.apply(text, [(0, 3), (3, 6)])) == ["女士", "们", "先生", "们"]


def test_standard_mode_joins_and_cuts_after_decoding():
    text = "淘宝直播基地在杭州市"
    lexicon = Lexicon({"淘宝直播", "杭州", "基地", "在", "市"}, "standard")
    head = spans(text, ["淘宝", "直播", "基地", "在", "杭州市"])
    assert cut(text, lexicon.apply(text, head)) == ["淘宝直播", "基地", "在", "杭州", "市"]
    crossing = Lexicon({"淘宝", "直播", "基地", "在", "杭州市", "播基"}, "standard")  # would cut two head words
    assert "播基" not in cut(text, crossing.apply(text, head))


def test_a_lexicon_weighs_in_on_the_head_s_decoding(tmp_path):
    text = "他在华强北电子市场买了手机。"
    plain = HeadSegmenter()
    lexicon = tmp_path / "domain.txt"
    lexicon.write_text("华强北电子市场\n", encoding="utf-8")
    weak = HeadSegmenter(lexicons=[str(lexicon)], lexicon_weight=0.0)
    strong = HeadSegmenter(lexicons=[str(lexicon)], lexicon_weight=10.0)
    words = [text[a:b] for a, b, _ in strong.cut_sentences([text])[0]]
    assert "华强北电子市场" in words
    assert weak.head_words([text]) == plain.head_words([text])  # no weight: the head decodes as it would
    bias = strong.lexicon.bias(text, ["O", "B-W", "I-W", "E-W", "S-W"])
    assert bias[2, 1] == 10.0 and bias[8, 3] == 10.0 and bias[0].sum() == 0


def test_pos_comes_from_the_lexicon_then_jieba_then_a_rule(tmp_path):
    lexicon = tmp_path / "words.txt"
    lexicon.write_text("点淘 nz\n", encoding="utf-8")
    segmenter = HeadSegmenter(lexicons=[str(lexicon)])
    assert segmenter.pos_of("点淘") == "nz" and segmenter.pos_of("宣布") == "v"
    assert segmenter.pos_of("2024") == "m" and segmenter.pos_of("iPhone") == "eng"
    assert segmenter.pos_of("，") == "x" and segmenter.pos_of("电商们") == "r"  # by the last character, 们


def test_the_head_cuts_words_and_shares_the_entity_stage_s_encoder_pass():
    text = "1月6日，阿里巴巴集团总裁戴珊宣布，淘宝直播继续独立运营，成交额增长了50%。"
    shared = Pipeline(PipelineConfig().with_overrides(["tokens.segmenter=head"]))(text)
    alone = Pipeline(PipelineConfig().with_overrides(["tokens.segmenter=head",
                                                       "components=clean,sentences,entities"]))
    assert "heads news, cluener, pku" in shared.meta["models"]["ner"]
    words = [shared.text[s:e] for s, e, _ in shared.tokens]
    assert "".join(words) == shared.text.replace(" ", "")
    for e in shared.entities:  # entities are whole tokens
        assert (e.start, e.end) in {(s, t) for s, t, _ in shared.tokens}
    assert {"宣布", "继续", "成交额"} <= set(words)
    assert "word_ends" not in shared.analysis  # used and dropped
    # the tokens stage alone (no entity pass to ride on) cuts the same words outside entities
    from pipeline.config import TokenConfig
    from pipeline.stages.tokens import Tokenizer, make_segmenter

    article = alone(text)
    assert not article.tokens and "word_ends" not in article.analysis
    Tokenizer(make_segmenter(TokenConfig(segmenter="head"))).pipe([article])
    assert article.tokens == shared.tokens


def test_traditional_articles_are_read_through_a_simplified_view():
    traditional = "臺灣的經濟發展與兩岸關係受到關注。蔡英文總統在臺北會見了美國國務卿。"
    assert to_simplified(traditional) == "台湾的经济发展与两岸关系受到关注。蔡英文总统在台北会见了美国国务卿。"
    assert simplified_view("台湾的经济发展受到关注。") is None
    article = Pipeline(PipelineConfig())(traditional)
    assert FLAG in article.flags and article.text == traditional
    found = {(e.text, e.label, e.norm) for e in article.entities}
    assert ("臺灣", "GPE", "台湾") in found and ("美國", "GPE", "美国") in found
    assert {article.text[s:e] for s, e, _ in article.tokens} >= {"經濟", "發展", "國務卿"}
    plain = Article(id="x", source="x", text="台湾的经济发展受到关注。")
    assert view_of(plain) == plain.text and FLAG not in plain.flags


@pytest.mark.parametrize("view", [True, False])
def test_the_view_can_be_switched_off(view):
    article = Pipeline(PipelineConfig().with_overrides([f"clean.traditional_view={str(view).lower()}"]))(
        "臺灣的經濟發展與兩岸關係受到關注。")
    assert (FLAG in article.flags) is view


def test_the_join_keeps_a_domain_s_whole_words_and_leaves_a_standard_s_compounds():
    text = "产能利用率很高"
    head = [(0, 2), (2, 5), (5, 6), (6, 7)]  # 产能 | 利用率 | 很 | 高
    domain = Lexicon({"产能利用率"}, "add")
    assert cut(text, domain.join(text, head)) == ["产能利用率", "很", "高"]
    standard = Lexicon({"产能利用率", "产能", "利用率"}, "add")  # the list gives the parts too
    assert cut(text, standard.join(text, head)) == ["产能", "利用率", "很", "高"]
