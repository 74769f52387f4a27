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
    from pipeline.stages.segmenter import jieba_freq_table, jieba_pos_table
    from pipeline.stages.speaker_rules import speaker_candidates

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


def test_a_body_under_two_levels_of_place_keeps_the_lower_one(recognizer):
    from pipeline.record import Entity

    def split(surface: str) -> list[tuple[str, str]]:
        org = Entity(0, len(surface), "ORG", surface, surface, "model")
        return [(e.text, e.label) for e in recognizer._split_leading_place(surface, org)]

    assert split("北京市怀柔县民政局") == [("北京市", "GPE"), ("怀柔县民政局", "ORG")]
    assert split("江苏丹阳供电局") == [("江苏", "GPE"), ("丹阳供电局", "ORG")]
    assert split("美国密执安州立大学") == [("美国", "GPE"), ("密执安州立大学", "ORG")]
    for whole in ("郑州市公安局", "日本泰国经济协力协会", "上海中国福利会儿童艺术剧院", "中国香港队", "北京大学"):
        assert split(whole) == [(whole, "ORG")], whole
    cluener = EntityRecognizer(EntityConfig(convention="cluener"))
    org = Entity(0, 9, "ORG", "北京市怀柔县民政局", "北京市怀柔县民政局", "model")
    assert cluener._split_leading_place("北京市怀柔县民政局", org) == [org]  # CLUENER keeps it whole


