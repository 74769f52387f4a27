"""HTML pages the team writes: extraction, encodings, clutter, titles, metadata, non-articles.

Each page is built here (no copies of shared pages); each test states one behaviour.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import PipelineConfig
from pipeline.io.decode import declared_encoding, decode_text
from pipeline.io.readers import read_html
from pipeline.record import Article, Rejected
from pipeline.stages.clean import Cleaner

PARAGRAPHS = [
    "1月6日，阿里巴巴集团负责中国数字业务板块的总裁戴珊发布内部信，宣布淘宝直播将迎来新一轮组织调整。",
    "戴珊在信中表示，过去一年，淘宝直播的成交额增长超过30%，新的组织将更加聚焦用户体验和商家经营。",
    "业内人士认为，此次调整意在应对抖音、快手等平台的竞争，直播电商的格局仍在快速变化之中。",
    "据了解，调整后的淘宝直播将由原淘宝内容电商事业部负责人程道放继续带领，向戴珊汇报。",
]
NAV = '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/n">新闻</a></li><li><a href="/e">娱乐</a></li>' \
      '<li><a href="/s">体育</a></li><li><a href="/t">科技</a></li></ul>'


def page(body: str, head: str = "<title>淘宝直播迎来组织调整_示例新闻网</title>") -> str:
    return f"<!DOCTYPE html><html><head><meta charset=\"utf-8\">{head}</head><body>{NAV}{body}</body></html>"


def article_html(extra_after: str = "", byline: str = "") -> str:
    paras = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return page(f"<div class=\"article\"><h1>淘宝直播迎来组织调整</h1>{byline}{paras}</div>{extra_after}")


def read(tmp_path: Path, html: str | bytes, name: str = "page.html") -> Article | Rejected:
    path = tmp_path / name
    if isinstance(html, str):
        path.write_text(html, encoding="utf-8")
    else:
        path.write_bytes(html)
    return read_html(path, PipelineConfig().input)


def clean(article: Article) -> Article:
    return Cleaner(PipelineConfig().clean)(article)


def test_html_article_inside_a_table_is_found(tmp_path):
    rows = "".join(f"<tr><td class=\"txt\">{p}</td></tr>" for p in PARAGRAPHS)
    html = page(f"<table width=\"760\"><tr><td>{NAV}</td></tr><tr><td><table>{rows}</table></td></tr>"
                "<tr><td><a href=\"/a\">关于我们</a> | <a href=\"/c\">联系我们</a></td></tr></table>")
    article = clean(read(tmp_path, html))
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text
    assert "关于我们" not in article.text


def test_html_gb2312_page_with_a_bad_byte_decodes_and_is_flagged(tmp_path):
    html = article_html().replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" '
                                                            'content="text/html; charset=gb2312">')
    data = html.encode("gb18030")
    cut = data.index(PARAGRAPHS[2][:4].encode("gb18030"))
    data = data[:cut] + b"\xff" + data[cut:]  # one byte no GB encoding has
    article = read(tmp_path, data)
    assert isinstance(article, Article), article
    assert "decode_errors:1" in article.flags
    assert PARAGRAPHS[0] in article.text and PARAGRAPHS[3] in article.text


def test_html_charset_declared_late_in_the_head_is_used():
    filler = "<!-- " + "x" * 3000 + " -->"
    data = (f"<html><head>{filler}<meta content=\"text/html; charset=gb2312\" http-equiv=\"Content-Type\">"
            f"</head><body><p>{PARAGRAPHS[0]}</p></body></html>").encode("gb2312")
    assert declared_encoding(data) == "gb18030"
    assert PARAGRAPHS[0] in decode_text(data, "page.html", html=True).text


def test_html_gb_page_without_declaration_is_not_read_as_cyrillic():
    data = ("<html><body>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</body></html>").encode("gb18030")
    decoded = decode_text(data, "page.html", html=True)
    assert decoded.encoding == "gb18030" and PARAGRAPHS[1] in decoded.text


def test_html_fragment_without_html_and_body_is_extracted(tmp_path):
    fragment = "<div class=\"post\">" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>"
    article = read(tmp_path, fragment, "snippet.html")
    assert isinstance(article, Article), article
    assert PARAGRAPHS[0] in clean(article).text


def test_html_comment_block_and_related_list_are_cut_and_recorded(tmp_path):
    related = "<div class=\"related\"><h3>相关阅读</h3><ul>" + "".join(
        f"<li><a href=\"/r{i}\">{t}</a></li>" for i, t in enumerate(
            ["抖音电商发布年度报告", "快手公布第三季度财报", "京东启动年货节活动"])) + "</ul></div>"
    comments = ("<div class=\"comments\"><h3>网友评论</h3><p>用户A：说得好，支持一下</p>"
                "<p>用户B：淘宝直播以后会更好吗</p><p>登录后才能评论</p></div>")
    article = clean(read(tmp_path, article_html(related + comments)))
    assert article.text.endswith(PARAGRAPHS[-1])
    for noise in ("相关阅读", "抖音电商发布年度报告", "网友评论", "用户A", "用户B"):
        assert noise not in article.text


def test_text_comment_block_and_related_list_at_the_end_are_cut_and_recorded():
    """Scraped text keeps what an extractor would have dropped: the tail rules cut it."""
    tail = ["相关阅读", "抖音电商发布年度报告", "快手公布第三季度财报", "网友评论", "用户A：说得好，支持一下"]
    article = clean(Article(id="c", source="t.txt", text="\n".join(PARAGRAPHS + tail)))
    assert article.text.endswith(PARAGRAPHS[-1])
    reasons = {r.text: r.reason for r in article.removed}
    assert reasons["相关阅读"] == "related_list" and reasons["网友评论"] == "related_list"
    assert reasons["快手公布第三季度财报"] == "related_list"


def test_text_heading_in_the_first_half_is_not_a_tail():
    text = "\n".join([PARAGRAPHS[0], "相关阅读", *PARAGRAPHS[1:]])
    article = clean(Article(id="d", source="t.txt", text=text))
    assert all(p in article.text for p in PARAGRAPHS)


def test_html_og_title_cut_by_a_quote_loses_to_the_full_title(tmp_path):
    head = ('<title>男孩因不想上补习班 写"作业"请假条走红-示例新闻网</title>'
            '<meta property="og:title" content="男孩因不想上补习班 写"作业"请假条走红">')
    body = ("<h1>男孩因不想上补习班 写\"作业\"请假条走红</h1><p>近日，一名男孩因不想上补习班，用写作业的方式给父母"
            "写了一张请假条，请假条在网上走红。</p><p>男孩的母亲说，孩子平时成绩不错，只是周末补习班太多，"
            "孩子感到很累，这张请假条让她开始反思。</p><p>网友纷纷留言，认为家长应当给孩子留出休息和玩耍的时间。</p>")
    article = clean(read(tmp_path, page(body, head)))
    assert article.title == '男孩因不想上补习班 写"作业"请假条走红'
    assert not article.text.startswith('作业')
    assert article.text.startswith("近日，一名男孩")


def test_html_site_name_is_stripped_from_the_title(tmp_path):
    article = clean(read(tmp_path, article_html()))
    assert article.title == "淘宝直播迎来组织调整"


def test_html_index_page_is_flagged_not_article(tmp_path):
    items = "".join(f"<li><a href=\"/n{i}\">{t}</a><span>2024-01-0{i % 9 + 1}</span></li>" for i, t in enumerate(
        ["阿里巴巴发布内部信", "淘宝直播组织调整", "抖音电商年度报告发布", "快手第三季度财报公布", "京东年货节启动",
         "拼多多海外业务增长", "美团无人机配送新航线", "小米汽车交付量创新高", "华为发布新款手机", "百度文心大模型升级"]))
    html = page(f"<div class=\"list\"><h2>新闻列表</h2><ul>{items}</ul></div>",
                "<title>新闻列表_示例新闻网</title>")
    article = read(tmp_path, html)
    if isinstance(article, Rejected):  # an extractor may find nothing at all: a reject says so
        assert "no extractable article body" in article.reason
        return
    assert "not_article" in article.flags
    # with clean.low_quality=reject the page becomes a reject naming the reason
    config = PipelineConfig().with_overrides(["clean.low_quality=reject"])
    with pytest.raises(Exception, match="not_article"):
        Cleaner(config.clean)(article)


def test_html_article_is_not_flagged_not_article(tmp_path):
    article = read(tmp_path, article_html())
    assert "not_article" not in article.flags


def test_html_byline_is_parsed_into_fields(tmp_path):
    byline = "<p class=\"info\">2024年1月6日 10:30　来源：新华网　记者 张伟 王芳</p>"
    html = article_html(byline=byline, extra_after="<p>（责任编辑：李明）</p>")
    article = clean(read(tmp_path, html))
    assert article.extra["date"] == "2024-01-06"
    assert article.extra["datetime"] == "2024-01-06T10:30"
    assert article.extra["author"] == "张伟 王芳" and article.extra["authors"] == ["张伟", "王芳"]
    assert article.extra["outlet"] == "新华网"
    assert article.extra["editor"] == "李明"
    assert "责任编辑" not in article.text


def test_text_byline_removed_by_cleaning_becomes_fields():
    text = "记者 陈思远\n" + "\n".join(PARAGRAPHS) + "\n责任编辑：刘洋"
    article = clean(Article(id="a", source="t.txt", text=text))
    assert article.extra["author"] == "陈思远" and article.extra["editor"] == "刘洋"
    assert "陈思远" not in article.text


def test_interview_questions_and_captions_inside_a_body_are_kept():
    interview = [
        PARAGRAPHS[0],
        PARAGRAPHS[1],
        PARAGRAPHS[2],
        "记者：淘宝直播这次调整，最想解决的问题是什么？",
        "程道放：最重要的是让商家的经营更确定，让用户看到更好的内容。",
        "编辑：您怎么看待抖音和快手的竞争？",
        "图片：杭州阿里巴巴西溪园区的直播间",
        "程道放：竞争让整个行业变得更好，我们会专注于自己的节奏。",
        PARAGRAPHS[3],
        "我们还会继续投入。",
        "这是第十一段。",
        "这是第十二段。",
        "这是第十三段。",
        "这是第十四段。",
    ]
    article = clean(Article(id="b", source="t.txt", text="\n".join(interview)))
    for line in interview[3:8]:
        assert line in article.text, line


def test_eval_html_scores_a_gold_folder_the_team_writes(tmp_path, capsys):
    from pipeline.cli import main

    for kind in ("original", "cleaned", "date", "author"):
        (tmp_path / kind).mkdir()
    byline = "<p class=\"info\">2024年1月6日 10:30　来源：新华网　记者 张伟</p>"
    (tmp_path / "original" / "p1.html").write_text(article_html(byline=byline), encoding="utf-8")
    (tmp_path / "cleaned" / "p1.txt").write_text("\n".join(PARAGRAPHS), encoding="utf-8")
    (tmp_path / "date" / "p1.txt").write_text("2024-01-06 10:30", encoding="utf-8")
    (tmp_path / "author" / "p1.txt").write_text("张伟", encoding="utf-8")
    (tmp_path / "original" / "p2.html").write_text("<html><body></body></html>", encoding="utf-8")
    (tmp_path / "cleaned" / "p2.txt").write_text(PARAGRAPHS[0], encoding="utf-8")
    assert main(["eval", "html", "--gold-dir", str(tmp_path), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    pages = {p["id"]: p for p in scores["per_page"]}
    assert pages["p1"]["f1"] > 0.99 and pages["p1"]["date"] and pages["p1"]["author"]
    assert pages["p2"]["empty"] and pages["p2"]["f1"] == 0.0 and "no extractable" in pages["p2"]["error"]
    assert scores["empty"] == 1 and scores["date_accuracy"] == 1.0


CWCED = Path(__file__).resolve().parents[2] / "shared" / "data" / "html" / "cwced_dev"


@pytest.mark.skipif(not CWCED.is_dir(), reason="../shared/data/html/cwced_dev is absent")
def test_eval_html_on_the_human_labelled_pages_meets_the_bars():
    from pipeline.evaluation.html import evaluate_html, read_html_gold, zhnews_extractor

    scores = evaluate_html(read_html_gold(CWCED), zhnews_extractor()).to_dict()
    assert scores["f1"] >= 0.92
    assert scores["empty"] == 0
    assert scores["date_accuracy"] >= 0.85 and scores["author_accuracy"] >= 0.5
