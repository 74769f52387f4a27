"""Where a regular expression can begin a match: the first characters of its matches, from its parse tree.

Python's ``re`` skips quickly to a pattern's first character when the pattern opens with a
literal or a character class, but not when it opens with a look-behind or an optional
word (the numeric rules' ``(?<![A-Za-z0-9.])`` and ``(?:近|最近|前)?``): then every position of
the text is tried. :func:`first_chars` reads the pattern's parse tree and gives a character
class holding every character a match can begin with (a superset: look-arounds are not
used to narrow it), and :func:`finditer` tries the pattern only where such a character
stands. The matches are exactly ``pattern.finditer``'s for a pattern that cannot match the
empty string (the only kind :func:`first_chars` answers for; for the others, and for
anything it cannot read, it gives None and :func:`finditer` is ``pattern.finditer``).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

try:  # the parser of the standard library's re (sre_parse before Python 3.11)
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - older or other Pythons: no skipping, same results
    _c = _p = None

_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_SPACE": r"\s", "CATEGORY_WORD": r"\w",
               "CATEGORY_UNI_DIGIT": r"\d", "CATEGORY_UNI_SPACE": r"\s", "CATEGORY_UNI_WORD": r"\w"}


class _Unknown(Exception):
    """A construct whose first characters are not read here (any character, a negated class, a backreference)."""


def _class_items(items) -> list[str]:
    out = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            out.append(re.escape(chr(av)))
        elif name == "RANGE":
            out.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif name == "CATEGORY" and str(av) in _CATEGORIES:
            out.append(_CATEGORIES[str(av)])
        else:  # NEGATE, a negated category, a compiled charset
            raise _Unknown(name)
    return out


def _first(sequence) -> tuple[list[str], bool]:
    """(class items of the characters a match of ``sequence`` can begin with, whether it can be empty)."""
    found: list[str] = []
    for op, av in sequence:
        items, nullable = _first_of(str(op), av)
        found.extend(items)
        if not nullable:
            return found, False
    return found, True


def _first_of(name: str, av) -> tuple[list[str], bool]:
    """Complexity: one branch per kind of node of the standard library's parse tree."""
    if name == "LITERAL":
        return [re.escape(chr(av))], False
    if name == "IN":
        return _class_items(av), False
    if name == "BRANCH":
        found, nullable = [], False
        for alternative in av[1]:
            items, empty = _first(alternative)
            found.extend(items)
            nullable = nullable or empty
        return found, nullable
    if name in ("SUBPATTERN", "ATOMIC_GROUP"):
        return _first(av[-1] if name == "SUBPATTERN" else av)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _, body = av
        items, empty = _first(body)
        return items, empty or low == 0
    if name in ("AT", "ASSERT", "ASSERT_NOT"):  # zero-width: the next node begins the match
        return [], True
    raise _Unknown(name)


def first_chars(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A class of every character a non-empty match of ``pattern`` can begin with, or None when
    the pattern can match the empty string or holds something not read here."""
    if _p is None or pattern.flags & re.IGNORECASE:
        return None
    try:
        items, nullable = _first(_p.parse(pattern.pattern, pattern.flags))
    except (_Unknown, re.error, TypeError, ValueError):
        return None
    if nullable or not items:
        return None
    return re.compile("[" + "".join(dict.fromkeys(items)) + "]")


def finditer(pattern: re.Pattern[str], starts: re.Pattern[str] | None, text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, trying the pattern only where ``starts`` (:func:`first_chars`) matches."""
    if starts is None:
        yield from pattern.finditer(text)
        return
    at = 0
    for start in starts.finditer(text):
        position = start.start()
        if position < at:
            continue
        found = pattern.match(text, position)
        if found is not None:
            yield found
            at = found.end()
