"""The one-screen run report printed after ``zhnews run``."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from pipeline.batch.runner import RunReport
from pipeline.explore.render import terminal_markup as safe


def print_run_report(report: RunReport, console: Console | None = None) -> None:
    console = console or Console(stderr=True)
    table = Table(title="zhnews run", show_header=False, box=None)
    table.add_row("articles annotated", f"{report.articles:,}")
    table.add_row("inputs rejected", f"{report.rejected:,}")
    if report.skipped:
        table.add_row("already done (resume)", f"{report.skipped:,}")
    table.add_row("workers", str(report.workers))
    table.add_row("characters", f"{report.chars:,}")
    table.add_row("time", f"{report.seconds:.1f} s")
    table.add_row("throughput", f"{report.chars_per_second:,.0f} chars/s")
    if report.entities:
        table.add_row("entities", ", ".join(f"{k} {v}" for k, v in report.entities.most_common()))
    if report.flags:
        table.add_row("flags", safe(", ".join(f"{k} {v}" for k, v in report.flags.most_common())))
    if report.reasons:  # reasons quote the data (a JSON error, a file name): never read as markup
        table.add_row("reject reasons", safe("; ".join(f"{k} ×{v}" for k, v in report.reasons.most_common(5))))
    table.add_row("output", safe(str(report.output)))
    table.add_row("rejects", safe(str(report.rejects)))
    from pipeline.batch.manifest import manifest_path

    table.add_row("manifest", safe(str(manifest_path(report.output))))
    console.print(table)
