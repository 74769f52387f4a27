"""Exports to annotation and training tools, and imports of corrected annotations, round trip."""
import json

import pytest
import spacy
from conftest import SAMPLES
from spacy.tokens import DocBin

from pipeline.cli import main
from pipeline.io.jsonl import read_records


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    out = tmp_path_factory.mktemp("exp") / "samples.jsonl"
    assert main(["run", str(SAMPLES), "-o", str(out), "--quiet", "--workers", "1"]) == 0
    return out


def spans(article):
    return [(e.start, e.end, e.label, e.text) for e in article.entities]


@pytest.mark.parametrize("fmt,suffix", [("doccano", "jsonl"), ("label-studio", "json")])
def test_export_then_import_keeps_every_entity_span(annotated, tmp_path, fmt, suffix):
    exported = tmp_path / f"sample.{suffix}"
    assert main(["export", str(annotated), "--to", fmt, "-o", str(exported)]) == 0
    back = tmp_path / "back.jsonl"
    assert main(["import", str(exported), "--from", fmt, "--base", str(annotated), "-o", str(back)]) == 0
    originals = list(read_records(annotated))
    for before, after in zip(originals, read_records(back)):
        assert spans(after) == spans(before) and after.text == before.text and after.tokens == before.tokens
        assert all(e.source == "annotator" for e in after.entities)


def test_corrected_doccano_annotations_replace_the_entities(annotated, tmp_path):
    exported = tmp_path / "sample.jsonl"
    main(["export", str(annotated), "--to", "doccano", "-o", str(exported)])
    items = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    first = items[0]
    start = first["text"].index("王传福")
    first["label"] = [[start, start + 3, "PERSON"]]  # the annotator keeps only this one
    exported.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), encoding="utf-8")
    back = tmp_path / "back.jsonl"
    assert main(["import", str(exported), "--from", "doccano", "-o", str(back)]) == 0
    article = next(read_records(back))
    assert spans(article) == [(start, start + 3, "PERSON", "王传福")]


def test_label_studio_annotations_win_over_predictions(annotated, tmp_path):
    exported = tmp_path / "tasks.json"
    main(["export", str(annotated), "--to", "label-studio", "-o", str(exported)])
    tasks = json.loads(exported.read_text(encoding="utf-8"))
    text = tasks[0]["data"]["text"]
    start = text.index("比亚迪")
    tasks[0]["annotations"] = [{"result": [{"type": "labels", "value": {"start": start, "end": start + 3,
                                                                         "text": "比亚迪", "labels": ["ORG"]}}]}]
    exported.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    back = tmp_path / "back.jsonl"
    main(["import", str(exported), "--from", "label-studio", "--base", str(annotated), "-o", str(back)])
    assert spans(next(read_records(back))) == [(start, start + 3, "ORG", "比亚迪")]


def test_docbin_loads_with_blank_zh_and_has_the_same_entities(annotated, tmp_path):
    target = tmp_path / "samples.spacy"
    assert main(["export", str(annotated), "--to", "docbin", "-o", str(target)]) == 0
    nlp = spacy.blank("zh")
    docs = list(DocBin().from_disk(target).get_docs(nlp.vocab))
    originals = list(read_records(annotated))
    assert len(docs) == len(originals)
    for doc, article in zip(docs, originals):
        assert doc.text == article.text
        assert [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents] == spans(article)
        assert doc.user_data["zhnews_id"] == article.id


def test_conll_export_is_character_bio(annotated, tmp_path):
    target = tmp_path / "samples.conll"
    assert main(["export", str(annotated), "--to", "conll", "-o", str(target)]) == 0
    rows = [line.split("\t") for line in target.read_text(encoding="utf-8").splitlines() if line and "DOCSTART" not in line]
    assert all(len(r) == 2 and len(r[0]) == 1 for r in rows)
    tags = [t for _, t in rows]
    assert "B-PERSON" in tags and "I-ORG" in tags
    for prev, tag in zip(tags, tags[1:]):
        if tag.startswith("I-"):
            assert prev[2:] == tag[2:]


def test_displacy_rendering_of_a_record_escapes_hostile_text():
    from spacy import displacy

    import pipeline
    from pipeline.io.exports import to_spacy_doc

    article = pipeline.load()('阿里巴巴集团发布公告<script>alert(1)</script><img src=x onerror="alert(2)">。')
    html = displacy.render(to_spacy_doc(article, spacy.blank("zh").vocab), style="ent")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;img src=x" in html and "阿里巴巴集团" in html
