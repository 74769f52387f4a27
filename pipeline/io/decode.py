"""Bytes to text.

Order: a byte-order mark; then, for HTML, the charset the page declares (a ``<meta>`` or an
XML declaration anywhere in its head); then strict UTF-8; then GB18030 (the superset of
GB2312 and GBK, which is what Chinese pages labelled either way really hold); then
charset-normalizer's best guess. A GB-family or declared encoding that fits all but a few
bytes decodes with replacement characters, and the count is reported (``decode_errors``)
instead of losing the article.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from pipeline.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# charset=… in a <meta> (either form) or encoding="…" in an XML declaration
_DECLARED = re.compile(rb"""(?:charset\s*=\s*["']?\s*|<\?xml[^>]*encoding\s*=\s*["'])([A-Za-z0-9_.:\-]{2,40})""", re.IGNORECASE)
# Labels that mean "some GB encoding": decoded as GB18030, which contains them all.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "csgb2312", "chinese",
              "hz-gb-2312", "x-euc-cn", "windows-936", "gb_2312", "iso-ir-58"}
_BIG5_FAMILY = {"big5", "big5-hkscs", "cp950", "x-x-big5", "csbig5"}
# Share of bad bytes that is still "a few": past it, the encoding is judged wrong.
MAX_ERROR_SHARE = 0.01


@dataclass
class Decoded:
    text: str
    encoding: str
    errors: int = 0  # undecodable byte sequences replaced by U+FFFD


def _canonical(label: str) -> str | None:
    name = label.strip().lower()
    if name in _GB_FAMILY:
        return "gb18030"
    if name in _BIG5_FAMILY:
        return "big5hkscs"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_encoding(data: bytes, limit: int = 65536) -> str | None:
    """The first charset the page declares in its head (or its first ``limit`` bytes)."""
    head = data[:limit]
    end = head.lower().find(b"</head")
    if end > 0:
        head = head[:end]
    for match in _DECLARED.finditer(head):
        name = _canonical(match.group(1).decode("ascii", "ignore"))
        if name:
            return name
    return None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _lenient(data: bytes, encoding: str) -> Decoded | None:
    """Decode with replacement when only a few sequences are bad."""
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        return None
    errors = text.count("\ufffd") - _strict_count(data, encoding)
    if errors <= max(3, MAX_ERROR_SHARE * len(text)):
        return Decoded(text, encoding, max(errors, 0))
    return None


def _strict_count(data: bytes, encoding: str) -> int:
    """U+FFFD characters written literally in the input (not decoding errors)."""
    return data.count("\ufffd".encode(encoding, errors="ignore")) if encoding.startswith("utf") else 0


def decode_text(data: bytes, source: str, *, html: bool = False) -> Decoded:
    """Bytes of an article or page as text; ``InputError`` for binary or hopeless bytes.

    Complexity: tries the declared, sniffed and detected encodings in order; each branch is one step of that order."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(encoding, errors="replace"), encoding)
    if b"\x00" in data[:8192]:
        raise InputError("binary data (NUL bytes), not a text article", source)
    declared = declared_encoding(data) if html else None
    if declared:
        text = _strict(data, declared)
        if text is not None:
            return Decoded(text, declared)
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8")
    text = _strict(data, "gb18030")
    if text is not None and _looks_chinese(text):
        return Decoded(text, "gb18030")
    if declared:
        lenient = _lenient(data, declared)
        if lenient is not None:
            return lenient
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        encoding = _canonical(best.encoding) or best.encoding
        # a Chinese page misread as a Cyrillic or Latin code page: GB18030 (lenient) is the better reading
        if encoding not in ("gb18030", "big5hkscs", "utf-8"):
            for fallback in ("gb18030", "utf-8"):
                lenient = _lenient(data, fallback)
                if lenient is not None and _looks_chinese(lenient.text):
                    return lenient
        return Decoded(str(best), encoding)
    for fallback in ("utf-8", "gb18030"):
        lenient = _lenient(data, fallback)
        if lenient is not None:
            return lenient
    raise InputError("undecodable bytes: not UTF-8, not GB18030 and no known encoding fits", source)


def _looks_chinese(text: str) -> bool:
    """Enough CJK characters among the non-ASCII ones to be Chinese rather than mojibake."""
    sample = text[:20000]
    non_ascii = [c for c in sample if ord(c) > 127]
    if not non_ascii:
        return True
    cjk = sum(1 for c in non_ascii if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
    return cjk / len(non_ascii) >= 0.6


def decode_bytes(data: bytes, source: str) -> str:
    """Text of a plain article's bytes (see :func:`decode_text`)."""
    return decode_text(data, source).text
