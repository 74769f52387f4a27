"""Web archives (``.warc``, ``.warc.gz``) as pages, read with ``warcio``.

Every ``response`` record whose HTTP content type is HTML is one page: its body goes through
the same extraction as an ``.html`` file (decoded by the charset of its HTTP header, else as
a page is), its ``WARC-Target-URI`` is the source, and its ``WARC-Date`` is the fallback date
(``extra.date`` when the page gives none; always ``extra.warc_date``). Requests, metadata and
non-HTML responses (images, scripts, robots.txt) are not articles and are skipped; a page over
``input.max_file_bytes`` or a damaged archive is a reject naming ``file#record``.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.config import InputConfig
from pipeline.errors import InputError
from pipeline.io.articles import decode_flags, html_article
from pipeline.io.decode import Decoded, decode_text
from pipeline.io.files import open_regular
from pipeline.record import Article, Rejected

_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)


def read_warc(path: Path, config: InputConfig) -> Iterator[Article | Rejected]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    n = 0
    try:
        with open_regular(path) as handle:
            for n, record in enumerate(ArchiveIterator(handle), 1):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                content_type = record.http_headers.get_header("Content-Type") or ""
                if "html" not in content_type.lower():
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or f"{path}#{n}"
                where = f"{path}#{n}"
                body = record.content_stream().read(config.max_file_bytes + 1 if config.max_file_bytes > 0 else -1)
                if config.max_file_bytes > 0 and len(body) > config.max_file_bytes:
                    yield Rejected(where, f"page too large: over input.max_file_bytes={config.max_file_bytes} bytes")
                    continue
                yield _page(body, content_type, uri, where, record.rec_headers.get_header("WARC-Date"), config)
    except InputError as exc:
        yield Rejected(str(path), exc.reason)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        yield Rejected(f"{path}#{n + 1}", f"cannot read further: {type(exc).__name__}: {exc} (damaged archive)")


def _page(body: bytes, content_type: str, uri: str, where: str, warc_date: str | None,
          config: InputConfig) -> Article | Rejected:
    declared = _CHARSET.search(content_type)
    decoded = None
    if declared:  # the server's word first; a label Python does not know, or bytes that do not fit, fall through
        name = declared.group(1).lower()
        name = "gb18030" if name in ("gb2312", "gbk", "cp936", "x-gbk") else name
        try:
            decoded = Decoded(body.decode(name), name, 0)
        except (LookupError, UnicodeDecodeError):
            decoded = None
    if decoded is None:
        try:
            decoded = decode_text(body, uri, html=True)
        except InputError as exc:
            return Rejected(where, exc.reason)
    extra = {"warc_record": where}
    if warc_date:
        extra["warc_date"] = warc_date
    article = html_article(decoded.text, uri, config, flags=decode_flags(decoded), extra=extra)
    if isinstance(article, Rejected):
        return Rejected(where, f"{uri}: {article.reason}")
    if warc_date and not article.extra.get("date"):
        article.extra["date"] = warc_date[:10]
    return article
