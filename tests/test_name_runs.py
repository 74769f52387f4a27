"""Runs of names printed without separators: the name model, person blocks, the stage."""
import filecmp

import pytest
from conftest import SHARED

from pipeline.backends.person_names import load_name_model, person_blocks, split_name_run
from pipeline.errors import ResourceError


@pytest.fixture(scope="module")
def model():
    return load_name_model()


def names(text, spans):
    return [text[a:b] for a, b in spans] if spans is not None else None


def block(text, members):
    """split_name_run over a block of the tagger's spans, as the entity stage calls it."""
    marked = bytearray(len(text))
    for a, b in members:
        marked[a:b] = b"\x01" * (b - a)
    return names(text, split_name_run(text, load_name_model(), bytes(marked), frozenset(members)))


def test_a_lone_span_splits_only_when_it_is_clearly_a_run(model):
    run = "刘顺尧刘剑锋刘振华"
    assert names(run, split_name_run(run, model)) == ["刘顺尧", "刘剑锋", "刘振华"]
    assert split_name_run("戈尔巴乔夫", model) is None  # transliterated: one person
    assert split_name_run("王小明", model) is None  # too short to be a run
    assert split_name_run("欧阳修文", model) is None
    assert split_name_run("王丙乾帕巴拉·格列朗杰", model) is None  # a lone span is split into Chinese names only


def test_person_blocks_group_touching_and_near_spans():
    text = "委员：李鹏乔石李瑞环彭真，李鹏会见张三，邓恩和费尔南德斯。"
    spans = [(3, 7), (7, 12), (13, 15), (17, 19), (20, 22), (23, 28)]
    blocks = [(text[a:b], [text[x:y] for x, y in m]) for a, b, m in person_blocks(text, spans)]
    assert blocks == [
        ("李鹏乔石李瑞环彭真", ["李鹏乔石", "李瑞环彭真"]),  # punctuation ends the block on both sides
        ("李鹏会见张三", ["李鹏", "张三"]),
        ("邓恩", ["邓恩"]),  # a conjunction ends a block
        ("费尔南德斯", ["费尔南德斯"]),
    ]


def test_a_block_reads_as_names_end_to_end():
    assert block("李鹏乔石李瑞环彭真", [(0, 4), (4, 9)]) == ["李鹏", "乔石", "李瑞环", "彭真"]
    assert block("邹家华姜春云", [(0, 2), (2, 6)]) == ["邹家华", "姜春云"]
    # dotted names between Chinese ones
    assert block("王丙乾帕巴拉·格列朗杰王光英", [(0, 11), (11, 14)]) == ["王丙乾", "帕巴拉·格列朗杰", "王光英"]
    # a name cut at the block's edge is completed from the characters around it
    assert block("杨尚昆黄菊尉健行", [(0, 3), (3, 6)]) == ["杨尚昆", "黄菊", "尉健行"]


def test_a_block_keeps_ordinary_words_out_of_names():
    assert block("李鹏会见张三", [(0, 2), (4, 6)]) == ["李鹏", "张三"]
    assert block("费尔南德斯邓恩", [(0, 5), (5, 7)]) == ["费尔南德斯", "邓恩"]  # the tagger's own names stay
    assert split_name_run("冯迪索VinDiesel", load_name_model(), b"\x01" * 12, frozenset({(0, 3)})) is None


def test_a_broken_name_file_is_a_resource_error(tmp_path):
    bad = tmp_path / "names.tsv"
    bad.write_text("S\t王\n", encoding="utf-8")
    with pytest.raises(ResourceError):
        load_name_model(str(bad))


def test_the_entity_stage_splits_a_list_of_names():
    import pipeline

    nlp = pipeline.load("sentences,entities")
    text = "出席会议的有：李鹏乔石李瑞环彭真朱镕基刘华清胡锦涛。记者马利、田泓报道。"
    people = [e.text for e in nlp(text).entities if e.label == "PERSON"]
    assert people == ["李鹏", "乔石", "李瑞环", "彭真", "朱镕基", "刘华清", "胡锦涛", "马利", "田泓"]


@pytest.mark.skipif(not (SHARED / "ner" / "msra_val.bio").exists(), reason="../shared/data not present")
def test_the_shipped_name_statistics_are_reproducible(tmp_path):
    from pipeline.resources import resolve
    from pipeline.training.name_model import main

    out = tmp_path / "names.tsv"
    assert main(["--data", str(SHARED / "ner"), "--out", str(out)]) == 0
    assert filecmp.cmp(out, resolve("names.tsv"), shallow=False)
