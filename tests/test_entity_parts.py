"""The entity stage's parts, each alone and without the LAC model: resolver, post-edits, profiles, patterns."""
import pytest

from pipeline.backends.gazetteer import Gazetteer, load_aliases
from pipeline.backends.person_names import load_surnames
from pipeline.errors import ConfigError, ResourceError
from pipeline.record import Entity
from pipeline.resources import resource_files
from pipeline.stages.entities.candidates import FILL, Candidate
from pipeline.stages.entities.labels import Labeler, load_divisions
from pipeline.stages.entities.patterns import load_patterns
from pipeline.stages.entities.post_edits import POST_EDITS, EditContext, check_edits
from pipeline.stages.entities.profiles import get_profile, load_profiles
from pipeline.stages.entities.resolver import check_precedence, resolve
from pipeline.stages.entities.sources import SOURCES

RANK = check_precedence(["gazetteer", "rule", "model"])


@pytest.fixture(scope="module")
def ctx():
    aliases = load_aliases(resource_files("aliases.tsv"))
    patterns = load_patterns()
    labeler = Labeler(Gazetteer(resource_files("gazetteer"), aliases), aliases, load_divisions(), patterns)
    return EditContext(labeler, patterns, load_surnames())


def ents(text, spans, source="model"):
    out, at = [], 0
    for surface, label in spans:
        start = text.index(surface, at)
        at = start + len(surface)
        out.append(Entity(start, at, label, surface, surface, source))
    return out


def edit(name, ctx, text, spans, source="model"):
    return [(e.text, e.label) for e in POST_EDITS[name](text, ents(text, spans, source), ctx)]


def kept(ctx, text, candidates, edits=()):
    found = resolve(text, candidates, ctx.labeler, RANK)
    for name in edits:
        found = POST_EDITS[name](text, found, ctx)
    return [(e.text, e.label) for e in found]


# ------------------------------------------------------------------ resolver
def test_model_label_beats_the_gazetteer_on_the_same_span_but_keeps_its_norm(ctx):
    [entity] = resolve("巴西队", [Candidate(0, 2, "GPE", "gazetteer", None, "巴西"),
                                Candidate(0, 2, "ORG", "model", 0.9)], ctx.labeler, RANK)
    assert (entity.label, entity.source, entity.norm) == ("ORG", "gazetteer", "巴西")


def test_a_listed_organisation_stays_one_where_the_tagger_reads_a_place(ctx):
    [entity] = resolve("东盟成员", [Candidate(0, 2, "ORG", "gazetteer", None, "东南亚国家联盟"),
                                 Candidate(0, 2, "LOC", "model", 0.8)], ctx.labeler, RANK)
    assert (entity.text, entity.label, entity.norm) == ("东盟", "ORG", "东南亚国家联盟")


def test_fill_candidates_only_fill_gaps_and_longest_first_wins(ctx):
    assert kept(ctx, "军委主席，总裁", [Candidate(0, 2, "ORG", "model", 0.9), Candidate(0, 4, "TITLE", "model", 0.9, rank=FILL),
                                    Candidate(5, 7, "TITLE", "model", 0.9, rank=FILL)]) == [("军委", "ORG"), ("总裁", "TITLE")]
    assert kept(ctx, "北京大学", [Candidate(0, 2, "GPE", "gazetteer"), Candidate(0, 4, "ORG", "model", 0.6)]) == [
        ("北京大学", "ORG")]


def test_precedence_is_configurable_and_checked(ctx):
    both = [Candidate(0, 2, "PERSON", "model", 0.9), Candidate(0, 2, "ORG", "gazetteer")]
    assert [e.label for e in resolve("华为", both, ctx.labeler, RANK)] == ["ORG"]
    model_first = check_precedence(["model", "gazetteer", "rule"])
    assert [e.label for e in resolve("华为", both, ctx.labeler, model_first)] == ["PERSON"]
    with pytest.raises(ConfigError, match="precedence"):
        check_precedence(["model", "rule"])


def test_min_score_drops_unsure_model_candidates_but_not_rules(ctx):
    found = [Candidate(0, 2, "PERSON", "model", 0.3), Candidate(3, 5, "DATE", "rule")]
    assert [e.text for e in resolve("戴珊 今天", found, ctx.labeler, RANK, {"": 0.5})] == ["今天"]


