"""Bylines and datelines of Chinese news as fields: author, editor, outlet and publication date.

Used by the HTML reader (on the page's text around the article) and by the clean stage (on
the byline paragraphs it removes), so that a removed byline is parsed, not just deleted.
The patterns are data: ``models/bylines.tsv``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

FIELDS = ("author", "editor", "outlet")
# A person's name as bylines write it: 2-4 Han characters (a middle dot for transliterations),
# or a pen name without spaces. Several names are separated by spaces, 、 or ，.
_NAME = r"[\u4e00-\u9fff·•]{2,6}"
_SEPARATORS = re.compile(r"[\s、，,;；/]+")
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?)?"
)
_US_DATE = re.compile(
    r"(?<!\d)(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(?:19|20)\d{2})"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?)?"
)
# A month without a day, only where the line is little more than the date (an issue's
# date, "1998年3月号", a date line under a title): in prose such a date is not the page's.
_MONTH = re.compile(r"(?P<y>(?:19|20)\d{2})\s*(?:年|[-/.])\s*(?P<m>\d{1,2})\s*月?(?:号|刊)?")
_NOT_NAMES = frozenset("本报 本台 本网 记者 编辑 通讯员 实习生 报道 摄影 综合 整理 来源 责任 主编 新华社 中新社 "
                       "图片 视频 文字 作者 发布 时间 日期 网友 原创 转载".split())


@dataclass(frozen=True)
class BylineRule:
    field: str
    pattern: re.Pattern[str]
    surname: bool = False  # every Chinese name found must begin with a known surname


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    from pipeline.resources import read_words, resolve

    return frozenset(read_words(resolve("surnames.txt")))


def plausible_name(name: str) -> bool:
    """A Chinese personal name begins with a surname; other names (pen names, Latin) pass."""
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", name):
        return True
    surnames = _surnames()
    return name[:1] in surnames or name[:2] in surnames


@dataclass
class Byline:
    author: list[str] = field(default_factory=list)
    editor: list[str] = field(default_factory=list)
    outlet: str = ""

    def empty(self) -> bool:
        return not (self.author or self.editor or self.outlet)


def _rules_path() -> Path:
    from pipeline.resources import resolve

    return resolve("bylines.tsv")


@lru_cache(maxsize=4)
def load_byline_rules(path: Path | None = None) -> tuple[BylineRule, ...]:
    """``field<TAB>regex`` lines; the regex has a group ``v`` holding the value."""
    from pipeline.resources import line_error, read_table

    path = path or _rules_path()
    rules = []
    for lineno, (field_name, regex) in read_table(path, 2, 2):
        name, _, option = field_name.partition("+")
        if name not in FIELDS or option not in ("", "surname"):
            raise line_error(path, lineno, f"expected '<{'|'.join(FIELDS)}>[+surname]<TAB>regex'")
        try:
            pattern = re.compile(regex.replace("{NAME}", _NAME))
        except re.error as exc:
            raise line_error(path, lineno, f"invalid regex: {exc}") from exc
        if "v" not in pattern.groupindex:
            raise line_error(path, lineno, "the regex needs a group named v, (?P<v>...)")
        rules.append(BylineRule(name, pattern, option == "surname"))
    return tuple(rules)


def split_names(value: str) -> list[str]:
    names = []
    for part in _SEPARATORS.split(value.strip()):
        part = part.strip("()（）[]【】<>《》:：")
        if part.endswith(("报道", "发自", "摄影", "摄")) or part.startswith(("报道", "摄")):
            continue
        if part and part not in _NOT_NAMES and not part.isdigit() and len(part) <= 20:
            names.append(part)
    return names


def parse_byline(line: str, rules: tuple[BylineRule, ...] | None = None) -> Byline:
    """Author, editor and outlet named in one short line (a byline, a source line, a dateline)."""
    found = Byline()
    if len(line) > 200:
        line = line[-40:]  # a long paragraph may end with its byline: …（记者 胡晓蓉）
    for rule in rules if rules is not None else load_byline_rules():
        for match in rule.pattern.finditer(line):
            value = match.group("v").strip()
            if not value:
                continue
            if rule.field == "outlet":
                found.outlet = found.outlet or value
            else:
                names = split_names(value)
                if rule.surname and not all(plausible_name(n) for n in names):
                    continue
                target = getattr(found, rule.field)
                target.extend(n for n in names if n not in target)
    return found


def parse_date(text: str) -> str | None:
    """The first full date in ``text`` as ISO 8601 (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM[:SS]``)."""
    found = find_dates(text)
    return found[0][1] if found else None


def iso_date(match: re.Match[str]) -> str | None:
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    out = f"{year:04d}-{month:02d}-{day:02d}"
    if match["H"] is not None and int(match["H"]) < 24 and int(match["M"]) < 60:
        out += f"T{int(match['H']):02d}:{match['M']}"
        if match["S"] is not None:
            out += f":{match['S']}"
    return out


def find_dates(text: str, month_only: bool = False) -> list[tuple[int, str]]:
    """Every full date in ``text`` (``YYYY-MM-DD``, ``YYYY年M月D日``, ``M/D/YYYY``) with its
    offset; with ``month_only``, also a bare year and month when the line is short.

    Complexity: one loop per date pattern (ISO and Chinese; US dates with their month/day ambiguity and AM/PM clock;
    a bare month on a short line)."""
    out = []
    for match in _DATE.finditer(text):
        iso = iso_date(match)
        if iso:
            out.append((match.start(), iso))
    for match in _US_DATE.finditer(text):
        iso = iso_date(match)
        if iso and not match["ampm"] and int(match["d"]) <= 12:
            continue  # 06/02/2022 is June or February: only a clock with AM/PM or a day over 12 says
        if iso and match["ampm"] and match["H"] is not None:
            hour = int(match["H"]) % 12 + (12 if match["ampm"].lower() == "pm" else 0)
            iso = iso[:11] + f"{hour:02d}" + iso[13:]
        if iso:
            out.append((match.start(), iso))
    if not out and month_only and len(text) <= 40:
        for match in _MONTH.finditer(text):
            if 1 <= int(match["m"]) <= 12:
                out.append((match.start(), f"{int(match['y']):04d}-{int(match['m']):02d}"))
    out.sort()
    return out
