"""jieba segmentation with POS and exact offsets, one ``jieba.Tokenizer`` per pipeline.

jieba's module-level tokenizer is shared process-wide: a user dictionary loaded for one
pipeline would leak into every other. Each :class:`JiebaSegmenter` owns its tokenizer,
so lexicons never leak. POS tags are jieba's ICTCLAS-style tags, looked up from jieba's
own dictionary (plus the lexicons' tags) for each word of the fast precise-mode cut, so
segmentation is exactly ``Tokenizer.cut``'s (``jieba.posseg`` may segment differently).
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import jieba

from pipeline.errors import ConfigError, ResourceError
from pipeline.resources import read_lines, resolve
from pipeline.text.normalize import FULLWIDTH_TO_HALFWIDTH

jieba.setLogLevel(logging.WARNING)

LEXICON_MODES = ("add", "standard")
STANDARD_DEFAULT_FREQ = 100  # frequency of a standard's word that jieba's dictionary lacks

_NUMERIC = re.compile(r"^[\d.,%％:：/\-+]+$|^[零〇一二两三四五六七八九十百千万亿]+$")
_ASCII_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_\-.&+#]*$")
_HAN = re.compile(r"[\u3400-\u9fff]")
_USER_LINE = re.compile(r"^(.+?)(?:\s+(\d+))?(?:\s+([a-z]+))?$")
# Characters that jieba emits one by one but that form one word in a run:
# dashes (——), ellipses (……), and digits with their decimal point (3.5, ３．５).
_RUN_CHARS = set("—－-…·～~")
_DIGITS = set("0123456789０１２３４５６７８９")
_DECIMAL = set(".．")


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


def _jieba_dict_path() -> str:
    return os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)


@lru_cache(maxsize=1)
def _jieba_dictionary() -> tuple[dict[str, int], dict[str, str]]:
    """(word → frequency, word → POS) of jieba's bundled dictionary, read once per process."""
    freq, pos = {}, {}
    for _, line in read_lines(Path(_jieba_dict_path()), comments=False):
        parts = line.split()
        if len(parts) >= 2:
            freq[parts[0]] = int(parts[1])
        if len(parts) == 3:
            pos[parts[0]] = parts[2]
    return freq, pos


def jieba_pos_table() -> dict[str, str]:
    return _jieba_dictionary()[1]


def jieba_freq_table() -> dict[str, int]:
    return _jieba_dictionary()[0]


def read_lexicon(path: Path) -> list[tuple[str, int | None, str | None]]:
    """``(word, freq, pos)`` from a word list: ``word`` or jieba's ``word freq [pos]`` a line.

    Full-width letters and digits are made half-width, as the cleaning stage does to text.
    """
    entries = []
    for _, line in read_lines(path):
        line = line.strip()
        m = _USER_LINE.match(line)
        word, freq, tag = m.groups() if m else (line, None, None)
        entries.append((word.translate(FULLWIDTH_TO_HALFWIDTH), int(freq) if freq else None, tag))
    return entries


def standard_dictionary(entries: list[tuple[str, int | None, str | None]], sources: list[Path]) -> str:
    """A jieba dictionary whose words are the standard's: every single character of jieba's
    dictionary (so any text can be cut) plus the lexicon's words, with jieba's frequency
    where it knows the word. Written once to the cache folder, keyed by content."""
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.read_bytes())
    target = Path(_cache_dir()) / f"jieba.standard.{digest.hexdigest()[:16]}.txt"
    if target.exists():
        return str(target)
    base = jieba_freq_table()
    words = {w: f for w, f in base.items() if len(w) == 1}
    for word, freq, _ in entries:
        words[word] = freq or base.get(word, STANDARD_DEFAULT_FREQ)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text("".join(f"{w} {f}\n" for w, f in words.items() if " " not in w), encoding="utf-8")
    os.replace(tmp, target)
    return str(target)


def fallback_pos(word: str) -> str:
    if _NUMERIC.match(word):
        return "m"
    if _ASCII_WORD.match(word):
        return "eng"
    if _HAN.search(word):
        return "n"
    return "x"


