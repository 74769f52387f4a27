"""``zhnews eval summary``: our summaries against reference summaries, beside the baselines.

Systems, all on the same sentences: Lead-1 and Lead-3 (the first sentences), a plain
TextRank (word-overlap similarity as in Mihalcea & Tarau and the jieba-based tools; the
top-ranked sentences that fit the budget, at least one), and ours. The texts are used as
they are (no cleaning that changes characters), so scores are never distorted.
"""
from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from pipeline.errors import InputError
from pipeline.evaluation.rouge import RougeScores, corpus_rouge
from pipeline.io.jsonl import iter_json_lines
from pipeline.record import Article
from pipeline.stages.keywords import pagerank
from pipeline.stages.summary import content_words

_WHERE = re.compile(r"^(\w+)\s*(>=|<=|==|!=|>|<)\s*(.+)$")
_OPS = {">=": operator.ge, "<=": operator.le, "==": operator.eq, "!=": operator.ne, ">": operator.gt, "<": operator.lt}


def parse_where(expression: str) -> Callable[[dict[str, Any]], bool]:
    """``field>=value`` filters, e.g. ``human_label>=3`` for the LCSTS test subset."""
    m = _WHERE.match(expression.strip())
    if not m:
        raise InputError(f"--where expects FIELD OP VALUE (e.g. human_label>=3), got {expression!r}")
    field, op, raw = m.groups()
    try:
        value: Any = orjson.loads(raw)
    except orjson.JSONDecodeError:
        value = raw

    def keep(row: dict[str, Any]) -> bool:
        try:
            return field in row and _OPS[op](row[field], value)
        except TypeError:
            return False

    return keep


def read_pairs(path: str | Path, text_field: str, summary_field: str, where: str | None = None) -> Iterator[tuple[str, str]]:
    keep = parse_where(where) if where else None
    for lineno, row in iter_json_lines(path):
        if not isinstance(row, dict):
            raise InputError("a line must be a JSON object", f"{path}:{lineno}")
        if keep and not keep(row):
            continue
        text, summary = row.get(text_field), row.get(summary_field)
        if not isinstance(text, str) or not isinstance(summary, str):
            raise InputError(f"fields {text_field!r} and {summary_field!r} must be strings", f"{path}:{lineno}")
        yield text, summary


def lead(article: Article, n: int) -> str:
    return "".join(article.text[s:e] for s, e in article.sentences[:n])


def plain_textrank(article: Article, max_chars: int, stopwords: set[str]) -> str:
    """The TextRank of jieba-based tools: overlap / (log|Si| + log|Sj|), no lead, no redundancy check."""
    sentences = article.sentences
    if not sentences:
        return ""
    bags = [set(words) for words in content_words(article, stopwords, len(sentences))]
    n = len(bags)
    weights = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            common = len(bags[i] & bags[j])
            if common and len(bags[i]) > 1 and len(bags[j]) > 1:
                weights[i, j] = weights[j, i] = common / (math.log(len(bags[i])) + math.log(len(bags[j])))
    ranked = sorted(range(n), key=lambda i: -pagerank(weights)[i]) if n > 1 else [0]
    chosen, used = [], 0
    for i in ranked:
        s, e = sentences[i]
        if not chosen or used + (e - s) <= max_chars:
            chosen.append(i)
            used += e - s
        if used >= max_chars:
            break
    return "".join(article.text[sentences[i][0] : sentences[i][1]] for i in sorted(chosen))


def evaluate_summaries(pairs: list[tuple[str, str]], nlp: Any, max_chars: int = 0) -> dict[str, RougeScores]:
    """ROUGE of every system on the pairs; ``nlp`` must end with the summary stage."""
    references = [summary for _, summary in pairs]
    outputs: dict[str, list[str]] = {"lead-1": [], "lead-3": [], "textrank (plain)": [], "zhnews": []}
    summarizer = nlp.get("summary")
    stopwords = getattr(summarizer, "stopwords", set())
    for result in nlp.pipe([text for text, _ in pairs], batch_size=64, on_error="yield"):
        if not isinstance(result, Article):  # an empty text: every system says nothing
            for system in outputs.values():
                system.append("")
            continue
        outputs["lead-1"].append(lead(result, 1))
        outputs["lead-3"].append(lead(result, 3))
        budget = max_chars or nlp.config.summary.budget(len(result.text))
        outputs["textrank (plain)"].append(plain_textrank(result, budget, stopwords))
        outputs["zhnews"].append(result.summary.text)
    return {name: corpus_rouge(predictions, references) for name, predictions in outputs.items()}


def summary_pipeline(config: Any, max_chars: int = 0, method: str | None = None) -> Any:
    """The pipeline that ``zhnews eval summary`` runs: the stages the summary needs, with
    ``max_chars`` and ``method`` (when given) overriding the config's summary settings."""
    from pipeline.pipeline import Pipeline

    sets = ["components=sentences,entities,tokens,summary"]
    if max_chars:
        sets.append(f"summary.max_chars={max_chars}")
    if method:
        sets.append(f"summary.method={method}")
    return Pipeline(config.with_overrides(sets))


def evaluate_summary_data(data: str | Path, config: Any, text_field: str = "text", summary_field: str = "summary",
                          where: str | None = None, limit: int = 0, max_chars: int = 0,
                          method: str | None = None) -> tuple[dict[str, RougeScores], int, int]:
    """``zhnews eval summary``: the pairs of ``data`` summarised by zhnews and the baselines.

    ``max_chars`` and ``method`` (when given) override the config's summary settings.
    Returns the scores, the number of pairs and the budget used."""
    nlp = summary_pipeline(config, max_chars, method)
    pairs = list(read_pairs(data, text_field, summary_field, where))
    if limit:
        pairs = pairs[:limit]
    if not pairs:
        raise InputError(f"no text/summary pairs in {data}")
    budget = nlp.config.summary.max_chars
    return evaluate_summaries(pairs, nlp, budget), len(pairs), budget


def format_summary_scores(scores: dict[str, RougeScores], data: str | Path, pairs: int, max_chars: int) -> str:
    """The Markdown table ``zhnews eval summary`` prints."""
    budget = f"budget {max_chars} characters" if max_chars else "automatic budget (summary.auto_*)"
    lines = [f"{pairs} pairs from {data}; {budget}; character-level ROUGE F1 (whitespace removed)",
             f"| {'system':<18} | {'ROUGE-1':>7} | {'ROUGE-2':>7} | {'ROUGE-L':>7} |",
             f"|{'-' * 20}|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|"]
    lines += [f"| {name:<18} | {s.rouge1:7.4f} | {s.rouge2:7.4f} | {s.rougeL:7.4f} |" for name, s in scores.items()]
    return "\n".join(lines)
