"""Fault campaign: kill, interrupt and fill the disk under real runs, then count what was lost;
then the hostile inputs and user mistakes of ``bench/hostile_cases.py``, one table for both.

    python bench/reliability.py [--kills 8] [--interrupts 3] [--disk-limits 3] [--only faults|hostile]

A reference run annotates a corpus of 120 articles (plus one broken line) without
faults. Each trial then runs the real CLI (2 workers) and injects one fault: SIGKILL of
the whole process group after a random number of written records, SIGINT to the runner,
or a file-size limit that makes writes fail with EFBIG part-way. It resumes with
``--resume`` until the run completes, and compares the output with the reference:
records lost or duplicated (must be 0), records that differ (must be 0), runs that hung
(a 300 s limit per step; must be 0). A second table runs the corrupt and hostile inputs.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from test_runner import make_corpus  # noqa: E402

CLI = [sys.executable, "-m", "pipeline", "run"]
LIMIT = 300


def records(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            try:
                key = json.loads(line)["id"]
            except ValueError:
                continue  # a partial last line, before --resume repairs it
            out[key] = out.get(key, "") + line  # a duplicate would show as a longer value
    return out


def wait_for_lines(out: Path, proc: subprocess.Popen, n: int) -> None:
    deadline = time.time() + LIMIT
    while time.time() < deadline and proc.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= n:
            return
        time.sleep(0.02)


def trial(kind: str, corpus: Path, work: Path, reference: dict[str, str], rng: random.Random) -> dict[str, object]:
    out = work / f"{kind}-{rng.randrange(10**9)}.jsonl"
    cmd = [*CLI, str(corpus), "-o", str(out), "--workers", "2", "--batch-size", "4", "--quiet"]
    hung = False
    point = rng.randrange(1, 110)
    if kind == "disk full":
        limit = rng.randrange(20_000, 250_000)

        def preexec() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        try:
            first = subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=LIMIT, preexec_fn=preexec)
            point = limit
            assert first.returncode in (1, 3), first.returncode
        except subprocess.TimeoutExpired:
            hung = True
    else:
        proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        wait_for_lines(out, proc, point)
        if proc.poll() is None:
            if kind == "SIGKILL":
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=LIMIT)
        except subprocess.TimeoutExpired:
            hung = True
            os.killpg(proc.pid, signal.SIGKILL)
    resumes = 0
    while not hung and len(records(out)) < len(reference) and resumes < 3:
        try:
            subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, timeout=LIMIT)
        except subprocess.TimeoutExpired:
            hung = True
        resumes += 1
    got = records(out)
    return {
        "kind": kind,
        "point": point,
        "lost": len(set(reference) - set(got)),
        "duplicated": sum(1 for k, v in got.items() if k in reference and len(v) > len(reference[k])),
        "different": sum(1 for k, v in got.items() if k in reference and v != reference[k]),
        "hung": int(hung),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--interrupts", type=int, default=3)
    parser.add_argument("--disk-limits", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", choices=["faults", "hostile"], help="run one of the two campaigns")
    parser.add_argument("--family", help="hostile cases of this family only (a substring)")
    args = parser.parse_args()
    if args.only != "hostile":
        faults(args)
    if args.only != "faults":
        hostile(args)


def hostile(args: argparse.Namespace) -> None:
    from hostile_cases import CASES, run_all

    work = Path(tempfile.mkdtemp(prefix="zhnews-hostile-"))
    results = run_all(work, args.family)
    print(f"\nhostile inputs and user mistakes: {len(results)} cases of {len({c[0] for c in CASES})} families\n")
    print("| family | case | tracebacks | hangs | lost | broken lines | inputs changed | unescaped | peak MB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r.family} | {r.case} | {r.tracebacks} | {r.hangs} | {r.lost} | {r.broken_lines} | "
              f"{r.inputs_changed} | {r.unescaped} | {r.peak_mb:.0f} |" if r.peak_mb else
              f"| {r.family} | {r.case} | {r.tracebacks} | {r.hangs} | {r.lost} | {r.broken_lines} | "
              f"{r.inputs_changed} | {r.unescaped} | – |")
    total = {k: sum(getattr(r, k) for r in results)
             for k in ("tracebacks", "hangs", "lost", "broken_lines", "inputs_changed", "unescaped")}
    print(f"| **all** | {len(results)} cases | {total['tracebacks']} | {total['hangs']} | {total['lost']} | "
          f"{total['broken_lines']} | {total['inputs_changed']} | {total['unescaped']} | |")
    failed = [r for r in results if not r.ok()]
    for r in failed:
        print(f"FAILED {r.family}: {r.case}: {r.notes}")


def faults(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="zhnews-faults-"))
    corpus = make_corpus(work / "news.jsonl", n=120)
    ref_path = work / "reference.jsonl"
    subprocess.run([*CLI, str(corpus), "-o", str(ref_path), "--workers", "2", "--batch-size", "4", "--quiet"],
                   cwd=ROOT, check=False, timeout=LIMIT)
    reference = records(ref_path)
    results = []
    for kind, count in (("SIGKILL", args.kills), ("SIGINT", args.interrupts), ("disk full", args.disk_limits)):
        for _ in range(count):
            results.append(trial(kind, corpus, work, reference, rng))
            print(results[-1], flush=True)
    print(f"\nreference: {len(reference)} records from 121 input lines (one broken)\n")
    print("| fault injected | trials | fault points | records lost | duplicated | different | runs hung |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for kind in ("SIGKILL", "SIGINT", "disk full"):
        rows = [r for r in results if r["kind"] == kind]
        if not rows:
            continue
        unit = "bytes" if kind == "disk full" else "records written"
        points = ", ".join(str(r["point"]) for r in rows)
        print(f"| {kind} | {len(rows)} | {points} ({unit}) | {sum(r['lost'] for r in rows)} | "
              f"{sum(r['duplicated'] for r in rows)} | {sum(r['different'] for r in rows)} | {sum(r['hung'] for r in rows)} |")


if __name__ == "__main__":
    main()
