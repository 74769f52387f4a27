import pytest

from pipeline.config import EntityConfig
from pipeline.record import Article
from pipeline.stages.entities import EntityRecognizer
from pipeline.stages.sentences import split_sentences


@pytest.fixture(scope="module")
def recognizer():
    return EntityRecognizer(EntityConfig())


def entities(recognizer, text):
    article = Article(id="t", source="t", text=text, sentences=split_sentences(text))
    recognizer(article)
    return {(e.text, e.label) for e in article.entities}, article


def test_entities_combine_model_rules_and_gazetteer(recognizer):
    found, article = entities(recognizer, "1月6日，阿里巴巴集团总裁戴珊宣布，淘宝直播继续独立运营，成交额增长了50%。")
    assert ("1月6日", "DATE") in found
    assert ("阿里巴巴集团", "ORG") in found
    assert ("戴珊", "PERSON") in found
    assert ("淘宝直播", "PRODUCT") in found
    assert ("50%", "PERCENT") in found
    sources = {e.text: e.source for e in article.entities}
    assert sources["戴珊"] == "model" and sources["淘宝直播"] == "gazetteer" and sources["50%"] == "rule"


def test_entities_longest_span_wins_and_spans_never_overlap(recognizer):
    _, article = entities(recognizer, "北京大学的学生在北京参观了腾讯公司和淘宝直播基地。")
    spans = sorted((e.start, e.end) for e in article.entities)
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        assert e1 <= s2
    labels = {e.text: e.label for e in article.entities}
    assert labels.get("北京大学") == "ORG"
    assert labels.get("北京") == "GPE"
    assert labels.get("淘宝直播") == "PRODUCT"


def test_entities_norm_uses_alias_table(recognizer):
    _, article = entities(recognizer, "阿里在中国市场拥有9.53亿用户，阿里巴巴的股价上涨。")
    norms = {e.text: e.norm for e in article.entities}
    assert norms["阿里"] == "阿里巴巴集团"
    assert norms["阿里巴巴"] == "阿里巴巴集团"
    assert norms["中国"] == "中国"


def test_entities_gpe_versus_loc(recognizer):
    found, _ = entities(recognizer, "外国记者来到中国，抵达杭州市后前往长江沿岸考察。")
    assert ("中国", "GPE") in found
    assert ("杭州市", "GPE") in found
    assert ("长江", "LOC") in found


def test_entities_are_per_sentence_and_exact(recognizer):
    text = "马化腾说：“我们会继续投入。”\n腾讯第三季度营收为1671.93亿元。"
    _, article = entities(recognizer, text)
    for e in article.entities:
        assert text[e.start : e.end] == e.text
    assert any(e.label == "MONEY" and e.text == "1671.93亿元" for e in article.entities)


def test_entities_scraped_sample(scraped_record):
    article = scraped_record
    labels: dict[str, set[str]] = {}
    for e in article.entities:
        labels.setdefault(e.text, set()).add(e.label)
    for person in ("戴珊", "道方", "千城", "鲁肃"):
        assert labels.get(person) == {"PERSON"}, person
    for org in ("阿里巴巴集团", "淘宝", "天猫", "支付宝"):
        assert "ORG" in labels[org], org
    assert labels["淘宝直播"] & {"PRODUCT", "ORG"} and labels["点淘"] & {"PRODUCT", "ORG"}
    assert "DATE" in labels["1月6日"] and "DATE" in labels["2021年9月30日"]
    assert labels["9.53亿"] & {"CARDINAL", "QUANTITY"}
    assert "PERCENT" in labels["50%"]


def test_speaker_and_title_cues_name_unseen_people(recognizer):
    text = "淘宝直播和购物继续独立运营，由道方和千城负责，直接向戴珊汇报。据道方介绍，专家表示乐观。集团CTO鲁肃将兼任淘宝CTO。"
    _, article = entities(recognizer, text)
    people = {e.text for e in article.entities if e.label == "PERSON"}
    assert {"道方", "千城", "戴珊", "鲁肃"} <= people and "专家" not in people


def test_speaker_cue_does_not_cut_common_words():
    """简单来说 is no one's speech: the candidate 简单来 begins with a word and ends inside 来说."""
    from pipeline.backends.jieba_segmenter import jieba_freq_table, jieba_pos_table
    from pipeline.backends.speaker_rules import speaker_candidates

    words, pos = jieba_freq_table(), jieba_pos_table()
    text = "简单来说，这种方式很好。一般来说，据道方介绍，王传福说"
    found = {text[a:b] for a, b in speaker_candidates(text, words, pos)}
    assert found == {"道方", "王传福"}


