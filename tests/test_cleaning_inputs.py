"""Cleaning scraped input end to end: HTML layouts, encodings, low-quality switches."""
import random

import pytest
from conftest import ROOT

import pipeline
from pipeline.config import InputConfig
from pipeline.io.readers import read_inputs
from pipeline.record import Article, Rejected

HTML = ROOT / "tests" / "data" / "html"
STORY = "国家统计局发布数据，十月份社会消费品零售总额同比增长百分之四点八，增速比上月加快。以旧换新政策持续显效，家用电器类零售额同比增长明显。"


def read_one(path):
    (item,) = list(read_inputs([str(path)], InputConfig()))
    return item


@pytest.mark.parametrize(
    "page,title,first,last,date",
    [
        ("portal_layout.html", "京东发布年度财报 全年营收首次突破1.1万亿元", "3月6日晚间，京东集团发布", "找到新的平衡点。", "2024-03-07"),
        ("blog_layout.html", "美团外卖推出无人机配送新航线", "5月20日，美团宣布", "将超过1000亿元。", "2024-05-20"),
    ],
)
def test_html_pages_give_title_date_and_clean_paragraphs(nlp, page, title, first, last, date):
    raw = read_one(HTML / page)
    assert isinstance(raw, Article)
    raw_text = raw.text
    article = nlp(raw)  # annotates the record in place
    assert article.title == title
    paragraphs = article.text.split("\n")
    assert paragraphs[0].startswith(first) and paragraphs[-1].endswith(last)
    assert len(paragraphs) >= 3  # paragraph boundaries survive
    for noise in ("首页", "广告", "相关阅读", "热门排行", "网友评论", "登录后才能评论", "版权所有", "分享到",
                  "扫一扫", "推荐阅读", "来源：示例资讯网", "责任编辑", "文/陈思远", "window.dataLayer"):
        assert noise not in article.text, noise
    # the markup's date, or the dateline of the byline under the title (文/陈思远　2024年5月20日)
    assert article.extra.get("date") == date
    for removal in article.removed:
        assert raw_text[removal.raw_start : removal.raw_end] == removal.text


@pytest.mark.parametrize(
    "encoding,text",
    [
        ("gbk", STORY),
        ("gb18030", STORY + "𠮷"),
        ("big5", "國家統計局發佈數據，十月份社會消費品零售總額同比增長百分之四點八，增速比上月加快。"),
        ("utf-8-sig", STORY),
        ("utf-16", STORY),
    ],
)
def test_encodings_are_detected_and_decoded(tmp_path, encoding, text):
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    article = read_one(path)
    assert isinstance(article, Article)
    assert article.text == text


def test_undecodable_bytes_are_rejected_naming_the_file(tmp_path):
    rng = random.Random(1)
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(rng.randrange(128, 256) for _ in range(300)))
    rejected = read_one(path)
    assert isinstance(rejected, Rejected)
    assert rejected.source == str(path) and "undecodable" in rejected.reason


def test_low_quality_articles_are_flagged_or_rejected_by_switch():
    flagging = pipeline.load("clean,sentences")
    assert "too_short" in flagging("腾讯发布财报。").flags
    assert "non_chinese" in flagging("Tencent reported revenue growth of eight percent on Wednesday.").flags
    rejecting = pipeline.load("clean,sentences", clean__low_quality="reject")
    with pytest.raises(pipeline.InputError, match="too_short"):
        rejecting("腾讯发布财报。")
    assert rejecting(STORY).flags == []


def test_spam_title_needs_low_overlap_and_a_spam_term(nlp):
    body = STORY * 2
    assert "spam_title" in nlp(body, title="免费下载股票软件 炒股群发工具").flags
    assert "spam_title" not in nlp(body, title="大美中国").flags  # a column name, not spam


def test_html_extraction_is_the_same_when_a_page_is_read_twice(tmp_path):
    """trafilatura's deduplicate cache spans calls; reading a page twice must not empty it."""
    first = read_one(HTML / "portal_layout.html")
    second = read_one(HTML / "portal_layout.html")
    assert isinstance(second, Article) and second.text == first.text
