"""Traditional Chinese read through a simplified view of the same length.

Hong Kong and Taiwan news is Traditional; the segmenters, heads and gazetteers read
Simplified. :func:`simplified_view` converts an article's text character by character with
OpenCC's ``t2s`` tables (never phrase by phrase: a phrase may change length), so every
offset of the view is an offset of the original. The entity and tokens stages read the view
(``clean.traditional_view``, on by default) while the record keeps the original text and
its offsets; an article read so is flagged ``traditional``.

An article counts as Traditional when at least ``MIN_CHARS`` of its Han characters, and at
least ``MIN_SHARE`` of them, change under ``t2s``: Simplified text changes nowhere (a handful
of characters are shared by both scripts and stay as they are).
"""
from __future__ import annotations

import re
from functools import lru_cache

MIN_CHARS = 3
MIN_SHARE = 0.02
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
FLAG = "traditional"


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def _simplified_char(char: str) -> str:
    out = _converter().convert(char)
    return out if len(out) == 1 else char


def to_simplified(text: str) -> str:
    """``text`` in Simplified characters, one for one (the same length, the same offsets)."""
    whole = _converter().convert(text)
    if len(whole) == len(text):
        return whole
    return "".join(_simplified_char(c) for c in text)


def simplified_view(text: str) -> str | None:
    """The 1:1 simplified view of ``text`` when it is written in Traditional characters, else None."""
    han = len(_HAN.findall(text))
    if han < MIN_CHARS:
        return None
    view = to_simplified(text)
    changed = sum(1 for a, b in zip(text, view) if a != b)
    return view if changed >= MIN_CHARS and changed >= MIN_SHARE * han else None


def view_of(article, enabled: bool = True) -> str:
    """The text the analysing stages read: the article's simplified view (computed once, kept in
    ``article.analysis``; the article flagged ``traditional``), or its text."""
    if not enabled:
        return article.text
    if "view" not in article.analysis:
        view = simplified_view(article.text)
        article.analysis["view"] = view
        if view is not None and FLAG not in article.flags:
            article.flags.append(FLAG)
    return article.analysis["view"] or article.text
