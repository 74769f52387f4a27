"""Showing an article: HTML for Jupyter (``Article._repr_html_``) and rich text for terminals.

Scraped text is hostile: everything that goes into HTML is escaped, and everything that goes
to a terminal passes :func:`terminal_safe` (no escape sequence, no control character, no
direction override reaches the terminal) and is never read as rich markup.
"""
from __future__ import annotations

import unicodedata
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from pipeline.record import Article

LABEL_COLOURS = {
    "PERSON": "#f4a261",
    "ORG": "#7fb3d5",
    "GPE": "#82e0aa",
    "LOC": "#a3e4d7",
    "FAC": "#a3e4d7",
    "PRODUCT": "#f7dc6f",
    "WORK_OF_ART": "#f5b7b1",
    "EVENT": "#d7bde2",
    "DATE": "#d5dbdb",
    "TIME": "#d5dbdb",
    "MONEY": "#abebc6",
    "PERCENT": "#abebc6",
    "QUANTITY": "#e5e8e8",
    "CARDINAL": "#e5e8e8",
    "ORDINAL": "#e5e8e8",
    "TITLE": "#fad7a0",
}
TERMINAL_STYLES = {
    "PERSON": "bold black on dark_orange",
    "ORG": "bold black on sky_blue1",
    "GPE": "black on pale_green1",
    "LOC": "black on aquamarine1",
    "FAC": "black on aquamarine1",
    "PRODUCT": "bold black on yellow",
    "WORK_OF_ART": "black on pink1",
    "DATE": "black on grey82",
    "TIME": "black on grey82",
    "MONEY": "black on light_green",
    "PERCENT": "black on light_green",
}


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the control picture: ␛ for ESC, ␇ for BEL
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def terminal_safe(text: str, keep_newlines: bool = True) -> str:
    """``text`` with every control or format character (ESC, BEL, C1 controls, bidi overrides,
    zero-width marks) replaced by one visible character, so offsets into it are unchanged."""
    if text.isprintable() and "\x1b" not in text:
        return text
    keep = "\n\t" if keep_newlines else ""
    return "".join(
        _visible(c) if c not in keep and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") else c
        for c in text
    )


def terminal_markup(text: str) -> str:
    """Data placed inside a rich markup string: made terminal-safe, then markup-escaped."""
    from rich.markup import escape as markup_escape

    return markup_escape(terminal_safe(text, keep_newlines=False))


def article_html(article: Article, max_chars: int = 5000) -> str:
    """The article's text with entities highlighted, its summary and keywords, all escaped."""
    text = article.text
    parts = []
    pos = 0
    for ent in article.entities:
        if ent.start >= max_chars:
            break
        if ent.start < pos:
            continue
        parts.append(escape(text[pos : ent.start]))
        colour = LABEL_COLOURS.get(ent.label, "#eeeeee")
        parts.append(
            f'<mark style="background:{colour};padding:0 2px;border-radius:3px" title="{escape(ent.norm)}">'
            f"{escape(ent.text)}<sub style=\"font-size:0.6em\">{escape(ent.label)}</sub></mark>"
        )
        pos = ent.end
    parts.append(escape(text[pos:max_chars]))
    if len(text) > max_chars:
        parts.append(" …")
    body = "".join(parts).replace("\n", "<br>")
    keywords = "、".join(escape(k.text) for k in article.keywords)
    flags = ", ".join(escape(f) for f in article.flags)
    return (
        '<div style="font-family:sans-serif;line-height:1.6">'
        f"<h3>{escape(article.title) or '<i>(no title)</i>'}</h3>"
        f'<p style="color:#666;font-size:0.85em">id {escape(article.id)} · {escape(article.source)}'
        f"{' · flags: ' + flags if flags else ''}</p>"
        f'<p style="background:#f6f6f6;padding:6px"><b>Summary</b> ({escape(article.summary.method)}): '
        f"{escape(article.summary.text)}</p>"
        f"<p><b>Keywords</b>: {keywords}</p>"
        f"<div>{body}</div></div>"
    )


def article_rich(article: Article) -> Text:
    """Rich ``Text`` of the article with entities styled by label (for ``zhnews show``)."""
    from rich.text import Text

    text = Text(terminal_safe(article.text))  # same length: the entity offsets still hold
    for ent in article.entities:
        text.stylize(TERMINAL_STYLES.get(ent.label, "underline"), ent.start, ent.end)
    return text


def print_article(article: Article, console: Console | None = None) -> None:
    """``zhnews show``: title, ids and flags, the text with entities highlighted, summary, keywords, entities."""
    from rich.console import Console

    safe = terminal_markup
    console = console or Console(highlight=False)  # data is shown as it is: no colouring of numbers or URLs
    console.rule(f"[bold]{safe(article.title) or '(no title)'}")
    flags = safe(", ".join(article.flags)) or "-"
    console.print(f"[dim]id {safe(article.id)} · {safe(article.source)} · flags: {flags}")
    console.print(article_rich(article))
    console.rule("summary")
    console.print(safe(article.summary.text))
    console.print("[bold]keywords:[/] " + safe("、".join(k.text for k in article.keywords)))
    console.print("[bold]entities:[/] " + safe("  ".join(f"{e.text}/{e.label}" for e in article.entities[:60])))
