"""One exception hierarchy for zhnews.

Every error says what was wrong, where (file:line when there is one) and what to do.
Classes also inherit the matching built-in so that callers can catch either.
"""
from __future__ import annotations


class PipelineError(Exception):
    """Base class of every error zhnews raises on purpose."""


class ConfigError(PipelineError, ValueError):
    """A configuration value is invalid or a component name is unknown."""


class ResourceError(PipelineError, FileNotFoundError):
    """A model resource (lexicon, gazetteer, checkpoint) is missing or malformed."""


class InputError(PipelineError, ValueError):
    """One input article cannot be read. Carries its location so that it can be rejected."""

    def __init__(self, reason: str, source: str = "") -> None:
        self.reason = reason
        self.source = source
        super().__init__(f"{source}: {reason}" if source else reason)


class StageError(PipelineError, RuntimeError):
    """A stage failed on one article; the runner rejects that article and goes on."""

    def __init__(self, stage: str, reason: str) -> None:
        self.stage = stage
        self.reason = reason
        super().__init__(f"stage {stage!r} failed: {reason}")


class OutputError(PipelineError, OSError):
    """The output cannot be written (unwritable path, full disk)."""


class UsageError(InputError):
    """The command itself is wrong (an output that is an input, a second run on one output):
    nothing was read or written; exit status 2."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler, Docker, systemd) during a run: handled like Ctrl-C (workers stopped,
    files closed on a line boundary, manifest ``interrupted``), then exit status 143."""
