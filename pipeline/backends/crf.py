"""The linear-chain CRF under every tagging head: the BIOES tag scheme, Viterbi decoding and span marginals.

Pure numpy over arrays (emissions, start, transitions, end); nothing here knows about LAC, features
or files. The inner loops are compiled with numba (a dependency) when it is importable; the numpy
code stands in otherwise, and ``FORCE_NUMPY`` lets the tests check that both agree.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from pipeline.backends.lac_tagger import backtrack

Span = tuple[int, int, str]
NEG = -1.0e4  # score of a transition the tag scheme forbids
FORCE_NUMPY = False  # tests flip this to check that the compiled and numpy paths agree


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
    """Spans of a BIOES tag path (tag 0 is O; a broken entity is dropped)."""
    spans: list[Span] = []
    begin = -1
    previous = -2
    path = np.asarray(path)
    for i in np.flatnonzero(path).tolist():  # only the tagged positions: most characters are O
        if i != previous + 1:
            begin = -1  # an O came between
        previous = i
        tag = tags[path[i]]
        prefix = tag[0]
        if prefix == "S":
            spans.append((i, i + 1, tag[2:]))
            begin = -1
        elif prefix == "B":
            begin = i
        elif prefix == "E" and begin >= 0:
            spans.append((begin, i + 1, tag[2:]))
            begin = -1
    return spans


def bioes_spans_many(paths: np.ndarray, offsets: np.ndarray, tags: list[str]) -> list[list[Span]]:
    """:func:`bioes_spans` of every sentence of a decoded batch (sentence ``i`` at ``[offsets[i],
    offsets[i + 1])`` of ``paths``) without a Python step per character. On a path that keeps
    BIOES's moves, as the constrained Viterbi's do, the begins (B, S) and ends (E, S) pair up in
    order; where any pair would not be one entity of one label within one sentence, every
    sentence is read by :func:`bioes_spans` (which drops a broken entity) instead."""
    n = len(offsets) - 1
    if n <= 0 or len(paths) == 0:
        return [[] for _ in range(max(n, 0))]
    kinds, labels, label_ids = _tag_kinds(tuple(tags))
    kind = kinds[paths]  # 0 O, 1 B, 2 I, 3 E, 4 S
    begins = np.flatnonzero((kind == 1) | (kind == 4))
    ends = np.flatnonzero((kind == 3) | (kind == 4)) + 1
    sentence = np.searchsorted(offsets, begins, side="right") - 1
    if not _pairs_are_entities(kind, label_ids[paths], offsets, sentence, begins, ends):
        return [bioes_spans(paths[offsets[i] : offsets[i + 1]], tags) for i in range(n)]
    out: list[list[Span]] = [[] for _ in range(n)]
    first = offsets[sentence]
    for i, a, b, t in zip(sentence.tolist(), (begins - first).tolist(), (ends - first).tolist(), paths[begins].tolist()):
        out[i].append((a, b, labels[t]))
    return out


def _pairs_are_entities(kind: np.ndarray, label: np.ndarray, offsets: np.ndarray, sentence: np.ndarray,
                        begins: np.ndarray, ends: np.ndarray) -> bool:
    """Whether begins and ends pair up into entities: as many of each, each pair in one sentence
    (``sentence``: the sentence of each begin), in order and apart, no O inside, one label at both
    ends, and no tagged position outside a pair."""
    if len(begins) != len(ends):
        return False
    if len(begins) == 0:
        return not np.any(kind)
    same_sentence = sentence == np.searchsorted(offsets, ends - 1, side="right") - 1
    ordered = np.all(begins < ends) and np.all(ends[:-1] <= begins[1:])
    outside = np.concatenate([[0], np.cumsum(kind == 0)])
    no_o_inside = np.all(outside[ends] - outside[begins] == 0)
    same_label = np.all(label[begins] == label[ends - 1])
    covered = int(np.sum(ends - begins)) == int(np.count_nonzero(kind))
    return bool(np.all(same_sentence) and ordered and no_o_inside and same_label and covered)


@lru_cache(maxsize=16)
def _tag_kinds(tags: tuple[str, ...]) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Each tag's kind (0 O, 1 B, 2 I, 3 E, 4 S), label and label number, by tag id."""
    kinds = np.array([{"O": 0, "B": 1, "I": 2, "E": 3, "S": 4}[t[0]] for t in tags], dtype=np.int8)
    labels = [t[2:] for t in tags]
    numbers = {label: k for k, label in enumerate(dict.fromkeys(labels))}
    return kinds, labels, np.array([numbers[label] for label in labels], dtype=np.int64)



def _viterbi_many_py(emissions, offsets, start, transitions_t, sources, counts, end):  # pragma: no cover - compiled
    """Viterbi for many sentences laid end to end in ``emissions`` (numba-compiled when numba is present).

    ``transitions_t[next, previous]``; ``sources[next, :counts[next]]`` are the allowed previous tags.
    """
    k = emissions.shape[1]
    paths = np.empty(emissions.shape[0], dtype=np.int64)
    score = np.empty(k, dtype=np.float32)
    moved = np.empty(k, dtype=np.float32)
    for s in range(offsets.shape[0] - 1):
        first, last = offsets[s], offsets[s + 1]
        if last == first:
            continue
        back = np.empty((last - first, k), dtype=np.int16)
        for j in range(k):
            score[j] = start[j] + emissions[first, j]
        for t in range(first + 1, last):
            for j in range(k):
                best = -3.0e38
                arg = 0
                for q in range(counts[j]):
                    i = sources[j, q]
                    value = score[i] + transitions_t[j, i]
                    if value > best:
                        best = value
                        arg = i
                moved[j] = best + emissions[t, j]
                back[t - first, j] = arg
            for j in range(k):
                score[j] = moved[j]
        best = -3.0e38
        arg = 0
        for j in range(k):
            value = score[j] + end[j]
            if value > best:
                best = value
                arg = j
        paths[last - 1] = arg
        for t in range(last - 1, first, -1):
            paths[t - 1] = back[t - first, paths[t]]
    return paths



def compile_kernel(function, fastmath: bool = False):
    """numba-compiled ``function`` (cached on disk where a cache folder is writable), or None."""
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency; the numpy code stands in
        return None
    try:
        return numba.njit(cache=True, nogil=True, fastmath=fastmath)(function)
    except RuntimeError:  # pragma: no cover - no writable cache location (read-only install)
        return numba.njit(cache=False, nogil=True, fastmath=fastmath)(function)


def _span_logp_py(emissions, offsets, paths, start, transitions, transitions_t, sources, counts, targets, tcounts,
                  end, located, out):  # pragma: no cover - compiled
    """out[n] = log P(the tags of span n) for spans ``located[n] = (sentence, start, end)``, sorted by sentence.

    Scaled forward-backward over the allowed moves only: each step works in probabilities
    renormalised to sum to one (their logs kept apart), so the inner loops multiply and
    add, and only the emissions are exponentiated. The span's own tags come from ``paths``.

    Complexity: a numba kernel (forward-backward over padded sentences): the loops must stay in one function to compile.
    """
    k = emissions.shape[1]
    n = 0
    total = located.shape[0]
    move = np.exp(transitions.astype(np.float64))  # move[i, j]: NEG becomes 0
    while n < total:
        s = located[n, 0]
        first, last = offsets[s], offsets[s + 1]
        steps = last - first
        emit = np.empty((steps, k), dtype=np.float64)
        shift = np.empty(steps, dtype=np.float64)
        for t in range(steps):
            top = emissions[first + t, 0]
            for j in range(1, k):
                top = max(top, emissions[first + t, j])
            shift[t] = top
            for j in range(k):
                emit[t, j] = np.exp(emissions[first + t, j] - top)
        alpha = np.empty((steps, k), dtype=np.float64)
        alpha_log = np.empty(steps, dtype=np.float64)  # log of what alpha[t] was divided by
        beta = np.empty((steps, k), dtype=np.float64)
        beta_log = np.empty(steps, dtype=np.float64)
        acc = 0.0
        for j in range(k):
            alpha[0, j] = np.exp(start[j]) * emit[0, j]
            acc += alpha[0, j]
        for j in range(k):
            alpha[0, j] /= acc
        alpha_log[0] = shift[0] + np.log(acc)
        for t in range(1, steps):
            acc = 0.0
            for j in range(k):
                value = 0.0
                for q in range(counts[j]):
                    value += alpha[t - 1, sources[j, q]] * move[sources[j, q], j]
                alpha[t, j] = value * emit[t, j]
                acc += alpha[t, j]
            for j in range(k):
                alpha[t, j] /= acc
            alpha_log[t] = alpha_log[t - 1] + shift[t] + np.log(acc)
        acc = 0.0
        for j in range(k):
            beta[steps - 1, j] = np.exp(end[j])
            acc += alpha[steps - 1, j] * beta[steps - 1, j]
        beta_log[steps - 1] = 0.0
        logz = alpha_log[steps - 1] + np.log(acc)
        for t in range(steps - 2, -1, -1):
            acc = 0.0
            for i in range(k):
                value = 0.0
                for q in range(tcounts[i]):
                    j = targets[i, q]
                    value += move[i, j] * emit[t + 1, j] * beta[t + 1, j]
                beta[t, i] = value
                acc += value
            for i in range(k):
                beta[t, i] /= acc
            beta_log[t] = beta_log[t + 1] + shift[t + 1] + np.log(acc)
        while n < total and located[n, 0] == s:
            a, b = located[n, 1], located[n, 2]
            tag = paths[first + a]
            value = np.log(max(alpha[a, tag], 1e-300)) + alpha_log[a]
            for t in range(a + 1, b):
                value += transitions[paths[first + t - 1], paths[first + t]] + emissions[first + t, paths[first + t]]
            tag = paths[first + b - 1]
            out[n] = value + np.log(max(beta[b - 1, tag], 1e-300)) + beta_log[b - 1] - logz
            n += 1


def span_log_probabilities(emissions: np.ndarray, offsets: np.ndarray, paths: np.ndarray, start: np.ndarray,
                           transitions: np.ndarray, end: np.ndarray, located: np.ndarray,
                           source_lists: tuple[np.ndarray, np.ndarray] | None = None,
                           target_lists: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """log P(the decoded tags of span n) for spans ``located[n] = (sentence, start, end)`` of a batch laid
    end to end (sentence ``s`` at ``[offsets[s], offsets[s + 1])``), sorted by sentence: forward-backward."""
    sources, counts = source_lists if source_lists is not None else allowed_sources(transitions)
    targets, tcounts = target_lists if target_lists is not None else allowed_sources(
        np.ascontiguousarray(transitions.T))
    out = np.zeros(len(located), dtype=np.float64)
    function = _span_logp if _span_logp is not None and not FORCE_NUMPY else _span_logp_py
    function(emissions, offsets, np.ascontiguousarray(paths, dtype=np.int64), start,
             np.ascontiguousarray(transitions, dtype=np.float32), np.ascontiguousarray(transitions.T, dtype=np.float32),
             sources, counts, targets, tcounts, end, np.ascontiguousarray(located), out)
    return out


def viterbi_many(emissions: np.ndarray, offsets: np.ndarray, start: np.ndarray, transitions_t: np.ndarray,
                 end: np.ndarray, source_lists: tuple[np.ndarray, np.ndarray]) -> np.ndarray | None:
    """Best paths of sentences laid end to end, compiled; None when numba is missing (or ``FORCE_NUMPY``),
    so that the caller takes :func:`viterbi_padded`."""
    if _viterbi_many is None or FORCE_NUMPY:
        return None
    sources, counts = source_lists
    return _viterbi_many(emissions, offsets, start, transitions_t, sources, counts, end)


_viterbi_many = compile_kernel(_viterbi_many_py)
_span_logp = compile_kernel(_span_logp_py, fastmath=True)  # sums of products: reassociation is harmless


def allowed_sources(transitions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each next tag, its allowed previous tags (padded with 0) and how many there are."""
    allowed = transitions > NEG / 2
    counts = allowed.sum(axis=0).astype(np.int64)
    sources = np.zeros((transitions.shape[0], max(int(counts.max()), 1)), dtype=np.int64)
    for target in range(transitions.shape[0]):
        chosen = np.flatnonzero(allowed[:, target])
        sources[target, : len(chosen)] = chosen
    return sources, counts


def transition_groups(transitions: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Targets grouped by how many sources may precede them, as (targets, sources, scores).

    Under BIOES most moves are forbidden: I-X and E-X follow only B-X or I-X. Looking only
    at the allowed sources makes each Viterbi step several times cheaper. Short source
    lists are padded with the extra index ``tags`` (a source scored NEG).
    """
    k = transitions.shape[0]
    all_sources, counts = allowed_sources(transitions)
    groups = []
    for chosen in (counts <= 4, counts > 4):
        targets = np.flatnonzero(chosen)
        if len(targets) == 0:
            continue
        width = max(int(counts[targets].max()), 1)
        sources = np.full((len(targets), width), k, dtype=np.int64)
        scores = np.full((len(targets), width), NEG, dtype=np.float32)
        for row, target in enumerate(targets):
            n = counts[target]
            sources[row, :n] = all_sources[target, :n]
            scores[row, :n] = transitions[all_sources[target, :n], target]
        groups.append((targets, sources, scores))
    return groups


def viterbi_padded(emissions: np.ndarray, lengths: np.ndarray, start: np.ndarray, transitions: np.ndarray,
                   end: np.ndarray, groups: list | None = None) -> np.ndarray:
    """Viterbi over a padded batch (batch, time, tags); positions past a length are ignored.

    ``groups`` (from :func:`transition_groups`) restricts each step to allowed moves;
    without it every move is scored (the result is the same).
    """
    batch, steps, k = emissions.shape
    if groups is None:
        groups = [(np.arange(k), np.tile(np.arange(k), (k, 1)), np.ascontiguousarray(transitions.T))]
    score = np.empty((batch, k + 1), dtype=np.float32)
    score[:, k] = NEG * 10  # the padding source
    score[:, :k] = start[None, :] + emissions[:, 0]
    backpointers = np.zeros((max(steps - 1, 0), batch, k), dtype=np.int16)
    identity = np.broadcast_to(np.arange(k, dtype=np.int16), (batch, k))
    moved = np.empty((batch, k), dtype=np.float32)
    best_source = np.empty((batch, k), dtype=np.int16)
    for t in range(1, steps):
        for targets, sources, scores in groups:
            candidates = score[:, sources] + scores[None]  # (batch, targets, sources)
            pick = candidates.argmax(axis=2)
            moved[:, targets] = np.take_along_axis(candidates, pick[:, :, None], axis=2)[:, :, 0]
            best_source[:, targets] = sources[np.arange(len(targets))[None, :], pick]
        moved += emissions[:, t]
        active = (lengths > t)[:, None]
        score[:, :k] = np.where(active, moved, score[:, :k])
        backpointers[t - 1] = np.where(active, best_source, identity)
    # a finished sentence's last tag was carried to the end unchanged: its path ends at lengths - 1
    return backtrack(backpointers, (score[:, :k] + end[None, :]).argmax(axis=1))
