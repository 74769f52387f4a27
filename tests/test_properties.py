"""Property-based tests: any Unicode text gives a valid record or a reject with a reason.

200 examples per property in CI (hypothesis profile "ci"), 2,000 with ``pytest --slow``.
"""
import json

import jsonschema
import pytest
from conftest import ROOT
from hypothesis import event, given
from hypothesis import strategies as st

import pipeline
from pipeline.backends.numeric_rules import find_numeric
from pipeline.config import CleanConfig
from pipeline.errors import InputError
from pipeline.record import Article
from pipeline.stages.clean import Cleaner
from pipeline.stages.sentences import split_sentences

SCHEMA = jsonschema.Draft202012Validator(json.loads((ROOT / "docs" / "article.schema.json").read_text(encoding="utf-8")))

NEWS_CHARS = list(
    "阿里巴巴集团总裁戴珊发布内部信淘宝直播天猫支付宝腾讯小米华为中国北京上海年月日时分亿万元的了在是和"
    "國際經濟發展與臺灣電視新聞"  # Traditional
    "，。！？；：、“”‘’（）《》【】——……·"
    "0123456789０１２３４５６７８９%％.-"
    "ABCxyz "
)
ODD_CHARS = ["\u200b", "\u200d", "\ufeff", "\u202e", "\x00", "\x07", "\r", "\t", "\n", "\n\n", "\u0301", "\u3000",
             "😀", "👨‍👩‍👧", "𠮷", "\ufffd", "<script>", "&amp;", "ﾟ", "ｶ", "ا", "ש", "Ж"]

unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
news_text = st.lists(st.one_of(st.sampled_from(NEWS_CHARS), st.sampled_from(ODD_CHARS)), max_size=300).map("".join)
sentence_pieces = st.sampled_from([
    "1月6日，阿里巴巴集团总裁戴珊发布内部信。", "淘宝直播继续独立运营，", "截至2021年9月30日，用户达9.53亿。",
    "“关注用户体验。”", "增长了50%", "免责声明：本站不承担责任。", "来源@视觉中国", "发表评论", "\n", " ", "\u200b",
])
article_text = st.lists(st.one_of(sentence_pieces, news_text), max_size=12).map("".join)
any_text = st.one_of(unicode_text, news_text, article_text)


@pytest.fixture(scope="module")
def full():
    return pipeline.load()


def check_record(article: Article) -> None:
    text = article.text
    assert text.strip()
    prev = 0
    for s, e in article.sentences:
        assert prev <= s < e <= len(text)
        prev = e
    prev = 0
    for s, e, pos in article.tokens:
        assert prev <= s < e <= len(text) and pos
        prev = e
    tokens = {(s, e) for s, e, _ in article.tokens}
    spans = sorted((e.start, e.end) for e in article.entities)
    for (s1, e1), (s2, _) in zip(spans, spans[1:]):
        assert e1 <= s2
    for ent in article.entities:
        assert text[ent.start : ent.end] == ent.text
        assert (ent.start, ent.end) in tokens
    for i in article.summary.sentences:
        assert 0 <= i < len(article.sentences)
    assert len(article.summary.text) <= 150
    line = article.to_json()
    assert not list(SCHEMA.iter_errors(json.loads(line)))
    assert Article.from_json(line) == article


@given(any_text, st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_property_whole_pipeline_gives_a_valid_record_or_a_reason(full, text, title):
    try:
        article = full(text, title=title)
    except InputError as exc:
        assert exc.reason
        event(f"rejected: {exc.reason.split(':')[0][:30]}")
        return
    event(f"record with {min(len(article.entities), 3)}+ entities")
    check_record(article)


@given(any_text)
def test_property_clean_removals_index_the_raw_text(text):
    cleaner = Cleaner(CleanConfig())
    try:
        article = cleaner(Article(id="p", source="p", text=text))
    except InputError as exc:
        assert "empty article" in exc.reason
        return
    assert article.text.strip() and article.text == article.text.strip()
    for removal in article.removed:
        assert text[removal.raw_start : removal.raw_end] == removal.text
    assert all(not ("\u200b" in p) for p in article.text.split("\n"))


@given(any_text)
def test_property_sentences_are_ordered_stripped_and_cover_all_visible_text(text):
    spans = split_sentences(text)
    prev = 0
    for s, e in spans:
        assert prev <= s < e <= len(text)
        assert text[s:e] == text[s:e].strip()
        prev = e
    covered = "".join(text[s:e] for s, e in spans)
    assert "".join(text.split()) == "".join(covered.split())


@given(any_text)
def test_property_numeric_rules_give_exact_non_overlapping_spans(text):
    prev = 0
    for m in find_numeric(text):
        assert prev <= m.start < m.end <= len(text)
        prev = m.end


@given(any_text)
def test_property_each_stage_alone_keeps_offsets_exact(full, text):
    try:
        article = full.make_article(text)
    except InputError:
        return
    for name, stage in full.stages:
        try:
            stage(article)
        except InputError:
            return
        if name != "clean":
            assert article.check_offsets() == []
    article.meta = dict(full.meta)  # process_batch sets it; the stages alone do not
    check_record(article)
