import pytest

from pipeline.backends.numeric_rules import find_numeric, normalise_date


def found(text):
    return [(text[m.start : m.end], m.label) for m in find_numeric(text)]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("截至2021年9月30日，用户达9.53亿。", [("2021年9月30日", "DATE"), ("9.53亿", "CARDINAL")]),
        ("1月6日，戴珊发布内部信。", [("1月6日", "DATE")]),
        ("成交额增长了50%，另一项增长百分之三十。", [("50%", "PERCENT"), ("百分之三十", "PERCENT")]),
        ("累计用户超6000万。", [("6000万", "CARDINAL")]),
        ("十几年来，两家公司各自发展。", [("十几年来", "DATE")]),
        ("营收9.53亿元，增速加快1.6个百分点。", [("9.53亿元", "MONEY"), ("1.6个百分点", "PERCENT")]),
        ("上午9点30分开会，20:30结束。", [("上午9点30分", "TIME"), ("20:30", "TIME")]),
        ("卡车行驶了30公里，载重5吨。", [("30公里", "QUANTITY"), ("5吨", "QUANTITY")]),
        ("这是公司的第二座工厂。", [("第二座", "ORDINAL")]),
        ("事故造成3人死亡，两家公司各派一个小组，共27个省份。", [("3人", "CARDINAL"), ("27个", "CARDINAL")]),
        ("2018年底，天猫进行了调整。", [("2018年底", "DATE")]),
        ("投资人民币500万元。", [("人民币500万元", "MONEY")]),
        ("B2C还是C2C，iPhone15都不是数字。", []),
        ("来信请寄12345678@qq.com或zhang@163.com，@2024年会", []),  # mail addresses and handles
        ("公元前221年秦统一六国，公元2世纪传入", [("公元前221年", "DATE"), ("公元2世纪", "DATE")]),  # the era belongs to it
        ("20世纪末到21世纪，经历了数百年、数十年", [("20世纪末", "DATE"), ("21世纪", "DATE"), ("数百年", "DATE"),
                                             ("数十年", "DATE")]),
        ("一个年利润几十亿的业务", [("几十亿", "CARDINAL")]),
    ],
)
def test_numeric_rules_find_chinese_numbers_and_dates(text, expected):
    assert found(text) == expected


def test_numeric_rules_normalise_full_dates_to_iso():
    assert normalise_date("2021年9月30日") == "2021-09-30"
    assert normalise_date("2024年3月") == "2024-03"
    assert normalise_date("1月6日") == "1月6日"
    assert normalise_date("2021年13月1日") == "2021年13月1日"
    assert normalise_date("公元1949年10月1日") == "1949-10-01"
    assert normalise_date("公元前221年") == "公元前221年"


def test_guards_and_trigger_only_skip_work(monkeypatch):
    """The quick pre-checks never change what the rules find."""
    import re

    from conftest import SAMPLES

    import pipeline.backends.numeric_rules as rules

    texts = [line for path in sorted(SAMPLES.iterdir()) for line in path.read_text(encoding="utf-8").splitlines()]
    texts += ["今天上午9点", "星期五下午", "耗时两小时", "近八成", "US$5", "第十四届", "上半年", "春节期间", "周日", "１２：３０"]
    guarded = [rules.find_numeric(t) for t in texts]
    monkeypatch.setattr(rules, "_GUARDS", {})
    monkeypatch.setattr(rules, "_RULE_GUARDS", {})
    monkeypatch.setattr(rules, "_TRIGGER", re.compile(""))
    assert [rules.find_numeric(t) for t in texts] == guarded
