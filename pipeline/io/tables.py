"""Writing the exploration side's files: a table of rows (CSV, TSV or Parquet) and a page of text.

The views in :mod:`pipeline.explore` compute rows and HTML; these functions put them on disk,
creating the folder and turning an ``OSError`` into an :class:`~pipeline.errors.OutputError`
that names the file.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import InputError, OutputError

TABLE_SUFFIXES = (".csv", ".tsv", ".parquet")


def write_table(rows: list[dict[str, Any]], columns: Sequence[str], target: str | Path) -> None:
    """Rows as a table with ``columns`` in that order; the format follows the suffix of ``target``."""
    import pandas as pd

    target = Path(target)
    if target.suffix not in TABLE_SUFFIXES:
        raise InputError(f"write the table as .csv, .tsv or .parquet, not {target.name}")
    frame = pd.DataFrame(rows, columns=list(columns))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.suffix == ".parquet":
            frame.to_parquet(target, index=False)
        else:
            frame.to_csv(target, index=False, sep="\t" if target.suffix == ".tsv" else ",")
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc


def write_text(text: str, target: str | Path) -> None:
    """One UTF-8 text file (a report page), its folder created if needed."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
