"""Score HTML extraction against hand-labelled pages (the CWCED layout).

A gold folder holds ``original/<id>.html`` and, for the same ``<id>``, ``cleaned/<id>.txt``
(the article's content), and optionally ``date/<id>.txt`` (``YYYY-MM-DD HH:MM:SS``, fields
may be missing, ``UNKNOWN`` when none), ``author/<id>.txt`` (names separated by spaces,
``UNKNOWN`` when none) and ``title/<id>.txt``.

Body score: character-level LCS F1 (ROUGE-L style) between the extracted body and the gold
content after NFKC and dropping every punctuation, symbol, whitespace and control
character; macro average over pages; a page with no output scores 0. The date is right
when it agrees with the gold at the gold's own precision (a gold ``1998-3`` needs the year
and month); the author is right when the set of names extracted equals the gold's.
"""
from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import InputError

_UNKNOWN = {"", "unknown", "unknwon", "none", "null"}
_DATE = re.compile(r"(\d{4})(?:\D{1,2}(\d{1,2}))?(?:\D{1,2}(\d{1,2}))?")
_NAME_SPLIT = re.compile(r"[\s,，、;；/|]+")


def normalize_for_scoring(text: str) -> str:
    """NFKC, then only letters, digits and marks: punctuation, symbols, whitespace and control go."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c)[0] not in "PSZC")


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence (bit-parallel, via rapidfuzz)."""
    from rapidfuzz.distance import LCSseq

    return int(LCSseq.similarity(a, b))


