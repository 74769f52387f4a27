"""People named only by what they say or do, or by their job: 据道方介绍, 由道方和千城负责, CTO鲁肃将….

Taggers miss names they have never seen, and news is full of them: nicknames (阿里's 花名
such as 道方, 千城), transliterations, rare given names. Speech and responsibility verbs
are a strong cue: in ``据X介绍``, ``X表示``, ``由X和Y负责`` the X (and Y) is a person or an
organisation; so is a job title right before a name (集团CTO鲁肃将…, 董事长马化腾表示…). This
rule proposes PERSON for such a two- or three-character X that holds only Han characters,
no pronoun or function character, and is not a common word of jieba's dictionary (专家,
公司, 记者 are; the dictionary's person names, such as 鲁肃, pass), that does not begin with
a common word (简单来说 is no one's speech: 简单 is a word) and whose last character does not
make a common word with the verb after it (来说), nor ends in a common word (会董事) or starts
with a character that makes a word with the title before it (董事会董事). Its spans only fill gaps: any model,
gazetteer or numeric span that overlaps wins.
"""
from __future__ import annotations

import re

_VERBS = "介绍|表示|说|称|指出|透露|坦言|强调|认为|负责|汇报|告诉|回应|解释|承认|证实|宣布|提到|坦承|直言"
_NOT_IN_NAMES = "我你他她它们这那其此该本各每某谁啥的地得了着过是在有和与及或而但也都就又还被把将从对向以据由为于说称表示兼副等"
_NAME = rf"(?:(?![{_NOT_IN_NAMES}])[\u4e00-\u9fff]){{2,3}}"
_CUE = re.compile(rf"(?:(?<=[据由向和与、，,：:“\s])|^)({_NAME})(?:(?:和|与|、)({_NAME}))?(?={_VERBS})")
# a job title right before a name: 集团CTO鲁肃将…, 董事长马化腾表示…
_TITLES = ("CEO|CTO|COO|CFO|CIO|CMO|总裁|董事长|总经理|首席执行官|首席技术官|创始人|联合创始人|董事|主席|总监|合伙人|"
           "发言人|负责人|经理|主任|部长|省长|市长|县长|书记|局长|厅长|处长|院长|校长|教授|研究员|记者|主编|总编辑|大使")
_TITLED = re.compile(rf"(?:{_TITLES})({_NAME})(?=[将在的，,。、；;：:（(也已曾则对向从与和]|{_VERBS}|$)")
# jieba's dictionary frequencies above which a word that is not a name is "common": a three-
# character candidate must not begin with one (简单, 一般, 具体), and a candidate must not end
# inside one (来说: the candidate's last character and the next one)
_COMMON_PREFIX = 500
_COMMON_ACROSS = 5000


def _ordinary(word: str, known_words: dict[str, int], pos: dict[str, str], floor: int) -> bool:
    return known_words.get(word, 0) >= floor and not pos.get(word, "").startswith("nr")


def speaker_candidates(text: str, known_words: dict[str, int], pos: dict[str, str] | None = None) -> list[tuple[int, int]]:
    """Spans of likely person names before a speech or responsibility verb or after a job title.

    A candidate that is a word of jieba's dictionary (``known_words``) is kept only when the
    dictionary calls it a person name (``pos`` tag ``nr…``): 鲁肃 is, 专家 is not.

    Complexity: one filter per way a cue's name can be an ordinary word instead, each with its example; the scan
    itself is two loops.
    """
    pos = pos or {}
    out = []
    for m in [*_CUE.finditer(text), *_TITLED.finditer(text)]:
        for group in range(1, (m.re.groups or 1) + 1):
            name = m.group(group)
            if not name or (known_words.get(name, 0) > 0 and not pos.get(name, "").startswith("nr")):
                continue
            start, end = m.start(group), m.end(group)
            if len(name) == 3 and _ordinary(name[:2], known_words, pos, _COMMON_PREFIX):
                continue  # 简单来(说)
            if _ordinary(text[end - 1 : end + 1], known_words, pos, _COMMON_ACROSS):
                continue  # (简单)来说: the name would end inside a word
            if len(name) == 3 and _ordinary(name[1:], known_words, pos, _COMMON_PREFIX):
                continue  # 会董事, 级高工: a word's tail, then a common word (董事会董事, 教授级高工)
            if m.re is _TITLED and any(_ordinary(text[start - k : start + 1], known_words, pos, _COMMON_PREFIX)
                                       for k in (1, 2) if start >= k):
                continue  # 董事|会董事: the title and the name's first character are one word (董事会)
            out.append((start, end))
    return sorted(set(out))
