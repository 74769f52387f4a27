"""One configuration object for the whole pipeline, with a stable hash.

Settings are grouped per stage. A config can be read from a JSON or TOML file and
overridden with ``section.key=value`` strings (what the CLI's ``--set`` passes).
"""
from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

DEFAULT_COMPONENTS = ("clean", "sentences", "entities", "tokens", "keywords", "summary")


@dataclass
class InputConfig:
    # the first field present with a value is used; scrapers' Chinese names are known too
    text_fields: list[str] = field(default_factory=lambda: ["text", "content", "body", "article", "正文", "内容"])
    title_fields: list[str] = field(default_factory=lambda: ["title", "headline", "标题"])
    id_fields: list[str] = field(default_factory=lambda: ["id", "uuid", "doc_id"])
    # a row without text whose field holds a page's raw HTML goes through the HTML extraction
    html_fields: list[str] = field(default_factory=lambda: ["html", "raw_html", "page", "content_html"])
    url_fields: list[str] = field(default_factory=lambda: ["url", "link", "链接", "网址"])  # the page's source
    date_fields: list[str] = field(default_factory=lambda: ["date", "published", "publish_time", "发布时间", "日期"])
    # articles longer than this (ten times the longest CCTV item) are handled as on_too_long says;
    # a worker's memory stays under 1 GB up to about a million characters
    max_chars: int = 200_000
    on_too_long: str = "reject"  # "reject", "split" (parts ID#part1…, flagged `split`) or "truncate"
    # what is read at all (0: no limit); each over-limit input is a reject naming the setting
    # 16 MiB: forty times the largest real page here (411 KB); a 60 MB page would take 1.2 GB to parse
    max_file_bytes: int = 16 << 20  # a .txt or HTML file (or a WARC record), read whole
    max_line_bytes: int = 16 << 20  # one JSONL line or CSV row (a longer one is skipped without being held)
    max_decompressed_bytes: int = 64 << 30  # what one .gz file may inflate to (a bomb guard)
    timeout_s: float = 60.0  # per article and stage; 0 turns the limit off


@dataclass
class CleanConfig:
    boilerplate_rules: list[str] = field(default_factory=lambda: ["boilerplate.tsv"])
    fullwidth_to_halfwidth: bool = True
    convert: str = ""  # OpenCC config, e.g. "t2s" (Traditional→Simplified); the original goes to extra
    # entities and tokens read a Traditional article through a 1:1 simplified view (the text
    # and offsets stay the original's; flag "traditional"); see pipeline/text/script.py
    traditional_view: bool = True
    title_from_first_line: bool = True
    drop_repeated_paragraphs: bool = True
    min_repeat_chars: int = 12
    spam_title_min_overlap: float = 0.34
    spam_title_terms: str = "spam_title_terms.txt"
    min_han_ratio: float = 0.3  # below: the article is non_chinese
    min_chars: int = 20  # fewer visible characters: the article is too_short
    low_quality: str = "flag"  # "flag" or "reject" articles that are non_chinese or too_short


@dataclass
class DedupConfig:
    enabled: bool = True
    drop: bool = False  # True: repeats go to the rejects file instead of the output
    threshold: float = 0.8  # Jaccard similarity of character shingles
    shingle: int = 5
    num_perm: int = 64  # 64 permutations: ~3.5 KB of index per article (128: ~11 KB)
    min_chars: int = 50  # shorter texts are only compared exactly


@dataclass
class SentenceConfig:
    max_chars: int = 0  # 0: no cap; otherwise long sentences are cut at commas


@dataclass
class EntityConfig:
    # "lac" (LAC's encoder + the trained heads), "lac-raw" (LAC's own tags), "hf:PATH" (a local
    # token-classification checkpoint) or "none"
    ner: str = "lac"
    heads: list[str] = field(default_factory=lambda: ["ner/news.npz", "ner/cluener.npz"])
    # the convention profile of models/entity_profiles.toml: "default" (what a reader would
    # mark), "peoples_daily" (People's Daily / MSRA) or "cluener"
    convention: str = "default"
    # empty: the profile's lists. Labels (PERSON, ORG…) or head tags (company, name…) whose spans
    # from the other heads fill gaps; the sources that run; the post-edits, in order
    fill_gaps: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    post_edits: list[str] = field(default_factory=list)
    precedence: list[str] = field(default_factory=lambda: ["gazetteer", "rule", "model"])  # on equal spans
    min_score: float = -1.0  # model spans with a lower CRF marginal are dropped; negative: the profile's
    patterns: str = "entity_patterns.tsv"
    generic_names: str = "generic_names.txt"  # common nouns that name no one (post-edit drop_generic)
    gazetteers: list[str] = field(default_factory=lambda: ["gazetteer"])
    aliases: list[str] = field(default_factory=lambda: ["aliases.tsv"])
    rules: bool = True
    batch_size: int = 128
    threads: int = 1  # ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose
    window_chars: int = 512  # longer sentences are tagged in pieces cut at commas (bounded memory)
    document_pass: bool = True  # one label and norm per name in an article (stages/entities/document_pass.py)
    company_forms: str = "company_forms.txt"  # endings that link a short name to a full one (龙湖 ← 龙湖集团)


