import json

import pytest
from conftest import SAMPLES, assert_spans_exact, shared_file

import pipeline
from pipeline.cli import main
from pipeline.io.readers import read_inputs
from pipeline.record import Article


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


TEXT = (
    "1月6日，阿里巴巴集团负责中国数字业务板块的总裁戴珊发布内部信。阿里在中国市场拥有9.53亿用户。"
    "淘宝直播和购物继续独立运营，淘宝直播的地位在提升。商家运营和用户体验是调整的重点，商家运营更受重视。"
)


def test_keywords_count_entities_under_their_canonical_name(nlp):
    words = {k.text for k in nlp(TEXT).keywords}
    assert "阿里巴巴集团" in words and "阿里" not in words


@pytest.mark.parametrize("mode", ["boost", "exclude"])
def test_keywords_entity_switch(mode):
    keep = {k.text: k.score for k in pipeline.load()(TEXT).keywords}
    other = {k.text: k.score for k in pipeline.load(keywords__entities=mode)(TEXT).keywords}
    if mode == "exclude":
        assert "淘宝直播" in keep and "淘宝直播" not in other and "阿里巴巴集团" not in other
    else:
        assert other["淘宝直播"] == pytest.approx(keep["淘宝直播"] * 1.5, abs=1e-5)


def test_keywords_textrank_joins_recurring_neighbours_into_keyphrases():
    article = pipeline.load(keywords__method="textrank")(TEXT)
    words = [k.text for k in article.keywords]
    assert "商家运营" in words
    assert article.meta["models"]["keywords"].startswith("textrank")


def test_idf_command_builds_a_table_that_runs_use(tmp_path):
    table = tmp_path / "idf.txt"
    assert main(["idf", str(SAMPLES), "-o", str(table), "--min-df", "1"]) == 0
    rows = dict(line.split() for line in table.read_text(encoding="utf-8").splitlines())
    assert "腾讯" in rows and float(rows["腾讯"]) > 0
    assert all(any(c.isalpha() for c in w) for w in rows)
    nlp = pipeline.load(keywords__idf=str(table))
    assert nlp(TEXT).keywords and "idf=idf.txt" in nlp.meta["models"]["keywords"]


def sample_articles():
    items = list(read_inputs([SAMPLES]))
    return [a for a in items if isinstance(a, Article)]


@pytest.mark.parametrize("budget", [60, 150])
def test_summary_of_every_sample_is_within_budget_and_made_of_its_sentences(budget):
    nlp = pipeline.load(summary__max_chars=budget)
    for raw in sample_articles():
        article = nlp(raw)
        summary = article.summary
        assert summary.method == "extractive"
        assert 0 < len(summary.text) <= budget, article.source
        assert summary.sentences == sorted(summary.sentences)
        if len(summary.sentences) > 1 or summary.text == article.text[slice(*article.sentences[summary.sentences[0]])]:
            assert_spans_exact(article)
        else:  # one sentence cut to the budget: a prefix of it
            s, e = article.sentences[summary.sentences[0]]
            assert article.text[s:e].startswith(summary.text)


def test_summary_scraped_sample_is_clean_and_names_the_actors(scraped_record):
    article = scraped_record
    summary = article.summary.text
    assert 0 < len(summary) <= 150
    assert "戴珊" in summary and ("淘宝" in summary or "天猫" in summary)
    for noise in ("免责声明", "来源@", "发表回复", "淘宝群发软件"):
        assert noise not in summary
    for s in article.summary.sentences:
        start, end = article.sentences[s]
        assert article.text[start:end] in summary


def test_summary_one_long_sentence_is_cut_inside_the_budget():
    nlp = pipeline.load(summary__max_chars=40)
    text = "小米集团创始人雷军在北京宣布，小米SU7的累计交付量已经突破10万台，提前完成了全年交付目标，公司将继续扩大产能。"
    article = nlp(text)
    assert article.summary.sentences == [0]
    assert 0 < len(article.summary.text) <= 40
    assert text.startswith(article.summary.text)
    assert article.summary.text[-1] in "，,；;：:、" or len(article.summary.text) >= 20


def test_summary_avoids_repeating_itself():
    text = (
        "比亚迪3月18日发布业绩预告，一季度净利润同比增长约21%。"
        "比亚迪3月18日发布业绩预告，一季度净利润同比增长约21%左右。"
        "公司董事长王传福表示，技术才是比亚迪最重要的武器。"
        "乘联会秘书长崔东树认为，价格战有利于新能源汽车的普及。"
    )
    article = pipeline.load(summary__max_chars=90)(text)
    chosen = article.summary.sentences
    assert not {0, 1} <= set(chosen)


def test_summary_prefers_the_sentence_about_the_title():
    text = (
        "今年以来，新能源汽车市场竞争明显加剧，多家车企相继降价。"
        "宁德时代董事长曾毓群表示，匈牙利电池工厂将在2025年投产。"
        "业内人士认为，价格战短期内会压缩车企利润。"
    )
    nlp = pipeline.load(summary__max_chars=35)
    assert nlp(text, title="宁德时代匈牙利电池工厂明年投产").summary.sentences == [1]


def test_summary_handles_bullets_quotes_and_very_long_articles():
    nlp = pipeline.load(summary__max_chars=120)
    bullets = "本文总结了可穿戴产品的设计原则：\n1.为人们解决重复性问题；\n2.从人开始，而不是从机器开始；\n3.要引起注意，但不要刻意。"
    quotes = "“我们会继续投入。”马化腾说。“人工智能是长期的事。”“用户体验最重要。”他补充道。"
    long = "".join(f"第{i}家企业的营收同比增长了百分之{i % 50}，利润也有所提升。" for i in range(3000))
    for text in (bullets, quotes, long):
        article = nlp(text)
        assert 0 < len(article.summary.text) <= 120
        assert_spans_exact(article)


