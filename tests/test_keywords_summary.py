from conftest import SAMPLES, assert_spans_exact

import pipeline


def test_keywords_are_content_words_best_first(nlp):
    article = nlp(
        "宁德时代董事长曾毓群表示，宁德时代在匈牙利建设的电池工厂进展顺利。"
        "宁德时代的动力电池装车量全球市场占有率为37.1%，电池业务继续位居全球第一。"
    )
    words = [k.text for k in article.keywords]
    assert words[0] == "宁德时代"
    assert "电池" in words
    assert "的" not in words and "37.1%" not in words
    scores = [k.score for k in article.keywords]
    assert scores == sorted(scores, reverse=True)


def test_summary_is_made_of_sentences_in_article_order_within_budget(nlp):
    text = (SAMPLES / "newswire.jsonl").read_text(encoding="utf-8")
    import json

    for line in text.splitlines():
        record = json.loads(line)
        article = nlp(record["text"], title=record["title"])
        summary = article.summary
        assert summary.sentences == sorted(summary.sentences)
        assert summary.text
        assert len(summary.text) <= 150
        assert_spans_exact(article)


def test_summary_of_one_sentence_article_is_that_sentence(nlp):
    article = nlp("小米集团创始人雷军宣布小米SU7的累计交付量已经突破10万台。")
    assert article.summary.sentences == [0]
    assert article.summary.text == article.text


def test_summary_budget_is_configurable():
    nlp = pipeline.load(summary__max_chars=40)
    text = "".join(f"第{i}家公司今年的营收同比增长了百分之{i}，利润也有所提升。" for i in range(1, 9))
    article = nlp(text)
    assert 0 < len(article.summary.text) <= 40


def test_summary_scraped_sample_mentions_the_story(scraped_record):
    article = scraped_record
    summary = article.summary.text
    assert summary and len(summary) <= 150
    assert "戴珊" in summary or "淘宝" in summary
    for s in article.summary.sentences:
        start, end = article.sentences[s]
        assert article.text[start:end] in summary
