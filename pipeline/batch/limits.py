"""A wall-clock limit for one stage on one article, so that one pathological article cannot stall a run.

Uses ``SIGALRM`` (a real-time interval timer), which works in the main thread of a Unix
process: the runner's own process and every pool worker. Elsewhere (another thread,
Windows) the limit is not enforced. Python code is interrupted between bytecodes; a
single long call into C code (a regular expression, an ONNX Runtime run) ends first.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from pipeline.errors import PipelineError


class StageTimeout(PipelineError, TimeoutError):
    """A stage ran over ``input.timeout_s`` on one article."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise StageTimeout("time limit reached")


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
