"""Guards on where a run writes: never over or inside its inputs, never two runs on one output.

``check_output_paths`` refuses, before anything is opened for writing, an output (or its
rejects or manifest file) that is one of the inputs, lies inside an input directory (the run
would read what it writes), or is another of the run's own files. ``OutputLock`` holds an
exclusive ``fcntl.flock`` on ``OUT.lock`` for the whole run; a second run on the same output is
refused with the first run's pid.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import UsageError


def _real(path: str | Path) -> Path:
    return Path(os.path.realpath(Path(path).expanduser()))


def check_output_paths(inputs: Iterable[str | Path], outputs: dict[str, Path]) -> None:
    """``outputs``: what each written file is (``output``, ``rejects``, ``manifest``) → its path."""
    written = {name: _real(path) for name, path in outputs.items()}
    seen: dict[Path, str] = {}
    for name, path in written.items():
        if path in seen:
            raise UsageError(f"the {name} file and the {seen[path]} file are the same path {path}")
        seen[path] = name
    for item in inputs:
        text = str(item)
        if any(ch in text for ch in "*?[") and not Path(text).exists():
            import glob

            candidates = [_real(m) for m in glob.glob(text, recursive=True)]
        else:
            candidates = [_real(text)]
        for source in candidates:
            for name, path in written.items():
                if path == source:
                    raise UsageError(f"the {name} path {path} is also an input: the run would destroy it; "
                                     "write somewhere else (-o)")
                if source.is_dir() and source in path.parents:
                    raise UsageError(f"the {name} path {path} is inside the input directory {source}: the run "
                                     "would read what it writes; write outside it (-o)")


class OutputLock:
    """An exclusive lock on ``OUT.lock`` for as long as a run writes ``OUT``."""

    def __init__(self, output: Path) -> None:
        self.path = output.with_name(output.name + ".lock")
        self._handle = None

    def __enter__(self) -> OutputLock:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise UsageError(f"another run (pid {holder}) is writing {self.path.with_suffix('')}; wait for it to end "
                             "or write elsewhere (-o)") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            try:
                self.path.unlink()
            except OSError:
                pass
            self._handle.close()
            self._handle = None
