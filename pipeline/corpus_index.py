"""``zhnews entities``: one row per canonical entity of a run, for counting, plotting and joining.

Columns: ``entity`` (the canonical name, ``norm``), ``label``, ``mentions``, ``articles``,
``first_seen`` / ``last_seen`` (the earliest and latest ``extra.date`` of the articles that
mention it, when the input carried dates), ``surface_forms`` (how it was written, most
frequent first) and ``co_mentions`` (the entities most often named in the same articles,
``name (count)``). Numbers, dates and other numeric labels are left out by default.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.errors import InputError, OutputError
from pipeline.record import Article

NUMERIC = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"}


def entity_index(records: Iterable[Article], include_numeric: bool = False, top_co: int = 5) -> list[dict[str, Any]]:
    mentions: Counter[tuple[str, str]] = Counter()
    articles: Counter[tuple[str, str]] = Counter()
    forms: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    dates: dict[tuple[str, str], list[str]] = defaultdict(list)
    co: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for article in records:
        keys = []
        for ent in article.entities:
            if ent.label in NUMERIC and not include_numeric:
                continue
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
        })
    rows.sort(key=lambda r: (-r["mentions"], r["entity"], r["label"]))
    return rows


def write_index(rows: list[dict[str, Any]], target: str | Path) -> None:
    import pandas as pd

    target = Path(target)
    frame = pd.DataFrame(rows, columns=["entity", "label", "mentions", "articles", "first_seen", "last_seen",
                                        "surface_forms", "co_mentions"])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.suffix == ".parquet":
            frame.to_parquet(target, index=False)
        elif target.suffix in (".csv", ".tsv"):
            frame.to_csv(target, index=False, sep="\t" if target.suffix == ".tsv" else ",")
        else:
            raise InputError(f"write the index as .csv, .tsv or .parquet, not {target.name}")
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
