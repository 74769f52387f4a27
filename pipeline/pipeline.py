"""The :class:`Pipeline`: named stages over one :class:`~pipeline.record.Article`.

``pipeline.load()`` builds one; ``nlp(text)`` annotates a string, ``nlp.pipe(texts)``
a stream (batched, so the neural tagger sees many sentences at once), and
``nlp.process_batch(articles)`` is what the batch runner calls: it never raises for
one bad article but returns a :class:`~pipeline.record.Rejected` in its place.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, Literal

from pipeline.batch.limits import StageTimeout, time_limit
from pipeline.config import PipelineConfig
from pipeline.errors import ConfigError, InputError, PipelineError
from pipeline.record import SCHEMA_VERSION, Article, Rejected, article_id
from pipeline.registry import Stage, get_stage_spec
from pipeline.version import __version__

log = logging.getLogger(__name__)


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class Pipeline:
    """A configured sequence of stages. Models load once, in the constructor."""

    def __init__(self, config: PipelineConfig | None = None) -> None:
        import pipeline.stages  # noqa: F401  (registers the built-in stages; deferred to keep `import pipeline` light)

        self.config = config or PipelineConfig()
        available = {"id", "source", "title", "text"}
        self.stages: list[tuple[str, Stage]] = []
        for name in self.config.components:
            spec = get_stage_spec(name)
            missing = [r for r in spec.requires if r not in available]
            if missing:
                raise ConfigError(
                    f"stage {name!r} requires {missing}, which no earlier stage assigns; "
                    f"put a stage that provides them before {name!r} in 'components'"
                )
            self.stages.append((name, spec.build(self.config)))
            available.update(spec.assigns)
        models: dict[str, Any] = {}
        for _, built in self.stages:
            describe = getattr(built, "describe", None)
            if describe:
                models.update(describe())
        self.meta: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "pipeline_version": __version__,
            "config_hash": self.config.hash(),
            "components": list(self.config.components),  # schema v1's name for the list of stages
            "models": models,
        }

    # ------------------------------------------------------------ structure
    @property
    def stage_names(self) -> list[str]:
        return [name for name, _ in self.stages]

    @property
    def components(self) -> list[tuple[str, Stage]]:
        """The stages as ``(name, stage)``: the name that ``config.components`` and spaCy use."""
        return self.stages

    @property
    def component_names(self) -> list[str]:
        return self.stage_names

    def get(self, name: str) -> Stage:
        for stage_name, built in self.stages:
            if stage_name == name:
                return built
        raise KeyError(f"no stage {name!r} in this pipeline; it has {self.stage_names}")

    def __repr__(self) -> str:
        return f"Pipeline({' > '.join(self.stage_names)})"

    # --------------------------------------------------------------- input
    def make_article(
        self,
        text: str,
        *,
        title: str = "",
        id: str | None = None,
        source: str = "<string>",
        extra: dict[str, Any] | None = None,
    ) -> Article:
        if not isinstance(text, str):
            raise InputError(f"article text must be a string, got {type(text).__name__}", source)
        if not isinstance(title, str):
            raise InputError(f"article title must be a string, got {type(title).__name__}", source)
        if _has_surrogates(text) or _has_surrogates(title):
            raise InputError(
                "text contains lone surrogates (U+D800-U+DFFF), which are not Unicode text; "
                "decode the bytes with errors='replace' first",
                source,
            )
        return Article(
            id=id if id else article_id(source, title, text),
            source=source,
            title=title,
            text=text,
            extra=dict(extra or {}),
        )

    # ------------------------------------------------------------ running
    def process_batch(self, articles: list[Article]) -> list[Article | Rejected]:
        """Run every stage over a batch. A failing article becomes a ``Rejected``; others go on."""
        results: list[Article | Rejected] = list(articles)
        alive = list(range(len(articles)))
        limit = self.config.input.timeout_s
        for name, stage in self.stages:
            if getattr(stage, "batched", False):
                # the whole batch gets one article's limit: over it (or on any failure) every article
                # is rerun alone under its own limit, so no article ever has more than its own time
                try:
                    with time_limit(limit):
                        stage.pipe([results[i] for i in alive])  # type: ignore[misc]
                    continue
                except Exception:  # rerun one by one to find the article that broke it (or took the time)
                    log.debug("batched stage %s failed or ran over %g s; isolating", name, limit, exc_info=True)
            for i in alive:
                try:
                    with time_limit(limit):
                        stage(results[i])  # type: ignore[arg-type]
                except StageTimeout:
                    results[i] = Rejected(results[i].source, f"timeout: stage {name!r} took longer than {limit:g} s "
                                          "(input.timeout_s)", results[i].id)
                except Exception as exc:  # noqa: BLE001 - every failure becomes a reject
                    results[i] = self._reject(results[i], name, exc)  # type: ignore[arg-type]
            alive = [i for i in alive if isinstance(results[i], Article)]
        for i in alive:
            results[i].meta = dict(self.meta)  # type: ignore[union-attr]
        return results

    @staticmethod
    def _reject(article: Article, stage: str, exc: Exception) -> Rejected:
        if isinstance(exc, InputError):
            reason = exc.reason
        elif isinstance(exc, PipelineError):
            reason = f"{stage}: {exc}"
        else:
            log.debug("stage %s failed on %s", stage, article.source, exc_info=exc)
            reason = f"{stage}: internal error {type(exc).__name__}: {exc}"
        return Rejected(source=article.source, reason=reason, id=article.id)

    def __call__(self, text: str | Article, *, title: str = "", id: str | None = None) -> Article:
        article = text if isinstance(text, Article) else self.make_article(text, title=title, id=id)
        (result,) = self.process_batch([article])
        if isinstance(result, Rejected):
            raise InputError(result.reason, result.source)
        return result

    def pipe(
        self,
        items: Iterable[str | Article],
        *,
        batch_size: int = 64,
        on_error: Literal["raise", "yield"] = "raise",
    ) -> Iterator[Article | Rejected]:
        """Annotate a stream. ``on_error="yield"`` yields ``Rejected`` records instead of raising."""
        stream = iter(items)
        n = 0
        while True:
            chunk = list(islice(stream, batch_size))
            if not chunk:
                return
            results: list[Article | Rejected] = []
            articles = []
            for item in chunk:
                n += 1
                if isinstance(item, Article):
                    articles.append(item)
                    continue
                try:
                    articles.append(self.make_article(item, source=f"<pipe:{n}>"))
                except InputError as exc:
                    if on_error == "raise":
                        raise
                    results.append(Rejected(exc.source, exc.reason))
            results.extend(self.process_batch(articles))
            for result in results:
                if isinstance(result, Rejected) and on_error == "raise":
                    raise InputError(result.reason, result.source)
                yield result
