"""zhnews export --to duckdb on the sample run, and the SQL queries that docs/exploration.md documents."""
import re
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline.cli import main

duckdb = pytest.importorskip("duckdb")


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    work = tmp_path_factory.mktemp("duck")
    out = work / "samples.jsonl"
    assert main(["run", str(ROOT / "corpus" / "samples"), "-o", str(out), "--quiet"]) == 0
    db = work / "samples.duckdb"
    assert main(["export", str(out), "--to", "duckdb", "-o", str(db)]) == 0
    return duckdb.connect(str(db), read_only=True)


def documented_queries() -> list[str]:
    text = (Path(ROOT) / "docs" / "exploration.md").read_text(encoding="utf-8")
    section = text[text.index("## SQL over a run"):]
    return [q.strip() for q in re.findall(r"```sql\n(.*?)```", section, re.DOTALL)]


def test_the_tables_hold_the_run(database):
    assert database.execute("SELECT count(*) FROM articles").fetchall()[0][0] == 7
    n_entities = database.execute("SELECT count(*) FROM entities").fetchall()[0][0]
    assert n_entities > 50
    bad = database.execute("""SELECT count(*) FROM entities e JOIN articles a ON a.id = e.article_id
                          WHERE substr(a.text, e.start + 1, e."end" - e.start) <> e.text""").fetchall()[0][0]
    assert bad == 0  # offsets index the article text exactly
    assert database.execute("SELECT count(*) FROM articles WHERE date IS NOT NULL").fetchall()[0][0] >= 5


def test_the_documented_queries_give_the_documented_answers(database):
    first, second, third = documented_queries()
    with_lei = database.execute(first).fetchall()
    assert ("小米", 1) in [(r[0], r[1]) for r in with_lei]
    months = database.execute(second).fetchall()
    assert ("2024-11", "小米", 3) in months  # and 小米SU7, a PRODUCT
    splits = database.execute(third).fetchall()
    assert all(0 < r[3] <= 1 for r in splits)


def test_duckdb_reads_the_parquet_export_too(database, tmp_path):
    src = tmp_path / "one.jsonl"
    assert main(["run", str(ROOT / "corpus" / "samples" / "newswire.jsonl"), "-o", str(src), "--quiet"]) == 0
    assert main(["export", str(src), "--to", "parquet", "-o", str(tmp_path / "one.parquet")]) == 0
    count = duckdb.execute(f"SELECT count(*) FROM '{tmp_path / 'one.parquet'}'").fetchall()[0][0]
    assert count == 5
