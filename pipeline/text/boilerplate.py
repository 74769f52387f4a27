"""Data-driven boilerplate rules (``models/boilerplate.tsv``): what to cut from scraped news and why."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.resources import line_error, read_table

# line    the whole paragraph goes when the pattern is found in it (and it has ≤ max_chars)
# edge    as line, but only in the first EDGE_HEAD or last EDGE_TAIL paragraphs (bylines,
#         credits: in the middle of a body the same words are an interview or a caption)
# prefix  the match at the start of a paragraph goes, the rest stays
# inline  every match anywhere goes
# tail    a heading (comments, "related reading") in the second half of the body: it and
#         every paragraph after it go, if they are less than half of the article
SCOPES = ("line", "edge", "prefix", "inline", "tail")
EDGE_HEAD = 3
EDGE_TAIL = 5


@dataclass(frozen=True)
class BoilerplateRule:
    reason: str
    scope: str
    max_chars: int
    pattern: re.Pattern[str]


def load_rules(path: Path) -> list[BoilerplateRule]:
    """``reason<TAB>scope<TAB>max_chars<TAB>regex`` lines (``models/boilerplate.tsv``)."""
    rules = []
    for lineno, (reason, scope, max_chars, pattern) in read_table(path, 4, 4):
        if scope not in SCOPES:
            raise line_error(path, lineno, f"scope must be one of {SCOPES}, got {scope!r}")
        try:
            compiled = re.compile(pattern)
            limit = int(max_chars)
        except re.error as exc:
            raise line_error(path, lineno, f"invalid regex: {exc}") from exc
        except ValueError:
            raise line_error(path, lineno, f"max_chars must be an integer, got {max_chars!r}") from None
        rules.append(BoilerplateRule(reason, scope, limit, compiled))
    return rules


def match_line(rules: list[BoilerplateRule], text: str, edge: bool = True) -> str | None:
    """Reason for removing the whole paragraph, or None; ``edge``: the paragraph is among the
    first or last few of the body (where ``edge`` rules apply)."""
    for rule in rules:
        if (rule.scope == "line" or (edge and rule.scope == "edge")) and (
                rule.max_chars == 0 or len(text) <= rule.max_chars):
            if rule.pattern.search(text):
                return rule.reason
    return None


def match_prefix(rules: list[BoilerplateRule], text: str) -> tuple[int, str] | None:
    """Length and reason of a removable prefix, or None."""
    for rule in rules:
        if rule.scope == "prefix":
            m = rule.pattern.match(text)
            if m and m.end() > 0:
                return m.end(), rule.reason
    return None


def find_inline(rules: list[BoilerplateRule], text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping spans to cut anywhere in a paragraph, in order."""
    spans: list[tuple[int, int, str]] = []
    for rule in rules:
        if rule.scope == "inline":
            spans.extend((m.start(), m.end(), rule.reason) for m in rule.pattern.finditer(text) if m.end() > m.start())
    spans.sort()
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def match_tail(rules: list[BoilerplateRule], text: str) -> str | None:
    """Reason when the paragraph is a heading that starts a block of clutter to the end."""
    for rule in rules:
        if rule.scope == "tail" and (rule.max_chars == 0 or len(text) <= rule.max_chars):
            if rule.pattern.search(text):
                return rule.reason
    return None
