"""The stage registry, in the spirit of spaCy's ``@Language.factory``.

A *stage* is one step of the pipeline (clean, sentences, entities, tokens, keywords, summary).
``@stage(name, requires=..., assigns=...)`` registers the function that builds it from one
:class:`~pipeline.config.PipelineConfig`; the :class:`StageSpec` it records is what the
pipeline checks the order of stages against. The config's ``components`` list (the public
name, as in ``--components`` and ``pipeline.load(components=...)``) names the stages to run.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.config import PipelineConfig
from pipeline.errors import ConfigError
from pipeline.record import Article


class Stage:
    """What every stage provides, and a base for stages that handle one article at a time.

    A stage with ``batched = True`` gets whole batches through ``pipe`` (the entity stage
    does, so the tagger sees sentences of many articles at once); it must overwrite, not
    accumulate, what it assigns so that a failed batch can be rerun article by article.
    """

    name = "stage"
    batched = False

    def __call__(self, article: Article) -> Article:
        raise NotImplementedError

    def pipe(self, articles: list[Article]) -> list[Article]:
        return [self(a) for a in articles]

    def describe(self) -> dict[str, str]:
        """Names and versions of the models this stage uses, for ``meta``."""
        return {}


@dataclass(frozen=True)
class StageSpec:
    """A registered stage: how to build it, and the record fields it requires and assigns."""

    name: str
    build: Callable[[PipelineConfig], Stage]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]


_STAGES: dict[str, StageSpec] = {}


def stage(
    name: str, *, requires: tuple[str, ...] = (), assigns: tuple[str, ...] = ()
) -> Callable[[Callable[[PipelineConfig], Stage]], Callable[[PipelineConfig], Stage]]:
    """Register ``build(config) -> stage`` under ``name``."""

    def register(build: Callable[[PipelineConfig], Stage]) -> Callable[[PipelineConfig], Stage]:
        _STAGES[name] = StageSpec(name, build, tuple(requires), tuple(assigns))
        return build

    return register


def get_stage_spec(name: str) -> StageSpec:
    """The stage registered as ``name``; the built-in stages register when :class:`Pipeline` is built."""
    try:
        return _STAGES[name]
    except KeyError:
        raise ConfigError(f"unknown stage {name!r}; registered stages: {', '.join(sorted(_STAGES))}") from None
