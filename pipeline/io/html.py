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
        # no deduplicate=True: trafilatura's dedup cache lives across calls, so a second page
        # (or the same page read twice in one process) would lose paragraphs seen before.
        # Repeated paragraphs and duplicate articles are the clean stage's and the runner's job.
        deduplicate=False,
        # a date only from the page's metadata or markup: htmldate's extensive search guesses
        # (it read 2024-01-01 off a page dated 2024年5月20日 in its byline)
        date_extraction_params={"original_date": True, "extensive_search": False},
    )
    data = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    text = (data.get("text") or "").strip()
    if not text:
        raise InputError("HTML page has no extractable article body")
    extra = {k: data[k] for k in ("date", "author", "sitename", "url") if data.get(k)}
    return data.get("title") or "", text, extra
