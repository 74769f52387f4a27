"""Finding model resources by name, from a checkout or from an installed wheel.

Resources live in the repository's top-level ``models/`` folder. A wheel carries the
same files as ``pipeline/_models`` (see ``pyproject.toml``), so both layouts work.
A resource name that is an existing path (absolute or relative to the working
directory) is used as it is.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from pipeline.errors import ResourceError

_PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def models_dir() -> Path:
    """The folder that holds the default resources."""
    for candidate in (_PACKAGE_DIR / "_models", _PACKAGE_DIR.parent / "models"):
        if (candidate / "gazetteer").is_dir():
            return candidate
    raise ResourceError(
        "the default model resources were not found: expected pipeline/_models (installed wheel) "
        "or models/ beside pipeline/ (checkout). Reinstall zhnews with `pip install .`."
    )


def resolve(name: str) -> Path:
    """Path of a resource given by path or by name inside ``models/``."""
    as_given = Path(name).expanduser()
    if as_given.exists():
        return as_given
    inside = models_dir() / name
    if inside.exists():
        return inside
    raise ResourceError(f"resource {name!r} not found as a path nor in {models_dir()}")


def resource_files(name: str, pattern: str = "*.tsv") -> list[Path]:
    """A resource that is a file, or every matching file of a resource folder (sorted)."""
    path = resolve(name)
    if path.is_dir():
        return sorted(path.glob(pattern))
    return [path]


def fingerprint(paths: list[Path]) -> str:
    """Short content hash of resource files, for ``meta`` (so outputs name their resources exactly)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def read_word_list(path: Path) -> set[str]:
    """Words of a one-word-a-line resource (``#`` starts a comment line)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"cannot read word list {path}: {exc}") from exc
    return {w.strip() for w in lines if w.strip() and not w.startswith("#")}


def read_table(path: Path, min_cols: int, max_cols: int | None = None) -> list[tuple[int, list[str]]]:
    """Rows of a tab-separated resource as ``(line number, fields)``; ``#`` lines and blank lines are skipped.

    A row with fewer than ``min_cols`` or more than ``max_cols`` fields is a
    :class:`ResourceError` that names the file and the line.
    """
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"cannot read table {path}: {exc}") from exc
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\r\n").split("\t")
        if len(cols) < min_cols or (max_cols is not None and len(cols) > max_cols):
            wanted = f"{min_cols}" if max_cols == min_cols else f"{min_cols} to {max_cols or 'any'}"
            raise ResourceError(f"{path}:{number}: expected {wanted} tab-separated fields, got {len(cols)}")
        rows.append((number, cols))
    return rows
