"""The entity stage, built from parts (see ``docs/entities.md``):

* :mod:`.candidates` — the typed :class:`Candidate` every source proposes;
* :mod:`.sources` — the registered sources (model, numeric, gazetteer, party_side, speaker);
* :mod:`.resolver` — one resolver, its precedence in config;
* :mod:`.post_edits` and :mod:`.title_edits` — named, ordered edits; :mod:`.profiles` — which
  run for a convention;
* :mod:`.document_pass` — one article, one sense; spun spellings of names;
* :mod:`.labels` and :mod:`.patterns` — labels, norms and the rules' patterns (data files);
* :mod:`.stage` — the stage that runs them.
"""
from pipeline.stages.entities.candidates import Candidate, clip_to_words
from pipeline.stages.entities.labels import load_divisions
from pipeline.stages.entities.stage import GROUP_CHARS, EntityRecognizer, make_entity_recognizer

__all__ = ["GROUP_CHARS", "Candidate", "EntityRecognizer", "clip_to_words", "load_divisions",
           "make_entity_recognizer"]
