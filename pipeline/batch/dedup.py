"""Exact and near-duplicate articles within a run: a content hash and MinHash/LSH (datasketch).

The first article of a story is kept as it is; every later one that repeats it (the same
cleaned text, or a Jaccard similarity of character shingles at or above the threshold, as
syndicated copies with other boilerplate and small edits have) is flagged
``near_duplicate_of:<id of the first>`` (plus ``exact_duplicate`` when the texts are equal)
or, with ``dedup.drop``, written to the rejects file with that reason.
"""
from __future__ import annotations

import hashlib
import re

import numpy as np

from pipeline.config import DedupConfig
from pipeline.record import Article

_KEEP = re.compile(r"[\w]+")  # letters, digits and Han characters; punctuation and spaces go


def normalise_for_dedup(text: str) -> str:
    return "".join(_KEEP.findall(text.lower()))


def shingles(text: str, k: int) -> set[bytes]:
    if len(text) <= k:
        return {text.encode("utf-8")} if text else set()
    return {text[i : i + k].encode("utf-8") for i in range(len(text) - k + 1)}


class DuplicateIndex:
    """Remembers the articles of a run and finds the earlier one an article repeats."""

    def __init__(self, config: DedupConfig | None = None) -> None:
        from datasketch import MinHash, MinHashLSH

        self.config = config or DedupConfig()
        self._exact: dict[str, str] = {}
        # weights favour recall: LSH proposes candidates generously, and each candidate's
        # estimated Jaccard similarity is then checked against the threshold exactly
        self._lsh = MinHashLSH(threshold=self.config.threshold, num_perm=self.config.num_perm, weights=(0.1, 0.9))
        self._template = MinHash(num_perm=self.config.num_perm, seed=1)
        self._signatures: dict[str, tuple[str, np.ndarray]] = {}
        self._minhash_class = MinHash
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def _minhash(self, normalised: str):  # noqa: ANN202 - datasketch's MinHash
        m = self._minhash_class(
            num_perm=self.config.num_perm, seed=1, permutations=self._template.permutations, scheme=self._template.scheme
        )
        m.update_batch(sorted(shingles(normalised, self.config.shingle)))
        return m

    def find(self, article: Article) -> tuple[str, bool] | None:
        """``(id of the earlier article, exact?)`` if ``article`` repeats one; then remembers it."""
        normalised = normalise_for_dedup(article.text)
        digest = hashlib.blake2b(normalised.encode("utf-8"), digest_size=16).hexdigest()
        self._count += 1
        if digest in self._exact:
            return self._exact[digest], True
        self._exact[digest] = article.id
        if len(normalised) < self.config.min_chars:
            return None
        minhash = self._minhash(normalised)
        best: tuple[int, str] | None = None
        for key in self._lsh.query(minhash):
            order, (earlier_id, values) = int(key), self._signatures[key]
            if float(np.mean(values == minhash.hashvalues.astype(np.uint32))) >= self.config.threshold and (best is None or order < best[0]):
                best = (order, earlier_id)
        key = str(self._count)
        self._lsh.insert(key, minhash)
        self._signatures[key] = (article.id, minhash.hashvalues.astype(np.uint32))  # affine32: values fit
        return (best[1], False) if best else None

    def flag(self, article: Article) -> str | None:
        """Flag ``article`` when it repeats an earlier one; return the earlier id."""
        hit = self.find(article)
        if hit is None:
            return None
        earlier, exact = hit
        article.flags.append(f"near_duplicate_of:{earlier}")
        if exact:
            article.flags.append("exact_duplicate")
        return earlier
