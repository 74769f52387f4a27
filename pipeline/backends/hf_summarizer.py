"""Abstractive summaries from a local seq2seq checkpoint (``summary.method = "hf:PATH"``).

Any checkpoint that ``AutoModelForSeq2SeqLM`` and ``AutoTokenizer`` load from a folder
(mT5, BART, Pegasus style) works; nothing is downloaded (``local_files_only``). Long
articles are split at sentence boundaries into chunks the model can take
(``summary.max_input_tokens``); chunks of many articles are generated together in batches
(``summary.batch_size``) on a GPU when one is present. When an article needed several
chunks, their summaries are joined and, if that is over the budget, summarised once more.
The summary is cut to the budget (``summary.max_chars``, or the automatic one); ``sentences`` is empty (the text is new).
"""
from __future__ import annotations

import re
from pathlib import Path

from pipeline.config import SummaryConfig
from pipeline.errors import ResourceError
from pipeline.record import Article, Summary
from pipeline.registry import Stage

_SPACE_BETWEEN_CJK = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])")


def tidy(text: str) -> str:
    """Decoded text without the spaces that character-level tokenizers put between Chinese characters."""
    return _SPACE_BETWEEN_CJK.sub("", text).strip()


class AbstractiveSummarizer(Stage):
    name = "summary"
    batched = True

    def __init__(self, path: str, config: SummaryConfig) -> None:
        try:
            import torch
            from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        except ImportError as exc:
            raise ResourceError(
                "abstractive summaries need the hf extra: pip install torch==2.13.0 && pip install 'zhnews[hf]'"
            ) from exc
        folder = Path(path).expanduser()
        if not folder.is_dir() or not (folder / "config.json").exists():
            raise ResourceError(
                f"summary.method=hf:{path}: no model folder with a config.json there. Download a checkpoint "
                "(see docs/summaries.md) into models/ and point hf: at that folder."
            )
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
            self.model = AutoModelForSeq2SeqLM.from_pretrained(folder, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ResourceError(f"cannot load a seq2seq model from {folder}: {exc}") from exc
        self.torch = torch
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model.to(self.device).eval()
        self.config = config
        self.model_name = f"{folder.name} ({self.model.config.model_type})"
        self.method = f"hf:{folder.name}"

    def describe(self) -> dict[str, str]:
        return {"summary": f"abstractive {self.model_name} on {self.device}, max_chars={self.config.max_chars or 'auto'}"}

    def __call__(self, article: Article) -> Article:
        self.pipe([article])
        return article

    def _length(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def chunks(self, article: Article) -> list[str]:
        """The article cut at sentence boundaries into pieces of at most ``max_input_tokens`` tokens."""
        limit = self.config.max_input_tokens - 2
        pieces: list[str] = []
        current, size = "", 0
        for start, end in article.sentences:
            sentence = article.text[start:end]
            n = self._length(sentence)
            if current and size + n > limit:
                pieces.append(current)
                current, size = "", 0
            current += sentence
            size += n
        if current:
            pieces.append(current)
        return pieces or [article.text]

    def generate(self, texts: list[str]) -> list[str]:
        out: list[str] = []
        c = self.config
        for k in range(0, len(texts), c.batch_size):
            batch = texts[k : k + c.batch_size]
            encoded = self.tokenizer(
                batch, return_tensors="pt", padding=True, truncation=True, max_length=c.max_input_tokens,
                return_token_type_ids=False,
            ).to(self.device)
            with self.torch.inference_mode():
                ids = self.model.generate(
                    **encoded, max_new_tokens=c.max_new_tokens, min_new_tokens=min(c.min_new_tokens, c.max_new_tokens),
                    num_beams=c.num_beams,
                )
            out.extend(tidy(t) for t in self.tokenizer.batch_decode(ids, skip_special_tokens=True))
        return out

    def pipe(self, articles: list[Article]) -> list[Article]:
        plans = [self.chunks(a) for a in articles]
        flat = [chunk for plan in plans for chunk in plan]
        generated = iter(self.generate(flat))
        joined = ["".join(next(generated) for _ in plan) for plan in plans]
        budgets = [self.config.budget(len(a.text)) for a in articles]
        again = [i for i, (plan, text) in enumerate(zip(plans, joined)) if len(plan) > 1 and len(text) > budgets[i]]
        for i, text in zip(again, self.generate([joined[i] for i in again])):
            joined[i] = text or joined[i]  # an empty second pass keeps the chunk summaries
        for article, text, budget in zip(articles, joined, budgets):
            article.summary = Summary(method=self.method, text=text[:budget], sentences=[])
        return articles
