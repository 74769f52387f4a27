"""Split runs of Chinese names written without separators into one PERSON each.

Lists of names (delegates, committee members, signatories) are often printed without
punctuation: 刘顺尧刘剑锋刘振华. A tagger that has seen few such lists marks the whole run
as one PERSON. A run is split when it can be read, end to end, as names of two to four
characters that each begin with a surname from ``models/surnames.txt`` (compound
surnames such as 欧阳 first); among the readings, three-character names and common
surnames are preferred. Runs that look transliterated (two or more of 尔, 斯, 夫, 娃…) or
hold anything but Han characters are left alone: 戈尔巴乔夫 is one person.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pipeline.resources import resolve

_TRANSLITERATION = set("尔斯夫娃诺维奇基特拉尼亚伊卡塔德里姆普科莫索托菲迪蒂丝琳妮莎雅茨")


@lru_cache(maxsize=4)
def load_surnames(path: str = "surnames.txt") -> dict[str, float]:
    """Surname → weight in (0.8, 1]: earlier (commoner) surnames weigh a little more."""
    names: list[str] = []
    for line in Path(resolve(path)).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            names.extend(line.split())
    return {name: 1.0 - 0.2 * rank / len(names) for rank, name in enumerate(names)}


def split_name_run(surface: str, surnames: dict[str, float], min_length: int = 5) -> list[tuple[int, int]] | None:
    """Character spans of the names in ``surface``, or None when it is not a run of names."""
    n = len(surface)
    if n < min_length or not all("\u4e00" <= c <= "\u9fff" for c in surface):
        return None
    if sum(c in _TRANSLITERATION for c in surface) >= 2:
        return None
    best: list[tuple[float, list[tuple[int, int]]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for i in range(n):
        if best[i] is None:
            continue
        score, pieces = best[i]
        options = []
        if surface[i : i + 2] in surnames:
            options += [(surface[i : i + 2], length) for length in (3, 4)]
        if surface[i] in surnames:
            options += [(surface[i], length) for length in (2, 3)]
        for surname, length in options:
            j = i + length
            if j > n:
                continue
            # most names have a two-character given name: prefer those readings
            value = score + surnames[surname] * (1.0 if length == len(surname) + 2 else 0.6)
            if best[j] is None or value > best[j][0]:
                best[j] = (value, [*pieces, (i, j)])
    if best[n] is None or len(best[n][1]) < 2:
        return None
    return best[n][1]
