"""The hostile-input and user-mistake cases of the fault campaign (``bench/reliability.py``).

Each case builds its inputs in a fresh folder, runs the real CLI (``python -m pipeline``) as a
user would, and returns what it saw: a traceback on stderr, a hang (over ``LIMIT`` seconds),
articles lost (a good input that is neither a record nor a reject), broken output lines, an
input modified, data escape sequences or markup reaching the terminal, and the peak memory of
the run. Families follow issue 16: a run destroying or re-reading its input, two writers, a
record that cannot be written, special files, unbounded input, time limits, ids and resume,
SIGTERM, ``zhnews import``, terminal views, small format slips.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
LIMIT = 300
STORY = "国家统计局发布数据，十月份社会消费品零售总额同比增长百分之四点八，增速比上月加快，消费市场持续恢复。"
CHEAP = ["--components", "clean,sentences", "--quiet"]
# runs the CLI and reports the peak memory of that process tree (the maximum over its processes)
MEASURED = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
            "sys.stderr.write('\\nMAXRSS_KB=%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
            "sys.exit(p.returncode)")


@dataclass
class Outcome:
    family: str
    case: str
    tracebacks: int = 0
    hangs: int = 0
    lost: int = 0
    broken_lines: int = 0
    inputs_changed: int = 0
    unescaped: int = 0
    peak_mb: float = 0.0
    notes: list[str] = field(default_factory=list)

    def ok(self) -> bool:
        return not (self.tracebacks or self.hangs or self.lost or self.broken_lines or self.inputs_changed
                    or self.unescaped)


def run(args: list[str], cwd: Path, timeout: float = LIMIT, env: dict | None = None,
        measure: bool = False) -> tuple[int | None, str, str]:
    cmd = [PY, "-c", MEASURED, PY, "-m", "pipeline", *args] if measure else [PY, "-m", "pipeline", *args]
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=timeout, check=False,
                              env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    except subprocess.TimeoutExpired:
        return None, "", ""
    return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


def wait_while_running(proc: subprocess.Popen, ready: Callable[[], bool]) -> None:
    """Until ``ready()`` holds, the process ends, or ``LIMIT`` seconds pass."""
    deadline = time.time() + LIMIT
    while time.time() < deadline and proc.poll() is None and not ready():
        time.sleep(0.01)


def digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.read_bytes() if path.is_file() and not path.is_symlink() else b"-")
    return h.hexdigest()


def jsonl(path: Path, records: list[dict], newline: str = "\n") -> Path:
    path.write_text(newline.join(json.dumps(r, ensure_ascii=False) for r in records) + newline, encoding="utf-8")
    return path


def good(n: int, prefix: str = "g") -> list[dict]:
    return [{"id": f"{prefix}{i}", "text": f"第{i}条消息。" + STORY} for i in range(n)]


def read_lines(path: Path) -> tuple[list[dict], int]:
    """Parsed lines and how many lines are broken (not JSON, or no final newline)."""
    if not path.exists():
        return [], 0
    data = path.read_bytes()
    out, broken = [], 0
    for line in data.splitlines():
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError:
                broken += 1
    if data and not data.endswith(b"\n"):
        broken += 1
    return out, broken


def account(outcome: Outcome, out: Path, expected_ids: set[str], expected_total: int | None = None) -> None:
    """Every good input must be a record; records plus rejects must cover every input."""
    records, broken_out = read_lines(out)
    rejects, broken_rej = read_lines(out.with_name(out.name.removesuffix(".jsonl") + ".rejects.jsonl"))
    outcome.broken_lines += broken_out + broken_rej
    got = {r.get("id") for r in records}
    outcome.lost += len(expected_ids - got)
    if expected_total is not None:
        outcome.lost += max(0, expected_total - len(records) - len(rejects))


def check_stderr(outcome: Outcome, code: int | None, err: str, allowed: tuple[int, ...]) -> None:
    if code is None:
        outcome.hangs += 1
        return
    outcome.tracebacks += "Traceback" in err
    if code not in allowed:
        outcome.notes.append(f"exit {code}, expected {allowed}: {err.strip().splitlines()[-1:] or ''}")
        outcome.lost += 1 if code == 0 else 0


def peak(err: str) -> float:
    for line in err.splitlines():
        if line.startswith("MAXRSS_KB="):
            return int(line.split("=")[1]) / 1024
    return 0.0


# ---------------------------------------------------------------------- the cases
Case = Callable[[Path], Outcome]
CASES: list[tuple[str, str, Case]] = []


def case(family: str, name: str) -> Callable[[Case], Case]:
    def register(fn: Case) -> Case:
        CASES.append((family, name, fn))
        return fn
    return register


@case("destroys its input", "-o is the input")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    src = jsonl(w / "x.jsonl", good(20))
    before = digest([src])
    code, _, err = run(["run", str(src), "-o", str(src), *CHEAP], w)
    check_stderr(o, code, err, (2,))
    o.inputs_changed += digest([src]) != before
    return o


@case("destroys its input", "-o a symlink / hard link to the input, --rejects the input")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    src = jsonl(w / "x.jsonl", good(20))
    before = digest([src])
    (w / "link.jsonl").symlink_to(src)
    os.link(src, w / "hard.jsonl")
    for args in (["-o", str(w / "link.jsonl")], ["-o", str(w / "hard.jsonl")],
                 ["-o", str(w / "out.jsonl"), "--rejects", str(src)]):
        code, _, err = run(["run", str(src), *args, *CHEAP], w)
        check_stderr(o, code, err, (2,))
    o.inputs_changed += digest([src]) != before
    return o


@case("reads its own output", "-o inside the input directory, a glob over the output folder")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    folder = w / "in"
    folder.mkdir()
    jsonl(folder / "a.jsonl", good(30))
    code, _, err = run(["run", str(folder), "-o", str(folder / "out.jsonl"), *CHEAP], w, timeout=120)
    check_stderr(o, code, err, (2,))
    code, _, err = run(["run", str(folder / "*"), "-o", str(folder / "new.jsonl"), *CHEAP], w, timeout=120)
    check_stderr(o, code, err, (0,))
    records, _ = read_lines(folder / "new.jsonl")
    o.lost += abs(len(records) - 30)  # more would mean it re-read its own output
    return o


@case("two writers", "two runs on one output, at once")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    a = jsonl(w / "a.jsonl", good(150, "a"))
    b = jsonl(w / "b.jsonl", good(150, "b"))
    out = w / "out.jsonl"
    cmd = [PY, "-m", "pipeline", "run"]
    first = subprocess.Popen([*cmd, str(a), "-o", str(out), "--components", "clean,sentences,tokens", "--quiet",
                              "--batch-size", "4"], cwd=w, stderr=subprocess.PIPE, env={**os.environ,
                                                                                       "PYTHONPATH": str(ROOT)})
    wait_while_running(first, lambda: (w / "out.jsonl.lock").exists())
    code, _, err = run(["run", str(b), "-o", str(out), *CHEAP], w)
    check_stderr(o, code, err, (2,))
    err1 = first.communicate(timeout=LIMIT)[1].decode()
    check_stderr(o, first.returncode, err1, (0,))
    account(o, out, {r["id"] for r in good(150, "a")})
    return o


@case("two writers", "-o is the rejects file of a running run")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    a = jsonl(w / "a.jsonl", good(150, "a") + [{"broken": True}])
    b = jsonl(w / "b.jsonl", good(10, "b"))
    out = w / "out.jsonl"
    first = subprocess.Popen([PY, "-m", "pipeline", "run", str(a), "-o", str(out), "--components",
                              "clean,sentences,tokens", "--quiet", "--batch-size", "4"], cwd=w,
                             stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wait_while_running(first, lambda: (w / "out.jsonl.lock").exists())
    code, _, err = run(["run", str(b), "-o", str(w / "out.rejects.jsonl"), *CHEAP], w)
    check_stderr(o, code, err, (2,))
    first.communicate(timeout=LIMIT)
    account(o, out, {r["id"] for r in good(150, "a")}, 151)
    return o


@case("one record kills a batch", "extra nested 300 deep, a lone-surrogate file name")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    deep: dict = {}
    node = deep
    for _ in range(300):
        node["x"] = {}
        node = node["x"]
    rows = good(6)
    rows.insert(3, {"id": "deep", "text": STORY, "nested": deep})
    folder = w / "in"
    folder.mkdir()
    jsonl(folder / "a.jsonl", rows)
    with open(os.fsencode(folder) + b"/bad\xff.txt", "wb") as handle:
        handle.write(STORY.encode())
    out = w / "out.jsonl"
    code, _, err = run(["run", str(folder), "-o", str(out), *CHEAP], w)
    check_stderr(o, code, err, (3,))
    account(o, out, {r["id"] for r in good(6)}, 8)
    return o


@case("special files", "FIFO, /dev/zero, /dev/urandom, a socket, a symlink loop")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    folder = w / "in"
    folder.mkdir()
    jsonl(folder / "good.jsonl", good(3))
    os.mkfifo(folder / "fifo.jsonl")
    (folder / "zero.jsonl").symlink_to("/dev/zero")
    (folder / "urandom.txt").symlink_to("/dev/urandom")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.txt"))
    os.mkfifo(w / "lone_fifo.txt")
    (w / "zero_link.txt").symlink_to("/dev/zero")
    out = w / "out.jsonl"
    code, _, err = run(["run", str(folder), str(w / "lone_fifo.txt"), str(w / "zero_link.txt"), "-o", str(out),
                        *CHEAP], w, timeout=120, measure=True)
    sock.close()
    check_stderr(o, code, err, (3,))
    o.peak_mb = peak(err)
    account(o, out, {r["id"] for r in good(3)}, 3 + 7)
    return o


@case("unbounded input", "a 1.2 GB line in a 1.5 MB .jsonl.gz")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    src = w / "bomb.jsonl.gz"
    with gzip.open(src, "wb", compresslevel=9) as handle:
        handle.write((json.dumps(good(1, "before")[0], ensure_ascii=False) + "\n").encode())
        handle.write(b'{"id": "huge", "text": "')
        chunk = b"1" * (64 << 20)
        for _ in range(18):  # 1.2 GB
            handle.write(chunk)
        handle.write(b'"}\n')
        handle.write((json.dumps(good(1, "after")[0], ensure_ascii=False) + "\n").encode())
    out = w / "out.jsonl"
    code, _, err = run(["run", str(src), "-o", str(out), *CHEAP], w, measure=True)
    check_stderr(o, code, err, (3,))
    o.peak_mb = peak(err)
    account(o, out, {"before0", "after0"}, 3)
    o.notes.append(f"{src.stat().st_size / 1e6:.1f} MB compressed")
    return o


@case("unbounded input", "one article of 200,000 characters, one of 1,000,000 (split)")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    text = "\n".join(f"第{i}段：" + STORY * 3 for i in range(200_000 // (len(STORY) * 3)))[:200_000]
    src = jsonl(w / "long.jsonl", [{"id": "long", "text": text}])
    out = w / "out.jsonl"
    code, _, err = run(["run", str(src), "-o", str(out), "--quiet"], w, measure=True)
    check_stderr(o, code, err, (0,))
    o.peak_mb = peak(err)
    account(o, out, {"long"})
    digits = jsonl(w / "digits.jsonl", [{"id": "digits", "text": "1" * 200_000}])
    code, _, err = run(["run", str(digits), "-o", str(w / "d.jsonl"), "--quiet"], w, measure=True)
    check_stderr(o, code, err, (0,))
    o.peak_mb = max(o.peak_mb, peak(err))
    account(o, w / "d.jsonl", {"digits"})
    huge = jsonl(w / "huge.jsonl", [{"id": "huge", "text": "\n".join([text] * 5)}])
    code, _, err = run(["run", str(huge), "-o", str(w / "h.jsonl"), "--quiet", "--set", "input.on_too_long=split"],
                       w, measure=True)
    check_stderr(o, code, err, (0,))
    o.peak_mb = max(o.peak_mb, peak(err))
    records, _ = read_lines(w / "h.jsonl")
    o.lost += not records or len(records) != records[0]["extra"]["part"]["of"] or len(records) < 5
    return o


HANG_SCRIPT = """
import sys, time
from pipeline.config import PipelineConfig
from pipeline.registry import Stage, stage
from pipeline.batch.runner import run_corpus

