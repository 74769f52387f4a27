"""One article, one sense: the document pass over an article's entities (no model needed)."""
from pipeline.record import Entity
from pipeline.stages.entities.document_pass import load_company_forms, one_sense

FORMS = load_company_forms()


def ents(text, spans):
    out = []
    for surface, label, source in spans:
        start = text.index(surface, out[-1].end if out and text.find(surface, out[-1].end) >= 0 else 0)
        out.append(Entity(start, start + len(surface), label, surface, surface, source))
    return out


def test_a_short_form_of_a_company_takes_the_full_name_s_label_and_norm():
    text = "龙湖集团发布年报。龙湖表示，龙湖的销售额增长。"
    found = ents(text, [("龙湖集团", "ORG", "model"), ("龙湖", "LOC", "model"), ("龙湖", "LOC", "model")])
    out = one_sense(found, FORMS)
    assert [(e.text, e.label, e.norm) for e in out] == [("龙湖集团", "ORG", "龙湖集团"), ("龙湖", "ORG", "龙湖集团"),
                                                        ("龙湖", "ORG", "龙湖集团")]
    assert [(e.start, e.end) for e in out] == [(e.start, e.end) for e in found]  # spans never move


def test_a_place_that_starts_a_company_name_stays_a_place():
    text = "北京银行在北京开设分行，北京的客户增加。"
    found = ents(text, [("北京银行", "ORG", "model"), ("北京", "GPE", "model"), ("北京", "GPE", "model")])
    out = one_sense(found, FORMS, is_place=lambda s: s == "北京")
    assert [e.label for e in out] == ["ORG", "GPE", "GPE"]
    assert one_sense(ents("北京大学的学生来自北京。", [("北京大学", "ORG", "model"), ("北京", "GPE", "model")]),
                     FORMS)[1].label == "GPE"  # 大学 is no company form


def test_mentions_of_one_surface_share_the_majority_label_a_list_counting_more():
    text = "顺丰发布公告。顺丰称业务增长，顺丰股价上涨。"
    found = ents(text, [("顺丰", "ORG", "gazetteer"), ("顺丰", "LOC", "model"), ("顺丰", "LOC", "model")])
    assert [e.label for e in one_sense(found, FORMS)] == ["ORG", "ORG", "ORG"]
    tie = ents("甲乙在这里。甲乙走了。", [("甲乙", "PERSON", "model"), ("甲乙", "ORG", "model")])
    assert [e.label for e in one_sense(tie, FORMS)] == ["PERSON", "ORG"]  # a tie decides nothing


def test_a_bare_surname_takes_the_norm_of_the_article_s_only_full_name():
    text = "陈晓明今天到场。陈先生说，陈表示满意。"
    found = ents(text, [("陈晓明", "PERSON", "model"), ("陈", "PERSON", "model"), ("陈", "PERSON", "model")])
    assert [e.norm for e in one_sense(found, FORMS)] == ["陈晓明", "陈晓明", "陈晓明"]
    two = ents("陈晓明和陈立到场，陈说好。", [("陈晓明", "PERSON", "model"), ("陈立", "PERSON", "model"),
                                             ("陈", "PERSON", "model")])
    assert one_sense(two, FORMS)[2].norm == "陈"  # two full names: no guess


def test_numbers_and_titles_are_left_alone():
    text = "记者张三报道，营收增长5%。"
    found = ents(text, [("记者", "TITLE", "model"), ("张三", "PERSON", "model"), ("5%", "PERCENT", "rule")])
    assert one_sense(found, FORMS) == found


def test_a_spun_spelling_of_a_person_is_linked_to_the_name():
    from pipeline.stages.entities.document_pass import name_variants

    text = "阿里巴巴集团总裁戴珊发布内部信。岱山表示，淘宝直播将继续独立运营。"
    found = ents(text, [("阿里巴巴集团", "ORG", "gazetteer"), ("戴珊", "PERSON", "model"), ("岱山", "GPE", "model"),
                        ("淘宝直播", "PRODUCT", "gazetteer")])
    out, notes = name_variants(found)
    assert [(e.text, e.label, e.norm) for e in out][1:3] == [("戴珊", "PERSON", "戴珊"), ("岱山", "PERSON", "戴珊")]
    assert notes == ["岱山>戴珊"] and out[0].label == "ORG" and out[3].label == "PRODUCT"
    alike = ents("张伟和章伟都到了。", [("张伟", "PERSON", "model"), ("章伟", "PERSON", "model")])
    assert name_variants(alike) == (alike, [])  # two people who read alike stay two people


def test_a_one_character_place_takes_the_article_s_only_longer_name():
    from pipeline.stages.entities.document_pass import short_places

    text = "中巴关系发展，巴基斯坦总理表示感谢。"
    found = ents(text, [("中", "GPE", "model"), ("巴", "GPE", "model"), ("巴基斯坦", "GPE", "gazetteer")])
    found[0].norm = "中国"
    assert [(e.text, e.norm) for e in short_places(found)] == [("中", "中国"), ("巴", "巴基斯坦"), ("巴基斯坦", "巴基斯坦")]
    text = "中巴关系，巴西和巴基斯坦"  # two candidates: 巴 stays unresolved
    found = ents(text, [("巴", "GPE", "model"), ("巴西", "GPE", "gazetteer"), ("巴基斯坦", "GPE", "gazetteer")])
    assert short_places(found)[0].norm == "巴"
    # an organisation named after a place offers the place: 黎 of 黎南部 is 黎巴嫩, not the party
    text = "黎巴嫩真主党武装在黎南部"
    found = ents(text, [("黎巴嫩真主党", "ORG", "model"), ("黎", "GPE", "model")])
    places = {"黎巴嫩": ("黎巴嫩", "GPE")}
    assert [(e.text, e.norm, e.label) for e in short_places(found, places.get)][1] == ("黎", "黎巴嫩", "GPE")
    assert short_places(found)[1].norm == "黎巴嫩真主党"  # without place knowledge: the only longer name
    found = ents("欧尔班说，中欧合作", [("欧尔班", "ORG", "model"), ("欧", "GPE", "model")])
    assert short_places(found, places.get)[1].norm == "欧"  # a model's organisation offers nothing
    found = ents("欧盟表示，中欧合作", [("欧盟", "ORG", "gazetteer"), ("欧", "GPE", "model")])
    found[0].norm = "欧洲联盟"
    assert short_places(found, places.get)[1].norm == "欧洲联盟"  # a listed one does
