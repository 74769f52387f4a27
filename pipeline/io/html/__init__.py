"""HTML pages to articles: body, title, date, author and the clutter cut from the body.

``extract_html(page)`` parses the page once, asks well-kept extractors for the body
(:mod:`.bodies`), proposes cuts of the link lines that survive extraction (:mod:`.clutter`),
reads the metadata (:mod:`.metadata`) and flags pages that are not articles. The proposed
cuts travel as ``Article.removed`` entries over the extracted text; the clean stage applies
them (and its own rules) and records each one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import InputError
from pipeline.io.html.bodies import Candidate, candidate_bodies, choose_body
from pipeline.io.html.clutter import Cut, link_cuts, link_line_flags
from pipeline.io.html.dom import link_texts, parse_page, squeeze, wrap_fragment
from pipeline.io.html.metadata import page_metadata

# A page whose body keeps fewer characters than this after its link lines are cut, or whose
# extracted lines are mostly links with little prose left, is no article (an index, a list,
# a login wall, an empty shell).
MIN_ARTICLE_CHARS = 50
LIST_PAGE_MAX_CHARS = 300
LIST_PAGE_LINK_SHARE = 0.5


@dataclass
class PageExtraction:
    title: str
    text: str
    extra: dict[str, Any] = field(default_factory=dict)
    cuts: list[Cut] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def _han(text: str) -> int:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff")


def extract_html(page: str) -> PageExtraction:
    """The article of a page; ``InputError`` when no extractor finds any body text.

    Complexity: the steps (candidates, body choice, link cuts, metadata, the not_article verdict) are helpers; what
    is left is their order and the verdict's three conditions."""
    page = wrap_fragment(page)
    tree = parse_page(page)
    if tree is None:
        raise InputError("HTML page could not be parsed")
    links = link_texts(tree)
    candidates = candidate_bodies(page)
    shares = {}
    for cand in candidates:
        flags = link_line_flags(cand.text, links) if cand.text else []
        shares[cand.extractor] = sum(flags) / len(flags) if flags else 0.0
    chosen: Candidate = choose_body(candidates, shares)
    text = chosen.text.strip()
    if not squeeze(text):
        raise InputError("HTML page has no extractable article body (readability and trafilatura found none)")
    traf_meta = next((c.metadata for c in candidates if c.metadata), {})
    cuts = link_cuts(text, links)
    kept = _kept_text(text, cuts)
    meta = page_metadata(tree, kept or text, traf_meta)
    title = meta.pop("title", "")
    extra: dict[str, Any] = {k: v for k, v in meta.items() if v}
    extra["html"] = {"extractor": chosen.extractor, "candidates": {c.extractor: c.size for c in candidates}}
    flags = []
    kept_chars = len(squeeze(kept))
    cut_share = shares.get(chosen.extractor, 0.0)
    if kept_chars < MIN_ARTICLE_CHARS or (kept_chars < LIST_PAGE_MAX_CHARS and cut_share >= LIST_PAGE_LINK_SHARE) \
            or _han(kept) < 0.2 * kept_chars:
        flags.append("not_article")
    return PageExtraction(title, text, extra, cuts, flags)


def _kept_text(text: str, cuts: list[Cut]) -> str:
    out, pos = [], 0
    for cut in cuts:
        out.append(text[pos : cut.start])
        pos = cut.end
    out.append(text[pos:])
    return "".join(out)
