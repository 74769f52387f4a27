"""Trained entity heads over LAC's encoder: the learned correction layer of the entity stage.

LAC's ONNX encoder (two bidirectional GRU layers) has learned a great deal about Chinese
names from Baidu's corpus, but its tags follow Baidu's conventions, not those of the news
NER sets (People's Daily/MSRA: 中美 is two LOCs, 中国政府 holds the LOC 中国, 中国队 is an
ORG) and it knows nothing of products, games, books, films or job titles. A *head* is a
small linear-chain CRF trained on the public splits that reads, at every character:

* LAC's hidden states (both GRU layers, 2×256) and its 59 emission scores, projected
  linearly to the head's tag scores. The projection runs inside the ONNX graph, so the
  encoder's one pass yields every head's dense scores;
* the characters in a window of ±``char_window`` and the character bigrams around it,
  each a learned score per tag (a table lookup, no arithmetic to speak of);

and decodes BIOES tags with learned transitions (:mod:`pipeline.backends.crf`). Heads are ``.npz`` files in
``models/ner/`` made by ``python -m pipeline.training.entity_heads`` (see models/README.md
for the data and the command). Inference is numpy; numba (a dependency) compiles the
table lookups and the Viterbi, and the numpy code stands in where numba is missing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.backends import crf
from pipeline.backends.crf import (
    NEG,
    Span,
    allowed_sources,
    allowed_transitions,
    bioes_spans,
    bioes_spans_many,
    bioes_tags,
    compile_kernel,
    transition_groups,
    viterbi_padded,
)
from pipeline.backends.lac_tagger import LacEncoder
from pipeline.errors import ResourceError

__all__ = ["NEG", "HeadTagger", "TaggingHead", "allowed_transitions", "bioes_spans", "bioes_tags", "fold",
           "get_head_tagger", "span_probabilities"]

ScoredSpan = tuple[int, int, str, float]  # a span and the CRF's marginal probability of it
# Full-width ASCII folds to half-width before the character lookups (the cleaning stage
# does the same to article text; the training sets keep full-width digits and letters).
FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold(text: str) -> str:
    return text.translate(FOLD)


@dataclass
class TaggingHead:
    """One trained head: dense projection, sparse character features and a CRF."""

    name: str
    tags: list[str]
    dense_w: np.ndarray  # (features, tags)
    dense_b: np.ndarray  # (tags,)
    chars: list[str]  # character i has id i + 1; 0 = unknown or outside the sentence
    char_tables: np.ndarray  # (2 * char_window + 1, len(chars) + 1, tags)
    bigrams: list[str]
    bigram_tables: np.ndarray  # (len(bigram_offsets), len(bigrams) + 1, tags)
    bigram_offsets: list[int]  # the bigram starting at t + offset scores position t
    transitions: np.ndarray  # (tags, tags), forbidden moves at NEG
    start: np.ndarray
    end: np.ndarray
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.char_window = (self.char_tables.shape[0] - 1) // 2
        self._sources = transition_groups(self.transitions)
        self._source_lists = allowed_sources(self.transitions)
        self._transitions_t = np.ascontiguousarray(self.transitions.T, dtype=np.float32)
        self.start = np.ascontiguousarray(self.start, dtype=np.float32)
        self.end = np.ascontiguousarray(self.end, dtype=np.float32)
        self.labels = sorted({t[2:] for t in self.tags if t != "O"})
        self._char_tables = np.ascontiguousarray(self.char_tables, dtype=np.float32)
        self._bigram_tables = np.ascontiguousarray(self.bigram_tables, dtype=np.float32)
        self._offsets = np.array(self.bigram_offsets, dtype=np.int64)

    # ------------------------------------------------------------------ files
    @classmethod
    def load(cls, path: str | Path) -> TaggingHead:
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                return cls(
                    name=meta.get("name", path.stem),
                    tags=[str(t) for t in data["tags"]],
                    dense_w=data["dense_w"].astype(np.float32),
                    dense_b=data["dense_b"].astype(np.float32),
                    chars=[str(c) for c in data["chars"]],
                    char_tables=data["char_tables"],
                    bigrams=[str(b) for b in data["bigrams"]],
                    bigram_tables=data["bigram_tables"],
                    bigram_offsets=[int(o) for o in data["bigram_offsets"]],
                    transitions=data["transitions"].astype(np.float32),
                    start=data["start"].astype(np.float32),
                    end=data["end"].astype(np.float32),
                    meta=meta,
                )
        except (OSError, KeyError, ValueError) as exc:
            raise ResourceError(f"cannot load the entity head {path}: {exc}") from exc

    def save(self, path: str | Path) -> None:
        np.savez_compressed(
            path,
            tags=np.array(self.tags),
            dense_w=self.dense_w.astype(np.float32),
            dense_b=self.dense_b.astype(np.float32),
            chars=np.array(self.chars),
            char_tables=self.char_tables.astype(np.float16),
            bigrams=np.array(self.bigrams),
            bigram_tables=self.bigram_tables.astype(np.float16),
            bigram_offsets=np.array(self.bigram_offsets, dtype=np.int64),
            transitions=self.transitions.astype(np.float32),
            start=self.start.astype(np.float32),
            end=self.end.astype(np.float32),
            meta=np.array(json.dumps({**self.meta, "name": self.name}, ensure_ascii=False)),
        )

    # -------------------------------------------------------------- features
    def bind(self, token_id, vocab_size: int, unknown: int) -> None:
        """Index the head's characters and bigrams by an encoder's token ids.

        ``token_id(char)`` is the encoder's id of a character (``unknown`` when it has
        none). Lookups then run on the id arrays the encoder already has, with no Python
        per character; characters that share an id share the most frequent one's scores.
        """
        self.vocab_size = vocab_size
        self._char_of_token = np.zeros(vocab_size, dtype=np.int64)
        for i in range(len(self.chars) - 1, -1, -1):  # the most frequent character wins a shared id
            token = token_id(self.chars[i])
            if token != unknown:
                self._char_of_token[token] = i + 1
        pairs: dict[int, int] = {}
        for i, gram in enumerate(self.bigrams):
            a, b = token_id(gram[0]), token_id(gram[-1])
            if len(gram) == 2 and a != unknown and b != unknown:
                pairs.setdefault(a * vocab_size + b, i + 1)
        keys = np.array(sorted(pairs), dtype=np.int64)
        self._gram_keys = keys
        self._gram_values = np.array([pairs[k] for k in keys.tolist()], dtype=np.int64)

    def feature_ids(self, tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Character ids (batch, time) and bigram ids (batch, time - 1) from encoder token ids."""
        chars = self._char_of_token[tokens]
        keys = tokens[:, :-1] * self.vocab_size + tokens[:, 1:]
        if len(self._gram_keys) == 0 or keys.size == 0:
            return chars, np.zeros(keys.shape, dtype=np.int64)
        where = np.minimum(np.searchsorted(self._gram_keys, keys), len(self._gram_keys) - 1)
        grams = np.where(self._gram_keys[where] == keys, self._gram_values[where], 0)
        return chars, grams

    def sparse_scores(self, tokens: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
        """Character-window and bigram scores for a batch of token id rows: (batch, time, tags).

        Rows shorter than the batch (``lengths``; padded) are scored as they are alone, up to
        their length; the padding's scores are zero."""
        if lengths is not None and lengths.min() < tokens.shape[1]:
            scores = np.zeros((*tokens.shape, len(self.tags)), dtype=np.float32)
            for row, n in enumerate(lengths.tolist()):
                scores[row, :n] = self.sparse_scores(tokens[row : row + 1, :n])[0]
            return scores
        batch, steps = tokens.shape
        if _sparse_sum is not None and not crf.FORCE_NUMPY:
            scores = np.zeros((batch, steps, len(self.tags)), dtype=np.float32)
            _sparse_sum(np.ascontiguousarray(tokens, dtype=np.int64), self._char_of_token, self._gram_keys,
                        self._gram_values, self.vocab_size, self._char_tables, self._bigram_tables, self._offsets,
                        scores)
            return scores
        char_ids, gram_ids = self.feature_ids(tokens)
        width = self.char_window
        chars = np.zeros((batch, steps + 2 * width), dtype=np.int64)
        chars[:, width : width + steps] = char_ids
        scores = np.zeros((batch, steps, len(self.tags)), dtype=np.float32)
        for k in range(2 * width + 1):
            scores += self._char_tables[k][chars[:, k : k + steps]]
        if self.bigram_offsets:
            low, high = min(self.bigram_offsets), max(self.bigram_offsets)
            pad = max(-low, 0)
            grams = np.zeros((batch, pad + steps + max(high, 0) + 1), dtype=np.int64)
            grams[:, pad : pad + steps - 1] = gram_ids
            for k, offset in enumerate(self.bigram_offsets):
                scores += self._bigram_tables[k][grams[:, pad + offset : pad + offset + steps]]
        return scores

    # ---------------------------------------------------------------- decode
    def best_paths(self, emissions: list[np.ndarray], chunk: int = 256):
        """The best BIOES path of every sentence, laid end to end: ``(lengths, offsets, flat, paths)``
        with sentence ``i`` at ``[offsets[i], offsets[i + 1])`` of ``flat`` (its emissions) and
        ``paths``; None when there is no character at all. Compiled Viterbi when numba is there."""
        lengths = np.array([len(e) for e in emissions], dtype=np.int64)
        offsets = np.zeros(len(emissions) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        if offsets[-1] == 0:
            return None
        flat = np.ascontiguousarray(np.concatenate([e for e in emissions if len(e)]), dtype=np.float32)
        paths = crf.viterbi_many(flat, offsets, self.start, self._transitions_t, self.end, self._source_lists)
        if paths is None:
            paths = np.concatenate([p for p in self._paths_numpy(emissions, chunk) if len(p)])
        return lengths, offsets, flat, paths

    def decode(self, emissions: list[np.ndarray], chunk: int = 256) -> list[list[Span]]:
        """Best BIOES paths for sentences of any lengths, as label spans per sentence."""
        found = self.best_paths(emissions, chunk)
        if found is None:
            return [[] for _ in emissions]
        _, offsets, _, paths = found
        return bioes_spans_many(paths, offsets, self.tags)

    def word_ends(self, emissions: list[np.ndarray]) -> list[np.ndarray]:
        """For a segmentation head (one label): the end offset of every word of each text.

        A word ends where the best path has E or S (or O: a character alone); the last
        character always ends one. Vectorised over the whole batch: no Python per character.
        """
        found = self.best_paths(emissions)
        if found is None:
            return [np.zeros(0, np.int64) for _ in emissions]
        lengths, offsets, _, paths = found
        ending = np.array([t == "O" or t[0] in "ES" for t in self.tags])[paths]
        ending[offsets[1:][lengths > 0] - 1] = True
        ends = np.flatnonzero(ending) + 1
        cuts = np.searchsorted(ends, offsets, side="right")
        return [ends[cuts[i] : cuts[i + 1]] - offsets[i] if lengths[i] else np.zeros(0, np.int64)
                for i in range(len(emissions))]

    def decode_scored(self, emissions: list[np.ndarray], keep: frozenset[str] | None = None) -> list[list[ScoredSpan]]:
        """The best paths' spans with each span's marginal probability under the CRF.

        The probability is that of the span's exact tags (B-X I-X … E-X, or S-X) summed
        over every path of the sentence (forward-backward): how sure the head is of this
        span, boundaries and label together, whatever it reads around it. ``keep``, when
        given, names the labels wanted: other spans are left out before anything is scored
        (a sentence with none wanted costs no forward-backward).
        """
        best = self.best_paths(emissions)
        if best is None:
            return [[] for _ in emissions]
        _, offsets, flat, paths = best
        spans = bioes_spans_many(paths, offsets, self.tags)
        if keep is not None:
            spans = [[span for span in found if span[2] in keep] for found in spans]
        where = [(i, a, b) for i, found in enumerate(spans) for a, b, _ in found]
        if not where:
            return [[] for _ in emissions]
        probs = span_probabilities(self, flat, offsets, paths, np.array(where, dtype=np.int64))
        out: list[list[ScoredSpan]] = [[] for _ in emissions]
        k = 0
        for i, found in enumerate(spans):
            for a, b, label in found:
                out[i].append((a, b, label, float(probs[k])))
                k += 1
        return out

    def _paths_numpy(self, emissions: list[np.ndarray], chunk: int = 256) -> list[np.ndarray]:
        paths: list[np.ndarray] = [np.zeros(0, np.int64) for _ in emissions]
        order = sorted((i for i, e in enumerate(emissions) if len(e)), key=lambda i: len(emissions[i]))
        for k in range(0, len(order), chunk):
            members = order[k : k + chunk]
            lengths = np.array([len(emissions[i]) for i in members])
            padded = np.zeros((len(members), int(lengths.max()), len(self.tags)), dtype=np.float32)
            for row, i in enumerate(members):
                padded[row, : lengths[row]] = emissions[i]
            found = viterbi_padded(padded, lengths, self.start, self.transitions, self.end, self._sources)
            for i, path, n in zip(members, found, lengths):
                paths[i] = np.asarray(path[:n], dtype=np.int64)
        return paths


def _sparse_sum_py(tokens, char_of_token, gram_keys, gram_values, vocab_size, char_tables, gram_tables, offsets,
                   out):  # pragma: no cover - compiled
    """out[b, t] += the character-window and bigram rows of position t (id 0 outside the sentence).

    The same as :meth:`TaggingHead.feature_ids` + the table sums, in one pass.
    """
    batch, steps, k = out.shape
    window = char_tables.shape[0]
    half = (window - 1) // 2
    n_keys = gram_keys.shape[0]
    chars = np.empty(steps, dtype=np.int64)
    grams = np.zeros(max(steps - 1, 1), dtype=np.int64)
    row = np.empty(k, dtype=np.float32)
    for b in range(batch):
        for t in range(steps):
            chars[t] = char_of_token[tokens[b, t]]
        for t in range(steps - 1):
            key = tokens[b, t] * vocab_size + tokens[b, t + 1]
            where = np.searchsorted(gram_keys, key) if n_keys else 0
            grams[t] = gram_values[where] if where < n_keys and gram_keys[where] == key else 0
        for t in range(steps):
            row[:] = 0.0
            for w in range(window):
                p = t + w - half
                c = chars[p] if 0 <= p < steps else 0
                table = char_tables[w, c]
                for j in range(k):
                    row[j] += table[j]
            for g in range(offsets.shape[0]):
                p = t + offsets[g]
                c = grams[p] if 0 <= p < steps - 1 else 0
                table = gram_tables[g, c]
                for j in range(k):
                    row[j] += table[j]
            out[b, t, :] = row


_sparse_sum = compile_kernel(_sparse_sum_py)


def span_probabilities(head: TaggingHead, flat: np.ndarray, offsets: np.ndarray, paths: np.ndarray,
                       located: np.ndarray) -> np.ndarray:
    """Marginal probabilities of the spans ``located`` (sentence, start, end) of a decoded batch."""
    if not hasattr(head, "_target_lists"):
        head._target_lists = allowed_sources(np.ascontiguousarray(head.transitions.T))
    logp = crf.span_log_probabilities(flat, offsets, paths, head.start, head.transitions, head.end, located,
                                      head._source_lists, head._target_lists)
    return np.minimum(np.exp(logp), 1.0)


class HeadTagger:
    """LAC's encoder plus trained heads: one encoder pass, each head's spans per text.

    Sentences of equal length share an encoder batch (``chunk`` at most: LAC's GRUs run
    fastest at a few dozen sentences); each head adds its character and bigram scores to
    the projected dense scores and decodes all sentences together, padded, in one Viterbi.
    """

    def __init__(self, heads: list[TaggingHead], threads: int = 1, chunk: int = 32) -> None:
        if not heads:
            raise ResourceError("the head tagger needs at least one head")
        self.heads = heads
        weight = np.concatenate([h.dense_w for h in heads], axis=1)
        bias = np.concatenate([h.dense_b for h in heads])
        self._slices = np.cumsum([0] + [len(h.tags) for h in heads])
        self.encoder = LacEncoder((weight, bias), threads=threads, chunk=chunk)
        for head in heads:
            self.encoder.bind(head)

    @property
    def version(self) -> str:
        return f"{self.encoder.version} + heads {', '.join(h.name for h in self.heads)}"

    def predict(self, texts: list[str], scored: bool | frozenset[str] = False, bias=None,
                words: frozenset[str] = frozenset(), keep: dict[str, frozenset[str]] | None = None) -> list[list]:
        """For each head, for each text: its (start, end, label) spans, plus each span's
        marginal probability when ``scored`` (:meth:`TaggingHead.decode_scored`): True for every
        head, or the names of the heads to score; ``keep[head name]``, when given, the labels of
        the scored spans wanted from that head. ``bias(head, i)``, when given, returns
        scores (text length × the head's tags) to add to text ``i``'s emissions, or None.
        A head named in ``words`` (a segmentation head) gives each text's word ends instead
        (:meth:`TaggingHead.word_ends`)."""
        encoded = list(self.encoder.batches(texts))
        out = []
        # one head at a time over all batches: its tables stay in the CPU's caches
        for h, head in enumerate(self.heads):
            emissions = [np.zeros((0, len(head.tags)), np.float32)] * len(texts)
            for members, tokens, dense, lengths in encoded:
                scores = dense[:, :, self._slices[h] : self._slices[h + 1]] + head.sparse_scores(tokens, lengths)
                for row, i in enumerate(members):
                    extra = bias(head, i) if bias is not None else None
                    own = scores[row, : lengths[row]]
                    emissions[i] = own if extra is None else own + extra
            wanted = scored if isinstance(scored, bool) else head.name in scored
            if head.name in words:
                out.append(head.word_ends(emissions))
            else:
                out.append(head.decode_scored(emissions, (keep or {}).get(head.name)) if wanted
                           else head.decode(emissions))
        return out


@lru_cache(maxsize=4)
def get_head_tagger(paths: tuple[str, ...], threads: int = 1) -> HeadTagger:
    """One head tagger per process and set of heads: the encoder and heads load once."""
    return HeadTagger([TaggingHead.load(p) for p in paths], threads=threads)
