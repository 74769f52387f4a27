"""Building an :class:`~pipeline.record.Article` from what a reader found, the same way for
every format: the size limit (``input.max_chars`` and ``input.on_too_long``), the split of an
over-long article into parts, a page's HTML through the extraction of :mod:`pipeline.io.html`,
and the flag for replaced bytes.
"""
from __future__ import annotations

from typing import Any

from pipeline.config import InputConfig
from pipeline.errors import InputError
from pipeline.io.decode import Decoded
from pipeline.record import Article, Rejected, Removal, article_id


def checked(article: Article, config: InputConfig) -> Article | Rejected:
    """Apply the size limit ``input.max_chars`` as ``input.on_too_long`` says: ``reject`` (the
    default), ``truncate`` (cut, flagged ``truncated``) or ``split`` (left whole here; split into
    parts by :func:`split_long` in :func:`read_inputs`)."""
    size = len(article.text)
    if size <= config.max_chars or config.max_chars <= 0 or config.on_too_long == "split":
        return article
    if config.on_too_long == "truncate":
        article.text = article.text[: config.max_chars]
        article.flags.append("truncated")
        article.extra["original_chars"] = size
        return article
    return Rejected(article.source, f"article too long: {size} characters > input.max_chars={config.max_chars} "
                    "(or set input.on_too_long=split or truncate)", article.id)


def split_long(article: Article, max_chars: int) -> list[Article]:
    """An article over ``max_chars`` as consecutive parts of at most ``max_chars`` characters,
    cut after a line break where there is one in the second half of a part, else after a
    sentence end, else anywhere. Part k of N has the id ``ID#partK``, the flag ``split`` and
    ``extra["part"] = {"index": k, "of": N, "article": ID, "offset": where it starts}``, so a
    part's spans map back to the whole by adding that offset."""
    text = article.text
    if max_chars <= 0 or len(text) <= max_chars:
        return [article]
    bounds: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > max_chars:
        window = text[start : start + max_chars]
        cut = window.rfind("\n") + 1
        if cut <= max_chars // 2:
            ends = [window.rfind(mark) + 1 for mark in "。！？!?"]
            cut = max(ends) if max(ends) > max_chars // 2 else max_chars
        bounds.append((start, start + cut))
        start += cut
    bounds.append((start, len(text)))
    parts = []
    for k, (a, b) in enumerate(bounds, 1):
        parts.append(Article(
            id=f"{article.id}#part{k}", source=article.source, title=article.title, text=text[a:b],
            removed=[Removal(r.text, r.reason, r.raw_start - a, r.raw_end - a, r.field) if r.field == "text"
                     else r for r in article.removed
                     if (r.field == "text" and a <= r.raw_start and r.raw_end <= b) or (r.field != "text" and k == 1)],
            flags=[*article.flags, "split"],
            extra={**article.extra, "part": {"index": k, "of": len(bounds), "article": article.id, "offset": a}},
        ))
    return parts


def decode_flags(decoded: Decoded) -> list[str]:
    """``decode_errors:N`` when N byte sequences could not be decoded and were replaced."""
    return [f"decode_errors:{decoded.errors}"] if decoded.errors else []


def html_article(page: str, source: str, config: InputConfig, *, flags: list[str] | None = None,
                 extra: dict[str, Any] | None = None, given_id: str | None = None) -> Article | Rejected:
    """An article from a page's HTML (a file, or a field of a row). The link lines the page's
    clutter pass proposes to cut travel as ``removed`` entries that the clean stage applies."""
    from pipeline.io.html import extract_html

    try:
        page_doc = extract_html(page)
    except InputError as exc:
        return Rejected(source, exc.reason, given_id or "")
    title, text = page_doc.title, page_doc.text
    removed = [Removal(text[c.start:c.end], c.reason, c.start, c.end) for c in page_doc.cuts]
    article = Article(
        id=given_id or article_id(source, title, text),
        source=source,
        title=title,
        text=text,
        removed=removed,
        flags=[*(flags or []), *page_doc.flags],
        extra={**(extra or {}), **page_doc.extra},
    )
    return checked(article, config)