@dataclass
class TokenConfig:
    segmenter: str = "head"  # "head" (the segmentation head, PKU standard), "jieba" or "lac" (LAC's own cut)
    head: str = "seg/pku.npz"  # the segmentation head for segmenter="head"
    hmm: bool = False
    lexicons: list[str] = field(default_factory=list)
    lexicon_mode: str = "add"  # "add": domain words; "standard": the lexicons are the vocabulary
    split_compounds: bool = True  # add mode: drop jieba words that the lexicons list only in parts
    lexicon_weight: float = 1.0  # segmenter="head": how much a lexicon word's occurrence weighs in decoding


@dataclass
class KeywordConfig:
    method: str = "tfidf"  # or "textrank" (keyphrases)
    top_k: int = 10
    idf: str = ""  # empty: jieba's bundled IDF table; else a table from `zhnews idf`
    stopwords: str = "stopwords.txt"
    min_chars: int = 2
    entities: str = "keep"  # "keep", "boost" or "exclude" named entities
    entity_boost: float = 1.5


@dataclass
class SummaryConfig:
    method: str = "extractive"  # or "hf:PATH" for a local seq2seq checkpoint
    max_chars: int = 0  # the summary's length budget in characters; 0: auto, from the article's length
    auto_ratio: float = 0.15  # auto budget: this share of the article's characters ...
    auto_min_chars: int = 60  # ... but at least this many
    auto_max_chars: int = 120  # ... and at most this many (the gold guidelines: <= 120)
    furniture: str = "news_furniture.tsv"  # datelines and furniture a summary never quotes

    max_sentences: int = 0  # 0: as many as fit the budget
    min_sentence_chars: int = 6
    scorer: str = "summary_scorer.json"  # learned sentence weights (python -m pipeline.training.summary_scorer)
    title_weight: float = 3.0  # added to the learned score per share of the title's bigrams in a sentence
    mmr_lambda: float = 0.7
    max_redundancy: float = 0.6  # cosine similarity above which a sentence repeats a picked one
    # abstractive (hf:PATH) settings
    max_input_tokens: int = 512
    max_new_tokens: int = 96
    min_new_tokens: int = 8
    num_beams: int = 4
    batch_size: int = 8

    def budget(self, chars: int) -> int:
        """The summary's length for an article of ``chars`` characters: ``max_chars`` when set, else
        ``auto_ratio`` of the article between ``auto_min_chars`` and ``auto_max_chars``."""
        if self.max_chars > 0:
            return self.max_chars
        return int(min(self.auto_max_chars, max(self.auto_min_chars, round(self.auto_ratio * chars))))


@dataclass
class PipelineConfig:
    components: list[str] = field(default_factory=lambda: list(DEFAULT_COMPONENTS))
    input: InputConfig = field(default_factory=InputConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    sentences: SentenceConfig = field(default_factory=SentenceConfig)
    entities: EntityConfig = field(default_factory=EntityConfig)
    tokens: TokenConfig = field(default_factory=TokenConfig)
    keywords: KeywordConfig = field(default_factory=KeywordConfig)
    summary: SummaryConfig = field(default_factory=SummaryConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def hash(self) -> str:
        """A short, stable hash of every setting (written into each record's ``meta``)."""
        blob = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:12]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PipelineConfig:
        config = cls()
        _update(config, data, "")
        return config

    @classmethod
    def from_file(cls, path: str | Path) -> PipelineConfig:
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
        try:
            data = tomllib.loads(raw.decode("utf-8")) if path.suffix == ".toml" else json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid {path.suffix[1:] or 'JSON'}: {exc}") from exc
        return cls.from_dict(data)

    def with_overrides(self, overrides: list[str]) -> PipelineConfig:
        """Apply ``section.key=value`` strings; values are parsed as JSON when they can be."""
        data: dict[str, Any] = {}
        for item in overrides:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise ConfigError(f"override {item!r} is not of the form section.key=value")
            try:
                parsed: Any = json.loads(value)
            except ValueError:
                parsed = value
            node = data
            parts = key.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = parsed
        merged = self.to_dict()
        _deep_merge(merged, data)
        return PipelineConfig.from_dict(merged)


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value


def _update(obj: Any, data: dict[str, Any], where: str) -> None:
    """Complexity: one type check per kind of setting (table, float, list, int/bool, choice), each a plain branch."""
    known = {f.name: f for f in fields(obj)}
    for key, value in data.items():
        path = f"{where}{key}"
        if key not in known:
            raise ConfigError(f"unknown setting {path!r}; known here: {', '.join(sorted(known))}")
        current = getattr(obj, key)
        if is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"setting {path!r} must be a table of settings, got {value!r}")
            _update(current, value, path + ".")
            continue
        expected = type(current)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if expected is list and isinstance(value, str):
            value = [v for v in value.split(",") if v]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"setting {path!r} must be {expected.__name__}, got {value!r}")
        if path in CHOICES and value not in CHOICES[path]:
            raise ConfigError(f"setting {path!r} must be one of {', '.join(CHOICES[path])}, got {value!r}")
        setattr(obj, key, value)


# settings that take one of a few words
CHOICES: dict[str, tuple[str, ...]] = {
    "input.on_too_long": ("reject", "split", "truncate"),
    "clean.low_quality": ("flag", "reject"),
}
