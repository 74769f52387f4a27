"""Bytes to text: UTF-8 (with or without BOM) first, else charset-normalizer's best guess."""
from __future__ import annotations

from pipeline.errors import InputError


def decode_bytes(data: bytes, source: str) -> str:
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("binary data (NUL bytes), not a text article", source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError("undecodable bytes: not UTF-8 and no known encoding fits", source)
    return str(best)