def test_floors_by_label_and_the_articles_own_evidence(ctx):
    text = "普京访问天津。普京表示，熊孩子说"
    found = [Candidate(0, 2, "PERSON", "model", 0.99), Candidate(4, 6, "GPE", "model", 0.5),
             Candidate(7, 9, "PERSON", "model", 0.44), Candidate(12, 15, "PERSON", "model", 0.5)]
    floors = {"": 0.4, "PERSON": 0.55}
    # 熊孩子 is under the PERSON floor; 普京 at 0.44 is kept, the article reads 普京 surely elsewhere;
    # a GPE at 0.5 is above the floor of the other labels
    assert [e.text for e in resolve(text, found, ctx.labeler, RANK, floors)] == ["普京", "天津", "普京"]
    listed = [Candidate(0, 2, "PERSON", "gazetteer"), Candidate(7, 9, "PERSON", "model", 0.3)]
    assert [e.text for e in resolve(text, listed, ctx.labeler, RANK, floors)] == ["普京", "普京"]
    other_label = [Candidate(0, 2, "ORG", "model", 0.99), Candidate(7, 9, "PERSON", "model", 0.3)]
    assert [e.text for e in resolve(text, other_label, ctx.labeler, RANK, floors)] == ["普京"]  # the ORG only


# ---------------------------------------------------------------- post-edits
def test_organisations_join_as_readers_draw_them(ctx):
    assert kept(ctx, "祝民进第八次全国代表大会成功", [Candidate(1, 3, "ORG", "gazetteer", None, "民进"),
                Candidate(3, 6, "ORDINAL", "rule"), Candidate(6, 12, "ORG", "model", 0.9)],
                ["join_sessions"]) == [("民进第八次全国代表大会", "ORG")]
    assert kept(ctx, "第五十一届国际足联", [Candidate(0, 5, "ORDINAL", "rule"), Candidate(5, 9, "ORG", "gazetteer")],
                ["join_sessions"]) == [("第五十一届", "ORDINAL"), ("国际足联", "ORG")]
    assert edit("join_bilateral", ctx, "印度—中国友好协会", [("印度", "GPE"), ("中国友好协会", "ORG")]) == [
        ("印度—中国友好协会", "ORG")]
    assert edit("join_bilateral", ctx, "中国－东盟", [("中国", "GPE"), ("东盟", "ORG")], "gazetteer") == [
        ("中国", "GPE"), ("东盟", "ORG")]
    assert edit("join_adjacent_orgs", ctx, "北京大学经济学院", [("北京大学", "ORG"), ("经济学院", "ORG")]) == [
        ("北京大学经济学院", "ORG")]
    assert edit("join_adjacent_orgs", ctx, "淘宝天猫", [("淘宝", "ORG"), ("天猫", "ORG")], "gazetteer") == [
        ("淘宝", "ORG"), ("天猫", "ORG")]
    assert edit("join_congresses", ctx, "致民进八大的贺词", [("民进", "ORG")]) == [("民进八大", "ORG")]
    assert edit("join_congresses", ctx, "北大三大队", [("北大", "ORG")]) == [("北大", "ORG")]
    assert edit("drop_every_level", ctx, "各级妇联", [("妇联", "ORG")]) == []


def test_joined_entities_keep_the_lower_score(ctx):
    text = "北京大学经济学院"
    parts = [Entity(0, 4, "ORG", "北京大学", "北京大学", "model", 0.9), Entity(4, 8, "ORG", "经济学院", "经济学院", "model", 0.6)]
    [joined] = POST_EDITS["join_adjacent_orgs"](text, parts, ctx)
    assert joined.score == 0.6


def test_nameless_spans_are_dropped(ctx):
    assert edit("drop_nameless", ctx, "★★★★和❤❤说", [("★★★★", "PERSON"), ("❤❤", "PERSON")]) == []
    assert edit("drop_nameless", ctx, "iPhone和50%", [("iPhone", "PRODUCT"), ("50%", "PERCENT")]) == [
        ("iPhone", "PRODUCT"), ("50%", "PERCENT")]


