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


def read_text_file(path: Path) -> str:
    """A whole UTF-8 text resource (a BOM dropped), for formats with their own parser (JSON, TOML);
    an unreadable or undecodable file is a :class:`ResourceError` that names it."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ResourceError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8") from exc
    except OSError as exc:
        raise ResourceError(f"cannot read {path}: {exc.strerror or exc}") from exc


def read_lines(path: Path, *, comments: bool = True) -> list[tuple[int, str]]:
    """``(line number, line)`` of a UTF-8 text resource: a BOM dropped, line ends removed, blank
    lines and ``#`` lines skipped; with ``comments=False`` (third-party files, where ``#`` and a
    line of spaces are data) only empty lines are. Every loader of the package reads through here, so an unreadable or undecodable
    file is always a :class:`ResourceError` that names it."""
    text = read_text_file(path)
    lines = (line.removesuffix("\r") for line in text.split("\n"))  # not splitlines(): U+2028 may be data
    if not comments:
        return [(number, line) for number, line in enumerate(lines, 1) if line]
    return [(number, line) for number, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]


def line_error(path: Path, number: int, message: str) -> ResourceError:
    """The error for a bad line of a resource: ``FILE:LINE: message``."""
    return ResourceError(f"{path}:{number}: {message}")


def read_word_list(path: Path) -> set[str]:
    """Words of a one-word-a-line resource (``#`` starts a comment line)."""
    return {line.strip() for _, line in read_lines(path)}


def read_words(path: Path) -> list[str]:
    """Every whitespace-separated word of a resource, in file order (several to a line allowed)."""
    return [word for _, line in read_lines(path) for word in line.split()]


def read_table(path: Path, min_cols: int, max_cols: int | None = None, *, strip: bool = False,
               comments: bool = True) -> list[tuple[int, list[str]]]:
    """Rows of a tab-separated resource as ``(line number, fields)``; ``#`` lines and blank lines are skipped.

    A row with fewer than ``min_cols`` or more than ``max_cols`` fields is a
    :class:`ResourceError` that names the file and the line. ``strip`` trims each field.
    """
    rows = []
    for number, line in read_lines(path, comments=comments):
        cols = line.split("\t")
        if strip:
            cols = [c.strip() for c in cols]
        if len(cols) < min_cols or (max_cols is not None and len(cols) > max_cols):
            wanted = f"{min_cols}" if max_cols == min_cols else f"{min_cols} to {max_cols or 'any'}"
            raise line_error(path, number, f"expected {wanted} tab-separated fields, got {len(cols)}")
        rows.append((number, cols))
    return rows


def read_mapping(path: Path, *, comments: bool = True) -> dict[str, str]:
    """``key<TAB>value`` lines as a dict (a later line wins)."""
    return {cols[0]: cols[1] for _, cols in read_table(path, 2, 2, comments=comments)}
