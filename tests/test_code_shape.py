"""The package's shape, measured: modules stay small and functions simple, or say why not.

Issue 19's rule: no module over ~400 lines and no function with a cyclomatic complexity over
15 (radon's count) without a one-line reason in its docstring ("Complexity: ..."; a module's
"Size: ..."). A new function that grows past the bar fails here until it is split or explained.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

radon_complexity = pytest.importorskip("radon.complexity")

ROOT = Path(__file__).resolve().parent.parent / "pipeline"
MAX_COMPLEXITY = 15
MAX_LINES = 400


def _docstrings(tree: ast.AST) -> dict[tuple[str, int], str]:
    """(name, first line) -> docstring of every function, method and class."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out[(node.name, node.lineno)] = ast.get_docstring(node) or ""
    return out


def complex_blocks_without_reason(source: str) -> list[str]:
    docs = _docstrings(ast.parse(source))
    found = []
    for block in radon_complexity.cc_visit(source):
        blocks = [block, *getattr(block, "methods", []), *getattr(block, "closures", [])]
        for b in blocks:
            if b.complexity > MAX_COMPLEXITY and "Complexity:" not in docs.get((b.name, b.lineno), ""):
                found.append(f"{b.name} (line {b.lineno}): {b.complexity}")
    return found


def test_code_shape_no_unexplained_complex_function():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        offenders += [f"{path.relative_to(ROOT.parent)}: {o}"
                      for o in complex_blocks_without_reason(path.read_text(encoding="utf-8"))]
    assert offenders == [], "split these or give a one-line 'Complexity: ...' reason in the docstring"


def test_code_shape_no_unexplained_long_module():
    long = []
    for path in sorted(ROOT.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_LINES and "Size:" not in (ast.get_docstring(ast.parse(text)) or ""):
            long.append(f"{path.relative_to(ROOT.parent)}: {text.count(chr(10))} lines")
    assert long == []


def test_code_shape_check_catches_a_complex_function():
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(20))
    source = f"def tangled(x):\n    \"\"\"Many cases.\"\"\"\n{branches}\n    return -1\n"
    assert complex_blocks_without_reason(source) == ["tangled (line 1): 21"]
    explained = source.replace('"""Many cases."""', '"""Many cases.\n\n    Complexity: a lookup table."""')
    assert complex_blocks_without_reason(explained) == []


def test_code_shape_architecture_doc_names_files_that_exist():
    """docs/architecture.md tells a newcomer which file to change: every path it names must exist."""
    import re

    doc = (ROOT.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(pipeline/[\w/]+(?:\.py)?)`", doc)) | set(re.findall(r"`(models/[\w.]+)`", doc))
    assert len(named) >= 8
    missing = sorted(p for p in named if "<" not in p and not (ROOT.parent / p).exists())
    assert missing == []
    for folder, files in re.findall(r"`(\w+)/` \| ([^|]+) \|", doc):  # the wing table: `io/` | ... `readers.py` ...
        base = ROOT / folder
        if base.is_dir():
            listed = re.findall(r"`([\w/]+\.py)`", files)
            assert [f for f in listed if not any(base.rglob(f))] == [], folder
