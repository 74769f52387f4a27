"""Guards on where a run writes: never over or inside its inputs, never two runs on one output.

``check_output_paths`` refuses, before anything is opened for writing, an output (or its
rejects or manifest file) that is one of the inputs, lies inside an input directory (the run
would read what it writes), or is another of the run's own files; hard links are compared by
inode. ``OutputLock`` holds an exclusive ``fcntl.flock`` on ``PATH.lock`` beside each file the run
writes, for the whole run; a second run on one of them is refused with the first run's pid.
``check_overwrite`` keeps a finished output of other inputs or settings unless ``--overwrite``.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from pipeline.errors import OutputError, UsageError


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
                if path == source or _same_file(path, source):
                    raise UsageError(f"the {name} path {path} is also an input: the run would destroy it; "
                                     "write somewhere else (-o)")
                if source.is_dir() and source in path.parents:
                    raise UsageError(f"the {name} path {path} is inside the input directory {source}: the run "
                                     "would read what it writes; write outside it (-o)")


    _check_hard_links(inputs, written)


def _same_file(a: Path, b: Path) -> bool:
    """Two names of one file (a hard link): writing one would truncate the other."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _check_hard_links(inputs: Iterable[str | Path], written: dict[str, Path]) -> None:
    """An existing output with more than one name may be a hard link to a file inside an input
    directory: only then are the directory's files compared (by device and inode)."""
    linked = {}
    for name, path in written.items():
        try:
            info = os.stat(path)
        except OSError:
            continue
        if info.st_nlink > 1:
            linked[(info.st_dev, info.st_ino)] = (name, path)
    if not linked:
        return
    for item in inputs:
        root = _real(item)
        if not root.is_dir():
            continue
        for folder, _, files in os.walk(root):
            for file in files:
                try:
                    info = os.stat(os.path.join(folder, file))
                except OSError:
                    continue
                if (info.st_dev, info.st_ino) in linked:
                    name, path = linked[(info.st_dev, info.st_ino)]
                    raise UsageError(f"the {name} path {path} is a hard link to the input {folder}/{file}: the run "
                                     "would destroy it; write somewhere else (-o)")


class OutputLock:
    """Exclusive locks on ``PATH.lock`` for every file a run writes (output, rejects, manifest), held
    for the whole run: a second run on the same output, or one whose output is this run's rejects
    file, is refused with the first run's pid."""

    def __init__(self, *written: Path) -> None:
        self.paths = [p.with_name(p.name + ".lock") for p in written]
        self.path = self.paths[0]
        self._handles: list = []

    def __enter__(self) -> OutputLock:
        try:
            for path in self.paths:
                self._handles.append((path, self._acquire(path)))
        except BaseException:
            self.__exit__()
            raise
        return self

    @staticmethod
    def _acquire(path: Path) -> TextIO:
        import fcntl

        path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            handle = path.open("a+")
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                handle.close()
                raise UsageError(f"another run (pid {holder}) is writing {path.with_suffix('')}; wait for it to end "
                                 "or write elsewhere (-o)") from None
            try:  # the holder may have removed the file between our open and our lock: lock the new one
                if os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino:
                    break
            except OSError:
                pass
            handle.close()
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        return handle

    def __exit__(self, *exc: object) -> None:
        for path, handle in reversed(self._handles):
            try:
                path.unlink()
            except OSError:
                pass
            handle.close()
        self._handles = []


def check_overwrite(output: Path, manifest: Path, inputs: list[str], config_hash: str,
                    shard: str | None = None) -> None:
    """A run replaces an existing, non-empty output only when that output is a run of the same
    inputs with the same settings (running a command twice is harmless). Anything else (another
    corpus, other settings, a file zhnews did not write) would be lost: ``UsageError`` naming
    ``--resume``, ``--overwrite`` and ``-o``."""
    try:
        if not output.exists() or output.stat().st_size == 0:
            return
    except OSError:
        return  # the writer reports a path it cannot use
    import orjson

    try:
        previous = orjson.loads(manifest.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        previous = None
    if isinstance(previous, dict):
        same_inputs = sorted(_real(i) for i in previous.get("inputs", [])) == sorted(_real(i) for i in inputs)
        same_shard = previous.get("shard") == shard
        if same_inputs and same_shard and previous.get("config_hash") == config_hash:
            return
        what = ("another set of inputs (" + ", ".join(map(str, previous.get("inputs", [])[:3])) + ")"
                if not same_inputs else f"shard {previous.get('shard')}" if not same_shard
                else f"other settings (config {previous.get('config_hash')})")
    else:
        what = "something without a zhnews manifest beside it"
    raise UsageError(f"{output} already holds the output of {what}; this run would replace it. Continue that run "
                     "with --resume, replace it with --overwrite, or write elsewhere (-o)")


def ensure_writable(path: Path) -> None:
    """Open the output once before any work, so a bad path fails in a second with a clear message."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("ab"):
                pass
        elif not os.access(path.parent, os.W_OK | os.X_OK):  # not created here: a glob must not see it yet
            raise PermissionError(13, "Permission denied")
    except OSError as exc:
        raise OutputError(f"cannot write the output {path}: {exc.strerror or exc}") from exc
