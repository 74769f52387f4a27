"""Component registry in the spirit of spaCy's ``@Language.factory``.

A factory is registered by name with what its component requires and assigns; the
pipeline builds components from one :class:`~pipeline.config.PipelineConfig`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from pipeline.config import PipelineConfig
from pipeline.errors import ConfigError
from pipeline.record import Article


class Component(Protocol):
    """What every stage provides.

    A stage with ``batched = True`` gets whole batches through ``pipe`` (the NER stage
    does, so the tagger sees sentences of many articles at once); it must overwrite,
    not accumulate, what it assigns so that a failed batch can be rerun article by article.
    """

    name: str
    batched: bool

    def __call__(self, article: Article) -> Article: ...

    def pipe(self, articles: list[Article]) -> list[Article]: ...


class Stage:
    """Convenience base: a stage that handles one article at a time."""

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
class Factory:
    name: str
    build: Callable[[PipelineConfig], Component]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]


_FACTORIES: dict[str, Factory] = {}


def factory(
    name: str, *, requires: tuple[str, ...] = (), assigns: tuple[str, ...] = ()
) -> Callable[[Callable[[PipelineConfig], Component]], Callable[[PipelineConfig], Component]]:
    """Register ``build(config) -> component`` under ``name``."""

    def register(build: Callable[[PipelineConfig], Component]) -> Callable[[PipelineConfig], Component]:
        _FACTORIES[name] = Factory(name, build, tuple(requires), tuple(assigns))
        return build

    return register


def get_factory(name: str) -> Factory:
    """The factory registered as ``name``; the built-in stages register when :class:`Pipeline` is built."""
    try:
        return _FACTORIES[name]
    except KeyError:
        raise ConfigError(
            f"unknown component {name!r}; registered components: {', '.join(sorted(_FACTORIES))}"
        ) from None
