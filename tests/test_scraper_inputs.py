"""Inputs that scrapers produce: CSV/TSV with a header, raw HTML inside rows (JSONL, CSV,
Parquet), web archives (WARC), Chinese field names; each bad row a reject with file:line."""
import gzip
import io
import json

import pytest

from pipeline.config import PipelineConfig
from pipeline.io.readers import read_inputs
from pipeline.record import Article, Rejected

STORY = "国家统计局发布数据，十月份社会消费品零售总额同比增长百分之四点八，增速比上月加快，消费市场持续恢复。"
PAGE = ("<html><head><meta charset='utf-8'><title>消费市场持续恢复_新闻网</title></head><body>"
        "<nav><a href='/'>首页</a> <a href='/a'>财经</a></nav><article><h1>消费市场持续恢复</h1>"
        f"<p>{STORY}</p><p>{STORY.replace('十月份', '十一月份')}</p><p>专家表示，消费回暖的势头有望延续。</p>"
        "</article></body></html>")


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Rejected)]


def test_a_csv_with_a_header_is_one_article_a_row_and_a_bad_row_is_a_reject(tmp_path):
    src = tmp_path / "export.csv"
    src.write_text(f'id,title,content\n1,消费回暖,"{STORY}"\n2,"带逗号,的标题","第二篇：{STORY}"\n3,only two\n'
                   f'4,多行,"第一行\n第二行{STORY}"\n', encoding="utf-8")
    articles, rejects = split(read_inputs([src]))
    assert [a.id for a in articles] == ["1", "2", "4"]
    assert articles[1].title == "带逗号,的标题" and articles[0].text == STORY
    assert "id" not in articles[0].extra and "\n" in articles[2].text
    (bad,) = rejects
    assert bad.source == f"{src}:4" and "2 fields" in bad.reason


def test_tsv_gzipped_csv_and_gbk_csv(tmp_path):
    (tmp_path / "a.tsv").write_text(f"标题\t正文\n消费\t{STORY}\n", encoding="utf-8")
    with gzip.open(tmp_path / "b.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write(f"title,text\n消费,{STORY}\n")
    (tmp_path / "c.csv").write_bytes(f"标题,正文\n消费,{STORY}\n".encode("gbk"))
    articles, rejects = split(read_inputs([tmp_path]))
    assert not rejects and len(articles) == 3
    assert all(a.text == STORY and a.title == "消费" for a in articles)


def test_chinese_field_names_and_a_reject_that_says_what_it_found(tmp_path):
    src = tmp_path / "rows.jsonl"
    rows = [{"标题": "消费回暖", "正文": STORY, "发布时间": "2024年3月5日 10:20", "链接": "https://news.example.cn/a.html"},
            {"题目": "x", "文本": STORY}]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    (article,), (bad,) = split(read_inputs([src]))
    assert article.title == "消费回暖" and article.text == STORY
    assert article.extra["date"].startswith("2024-03-05") and article.extra["url"] == "https://news.example.cn/a.html"
    assert bad.source == f"{src}:2" and "题目, 文本" in bad.reason and "--set input.text_fields=" in bad.reason


def test_raw_html_in_jsonl_and_csv_rows_goes_through_the_page_extraction(tmp_path):
    src = tmp_path / "feed.jsonl"
    rows = [{"url": "https://news.example.cn/2024/a.html", "html": PAGE, "spider": "s1"},
            {"url": "https://news.example.cn/2024/b.html", "html": "<html><body><script>x()</script></body></html>"}]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    (article,), (bad,) = split(read_inputs([src]))
    assert article.source == "https://news.example.cn/2024/a.html" and article.extra["row"] == f"{src}:1"
    assert STORY in article.text and article.title.startswith("消费市场持续恢复")
    assert any("首页" in cut.text for cut in article.removed)  # the menu line, cut by the clean stage
    assert article.extra["spider"] == "s1" and not isinstance(article.extra["html"], str)  # the page is not kept
    assert bad.source == f"{src}:2"
    csv_src = tmp_path / "pages.csv"
    csv_src.write_text('link,raw_html\nhttps://news.example.cn/c.html,"' + PAGE.replace('"', '""') + '"\n',
                       encoding="utf-8")
    (page,), _ = split(read_inputs([csv_src]))
    assert page.source == "https://news.example.cn/c.html" and STORY in page.text


def test_raw_html_in_a_parquet_file(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table({"url": ["https://news.example.cn/p.html", "https://news.example.cn/q.html"],
                      "html": [PAGE, "<p></p>"]})
    pq.write_table(table, tmp_path / "pages.parquet")
    articles, rejects = split(read_inputs([tmp_path / "pages.parquet"]))
    assert [a.source for a in articles] == ["https://news.example.cn/p.html"] and STORY in articles[0].text
    assert len(rejects) == 1 and rejects[0].source.endswith("pages.parquet#1")


def _warc(path, records):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=str(path).endswith(".gz"))
        for uri, content_type, body, date in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers,
                                               warc_headers_dict={"WARC-Date": date})
            writer.write_record(record)


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_web_archive_gives_one_article_per_html_response(tmp_path, name):
    pytest.importorskip("warcio")
    gbk_page = PAGE.replace("charset='utf-8'", "charset='gbk'").encode("gbk")
    _warc(tmp_path / name, [
        ("https://news.example.cn/a.html", "text/html; charset=utf-8", PAGE.encode("utf-8"), "2024-03-05T08:00:00Z"),
        ("https://news.example.cn/logo.png", "image/png", b"\x89PNG\r\n", "2024-03-05T08:00:01Z"),
        ("https://news.example.cn/b.html", "text/html", gbk_page, "2024-03-06T09:00:00Z"),
        ("https://news.example.cn/empty.html", "text/html", b"<html><body></body></html>", "2024-03-06T09:00:00Z"),
    ])
    articles, rejects = split(read_inputs([tmp_path / name]))
    assert [a.source for a in articles] == ["https://news.example.cn/a.html", "https://news.example.cn/b.html"]
    assert all(STORY in a.text for a in articles)
    assert articles[1].extra["date"] == "2024-03-06" and articles[1].extra["warc_date"] == "2024-03-06T09:00:00Z"
    (bad,) = rejects
    assert bad.source.startswith(str(tmp_path / name) + "#") and "empty.html" in bad.reason


def test_a_damaged_web_archive_is_a_reject_not_a_crash(tmp_path):
    pytest.importorskip("warcio")
    (tmp_path / "bad.warc.gz").write_bytes(b"\x1f\x8b\x08\x00garbage" * 20)
    (item,) = read_inputs([tmp_path / "bad.warc.gz"], PipelineConfig().input)
    assert isinstance(item, Rejected) and "bad.warc.gz" in item.source


def test_an_unclosed_quote_is_a_reject_naming_its_row_not_a_silent_merge(tmp_path):
    src = tmp_path / "broken.csv"
    src.write_text(f'id,content\n1,"{STORY}"\n2,"{STORY}\n3,{STORY}\n', encoding="utf-8")
    articles, rejects = split(read_inputs([src]))
    assert [a.id for a in articles] == ["1"]
    (bad,) = rejects
    assert bad.source == f"{src}:3" and "unclosed quote" in bad.reason
