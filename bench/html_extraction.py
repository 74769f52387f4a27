"""HTML extraction side by side: zhnews against trafilatura and readability-lxml on the same pages.

    python bench/html_extraction.py [--gold-dir ../shared/data/html/cwced_dev] [--cctv N] [--json]

Body F1 is character-level LCS F1 after NFKC with punctuation, symbols, whitespace and
control characters dropped, macro over pages (an empty page scores 0); see
``pipeline/evaluation/html.py``. Each peer gets the page decoded to text by zhnews's own
decoder (so that the table compares extraction, not decoding: given raw bytes, trafilatura
misreads several GB pages); zhnews runs its own reader and clean stage, decoding included.
Times are per page, decoding and parsing included for every system. ``--cctv N`` adds the first N
single-site CCTV pages (``../shared/data/html/cctv_pages`` with ``cctv_reference.jsonl``).
"""
from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.evaluation.html import (
    Extraction,
    GoldPage,
    evaluate_html,
    read_html_gold,
    zhnews_extractor,
)

SHARED = ROOT.parent / "shared" / "data" / "html"


def _page(path: Path) -> str:
    from pipeline.io.decode import decode_text

    return decode_text(path.read_bytes(), str(path), html=True).text


def trafilatura_extractor(**options):
    import trafilatura

    def extract(path: Path) -> Extraction:
        doc = trafilatura.bare_extraction(_page(path), with_metadata=True, **options)
        if doc is None:
            return Extraction()
        data = doc.as_dict() if hasattr(doc, "as_dict") else doc
        return Extraction(body=data.get("text") or "", title=data.get("title") or "",
                          date=data.get("date"), author=data.get("author"))

    return extract


def readability_extractor():
    import lxml.html
    from readability import Document

    def extract(path: Path) -> Extraction:
        doc = Document(_page(path))
        summary = doc.summary(html_partial=True)
        tree = lxml.html.fromstring(summary) if summary.strip() else None
        return Extraction(body=tree.text_content() if tree is not None else "", title=doc.short_title())

    return extract


_REFERENCE_FOOTER = re.compile(r"\n-{3,}\n+更新时间：\S*\s*$")


def cctv_pages(limit: int) -> list[GoldPage]:
    """The CCTV reference as gold pages (title and body from the site's own selectors). The
    footer that the reference's builder appended (``---`` and its own ISO timestamp, which
    the page does not hold) is dropped."""
    reference = SHARED / "cctv_reference.jsonl"
    pages = []
    with reference.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            html = SHARED / "cctv_pages" / Path(row["html_path"]).name
            if html.exists() and row.get("content_text"):
                body = _REFERENCE_FOOTER.sub("", row["content_text"])
                pages.append(GoldPage(row["id"], html, body, title=row.get("title")))
            if len(pages) >= limit:
                break
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold-dir", type=Path, default=SHARED / "cwced_dev")
    parser.add_argument("--cctv", type=int, default=0, help="also score the first N CCTV pages")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("readability").setLevel(logging.CRITICAL)

    systems = {
        "zhnews": zhnews_extractor(),
        "trafilatura default": trafilatura_extractor(),
        "trafilatura favor_precision": trafilatura_extractor(favor_precision=True),
        "readability-lxml": readability_extractor(),
    }
    sets = {args.gold_dir.name: read_html_gold(args.gold_dir)}
    if args.cctv:
        sets["cctv"] = cctv_pages(args.cctv)
    results: dict[str, dict[str, dict]] = {}
    for set_name, pages in sets.items():
        for name, extract in systems.items():
            results.setdefault(set_name, {})[name] = evaluate_html(pages, extract).to_dict()
    if args.json:
        print(json.dumps({s: {n: {k: v for k, v in r.items() if k != "per_page"} for n, r in sys_.items()}
                          for s, sys_ in results.items()}, ensure_ascii=False, indent=1))
        return
    for set_name, by_system in results.items():
        n = next(iter(by_system.values()))["pages"]
        print(f"\n{set_name}: {n} pages")
        print(f"| {'system':<28} | {'P':>6} | {'R':>6} | {'F1':>6} | {'empty':>5} | {'date':>5} | {'author':>6} | {'ms/page':>7} |")
        print(f"|{'-' * 30}|{'-' * 7}:|{'-' * 7}:|{'-' * 7}:|{'-' * 6}:|{'-' * 6}:|{'-' * 7}:|{'-' * 8}:|")
        for name, r in sorted(by_system.items(), key=lambda kv: -kv[1]["f1"]):
            date = "-" if r["date_accuracy"] is None else f"{r['date_accuracy']:.2f}"
            author = "-" if r["author_accuracy"] is None else f"{r['author_accuracy']:.2f}"
            print(f"| {name:<28} | {r['precision']:6.3f} | {r['recall']:6.3f} | {r['f1']:6.3f} | {r['empty']:>5} "
                  f"| {date:>5} | {author:>6} | {r['ms_per_page']:7.1f} |")


if __name__ == "__main__":
    main()
