"""Trying a pattern only where its matches can begin finds exactly what finditer finds."""
import random
import re

from pipeline.backends.numeric_rules import RULES
from pipeline.text.regex_starts import finditer, first_chars


def test_first_characters_of_a_pattern():
    assert first_chars(re.compile(r"(?<![A-Z])(?:近|最近)?\d+年")).pattern == r"[近最\d]"
    assert first_chars(re.compile(r"第[一二]次")).pattern == "[第]"
    assert first_chars(re.compile(r"a*")) is None  # may match the empty string: every position
    assert first_chars(re.compile(r".x")) is None  # any character
    assert first_chars(re.compile(r"[^a]x")) is None  # a negated class


def test_matches_are_finditers_on_every_numeric_rule():
    alphabet = list("0123456789.,%：:/-@ 年月日号时分点半元亿万千百十零〇一二两三四五六七八九几数多余第今去前近公世纪代后期份个家人吨米季度上下午晚凌晨星周礼天ABQHxyz美港人民币成，。")
    rng = random.Random(20261206)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    texts += ["公元前221年到2024年3月5日上午9点，营收增长30%至9.53亿元，数百年来第一次", "12345@qq.com 20世纪末"]
    for _, pattern in RULES:
        starts = first_chars(pattern)
        for text in texts:
            assert [m.span() for m in finditer(pattern, starts, text)] == [m.span() for m in pattern.finditer(text)]
