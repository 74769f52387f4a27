import pytest

from pipeline.stages.sentences import split_sentences


def texts(text, **kw):
    return [text[s:e] for s, e in split_sentences(text, **kw)]


def test_sentences_keep_closing_quotes_with_their_sentence():
    text = "戴珊说：“关注用户体验，创造客户价值。”这也是她一贯的风格。"
    assert texts(text) == ["戴珊说：“关注用户体验，创造客户价值。”", "这也是她一贯的风格。"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("真的吗？！是的。", ["真的吗？！", "是的。"]),
        ("他沉默了……然后离开。", ["他沉默了……", "然后离开。"]),
        ("第一段没有句号\n第二段。", ["第一段没有句号", "第二段。"]),
        ("  前后有空格。  后一句。 ", ["前后有空格。", "后一句。"]),
        ("增长了9.53亿，即5.5%。", ["增长了9.53亿，即5.5%。"]),
        ("《人民日报》发表评论（全文见第二版）。", ["《人民日报》发表评论（全文见第二版）。"]),
        ("", []),
    ],
)
def test_sentences_split_on_chinese_terminators(text, expected):
    assert texts(text) == expected


def test_sentences_cap_long_sentences_at_commas():
    text = "甲乙丙丁，戊己庚辛，壬癸子丑寅卯辰巳午未。"
    pieces = texts(text, max_chars=10)
    assert "".join(pieces) == text
    assert all(len(p) <= 10 for p in pieces)
    assert pieces[0] == "甲乙丙丁，戊己庚辛，"
