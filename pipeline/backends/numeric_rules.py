"""Rules for the OntoNotes numeric and temporal types, with Chinese numerals and units.

DATE (2021年9月30日, 1月6日, 2018年底, 十几年, 去年), TIME (上午9点, 10时30分, 20:30),
PERCENT (74%, 百分之三十, 3个百分点), MONEY (9.53亿元, 人民币500万, $5), QUANTITY
(measurements: 30公里, 5吨), ORDINAL (第一, 第6) and CARDINAL (9.53亿, 6000万, 100).
Overlaps are resolved longest first, then by the order of ``RULES``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.text.regex_starts import finditer, first_chars

_CN_DIGIT = "零〇一二两三四五六七八九"
_CN_NUM = f"[{_CN_DIGIT}十百千万亿]"
_AR = r"\d+(?:[.,]\d+)*"
# A number: Arabic (with decimals and thousands separators) or Chinese numerals,
# optionally followed by a magnitude and an approximation word.
NUM = rf"(?:{_AR}(?:\s?[十百千万亿]+)?|{_CN_NUM}+)(?:多|余|几)?"
# a number is not part of a code, an address or a handle: not after a letter, a dot, a slash or @
# (t.cn/2015, @163.com), nor before a letter or @ (12345@qq.com)
_NOT_BEFORE = r"(?<![A-Za-z0-9.\-_/@])"
_NOT_AFTER = r"(?![A-Za-z0-9@])"

_RELATIVE_DAY = ("今年|去年|明年|前年|后年|今天|昨天|明天|前天|后天|昨日|今日|明日|本周|上周|下周|本月|上月|下月|当天|当日|"
                 "次日|翌日|近年|近日|日前|本世纪|上世纪|每年|每月|每周|每天|每日|本季度|上季度|下季度")
_DAYPART = "上午|下午|中午|晚上|晚间|夜间|凌晨|早上|早晨|清晨|傍晚|深夜|午夜|凌晨"
_CURRENCY = "元|块钱|美元|欧元|日元|英镑|港元|港币|澳元|加元|韩元|卢布|人民币|美金|新台币|比特币|法郎"
_MEASURE = (
    "平方公里|平方千米|平方米|立方米|公里|千米|厘米|毫米|米|公斤|千克|毫克|克|吨|斤|公顷|亩|毫升|升|"
    "摄氏度|℃|千瓦时|千瓦|兆瓦|瓦|伏|英里|英尺|海里|节|马力|GB|TB|MB|km|kg|mAh|mm|cm"
)

_YEAR = rf"(?:\d{{4}}|\d{{2}}|[{_CN_DIGIT}]{{2,4}})年"
_MONTH = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])月"
_DAY = r"(?:\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]"
_YEAR_SUFFIX = "(?:上半年|下半年|年初|年底|年末|年中|初|底|末)?"
_ERA = "(?:公元前?)?"  # 公元前221年, 公元2世纪: the era belongs to the date
_ERA_YEAR = rf"(?:{_YEAR}|公元前?(?:\d{{1,4}}|[{_CN_DIGIT}]{{1,4}})年)"  # after 公元 a year of any length
_PART_OF_CENTURY = "初|末|中叶|上半叶|下半叶|初期|中期|末期"
_QUARTER = "(?:第?[一二三四1-4]季度|[一二三四1-4]季|上半年|下半年)"
_FESTIVAL = "春节|除夕|元旦|元宵节|清明节|劳动节|五一劳动节|端午节|七夕|中秋节|国庆节|重阳节|圣诞节|情人节|国庆|五一"
# Measure words that belong to a count (10万台, 3人, 100万家, 1.5亿股): the count is a CARDINAL with them.
# 八成 is 80%, but 一成不变, 七成熟 and the words 成功, 成为… are not shares
_NOT_A_SHARE = "不|熟|功|为|立|员|本|绩|果|长|年|型|交|就|都|效|品|分|份|人|天|群|片|套|批|千|语|像|名|家|事|器"
_CLASSIFIER = ("人次|个|家|人|名|位|台|辆|件|条|项|所|座|户|股|笔|次|种|款|部|套|张|本|份|起|例|批|架|艘|只|头|"
               "棵|篇|幅|枚|颗|间|栋|场|轮|届|期|支|队|对|双|片|块|根|匹|亩|吨次|单")
_MONTH_SUFFIX = "(?:份|初|底|末|中旬|上旬|下旬)?"
_DAY_BEFORE_PART = f"{_RELATIVE_DAY}|(?:星期|周|礼拜)[一二三四五六日天]"  # 今天上午, 星期五下午 are TIMEs


@dataclass(frozen=True)
class NumericMatch:
    start: int
    end: int
    label: str
    norm: str


RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "DATE",
        re.compile(
            rf"{_NOT_BEFORE}(?:{_ERA_YEAR}{_YEAR_SUFFIX}(?:{_MONTH}{_MONTH_SUFFIX}(?:{_DAY})?)?|{_MONTH}{_DAY}|{_MONTH}{_MONTH_SUFFIX}"
            rf"(?=[^\d日号]|$))(?:(?:上午|下午|晚|凌晨|早)?(?={_DAYPART}))?"
        ),
    ),
    ("DATE", re.compile(rf"(?:{_RELATIVE_DAY})(?:{_MONTH}(?:{_DAY})?|{_YEAR_SUFFIX[3:-2]}|初|底"
                        rf"|(?:前|头|后)(?:{NUM}|几)个?多?(?:月|季度|周|天))?")),
    # month ranges: 1至10月份, 3-5月
    ("DATE", re.compile(rf"{_NOT_BEFORE}(?:{_YEAR})?(?:\d{{1,2}}|十[一二]?|[一二三四五六七八九])月?(?:至|到|-|—|～|~){_MONTH}{_MONTH_SUFFIX}")),
    ("DATE", re.compile(rf"(?:未来|过去|近|最近|此前|前|头)?{_NOT_BEFORE}第?(?:(?:数|几)?{NUM}|几|数|十几|几十)(?:多)?(?:年|个多?月|个?星期|周|天|个季度)(?:多)?(?:来|间)?(?![级度代])")),
    ("DATE", re.compile(rf"(?:{_YEAR}|{_RELATIVE_DAY})?{_QUARTER}")),
    ("DATE", re.compile(rf"(?:{_FESTIVAL})(?=[^\u4e00-\u9fff]|期间|前后|前|后|当天|假期|$)")),
    ("DATE", re.compile(r"(?:星期|周|礼拜)[一二三四五六日天]")),
    ("DATE", re.compile(rf"(?:{_NOT_BEFORE}{_ERA}(?:{_AR}|{_CN_NUM}+)|上|本|下)世纪(?:(?:{_AR}|{_CN_NUM}+)?年代|{_PART_OF_CENTURY})?"
                        rf"|{_NOT_BEFORE}(?:\d0|[二三四五六七八九]十)年代|{_NOT_BEFORE}\d0后")),
    ("DATE", re.compile(rf"{_NOT_BEFORE}\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}{_NOT_AFTER}")),
    (
        "TIME",
        re.compile(
            rf"(?:{_DAY_BEFORE_PART})?(?:{_DAYPART})?{_NOT_BEFORE}\d{{1,2}}[:：]\d{{2}}(?:[:：]\d{{2}})?{_NOT_AFTER}"
            rf"|(?:{_DAY_BEFORE_PART})?(?:{_DAYPART})(?:\d{{1,2}}|[{_CN_DIGIT}十]{{1,3}})[点时]"
            rf"(?:\d{{1,2}}分|[{_CN_DIGIT}十]{{1,3}}分|半|整)?"
            rf"|(?:{_DAY_BEFORE_PART})(?:{_DAYPART})"
            rf"|{_NOT_BEFORE}(?:{NUM}|半)个?(?:半)?(?:小时|钟头|分钟|秒钟)(?:多)?"
            rf"|{_NOT_BEFORE}\d{{1,2}}时(?:\d{{1,2}}分)?(?:\d{{1,2}}秒)?"
        ),
    ),
    (
        "PERCENT",
        re.compile(
            rf"{_NOT_BEFORE}(?:{_AR}|{_CN_NUM}+)(?:\s?[%％‰])|(?:百分之|千分之)[{_CN_DIGIT}十百点几]+"
            rf"|{_NOT_BEFORE}(?:{_AR}|{_CN_NUM}+)个百分点"
            rf"|(?<![\u4e00-\u9fff])[一二三四五六七八九]成(?:[一二三四五六七八九](?![\u4e00-\u9fff]))?(?!{_NOT_A_SHARE})"
            rf"|(?<=[近超逾约达占有成了到的过])[一二三四五六七八九]成(?:[一二三四五六七八九])?(?!{_NOT_A_SHARE})"
        ),
    ),
    (
        "MONEY",
        re.compile(
            rf"{_NOT_BEFORE}{NUM}\s?(?:{_CURRENCY})|(?:人民币|美元|港币|US\$|HK\$|RMB|\$|￥|¥|€|£)\s?{_AR}(?:\s?[十百千万亿]+)?(?:元)?"
        ),
    ),
    ("QUANTITY", re.compile(rf"{_NOT_BEFORE}{NUM}\s?(?:{_MEASURE}){_NOT_AFTER}")),
    ("ORDINAL", re.compile(rf"第(?:{_AR}|{_CN_NUM}+)(?:名|次|位|个|届|轮|批|期|座|家|项|条|代|号|任|版|排|场|局|关)?")),
    ("CARDINAL", re.compile(rf"{_NOT_BEFORE}(?:{_AR}/{_AR}|{_AR}(?:\s?[十百千万亿]+)?|(?:几|数)?[{_CN_DIGIT}十百千]*[十百千万亿][{_CN_DIGIT}十百千万亿]*)(?:多|余)?{_NOT_AFTER}")),
    # a count with its measure word; a lone Chinese digit (一个, 两家) is not worth an entity
    ("CARDINAL", re.compile(rf"{_NOT_BEFORE}(?:{_AR}(?:\s?[十百千万亿]+)?|[{_CN_DIGIT}十百千万亿]{{2,}}|[十百千万亿])(?:多|余)?(?:{_CLASSIFIER})")),
]
# Characters a match of a rule cannot do without (a rule is skipped on text with none of them):
# a TIME needs a clock sign, 时/钟, or a part of the day (上午, 晚上, 凌晨…); a PERCENT %, 分 (百分之,
# 百分点) or 成 (八成); MONEY a currency word or sign; an ORDINAL 第.
_GUARDS = {
    "TIME": re.compile("[时:：午晚夜凌早晨钟]"),
    "PERCENT": re.compile("[%％‰分成]"),
    "MONEY": re.compile("[元钱镑币布金郎$￥¥€£R]"),
    "ORDINAL": re.compile("第"),
}
# the same for single DATE rules, by their position in RULES: month ranges need 至/到/a dash,
# quarters 季 or 半年, decades 世纪, 年代 or 0后, ISO dates a separator
_RULE_GUARDS = {
    2: re.compile("[至到\\-—～~]"),
    4: re.compile("季|半年"),
    7: re.compile("[纪代后]"),
    8: re.compile("[-/.]"),
}
_PRIORITY = {label: i for i, label in enumerate(["DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"])}
_ISO_DATE = re.compile(r"^(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})[日号])?)?$")


def normalise_date(text: str) -> str:
    if text.startswith("公元") and not text.startswith("公元前"):  # 公元1949年10月1日 is 1949-10-01
        iso = normalise_date(text[2:])
        return iso if iso != text[2:] else text
    m = _ISO_DATE.match(text)
    if not m:
        return text
    year, month, day = m.groups()
    if month and not 1 <= int(month) <= 12 or day and not 1 <= int(day) <= 31:
        return text
    return "-".join([year] + [f"{int(x):02d}" for x in (month, day) if x])


# Every rule needs one of these (a digit, a numeral, 几/数, a relative day, a festival, 上/下半年,
# 星期日…); a sentence without any is skipped. Built from the rules' own pieces so it cannot drift.
_TRIGGER = re.compile(rf"[\d{_CN_DIGIT}十百千万亿几数半]|{_RELATIVE_DAY}|{_FESTIVAL}|半年|(?:星期|周|礼拜)[日天]")


# where each rule's matches can begin (most positions of a text begin none): the rules are tried there only
_STARTS = [first_chars(pattern) for _, pattern in RULES]


def find_numeric(text: str) -> list[NumericMatch]:
    """Non-overlapping numeric and temporal entities of ``text``, in order."""
    if not _TRIGGER.search(text):
        return []
    candidates = []
    for index, (label, pattern) in enumerate(RULES):
        guard = _RULE_GUARDS.get(index) or _GUARDS.get(label)
        if guard is not None and not guard.search(text):
            continue
        for m in finditer(pattern, _STARTS[index], text):
            if m.end() > m.start():
                candidates.append((m.start(), m.end(), label))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), _PRIORITY[c[2]], c[0]))
    taken: list[tuple[int, int, str]] = []
    occupied = bytearray(len(text))
    for start, end, label in candidates:
        if any(occupied[start:end]):
            continue
        occupied[start:end] = b"\x01" * (end - start)
        taken.append((start, end, label))
    taken.sort()
    out = []
    for start, end, label in taken:
        surface = text[start:end]
        if label == "CARDINAL" and len(surface) == 1 and not surface.isdigit():
            continue
        norm = normalise_date(surface) if label == "DATE" else surface
        out.append(NumericMatch(start, end, label, norm))
    return out
