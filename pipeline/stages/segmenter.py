"""jieba segmentation with POS and exact offsets, one ``jieba.Tokenizer`` per pipeline.

jieba's module-level tokenizer is shared process-wide: a user dictionary loaded for one
pipeline would leak into every other. Each :class:`JiebaSegmenter` owns its tokenizer,
so lexicons never leak. POS tags are jieba's ICTCLAS-style tags, looked up from jieba's
own dictionary (plus the lexicons' tags) for each word of the fast precise-mode cut, so
segmentation is exactly ``Tokenizer.cut``'s (``jieba.posseg`` may segment differently).
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import jieba

from pipeline.errors import ResourceError
from pipeline.resources import resolve

jieba.setLogLevel(logging.WARNING)

_NUMERIC = re.compile(r"^[\d.,%％:：/\-+]+$|^[零〇一二两三四五六七八九十百千万亿]+$")
_ASCII_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_\-.&+#]*$")
_HAN = re.compile(r"[\u3400-\u9fff]")
_USER_LINE = re.compile(r"^(.+?)(?:\s+(\d+))?(?:\s+([a-z]+))?$")


def _cache_dir() -> str:
    base = os.environ.get("ZHNEWS_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "zhnews"
    )
    try:
        os.makedirs(base, exist_ok=True)
        if os.access(base, os.W_OK):
            return base
    except OSError:
        pass
    return tempfile.gettempdir()


@lru_cache(maxsize=1)
def jieba_pos_table() -> dict[str, str]:
    """word → POS from jieba's bundled dictionary (read once per process)."""
    table = {}
    with open(jieba.DEFAULT_DICT_NAME if os.path.isabs(jieba.DEFAULT_DICT_NAME) else
              os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME), encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3:
                table[parts[0]] = parts[2]
    return table


def fallback_pos(word: str) -> str:
    if _NUMERIC.match(word):
        return "m"
    if _ASCII_WORD.match(word):
        return "eng"
    if _HAN.search(word):
        return "n"
    return "x"


class JiebaSegmenter:
    """Segments text with a private ``jieba.Tokenizer``; lexicons are added to it only."""

    def __init__(self, lexicons: list[str] | None = None, hmm: bool = False) -> None:
        self.hmm = hmm
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.tmp_dir = _cache_dir()
        self.tokenizer.initialize()
        self.pos = jieba_pos_table()
        self.user_pos: dict[str, str] = {}
        self.lexicons: list[Path] = []
        for name in lexicons or []:
            self.load_lexicon(resolve(name))

    @property
    def version(self) -> str:
        return f"jieba {metadata.version('jieba')}"

    def load_lexicon(self, path: Path) -> int:
        """Add a word list (``word`` or ``word freq [pos]`` a line) to this segmenter only."""
        added = 0
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ResourceError(f"cannot read lexicon {path}: {exc}") from exc
        for lineno, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = _USER_LINE.match(line)
            if not m:  # pragma: no cover - the pattern accepts any non-empty line
                raise ResourceError(f"{path}:{lineno}: cannot parse lexicon line {line!r}")
            word, freq, tag = m.groups()
            self.tokenizer.add_word(word, int(freq) if freq else None, tag)
            if tag:
                self.user_pos[word] = tag
            added += 1
        self.lexicons.append(path)
        return added

    def pos_of(self, word: str) -> str:
        return self.user_pos.get(word) or self.pos.get(word) or fallback_pos(word)

    def cut(self, text: str, offset: int = 0) -> list[tuple[int, int, str]]:
        """Tokens ``(start, end, pos)`` of ``text`` (whitespace is not a token)."""
        out = []
        pos = offset
        for word in self.tokenizer.cut(text, HMM=self.hmm):
            end = pos + len(word)
            if not word.isspace():
                out.append((pos, end, self.pos_of(word)))
            pos = end
        if pos - offset != len(text):  # jieba keeps every character; guard the offsets anyway
            raise ResourceError(f"jieba lost characters while segmenting {text[:30]!r}")
        return out
