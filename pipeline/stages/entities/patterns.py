"""The entity stage's regular expressions, read by name from ``models/entity_patterns.tsv``.

Rules are data: a pattern is changed in that file, not in code, and every pattern a rule
uses is listed there with what it is for. A missing name or a bad expression is a
:class:`~pipeline.errors.ResourceError` that names the file and line.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.errors import ResourceError
from pipeline.resources import read_table, resolve


class Patterns:
    def __init__(self, compiled: dict[str, re.Pattern[str]], path: str) -> None:
        self._compiled = compiled
        self.path = path

    def __getattr__(self, name: str) -> re.Pattern[str]:
        try:
            return self._compiled[name]
        except KeyError:
            raise ResourceError(f"{self.path} has no pattern named {name!r}") from None


@lru_cache(maxsize=4)
def load_patterns(name: str = "entity_patterns.tsv") -> Patterns:
    path = resolve(name)
    compiled: dict[str, re.Pattern[str]] = {}
    for number, cols in read_table(path, 2, 3):
        try:
            compiled[cols[0]] = re.compile(cols[1])
        except re.error as exc:
            raise ResourceError(f"{path}:{number}: pattern {cols[0]!r} is not a valid expression: {exc}") from exc
    return Patterns(compiled, str(path))