@stage("hang_on_marker", requires=("text",), assigns=())
def make(config):
    class Hang(Stage):
        name = "hang_on_marker"
        batched = True
        def __call__(self, article):
            if "HANG" in article.text:
                time.sleep(3600)
            return article
        def pipe(self, articles):
            for a in articles:
                self(a)
            return articles
    return Hang()

config = PipelineConfig().with_overrides(["components=clean,sentences,hang_on_marker", "input.timeout_s=2"])
report = run_corpus([sys.argv[1]], sys.argv[2], config=config, batch_size=64, progress=False)
print(report.articles, report.rejected)
"""


@case("time limit in batched stages", "10 hanging articles among 54, a batch of 64, timeout_s=2")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    rows = good(54)
    for i in range(0, 50, 5):
        rows[i]["text"] += "HANG"
    src = jsonl(w / "in.jsonl", rows)
    started = time.time()
    try:
        done = subprocess.run([PY, "-c", HANG_SCRIPT, str(src), str(w / "out.jsonl")], cwd=ROOT, capture_output=True, check=False,
                              text=True, timeout=120)
    except subprocess.TimeoutExpired:
        o.hangs += 1
        return o
    o.tracebacks += "Traceback" in done.stderr
    o.notes.append(f"{time.time() - started:.0f} s; articles, rejected: {done.stdout.strip()}")
    account(o, w / "out.jsonl", {r["id"] for r in rows if "HANG" not in r["text"]}, 54)
    return o


@case("resume", "duplicate input ids, SIGKILL, --resume")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    rows = [{"id": "same", "text": f"第{i}条。" + STORY} for i in range(40)]
    src = jsonl(w / "in.jsonl", rows)
    out = w / "out.jsonl"
    args = [PY, "-m", "pipeline", "run", str(src), "-o", str(out), "--batch-size", "2", "--workers", "2",
            "--components", "clean,sentences,tokens", "--quiet"]
    proc = subprocess.Popen(args, cwd=w, start_new_session=True, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    wait_while_running(proc, lambda: out.exists() and out.read_bytes().count(b"\n") >= 8)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    code, _, err = run([*args[3:], "--resume"], w)
    check_stderr(o, code, err, (0,))
    records, _ = read_lines(out)
    texts = {r["text"] for r in records}
    o.lost += len({r["text"] for r in rows} - texts)
    o.lost += len(records) - len({r["id"] for r in records})  # a duplicate record
    account(o, out, set())
    return o


@case("resume", "--resume with another config")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    src = jsonl(w / "in.jsonl", good(5))
    out = w / "out.jsonl"
    run(["run", str(src), "-o", str(out), *CHEAP], w)
    before = digest([out])
    code, _, err = run(["run", str(src), "-o", str(out), "--resume", "--set", "clean.min_chars=3", *CHEAP], w)
    check_stderr(o, code, err, (2,))
    o.inputs_changed += digest([out]) != before  # the earlier output is the user's data too
    return o


@case("SIGTERM", "SIGTERM to the runner with 2 workers")
def _(w: Path) -> Outcome:
    import psutil

    o = Outcome("", "")
    rows = good(80)
    src = jsonl(w / "in.jsonl", rows)
    out = w / "out.jsonl"
    args = ["run", str(src), "-o", str(out), "--batch-size", "2", "--workers", "2", "--quiet"]
    proc = subprocess.Popen([PY, "-m", "pipeline", *args], cwd=w, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    wait_while_running(proc, lambda: out.exists() and out.read_bytes().count(b"\n") >= 6)
    children = psutil.Process(proc.pid).children(recursive=True) if proc.poll() is None else []
    proc.send_signal(signal.SIGTERM)
    try:
        err = proc.communicate(timeout=60)[1].decode()
    except subprocess.TimeoutExpired:
        o.hangs += 1
        proc.kill()
        return o
    check_stderr(o, proc.returncode, err, (143,))
    _, alive = psutil.wait_procs(children, timeout=10)
    o.lost += len(alive)
    o.notes.append(f"{len(children)} workers, {len(alive)} left")
    manifest = json.loads(out.with_name("out.manifest.json").read_text())
    o.lost += manifest["runs"][-1].get("interrupted") != "SIGTERM"
    code, _, err = run([*args, "--resume"], w)
    check_stderr(o, code, err, (0,))
    account(o, out, {r["id"] for r in rows})
    return o


@case("zhnews import", "offsets of the wrong type, missing text, short spans, overlaps, bad labels")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    text = "戴珊在杭州宣布淘宝直播的新计划。"
    lines = [
        {"id": "ok", "text": text, "label": [[0, 2, "PERSON"]]},
        {"id": "s", "text": text, "label": [["0", "2", "PERSON"]]},
        {"id": "f", "text": text, "label": [[0.5, 2, "PERSON"]]},
        {"id": "t", "label": []},
        {"id": "2", "text": text, "label": [[0, 2]]},
        {"id": "o", "text": text, "label": [[0, 3, "PERSON"], [2, 4, "GPE"]]},
        {"id": "d", "text": text, "label": [[0, 2, "PERSON"], [0, 2, "PERSON"]]},
        {"id": "n", "text": text, "label": [[0, 2, None]]},
        {"id": "b", "text": text, "label": [[0, 2, True]]},
        {"id": "neg", "text": text, "label": [[-1, 2, "PERSON"]]},
        {"id": "big", "text": text, "label": [[0, 10**30, "PERSON"]]},
        {"id": "lbl", "text": text, "label": "PERSON"},
        {"id": {"x": 1}, "text": text, "label": []},
        [1, 2, 3],
        "a string",
    ]
    src = w / "corrected.jsonl"
    src.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    gold = w / "gold.jsonl"
    code, _, err = run(["import", str(src), "--from", "doccano", "-o", str(gold)], w)
    check_stderr(o, code, err, (3,))
    records, broken = read_lines(gold)
    rejects, broken_r = read_lines(w / "gold.rejects.jsonl")
    o.broken_lines += broken + broken_r
    o.lost += [r["id"] for r in records] != ["ok"]
    o.lost += len(rejects) != len(lines) - 1
    studio = w / "studio.json"
    for payload in ({"top": "dict"}, [{"data": {"text": text}, "annotations": [{"result": [
            {"type": "labels", "value": {"start": 0, "end": 2, "labels": []}}]}]}], [None], "text"):
        studio.write_text(json.dumps(payload), encoding="utf-8")
        code, _, err = run(["import", str(studio), "--from", "label-studio", "-o", str(w / "g2.jsonl")], w)
        check_stderr(o, code, err, (2, 3))
        o.lost += bool(read_lines(w / "g2.jsonl")[0])
    return o


@case("terminal views", "rich markup, OSC/CSI sequences, bidi override in show and the run report")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    record = {"id": "x\x1b[2J", "source": "\x1b]0;owned\x07", "title": "[/bold][link=https://evil.example]点[/link]",
              "text": "正文\x1b[31m红\x1b]8;;https://evil.example\x07链接\x1b]8;;\x07\u202e。"}
    path = w / "hostile.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    out = w / "out.jsonl"
    code, _, err = run(["run", str(path), "-o", str(out), "--components", "clean,sentences"], w,
                       env={"FORCE_COLOR": "1", "COLUMNS": "100"})
    check_stderr(o, code, err, (0, 3))
    for view in (["show", str(out)], ["show", str(out), "--id", "x\x1b[2J"]):
        code, shown, err = run(view, w, env={"FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "100"})
        check_stderr(o, code, err, (0,))
        o.unescaped += sum(seq in shown + err for seq in ("\x1b]", "\x1b[2J", "\x07", "\u202e", "\x1b[31m"))
        o.unescaped += "[/bold]" not in shown and code == 0
    bad_name = w / "\x1b[2Jname.jsonl"
    bad_name.write_text("{broken\n", encoding="utf-8")
    code, _, err = run(["run", str(bad_name), "-o", str(w / "o2.jsonl"), "--components", "clean"], w,
                       env={"FORCE_COLOR": "1"})
    check_stderr(o, code, err, (3,))
    o.unescaped += "\x1b[2J" in err
    return o


@case("small slips", "CR-only JSONL, an empty text field before content, 正文, an unknown field")
def _(w: Path) -> Outcome:
    o = Outcome("", "")
    src = jsonl(w / "mac.jsonl", good(3, "m"), newline="\r")
    out = w / "out.jsonl"
    code, _, err = run(["run", str(src), "-o", str(out), *CHEAP], w)
    check_stderr(o, code, err, (0,))
    account(o, out, {"m0", "m1", "m2"})
    src = jsonl(w / "empty.jsonl", [{"id": "c", "text": "", "content": STORY}, {"id": "z", "正文": STORY},
                                    {"id": "u", "文本": STORY}])
    code, _, err = run(["run", str(src), "-o", str(w / "e.jsonl"), *CHEAP], w)
    check_stderr(o, code, err, (3,))
    account(o, w / "e.jsonl", {"c", "z"}, 3)
    rejects, _ = read_lines(w / "e.rejects.jsonl")
    if not any("input.text_fields" in r["reason"] and "文本" in r["reason"] for r in rejects):
        o.notes.append("the missing-field reject does not name the fields found")
    return o


def run_all(work: Path, only: str | None = None) -> list[Outcome]:
    results = []
    for n, (family, name, fn) in enumerate(CASES):
        if only and only not in family:
            continue
        folder = work / f"case{n:02d}"
        folder.mkdir(parents=True)
        started = time.time()
        try:
            outcome = fn(folder)
        except Exception as exc:  # noqa: BLE001 - a broken case is reported, the campaign goes on
            outcome = Outcome("", "", tracebacks=1, notes=[f"the case itself failed: {type(exc).__name__}: {exc}"])
        outcome.family, outcome.case = family, name
        outcome.notes.append(f"{time.time() - started:.0f} s")
        results.append(outcome)
        print(("ok   " if outcome.ok() else "FAIL ") + f"{family}: {name} {outcome.notes}", flush=True)
    return results
