"""The ``clean`` stage: from raw scraped text to a clean body, recording every removal.

Steps, in order: apply the cuts the reader proposed (the HTML reader's link lines); drop
invisible and control characters; strip whitespace; make full-width letters and digits
half-width (a 1:1 map, so offsets are kept); cut a comment or related block at the end
(``tail`` rules), then boilerplate by the rules in ``models/boilerplate.tsv`` (bylines and
credits only at the edges of the body), parsing removed bylines into ``extra`` fields; take a headline-like first line as the title when
the input has none; cut a title repeated at the start of a paragraph; flag and drop a
spam title that shares almost nothing with the body; drop repeated paragraphs (exact
repeats and fragments of the text that recur elsewhere, such as a duplicated lead).
Every cut goes into ``Article.removed`` with raw offsets and a reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.config import CleanConfig, PipelineConfig
from pipeline.errors import ConfigError, InputError
from pipeline.record import Article, Removal
from pipeline.registry import Stage, stage
from pipeline.resources import fingerprint, read_word_list, resolve, resource_files
from pipeline.text.boilerplate import (
    EDGE_HEAD,
    EDGE_TAIL,
    BoilerplateRule,
    find_inline,
    load_rules,
    match_line,
    match_prefix,
    match_tail,
)
from pipeline.text.bylines import parse_byline
from pipeline.text.normalize import (
    FULLWIDTH_TO_HALFWIDTH,
    han_bigrams,
    han_count,
    has_dropped_chars,
    is_dropped_char,
)

_SENTENCE_END = "。！？!?…;；,，:：、"
# Removal reasons whose text is parsed into author/editor/outlet fields.
BYLINE_REASONS = frozenset({"byline", "source_line", "editor_line"})  # not image credits: 来源：视觉中国 is no outlet


@dataclass
class _Paragraph:
    """A paragraph of cleaned text with the raw offset of each of its characters."""

    text: str
    raw: list[int] = field(default_factory=list)

    def cut(self, start: int, end: int) -> tuple[int, int]:
        """Remove ``text[start:end]``; return the raw span it came from."""
        raw_span = (self.raw[start], self.raw[end - 1] + 1)
        self.text = self.text[:start] + self.text[end:]
        del self.raw[start:end]
        return raw_span

    def strip(self) -> None:
        left = len(self.text) - len(self.text.lstrip())
        right = len(self.text.rstrip())
        self.text = self.text[left:right]
        self.raw = self.raw[left:right]

    @property
    def raw_span(self) -> tuple[int, int]:
        return self.raw[0], self.raw[-1] + 1


def looks_like_headline(text: str) -> bool:
    return 2 <= len(text) <= 64 and text[-1] not in _SENTENCE_END and "。" not in text and han_count(text) >= 2


def title_overlap(title: str, body: str) -> float | None:
    """Share of the title's Chinese character bigrams found in the body (None if too short to judge)."""
    grams = han_bigrams(title)
    if len(grams) < 3:
        return None
    body_grams = han_bigrams(body)
    return len(grams & body_grams) / len(grams)


