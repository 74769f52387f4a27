from conftest import assert_spans_exact

import pipeline
from pipeline.stages.segmenter import JiebaSegmenter


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
    plain = pipeline.load("clean,sentences,tokens")
    adapted = pipeline.load("clean,sentences,tokens", tokens__lexicons=[str(lexicon)])
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
