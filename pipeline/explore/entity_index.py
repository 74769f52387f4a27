"""``zhnews entities``: one row per canonical entity of a run, for counting, plotting and joining.

Columns: ``entity`` (the canonical name, ``norm``), ``label``, ``mentions``, ``articles``,
``first_seen`` / ``last_seen`` (the earliest and latest ``extra.date`` of the articles that
mention it, when the input carried dates), ``surface_forms`` (how it was written, most
frequent first) and ``co_mentions`` (the entities most often named in the same articles,
``name (count)``), and ``labels``: how every mention of that name split over labels
(``PERSON 361; ORG 20`` for 哈马斯 says an alias or gazetteer entry is due). Numbers, dates and
other numeric labels, and TITLE spans (记者, 教授), are left out by default.

``article_date`` and ``article_site`` are what every view of a run shows beside a title.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from pipeline.record import Article

NUMERIC = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"}
ROLES = {"TITLE"}  # 记者, 学生, 总裁: kept in records, left out of the top lists unless asked for


COLUMNS = ("entity", "label", "mentions", "articles", "first_seen", "last_seen", "surface_forms", "co_mentions",
           "labels")  # the order of the written table (pipeline.io.tables.write_table)


def article_date(article: Article) -> str | None:
    """The article's date (``YYYY-MM-DD``) when ``extra.date`` gives one."""
    value = article.extra.get("date")
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        return value[:10]
    return None


def article_site(article: Article) -> str | None:
    """The host of the article's URL (``extra.url`` or a URL source), else its outlet."""
    for value in (article.extra.get("url"), article.source):
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return urlsplit(value).hostname
    outlet = article.extra.get("outlet")
    return outlet if isinstance(outlet, str) and outlet else None


def entity_index(records: Iterable[Article], include_numeric: bool = False, top_co: int = 5,
                 include_titles: bool = False) -> list[dict[str, Any]]:
    """Complexity: one pass that aggregates mentions, dates, sites, forms and co-mentions per name; each tally is a
    line."""
    left_out = (set() if include_numeric else NUMERIC) | (set() if include_titles else ROLES)
    by_name: dict[str, Counter[str]] = defaultdict(Counter)
    mentions: Counter[tuple[str, str]] = Counter()
    articles: Counter[tuple[str, str]] = Counter()
    forms: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    dates: dict[tuple[str, str], list[str]] = defaultdict(list)
    co: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for article in records:
        keys = []
        for ent in article.entities:
            if ent.label in left_out:
                continue
            by_name[ent.norm][ent.label] += 1
            key = (ent.norm, ent.label)
            mentions[key] += 1
            forms[key][ent.text] += 1
            keys.append(key)
        present = sorted(set(keys))
        date = str(article.extra.get("date", "") or "")
        for key in present:
            articles[key] += 1
            if date:
                dates[key].append(date)
            for other in present:
                if other != key:
                    co[key][other[0]] += 1
    rows = []
    for key, count in mentions.items():
        name, label = key
        seen = sorted(dates[key])
        rows.append({
            "entity": name,
            "label": label,
            "mentions": count,
            "articles": articles[key],
            "first_seen": seen[0] if seen else "",
            "last_seen": seen[-1] if seen else "",
            "surface_forms": "|".join(f for f, _ in forms[key].most_common()),
            "co_mentions": "; ".join(f"{n} ({c})" for n, c in sorted(co[key].items(), key=lambda x: (-x[1], x[0]))[:top_co]),
            "labels": "; ".join(f"{lab} {n}" for lab, n in sorted(by_name[name].items(), key=lambda x: (-x[1], x[0]))),
        })
    rows.sort(key=lambda r: (-r["mentions"], r["entity"], r["label"]))
    return rows