def test_news_forms_teams_papers_and_quoted_names(recognizer):
    from pipeline.record import Entity

    def forms(text: str, spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
        kept, at = [], 0
        for surface, label in spans:
            start = text.index(surface, at)
            at = start + len(surface)
            kept.append(Entity(start, at, label, surface, surface, "model"))
        return [(e.text, e.label) for e in recognizer._news_forms(text, kept)]

    assert forms("逼平保加利亚队后", [("保加利亚", "GPE")]) == [("保加利亚队", "ORG")]
    assert forms("中国队员表现出色", [("中国", "GPE")]) == [("中国", "GPE")]  # a player, not the team
    assert forms("据《天津日报》报道", [("《天津日报》", "WORK_OF_ART")]) == [("天津日报", "ORG")]
    assert forms("香港《大公报》说", [("香港", "GPE"), ("《大公报》", "WORK_OF_ART")]) == [("香港《大公报》", "ORG")]
    assert forms("他读了《红楼梦》", [("《红楼梦》", "WORK_OF_ART")]) == [("《红楼梦》", "WORK_OF_ART")]
    assert forms("自家的“巢县港1065”号木帆船", [("巢县港1065”号木帆船", "ORG")]) == [("“巢县港1065”号木帆船", "ORG")]
    assert forms("郑先生说", [("郑先生", "PERSON")]) == [("郑", "PERSON")]
    assert forms("周总理指出", [("周总理", "PERSON")]) == [("周", "PERSON")]
    assert forms("欧阳老师说", [("欧阳老师", "PERSON")]) == [("欧阳", "PERSON")]
    assert forms("李鸿老先生", [("李鸿", "PERSON")]) == [("李鸿", "PERSON")]  # a full name stays
    assert forms("在河北易县", [("河北易县", "GPE")]) == [("河北", "GPE"), ("易县", "GPE")]
    assert forms("广东省深圳市宝安区", [("广东省深圳市宝安区", "GPE")]) == [
        ("广东省", "GPE"), ("深圳市", "GPE"), ("宝安区", "GPE")]
    for whole in ("北京市", "长江三角洲", "北京市海淀区中关村"):
        assert forms(whole, [(whole, "GPE")]) == [(whole, "GPE")], whole


def test_a_country_side_in_talks_is_the_country(recognizer):
    found, _ = entities(recognizer, "会上，葡方向中方通报了进展，中方表示赞赏。西方国家对此关注。")
    assert ("葡", "GPE") in found and ("中", "GPE") in found
    assert not any(text == "西" for text, _ in found)


def test_chinese_divisions_are_gpes_by_full_and_short_name(recognizer):
    for place in ("宿迁", "宿迁市", "恩施", "恩施土家族苗族自治州", "昆山", "海淀区", "内蒙古"):
        assert recognizer._place_label(place) == "GPE", place
    for place in ("长江", "泰山", "青藏高原"):
        assert recognizer._place_label(place) == "LOC", place


def test_model_label_beats_the_gazetteer_on_the_same_span_but_keeps_its_norm(recognizer):
    from pipeline.stages.entities import EntityRecognizer

    found = [(0, 2, "GPE", "gazetteer", "巴西"), (0, 2, "ORG", "model", "")]
    [entity] = EntityRecognizer._resolve(recognizer, "巴西队", found)
    assert (entity.label, entity.source, entity.norm) == ("ORG", "gazetteer", "巴西")


def test_title_spans_only_fill_gaps(recognizer):
    from pipeline.stages.entities import EntityRecognizer

    found = [(0, 2, "ORG", "model", "")]
    fillers = [(0, 4, "TITLE", "model", ""), (5, 7, "TITLE", "model", "")]
    kept = EntityRecognizer._resolve(recognizer, "军委主席，总裁", found, fillers)
    assert [(e.text, e.label) for e in kept] == [("军委", "ORG"), ("总裁", "TITLE")]


def test_gazetteer_matches_at_the_very_end_of_a_text():
    """A longer entry starting near the end used to slice to a shorter known name (IndexError)."""
    from pipeline.stages.gazetteer import Gazetteer
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


def test_back_to_back_organisations_join_only_when_the_tagger_found_both(recognizer):
    from pipeline.stages.entities import EntityRecognizer

    text = "北京大学经济学院与淘宝天猫"
    found = [(0, 4, "ORG", "model", ""), (4, 8, "ORG", "model", ""), (9, 11, "ORG", "gazetteer", "淘宝"),
             (11, 13, "ORG", "gazetteer", "天猫")]
    kept = EntityRecognizer._resolve(recognizer, text, found)
    assert [(e.text, e.label) for e in kept] == [("北京大学经济学院", "ORG"), ("淘宝", "ORG"), ("天猫", "ORG")]


def test_a_listed_organisation_stays_one_where_the_tagger_reads_a_place(recognizer):
    found = [(0, 2, "ORG", "gazetteer", "东南亚国家联盟"), (0, 2, "LOC", "model", "")]
    [entity] = EntityRecognizer._resolve(recognizer, "东盟成员", found)
    assert (entity.text, entity.label, entity.norm) == ("东盟", "ORG", "东南亚国家联盟")


def test_countries_of_the_world_are_places_not_people(recognizer):
    found, _ = entities(recognizer, "马拉维总统穆塔里卡访问扎伊尔和香港特别行政区。")
    assert {("马拉维", "GPE"), ("香港特别行政区", "GPE")} <= found
    assert ("马拉维", "PERSON") not in found


def test_organisation_boundaries_as_the_news_sets_draw_them(recognizer):
    def kept(text, found):
        return [(e.text, e.label) for e in EntityRecognizer._resolve(recognizer, text, found)]

    # a congress with its session, and the party that holds it
    assert kept("祝民进第八次全国代表大会成功", [(1, 3, "ORG", "gazetteer", "民进"), (3, 6, "ORDINAL", "rule", ""),
                                         (6, 12, "ORG", "model", "")]) == [("民进第八次全国代表大会", "ORG")]
    # an ordinal before anything but an assembly stays an ordinal
    assert kept("第五十一届国际足联", [(0, 5, "ORDINAL", "rule", ""), (5, 9, "ORG", "gazetteer", "国际足联")]) == [
        ("第五十一届", "ORDINAL"), ("国际足联", "ORG")]
    # a bilateral body written with a dash, only when the tagger found the body
    assert kept("印度—中国友好协会", [(0, 2, "GPE", "gazetteer", "印度"), (3, 9, "ORG", "model", "")]) == [
        ("印度—中国友好协会", "ORG")]
    assert kept("中国－东盟", [(0, 2, "GPE", "gazetteer", "中国"), (3, 5, "ORG", "gazetteer", "东盟")]) == [
        ("中国", "GPE"), ("东盟", "ORG")]
    # a party and its numbered congress; a unit (三大队) is not a congress
    assert kept("致民进八大的贺词", [(1, 3, "ORG", "gazetteer", "民进")]) == [("民进八大", "ORG")]
    assert kept("北大三大队", [(0, 2, "ORG", "model", "")]) == [("北大", "ORG")]
    # every branch of a kind names no organisation
    assert kept("各级妇联", [(2, 4, "ORG", "model", "")]) == []
