"""A page's title, publication date, author, editor and outlet.

* Title: ``<title>`` (split at the separators sites put around their name), ``og:title``,
  the ``<h1>``s and trafilatura's title are candidates; the one that agrees best with the
  body (character bigrams) wins, a candidate that is only a cut-short prefix of another
  (an ``og:title`` broken by an unescaped quote) loses to the longer one, and the site's
  name (``og:site_name``, or the part of ``<title>`` the body does not share) is dropped.
* Date: meta tags and ``<time>``, else the dateline nearest above the body in the page's
  text (``2021-1-29 13:18``, ``2005年3月21日``), else trafilatura's; ISO 8601.
* Author, editor, outlet: ``<meta name=author>``, else the bylines (``models/bylines.tsv``)
  in the page's text just around the body.
"""
from __future__ import annotations

import re
from typing import Any

import lxml.html

from pipeline.io.html.dom import element_text, meta_content, squeeze
from pipeline.text.bylines import find_dates, parse_byline, parse_date

_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s|--|——|－)\s*")
_DATE_META = (
    "article:published_time", "og:published_time", "og:release_date", "pubdate", "publishdate", "publish_date",
    "publication_date", "datepublished", "date", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date",
    "parsely-pub-date", "weibo:article:create_at", "article:published", "firstpublishedtime", "lastmodifiedtime",
    "releasedate", "article_date_original",
)
# How many lines of the page text above the body's first line a dateline or byline may be.
LOOKBACK_LINES = 12
LOOKAHEAD_LINES = 4
NEAR_LINES = 6


def _bigrams(text: str) -> set[str]:
    text = "".join(c for c in text if c.isalnum())
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _agreement(candidate: str, body_grams: set[str]) -> float:
    grams = _bigrams(candidate)
    return len(grams & body_grams) / len(grams) if grams else 0.0


def title_candidates(tree: lxml.html.HtmlElement, extracted: str) -> list[str]:
    out = []
    title_el = tree.find(".//title")
    if title_el is not None and title_el.text_content().strip():
        out.append(" ".join(title_el.text_content().split()))
    for name in ("og:title", "twitter:title", "title", "headline"):
        value = meta_content(tree, name)
        if value:
            out.append(" ".join(value.split()))
    for h1 in list(tree.iter("h1"))[:3]:
        text = " ".join(h1.text_content().split())
        if text:
            out.append(text)
    if extracted:
        out.append(" ".join(extracted.split()))
    return out


def choose_title(candidates: list[str], body: str, site_name: str = "") -> str:
    """The candidate (or a part of ``<title>`` between separators) that best agrees with the body.

    Complexity: scores every candidate and its parts between separators against the body, then prefers a longer
    candidate that the winner is a cut-short prefix of."""
    body_grams = _bigrams(body[:3000])
    options: list[tuple[float, int, str]] = []
    for rank, cand in enumerate(candidates):
        parts = [p for p in _TITLE_SEPARATORS.split(cand) if p.strip()]
        pieces = [cand] + (parts if len(parts) > 1 else [])
        for piece in pieces:
            piece = piece.strip(" -_|")
            if len(squeeze(piece)) < 2 or (site_name and squeeze(piece) == squeeze(site_name)):
                continue
            options.append((_agreement(piece, body_grams), rank, piece))
    if not options:
        return ""
    # a piece that is a cut-short prefix of a longer candidate that agrees as well loses to it
    best_score = max(score for score, _, _ in options)
    good = [o for o in options if o[0] >= best_score - 0.1 and o[0] > 0]
    if not good:
        return ""
    good.sort(key=lambda o: (-o[0], o[1]))
    choice = good[0][2]
    for _, _, other in good:
        if other != choice and other.startswith(choice) and len(other) > len(choice) and \
                not _TITLE_SEPARATORS.match(other[len(choice):]):
            choice = other
    return strip_site_name(drop_unshared_parts(choice, body_grams), site_name)


def drop_unshared_parts(title: str, body_grams: set[str]) -> str:
    """The site's or channel's name around a title (``…-新华网``, ``…_中国政府网``): short parts
    between separators that the body does not share are dropped, if a shared part is left."""
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    shared = [p for p in parts if len(squeeze(p)) > 12 or _agreement(p, body_grams) >= 0.34]
    if not shared or len(shared) == len(parts):
        return title
    start = title.find(shared[0])
    end = title.rfind(shared[-1]) + len(shared[-1])
    return title[start:end].strip()


def strip_site_name(title: str, site_name: str) -> str:
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) > 1 and site_name and squeeze(parts[-1]) == squeeze(site_name):
        return title[: title.rfind(parts[-1])].rstrip(" -_|｜–—")
    return title


def page_lines(tree: lxml.html.HtmlElement) -> list[str]:
    body = tree.find(".//body")
    return element_text(body if body is not None else tree).split("\n")


def body_position(lines: list[str], body: str) -> tuple[int, int]:
    """Index of the page lines where the body starts and ends (best effort: -1 if not found)."""
    body_lines = [squeeze(line) for line in body.split("\n") if len(squeeze(line)) >= 8]
    if not body_lines:
        return -1, -1
    squeezed = [squeeze(line) for line in lines]

    def find(target: str, reverse: bool = False) -> int:
        order = range(len(squeezed) - 1, -1, -1) if reverse else range(len(squeezed))
        probe = target[:30]
        for i in order:
            if probe and probe in squeezed[i]:
                return i
        return -1

    return find(body_lines[0]), find(body_lines[-1][-30:], reverse=True)


