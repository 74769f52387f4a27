"""Split runs of names written without separators into one PERSON each.

Lists of names (delegates, committee members, signatories, by-lines) are often printed
without punctuation: 李鹏乔石李瑞环彭真朱镕基, 王丙乾帕巴拉·格列朗杰王光英. A tagger that has
seen few such lists marks parts of the run as persons, with boundaries in the wrong
places (邹家 | 华姜春云). The entity stage gathers the tagger's PERSON spans that touch or
nearly touch (:func:`person_blocks`) and reads each block again, end to end, as a
sequence of names (:meth:`NameModel.segment`).

The reading is the most probable one under a small generative model of names:

* a Chinese name is a surname from ``models/surnames.txt`` (compound ones such as 欧阳
  included) followed by one or two given-name characters: P(surname) · P(length) ·
  Π P(given character);
* a transliterated name (赛福鼎·艾则孜, 戈尔巴乔夫) is a run of transliteration characters,
  ``·`` included: P(length) · Π P(character).

The character statistics come from the person names of the allowed training splits and
from jieba's dictionary (``models/names.tsv``, made by ``python -m
pipeline.training.name_model``). A block is split only when the split reading beats the
block read as one name by a clear margin, and a stretch the tagger did not mark must read
as a name more than as ordinary text (``B`` background frequencies): 李鹏会见张三 is not a
run of names.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.resources import line_error, read_table, read_words, resolve

DOTS = "·•・"
_DOT_SPLIT = re.compile(f"[{DOTS}]")
_FOREIGN_PARTS = (0.6, 0.3, 0.1)  # a transliterated name has one, two or three parts (穆罕默德·阿里·真纳)
_FOREIGN_PART_LENGTH = {2: 0.25, 3: 0.35, 4: 0.2, 5: 0.1, 6: 0.05, 7: 0.03, 8: 0.02}
_LONGEST_FOREIGN = 26
_SHARE_CHINESE = 0.85  # prior of a name being Chinese rather than transliterated
_GIVEN_LENGTH = {1: 0.3, 2: 0.7}
KNOWN_BONUS = 2.0  # nats for a name the dictionary knows (丁石孙 | 丁衡高 rather than 丁石 | 孙丁衡)
FOUND_BONUS = 3.0  # nats for a name exactly as the tagger found it (费尔南德斯, not 费尔南 + 德斯)
SPLIT_MARGIN = 3.0  # nats by which a split of a lone span must beat reading it as one name
GAP_MARGIN = 3.0  # nats by which a name the tagger did not mark must beat reading it as ordinary text
DROP_COST = 6.0  # nats for leaving a character the tagger called a person out of every name
_CONJUNCTIONS = set("和与及同跟或并暨、")
# characters typical of transliterated names: a lone span holding two of them is not split
TRANSLITERATION = set("尔斯夫娃诺维奇基特拉尼亚伊卡塔德里姆普科莫索托菲迪蒂丝琳妮莎雅茨")


def is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


@lru_cache(maxsize=4)
def load_surnames(path: str = "surnames.txt") -> dict[str, float]:
    """Surname → weight in (0.8, 1]: earlier (commoner) surnames weigh a little more."""
    names = read_words(resolve(path))
    return {name: 1.0 - 0.2 * rank / len(names) for rank, name in enumerate(names)}


def surname_of(name: str, surnames: dict[str, float]) -> str | None:
    """The surname that ``name`` begins with (a compound one first), or None."""
    if name[:2] in surnames:
        return name[:2]
    if name[:1] in surnames:
        return name[:1]
    return None


def _log_probabilities(counts: dict[str, float], smoothing: float, vocabulary: int) -> tuple[dict[str, float], float]:
    total = sum(counts.values()) + smoothing * vocabulary
    return ({k: math.log((v + smoothing) / total) for k, v in counts.items()}, math.log(smoothing / total))


@dataclass
class NameModel:
    """Log-probabilities of names and of ordinary text, character by character."""

    surnames: dict[str, float] = field(repr=False)
    surname_lp: dict[str, float] = field(repr=False)
    surname_unseen: float
    given_lp: dict[str, float] = field(repr=False)
    given_unseen: float
    foreign_lp: dict[str, float] = field(repr=False)
    foreign_unseen: float
    background_lp: dict[str, float] = field(repr=False)
    background_unseen: float
    known: frozenset[str] = field(default=frozenset(), repr=False)  # names a dictionary knows (jieba's nr words)

    @classmethod
    def from_counts(cls, surnames: dict[str, float], counts: dict[str, dict[str, float]],
                    known: frozenset[str] = frozenset()) -> NameModel:
        vocabulary = 20000
        surname_lp, surname_unseen = _log_probabilities({s: counts["S"].get(s, 0.0) for s in surnames}, 0.5,
                                                        len(surnames))
        given_lp, given_unseen = _log_probabilities(counts["G"], 0.1, vocabulary)
        foreign_lp, foreign_unseen = _log_probabilities(counts["T"], 0.1, vocabulary)
        background_lp, background_unseen = _log_probabilities(counts["B"], 1.0, vocabulary)
        return cls(surnames, surname_lp, surname_unseen, given_lp, given_unseen, foreign_lp, foreign_unseen,
                   background_lp, background_unseen, known)

    # ------------------------------------------------------------ one name
    def chinese(self, name: str) -> float | None:
        """log P(name) as a Chinese name (surname + one or two characters), None when it cannot be one."""
        if not all(is_han(c) for c in name):
            return None
        best = None
        for surname in (name[:2], name[:1]):  # 欧阳X may also be 欧 + 阳X
            given = len(name) - len(surname)
            if surname not in self.surnames or given not in _GIVEN_LENGTH:
                continue
            score = (math.log(_SHARE_CHINESE) + math.log(_GIVEN_LENGTH[given])
                     + self.surname_lp.get(surname, self.surname_unseen))
            for c in name[len(surname):]:
                score += self.given_lp.get(c, self.given_unseen)
            best = score if best is None else max(best, score)
        return best

    def foreign(self, name: str) -> float | None:
        """log P(name) as a transliterated name (parts joined by dots), None when it cannot be one."""
        parts = _DOT_SPLIT.split(name)
        if len(parts) > len(_FOREIGN_PARTS) or any(len(p) not in _FOREIGN_PART_LENGTH for p in parts):
            return None
        score = math.log(1 - _SHARE_CHINESE) + math.log(_FOREIGN_PARTS[len(parts) - 1])
        for part in parts:
            score += math.log(_FOREIGN_PART_LENGTH[len(part)])
            for c in part:
                if not is_han(c):
                    return None
                score += self.foreign_lp.get(c, self.foreign_unseen)
        return score

    def name(self, text: str) -> float | None:
        """log P(text) as one name of either kind."""
        scores = [s for s in (self.chinese(text), self.foreign(text)) if s is not None]
        if not scores:
            return None
        return max(scores) + (KNOWN_BONUS if text in self.known else 0.0)

    def background(self, text: str) -> float:
        """log P(text) as ordinary text, character by character."""
        return sum(self.background_lp.get(c, self.background_unseen) for c in text)

    # ---------------------------------------------------------- a whole run
    def _name_score(self, piece: str, all_marked: bool, foreign: bool) -> float | None:
        """The score of ``piece`` read as one name in :meth:`segment`, or None where it may not be one."""
        chinese = self.chinese(piece)
        if foreign:
            score = self.name(piece)
        elif chinese is not None:
            score = chinese + (KNOWN_BONUS if piece in self.known else 0.0)
        else:
            return None
        if score is None:
            return None
        gain = score - self.background(piece)
        if all_marked:
            if not foreign and gain <= 0:  # a lone span: 张太雷之女 is not 张太 + 雷之女
                return None
        elif chinese is None or gain < GAP_MARGIN or any(c in _CONJUNCTIONS for c in piece):
            return None
        return score

    def segment(self, text: str, marked: bytes | None = None, foreign: bool = True, ordinary: bool = False,
                found: frozenset[tuple[int, int]] = frozenset()) -> list[tuple[int, int]] | None:
        """The most probable reading of ``text`` as names laid end to end, or None.

        ``marked[i]`` is 1 where a tagger called character ``i`` part of a person. A name
        that holds unmarked characters must be Chinese, hold no conjunction (和, 与, 及 …)
        and read as a name more than as ordinary text by ``GAP_MARGIN`` nats: 李鹏和张三
        is not a run of names. ``foreign=False`` allows Chinese names only, each of which
        must read as a name more than as ordinary text. ``ordinary=True`` lets characters
        stay outside any name (scored as ordinary text; a marked one pays
        ``DROP_COST``): the reading then returns only its names, possibly one. A name
        whose span is in ``found`` (the tagger's own) earns ``FOUND_BONUS``.

        Without ``ordinary``, returns None when no reading covers the whole text, when the
        best one is a single name, or when it does not beat the whole text read as one
        name by ``SPLIT_MARGIN``.

        Complexity: a Viterbi over name pieces; the scoring of a piece is _name_score, the rest is the lattice and
        its backtrace.
        """
        n = len(text)
        if n < 4 and not ordinary:
            return None
        marked = marked if marked is not None else b"\x01" * n
        best: list[tuple[float, int, bool] | None] = [None] * (n + 1)
        best[0] = (0.0, -1, False)

        def offer(i: int, j: int, score: float, is_name: bool) -> None:
            total = best[i][0] + score
            if best[j] is None or total > best[j][0]:
                best[j] = (total, i, is_name)

        for i in range(n):
            if best[i] is None:
                continue
            if ordinary:
                offer(i, i + 1, self.background(text[i]) - (DROP_COST if marked[i] else 0.0), False)
            for j in range(i + 2, min(n, i + _LONGEST_FOREIGN) + 1):
                score = self._name_score(text[i:j], all(marked[i:j]), foreign)
                if score is not None:
                    offer(i, j, score + (FOUND_BONUS if (i, j) in found else 0.0), True)
        if best[n] is None:
            return None
        pieces = []
        j = n
        while j > 0:
            _, i, is_name = best[j]
            if is_name:
                pieces.append((i, j))
            j = i
        pieces.reverse()
        if ordinary:
            return pieces
        if len(pieces) < 2:
            return None
        whole = self.name(text)
        if whole is not None and best[n][0] < whole + SPLIT_MARGIN:
            return None
        return pieces


@lru_cache(maxsize=4)
def load_name_model(path: str = "names.tsv", surnames: str = "surnames.txt") -> NameModel:
    counts: dict[str, dict[str, float]] = {kind: {} for kind in "SGTB"}
    file = resolve(path)
    for number, (kind, key, value) in read_table(file, 3, 3):
        try:
            counts[kind][key] = float(value)
        except (ValueError, KeyError):
            raise line_error(file, number, f"expected 'S|G|T|B<TAB>key<TAB>count', got {kind!r} … {value!r}") from None
    from pipeline.backends.jieba_segmenter import jieba_pos_table

    known = frozenset(w for w, tag in jieba_pos_table().items() if tag == "nr" and 2 <= len(w) <= 4)
    return NameModel.from_counts(load_surnames(surnames), counts, known)


def person_blocks(text: str, spans: list[tuple[int, int]], max_gap: int = 3,
                  reach: int = 2) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Groups of person spans that may be one run of names: (start, end, members).

    Spans join a block when they touch or when at most ``max_gap`` Han characters lie
    between them; punctuation, spaces, digits, brackets and conjunctions (邓恩和费尔南德斯)
    always end a block. A block of
    several spans takes in up to ``reach`` Han characters on either side, where a name
    at its edge may have been cut (黄菊尉 | 健行).

    Complexity: a single left-to-right scan that merges touching spans; each branch is a stop condition of the scan.
    """
    groups: list[list[tuple[int, int]]] = []
    for start, end in sorted(spans):
        if groups:
            last_end = max(b for _, b in groups[-1])
            gap = text[last_end:start]
            if start <= last_end or (len(gap) <= max_gap and all(is_han(c) and c not in _CONJUNCTIONS for c in gap)):
                groups[-1].append((start, end))
                continue
        groups.append([(start, end)])
    blocks = []
    floor = 0
    for k, members in enumerate(groups):
        start, end = members[0][0], max(b for _, b in members)
        if len(members) > 1:
            ceiling = groups[k + 1][0][0] if k + 1 < len(groups) else len(text)
            while start > floor and start > members[0][0] - reach and is_han(text[start - 1]):
                start -= 1
            while end < ceiling and end < max(b for _, b in members) + reach and is_han(text[end]):
                end += 1
        blocks.append((start, end, members))
        floor = end
    return blocks


def split_name_run(surface: str, model: NameModel, marked: bytes | None = None,
                   found: frozenset[tuple[int, int]] = frozenset()) -> list[tuple[int, int]] | None:
    """Character spans of the names in ``surface``, or None when it is one name (or not a run).

    ``marked`` (a block of several person spans and the characters around them, see
    :func:`person_blocks`; ``found`` holds the spans themselves) allows transliterated
    names, names the tagger left out and characters that belong to no name; the names of
    the best reading are returned, or None when the block holds anything but Han
    characters and dots. A single span (``marked`` None) is split only into Chinese
    names, only from five characters on, and never when it looks transliterated (two or
    more of 尔, 斯, 夫 …): 戈尔巴乔夫 is one person.
    """
    if marked is not None:
        if not all(is_han(c) or c in DOTS for c in surface):
            return None
        return model.segment(surface, marked, ordinary=True, found=found)
    if len(surface) < 5 or sum(c in TRANSLITERATION for c in surface) >= 2:
        return None
    return model.segment(surface, None, foreign=False)
