"""The transformers NER backend through its real loading code, on a tiny random model built here."""
import pytest

import pipeline
from pipeline.backends.hf_ner import spans_from_tokens, split_tag

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "S-LOC"]


@pytest.mark.parametrize("tag,parts", [("B-PER", ("B", "PER")), ("I_ORG", ("I", "ORG")), ("M-LOC", ("I", "LOC")),
                                       ("S-GPE", ("S", "GPE")), ("O", ("O", "")), ("name", ("B", "name"))])
def test_split_tag(tag, parts):
    assert split_tag(tag) == parts


def test_spans_from_tokens_align_word_pieces_to_characters():
    # [CLS] 阿里巴巴 集团 总裁 戴 珊 [SEP] with word pieces covering several characters
    offsets = [(0, 0), (0, 4), (4, 6), (6, 8), (8, 9), (9, 10), (0, 0)]
    tags = ["O", "B-ORG", "I-ORG", "O", "B-PER", "I-PER", "O"]
    assert spans_from_tokens(offsets, tags) == [(0, 6, "ORG"), (8, 10, "PERSON")]
    assert spans_from_tokens([(0, 1), (1, 2), (2, 3)], ["S-LOC", "B-company", "E-company"]) == [
        (0, 1, "LOC"), (1, 3, "ORG")]
    assert spans_from_tokens([(0, 1), (1, 2)], ["B-position", "I-position"]) == [(0, 2, "TITLE")]
    assert spans_from_tokens([(0, 1), (1, 2)], ["B-weird", "I-weird"]) == []  # not mapped: ignored


@pytest.fixture(scope="module")
def tiny_ner(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-bert-ner")
    chars = sorted(set("阿里巴巴集团总裁戴珊发布内部信淘宝直播继续独立运营，。腾讯财报营收增长1月6日"))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    transformers.BertTokenizerFast(vocab=str(folder / "vocab.txt")).save_pretrained(folder)
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                     intermediate_size=32, num_labels=len(LABELS),
                                     id2label=dict(enumerate(LABELS)), label2id={l: i for i, l in enumerate(LABELS)})
    torch.manual_seed(3)
    transformers.BertForTokenClassification(config).save_pretrained(folder)
    return folder


def test_hf_ner_backend_gives_exact_spans_through_the_pipeline(tiny_ner):
    nlp = pipeline.load(entities__ner=f"hf:{tiny_ner}")
    text = "1月6日，阿里巴巴集团总裁戴珊发布内部信。淘宝直播继续独立运营。"
    article = nlp(text)
    assert nlp.meta["models"]["ner"].startswith(f"hf:{tiny_ner.name} (bert) on cpu")
    model_entities = [e for e in article.entities if e.source == "model"]
    assert model_entities, "a random model still predicts some spans"
    for e in article.entities:
        assert text[e.start : e.end] == e.text
        assert e.label in {"PERSON", "ORG", "LOC", "GPE", "DATE", "PRODUCT"}
    assert any(e.text == "1月6日" and e.source == "rule" for e in article.entities)  # rules still apply
    long_text = "腾讯财报营收增长" * 80 + "。"  # one 641-character sentence: two model windows
    assert nlp(long_text).check_offsets() == []


def test_hf_ner_backend_explains_a_missing_checkpoint(tmp_path):
    with pytest.raises(pipeline.ResourceError, match="config.json"):
        pipeline.load(entities__ner=f"hf:{tmp_path}")