def date_from_markup(tree: lxml.html.HtmlElement) -> str | None:
    value = meta_content(tree, *_DATE_META)
    if value:
        found = parse_date(value)
        if found:
            return found
    for el in tree.iter("time"):
        found = parse_date(el.get("datetime") or "") or parse_date(el.text_content())
        if found:
            return found
    for el in tree.xpath('//*[@itemprop="datePublished"]'):
        found = parse_date(el.get("content") or el.get("datetime") or el.text_content())
        if found:
            return found
    return None


def dateline(lines: list[str], start: int, end: int, lookback: int = LOOKBACK_LINES, tail: bool = True) -> str | None:
    """The date written nearest above the body's first line (or in its first lines); else a
    short date line (an issue's month, ``——《北京之春》1998年3月号``) just around the body."""
    if start < 0:
        return None
    window = list(range(start - 1, max(-1, start - 1 - lookback), -1)) + list(
        range(start, min(len(lines), start + LOOKAHEAD_LINES)))
    for i in window:
        found = find_dates(lines[i])
        if found and len(lines[i]) <= 200:
            return found[0][1]
    if not tail:
        return None
    last = max(end, start)
    tail = list(range(last, min(len(lines), last + LOOKAHEAD_LINES + 1)))
    for i in window + tail:
        found = find_dates(lines[i], month_only=True)
        if found:
            return found[0][1]
    return None


_LABEL_ONLY = re.compile(r"^(?:作者|记者|编辑|责任编辑|来源|文|撰文|执笔)\s*[:：]\s*$")
_LONE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def byline_fields(lines: list[str], start: int, end: int, title: str = "") -> dict[str, Any]:
    """Author, editor and outlet from the lines around the body (above it first, then below).

    A label alone on its line (``作者：``) is read with the next line; a line that is only a
    plausible Chinese name just above the body (under the title) is its author.

    Complexity: one scan over the lines around the body for author, editor and outlet, then the lone-name fallback
    above the body."""
    from pipeline.text.bylines import plausible_name

    out: dict[str, Any] = {}
    if start < 0:
        return out
    last = max(end, start)
    above = list(range(start - 1, max(-1, start - 1 - LOOKBACK_LINES), -1))
    around = above + list(range(start, min(len(lines), start + LOOKAHEAD_LINES))) + list(
        range(max(start, last - LOOKAHEAD_LINES), min(len(lines), last + LOOKAHEAD_LINES + 1)))
    for i in around:
        line = lines[i]
        if _LABEL_ONLY.match(line) and i + 1 < len(lines):
            line = line + lines[i + 1]
        found = parse_byline(line)
        if found.author and "author" not in out:
            out["author"] = found.author
        if found.editor and "editor" not in out:
            out["editor"] = found.editor
        if found.outlet and "outlet" not in out:
            out["outlet"] = found.outlet
    if "author" not in out:
        for i in above[:NEAR_LINES]:
            if _LONE_NAME.match(lines[i]) and plausible_name(lines[i]) and lines[i] not in title:
                out["author"] = [lines[i]]
                break
    return out


def page_metadata(tree: lxml.html.HtmlElement, body: str, traf_meta: dict[str, Any]) -> dict[str, Any]:
    """``title``, ``date``, ``author`` (names separated by spaces), ``authors``, ``editor``,
    ``outlet`` and ``sitename`` of a page, each only when found.

    Complexity: each field from its sources in order of trust (the date: a dateline by the body, the markup,
    trafilatura; the author: byline lines, then the meta tag), copied only when found."""
    site_name = meta_content(tree, "og:site_name", "application-name") or traf_meta.get("sitename", "")
    title = choose_title(title_candidates(tree, traf_meta.get("title", "")), body, site_name)
    lines = page_lines(tree)
    start, end = body_position(lines, body)
    out: dict[str, Any] = {"title": title}
    # a dateline just above the body is what the page shows its reader; then the markup; then
    # a dateline further up; then trafilatura's reading
    date = (dateline(lines, start, -1, lookback=NEAR_LINES, tail=False) if start >= 0 else None) or date_from_markup(tree) \
        or dateline(lines, start, end) or parse_date(traf_meta.get("date") or "")
    if date:
        out["date"] = date[:10]  # YYYY-MM-DD (YYYY-MM for an issue's month)
        if len(date) > 10:
            out["datetime"] = date  # YYYY-MM-DDTHH:MM[:SS], when the page gives the time
    fields = byline_fields(lines, start, end, title)
    meta_author = meta_content(tree, "author", "article:author", "dc.creator")
    if "author" not in fields and meta_author:
        names = [n for n in re.split(r"[\s,，、;；]+", meta_author) if n]
        # a site's name, a URL or a slogan in the author tag is no author
        if names and len(names) <= 6 and all(2 <= len(n) <= 12 and not re.search(r"[\d./@:]", n) for n in names):
            fields["author"] = names
    if "author" in fields:
        out["authors"] = fields["author"]
        out["author"] = " ".join(fields["author"])
    if "editor" in fields:
        out["editor"] = " ".join(fields["editor"])
    if "outlet" in fields:
        out["outlet"] = fields["outlet"]
    if site_name:
        out["sitename"] = site_name
    return out
