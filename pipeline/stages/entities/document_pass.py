"""One article, one sense: the mentions of a name in one article share one label and one norm.

A sentence-level tagger reads 龙湖集团 as an ORG and, three sentences on, 龙湖 as a place;
the document pass reads the whole article and settles it:

* **votes per surface**: every mention of the same surface text with a name label (PERSON,
  ORG, GPE, LOC, FAC, PRODUCT, WORK_OF_ART, EVENT) votes for its label, a gazetteer's or an
  alias's reading counting more than a model's (``SOURCE_WEIGHT``); all mentions take the
  winner. A tie keeps each mention's own label.
* **short forms**: a surface that is the start of a company's full name in the same article,
  the rest being one of the company forms of ``models/company_forms.txt`` (龙湖 ← 龙湖集团),
  and that is not a known place, votes with the full name's mentions for its label and takes
  its ``norm``;
* **a person by surname**: a one-character PERSON mention (陈, of 陈先生) takes the norm of the
  article's only full name with that surname, when there is exactly one;
* **a short place** (:func:`short_places`): a one-character place left unresolved (巴 of
  中巴) takes the norm of the article's only longer name beginning with it (巴基斯坦; for
  an organisation named after a place, that place: 黎 of 黎南部 ← 黎巴嫩真主党 is 黎巴嫩);
* **a spun spelling** (:func:`name_variants`): a name that reads like the article's only
  PERSON of that reading (岱山 for 戴珊, the same syllables in ``pypinyin``) is that person,
  and the article is flagged ``name_variant:岱山>戴珊``.

It changes labels and norms only, never spans, so offsets and token boundaries stay as the
stage resolved them. The pass is a pure function of the article's text and entities.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from pipeline.record import Entity
from pipeline.resources import read_word_list, resolve

NAMES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT"})
SOURCE_WEIGHT = {"gazetteer": 3.0, "alias": 3.0, "annotator": 5.0, "model": 1.0, "rule": 1.0}
FULL_NAME_WEIGHT = 3.0  # each mention of the full name, for its short form


@lru_cache(maxsize=4)
def load_company_forms(name: str = "company_forms.txt") -> frozenset[str]:
    return frozenset(read_word_list(resolve(name)))


def one_sense(entities: list[Entity], forms: frozenset[str],
              is_place: Callable[[str], bool] = lambda s: False, courtesy: re.Pattern[str] | None = None) -> list[Entity]:
    """The article's entities with one label and one norm per name (see the module docstring).

    Complexity: the vote, short forms and surnames are helpers; what is left is the per-entity decision, one branch
    per rule."""
    named = [e for e in entities if e.label in NAMES]
    if len(named) < 2:
        return entities
    votes = label_votes(named)
    full_names = short_forms(named, votes, forms, is_place)
    for short, full in full_names.items():  # the full name given in the article speaks like a list
        votes[short][full.label] += FULL_NAME_WEIGHT * sum(1 for e in named if e.text == full.text)
    chosen = winning_labels(votes, set(full_names))
    people = people_by_surname(named, courtesy)
    out = []
    for e in entities:
        if e.label not in NAMES:
            out.append(e)
            continue
        label = chosen.get(e.text, e.label)
        norm = e.norm
        full = full_names.get(e.text)
        if full is not None and label == full.label and norm == e.text:
            norm = full.norm
        if label == "PERSON" and _bare_surname(e.text, courtesy) and len(people.get(e.text[0], ())) == 1:
            norm = next(iter(people[e.text[0]]))  # 陈, 陈先生: the article's only 陈
        out.append(e if (label, norm) == (e.label, e.norm) else replace(e, label=label, norm=norm))
    return out


def label_votes(named: list[Entity]) -> dict[str, Counter[str]]:
    """Per surface, the weight of each label it was given: by source, times a model's confidence."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for e in named:
        # a model's vote counts as much as it is sure of the span (its CRF marginal)
        votes[e.text][e.label] += SOURCE_WEIGHT.get(e.source, 1.0) * (1.0 if e.score is None else e.score)
    return votes


def short_forms(named: list[Entity], votes: dict[str, Counter[str]], forms: frozenset[str],
                is_place: Callable[[str], bool]) -> dict[str, Entity]:
    """Short form -> the ORG it stands for (龙湖 -> 龙湖集团): the full name minus a company form
    (集团, 股份有限公司: ``forms``), when the short form is itself mentioned and is not a known place."""
    full_names: dict[str, Entity] = {}
    for e in named:
        if e.label != "ORG":
            continue
        for cut in range(2, len(e.text) - 1):
            short, rest = e.text[:cut], e.text[cut:]
            if rest in forms and short in votes and not is_place(short) and short not in full_names:
                full_names[short] = e
    return full_names


