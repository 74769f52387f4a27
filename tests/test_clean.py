import pytest
from conftest import SCRAPED, shared_file

from pipeline.config import CleanConfig
from pipeline.errors import InputError
from pipeline.record import Article
from pipeline.stages.clean import Cleaner, title_overlap


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner(CleanConfig())


def clean(cleaner, text, title=""):
    return cleaner(Article(id="t", source="t.txt", text=text, title=title))


def assert_removals_index_raw(article, raw, raw_title=""):
    for r in article.removed:
        source = raw_title if r.field == "title" else raw
        assert source[r.raw_start : r.raw_end] == r.text, r


def test_clean_removes_boilerplate_with_reasons(cleaner):
    raw = (
        "华为发布新款手机 售价5999元起\n\n"
        "图片来源：视觉中国\n"
        "记者 张伟\n"
        "9月10日，华为在深圳发布了新款折叠屏手机，起售价为5999元。\n"
        "华为常务董事余承东表示，新品的销量预计将超过上一代产品。\n"
        "责任编辑：王芳\n"
        "免责声明：本文仅代表作者个人观点，与本网无关。\n"
        "分享到：微信 微博\n"
        "发表评论\n"
    )
    article = clean(cleaner, raw)
    assert article.title == "华为发布新款手机 售价5999元起"
    assert article.text == (
        "9月10日，华为在深圳发布了新款折叠屏手机，起售价为5999元。\n华为常务董事余承东表示，新品的销量预计将超过上一代产品。"
    )
    reasons = [r.reason for r in article.removed]
    for reason in ("moved_to_title", "image_credit", "byline", "disclaimer", "share_prompt", "comment_box"):
        assert reason in reasons
    assert_removals_index_raw(article, raw)


def test_clean_drops_invisible_characters_and_records_them(cleaner):
    raw = "腾讯\u200b公司\ufeff今天发布财报，营收同比增长8%。\x07"
    article = clean(cleaner, raw)
    assert article.text == "腾讯公司今天发布财报，营收同比增长8%。"
    assert [r.reason for r in article.removed] == ["invisible_character"] * 3
    assert_removals_index_raw(article, raw)


def test_clean_makes_fullwidth_letters_and_digits_halfwidth_but_keeps_chinese_punctuation(cleaner):
    article = clean(cleaner, "小米ＳＵ７交付量突破１０万台，同比增长５０％！")
    assert article.text == "小米SU7交付量突破10万台，同比增长50%！"


def test_clean_drops_repeated_lead_and_exact_duplicate_paragraphs(cleaner):
    lead = "1月6日，阿里巴巴集团负责中国数字业务板块的总裁戴珊发布内部信。"
    second = "淘宝直播和购物继续独立运营，由道方和千城负责。"
    raw = f"{lead}淘宝直播和购物继续\n\n{lead}\n{second}\n{second}\n"
    article = clean(cleaner, raw)
    assert article.text == f"{lead}\n{second}"
    assert sorted(r.reason for r in article.removed) == ["duplicate_paragraph", "repeated_fragment"]
    assert_removals_index_raw(article, raw)


def test_clean_flags_spam_title_and_keeps_body(cleaner):
    body = "国家统计局11月15日发布数据，10月份社会消费品零售总额为45396亿元，同比增长4.8%，增速比上月加快1.6个百分点。" * 2
    article = clean(cleaner, body, title="免费领取游戏点卡充值软件下载")
    assert "spam_title" in article.flags
    assert article.title == ""
    (removal,) = [r for r in article.removed if r.reason == "spam_title"]
    assert removal.field == "title" and removal.text == "免费领取游戏点卡充值软件下载"


def test_clean_keeps_a_real_title(cleaner):
    body = "国家统计局11月15日发布数据，10月份社会消费品零售总额为45396亿元，同比增长4.8%，增速比上月加快1.6个百分点。" * 2
    article = clean(cleaner, body, title="国家统计局：10月份社会消费品零售总额同比增长4.8%")
    assert article.flags == []
    assert article.title.startswith("国家统计局")


def test_title_overlap_scores_related_titles_high():
    body = "阿里巴巴集团负责中国数字业务板块的总裁戴珊发布内部信，宣布淘宝和天猫整合。"
    assert title_overlap("戴珊发布内部信：淘宝天猫整合", body) > 0.5
    assert title_overlap("淘宝群发软件(旺旺推广群发软件)", body) < 0.34


@pytest.mark.parametrize("raw", ["", "   \n\n ", "\u200b\u200b", "发表评论\n登录后才能评论"])
def test_clean_rejects_articles_with_nothing_left(cleaner, raw):
    with pytest.raises(InputError, match="empty article"):
        clean(cleaner, raw)


def test_clean_removes_breadcrumbs_but_not_text_with_angle_brackets(cleaner):
    article = clean(cleaner, "首页 > 财经 > 正文\n阿里巴巴集团发布公告<b>重要</b>，营收>100亿元。")
    assert article.text == "阿里巴巴集团发布公告<b>重要</b>，营收>100亿元。"
    assert [r.reason for r in article.removed] == ["navigation"]


def test_clean_flags_non_chinese_text(cleaner):
    article = clean(cleaner, "Apple reported quarterly revenue of 94.9 billion dollars on Thursday.")
    assert "non_chinese" in article.flags


def test_clean_scraped_sample_loses_noise_and_keeps_the_story(cleaner):
    raw = shared_file("samples", "scraped_article_taobao.txt").read_text(encoding="utf-8")
    article = clean(cleaner, raw)
    text = article.text
    for noise in ("淘宝群发软件", "来源@视觉中国", "免责声明", "如若转载", "发表回复", "登录后才能评论", "钛媒体App编辑"):
        assert noise not in text
    reasons = {r.reason for r in article.removed}
    assert {"spam_title", "image_credit", "disclaimer", "comment_box"} <= reasons
    assert "spam_title" in article.flags
    assert text.count("正式掌舵阿里中国数字业务板块的第6天") == 1
    # every real paragraph of the story survives whole
    story = [p.strip() for p in raw.split("\n") if p.strip()][3:-5]
    for paragraph in story:
        if paragraph.startswith("淘宝群发软件"):
            continue
        assert paragraph in text, paragraph[:20]
    assert_removals_index_raw(article, raw)
    assert SCRAPED.exists()
