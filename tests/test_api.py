import pytest

import pipeline
from pipeline.errors import ConfigError, InputError
from pipeline.record import Article, Rejected


def test_api_load_and_call_returns_a_record(nlp):
    rec = nlp("1月6日，阿里巴巴集团总裁戴珊发布内部信。")
    assert isinstance(rec, Article)
    assert {"戴珊", "阿里巴巴集团", "1月6日"} <= {e.text for e in rec.entities}
    assert rec.meta["config_hash"] == nlp.config.hash()
    assert "entities" in repr(nlp) and "Article(" in repr(rec)


def test_api_components_can_be_chosen_like_stanza_processors():
    seg = pipeline.load("clean,sentences,tokens")
    assert seg.stage_names == seg.component_names == ["clean", "sentences", "tokens"]
    rec = seg("腾讯发布财报。")
    assert rec.tokens and rec.entities == [] and rec.summary.text == ""


def test_api_unknown_or_misordered_components_fail_clearly():
    with pytest.raises(ConfigError, match="unknown stage 'sentiment'"):
        pipeline.load("clean,sentiment")
    with pytest.raises(ConfigError, match="requires"):
        pipeline.load("clean,tokens")


def test_api_pipe_yields_rejects_on_request(nlp):
    out = list(nlp.pipe(["小米发布新车。", "   ", "比亚迪销量增长。"], on_error="yield"))
    assert [type(o) for o in out] == [Article, Rejected, Article]
    with pytest.raises(InputError):
        list(nlp.pipe(["小米发布新车。", ""]))
    with pytest.raises(InputError):
        nlp("")


def test_api_repr_html_escapes_hostile_text(nlp):
    rec = nlp('阿里巴巴集团发布公告<script>alert(1)</script><img src=x onerror="alert(2)">。')
    html = rec._repr_html_()
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert "<mark" in html and "阿里巴巴集团" in html


def test_api_a_stage_crash_rejects_only_that_article(nlp, monkeypatch):
    keywords = nlp.get("keywords")
    original = keywords.__call__

    def flaky(article):
        if "爆炸" in article.text:
            raise RuntimeError("boom")
        return original(article)

    monkeypatch.setattr(type(keywords), "__call__", lambda self, a: flaky(a))
    out = nlp.process_batch([nlp.make_article("小米发布新车。"), nlp.make_article("爆炸新闻。"), nlp.make_article("腾讯发布财报。")])
    assert isinstance(out[0], Article) and isinstance(out[2], Article)
    assert isinstance(out[1], Rejected) and "keywords" in out[1].reason and "boom" in out[1].reason