def body_scores(predicted: str, gold: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of the normalised predicted body against the normalised gold."""
    pred, ref = normalize_for_scoring(predicted), normalize_for_scoring(gold)
    if not pred or not ref:
        return 0.0, 0.0, 0.0
    common = lcs_length(pred, ref)
    p, r = common / len(pred), common / len(ref)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def parse_date_parts(text: str | None) -> tuple[int, ...]:
    """``(year[, month[, day]])`` of a date written with any separators; () when there is none."""
    if not text or text.strip().lower() in _UNKNOWN:
        return ()
    match = _DATE.search(text)
    if not match:
        return ()
    return tuple(int(g) for g in match.groups() if g is not None)


def date_matches(predicted: str | None, gold: str | None) -> bool | None:
    """True/False when the gold has a date, None when it has none."""
    want = parse_date_parts(gold)
    if not want:
        return None
    got = parse_date_parts(predicted)
    return got[: len(want)] == want


def author_names(text: str | None) -> set[str]:
    if not text or text.strip().lower() in _UNKNOWN:
        return set()
    return {n for n in _NAME_SPLIT.split(unicodedata.normalize("NFKC", text).strip()) if n}


def author_matches(predicted: str | None, gold: str | None) -> bool | None:
    """True/False when the gold names an author, None when it names none."""
    want = author_names(gold)
    if not want:
        return None
    return author_names(predicted) == want


@dataclass
class GoldPage:
    id: str
    html_path: Path
    body: str
    date: str | None = None
    author: str | None = None
    title: str | None = None


def read_html_gold(folder: str | Path) -> list[GoldPage]:
    """The pages of a gold folder in the CWCED layout (see the module docstring)."""
    root = Path(folder)
    originals = root / "original"
    if not originals.is_dir():
        raise InputError(f"{root} has no original/ folder of HTML pages (expected original/<id>.html, cleaned/<id>.txt)")

    def side(kind: str, page_id: str) -> str | None:
        path = root / kind / f"{page_id}.txt"
        if not path.exists():
            return None
        return path.read_text(encoding="utf-8", errors="replace").strip()

    pages = []
    for html in sorted(originals.iterdir()):
        if not html.is_file() or html.name.startswith("."):
            continue
        page_id = html.stem
        body = side("cleaned", page_id)
        if body is None:
            continue
        pages.append(GoldPage(page_id, html, body, side("date", page_id), side("author", page_id),
                              side("title", page_id)))
    if not pages:
        raise InputError(f"no page of {originals} has a cleaned/<id>.txt beside it")
    return pages


@dataclass
class Extraction:
    """What one extractor made of a page."""

    body: str = ""
    title: str = ""
    date: str | None = None
    author: str | None = None
    error: str = ""


@dataclass
class PageScore:
    id: str
    precision: float
    recall: float
    f1: float
    empty: bool
    date: bool | None
    author: bool | None
    title: bool | None
    seconds: float
    error: str = ""


@dataclass
class HtmlScores:
    pages: list[PageScore] = field(default_factory=list)

    def _share(self, name: str) -> tuple[float | None, int]:
        judged = [getattr(p, name) for p in self.pages if getattr(p, name) is not None]
        return (sum(judged) / len(judged) if judged else None), len(judged)

    def to_dict(self) -> dict[str, Any]:
        n = len(self.pages) or 1
        date, dates = self._share("date")
        author, authors = self._share("author")
        title, titles = self._share("title")
        return {
            "pages": len(self.pages),
            "precision": sum(p.precision for p in self.pages) / n,
            "recall": sum(p.recall for p in self.pages) / n,
            "f1": sum(p.f1 for p in self.pages) / n,
            "empty": sum(p.empty for p in self.pages),
            "date_accuracy": date, "pages_with_date": dates,
            "author_accuracy": author, "pages_with_author": authors,
            "title_accuracy": title, "pages_with_title": titles,
            "ms_per_page": 1000 * sum(p.seconds for p in self.pages) / n,
            "per_page": [vars(p) for p in self.pages],
        }


def title_matches(predicted: str, gold: str | None) -> bool | None:
    if gold is None or not gold.strip():
        return None
    return normalize_for_scoring(predicted) == normalize_for_scoring(gold)


def evaluate_html(pages: Iterable[GoldPage], extract: Callable[[Path], Extraction]) -> HtmlScores:
    """Run ``extract`` on every gold page and score it (an extractor error scores 0, never stops)."""
    scores = HtmlScores()
    for page in pages:
        start = time.perf_counter()
        try:
            got = extract(page.html_path)
        except Exception as exc:  # noqa: BLE001 - a failing page scores 0 and is named
            got = Extraction(error=f"{type(exc).__name__}: {exc}")
        seconds = time.perf_counter() - start
        p, r, f1 = body_scores(got.body, page.body)
        scores.pages.append(PageScore(
            page.id, p, r, f1,
            empty=not normalize_for_scoring(got.body) and bool(normalize_for_scoring(page.body)),
            date=date_matches(got.date, page.date),
            author=author_matches(got.author, page.author),
            title=title_matches(got.title, page.title),
            seconds=seconds, error=got.error,
        ))
    return scores


def zhnews_extractor(config: Any = None) -> Callable[[Path], Extraction]:
    """Our own path for a page: the HTML reader, then the clean stage (as ``zhnews run`` does)."""
    from pipeline.config import PipelineConfig
    from pipeline.io.readers import read_html
    from pipeline.record import Rejected
    from pipeline.stages.clean import Cleaner

    config = config or PipelineConfig()
    cleaner = Cleaner(config.clean)

    def extract(path: Path) -> Extraction:
        article = read_html(path, config.input)
        if isinstance(article, Rejected):
            return Extraction(error=article.reason)
        try:
            article = cleaner(article)
        except InputError as exc:
            return Extraction(error=exc.reason)
        extra = article.extra
        # the person credited: the author, else the editor (the gold credits an editor where
        # a page names no author)
        return Extraction(body=article.text, title=article.title, date=extra.get("date"),
                          author=extra.get("author") or extra.get("editor"))

    return extract


def format_html_scores(scores: dict[str, Any], where: str | Path) -> str:
    """The table ``zhnews eval html`` prints."""
    def share(value: float | None, n: int) -> str:
        return "-" if value is None else f"{value:.3f} ({round(value * n)}/{n})"

    lines = [
        f"{scores['pages']} pages from {where}; body: character LCS F1 after NFKC, punctuation, symbols and "
        "whitespace dropped; macro over pages",
        f"| {'measure':<24} | {'value':>16} |",
        f"|{'-' * 26}|{'-' * 17}:|",
        f"| {'body precision':<24} | {scores['precision']:16.3f} |",
        f"| {'body recall':<24} | {scores['recall']:16.3f} |",
        f"| {'body F1':<24} | {scores['f1']:16.3f} |",
        f"| {'empty pages':<24} | {scores['empty']:>16} |",
        f"| {'date right':<24} | {share(scores['date_accuracy'], scores['pages_with_date']):>16} |",
        f"| {'author right':<24} | {share(scores['author_accuracy'], scores['pages_with_author']):>16} |",
        f"| {'title right':<24} | {share(scores['title_accuracy'], scores['pages_with_title']):>16} |",
        f"| {'ms per page':<24} | {scores['ms_per_page']:16.1f} |",
    ]
    worst = sorted(scores["per_page"], key=lambda p: p["f1"])[:5]
    lines.append("lowest body F1: " + ", ".join(f"{p['id']} {p['f1']:.2f}" + (f" ({p['error']})" if p["error"] else "")
                                                 for p in worst))
    return "\n".join(lines)
