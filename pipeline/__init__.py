"""zhnews: scraped Chinese news in, annotated JSONL out.

>>> import pipeline
>>> nlp = pipeline.load()
>>> rec = nlp("1月6日，阿里巴巴集团总裁戴珊发布内部信。")
>>> [(e.text, e.label) for e in rec.entities]  # doctest: +SKIP
"""
from __future__ import annotations

from pipeline.config import PipelineConfig
from pipeline.errors import ConfigError, InputError, OutputError, PipelineError, ResourceError, StageError
from pipeline.pipeline import Pipeline
from pipeline.record import Article, Entity, Keyword, Rejected, Removal, Summary
from pipeline.version import __version__

__all__ = [
    "Article",
    "ConfigError",
    "Entity",
    "InputError",
    "Keyword",
    "OutputError",
    "Pipeline",
    "PipelineConfig",
    "PipelineError",
    "Rejected",
    "Removal",
    "ResourceError",
    "StageError",
    "Summary",
    "__version__",
    "load",
]


def load(
    components: str | list[str] | None = None,
    config: PipelineConfig | str | None = None,
    **overrides: object,
) -> Pipeline:
    """Build a pipeline. ``components`` names stages like Stanza's processors: ``"clean,sentences,tokens"``.

    ``config`` is a :class:`PipelineConfig` or a path to a JSON/TOML file; keyword
    overrides use ``section__key=value`` (e.g. ``summary__max_chars=200``).
    """
    if isinstance(config, str):
        cfg = PipelineConfig.from_file(config)
    else:
        cfg = config or PipelineConfig()
    sets = [f"{k.replace('__', '.')}={_json(v)}" for k, v in overrides.items()]
    if components is not None:
        names = components.split(",") if isinstance(components, str) else list(components)
        sets.append(f"components={_json([n.strip() for n in names if n.strip()])}")
    if sets:
        cfg = cfg.with_overrides(sets)
    return Pipeline(cfg)


def _json(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
