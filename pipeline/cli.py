"""The ``zhnews`` command line: ``run`` a corpus, ``show`` an annotated article."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.config import PipelineConfig
from pipeline.errors import ConfigError, InputError, PipelineError, Terminated
from pipeline.explore.render import terminal_safe
from pipeline.io.exports import ALL_FORMATS
from pipeline.version import __version__

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_REJECTS = 0, 1, 2, 3

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zhnews",
        description="Turn scraped Chinese news into an annotated corpus (JSONL).",
        epilog="Exit status: 0 all articles annotated, 1 error, 2 usage error, 3 finished with rejected input, "
               "130 interrupted (Ctrl-C), 143 stopped by SIGTERM.",
    )
    parser.add_argument("--version", action="version", version=f"zhnews {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log more, the HTML extractors' own warnings included")
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
    run.add_argument("--segmenter", choices=["head", "jieba", "lac"], help="segmentation backend (default: the config's)")
    run.add_argument("--ner", metavar="lac|hf:PATH|none", help="the entity model: LAC (default) or a local checkpoint")
    run.add_argument("--lexicon-mode", choices=["add", "standard"],
                     help="add: domain words on top of jieba's dictionary (default); standard: the lexicons are the vocabulary")
    run.add_argument("--batch-size", type=int, default=128,
                     help="articles per batch (default 128: the tagger batches sentences of equal length across them)")
    run.add_argument("--workers", type=int, help="processes annotating in parallel (default: all cores)")
    run.add_argument("--unordered", action="store_true", help="write records as batches finish, not in input order")
    run.add_argument("--resume", action="store_true",
                     help="continue an interrupted run: repair the output's last line, skip what is done")
    run.add_argument("--overwrite", action="store_true",
                     help="replace an output that holds another run (other inputs or settings)")
    run.add_argument("--force-config", action="store_true",
                     help="with --resume: go on although the output was written with other settings")
    run.add_argument("--shard", metavar="I/N", help="process only the I-th of N deterministic parts of the input")
    run.add_argument("--engine", choices=["local", "ray"], default="local",
                     help="local processes (default) or a Ray cluster (pip install 'zhnews[distributed]')")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no report")

    idf = sub.add_parser("idf", help="build an IDF table from your own corpus for the keyword stage")
    idf.add_argument("inputs", nargs="+", help="input files, directories or globs (as for run)")
    idf.add_argument("-o", "--output", default="models/idf.txt", help="where to write 'word idf' lines")
    idf.add_argument("--min-df", type=int, default=2, help="leave out words seen in fewer articles (default 2)")
    idf.add_argument("--config", help="a JSON or TOML config file")
    idf.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a setting")
    idf.add_argument("--lexicon", action="append", default=[], metavar="FILE", help="as for run")

    export = sub.add_parser("export", help="convert an annotated JSONL into another format")
    export.add_argument("file", help="an annotated JSONL written by `zhnews run`")
    export.add_argument("--to", required=True,
                        choices=ALL_FORMATS,
                        help="target format (duckdb: tables articles, entities, keywords and query views)")
    export.add_argument("-o", "--output", required=True, help="target folder (hf-dataset) or file")

    ents = sub.add_parser("entities", help="one row per canonical entity: counts, first/last seen, co-mentions")
    ents.add_argument("file", help="an annotated JSONL written by `zhnews run`")
    ents.add_argument("-o", "--output", required=True, help="entities.csv, .tsv or .parquet")
    ents.add_argument("--numeric", action="store_true", help="include dates, money, numbers")
    ents.add_argument("--titles", action="store_true", help="include TITLE spans (记者, 总裁…)")

    rep = sub.add_parser("report", help="a self-contained HTML report of a run")
    rep.add_argument("file", help="an annotated JSONL written by `zhnews run`")
    rep.add_argument("-o", "--output", required=True, help="report.html")

    imp = sub.add_parser("import", help="read corrected doccano / Label Studio annotations back into our schema")
    imp.add_argument("file", help="a doccano JSONL or a Label Studio JSON export")
    imp.add_argument("--from", dest="fmt", required=True, choices=["doccano", "label-studio"])
    imp.add_argument("--base", help="the annotated JSONL the sample came from (entities replaced, the rest kept)")
    imp.add_argument("-o", "--output", required=True, help="annotated JSONL to write")

    evaluate = sub.add_parser("eval", help="score a stage against gold data")
    tasks = evaluate.add_subparsers(dest="task", required=True)
    seg = tasks.add_parser("seg", help="word segmentation against SIGHAN-format gold (space-separated words)")
    seg.add_argument("--gold", required=True, help="gold file, one sentence a line, words separated by spaces")
    seg.add_argument("--lexicon", action="append", default=[], metavar="FILE",
                     help="word list, used exactly as `zhnews run --lexicon` uses it (repeatable)")
    seg.add_argument("--lexicon-mode", choices=["add", "standard"], help="as for `zhnews run`")
    seg.add_argument("--segmenter", choices=["head", "jieba", "lac"], help="segmentation backend (default: the config's)")
    seg.add_argument("--config", help="a JSON or TOML config file")
    seg.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a setting")
    seg.add_argument("--json", action="store_true", help="print the scores as JSON")

    ner = tasks.add_parser("ner", help="entities against BIO/BIOES, CLUENER JSONL or our JSONL gold")
    ner.add_argument("--gold", required=True, help="gold file: .bio/.txt (char<TAB>tag), CLUENER .jsonl, or ours")
    ner.add_argument("--scheme", choices=["msra", "cluener", "ontonotes"], help="label mapping (default: from the gold)")
    ner.add_argument("--limit", type=int, help="score only the first N sentences")
    ner.add_argument("--convention", default="auto", metavar="auto|default|peoples_daily|cluener",
                     help="convention profile to score with (entities.convention; models/entity_profiles.toml); "
                          "auto: cluener for CLUENER-style gold unless --set entities.convention= says otherwise, "
                          "else the config's (default)")
    ner.add_argument("--ner", metavar="lac|hf:PATH|none", help="the entity model to score (default: LAC)")
    ner.add_argument("--config", help="a JSON or TOML config file")
    ner.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a setting")
    ner.add_argument("--json", action="store_true", help="print the scores as JSON")

    summ = tasks.add_parser("summary", help="character-level ROUGE of our summaries beside Lead-1/Lead-3/TextRank")
    summ.add_argument("--data", required=True, help="JSONL with a text and a reference summary per line")
    summ.add_argument("--text-field", default="text")
    summ.add_argument("--summary-field", default="summary")
    summ.add_argument("--where", help="keep rows where FIELD OP VALUE holds, e.g. human_label>=3")
    summ.add_argument("--max-chars", type=int, help="summary budget in characters (default: summary.max_chars)")
    summ.add_argument("--limit", type=int, help="score only the first N pairs")
    summ.add_argument("--summarizer", help="our summarizer: extractive (default) or hf:PATH")
    summ.add_argument("--config", help="a JSON or TOML config file")
    summ.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a setting")
    summ.add_argument("--json", action="store_true", help="print the scores as JSON")

    html = tasks.add_parser("html", help="HTML extraction (body, date, author) against hand-labelled pages")
    html.add_argument("--gold-dir", required=True,
                      help="folder with original/<id>.html and cleaned/<id>.txt (date/, author/, title/ optional)")
    html.add_argument("--limit", type=int, help="score only the first N pages")
    html.add_argument("--config", help="a JSON or TOML config file")
    html.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a setting")
    html.add_argument("--json", action="store_true", help="print the scores (and each page's) as JSON")

    show = sub.add_parser("show", help="print an annotated article with its entities highlighted")
    show.add_argument("file", help="an annotated JSONL written by `zhnews run`")
    show.add_argument("--id", help="the article id (default: the first article)")
    show.add_argument("-n", "--index", type=int, default=0, help="the article's position in the file (default 0)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verbose:
        os.environ["ZHNEWS_VERBOSE"] = "1"  # before the extractors are imported; the workers inherit it
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return COMMANDS[args.command](args)
    except (InputError, ConfigError) as exc:  # the command or its settings are wrong: a usage error
        print(f"zhnews: error: {terminal_safe(str(exc), keep_newlines=False)}", file=sys.stderr)
        return EXIT_USAGE
    except PipelineError as exc:
        print(f"zhnews: error: {terminal_safe(str(exc), keep_newlines=False)}", file=sys.stderr)
        return EXIT_ERROR
    except Terminated:
        print("zhnews: terminated (SIGTERM); what was written is complete and kept (run `zhnews run` again with "
              "--resume to finish)", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("zhnews: interrupted; what was written is complete and kept (run `zhnews run` again with --resume "
              "to finish)", file=sys.stderr)
        return 130


def _config(args: argparse.Namespace) -> PipelineConfig:
    config = PipelineConfig.from_file(args.config) if args.config else PipelineConfig()
    sets = list(args.set)
    if getattr(args, "components", None):
        sets.append("components=" + ",".join(c.strip() for c in args.components.split(",")))
    if getattr(args, "lexicon", None):
        sets.append("tokens.lexicons=" + ",".join(args.lexicon))
    if getattr(args, "lexicon_mode", None):
        sets.append(f"tokens.lexicon_mode={args.lexicon_mode}")
    if getattr(args, "segmenter", None):
        sets.append(f"tokens.segmenter={args.segmenter}")
    if getattr(args, "ner", None):
        sets.append(f"entities.ner={args.ner}")
    return config.with_overrides(sets) if sets else config


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.batch.runner import check_run_paths, default_output_path, default_workers, parse_shard, run_corpus
    from pipeline.io.readers import expand_inputs
    from pipeline.pipeline import Pipeline

    config = _config(args)
    expand_inputs(args.inputs)  # fail fast on a missing input, before loading models
    output = Path(args.output) if args.output else default_output_path(args.inputs)
    shard = parse_shard(args.shard) if args.shard else None
    check_run_paths(args.inputs, output, Path(args.rejects) if args.rejects else None)
    workers = args.workers or default_workers()
    if workers < 1 or args.batch_size < 1:
        raise ConfigError("--workers and --batch-size must be at least 1")
    nlp = Pipeline(config)  # builds every stage once here too, so a bad setting fails before the run
    report = run_corpus(
        args.inputs, output, nlp=nlp, rejects=args.rejects, batch_size=args.batch_size,
        workers=args.workers if args.engine == "ray" and args.workers else workers,
        ordered=not args.unordered, resume=args.resume, force_config=args.force_config, overwrite=args.overwrite,
        shard=shard, progress=not args.quiet, engine=args.engine,
    )
    if not args.quiet:
        from pipeline.explore.terminal_report import print_run_report

        print_run_report(report)
    print(f"wrote {report.articles} annotated articles to {report.output}", file=sys.stderr)
    if report.rejected:
        print(f"{report.rejected} input(s) rejected: see {report.rejects}", file=sys.stderr)
        return EXIT_REJECTS
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.io.exports import export_run

    count = export_run(args.file, args.output, args.to)
    print(f"exported {count} articles from {args.file} to {args.output} ({args.to})", file=sys.stderr)
    return EXIT_OK


def cmd_entities(args: argparse.Namespace) -> int:
    from pipeline.explore.entity_index import COLUMNS, entity_index
    from pipeline.io.jsonl import read_records
    from pipeline.io.tables import write_table

    rows = entity_index(read_records(args.file), include_numeric=args.numeric, include_titles=args.titles)
    write_table(rows, COLUMNS, args.output)
    print(f"{len(rows)} entities from {args.file} written to {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.explore.html_report import write_report

    count = write_report(args.file, args.output)
    print(f"report of {count} articles written to {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from pipeline.io.annotations import import_to_files

    result, rejects = import_to_files(args.file, args.fmt, args.output, args.base)
    print(f"imported {len(result.records)} corrected articles from {args.file} into {args.output}", file=sys.stderr)
    if result.rejected:
        for rejected in result.rejected[:5]:
            print(terminal_safe(f"  rejected {rejected.source}: {rejected.reason}", keep_newlines=False),
                  file=sys.stderr)
        print(f"{len(result.rejected)} item(s) rejected, none of them written: see {rejects}", file=sys.stderr)
        return EXIT_REJECTS
    return EXIT_OK


def cmd_idf(args: argparse.Namespace) -> int:
    from pipeline.io.readers import expand_inputs
    from pipeline.training.idf import build_idf

    config = _config(args)
    expand_inputs(args.inputs)
    report = build_idf(args.inputs, args.output, config, min_df=args.min_df)
    print(f"IDF of {report.words} words from {report.articles} articles ({report.rejected} rejected) "
          f"written to {report.output}; use it with --set keywords.idf={report.output}", file=sys.stderr)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    if args.task == "summary":
        return cmd_eval_summary(args)
    if args.task == "ner":
        return cmd_eval_ner(args)
    if args.task == "html":
        return cmd_eval_html(args)
    return cmd_eval_seg(args)


def cmd_eval_html(args: argparse.Namespace) -> int:
    import json

    from pipeline.evaluation.html import evaluate_html, format_html_scores, read_html_gold, zhnews_extractor

    pages = read_html_gold(args.gold_dir)
    if args.limit:
        pages = pages[: args.limit]
    scores = evaluate_html(pages, zhnews_extractor(_config(args))).to_dict()
    if args.json:
        print(json.dumps(scores, ensure_ascii=False))
    else:
        print(format_html_scores(scores, args.gold_dir))
    return EXIT_OK


def cmd_eval_ner(args: argparse.Namespace) -> int:
    import json

    from pipeline.evaluation.ner import evaluate_ner_gold, format_ner_scores

    configured = any(item.strip().startswith("entities.convention=") for item in args.set)
    scores, scheme, config = evaluate_ner_gold(args.gold, _config(args), args.convention, args.scheme,
                                               args.limit, configured)
    if args.json:
        print(json.dumps({**scores.to_dict(), "convention": config.entities.convention}, ensure_ascii=False))
    else:
        print(format_ner_scores(scores, args.gold, scheme, config))
    return EXIT_OK


def cmd_eval_summary(args: argparse.Namespace) -> int:
    import json

    from pipeline.evaluation.summaries import evaluate_summary_data, format_summary_scores

    scores, pairs, budget = evaluate_summary_data(args.data, _config(args), args.text_field, args.summary_field,
                                                  args.where, args.limit, args.max_chars, args.summarizer)
    if args.json:
        print(json.dumps({name: s.to_dict() for name, s in scores.items()}, ensure_ascii=False))
    else:
        print(format_summary_scores(scores, args.data, pairs, budget))
    return EXIT_OK


def cmd_eval_seg(args: argparse.Namespace) -> int:
    import json

    from pipeline.evaluation.segmentation import evaluate_segmentation_gold, format_segmentation_scores

    config = _config(args)
    scores, segmenter = evaluate_segmentation_gold(args.gold, config)
    if args.json:
        print(json.dumps(scores.to_dict(), ensure_ascii=False))
    else:
        print(format_segmentation_scores(scores, args.gold, segmenter, config.tokens))
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from pipeline.explore.render import print_article
    from pipeline.io.jsonl import find_record

    print_article(find_record(args.file, args.id, args.index))
    return EXIT_OK


COMMANDS = {
    "run": cmd_run,
    "show": cmd_show,
    "eval": cmd_eval,
    "idf": cmd_idf,
    "export": cmd_export,
    "import": cmd_import,
    "entities": cmd_entities,
    "report": cmd_report,
}


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
