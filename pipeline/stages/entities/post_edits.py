"""Post-edits: small, named passes over a sentence's resolved entities, in the order a profile lists them.

Each edit is a function ``edit(text, entities, context) -> entities`` registered with
``@post_edit("name")`` (here, and the edits of titles in marks in :mod:`.title_edits`);
``models/entity_profiles.toml`` says which run, in which order,
for each convention (``entities.post_edits`` overrides the list). Their patterns are in
``models/entity_patterns.tsv``. None needs the LAC model, and each has its own tests.

Reader's forms (every profile):

* ``drop_nameless``: a name span with no letter in it (★★★★, a run of emoji) is no name;
* ``join_sessions``: a congress or committee named with its session is one organisation,
  with the body that holds it (中国民主促进会 + 第八次 + 全国代表大会);
* ``join_bilateral``: a bilateral body written with a dash is one (印度 + — + 中国友好协会);
* ``join_adjacent_orgs``: organisations the tagger found back to back are one (北京大学 +
  经济学院); listed names side by side stay two (淘宝天猫 = 淘宝 + 天猫);
* ``join_congresses``: a party and its numbered congress are one (民进 + 八大);
* ``drop_every_level``: bodies named as a kind at every level (各级妇联) are no one's name;
* ``team``: a place and 队 are a team, an organisation (保加利亚队);
* ``title_marks``: a name never runs across a title mark it does not close (英国《卫报 → 英国 +
  卫报; default profile);
* ``whole_titles``: a work's title is the whole title in its marks (《…实施方案》, not 实施方案》;
  default profile);
* ``paper``: a newspaper or magazine in title marks is an organisation, named without the
  marks (《天津日报》 → 天津日报; 香港 + 大公报);
* ``quoted_vessel``: a name in quotes before 号 keeps its opening quote (“发现”号航天飞机);
* ``honorific_whole``: a surname marked alone before a courtesy form takes it (陈 + 先生);
* ``party_whole``: a one-character country before 方 is its side, GPE 中方 (norm 中国);
* ``nation_whole``: a place before 民族 is a people, NORP 中华民族 (default profile);
* ``drop_generic``: a span that is only a common noun (公司, 本公司) is no name (default profile).

People's Daily / MSRA forms (the ``peoples_daily`` profile only):

* ``split_leading_place``: a body named under two levels of place keeps the lower one only
  (北京市 | 怀柔县民政局; 23 to 3 in the training splits);
* ``split_places``: places one under the other are two (河北易县 → 河北 + 易县; 72 to 0);
* ``honorific_surname``: a surname with an honorific names the person by the surname alone
  (郑先生 → 郑; 47 to 0). A reader marks 郑先生, and so does the default profile;
* ``paper_with_place``: a newspaper with the place before it is one organisation, marks and
  all (香港《大公报》; 7 to 0 in msra_val and People's Daily dev), instead of ``paper``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.errors import ConfigError
from pipeline.record import Entity
from pipeline.stages.entities.labels import Labeler
from pipeline.stages.entities.patterns import Patterns

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "NORP", "TITLE"})


@dataclass
class EditContext:
    labeler: Labeler
    patterns: Patterns
    surnames: dict[str, float]
    generic: frozenset[str] = frozenset()  # common nouns that name no one (drop_generic)


Edit = Callable[[str, list[Entity], EditContext], list[Entity]]
POST_EDITS: dict[str, Edit] = {}


def post_edit(name: str) -> Callable[[Edit], Edit]:
    def register(function: Edit) -> Edit:
        POST_EDITS[name] = function
        return function
    return register


def check_edits(names: list[str]) -> list[Edit]:
    unknown = [n for n in names if n not in POST_EDITS]
    if unknown:
        raise ConfigError(f"entities.post_edits: unknown edit {unknown[0]!r}; known: {', '.join(sorted(POST_EDITS))}")
    return [POST_EDITS[n] for n in names]


def _score(*entities: Entity) -> float | None:
    scores = [e.score for e in entities if e.score is not None]
    return min(scores) if scores else None


# --------------------------------------------------------------- every profile
@post_edit("drop_nameless")
def drop_nameless(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    letter = ctx.patterns.name_char
    return [e for e in kept if e.label not in NAME_LABELS or letter.search(e.text)]


@post_edit("join_sessions")
def join_sessions(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    out: list[Entity] = []
    for entity in kept:
        last = out[-1] if out else None
        if (last is not None and last.label == "ORDINAL" and entity.label == "ORG" and last.end == entity.start
                and ctx.patterns.session.fullmatch(last.text) and ctx.patterns.assembly.search(entity.text)):
            out.pop()
            start, parts = last.start, [entity]
            if out and out[-1].label == "ORG" and out[-1].end == start:
                parts.append(out[-1])
                start = out.pop().start
            out.append(ctx.labeler.org(text, start, entity.end, entity.source, _score(*parts)))
        else:
            out.append(entity)
    return out


@post_edit("join_bilateral")
def join_bilateral(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    out: list[Entity] = []
    for entity in kept:
        last = out[-1] if out else None
        if (last is not None and entity.label == "ORG" and entity.source == "model"
                and last.label in ("GPE", "LOC", "ORG") and entity.start == last.end + 1
                and ctx.patterns.dashes.fullmatch(text[last.end])):
            out[-1] = ctx.labeler.org(text, last.start, entity.end, entity.source, _score(last, entity))
        else:
            out.append(entity)
    return out


@post_edit("join_adjacent_orgs")
def join_adjacent_orgs(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    out: list[Entity] = []
    for entity in kept:
        last = out[-1] if out else None
        if (last is not None and last.label == entity.label == "ORG" and last.end == entity.start
                and last.source == entity.source == "model"):
            out[-1] = ctx.labeler.org(text, last.start, entity.end, last.source, _score(last, entity))
        else:
            out.append(entity)
    return out


@post_edit("join_congresses")
def join_congresses(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    out: list[Entity] = []
    until = -1
    for entity in kept:
        if entity.start < until:
            continue  # inside a congress just joined (a CARDINAL 八)
        match = ctx.patterns.congress.match(text, entity.end) if entity.label == "ORG" else None
        if match:
            until = match.end()
            out.append(ctx.labeler.org(text, entity.start, until, entity.source, entity.score))
        else:
            out.append(entity)
    return out


@post_edit("drop_every_level")
def drop_every_level(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    return [e for e in kept if not (e.label == "ORG" and e.source == "model" and text.endswith("各级", 0, e.start))]


@post_edit("team")
def team(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    starts = {e.start for e in kept}
    return [ctx.labeler.org(text, e.start, e.end + 1, e.source, e.score)
            if e.label in ("GPE", "LOC") and ctx.patterns.team.match(text, e.end) and e.end not in starts else e
            for e in kept]


@post_edit("quoted_vessel")
def quoted_vessel(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    out = []
    for e in kept:
        if ("”" in e.text and "“" not in e.text and e.start > 0 and text[e.start - 1] == "“"
                and "”号" in e.text):
            e = ctx.labeler.entity(text, e.start - 1, e.end, e.label, e.source, e.score)
        out.append(e)
    return out


@post_edit("honorific_whole")
def honorific_whole(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    """A surname the tagger marked alone before a courtesy form takes it (陈 + 先生 → 陈先生):
    a reader marks the mention, and the document pass links it to the full name."""
    from pipeline.backends.person_names import surname_of

    starts = {e.start for e in kept}
    out = []
    for e in kept:
        if (e.label == "PERSON" and len(e.text) <= 2 and (m := ctx.patterns.courtesy.match(text, e.end))
                and m.end() not in starts and surname_of(e.text, ctx.surnames) == e.text
                and not any(e.end < s < m.end() for s in starts)):
            e = ctx.labeler.entity(text, e.start, m.end(), "PERSON", e.source, e.score)
        out.append(e)
    return out


@post_edit("party_whole")
def party_whole(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    """A one-character country the tagger marked before 方 is the country's side, GPE 中方
    (norm 中国), as a reader marks it; the People's Daily profile keeps 中 alone."""
    out = []
    for e in kept:
        if e.label in ("GPE", "LOC") and len(e.text) == 1 and ctx.patterns.party_suffix.match(text, e.end):
            e = Entity(e.start, e.end + 1, "GPE", text[e.start : e.end + 1], ctx.labeler.norm(e.text), e.source,
                       e.score)
        out.append(e)
    return out


