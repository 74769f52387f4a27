"""The page as a tree: parsing (fragments too), visible text by block, and the page's link texts."""
from __future__ import annotations

import re

import lxml.html
from lxml import etree

# Elements whose text a reader never sees.
INVISIBLE = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head", "select", "option")
# Elements that start a new line of text.
BLOCKS = frozenset(
    ["p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section", "article", "header", "footer", "aside", "nav", "form", "hr", "center", "figure", "figcaption", "caption", "address", "main", "tbody", "thead"]
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def wrap_fragment(page: str) -> str:
    """A fragment without ``<html>``/``<body>`` (a scraper's saved snippet) inside a full page."""
    head = page[:4096].lower()
    if "<body" in head or "<html" in head or "<body" in page.lower():
        return page
    return f"<html><head></head><body>{page}</body></html>"


def parse_page(page: str) -> lxml.html.HtmlElement | None:
    """The page's tree; None when lxml makes nothing of it."""
    page = page.replace("\x00", "")
    if page.lstrip().startswith("<?xml"):
        page = page.split("?>", 1)[-1]  # lxml refuses str input with an encoding declaration
    try:
        return lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return None


def element_text(element: lxml.html.HtmlElement) -> str:
    """Visible text of an element with a line break at every block, lines stripped."""
    parts: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in INVISIBLE:
            if el.tail:
                parts.append(el.tail)
            return
        block = tag in BLOCKS
        if block:
            parts.append("\n")
        if el.text and tag:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(element)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def link_texts(tree: lxml.html.HtmlElement) -> set[str]:
    """Normalised text of every link of the page that has at least two characters."""
    out = set()
    for anchor in tree.iter("a"):
        text = squeeze(anchor.text_content())
        if len(text) >= 2:
            out.add(text)
    return out


def squeeze(text: str) -> str:
    """Whitespace dropped: how lines and link texts are compared."""
    return "".join(text.split())


def meta_content(tree: lxml.html.HtmlElement, *names: str) -> str:
    """The first non-empty ``content`` of ``<meta name|property|itemprop=…>`` among ``names``."""
    wanted = {n.lower() for n in names}
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in wanted and key not in found:
            value = (meta.get("content") or "").strip()
            if value:
                found[key] = value
    for name in names:
        if name.lower() in found:
            return found[name.lower()]
    return ""
