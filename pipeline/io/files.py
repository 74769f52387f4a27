"""Opening inputs safely: only regular files, and never more bytes than the limits allow.

``open_regular`` opens without blocking (a FIFO with no writer would otherwise hang the
run at ``open``), then checks the opened descriptor: a FIFO, a device (``/dev/zero``,
``/dev/urandom``) or a socket is refused with ``InputError`` even when a symlink leads to
it, and there is no window between the check and the read. ``read_limited`` reads a whole
file up to ``max_bytes``; ``bounded_lines`` yields the lines of a stream, each at most
``max_line`` bytes (a longer line is skipped without being held in memory, and reported);
``LimitedReader`` stops a decompressing stream once it has produced ``max_bytes``.
"""
from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import InputError

CHUNK = 1 << 20


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def regular_file_problem(path: Path) -> str | None:
    """Why ``path`` is not a readable regular file (after symlinks), or None when it is one."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            return "symlink loop: the link leads back to itself"
        return f"cannot read file: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    return f"{_kind(mode)}, not a regular file: only regular files are read"


def open_regular(path: str | Path) -> BinaryIO:
    """A binary handle on a regular file; ``InputError`` for anything else (FIFO, device, socket)."""
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        problem = regular_file_problem(path)
        raise InputError(problem or f"cannot read file: {exc.strerror or exc}", str(path)) from exc
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{_kind(mode)}, not a regular file: only regular files are read", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_limited(path: str | Path, max_bytes: int, setting: str = "input.max_file_bytes") -> bytes:
    """The whole file, refused (``InputError`` naming ``setting``) when it is over ``max_bytes``."""
    with open_regular(path) as handle:
        try:
            data = handle.read(max_bytes + 1) if max_bytes > 0 else handle.read()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", str(path)) from exc
    if max_bytes > 0 and len(data) > max_bytes:
        raise InputError(f"file too large: over {setting}={max_bytes} bytes", str(path))
    return data


@dataclass
class LongLine:
    """A line that was over the limit: skipped, only its size is known."""

    size: int


def bounded_lines(handle: BinaryIO, max_line: int) -> Iterator[bytes | LongLine]:
    """Lines ending in LF, CRLF or a lone CR, each at most ``max_line`` bytes (0: no limit).

    A longer line is read through in chunks and yielded as ``LongLine`` (never held whole).
    JSON never has a raw CR inside a value, so a lone CR is a line end (old Mac files)."""
    limit = max_line if max_line > 0 else -1
    while True:
        line = handle.readline(limit + 1 if limit > 0 else -1)
        if not line:
            return
        if limit > 0 and len(line) > limit and not line.endswith(b"\n"):
            size = len(line)
            while True:  # skip to the end of this line, a chunk at a time
                rest = handle.readline(CHUNK)
                size += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield LongLine(size)
            continue
        body = line.rstrip(b"\r\n")
        if b"\r" in body:
            yield from (piece + b"\n" for piece in body.split(b"\r"))
        else:
            yield line


class DecompressionLimit(InputError):
    """A compressed input decompressed past ``input.max_decompressed_bytes``."""


class LimitedReader(io.RawIOBase):
    """Wraps a (decompressing) stream and raises ``DecompressionLimit`` past ``max_bytes``."""

    def __init__(self, inner: BinaryIO, max_bytes: int, source: str) -> None:
        super().__init__()
        self.inner = inner
        self.max_bytes = max_bytes
        self.source = source
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer)
        want = len(view)
        if self.max_bytes > 0:
            want = min(want, self.max_bytes + 1 - self.produced)
            if want <= 0:
                raise DecompressionLimit(
                    f"decompressed size over input.max_decompressed_bytes={self.max_bytes} "
                    "(a compression bomb, or raise the limit); the rest of the file is not read", self.source)
        data = self.inner.read(want)
        n = len(data)
        view[:n] = data
        self.produced += n
        if self.max_bytes > 0 and self.produced > self.max_bytes:
            raise DecompressionLimit(
                f"decompressed size over input.max_decompressed_bytes={self.max_bytes} "
                "(a compression bomb, or raise the limit); the rest of the file is not read", self.source)
        return n

    def close(self) -> None:
        self.inner.close()
        super().close()
