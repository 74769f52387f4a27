from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus" / "samples"
SHARED = ROOT.parent / "shared" / "data"
SCRAPED = SHARED / "samples" / "scraped_article_taobao.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False,
                     help="also run slow tests, and property tests with 10x the examples")


def pytest_configure(config: pytest.Config) -> None:
    from hypothesis import HealthCheck, settings

    common = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
              "derandomize": True}
    settings.register_profile("ci", max_examples=200, **common)
    settings.register_profile("thorough", max_examples=2000, **common)
    settings.load_profile("thorough" if config.getoption("--slow") else os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def shared_file(*parts: str) -> Path:
    """A file from ../shared/data, or skip the test cleanly when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared is absent)")
    return path


@pytest.fixture(scope="session")
def nlp():
    import pipeline

    return pipeline.load()


@pytest.fixture(scope="session")
def scraped_record(nlp):
    """The shared scraped sample, annotated once by the default pipeline (read-only)."""
    path = shared_file("samples", "scraped_article_taobao.txt")
    return nlp(nlp.make_article(path.read_text(encoding="utf-8"), source=str(path)))


def assert_spans_exact(article) -> None:
    """Every span of the record is exact, ordered, in bounds; entities are tokens."""
    text = article.text
    n = len(text)
    prev = 0
    for s, e in article.sentences:
        assert prev <= s < e <= n
        assert text[s:e].strip() == text[s:e]
        prev = e
    prev = 0
    for s, e, pos in article.tokens:
        assert prev <= s < e <= n, (s, e)
        assert pos
        prev = e
    token_spans = {(s, e) for s, e, _ in article.tokens}
    for ent in article.entities:
        assert text[ent.start : ent.end] == ent.text
        assert (ent.start, ent.end) in token_spans, f"entity {ent.text} is not a token"
    summary = article.summary
    assert len(summary.spans) == len(summary.sentences)
    for i, (s, e) in zip(summary.sentences, summary.spans):  # each quoted span lies inside its sentence
        assert 0 <= i < len(article.sentences)
        assert article.sentences[i][0] <= s < e <= article.sentences[i][1]
    assert summary.text == "".join(text[s:e] for s, e in summary.spans)
