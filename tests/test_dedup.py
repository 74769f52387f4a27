import json

import pytest

import pipeline
from pipeline.batch.dedup import DuplicateIndex
from pipeline.cli import main
from pipeline.config import DedupConfig

STORY = [
    "11月13日，腾讯控股公布2024年第三季度业绩。财报显示，腾讯第三季度营收为1671.93亿元，同比增长8%。",
    "经营利润达到597亿元，同比增长19%。截至9月30日，微信及WeChat的合并月活跃账户数达到13.82亿。",
    "腾讯董事会主席兼首席执行官马化腾表示，公司在人工智能领域的投入正在产生回报。",
    "游戏业务方面，《王者荣耀》和《和平精英》的流水保持稳定，国际市场游戏收入同比增长9%。",
]
OTHER = "小米集团创始人雷军11月14日在北京宣布，小米SU7的累计交付量已经突破10万台，提前完成了全年交付目标。" * 2


def syndicated_versions():
    base = "\n".join(STORY)
    return [
        ("orig", "腾讯第三季度营收增长8%", base),
        ("copy-boilerplate", "腾讯Q3财报出炉", "来源：某财经网\n" + base + "\n责任编辑：王芳\n本文为转载，如若转载请注明出处。"),
        ("copy-edited", "腾讯三季度财报", base.replace("正在产生回报", "已经开始产生回报").replace("保持稳定", "表现稳定")),
        ("copy-trimmed", "", "\n".join(STORY[:3]) + "\n游戏业务方面，《王者荣耀》和《和平精英》的流水保持稳定。"),
        ("other", "小米SU7交付量突破10万台", OTHER),
    ]


@pytest.fixture(scope="module")
def annotated():
    nlp = pipeline.load("clean,sentences")
    return [nlp(text, title=title, id=id_) for id_, title, text in syndicated_versions()]


def test_dedup_flags_syndicated_copies_of_the_first_article(annotated):
    index = DuplicateIndex(DedupConfig())
    earlier = {a.id: index.flag(a) for a in annotated}
    assert earlier == {"orig": None, "copy-boilerplate": "orig", "copy-edited": "orig", "copy-trimmed": "orig", "other": None}
    flags = {a.id: a.flags for a in annotated}
    assert "exact_duplicate" in flags["copy-boilerplate"]  # the same body once the boilerplate is gone
    assert flags["copy-edited"] == ["near_duplicate_of:orig"]


def test_dedup_threshold_is_configurable(annotated):
    strict = DuplicateIndex(DedupConfig(threshold=0.95))
    hits = [strict.find(a) for a in annotated]
    assert hits[1] == ("orig", True)  # exact copies are found at any threshold
    assert hits[2] is None  # the edited copy is not 95% the same


def write_input(tmp_path):
    src = tmp_path / "syndicated.jsonl"
    src.write_text(
        "\n".join(json.dumps({"id": i, "title": t, "text": x}, ensure_ascii=False) for i, t, x in syndicated_versions()),
        encoding="utf-8",
    )
    return src


def test_run_flags_near_duplicates_by_default_and_drops_them_on_request(tmp_path):
    src = write_input(tmp_path)
    out = tmp_path / "flagged.jsonl"
    assert main(["run", str(src), "-o", str(out), "--quiet"]) == 0
    records = {json.loads(l)["id"]: json.loads(l)["flags"] for l in out.read_text(encoding="utf-8").splitlines()}
    assert len(records) == 5
    assert "near_duplicate_of:orig" in records["copy-edited"]

    dropped = tmp_path / "dropped.jsonl"
    assert main(["run", str(src), "-o", str(dropped), "--quiet", "--set", "dedup.drop=true"]) == 3
    kept = [json.loads(l)["id"] for l in dropped.read_text(encoding="utf-8").splitlines()]
    assert kept == ["orig", "other"]
    rejects = [json.loads(l) for l in (tmp_path / "dropped.rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(r["id"] for r in rejects) == ["copy-boilerplate", "copy-edited", "copy-trimmed"]
    assert all(r["reason"].startswith("near_duplicate_of:orig") for r in rejects)
