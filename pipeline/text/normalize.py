"""Character tables and tests for cleaning: which characters are dropped (invisible format and
control characters), the full-width to half-width table, and counts of Han characters.

These are one-character decisions only, so the offsets stay simple: the clean stage records
every dropped run as a removal with its raw offsets, and a width change keeps the length.
"""
from __future__ import annotations

import re
import unicodedata

# Zero-width and other invisible format characters that scrapers leave in text.
_INVISIBLE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")

# Full-width ASCII letters and digits (and ％) to half-width; Chinese punctuation is kept.
FULLWIDTH_TO_HALFWIDTH = {
    **{cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)},
    **{cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)},
    **{cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)},
    0xFF05: ord("%"),
}


def is_dropped_char(ch: str) -> bool:
    """Invisible format characters and control characters other than newline and tab."""
    if _INVISIBLE.match(ch):
        return True
    cat = unicodedata.category(ch)
    return (cat == "Cc" and ch not in "\n\t\r") or cat == "Cs"


def has_dropped_chars(text: str) -> bool:
    return bool(_INVISIBLE.search(text)) or any(
        unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t\r" for c in text
    )


def han_count(text: str) -> int:
    return len(_HAN.findall(text))


def han_bigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff]+", text):
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams
