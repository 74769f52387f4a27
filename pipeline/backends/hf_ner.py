"""A transformers token-classification checkpoint as the entity stage's model (``--ner hf:PATH``).

Any folder that ``AutoTokenizer`` (a fast tokenizer, for offsets) and
``AutoModelForTokenClassification`` load works: character-level Chinese BERTs as well as
word-piece models. Predictions are made per token and aligned to exact character offsets
through the tokenizer's offset mapping; sentences are batched (longest first), cut into
windows that fit the model, and run on a GPU when torch sees one. Tag names may be BIO or
BIOES over OntoNotes labels or the usual PER/LOC/ORG and CLUENER types (mapped by
:data:`LABEL_MAP`); unknown types are ignored.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.errors import ResourceError

LABEL_MAP = {
    "PER": "PERSON", "PERSON": "PERSON", "NAME": "PERSON", "NR": "PERSON",
    "ORG": "ORG", "COMPANY": "ORG", "ORGANIZATION": "ORG", "GOVERNMENT": "ORG", "NT": "ORG",
    "LOC": "LOC", "ADDRESS": "LOC", "NS": "LOC", "GPE": "GPE", "FAC": "FAC", "SCENE": "FAC",
    "PRODUCT": "PRODUCT", "GAME": "PRODUCT", "BOOK": "WORK_OF_ART", "MOVIE": "WORK_OF_ART",
    "WORK_OF_ART": "WORK_OF_ART", "EVENT": "EVENT", "NORP": "NORP", "LAW": "LAW", "LANGUAGE": "LANGUAGE",
    "DATE": "DATE", "TIME": "TIME", "MONEY": "MONEY", "PERCENT": "PERCENT", "QUANTITY": "QUANTITY",
    "CARDINAL": "CARDINAL", "ORDINAL": "ORDINAL", "POSITION": "TITLE", "TITLE": "TITLE",
}


def split_tag(tag: str) -> tuple[str, str]:
    """('B'|'I'|'E'|'S'|'O', TYPE) from tags like B-PER, I_ORG, S-LOC, M-PER, O."""
    if tag in ("O", "o", ""):
        return "O", ""
    for sep in ("-", "_"):
        prefix, found, rest = tag.partition(sep)
        if found and prefix.upper() in ("B", "I", "E", "S", "M"):
            return ("I" if prefix.upper() == "M" else prefix.upper()), rest
    return "B", tag  # a bare type: every token starts its own entity


def spans_from_tokens(offsets: list[tuple[int, int]], tags: list[str]) -> list[tuple[int, int, str]]:
    """Entity spans in characters from per-token tags and the tokens' character offsets."""
    spans: list[tuple[int, int, str]] = []
    start, end, label = -1, -1, ""
    for (s, e), tag in zip(offsets, tags):
        if e <= s:  # special tokens have (0, 0)
            continue
        prefix, kind = split_tag(tag)
        if prefix in ("I", "E") and start >= 0 and kind == label:
            end = e
            if prefix == "E":
                spans.append((start, end, label))
                start = -1
            continue
        if start >= 0:
            spans.append((start, end, label))
            start = -1
        if prefix in ("B", "I", "E"):
            start, end, label = s, e, kind
            if prefix == "E":
                spans.append((start, end, label))
                start = -1
        elif prefix == "S":
            spans.append((s, e, kind))
    if start >= 0:
        spans.append((start, end, label))
    return [(s, e, LABEL_MAP[k.upper()]) for s, e, k in spans if k.upper() in LABEL_MAP]


class HfTokenClassifier:
    def __init__(self, path: str, batch_size: int = 32, max_chars: int = 500) -> None:
        try:
            import torch
            from transformers import AutoModelForTokenClassification, AutoTokenizer
        except ImportError as exc:
            raise ResourceError("--ner hf:PATH needs the hf extra: pip install torch==2.13.0 && pip install 'zhnews[hf]'") from exc
        folder = Path(path).expanduser()
        if not (folder / "config.json").exists():
            raise ResourceError(f"entities.ner=hf:{path}: no model folder with a config.json there")
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
            self.model = AutoModelForTokenClassification.from_pretrained(folder, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ResourceError(f"cannot load a token-classification model from {folder}: {exc}") from exc
        if not getattr(self.tokenizer, "is_fast", False):
            raise ResourceError(f"{folder}: a fast tokenizer (tokenizer.json) is needed for character offsets")
        self.torch = torch
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model.to(self.device).eval()
        self.id2label = {int(k): v for k, v in self.model.config.id2label.items()}
        self.batch_size = batch_size
        self.max_chars = max_chars
        self.version = f"hf:{folder.name} ({self.model.config.model_type}) on {self.device}"

    def predict(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        """Entity spans of each text (character offsets into that text)."""
        pieces: list[tuple[int, int, str]] = []  # (text index, offset, piece)
        for i, text in enumerate(texts):
            for start in range(0, len(text), self.max_chars):
                pieces.append((i, start, text[start : start + self.max_chars]))
        out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        order = sorted(range(len(pieces)), key=lambda k: -len(pieces[k][2]))
        for b in range(0, len(order), self.batch_size):
            batch = [pieces[k] for k in order[b : b + self.batch_size]]
            encoded = self.tokenizer([p[2] for p in batch], return_offsets_mapping=True, padding=True, truncation=True,
                                     return_tensors="pt")
            offsets = encoded.pop("offset_mapping").tolist()
            encoded = {k: v.to(self.device) for k, v in encoded.items() if k in ("input_ids", "attention_mask", "token_type_ids")}
            with self.torch.inference_mode():
                logits = self.model(**encoded).logits
            predictions = logits.argmax(-1).tolist()
            for (index, offset, _), row_offsets, row_tags in zip(batch, offsets, predictions):
                tags = [self.id2label.get(t, "O") for t in row_tags]
                for s, e, label in spans_from_tokens([tuple(o) for o in row_offsets], tags):
                    out[index].append((offset + s, offset + e, label))
        return out