class Cleaner(Stage):
    name = "clean"

    def __init__(self, config: CleanConfig) -> None:
        self.config = config
        files = [path for name in config.boilerplate_rules for path in resource_files(name)]
        self.rules: list[BoilerplateRule] = [rule for path in files for rule in load_rules(path)]
        terms_path = resolve(config.spam_title_terms)
        self.spam_terms = sorted(read_word_list(terms_path))
        self._fingerprint = fingerprint(files + [terms_path])
        if config.low_quality not in ("flag", "reject"):
            raise ConfigError(f"clean.low_quality must be 'flag' or 'reject', got {config.low_quality!r}")
        self._converter = None
        if config.convert:
            try:
                import opencc

                self._converter = opencc.OpenCC(config.convert)
            except Exception as exc:  # noqa: BLE001 - OpenCC raises plain exceptions for unknown configs
                raise ConfigError(f"clean.convert={config.convert!r} is not an OpenCC configuration: {exc}") from exc

    def describe(self) -> dict[str, str]:
        out = {"boilerplate_rules": self._fingerprint}
        if self.config.convert:
            out["convert"] = f"opencc {self.config.convert}"
        return out

    def _convert(self, text: str) -> str:
        """OpenCC conversion that keeps every offset: a phrase whose length would change is
        converted character by character instead (the result then has the same length)."""
        assert self._converter is not None
        converted = self._converter.convert(text)
        if len(converted) == len(text):
            return converted
        chars = []
        for ch in text:
            one = self._converter.convert(ch)
            chars.append(one if len(one) == 1 else ch)
        return "".join(chars)

    # ------------------------------------------------------------------ API
    def __call__(self, article: Article) -> Article:
        raw = article.text
        removed: list[Removal] = []
        flags: list[str] = [f for f in article.flags if f != "spam_title"]
        paragraphs = self._body_paragraphs(article, removed)
        title, paragraphs = self._choose_title(article, paragraphs, removed, flags)
        if self.config.drop_repeated_paragraphs:
            paragraphs = self._drop_repeats(paragraphs, raw, removed)

        text = "\n".join(p.text for p in paragraphs)
        if not text.strip():
            what = f"; cleaning removed {len(removed)} piece(s): " + ", ".join(
                sorted({r.reason for r in removed})
            ) if removed else ""
            raise InputError(f"empty article: no text left after cleaning{what}", article.source)
        flags.extend(q for q in self._quality(text, flags, article.source) if q not in flags)

        removed.sort(key=lambda r: (r.field != "text", r.raw_start, r.raw_end))
        self._bylines_to_fields(removed, article.extra)
        if self._converter is not None:
            converted, converted_title = self._convert(text), self._convert(title)
            if converted != text or converted_title != title:
                article.extra["original_text"] = text
                article.extra["original_title"] = title
                text, title = converted, converted_title
        article.text = text
        article.title = title
        article.removed = removed
        article.flags = flags
        return article

    def _body_paragraphs(self, article: Article, removed: list[Removal]) -> list[_Paragraph]:
        """The raw text's paragraphs less the reader's proposed cuts, the tail blocks and the line rules."""
        raw = article.text
        # cuts proposed by the reader (the HTML reader's link lines): whole lines of the raw text
        proposed = {(r.raw_start, r.raw_end): r.reason for r in article.removed
                    if r.field == "text" and r.text and raw[r.raw_start:r.raw_end] == r.text}
        paragraphs = self._split(raw, removed, proposed)
        paragraphs = self._cut_tail(paragraphs, raw, removed)
        count = len(paragraphs)
        return [p for i, p in enumerate(paragraphs)
                if self._apply_rules(p, raw, removed, edge=i < EDGE_HEAD or i >= count - EDGE_TAIL)]

    def _choose_title(self, article: Article, paragraphs: list[_Paragraph], removed: list[Removal],
                      flags: list[str]) -> tuple[str, list[_Paragraph]]:
        """The cleaned title (or a headline-like first line when there is none), the body's copy of it
        cut; a spam title is removed, flagged, and the body's headline line takes its place."""
        raw = article.text
        title, title_removal = self._clean_title(article.title), -1
        if not title and self.config.title_from_first_line and len(paragraphs) >= 2:
            if looks_like_headline(paragraphs[0].text):
                title, title_removal = paragraphs[0].text, len(removed)
                self._remove_paragraph(paragraphs.pop(0), raw, "moved_to_title", removed)
        if not title:
            return title, paragraphs
        paragraphs = self._cut_repeated_title(paragraphs, title, raw, removed)
        if not self.is_spam_title(title, "".join(p.text for p in paragraphs)):
            return title, paragraphs
        flags.append("spam_title")
        if title_removal >= 0:
            moved = removed[title_removal]
            removed[title_removal] = Removal(moved.text, "spam_title", moved.raw_start, moved.raw_end)
        else:
            removed.append(Removal(article.title, "spam_title", 0, len(article.title), field="title"))
        title = ""
        if len(paragraphs) >= 2 and looks_like_headline(paragraphs[0].text):
            title = paragraphs[0].text
            self._remove_paragraph(paragraphs.pop(0), raw, "moved_to_title", removed)
            paragraphs = self._cut_repeated_title(paragraphs, title, raw, removed)
        return title, paragraphs

    def _quality(self, text: str, flags: list[str], source: str) -> list[str]:
        """Quality flags of the cleaned text (not_article from the reader, non_chinese, too_short);
        with ``clean.low_quality=reject`` any of them rejects the article."""
        visible = sum(1 for c in text if not c.isspace())
        quality = ["not_article"] if "not_article" in flags else []  # the HTML reader's verdict
        if han_count(text) / visible < self.config.min_han_ratio:
            quality.append("non_chinese")
        if visible < self.config.min_chars:
            quality.append("too_short")
        if quality and self.config.low_quality == "reject":
            raise InputError(
                f"low quality article ({', '.join(quality)}: {visible} visible characters, "
                f"{han_count(text)} Chinese); clean.low_quality=reject",
                source,
            )
        return quality

    # -------------------------------------------------------------- helpers
    @staticmethod
    def _bylines_to_fields(removed: list[Removal], extra: dict) -> None:
        """A byline or source line that cleaning removed names the author, editor or outlet:
        those go to ``extra`` (``author``/``authors``, ``editor``, ``outlet``) unless the reader
        already found them."""
        for removal in removed:
            if removal.reason not in BYLINE_REASONS:
                continue
            found = parse_byline(removal.text)
            if found.author and "author" not in extra:
                extra["authors"] = found.author
                extra["author"] = " ".join(found.author)
            if found.editor and "editor" not in extra:
                extra["editor"] = " ".join(found.editor)
            if found.outlet and "outlet" not in extra:
                extra["outlet"] = found.outlet

    def is_spam_title(self, title: str, body: str) -> bool:
        """A title that shares few character bigrams with the body *and* carries a spam term
        (软件, 群发, 下载, 博彩…, ``models/spam_title_terms.txt``) that the body lacks.

        Overlap alone is not enough: on 5,137 real CCTV news items 13% of the genuine titles
        (column names like 大美中国) share under a third of their bigrams with the body, and
        none of those carries a spam term."""
        overlap = title_overlap(title, body)
        if overlap is None or han_count(body) < 50 or overlap >= self.config.spam_title_min_overlap:
            return False
        return any(term in title and term not in body for term in self.spam_terms)

    def _clean_title(self, title: str) -> str:
        if has_dropped_chars(title):
            title = "".join(c for c in title if not is_dropped_char(c))
        title = " ".join(title.split())
        if self.config.fullwidth_to_halfwidth:
            title = title.translate(FULLWIDTH_TO_HALFWIDTH)
        return title

    def _split(self, raw: str, removed: list[Removal], proposed: dict[tuple[int, int], str]) -> list[_Paragraph]:
        paragraphs = []
        pos = 0
        for line in raw.split("\n"):
            start = pos
            pos += len(line) + 1
            if not line.strip():
                continue
            reason = proposed.get((start, start + len(line)))
            if reason:
                removed.append(Removal(line, reason, start, start + len(line)))
                continue
            if has_dropped_chars(line):
                chars, offsets = [], []
                run_start = -1
                for i, ch in enumerate(line, start):
                    if is_dropped_char(ch):
                        if run_start < 0:
                            run_start = i
                        continue
                    if run_start >= 0:
                        removed.append(Removal(raw[run_start:i], "invisible_character", run_start, i))
                        run_start = -1
                    chars.append(ch)
                    offsets.append(i)
                if run_start >= 0:
                    end = start + len(line)
                    removed.append(Removal(raw[run_start:end], "invisible_character", run_start, end))
                para = _Paragraph("".join(chars), offsets)
            else:
                para = _Paragraph(line, list(range(start, start + len(line))))
            if self.config.fullwidth_to_halfwidth:
                para.text = para.text.translate(FULLWIDTH_TO_HALFWIDTH)
            para.strip()
            if para.text:
                paragraphs.append(para)
        return paragraphs

    def _cut_tail(self, paragraphs: list[_Paragraph], raw: str, removed: list[Removal]) -> list[_Paragraph]:
        """A comment block or a related-reading list at the end: its heading (a ``tail`` rule) in
        the second half of the body, and everything after it, when that is under half the text."""
        total = sum(len(p.text) for p in paragraphs)
        # a heading with nothing after it is a prompt, left to the line rules (发表评论 alone: comment_box)
        for i in range(len(paragraphs) // 2, len(paragraphs) - 1):
            reason = match_tail(self.rules, paragraphs[i].text)
            if reason and sum(len(p.text) for p in paragraphs[i:]) * 2 < total:
                for para in paragraphs[i:]:
                    self._remove_paragraph(para, raw, reason, removed)
                return paragraphs[:i]
        return paragraphs

    def _apply_rules(self, para: _Paragraph, raw: str, removed: list[Removal], edge: bool = True) -> bool:
        """Cut prefixes and inline noise; return False when the whole paragraph goes."""
        while para.text:
            hit = match_prefix(self.rules, para.text)
            if not hit:
                break
            length, reason = hit
            s, e = para.cut(0, length)
            removed.append(Removal(raw[s:e], reason, s, e))
            para.strip()
        for start, end, reason in reversed(find_inline(self.rules, para.text)):
            s, e = para.cut(start, end)
            removed.append(Removal(raw[s:e], reason, s, e))
        para.strip()
        if not para.text:
            return False
        reason = match_line(self.rules, para.text, edge)
        if reason:
            self._remove_paragraph(para, raw, reason, removed)
            return False
        return True

    @staticmethod
    def _remove_paragraph(para: _Paragraph, raw: str, reason: str, removed: list[Removal]) -> None:
        s, e = para.raw_span
        removed.append(Removal(raw[s:e], reason, s, e))

    def _cut_repeated_title(
        self, paragraphs: list[_Paragraph], title: str, raw: str, removed: list[Removal]
    ) -> list[_Paragraph]:
        if len(title) < 4:
            return paragraphs
        kept = []
        for index, para in enumerate(paragraphs):
            if index == 0 and len(para.text) >= 4 and para.text in title and para.text != title:
                # a piece of the title left at the top of the body (a title cut short elsewhere)
                self._remove_paragraph(para, raw, "repeated_title", removed)
                continue
            if para.text.startswith(title):
                s, e = para.cut(0, len(title))
                removed.append(Removal(raw[s:e], "repeated_title", s, e))
                para.strip()
                if not para.text or not self._apply_rules(para, raw, removed):
                    continue
            kept.append(para)
        return kept

    def _drop_repeats(self, paragraphs: list[_Paragraph], raw: str, removed: list[Removal]) -> list[_Paragraph]:
        """Drop exact repeats (keep the first) and fragments found again in the rest of the text."""
        seen: set[str] = set()
        unique = []
        for para in paragraphs:
            if para.text in seen and len(para.text) >= 4:
                self._remove_paragraph(para, raw, "duplicate_paragraph", removed)
                continue
            seen.add(para.text)
            unique.append(para)
        minimum = self.config.min_repeat_chars
        joined = "".join(p.text for p in unique)
        kept = []
        for i, para in enumerate(unique):
            if len(para.text) >= minimum and joined.count(para.text) >= 2:
                self._remove_paragraph(para, raw, "repeated_fragment", removed)
                joined = "".join(p.text for p in kept) + "".join(p.text for p in unique[i + 1 :])
                continue
            kept.append(para)
        return kept


@stage("clean", requires=("text",), assigns=("text", "title", "removed", "flags"))
def make_cleaner(config: PipelineConfig) -> Cleaner:
    return Cleaner(config.clean)
