"""A learned, position-aware score for each candidate sentence of an extractive summary.

Each candidate sentence gets a vector of features a news editor would weigh (:data:`FEATURES`):
its place among the candidates (the dateline already removed), its length against the budget,
its centrality (LexRank), its likeness to the lead, how dense it is in entities and numbers,
quotes and attribution, a time phrase at its start. The score is a linear function of the
standardised features; the weights are learned listwise (a softmax over the article's
sentences fitted to which sentence best matches a reference) by
:mod:`pipeline.training.summary_scorer` and stored in ``models/summary_scorer.json``.

The title, when an article has one, is not among the learned features (the training
references are headlines, so a title feature would learn to copy them); the stage adds it
with its own weight.
"""
from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipeline.errors import ResourceError
from pipeline.resources import read_text_file, resolve

FEATURES = (
    "lead",          # 1 / sqrt(1 + rank among the candidates)
    "first",         # the first candidate
    "second",        # the second candidate
    "relative_position",  # rank / (candidates - 1)
    "first_x_log_candidates",  # the first candidate, in a long article
    "centrality",    # LexRank, normalised to the article's best
    "lead_similarity",  # cosine similarity to the first candidate
    "fit",           # min(length, budget) / budget
    "over_budget",   # longer than the budget: it would be cut at a clause break
    "short",         # under a quarter of the budget
    "entity_density",  # characters inside entities / length
    "digit_density",  # digits / length
    "quote",         # holds a quotation (“…” or 「…」)
    "attribution",   # 表示 / 指出 / 说 ... : reported speech
    "time_start",    # opens with a time phrase (1月1日， 近日， 今天)
    "question",      # ends in a question mark
)
_ATTRIBUTION = re.compile(r"(?:表示|指出|强调|认为|介绍|透露|坦言|称|说)[，,：:]")
_TIME_START = re.compile(r"^(?:\d{1,4}年)?\d{1,2}月\d{1,2}日|^(?:近日|日前|今天|今日|昨天|昨日|近期|目前|当天|当日|此前)")
_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "NORP", "FAC", "LAW"})


@dataclass(frozen=True)
class SentenceScorer:
    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray

    def score(self, features: np.ndarray) -> np.ndarray:
        """One score per row of ``features`` (rows in :data:`FEATURES` order)."""
        return ((features - self.mean) / self.scale) @ self.weights

    def to_dict(self, meta: dict | None = None) -> dict:
        return {"features": list(FEATURES), "weights": self.weights.round(6).tolist(),
                "mean": self.mean.round(6).tolist(), "scale": self.scale.round(6).tolist(), "meta": meta or {}}


@lru_cache(maxsize=4)
def load_scorer(name: str = "summary_scorer.json") -> SentenceScorer:
    path = resolve(name)
    try:
        data = json.loads(read_text_file(path))
        features = data["features"]
        arrays = [np.asarray(data[key], dtype=float) for key in ("weights", "mean", "scale")]
    except (ValueError, KeyError, TypeError) as exc:
        raise ResourceError(f"{path}: not a sentence scorer ({exc})") from exc
    if features != list(FEATURES):
        raise ResourceError(f"{path}: its features {features} are not this version's {list(FEATURES)}; "
                            "rebuild it with python -m pipeline.training.summary_scorer")
    if any(a.shape != (len(FEATURES),) for a in arrays):
        raise ResourceError(f"{path}: weights, mean and scale must each have {len(FEATURES)} numbers")
    return SentenceScorer(*arrays)


def entity_chars(entities, spans: list[tuple[int, int]]) -> np.ndarray:
    """Characters inside named entities, per span (spans in article order, not overlapping)."""
    counts = np.zeros(len(spans))
    starts = [s for s, _ in spans]
    for ent in entities:
        k = bisect.bisect_right(starts, ent.start) - 1
        if ent.label in _ENTITY_LABELS and k >= 0 and ent.end <= spans[k][1]:
            counts[k] += ent.end - ent.start
    return counts


def sentence_features(texts: list[str], centrality: np.ndarray, similarity: np.ndarray,
                      entity_counts: np.ndarray, budget: int) -> np.ndarray:
    """The :data:`FEATURES` matrix of an article's candidate sentences, in article order.

    ``texts`` are what the summary would quote of each candidate, ``similarity`` their cosine
    similarity matrix, ``entity_counts`` the entity characters in each."""
    n = len(texts)
    out = np.zeros((n, len(FEATURES)))
    log_n = math.log(n) if n else 0.0
    for k, text in enumerate(texts):
        length = max(len(text), 1)
        out[k] = (
            1.0 / math.sqrt(1 + k),
            k == 0,
            k == 1,
            k / (n - 1) if n > 1 else 0.0,
            log_n if k == 0 else 0.0,
            centrality[k],
            1.0 if k == 0 else similarity[k, 0],
            min(length, budget) / budget,
            length > budget,
            length < budget / 4,
            entity_counts[k] / length,
            sum(map(str.isdigit, text)) / length,
            ("“" in text and "”" in text) or ("「" in text and "」" in text),
            bool(_ATTRIBUTION.search(text)),
            bool(_TIME_START.match(text)),
            text.rstrip("”’\"」』）)").endswith(("？", "?")),
        )
    return out
