"""News furniture that a summary must never quote: datelines and source tags at the start of a
sentence (央视网消息（新闻联播）：, 新华社北京3月5日电（记者 …）), and sentences that are furniture as a
whole (原标题：…, 责任编辑：…, 图片来源, 点击进入专题, 编者按).

The rules are data, ``models/news_furniture.tsv`` (``kind<TAB>regex``): ``lead`` rules give the
length of a prefix to leave out of what the summary quotes, ``skip`` rules mark a sentence that is
never a candidate. Both look at one sentence, never at the article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.resources import line_error, read_table, resolve

KINDS = ("lead", "skip")


@dataclass(frozen=True)
class Furniture:
    lead: tuple[re.Pattern[str], ...]
    skip: tuple[re.Pattern[str], ...]

    def lead_length(self, sentence: str) -> int:
        """How many leading characters of ``sentence`` are a dateline or source tag (0: none).

        Rules apply one after another (a dateline, then a reporter's bracket), so a compound
        opening is cut whole; a sentence is never cut to nothing."""
        cut = 0
        for rule in self.lead:
            m = rule.match(sentence, cut)
            if m and m.end() > cut:
                cut = m.end()
        return cut if cut < len(sentence.strip()) else 0

    def is_furniture(self, sentence: str) -> bool:
        return any(rule.search(sentence) for rule in self.skip)


@lru_cache(maxsize=4)
def load_furniture(name: str = "news_furniture.tsv") -> Furniture:
    path = resolve(name)
    found: dict[str, list[re.Pattern[str]]] = {kind: [] for kind in KINDS}
    for number, (kind, regex) in read_table(path, 2, 2):
        if kind not in KINDS:
            raise line_error(path, number, f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        try:
            found[kind].append(re.compile(regex))
        except re.error as exc:
            raise line_error(path, number, f"invalid regex: {exc}") from exc
    return Furniture(tuple(found["lead"]), tuple(found["skip"]))
