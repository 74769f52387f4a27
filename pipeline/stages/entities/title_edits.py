"""Post-edits of names written with title marks 《…》: papers, works and the names around them.

Registered with :func:`~pipeline.stages.entities.post_edits.post_edit` like every other edit
(the stage imports this module, which registers them); the profiles of
``models/entity_profiles.toml`` say which run.
"""
from __future__ import annotations

import re

from pipeline.record import Entity
from pipeline.stages.entities.post_edits import EditContext, _score, post_edit


@post_edit("title_marks")
def title_marks(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    """A name is a title in marks or has no mark in it: 英国《卫报 is 英国 + 卫报, 香港《明报》 is 香港 +
    明报, 经济学人》杂志 is 经济学人 (:func:`_split_at_marks`)."""
    out: list[Entity] = []
    for e in kept:
        if ("《" not in e.text and "》" not in e.text) or _ONE_TITLE.fullmatch(e.text):
            out.append(e)
        else:
            out.extend(_split_at_marks(text, e, ctx))
    return out


def _split_at_marks(text: str, e: Entity, ctx: EditContext) -> list[Entity]:
    """The pieces of ``e`` between title marks: a known place is that place; the piece inside the
    marks (else the longest other) keeps the label; the rest (杂志, the (EverQuest2 of
    《永恒的任务》(EverQuest2) is no name."""
    pieces = [(m.start() + e.start, m.end() + e.start) for m in _BETWEEN_MARKS.finditer(e.text)]
    places = {p for p in pieces if ctx.labeler.is_place(text[p[0] : p[1]])}
    others = [p for p in pieces if p not in places]
    titled = [p for p in others if p[0] > 0 and text[p[0] - 1] == "《"]
    named = max(titled or others or pieces, key=lambda p: p[1] - p[0], default=None)
    out = []
    for a, b in pieces:
        if (a, b) == named:
            out.append(ctx.labeler.entity(text, a, b, e.label, e.source, e.score))
        elif (a, b) in places:
            out.append(ctx.labeler.place(text, a, b, e.source, e.score))
    return out


_BETWEEN_MARKS = re.compile("[^《》]+")
_ONE_TITLE = re.compile("《[^《》]*》")
_TITLE_IN_MARKS = re.compile("《[^《》]{1,80}》")


def _titles_to_grow(text: str, kept: list[Entity]) -> dict[tuple[int, int], Entity]:
    """Each 《…》 of ``text`` that holds a model's WORK_OF_ART or PRODUCT but is not its span → that entity."""
    regions = [(m.start(), m.end()) for m in _TITLE_IN_MARKS.finditer(text)]
    grown: dict[tuple[int, int], Entity] = {}
    for e in kept:
        if e.label in ("WORK_OF_ART", "PRODUCT") and e.source == "model":
            region = next(((a, b) for a, b in regions if a <= e.start and e.end <= b), None)
            if region is not None and region != (e.start, e.end):
                grown.setdefault(region, e)
    return grown


@post_edit("whole_titles")
def whole_titles(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    """A work's title is the whole title in its marks: a WORK_OF_ART or PRODUCT the tagger read as
    part of a 《…》 becomes all of it, a WORK_OF_ART unless it was the title's every word
    (高质量发展实施方案 → 《…高质量发展实施方案》; 《扬帆远航大湾区 + 音乐会》 → one title), and
    names inside the title (中华人民共和国 of 《中华人民共和国…法》) are part of it. A listed
    product inside a title (《微信使用指南》) stays as it is."""
    grown = _titles_to_grow(text, kept)
    if not grown:
        return kept
    out = [e for e in kept if not any(a <= e.start and e.end <= b for a, b in grown)]
    # the title's own words take their marks and keep their label (a game stays a PRODUCT); a part
    # of a longer title (英雄 of 《推动全社会尊崇英雄》) says nothing of what the whole is: a work
    out += [ctx.labeler.entity(text, a, b, e.label if (e.start, e.end) == (a + 1, b - 1) else "WORK_OF_ART",
                               e.source, e.score) for (a, b), e in grown.items()]
    return sorted(out, key=lambda e: (e.start, e.end))


@post_edit("paper")
def paper(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    """A newspaper or magazine in title marks is an organisation named without them: 《天津日报》 →
    天津日报; the place before it stays a place (香港 + 大公报)."""
    return [ctx.labeler.org(text, e.start + 1, e.end - 1, e.source, e.score) if _is_paper(e, ctx) else e for e in kept]


def _is_paper(e: Entity, ctx: EditContext) -> bool:
    """A title in marks that is a paper by its form (《…日报》, 《…杂志》) or a listed organisation
    (《读卖新闻》, 《经济学人》)."""
    return e.label in ("WORK_OF_ART", "PRODUCT") and (
        ctx.patterns.paper.fullmatch(e.text) is not None
        or (_ONE_TITLE.fullmatch(e.text) is not None and ctx.labeler.gazetteer.label_of(e.text[1:-1]) == "ORG"))


@post_edit("paper_with_place")
def paper_with_place(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    """People's Daily's form: a newspaper in title marks with the place just before it is one
    organisation, marks and all (香港《大公报》); alone it is named without the marks."""
    out: list[Entity] = []
    for entity in kept:
        if _is_paper(entity, ctx):
            if out and out[-1].label in ("GPE", "LOC") and out[-1].end == entity.start:
                place = out.pop()
                entity = ctx.labeler.org(text, place.start, entity.end, entity.source, _score(place, entity))
            else:
                entity = ctx.labeler.org(text, entity.start + 1, entity.end - 1, entity.source, entity.score)
        out.append(entity)
    return out
