"""Gazetteers and alias tables from ``models/``: longest-match lookup of known names.

A gazetteer file is tab-separated ``surface<TAB>LABEL[<TAB>canonical name]``; an alias
file is ``alias<TAB>canonical name``. Lines starting with ``#`` are comments. Users add
their own files through the config (``entities.gazetteers`` / ``entities.aliases``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ResourceError
from pipeline.resources import line_error, read_table

LABELS = {
    "PERSON", "ORG", "GPE", "LOC", "PRODUCT", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY",
    "CARDINAL", "ORDINAL", "EVENT", "NORP", "FAC", "WORK_OF_ART", "LAW", "LANGUAGE", "TITLE",
}


@dataclass(frozen=True)
class GazetteerMatch:
    start: int
    end: int
    label: str
    norm: str


def _rows(path: Path, min_cols: int, max_cols: int) -> list[tuple[int, list[str]]]:
    rows = read_table(path, min_cols, max_cols, strip=True)
    for number, cols in rows:
        if not cols[0]:
            raise line_error(path, number, "the name (first field) is empty")
    return rows


def load_aliases(paths: list[Path]) -> dict[str, str]:
    table: dict[str, str] = {}
    for path in paths:
        for _, cols in _rows(path, 2, 2):
            table[cols[0]] = cols[1]
    return table


class Gazetteer:
    """Longest-match dictionary of names, indexed by first character."""

    def __init__(self, paths: list[Path], aliases: dict[str, str] | None = None) -> None:
        self.entries: dict[str, tuple[str, str]] = {}
        aliases = aliases or {}
        for path in paths:
            for lineno, cols in _rows(path, 2, 3):
                surface, label = cols[0], cols[1]
                if label not in LABELS:
                    raise ResourceError(f"{path}:{lineno}: unknown label {label!r}; use one of {sorted(LABELS)}")
                norm = cols[2] if len(cols) == 3 and cols[2] else aliases.get(surface, surface)
                self.entries[surface] = (label, norm)
        self._lengths: dict[str, list[int]] = {}
        for surface in self.entries:
            self._lengths.setdefault(surface[0], []).append(len(surface))
        for first, lengths in self._lengths.items():
            self._lengths[first] = sorted(set(lengths), reverse=True)
        # jump straight to characters that begin some name (most characters begin none)
        self._starts = re.compile("[" + "".join(re.escape(c) for c in sorted(self._lengths)) + "]") if self._lengths else None

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, surface: str) -> bool:
        return surface in self.entries

    def norm_of(self, surface: str) -> str | None:
        hit = self.entries.get(surface)
        return hit[1] if hit else None

    def label_of(self, surface: str) -> str | None:
        hit = self.entries.get(surface)
        return hit[0] if hit else None

    def find(self, text: str) -> list[GazetteerMatch]:
        """Leftmost-longest, non-overlapping matches. ASCII names must not sit inside a longer word."""
        out = []
        i, n = 0, len(text)
        lengths_of = self._lengths
        entries = self.entries
        starts = self._starts
        while i < n and starts is not None:
            found = starts.search(text, i)
            if found is None:
                break
            i = found.start()
            lengths = lengths_of.get(text[i])
            if lengths:
                for length in lengths:
                    if i + length > n:  # a slice past the end is shorter than `length`
                        continue
                    surface = text[i : i + length]
                    hit = entries.get(surface)
                    if hit and _word_bounded(text, i, i + length):
                        out.append(GazetteerMatch(i, i + length, hit[0], hit[1]))
                        i += length
                        break
                else:
                    i += 1
                continue
            i += 1
        return out


def _word_bounded(text: str, start: int, end: int) -> bool:
    """An ASCII-edged match must not continue an ASCII word (``IC`` in ``ICBC``)."""
    if text[start].isascii() and text[start].isalnum() and start > 0:
        prev = text[start - 1]
        if prev.isascii() and prev.isalnum():
            return False
    if text[end - 1].isascii() and text[end - 1].isalnum() and end < len(text):
        nxt = text[end]
        if nxt.isascii() and nxt.isalnum():
            return False
    return True
