"""The ``zhnews`` command line: ``run`` a corpus, ``show`` an annotated article."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.config import PipelineConfig
from pipeline.errors import InputError, PipelineError
from pipeline.version import __version__

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_REJECTS = 0, 1, 2, 3

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zhnews",
        description="Turn scraped Chinese news into an annotated corpus (JSONL).",
        epilog="Exit status: 0 all articles annotated, 1 error, 2 usage error, 3 finished with rejected input.",
    )
    parser.add_argument("--version", action="version", version=f"zhnews {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="annotate files, directories or globs of .txt/.jsonl/.jsonl.gz/.html")
    run.add_argument("inputs", nargs="+", help="input files, directories (recursive) or glob patterns")
    run.add_argument("-o", "--output", help="annotated JSONL to write (default: corpus/annotated/<input>.jsonl)")
    run.add_argument("--rejects", help="where rejected input goes (default: <output>.rejects.jsonl)")
    run.add_argument("--config", help="a JSON or TOML config file")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="override a setting, e.g. --set summary.max_chars=200 (repeatable)")
    run.add_argument("--components", help="comma-separated stages to run, e.g. clean,sentences,tokens")
    run.add_argument("--lexicon", action="append", default=[], metavar="FILE",
                     help="extra word list for the segmenter (repeatable)")
    run.add_argument("--batch-size", type=int, default=32, help="articles per batch (default 32)")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no report")

    show = sub.add_parser("show", help="print an annotated article with its entities highlighted")
    show.add_argument("file", help="an annotated JSONL written by `zhnews run`")
    show.add_argument("--id", help="the article id (default: the first article)")
    show.add_argument("-n", "--index", type=int, default=0, help="the article's position in the file (default 0)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "run":
            return cmd_run(args)
        return cmd_show(args)
    except InputError as exc:
        print(f"zhnews: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PipelineError as exc:
        print(f"zhnews: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("zhnews: interrupted", file=sys.stderr)
        return 130


def _config(args: argparse.Namespace) -> PipelineConfig:
    config = PipelineConfig.from_file(args.config) if args.config else PipelineConfig()
    sets = list(args.set)
    if args.components:
        sets.append("components=" + ",".join(c.strip() for c in args.components.split(",")))
    if args.lexicon:
        sets.append("tokens.lexicons=" + ",".join(args.lexicon))
    return config.with_overrides(sets) if sets else config


def _default_output(inputs: list[str]) -> Path:
    first = Path(inputs[0].rstrip("/"))
    stem = first.name.split(".")[0] or "corpus"
    if any(ch in stem for ch in "*?["):
        stem = "corpus"
    return Path("corpus") / "annotated" / f"{stem}.jsonl"


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.io.readers import expand_inputs
    from pipeline.nlp import Pipeline
    from pipeline.runner import run_corpus

    config = _config(args)
    expand_inputs(args.inputs)  # fail fast on a missing input, before loading models
    output = Path(args.output) if args.output else _default_output(args.inputs)
    nlp = Pipeline(config)
    report = run_corpus(
        args.inputs, output, nlp=nlp, rejects=args.rejects, batch_size=args.batch_size, progress=not args.quiet
    )
    if not args.quiet:
        from pipeline.report import print_run_report

        print_run_report(report)
    print(f"wrote {report.articles} annotated articles to {report.output}", file=sys.stderr)
    if report.rejected:
        print(f"{report.rejected} input(s) rejected: see {report.rejects}", file=sys.stderr)
        return EXIT_REJECTS
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from rich.console import Console

    from pipeline.io.writers import read_records
    from pipeline.render import article_rich

    chosen = None
    for i, article in enumerate(read_records(args.file)):
        if (args.id and article.id == args.id) or (not args.id and i == args.index):
            chosen = article
            break
    if chosen is None:
        wanted = f"id {args.id!r}" if args.id else f"index {args.index}"
        raise InputError(f"no article with {wanted} in {args.file}")
    console = Console()
    console.rule(f"[bold]{chosen.title or '(no title)'}")
    console.print(f"[dim]id {chosen.id} · {chosen.source} · flags: {', '.join(chosen.flags) or '-'}")
    console.print(article_rich(chosen))
    console.rule("summary")
    console.print(chosen.summary.text)
    console.print("[bold]keywords:[/] " + "、".join(k.text for k in chosen.keywords))
    console.print("[bold]entities:[/] " + "  ".join(f"{e.text}/{e.label}" for e in chosen.entities[:60]))
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