def test_teams_papers_and_quoted_names(ctx):
    assert edit("team", ctx, "逼平保加利亚队后", [("保加利亚", "GPE")]) == [("保加利亚队", "ORG")]
    assert edit("team", ctx, "中国队员表现出色", [("中国", "GPE")]) == [("中国", "GPE")]
    assert edit("paper", ctx, "据《天津日报》报道", [("《天津日报》", "WORK_OF_ART")]) == [("天津日报", "ORG")]
    assert edit("paper", ctx, "香港《大公报》说", [("香港", "GPE"), ("《大公报》", "WORK_OF_ART")]) == [
        ("香港", "GPE"), ("大公报", "ORG")]  # a reader marks the place and the paper
    assert edit("paper_with_place", ctx, "香港《大公报》说", [("香港", "GPE"), ("《大公报》", "WORK_OF_ART")]) == [
        ("香港《大公报》", "ORG")]  # People's Daily's form
    assert edit("paper_with_place", ctx, "据《天津日报》报道", [("《天津日报》", "WORK_OF_ART")]) == [("天津日报", "ORG")]
    assert edit("paper", ctx, "他读了《红楼梦》", [("《红楼梦》", "WORK_OF_ART")]) == [("《红楼梦》", "WORK_OF_ART")]
    assert edit("quoted_vessel", ctx, "自家的“巢县港1065”号木帆船", [("巢县港1065”号木帆船", "ORG")]) == [
        ("“巢县港1065”号木帆船", "ORG")]


def test_a_listed_title_is_named_by_its_listed_name(ctx):
    e = ctx.labeler.entity("玩《和平精英》", 1, 7, "PRODUCT", "model")
    assert (e.text, e.norm) == ("《和平精英》", "和平精英")
    assert ctx.labeler.entity("《决定》指出", 0, 4, "WORK_OF_ART", "model").norm == "《决定》"  # not listed: as written


def test_names_do_not_run_across_title_marks(ctx):
    assert edit("title_marks", ctx, "英国《卫报》报道", [("英国《卫报", "ORG")]) == [("英国", "GPE"), ("卫报", "ORG")]
    assert edit("title_marks", ctx, "《经济学人》杂志", [("经济学人》杂志", "ORG")]) == [("经济学人", "ORG")]
    assert edit("title_marks", ctx, "他读了《红楼梦》", [("《红楼梦》", "WORK_OF_ART")]) == [("《红楼梦》", "WORK_OF_ART")]
    assert edit("title_marks", ctx, "》《", [("》《", "ORG")]) == []  # nothing but marks: no name
    assert edit("title_marks", ctx, "《永恒的任务》(EverQuest2)", [("《永恒的任务》(EverQuest2", "PRODUCT")]) == [
        ("永恒的任务", "PRODUCT")]  # the piece inside the marks is the name
    assert edit("title_marks", ctx, "据香港《明报》报道", [("香港《明报》", "ORG")]) == [("香港", "GPE"), ("明报", "ORG")]
    assert edit("paper", ctx, "日本《读卖新闻》称", [("《读卖新闻》", "WORK_OF_ART")]) == [("读卖新闻", "ORG")]  # listed
    title = "印发《关于推动高质量发展实施方案》的通知"
    assert edit("whole_titles", ctx, title, [("高质量发展实施方案", "WORK_OF_ART")]) == [
        ("《关于推动高质量发展实施方案》", "WORK_OF_ART")]
    assert edit("whole_titles", ctx, "《扬帆远航大湾区音乐会》", [("扬帆远航大湾区", "WORK_OF_ART"), ("音乐会", "WORK_OF_ART")]) == [
        ("《扬帆远航大湾区音乐会》", "WORK_OF_ART")]
    law = "《中华人民共和国食品安全法》"
    assert edit("whole_titles", ctx, law, [("中华人民共和国", "GPE"), ("食品安全法", "WORK_OF_ART")]) == [
        (law, "WORK_OF_ART")]
    assert edit("whole_titles", ctx, law, [("中华人民共和国", "GPE")]) == [("中华人民共和国", "GPE")]  # no work: as it was
    assert edit("whole_titles", ctx, "《推动全社会尊崇英雄》", [("英雄", "PRODUCT")]) == [("《推动全社会尊崇英雄》", "WORK_OF_ART")]
    assert edit("whole_titles", ctx, "玩《王者荣耀》", [("王者荣耀", "PRODUCT")]) == [("《王者荣耀》", "PRODUCT")]
    guide = "《微信使用指南》"
    assert edit("whole_titles", ctx, guide, [("微信", "PRODUCT")], source="gazetteer") == [("微信", "PRODUCT")]
    assert edit("paper", ctx, "收看《新闻联播》", [("《新闻联播》", "WORK_OF_ART")]) == [("《新闻联播》", "WORK_OF_ART")]


def test_a_reader_marks_the_surname_with_its_courtesy_form(ctx):
    assert edit("honorific_whole", ctx, "陈先生说", [("陈", "PERSON")]) == [("陈先生", "PERSON")]
    assert edit("honorific_whole", ctx, "欧阳女士说", [("欧阳", "PERSON")]) == [("欧阳女士", "PERSON")]
    assert edit("honorific_whole", ctx, "李鸿老先生", [("李鸿", "PERSON")]) == [("李鸿", "PERSON")]  # a full name
    assert edit("party_whole", ctx, "中方表示", [("中", "GPE")]) == [("中方", "GPE")]
    assert edit("party_whole", ctx, "中方面", [("中", "GPE")]) == [("中", "GPE")]


