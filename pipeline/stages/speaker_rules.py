"""People named only by what they say or do: 据道方介绍, 由道方和千城负责.

Taggers miss names they have never seen, and news is full of them: nicknames (阿里's 花名
such as 道方, 千城), transliterations, rare given names. Speech and responsibility verbs
are a strong cue: in ``据X介绍``, ``X表示``, ``由X和Y负责`` the X (and Y) is a person or an
organisation. This rule proposes PERSON for such a two- or three-character X when it is
not a word of jieba's dictionary (专家, 公司, 记者 are), holds only Han characters and no
pronoun or function character. Its spans only fill gaps: any model, gazetteer or numeric
span that overlaps wins.
"""
from __future__ import annotations

import re

_VERBS = "介绍|表示|说|称|指出|透露|坦言|强调|认为|负责|汇报|告诉|回应|解释|承认|证实|宣布|提到|坦承|直言"
_NOT_IN_NAMES = "我你他她它们这那其此该本各每某谁啥的地得了着过是在有和与及或而但也都就又还被把将从对向以据由为于说称表示"
_NAME = rf"(?:(?![{_NOT_IN_NAMES}])[\u4e00-\u9fff]){{2,3}}"
_CUE = re.compile(rf"(?:(?<=[据由向和与、，,：:“\s])|^)({_NAME})(?:(?:和|与|、)({_NAME}))?(?={_VERBS})")


def speaker_candidates(text: str, known_words: dict[str, int]) -> list[tuple[int, int]]:
    """Spans of likely person names before a speech or responsibility verb."""
    out = []
    for m in _CUE.finditer(text):
        for group in (1, 2):
            name = m.group(group)
            if not name or known_words.get(name, 0) > 0:
                continue
            out.append((m.start(group), m.end(group)))
    return out