def test_eval_summary_prints_baselines_beside_ours(tmp_path, capsys):
    data = tmp_path / "pairs.jsonl"
    rows = [
        {"article": "腾讯发布第三季度财报，营收同比增长8%。微信月活跃账户达到13.82亿。游戏业务保持稳定。", "ref": "腾讯三季度营收增长8%", "q": 5},
        {"article": "小米SU7累计交付量突破10万台。雷军表示工厂二期明年投产。", "ref": "小米SU7交付突破10万台", "q": 1},
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    args = ["eval", "summary", "--data", str(data), "--text-field", "article", "--summary-field", "ref", "--json"]
    assert main(args) == 0
    scores = json.loads(capsys.readouterr().out)
    assert set(scores) == {"lead-1", "lead-3", "textrank (plain)", "zhnews"}
    assert scores["zhnews"]["pairs"] == 2
    assert main([*args, "--where", "q>=3"]) == 0
    assert json.loads(capsys.readouterr().out)["lead-1"]["pairs"] == 1


def test_eval_summary_on_lcsts_reaches_the_lead_baseline(capsys):
    data = shared_file("summarization", "lcsts_part3.jsonl")
    args = ["eval", "summary", "--data", str(data), "--where", "human_label>=3", "--max-chars", "60",
            "--set", "summary.max_sentences=1", "--json"]
    assert main(args) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["zhnews"]["pairs"] == 725
    assert scores["zhnews"]["rouge1"] >= scores["lead-1"]["rouge1"]
    assert scores["zhnews"]["rouge1"] >= scores["textrank (plain)"]["rouge1"]


def test_summary_never_quotes_datelines_or_furniture():
    text = ("原标题：多地加快推进新能源汽车下乡\n"
            "新华社北京3月5日电（记者 张晓 李明）工业和信息化部5日表示，今年将组织新一轮新能源汽车下乡活动，覆盖200个县。\n"
            "活动将联合比亚迪、吉利等车企推出专属车型，并完善县域充电设施。\n"
            "责任编辑：王芳")
    nlp = pipeline.load()
    article = nlp(text)
    summary = article.summary
    assert summary.text.startswith("工业和信息化部5日表示")
    assert "新华社" not in summary.text and "原标题" not in summary.text and "责任编辑" not in summary.text
    first = article.sentences[summary.sentences[0]]
    assert article.text[first[0] : first[1]].endswith(summary.text.split("。")[0] + "。")


def test_summary_furniture_rules_are_data_with_line_errors(tmp_path):
    from pipeline.errors import ResourceError
    from pipeline.text.news_furniture import load_furniture

    rules = load_furniture()
    assert rules.lead_length("央视网消息（新闻联播）：1月1日，习近平发表新年贺词。") == len("央视网消息（新闻联播）：")
    assert rules.lead_length("公司发布消息：明天起调价。") == 0  # not a dateline
    assert rules.lead_length("本报讯（记者王五）") == 0  # never cut a sentence to nothing
    # a transcript's greeting and a section heading standing alone are furniture; a slogan and a
    # numbered sentence are not
    for furniture in ("各位好，我是安东尼。", "欢迎收听法国报纸摘要。", "各位观众朋友大家好。", "三、怎样评价这场运动？"):
        assert rules.is_furniture(furniture), furniture
    for sentence in ("大家好才是真的好。", "十一、北京市政府决定自明年起实施新的交通管理办法以缓解拥堵。",
                     "1.为人们解决重复性问题；"):
        assert not rules.is_furniture(sentence), sentence
    bad = tmp_path / "furniture.tsv"
    bad.write_text("lead\t^新华社\nbody\t^x\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"furniture\.tsv:2: kind must be one of lead, skip"):
        load_furniture(str(bad))


def test_summary_budget_grows_with_the_article_and_max_chars_wins():
    from pipeline.config import SummaryConfig

    auto = SummaryConfig()
    assert auto.budget(100) == 60 and auto.budget(600) == 90 and auto.budget(9000) == 120
    assert SummaryConfig(max_chars=40).budget(9000) == 40
    places = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆", "天津", "苏州"]
    goods = ["新能源汽车", "集成电路", "工业机器人", "光伏组件", "锂电池", "服务器"]
    sentences = [f"{p}市统计局今天发布数据，前三季度{g}产量同比增长{k + 3}%，{p}工业运行总体平稳。"
                 for k, (p, g) in enumerate((p, g) for p in places for g in goods[:2])]
    nlp = pipeline.load()
    short = nlp("".join(sentences[:2])).summary.text
    longer = nlp("".join(sentences)).summary.text
    assert len(short) <= 60 < len(longer) <= 150


def test_a_headline_first_line_of_text_input_becomes_the_title_not_the_summary():
    text = ("宁德时代匈牙利电池工厂明年投产\n"
            "今年以来，新能源汽车市场竞争明显加剧，多家车企相继降价。"
            "宁德时代董事长曾毓群表示，匈牙利电池工厂将在2025年投产。"
            "业内人士认为，价格战短期内会压缩车企利润。")
    article = pipeline.load(summary__max_chars=35)(text)
    assert article.title == "宁德时代匈牙利电池工厂明年投产"
    assert "明年投产" not in article.summary.text  # the headline is the title, not repeated as the summary
    assert article.summary.text == "宁德时代董事长曾毓群表示，匈牙利电池工厂将在2025年投产。"  # the title chose it