def test_peoples_daily_forms(ctx):
    assert edit("honorific_surname", ctx, "郑先生说", [("郑先生", "PERSON")]) == [("郑", "PERSON")]
    assert edit("honorific_surname", ctx, "周总理指出", [("周总理", "PERSON")]) == [("周", "PERSON")]
    assert edit("honorific_surname", ctx, "李鸿老先生", [("李鸿", "PERSON")]) == [("李鸿", "PERSON")]
    assert edit("split_places", ctx, "在河北易县", [("河北易县", "GPE")]) == [("河北", "GPE"), ("易县", "GPE")]
    assert edit("split_places", ctx, "广东省深圳市宝安区", [("广东省深圳市宝安区", "GPE")]) == [
        ("广东省", "GPE"), ("深圳市", "GPE"), ("宝安区", "GPE")]
    for whole in ("北京市", "长江三角洲", "北京市海淀区中关村"):
        assert edit("split_places", ctx, whole, [(whole, "GPE")]) == [(whole, "GPE")], whole
    assert edit("split_leading_place", ctx, "北京市怀柔县民政局", [("北京市怀柔县民政局", "ORG")]) == [
        ("北京市", "GPE"), ("怀柔县民政局", "ORG")]
    assert edit("split_leading_place", ctx, "美国密执安州立大学", [("美国密执安州立大学", "ORG")]) == [
        ("美国", "GPE"), ("密执安州立大学", "ORG")]
    for whole in ("郑州市公安局", "日本泰国经济协力协会", "上海中国福利会儿童艺术剧院", "中国香港队", "北京大学"):
        assert edit("split_leading_place", ctx, whole, [(whole, "ORG")]) == [(whole, "ORG")], whole


def test_chinese_divisions_are_gpes_by_full_and_short_name(ctx):
    for place in ("宿迁", "宿迁市", "恩施", "恩施土家族苗族自治州", "昆山", "海淀区", "内蒙古"):
        assert ctx.labeler.place_label(place) == "GPE", place
    for place in ("长江", "泰山", "青藏高原"):
        assert ctx.labeler.place_label(place) == "LOC", place


# ------------------------------------------------------------------ profiles
def test_profiles_name_only_known_sources_and_edits():
    profiles = load_profiles()
    assert {"default", "peoples_daily", "cluener"} <= set(profiles)
    for profile in profiles.values():
        assert set(profile.sources) <= set(SOURCES), profile.name
        check_edits(list(profile.post_edits))
    # People's Daily's habits are not the default output
    pd_only = {"honorific_surname", "split_places", "split_leading_place"}
    assert not pd_only & set(get_profile("default").post_edits)
    assert pd_only <= set(get_profile("peoples_daily").post_edits)
    with pytest.raises(ConfigError, match="convention"):
        get_profile("ontonotes")
    with pytest.raises(ConfigError, match="post_edits"):
        check_edits(["no_such_edit"])


