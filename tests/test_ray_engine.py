"""The Ray engine writes the same records as the local engine (a local 2-CPU Ray, with a timeout)."""
import os
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLES

pytest.importorskip("ray")


@pytest.mark.slow
def test_ray_engine_writes_the_same_records_as_the_local_engine(tmp_path):
    local = tmp_path / "local.jsonl"
    distributed = tmp_path / "ray.jsonl"
    base = [sys.executable, "-m", "pipeline", "run", str(SAMPLES), "--quiet", "--batch-size", "2"]
    env = {**os.environ, "RAY_ADDRESS": "", "RAY_USAGE_STATS_ENABLED": "0"}
    env.pop("RAY_ADDRESS")
    done = subprocess.run([*base, "-o", str(local), "--workers", "1"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    # a local Ray with 2 CPUs and 2 actors; the timeout turns a scheduling hang into a failure
    done = subprocess.run([*base, "-o", str(distributed), "--engine", "ray", "--workers", "2"], cwd=ROOT,
                          capture_output=True, text=True, timeout=420, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert distributed.read_text(encoding="utf-8") == local.read_text(encoding="utf-8")
    assert distributed.read_text(encoding="utf-8").count("\n") == 7