def winning_labels(votes: dict[str, Counter[str]], always: set[str]) -> dict[str, str]:
    """The label each disputed surface (or one in ``always``) takes: the strict winner of its votes; a tie decides
    nothing."""
    chosen: dict[str, str] = {}
    for surface, counter in votes.items():
        if len(counter) < 2 and surface not in always:
            continue
        (best, top), *rest = counter.most_common()
        if not rest or top > rest[0][1]:
            chosen[surface] = best
    return chosen


def _bare_surname(text: str, courtesy: re.Pattern[str] | None) -> bool:
    """陈 or 陈先生: a surname alone, or with a courtesy title."""
    return len(text) == 1 or bool(courtesy and courtesy.fullmatch(text, 1))


def people_by_surname(named: list[Entity], courtesy: re.Pattern[str] | None) -> dict[str, set[str]]:
    """Surname character -> the norms of the article's full PERSON names that start with it."""
    people: dict[str, set[str]] = defaultdict(set)
    for e in named:
        if e.label == "PERSON" and 2 <= len(e.text) <= 4 and not (courtesy and courtesy.fullmatch(e.text, 1)):
            people[e.text[0]].add(e.norm)
    return people


def short_places(entities: list[Entity],
                 place_of: Callable[[str], tuple[str, str] | None] | None = None) -> list[Entity]:
    """A one-character place the alias tables leave unresolved (巴 of 中巴, 欧 of 中欧) takes the
    norm and label of the article's only longer name that starts with that character
    (巴基斯坦; 欧盟, an ORG), when there is exactly one; otherwise it stays as it is. An
    organisation named after a place stands for that place here: 黎巴嫩真主党 offers
    黎巴嫩, not itself, to the 黎 of 黎南部; any other organisation offers itself only when a
    gazetteer lists it (``place_of`` gives the norm and label of a known place name, or None;
    without it every longer name offers itself)."""
    longer: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for e in entities:
        if e.label in ("GPE", "LOC", "ORG") and len(e.text) >= 2 and (offered := _offered(e, place_of)):
            longer[e.text[0]].add(offered)
    out = []
    for e in entities:
        if e.label in ("GPE", "LOC") and len(e.text) == 1 and e.norm == e.text and len(longer.get(e.text, ())) == 1:
            (norm, label), = longer[e.text]
            e = replace(e, norm=norm, label=label)
        out.append(e)
    return out


def _offered(e: Entity, place_of: Callable[[str], tuple[str, str] | None] | None) -> tuple[str, str] | None:
    """The (norm, label) a longer name offers to a one-character place that begins it: its own; for
    an organisation, the place it is named after, else its own only when a gazetteer lists it (欧盟):
    a model's organisation (欧尔班 misread, 奥运健儿代表团) is no reading of a country's initial."""
    if e.label != "ORG" or place_of is None:
        return e.norm, e.label
    place = next((p for n in range(len(e.text) - 1, 1, -1) if (p := place_of(e.text[:n]))), None)
    return place or ((e.norm, e.label) if e.source == "gazetteer" else None)


def name_variants(entities: list[Entity], reading: Callable[[str], str] | None = None) -> tuple[list[Entity], list[str]]:
    """A spun spelling of a person's name (岱山 for 戴珊: the same syllables, other characters, as
    scraped copies write names to dodge filters) linked to the name: a 2–3 character mention
    that is not a PERSON and reads as the article's only PERSON name of that reading becomes a
    PERSON with that name's norm. Returns the entities and ``variant>name`` notes (the stage
    flags the article ``name_variant:岱山>戴珊``). Two PERSON names that read alike are left as
    two people.

    Complexity: one pass that groups people by reading and one that relabels; the branches are the guards against
    two people reading alike."""
    people: dict[str, set[str]] = defaultdict(set)
    named = [e for e in entities if e.label in NAMES and 2 <= len(e.text) <= 3]
    if not any(e.label == "PERSON" for e in named) or all(e.label == "PERSON" for e in named):
        return entities, []
    reading = reading or toneless_pinyin
    for e in named:
        if e.label == "PERSON":
            people[reading(e.text)].add(e.norm)
    candidates = {id(e) for e in named if e.label != "PERSON"}
    out, notes = [], []
    for e in entities:
        if id(e) in candidates:
            norms = people.get(reading(e.text), set())
            if len(norms) == 1 and e.text not in norms:
                (norm,) = norms
                out.append(replace(e, label="PERSON", norm=norm))
                if f"{e.text}>{norm}" not in notes:
                    notes.append(f"{e.text}>{norm}")
                continue
        out.append(e)
    return out, notes


@lru_cache(maxsize=65536)
def toneless_pinyin(text: str) -> str:
    """``text`` read aloud without tones (岱山 and 戴珊 both ``dai shan``), via pypinyin."""
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(text, style=Style.NORMAL))
