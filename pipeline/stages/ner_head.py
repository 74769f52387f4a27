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

and decodes BIOES tags with learned transitions. Heads are ``.npz`` files in
``models/ner/`` made by ``python -m pipeline.training.ner_head`` (see models/README.md
for the data and the command). Inference needs numpy only.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.errors import ResourceError

Span = tuple[int, int, str]
NEG = -1.0e4  # score of a transition the tag scheme forbids
# Full-width ASCII folds to half-width before the character lookups (the cleaning stage
# does the same to article text; the training sets keep full-width digits and letters).
FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold(text: str) -> str:
    return text.translate(FOLD)


def bioes_tags(labels: list[str]) -> list[str]:
    return ["O"] + [f"{prefix}-{label}" for label in labels for prefix in "BIES"]


def allowed_transitions(tags: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BIOES constraints as (start, transitions[previous, next], end) masks."""
    def parts(tag: str) -> tuple[str, str]:
        return ("O", "") if tag == "O" else (tag[0], tag[2:])

    k = len(tags)
    trans = np.zeros((k, k), dtype=bool)
    for i, a in enumerate(tags):
        pa, la = parts(a)
        for j, b in enumerate(tags):
            pb, lb = parts(b)
            trans[i, j] = (pa in "OES" and pb in "OBS") or (pa in "BI" and pb in "IE" and la == lb)
    start = np.array([parts(t)[0] in "OBS" for t in tags])
    end = np.array([parts(t)[0] in "OES" for t in tags])
    return start, trans, end


def bioes_spans(path: np.ndarray, tags: list[str]) -> list[Span]:
    spans: list[Span] = []
    begin = -1
    for i, t in enumerate(path.tolist()):
        tag = tags[t]
        prefix = tag[0]
        if prefix == "S":
            spans.append((i, i + 1, tag[2:]))
            begin = -1
        elif prefix == "B":
            begin = i
        elif prefix == "E" and begin >= 0:
            spans.append((begin, i + 1, tag[2:]))
            begin = -1
        elif prefix == "O":
            begin = -1
    return spans


@dataclass
class NerHead:
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
        self._char_id = {c: i + 1 for i, c in enumerate(self.chars)}
        self._bigram_id = {b: i + 1 for i, b in enumerate(self.bigrams)}
        self.labels = sorted({t[2:] for t in self.tags if t != "O"})
        self._char_tables = self.char_tables.astype(np.float32)
        self._bigram_tables = self.bigram_tables.astype(np.float32)

    # ------------------------------------------------------------------ files
    @classmethod
    def load(cls, path: str | Path) -> NerHead:
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
    def char_ids(self, text: str) -> np.ndarray:
        text = fold(text)
        get = self._char_id.get
        return np.fromiter((get(c, 0) for c in text), dtype=np.int64, count=len(text))

    def bigram_ids(self, text: str) -> np.ndarray:
        text = fold(text)
        get = self._bigram_id.get
        return np.fromiter((get(text[i : i + 2], 0) for i in range(len(text) - 1)), dtype=np.int64,
                           count=max(len(text) - 1, 0))

    def sparse_scores(self, texts: list[str]) -> np.ndarray:
        """Character-window and bigram scores for equal-length texts: (batch, time, tags)."""
        batch, steps = len(texts), len(texts[0])
        width = self.char_window
        chars = np.zeros((batch, steps + 2 * width), dtype=np.int64)
        for row, text in enumerate(texts):
            chars[row, width : width + steps] = self.char_ids(text)
        scores = np.zeros((batch, steps, len(self.tags)), dtype=np.float32)
        for k in range(2 * width + 1):
            scores += self._char_tables[k][chars[:, k : k + steps]]
        if self.bigram_offsets:
            low, high = min(self.bigram_offsets), max(self.bigram_offsets)
            pad = max(-low, 0)
            grams = np.zeros((batch, pad + steps + max(high, 0) + 1), dtype=np.int64)
            for row, text in enumerate(texts):
                grams[row, pad : pad + steps - 1] = self.bigram_ids(text)
            for k, offset in enumerate(self.bigram_offsets):
                scores += self._bigram_tables[k][grams[:, pad + offset : pad + offset + steps]]
        return scores

    # ---------------------------------------------------------------- decode
    def decode(self, emissions: list[np.ndarray], chunk: int = 256) -> list[list[Span]]:
        """Best BIOES paths for sentences of any lengths, as label spans per sentence."""
        out: list[list[Span]] = [[] for _ in emissions]
        order = sorted((i for i, e in enumerate(emissions) if len(e)), key=lambda i: len(emissions[i]))
        for k in range(0, len(order), chunk):
            members = order[k : k + chunk]
            lengths = np.array([len(emissions[i]) for i in members])
            padded = np.zeros((len(members), int(lengths.max()), len(self.tags)), dtype=np.float32)
            for row, i in enumerate(members):
                padded[row, : lengths[row]] = emissions[i]
            for i, path, n in zip(members, viterbi_padded(padded, lengths, self.start, self.transitions, self.end),
                                  lengths):
                out[i] = bioes_spans(path[:n], self.tags)
        return out


def viterbi_padded(emissions: np.ndarray, lengths: np.ndarray, start: np.ndarray, transitions: np.ndarray,
                   end: np.ndarray) -> np.ndarray:
    """Viterbi over a padded batch (batch, time, tags); positions past a length are ignored."""
    batch, steps, k = emissions.shape
    score = start[None, :] + emissions[:, 0]
    backpointers = np.zeros((max(steps - 1, 0), batch, k), dtype=np.int16)
    transposed = np.ascontiguousarray(transitions.T)  # [next, previous]
    identity = np.broadcast_to(np.arange(k, dtype=np.int16), (batch, k))
    rows = np.arange(batch)[:, None]
    cols = np.arange(k)[None, :]
    candidates = np.empty((batch, k, k), dtype=np.float32)
    for t in range(1, steps):
        np.add(score[:, None, :], transposed[None], out=candidates)
        best = candidates.argmax(axis=2)
        moved = candidates[rows, cols, best] + emissions[:, t]
        active = (lengths > t)[:, None]
        score = np.where(active, moved, score)
        backpointers[t - 1] = np.where(active, best, identity)
    score = score + end[None, :]
    paths = np.empty((batch, steps), dtype=np.int64)
    paths[:, -1] = score.argmax(axis=1)
    everyone = np.arange(batch)
    for t in range(steps - 2, -1, -1):
        paths[:, t] = backpointers[t][everyone, paths[:, t + 1]]
    # a finished sentence's last tag was carried to the end unchanged: its path ends at lengths - 1
    return paths


class HeadTagger:
    """LAC's encoder plus trained heads: one encoder pass, each head's spans per text.

    Sentences of equal length share an encoder batch (``chunk`` at most: LAC's GRUs run
    fastest at a few dozen sentences); each head adds its character and bigram scores to
    the projected dense scores and decodes all sentences together, padded, in one Viterbi.
    """

    def __init__(self, heads: list[NerHead], threads: int = 1, chunk: int = 32) -> None:
        from pipeline.stages.lac_tagger import LacEncoder

        if not heads:
            raise ResourceError("the head tagger needs at least one head")
        self.heads = heads
        weight = np.concatenate([h.dense_w for h in heads], axis=1)
        bias = np.concatenate([h.dense_b for h in heads])
        self._slices = np.cumsum([0] + [len(h.tags) for h in heads])
        self.encoder = LacEncoder((weight, bias), threads=threads, chunk=chunk)

    @property
    def version(self) -> str:
        return f"{self.encoder.version} + heads {', '.join(h.name for h in self.heads)}"

    def predict(self, texts: list[str]) -> list[list[list[Span]]]:
        """For each head, for each text: its (start, end, label) spans."""
        emissions: list[list[np.ndarray]] = [[np.zeros((0, len(h.tags)), np.float32)] * len(texts) for h in self.heads]
        for members, dense in self.encoder.batches(texts):
            group = [texts[i] for i in members]
            for h, head in enumerate(self.heads):
                scores = dense[:, :, self._slices[h] : self._slices[h + 1]] + head.sparse_scores(group)
                for row, i in enumerate(members):
                    emissions[h][i] = scores[row]
        return [head.decode(emissions[h]) for h, head in enumerate(self.heads)]


@lru_cache(maxsize=4)
def get_head_tagger(paths: tuple[str, ...], threads: int = 1) -> HeadTagger:
    """One head tagger per process and set of heads: the encoder and heads load once."""
    return HeadTagger([NerHead.load(p) for p in paths], threads=threads)