class JiebaSegmenter:
    """Segments text with a private ``jieba.Tokenizer``; lexicons change it only.

    ``lexicon_mode="add"`` adds the lexicons' words to jieba's dictionary (a domain: company
    names, product lines, people); with ``split_compounds`` (default) a jieba word that the
    lexicons list only in parts is no longer proposed, so a standard's word list (PKU's)
    is followed too. ``"standard"`` makes the lexicons *the* vocabulary: every jieba word
    the lexicons lack is dropped, not only the compounds of their words.
    """

    def __init__(self, lexicons: list[str] | None = None, hmm: bool = False, lexicon_mode: str = "add",
                 split_compounds: bool = True) -> None:
        if lexicon_mode not in LEXICON_MODES:
            raise ConfigError(f"tokens.lexicon_mode must be one of {LEXICON_MODES}, got {lexicon_mode!r}")
        self.hmm = hmm
        self.lexicon_mode = lexicon_mode
        self.pos = jieba_pos_table()
        self.user_pos: dict[str, str] = {}
        self.lexicons = [resolve(name) for name in lexicons or []]
        entries = [entry for path in self.lexicons for entry in read_lexicon(path)]
        if lexicon_mode == "standard" and entries:
            self.tokenizer = jieba.Tokenizer(standard_dictionary(entries, self.lexicons))
        else:
            self.tokenizer = jieba.Tokenizer()
        self.tokenizer.tmp_dir = _cache_dir()
        self.tokenizer.initialize()
        self.vocabulary = {word for word, _, _ in entries}
        for word, freq, tag in entries:
            if lexicon_mode == "add":
                self.tokenizer.add_word(word, freq, tag)
            if tag:
                self.user_pos[word] = tag
        self.split_compounds = 0
        if lexicon_mode == "add" and entries and split_compounds:
            self.split_compounds = self._split_compounds()

    def _split_compounds(self) -> int:
        """Stop proposing jieba's own words that the lexicons list only in parts (女士们 when the
        list has 女士 and 们 but not 女士们): the lexicon's standard splits them. Returns how many.

        Complexity: a word-break check (do the list's words make up jieba's word?) over jieba's whole dictionary;
        the branches are its cheap filters first."""
        vocabulary = self.vocabulary
        longest = max(len(w) for w in vocabulary)
        chars = {c for w in vocabulary for c in w}
        freq = self.tokenizer.FREQ
        removed = 0
        for word, count in jieba_freq_table().items():
            if len(word) < 2 or not count or word in vocabulary or not all(c in chars for c in word):
                continue
            n = len(word)
            ok = [True] + [False] * n
            for i in range(1, n + 1):
                for j in range(max(0, i - longest), i):
                    if ok[j] and i - j < n and word[j:i] in vocabulary:
                        ok[i] = True
                        break
            if ok[n] and freq.get(word):
                freq[word] = 0  # stays a prefix for the DAG, no longer a word
                removed += 1
        return removed

    @property
    def version(self) -> str:
        return f"jieba {metadata.version('jieba')}"

    def pos_of(self, word: str) -> str:
        return self.user_pos.get(word) or self.pos.get(word) or fallback_pos(word)

    def cut_sentences(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        """Tokens of each text (the interface both segmentation backends share)."""
        return [self.cut(text) for text in texts]

    def cut(self, text: str, offset: int = 0) -> list[tuple[int, int, str]]:
        """Tokens ``(start, end, pos)`` of ``text`` (whitespace is not a token)."""
        words = merge_runs(list(self.tokenizer.cut(text, HMM=self.hmm)))
        out = []
        pos = offset
        for word in words:
            end = pos + len(word)
            if not word.isspace():
                out.append((pos, end, self.pos_of(word)))
            pos = end
        if pos - offset != len(text):  # jieba keeps every character; guard the offsets anyway
            raise ResourceError(f"jieba lost characters while segmenting {text[:30]!r}")
        return out


def _is_number(word: str) -> bool:
    return all(c in _DIGITS or c in _DECIMAL for c in word) and any(c in _DIGITS for c in word)


def merge_runs(words: list[str]) -> list[str]:
    """Join what jieba splits character by character: ``——``, ``……``, ``3.5``, ``１９９８``."""
    out: list[str] = []
    for word in words:
        if out:
            prev = out[-1]
            same_run = len(set(prev + word)) == 1 and word[0] in _RUN_CHARS
            number = _is_number(prev) and prev[-1] not in _DECIMAL and (_is_number(word) or word in _DECIMAL) or (
                _is_number(prev) and prev[-1] in _DECIMAL and word[0] in _DIGITS and _is_number(word)
            )
            if same_run or number:
                out[-1] = prev + word
                continue
        out.append(word)
    return out
