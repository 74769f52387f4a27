"""HTML news pages through trafilatura: title, date, author, body with paragraph breaks."""
from __future__ import annotations

from typing import Any

from pipeline.errors import InputError


def extract_html(page: str) -> tuple[str, str, dict[str, Any]]:
    """``(title, body, extra)`` of a page; ``InputError`` when there is no extractable body."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        page,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        deduplicate=True,
    )
    data = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    text = (data.get("text") or "").strip()
    if not text:
        raise InputError("HTML page has no extractable article body")
    extra = {k: data[k] for k in ("date", "author", "sitename", "url") if data.get(k)}
    return data.get("title") or "", text, extra