def test_a_bad_pattern_file_names_its_line(tmp_path):
    bad = tmp_path / "patterns.tsv"
    bad.write_text("# comment\nteam\t队(?!\tunclosed group\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"patterns.tsv:2"):
        load_patterns(str(bad))
    with pytest.raises(ResourceError, match="no pattern named"):
        _ = load_patterns().no_such_pattern


def test_a_place_before_minzu_is_a_people(ctx):
    assert edit("nation_whole", ctx, "中华民族伟大复兴", [("中华", "LOC")]) == [("中华民族", "NORP")]
    assert edit("nation_whole", ctx, "中华文化", [("中华", "LOC")]) == [("中华", "LOC")]
    assert edit("nation_whole", ctx, "中华民族数千年", [("中华", "LOC"), ("数千年", "DATE")]) == [("中华民族", "NORP"),
                                                                                       ("数千年", "DATE")]


def test_a_person_the_lists_cover_end_to_end_is_those_names(ctx):
    found = [Candidate(0, 5, "PERSON", "model", 0.7), Candidate(0, 2, "ORG", "gazetteer", None, "阿里巴巴集团"),
             Candidate(2, 5, "ORG", "gazetteer", None, "平头哥半导体")]
    assert kept(ctx, "阿里平头哥发布芯片", found) == [("阿里", "ORG"), ("平头哥", "ORG")]
    organisation = [Candidate(0, 4, "ORG", "model", 0.7), Candidate(0, 2, "GPE", "gazetteer"),
                    Candidate(2, 4, "ORG", "gazetteer")]
    assert kept(ctx, "中国移动", organisation) == [("中国移动", "ORG")]  # an organisation's name may hold listed parts


def test_only_names_that_take_models_take_an_edition():
    from pipeline.config import EntityConfig
    from pipeline.stages.entities import EntityRecognizer
    from pipeline.stages.entities.sources import GazetteerSource

    source = next(s for s in EntityRecognizer(EntityConfig(ner="none")).sources if isinstance(s, GazetteerSource))
    text = "微信支付1月增长，iPhone 15发布"
    assert [text[c.start : c.end] for c in source.find_one(text)] == ["微信支付", "iPhone 15"]


def test_product_lines_take_models_and_companies_lend_their_name_to_model_codes():
    from pipeline.config import EntityConfig
    from pipeline.stages.entities import EntityRecognizer
    from pipeline.stages.entities.sources import GazetteerSource

    source = next(s for s in EntityRecognizer(EntityConfig(ner="none")).sources if isinstance(s, GazetteerSource))

    def found(text):
        return [(text[c.start : c.end], c.label, c.norm) for c in source.find_one(text)]

    # a product line written in characters takes its model, as one written in letters does
    assert found("骁龙8 Gen 3和天玑9300，鸿蒙4.0") == [("骁龙8 Gen 3", "PRODUCT", "骁龙8 Gen 3"),
                                                 ("天玑9300", "PRODUCT", "天玑9300"), ("鸿蒙4.0", "PRODUCT", "鸿蒙4.0")]
    # what the numeric rules read as a count, a date or a span of time is not a model
    assert [f[0] for f in found("微信8亿用户，花呗3期免息，抖音3分钟，iPhone 2024销量")] == ["微信", "花呗", "抖音", "iPhone"]
    # a code after a listed company is its product, named with the maker; the company stays
    assert found("华为Mate60和蔚来ES6") == [("华为", "ORG", "华为"), ("Mate60", "PRODUCT", "华为Mate60"),
                                          ("蔚来", "ORG", "蔚来"), ("ES6", "PRODUCT", "蔚来ES6")]
    assert found("英伟达 H100 Pro") == [("英伟达", "ORG", "英伟达"), ("H100 Pro", "PRODUCT", "英伟达 H100 Pro")]
    # quarters, half-years and business models are no models; a listed product keeps its own norm
    assert [f[0] for f in found("美团Q3营收，华为H1业绩，阿里巴巴B2B业务，华为5G")] == ["美团", "华为", "阿里巴巴", "华为"]
    assert found("特斯拉Model Y")[1] == ("Model Y", "PRODUCT", "Tesla Model Y")


def test_listed_names_must_be_words_of_the_sentence():
    from pipeline.backends.word_boundaries import WordBoundaries
    from pipeline.config import EntityConfig
    from pipeline.stages.entities import EntityRecognizer
    from pipeline.stages.entities.sources import GazetteerSource

    words = WordBoundaries(["中超", "海南", "中国", "天津"])
    assert not words.fits("其中超过605万人", 1, 3)  # 其中 | 超过
    assert not words.fits("避开红海南部水域", 3, 5)  # 红海 | 南部
    assert words.fits("中超联赛第30轮", 0, 2)  # no neighbour makes a word with it: nothing is cut
    assert words.fits("我们从中国进口设备", 3, 5)  # 从中 is a word, but the cut is 从 | 中国 | 进口
    assert words.fits("代表中国政府", 2, 4) and words.fits("天津市已建成", 0, 2)  # a word holding the whole name
    source = next(s for s in EntityRecognizer(EntityConfig(ner="none")).sources if isinstance(s, GazetteerSource))
    for text, names in (("工业中超过九成的行业", []), ("曼城击败切尔西，中超联赛结束", ["曼城", "切尔西", "中超"])):
        assert [text[c.start : c.end] for c in source.find_one(text)] == names


def test_a_common_noun_names_no_one(ctx):
    ctx.generic = frozenset({"公司", "集团"})
    try:
        assert edit("drop_generic", ctx, "本公司将在阿里集团", [("本公司", "ORG"), ("阿里集团", "ORG")]) == [
            ("阿里集团", "ORG")]
        assert edit("drop_generic", ctx, "公司说", [("公司", "ORG")]) == []
    finally:
        ctx.generic = frozenset()
