"""Page clutter that survives extraction: lines made of the page's links.

A line of the body whose characters are mostly the text of the page's own links (and that
is not a sentence of prose) is a headline list, a menu, a "related" entry or a tag cloud.
Such lines are cut when they come in runs of two or more, stand in the first or last lines
of the body, or are a single link on their own; each cut is recorded with its offsets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.io.html.dom import squeeze

# Share of a line's characters covered by link texts for it to be a link line.
MIN_LINK_SHARE = 0.6
EDGE_LINES = 3
_SENTENCE_END = re.compile(r"[。！？!?]")


@dataclass(frozen=True)
class Cut:
    start: int
    end: int
    reason: str


def link_share(line: str, links: set[str], by_first: dict[str, list[str]]) -> float:
    """Share of the line's characters (whitespace dropped) that are the text of a page link."""
    text = squeeze(line)
    if not text:
        return 0.0
    if text in links:
        return 1.0
    covered = [False] * len(text)
    i = 0
    while i < len(text):
        for link in by_first.get(text[i], ()):
            if text.startswith(link, i):
                for k in range(i, i + len(link)):
                    covered[k] = True
                i += len(link) - 1
                break
        i += 1
    return sum(covered) / len(text)


def index_links(links: set[str]) -> dict[str, list[str]]:
    """Links by their first character, longest first (for greedy matching)."""
    by_first: dict[str, list[str]] = {}
    for link in sorted(links, key=len, reverse=True):
        by_first.setdefault(link[0], []).append(link)
    return by_first


def link_line_flags(text: str, links: set[str]) -> list[bool]:
    """For each line of ``text``: is it a link line?"""
    by_first = index_links(links)
    flags = []
    for line in text.split("\n"):
        share = link_share(line, links, by_first) if links else 0.0
        prose = len(_SENTENCE_END.findall(line)) >= 2 or (len(line) > 60 and _SENTENCE_END.search(line))
        flags.append(share >= MIN_LINK_SHARE and not prose)
    return flags


def link_cuts(text: str, links: set[str]) -> list[Cut]:
    """Cuts of the link lines of ``text`` that are clutter (see the module docstring)."""
    lines = text.split("\n")
    flags = link_line_flags(text, links)
    content = [i for i, line in enumerate(lines) if line.strip()]
    edge = set(content[:EDGE_LINES]) | set(content[-EDGE_LINES:])
    cuts = []
    offset = 0
    for i, line in enumerate(lines):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not flags[i] or not line.strip():
            continue
        in_run = (i > 0 and flags[i - 1]) or (i + 1 < len(lines) and flags[i + 1])
        whole_link = squeeze(line) in links
        if in_run or i in edge or whole_link:
            cuts.append(Cut(start, end, "link_list"))
    return cuts
