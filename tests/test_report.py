"""The HTML report and the entity index, checked in headless Chromium (skips if Chromium is absent)."""
import csv
import shutil
import subprocess

import pytest
from conftest import SAMPLES

from pipeline.cli import main
from pipeline.io.jsonl import JsonlWriter
from pipeline.record import Article, Entity, Summary

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def dump_dom(path, fragment="", tmp_path=None):
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium)")
    profile = tmp_path / "chromium-profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--dump-dom", f"file://{path}{fragment}"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def run_output(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "samples.jsonl"
    assert main(["run", str(SAMPLES), "-o", str(out), "--quiet", "--workers", "1"]) == 0
    return out


def test_entity_index_has_one_row_per_canonical_entity(run_output, tmp_path):
    target = tmp_path / "entities.csv"
    assert main(["entities", str(run_output), "-o", str(target)]) == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    keys = [(r["entity"], r["label"]) for r in rows]
    assert len(keys) == len(set(keys))
    byd = {r["entity"]: r for r in rows}
    assert byd["腾讯"]["label"] == "ORG" and int(byd["腾讯"]["mentions"]) >= 2
    assert byd["腾讯"]["first_seen"] == "2024-11-13"
    from pipeline.explore.entity_index import entity_index
    from pipeline.io.jsonl import iter_json_lines

    records = [Article.from_dict(row) for _, row in iter_json_lines(run_output)]
    full = {r["entity"]: r for r in entity_index(records, top_co=50)}
    assert "马化腾" in full["腾讯"]["co_mentions"]
    assert "腾讯控股" in byd["腾讯"]["surface_forms"]  # aliases count as one company
    assert not any(r["label"] in ("DATE", "MONEY", "PERCENT") for r in rows)
    parquet = tmp_path / "entities.parquet"
    assert main(["entities", str(run_output), "-o", str(parquet)]) == 0
    import pandas as pd

    assert len(pd.read_parquet(parquet)) == len(rows)


def test_report_is_self_contained_and_opens_an_article_in_chromium(run_output, tmp_path):
    report = tmp_path / "report.html"
    assert main(["report", str(run_output), "-o", str(report)]) == 0
    html = report.read_text(encoding="utf-8")
    head = html.split('<script type="application/json"')[0]
    assert "<link" not in head and " src=" not in head and "http" not in head.split("</title>")[1]
    from html import unescape

    assert "Content-Security-Policy" in html and "default-src 'none'" in unescape(html)
    dom = dump_dom(report, "#a=0", tmp_path)
    assert '<td id="article-count">7</td>' in dom
    assert dom.count("<li data-index=") == 7  # the list is built by the page's own script
    assert '<mark class="ent ent-PERSON"' in dom and "Summary: " in dom
    assert "2024-11-13" in dom.split('<ul id="articles">')[1].split("</ul>")[0]  # the date beside a title


def test_report_lists_the_articles_that_name_an_entity(run_output, tmp_path):
    from pipeline.io.jsonl import read_records

    naming = sum(1 for a in read_records(run_output) if any(e.norm == "腾讯" for e in a.entities))
    report = tmp_path / "report.html"
    assert main(["report", str(run_output), "-o", str(report)]) == 0
    html = report.read_text(encoding="utf-8")
    assert 'class="pick" data-norm="腾讯"' in html and "label split" in html
    dom = dump_dom(report, "#e=%E8%85%BE%E8%AE%AF", tmp_path)  # #e=腾讯
    assert 0 < naming < 7 and dom.count("<li data-index=") == naming
    assert "articles naming 腾讯" in dom


def test_hostile_article_text_never_runs_in_the_report(tmp_path):
    payloads = [
        "<script>document.title='PWNED1'</script>",
        '<img src=x onerror="document.title=\'PWNED2\'">',
        '<a href="javascript:document.title=\'PWNED3\'">点击</a>',
        "</script><script>document.title='PWNED4'</script>",
        "\u2028<svg onload=\"document.title='PWNED5'\">",
    ]
    text = "阿里巴巴集团发布公告。" + "".join(payloads)
    article = Article(id="hostile", source="<test>", title=payloads[0], text=text,
                      entities=[Entity(0, 6, "ORG", "阿里巴巴集团", "阿里巴巴集团", "gazetteer")],
                      summary=Summary("extractive", payloads[1], [0]), flags=[payloads[2]],
                      meta={"schema_version": "1", "pipeline_version": "0", "config_hash": "", "models": {}})
    records = tmp_path / "hostile.jsonl"
    with JsonlWriter(records) as out:
        out.write(article)
    report = tmp_path / "report.html"
    assert main(["report", str(records), "-o", str(report)]) == 0
    dom = dump_dom(report, "#a=0", tmp_path)
    assert "<title>zhnews report</title>" in dom and "PWNED" not in dom.split("</title>")[0]
    body = dom.split('<script type="application/json"')[0]
    assert "<img" not in body
    assert "<svg onload" not in body
    assert '<a href="javascript:' not in body
    assert "&lt;img src=x onerror=" in body  # shown as text
    assert '<mark class="ent ent-ORG"' in body  # and the page still works