def test_model_spans_do_not_cut_latin_words_or_swallow_c_suite_titles():
    from pipeline.stages.entities import clip_to_words

    def clip(text: str, surface: str) -> str:
        start = text.index(surface)
        a, b = clip_to_words(text, start, start + len(surface))
        return text[a:b]

    assert clip("集团CCO也将兼任淘宝CCO/CRO。", "淘宝C") == "淘宝"  # ends inside CCO
    assert clip("鲁肃将兼任淘宝CTO。", "淘宝CTO") == "淘宝"
    assert clip("韩国机构SNE Research的数据", "Research") == "Research"  # a whole word stays
    assert clip("IBM公司宣布", "IBM公司") == "IBM公司"
    assert clip("苹果iPhone15发布", "Phone15") == ""  # begins inside a word: nothing left


def test_listed_products_take_their_model_and_edition(recognizer):
    _, article = entities(recognizer, "华为发布Mate 60 Pro，苹果iPhone 15 Pro Max售价9999元，iPhone 2024年销量下降。")
    products = [e.text for e in article.entities if e.label == "PRODUCT"]
    assert products == ["Mate 60 Pro", "iPhone 15 Pro Max", "iPhone"]  # 2024年 is a date, not an edition


def test_a_country_side_in_talks_is_the_country_s_side_or_the_country_by_convention(recognizer):
    text = "会上，葡方向中方通报了进展，中方表示赞赏。西方国家对此关注。"
    found, article = entities(recognizer, text)
    assert ("中方", "GPE") in found and not any(t == "西" or t == "西方" for t, _ in found)
    assert {e.norm for e in article.entities if e.text == "中方"} == {"中国"}
    peoples_daily, _ = entities(EntityRecognizer(EntityConfig(convention="peoples_daily")), text)
    assert ("葡", "GPE") in peoples_daily and ("中", "GPE") in peoples_daily


def test_every_model_entity_has_a_score_and_rules_have_none(recognizer):
    _, article = entities(recognizer, "1月6日，阿里巴巴集团总裁戴珊在杭州宣布，成交额增长了50%。")
    by_text = {e.text: e for e in article.entities}
    assert 0.5 < by_text["戴珊"].score <= 1.0 and by_text["戴珊"].source == "model"
    assert by_text["50%"].score is None and by_text["1月6日"].score is None
    assert article.to_dict()["entities"][0]["score"] is None or isinstance(article.to_dict()["entities"][0]["score"], float)


def test_a_minimum_score_drops_unsure_model_spans_only():
    text = "1月6日，阿里巴巴集团总裁戴珊在杭州宣布，成交额增长了50%。"
    everything = EntityRecognizer(EntityConfig())
    strict = EntityRecognizer(EntityConfig(min_score=0.999999))
    _, a = entities(everything, text)
    _, b = entities(strict, text)
    assert {e.text for e in b.entities if e.source == "model"} < {e.text for e in a.entities if e.source == "model"}
    assert {e.text for e in a.entities if e.source != "model"} <= {e.text for e in b.entities}


def test_gazetteer_matches_at_the_very_end_of_a_text():
    """A longer entry starting near the end used to slice to a shorter known name (IndexError)."""
    from pipeline.backends.gazetteer import Gazetteer
    from pipeline.resources import resource_files

    gazetteer = Gazetteer(resource_files("gazetteer"))
    for text in ("访问中国", "中国", "他来自中华"):
        for m in gazetteer.find(text):
            assert 0 <= m.start < m.end <= len(text)
    assert [(m.start, m.end) for m in gazetteer.find("访问中国")] == [(2, 4)]


def test_a_lone_head_decides_and_an_unknown_convention_is_refused():
    from pipeline.errors import ConfigError

    lone = EntityRecognizer(EntityConfig(heads=["ner/news.npz"], convention="cluener"))
    _, article = entities(lone, "国务院总理李强在北京会见了来访的美国国务卿。")
    assert ("李强", "PERSON") in {(e.text, e.label) for e in article.entities}
    with pytest.raises(ConfigError, match="convention"):
        EntityRecognizer(EntityConfig(convention="ontonotes"))


def test_countries_of_the_world_are_places_not_people(recognizer):
    found, _ = entities(recognizer, "马拉维总统穆塔里卡访问扎伊尔和香港特别行政区。")
    assert {("马拉维", "GPE"), ("香港特别行政区", "GPE")} <= found
    assert ("马拉维", "PERSON") not in found


