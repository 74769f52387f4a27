"""The ``entities`` stage: sources propose, one resolver decides, post-edits and a document pass finish.

Per article: every sentence (long ones in windows of ``entities.window_chars``) is read by
the sources of the convention profile (:mod:`.sources`; the model's batched over the
sentences of a whole batch of articles), the candidates go to the resolver
(:mod:`.resolver`), the profile's post-edits run in order (:mod:`.post_edits`), and the
document pass gives every name of the article one label and one norm (:mod:`.document_pass`).
Which head competes, which sources and edits run, is data: ``models/entity_profiles.toml``
(``entities.convention``; ``default`` follows what a reader would mark).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipeline.backends.gazetteer import Gazetteer, load_aliases
from pipeline.backends.person_names import load_name_model, load_surnames
from pipeline.config import EntityConfig, PipelineConfig
from pipeline.record import Article
from pipeline.registry import Stage, stage
from pipeline.resources import fingerprint, read_word_list, resource_files
from pipeline.resources import resolve as resolve_resource
from pipeline.stages.entities import title_edits  # noqa: F401 - registers the edits of titles in marks
from pipeline.stages.entities.candidates import Candidate
from pipeline.stages.entities.document_pass import load_company_forms, name_variants, one_sense, short_places
from pipeline.stages.entities.labels import Labeler, load_divisions
from pipeline.stages.entities.patterns import load_patterns
from pipeline.stages.entities.post_edits import EditContext, check_edits
from pipeline.stages.entities.profiles import get_profile
from pipeline.stages.entities.resolver import check_precedence, resolve
from pipeline.stages.entities.sources import SourceContext, build_sources
from pipeline.stages.sentences import windows
from pipeline.text.script import view_of

GROUP_CHARS = 65_536
RULE_SOURCES = frozenset({"numeric", "speaker", "party_side"})  # what entities.rules=false turns off


def _groups(texts: list[str], budget: int) -> list[tuple[int, int]]:
    """Consecutive ``[a, b)`` ranges of ``texts`` of about ``budget`` characters each."""
    out: list[tuple[int, int]] = []
    start = size = 0
    for i, text in enumerate(texts):
        if size and size + len(text) > budget:
            out.append((start, i))
            start, size = i, 0
        size += len(text)
    if start < len(texts):
        out.append((start, len(texts)))
    return out


class EntityRecognizer(Stage):
    name = "entities"
    batched = True

    def __init__(self, config: EntityConfig, word_head: str | None = None, traditional_view: bool = True) -> None:
        """``word_head``: a segmentation head read on the same encoder pass; where its words end
        goes to ``Article.analysis["word_ends"]`` for the tokens stage (``tokens.segmenter = "head"``)."""
        self.config = config
        self.traditional_view = traditional_view
        self.profile = get_profile(config.convention)
        self.rank = check_precedence(config.precedence)
        # model spans less sure than their label's floor are dropped (entities.min_score, when set, for every label)
        self.min_scores = {"": config.min_score} if config.min_score >= 0 else self.profile.floors()
        self.edits = check_edits(list(config.post_edits or self.profile.post_edits))
        alias_files = [p for name in config.aliases for p in resource_files(name)]
        gazetteer_files = [p for name in config.gazetteers for p in resource_files(name)]
        aliases = load_aliases(alias_files)
        self.patterns = load_patterns(config.patterns)
        self.gazetteer = Gazetteer(gazetteer_files, aliases)
        self.labeler = Labeler(self.gazetteer, aliases, load_divisions(), self.patterns)
        self.edit_context = EditContext(self.labeler, self.patterns, load_surnames(),
                                        frozenset(read_word_list(resolve_resource(config.generic_names))))
        names = [n for n in (config.sources or self.profile.sources) if config.rules or n not in RULE_SOURCES]
        context = SourceContext(config, self.labeler, self.patterns, load_name_model(), self.profile.first_head,
                                tuple(config.fill_gaps or self.profile.fill_gaps),
                                word_head if config.ner == "lac" and "model" in names else None)
        self.sources = build_sources(names, context)
        self.company_forms = load_company_forms(config.company_forms) if config.document_pass else None
        self._fingerprint = fingerprint(gazetteer_files + alias_files)

    def describe(self) -> dict[str, str]:
        out = {"gazetteer": f"{len(self.gazetteer)} names, {self._fingerprint}", "convention": self.profile.name}
        for found in self.sources:
            if getattr(found, "version", None):
                out["ner"] = found.version
        return out

    def __call__(self, article: Article) -> Article:
        self.pipe([article])
        return article

    def _place_of(self, surface: str) -> tuple[str, str] | None:
        """The norm and label of a known place name (the document pass's short places), else None."""
        if not self.labeler.is_place(surface):
            return None
        return self.labeler.norm(surface), self.labeler.place_label(surface)

    def pipe(self, articles: list[Article]) -> list[Article]:
        views = [view_of(article, self.traditional_view) for article in articles]
        candidates, ends = self._propose(articles, views)
        for article, view, proposed, word_ends in zip(articles, views, candidates, ends):
            if word_ends:  # for the tokens stage: where the head's words end, over the whole article
                article.analysis["word_ends"] = np.concatenate(word_ends)
            kept = resolve(view, proposed, self.labeler, self.rank, self.min_scores)
            for edit in self.edits:
                kept = edit(view, kept, self.edit_context)
            if self.company_forms is not None:  # after every sentence is read: one sense per article
                kept = one_sense(kept, self.company_forms, self.labeler.is_place, self.patterns.courtesy)
                kept = short_places(kept, self._place_of)
                kept, variants = name_variants(kept)
                article.flags.extend(f"name_variant:{v}" for v in variants if f"name_variant:{v}" not in article.flags)
            if view is not article.text:  # read through the simplified view: the record keeps the original
                kept = [replace(e, text=article.text[e.start : e.end]) for e in kept]
            article.entities = kept
        return articles

    def _propose(self, articles: list[Article], views: list[str]) -> tuple[list[list[Candidate]],
                                                                          list[list[np.ndarray]]]:
        """Every source's candidates per article (article offsets), and a segmentation head's word ends."""
        pieces: list[tuple[int, int]] = []  # (article index, offset of the piece in the article)
        texts: list[str] = []
        for i, (article, view) in enumerate(zip(articles, views)):
            for sentence_start, sentence_end in article.sentences:
                # a sentence of thousands of characters (a table flattened, a run of digits) is
                # tagged in windows: the encoder's memory grows with the longest text of a batch
                for start, end in windows(view, sentence_start, sentence_end, self.config.window_chars):
                    pieces.append((i, start))
                    texts.append(view[start:end])
        candidates: list[list[Candidate]] = [[] for _ in articles]
        ends: list[list[np.ndarray]] = [[] for _ in articles]  # a segmentation head's word ends, article offsets
        # a group's model states are dropped before the next group: memory follows
        # GROUP_CHARS, not the size of the batch (128 long articles, or one of a million characters)
        for a, b in _groups(texts, GROUP_CHARS):
            group = texts[a:b]
            for found in self.sources:
                for (i, offset), proposed in zip(pieces[a:b], found.find(group)):
                    candidates[i].extend(c.shifted(offset) for c in proposed)
                if getattr(found, "word_ends", None) is not None:
                    for (i, offset), piece_ends in zip(pieces[a:b], found.word_ends):
                        ends[i].append(piece_ends + offset)
        return candidates, ends


@stage("entities", requires=("sentences",), assigns=("entities",))
def make_entity_recognizer(config: PipelineConfig) -> EntityRecognizer:
    # the segmentation head rides on this stage's encoder pass, unless a lexicon must weigh in on its decoding
    shares_pass = ("tokens" in config.components and config.tokens.segmenter == "head"
                   and not config.tokens.lexicons)
    return EntityRecognizer(config.entities, word_head=config.tokens.head if shares_pass else None,
                            traditional_view=config.clean.traditional_view)
