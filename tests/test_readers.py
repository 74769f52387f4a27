import gzip
import json

import pytest
from conftest import SAMPLES

from pipeline.config import InputConfig
from pipeline.errors import InputError
from pipeline.io.readers import expand_inputs, read_inputs
from pipeline.record import Article, Rejected


def read(*paths, **config):
    return list(read_inputs([str(p) for p in paths], InputConfig(**config)))


def test_readers_read_the_sample_corpus():
    items = read(SAMPLES)
    articles = [i for i in items if isinstance(i, Article)]
    assert not [i for i in items if isinstance(i, Rejected)]
    assert 6 <= len(articles) <= 10
    by_source = {a.source.rsplit("/", 1)[-1]: a for a in articles}
    assert by_source["newswire.jsonl:1"].id == "nw-2024-0001"
    assert by_source["newswire.jsonl:1"].extra["date"] == "2024-11-13"
    html = by_source["finance_portal_page.html"]
    assert html.title.startswith("支付宝推出")
    assert "蚂蚁集团" in html.text and "相关阅读" not in html.text and "京ICP备" not in html.text
    assert html.extra.get("date", "").startswith("2024-09-12")


def test_readers_reject_bad_jsonl_lines_with_file_and_line(tmp_path):
    path = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"id": "ok1", "text": "腾讯发布财报。"}, ensure_ascii=False).encode(),
        b"{not json",
        json.dumps({"title": "no text"}, ensure_ascii=False).encode(),
        b'{"text": 42}',
        b'["a list"]',
        '{"text": "坏字节'.encode() + b"\xff\xfe" + b'"}',
        b"",
        json.dumps({"text": "小米发布新车。", "id": 7}, ensure_ascii=False).encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = read(path)
    rejected = {r.source.rsplit(":", 1)[1]: r.reason for r in items if isinstance(r, Rejected)}
    assert set(rejected) == {"2", "3", "4", "5", "6"}
    assert "invalid JSON" in rejected["2"]
    assert "no text field" in rejected["3"]
    assert "must be a string" in rejected["4"]
    assert "JSON object" in rejected["5"]
    assert "undecodable" in rejected["6"]
    ok = [a for a in items if isinstance(a, Article)]
    assert [a.id for a in ok] == ["ok1", "7"]


def test_readers_jsonl_gz_and_truncated_gzip(tmp_path):
    good = tmp_path / "a.jsonl.gz"
    payload = "".join(json.dumps({"text": f"第{i}条新闻：比亚迪销量增长。"}, ensure_ascii=False) + "\n" for i in range(200))
    with gzip.open(good, "wt", encoding="utf-8") as handle:
        handle.write(payload)
    assert len([a for a in read(good) if isinstance(a, Article)]) == 200
    broken = tmp_path / "b.jsonl.gz"
    broken.write_bytes(good.read_bytes()[:-40])
    items = read(broken)
    assert isinstance(items[-1], Rejected) and "truncated" in items[-1].reason
    assert all(isinstance(a, Article) for a in items[:-1])


def test_readers_decode_gbk_and_reject_binary(tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("国家统计局发布数据，十月份社会消费品零售总额同比增长百分之四点八，增速比上月加快。".encode("gbk"))
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    items = read(gbk, binary)
    assert isinstance(items[0], Article) and items[0].text.startswith("国家统计局")
    assert isinstance(items[1], Rejected) and "binary" in items[1].reason


def test_readers_reject_html_without_body_and_unsupported_files(tmp_path):
    (tmp_path / "empty.html").write_text(
        "<html><head><title>页面</title></head><body><script>var a = 1;</script></body></html>", encoding="utf-8"
    )
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    items = read(tmp_path)
    reasons = sorted(r.reason for r in items if isinstance(r, Rejected))
    assert len(reasons) == 2
    assert any("no extractable article body" in r for r in reasons)
    assert any("unsupported file type" in r for r in reasons)


def test_readers_reject_articles_over_the_size_limit(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("新闻" * 100, encoding="utf-8")
    (item,) = read(path, max_chars=50)
    assert isinstance(item, Rejected) and "too long" in item.reason


def test_expand_inputs_fails_fast_on_missing_paths(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        expand_inputs([tmp_path / "nope.jsonl"])
    with pytest.raises(InputError, match="matches no file"):
        expand_inputs([str(tmp_path / "*.jsonl")])
