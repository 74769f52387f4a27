"""The abstractive summarizer through its real loading code, on a tiny random model built here."""
import pytest
from conftest import SAMPLES

import pipeline

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def tiny_seq2seq(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-t5-zh")
    text = "".join(p.read_text(encoding="utf-8") for p in SAMPLES.glob("*.jsonl"))
    chars = sorted({c for c in text if not c.isspace()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    # BertTokenizerFast(vocab_file=...) silently ignores the file in transformers 5: pass vocab=
    transformers.BertTokenizerFast(vocab=str(folder / "vocab.txt")).save_pretrained(folder)
    config = transformers.T5Config(
        vocab_size=len(vocab), d_model=16, d_ff=32, num_layers=1, num_decoder_layers=1, num_heads=2, d_kv=8,
        pad_token_id=0, eos_token_id=3, decoder_start_token_id=0,
    )
    torch.manual_seed(0)
    model = transformers.T5ForConditionalGeneration(config)
    # a random model may emit only padding; make it emit characters, as a trained one would
    model.generation_config.suppress_tokens = [0, 1, 2, 4]
    model.save_pretrained(folder)
    return folder


def test_abstractive_summary_from_a_local_checkpoint(tiny_seq2seq):
    nlp = pipeline.load(summary__method=f"hf:{tiny_seq2seq}", summary__max_new_tokens=12, summary__num_beams=2)
    article = nlp("11月13日，腾讯控股公布2024年第三季度业绩。财报显示，腾讯第三季度营收为1671.93亿元，同比增长8%。")
    assert article.summary.method == f"hf:{tiny_seq2seq.name}"
    assert article.summary.sentences == []
    assert 0 < len(article.summary.text) <= 150
    assert " " not in article.summary.text.strip()  # no spaces between Chinese characters
    assert "t5" in nlp.meta["models"]["summary"] and "cpu" in nlp.meta["models"]["summary"]


def test_abstractive_summary_chunks_long_articles_and_keeps_the_budget(tiny_seq2seq):
    nlp = pipeline.load(
        summary__method=f"hf:{tiny_seq2seq}", summary__max_input_tokens=32, summary__max_new_tokens=40,
        summary__min_new_tokens=30, summary__num_beams=1, summary__max_chars=50,
    )
    long_text = "小米集团创始人雷军宣布小米SU7的累计交付量已经突破10万台。" * 12
    summarizer = nlp.get("summary")
    raw = nlp.make_article(long_text)
    for name in ("clean", "sentences"):
        nlp.get(name)(raw)
    assert len(summarizer.chunks(raw)) > 3
    article = nlp(long_text)
    assert 0 < len(article.summary.text) <= 50


def test_abstractive_summarizer_explains_a_missing_checkpoint(tmp_path):
    with pytest.raises(pipeline.ResourceError, match="config.json"):
        pipeline.load(summary__method=f"hf:{tmp_path / 'nowhere'}")