GENERIC_PREFIXES = ("本", "该", "我", "贵", "此", "")


@post_edit("drop_generic")
def drop_generic(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    """An organisation or place span that is only a common noun (公司, 本公司, 该集团) names no
    one: dropped (``models/generic_names.txt``)."""
    generic = ctx.generic
    if not generic:
        return kept
    out = []
    for e in kept:
        surface = e.text
        if e.label in ("ORG", "GPE", "LOC", "FAC") and any(
                surface.startswith(p) and surface[len(p):] in generic for p in GENERIC_PREFIXES):
            continue
        out.append(e)
    return out


@post_edit("nation_whole")
def nation_whole(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    """A place before 民族 is a people, NORP: 中华 + 民族 → 中华民族 (OntoNotes' NORP), unless a name
    begins right after (a date may: 中华民族 + 数千年)."""
    starts = {e.start for e in kept}
    name_starts = {e.start for e in kept if e.label in NAME_LABELS}
    out = []
    for e in kept:
        if e.label in ("GPE", "LOC") and (m := ctx.patterns.nation_suffix.match(text, e.end)) \
                and m.end() not in name_starts and not any(e.end <= s < m.end() for s in starts):
            e = ctx.labeler.entity(text, e.start, m.end(), "NORP", e.source, e.score)
        out.append(e)
    return out


# ------------------------------------------------------- People's Daily forms
def place_prefix(surface: str, ctx: EditContext, lower: bool = False) -> int:
    """Length of the longest administrative place that begins ``surface`` (0: none).

    ``lower``: a place below another (a Chinese division, or a name with a city, county
    or district suffix), never a country: 日本泰国经济协力协会 and 上海中国福利会 are bodies
    named after two places side by side, not one under the other.
    """
    labeler = ctx.labeler
    pattern = ctx.patterns.lower_place if lower else ctx.patterns.upper_place
    for k in range(min(len(surface) - 1, 8), 1, -1):
        head = surface[:k]
        if head in labeler.divisions or (not lower and labeler.gazetteer.label_of(head) == "GPE"):
            return k
        if pattern.fullmatch(head):
            return k
    return 0


@post_edit("split_leading_place")
def split_leading_place(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    """The tagger's own organisations only; the remainder must hold more than the second
    place (中国香港队 stays one)."""
    out = []
    for entity in kept:
        if entity.label != "ORG" or entity.source != "model":
            out.append(entity)
            continue
        surface = entity.text
        first = place_prefix(surface, ctx)
        second = place_prefix(surface[first:], ctx, lower=True) if first else 0
        if not second or len(surface) - first - second < 2:
            out.append(entity)
            continue
        cut = entity.start + first
        out.append(ctx.labeler.place(text, entity.start, cut, entity.source, entity.score))
        out.append(ctx.labeler.org(text, cut, entity.end, entity.source, entity.score))
    return out


@post_edit("split_places")
def split_places(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    """河北易县 → 河北 + 易县; 广东省深圳市宝安区 → three places; 北京市, 长江三角洲 stay one."""
    out = []
    for entity in kept:
        if entity.label not in ("GPE", "LOC"):
            out.append(entity)
            continue
        cuts, at, surface = [], 0, entity.text
        while at < len(surface):
            length = place_prefix(surface[at:] + "\0", ctx, lower=at > 0)  # "\0": the whole rest may be a place
            if not length:
                cuts = []
                break  # something that is not a place: leave the span as it is
            cuts.append((at, at + length))
            at += length
        if len(cuts) < 2:
            out.append(entity)
            continue
        out.extend(ctx.labeler.place(text, entity.start + a, entity.start + b, entity.source, entity.score)
                   for a, b in cuts)
    return out


@post_edit("honorific_surname")
def honorific_surname(text: str, kept: list[Entity], ctx: EditContext) -> list[Entity]:
    from pipeline.backends.person_names import surname_of

    out = []
    for e in kept:
        if e.label == "PERSON" and (m := ctx.patterns.honorific.search(e.text)) and m.start() > 0:
            family = e.text[: m.start()]
            if surname_of(family, ctx.surnames) == family:
                e = ctx.labeler.entity(text, e.start, e.start + len(family), "PERSON", e.source, e.score)
        out.append(e)
    return out
