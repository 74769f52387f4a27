import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT

from pipeline import resources


def test_resources_are_found_in_a_checkout():
    models = resources.models_dir()
    assert (models / "gazetteer" / "product.tsv").exists()
    assert resources.resolve("boilerplate.tsv").name == "boilerplate.tsv"


@pytest.mark.slow
def test_wheel_carries_the_default_resources(tmp_path):
    pytest.importorskip("hatchling")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = tmp_path.glob("zhnews-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for resource in ("gazetteer/org.tsv", "gazetteer/product.tsv", "gazetteer/gpe.tsv", "aliases.tsv",
                     "boilerplate.tsv", "stopwords.txt"):
        assert f"pipeline/_models/{resource}" in names
    assert "pipeline/cli.py" in names
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "zhnews = pipeline.cli:main" in entry_points
