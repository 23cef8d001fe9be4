"""The neural tagger (char CNN + BiLSTM + CRF): its CRF layer, training, files, gazetteers, vectors."""

from __future__ import annotations

import io
import itertools
import json
import zipfile

import pytest
import torch

from arabic.matching import Gazetteer
from arabic.ner.crf import CrfModel
from arabic.ner.ensemble import combine, crf_marginals, decode
from arabic.ner.neural import (
    FORMAT,
    Hyper,
    ModelFileError,
    NeuralModel,
)
from tests.arabic.ner.conftest import TINY, crf_module



def _score(module, em, path):
    s = module.start[path[0]] + em[0, path[0]]
    for i in range(1, len(path)):
        s = s + module.trans[path[i - 1], path[i]] + em[i, path[i]]
    return s + module.end[path[-1]]


@pytest.mark.parametrize("lengths", [[1], [3], [4, 2], [2, 4, 1]])
@torch.no_grad()
def test_crf_layer_agrees_with_brute_force(lengths):
    module = crf_module(seed=len(lengths))
    k, t = 3, max(lengths)
    em = torch.randn(len(lengths), t, k)
    mask = torch.arange(t).unsqueeze(0) < torch.tensor(lengths).unsqueeze(1)
    paths = module.viterbi(em, mask)
    log_z, _ = module.log_partition(em, mask)
    marg = module.marginals(em, mask)
    for r, n in enumerate(lengths):
        every = list(itertools.product(range(k), repeat=n))
        scores = torch.stack([_score(module, em[r], p) for p in every])
        assert paths[r, :n].tolist() == list(every[int(scores.argmax())])
        assert float(log_z[r]) == pytest.approx(float(torch.logsumexp(scores, 0)), abs=1e-4)
        probs = torch.softmax(scores, 0)
        for i in range(n):
            expected = [float(sum(p for path, p in zip(every, probs) if path[i] == tag)) for tag in range(k)]
            assert marg[r, i].tolist() == pytest.approx(expected, abs=1e-4)


@torch.no_grad()
def test_nll_is_minus_log_probability_of_the_gold_path():
    module = crf_module(seed=7)
    em = torch.randn(1, 3, 3)
    mask = torch.ones(1, 3, dtype=torch.bool)
    gold = torch.tensor([[2, 0, 1]])
    every = list(itertools.product(range(3), repeat=3))
    log_z = torch.logsumexp(torch.stack([_score(module, em[0], p) for p in every]), 0)
    assert float(module.nll(em, gold, mask)) == pytest.approx(float(log_z - _score(module, em[0], [2, 0, 1])), abs=1e-4)


def test_training_learns_the_training_data(model, training):
    assert model.predict_many([w for w, _ in training]) == [list(t) for _, t in training]
    assert model.version == "nn-test" and model.labels == ["LOC", "ORG", "PERS"]
    assert model.meta["format"] == FORMAT and model.meta["sentences"] == len(training)


def test_marginals_are_probabilities_and_match_the_tags(model, training):
    out = model.predict_marginals([w for w, _ in training[:3]] + [[]])
    assert out[-1] == ([], [])
    for (tags, probs), (_words, gold) in zip(out[:3], training[:3]):
        assert tags == list(gold)
        for tag, p in zip(tags, probs):
            assert sum(p.values()) == pytest.approx(1.0, abs=1e-4)
            assert p[tag] == max(p.values())


def test_empty_sentences_and_bad_input(model):
    assert model.predict_tags([]) == []
    assert model.predict_many([[], ["في"]])[0] == []
    with pytest.raises(ValueError, match="no training sentences"):
        NeuralModel.train([], hyper=TINY)
    with pytest.raises(ValueError, match="2 tokens but 1 tags"):
        NeuralModel.train([(["أ", "ب"], ["O"])], hyper=TINY)


def test_file_round_trip_gives_the_same_predictions(model, training, tmp_path):
    path = tmp_path / "m.nn"
    model.save(path)
    loaded = NeuralModel.load(path)
    sentences = [w for w, _ in training] + [["كلمة", "جديدة", "تماما"]]
    assert loaded.predict_many(sentences) == model.predict_many(sentences)
    assert loaded.meta == model.meta and sorted(loaded.gazetteer.items()) == sorted(model.gazetteer.items())


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda files: files.update({"meta.json": b"{"}), "not a newsreader neural entity model"),
        (lambda files: files.pop("weights.pt"), "not a newsreader neural entity model"),
        (lambda files: files.update({"weights.pt": files["weights.pt"] + b"x"}), "do not match their checksum"),
        (
            lambda files: files.update({"meta.json": json.dumps({**json.loads(files["meta.json"]), "format": "x/9"}).encode()}),
            "format 'x/9'",
        ),
    ],
)
def test_broken_files_are_refused_with_a_clear_error(model, tmp_path, change, message):
    good = tmp_path / "good.nn"
    model.save(good)
    with zipfile.ZipFile(good) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    change(files)
    bad = tmp_path / "bad.nn"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    with pytest.raises(ModelFileError, match=message):
        NeuralModel.load(bad)


def test_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "junk.nn"
    path.write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="junk.nn"):
        NeuralModel.load(path)


@pytest.mark.parametrize("known", [False, True])
def test_gazetteer_names_reach_the_tagger(training, known):
    g = Gazetteer([("لودريان", "PERS")]) if known else None
    m = NeuralModel.train(training, gazetteer=g, hyper=TINY)
    assert ("لودريان" in m.gazetteer) == known
    # the app's gazetteer given at prediction time is merged with the model's, not stored in it
    m.predict_tags(["قال", "لودريان"], gazetteer=Gazetteer([("قال", "ORG")]))
    assert "قال" not in m.gazetteer


def test_vectors_start_the_word_table_and_widen_the_vocabulary(training):
    vectors = {"بغداد": [0.5] * 5, "كلمةنادرة": [0.25] * 5}
    m = NeuralModel.train(training, hyper=Hyper(**{**TINY.__dict__, "epochs": 1, "lr": 0.0}), vectors=vectors)
    assert m.meta["hyper"]["word_dim"] == 5
    index = {w: i + 2 for i, w in enumerate(m.meta["words"])}
    assert "كلمةنادرة" in index
    table = m.module.word.weight.detach()
    assert table[index["كلمةنادرة"]].tolist() == pytest.approx([0.25] * 5)



@pytest.mark.parametrize("freeze", [True, False])
def test_given_vectors_stay_frozen_unless_asked(training, freeze):
    vectors = {"بايدن": [0.5] * 5, "كلمةنادرة": [0.25] * 5}
    hyper = Hyper(**{**TINY.__dict__, "epochs": 2, "freeze_vectors": freeze})
    m = NeuralModel.train(training, hyper=hyper, vectors=vectors)
    index = {w: i + 2 for i, w in enumerate(m.meta["words"])}
    row = m.module.word.weight.detach()[index["بايدن"]].tolist()
    assert (row == pytest.approx([0.5] * 5)) == freeze
    # the saved model reads back whatever was frozen
    assert NeuralModel.load(io.BytesIO(_bytes(m))).predict_many([["بايدن"]]) == m.predict_many([["بايدن"]])


def _bytes(m):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        m.save(Path(tmp) / "m.nn")
        return (Path(tmp) / "m.nn").read_bytes()


def test_the_apps_gazetteer_is_merged_once_per_version(model):
    app = Gazetteer([("لودريان", "PERS")])
    first = model._gazetteer_for(app)
    assert "لودريان" in first and model._gazetteer_for(app) is first
    assert model._gazetteer_for(None) is model.gazetteer and model._gazetteer_for(Gazetteer()) is model.gazetteer
    app.add("ظريف", "PERS")
    again = model._gazetteer_for(app)
    assert again is not first and "ظريف" in again and "ظريف" not in model.gazetteer

# --- combining taggers (arabic.ner.ensemble) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "probabilities, expected",
    [
        ([], []),
        ([{"O": 0.6, "B-PERS": 0.4}], ["O"]),
        # an I- first is not valid: the best valid start wins
        ([{"I-PERS": 0.7, "B-PERS": 0.2, "O": 0.1}], ["B-PERS"]),
        # I-LOC after B-PERS is not valid: either B-PERS I-PERS or B-PERS B-LOC...
        ([{"B-PERS": 0.9, "O": 0.1}, {"I-LOC": 0.5, "I-PERS": 0.3, "B-LOC": 0.2}], ["B-PERS", "I-PERS"]),
        ([{"B-LOC": 0.9, "O": 0.1}, {"I-LOC": 0.5, "I-PERS": 0.3, "O": 0.2}], ["B-LOC", "I-LOC"]),
    ],
)
def test_decode_finds_the_best_valid_bio_sequence(probabilities, expected):
    assert decode(probabilities) == expected


@pytest.mark.parametrize(
    "weights, expected",
    [([1, 0], ["B-PERS", "O"]), ([0, 1], ["O", "B-LOC"]), ([1, 1], ["B-PERS", "B-LOC"]), (None, ["B-PERS", "B-LOC"])],
)
def test_combine_weighs_the_members(weights, expected):
    a = [{"B-PERS": 0.9, "O": 0.1}, {"O": 0.8, "B-LOC": 0.2}]
    b = [{"B-PERS": 0.3, "O": 0.7}, {"O": 0.1, "B-LOC": 0.9}]
    assert combine([a, b], weights) == expected


@pytest.mark.parametrize(
    "members, weights, message",
    [
        ([], None, "at least one"),
        ([[{"O": 1.0}], []], None, "different numbers of words"),
        ([[{"O": 1.0}]], [1, 2], "one non-negative weight"),
        ([[{"O": 1.0}]], [0], "not all zero"),
        ([[{"O": 1.0}]], [-1], "non-negative"),
    ],
)
def test_combine_refuses_bad_input(members, weights, message):
    with pytest.raises(ValueError, match=message):
        combine(members, weights)


def test_combining_a_crf_and_the_neural_tagger(model, training):
    crf = CrfModel.train(training * 3, max_iterations=60, version="crf-test")
    sentences = [w for w, _ in training]
    from_crf = crf_marginals(crf, sentences + [[]])
    assert from_crf[-1] == []
    for probs, words in zip(from_crf, sentences):
        assert len(probs) == len(words) and all(sum(p.values()) == pytest.approx(1.0, abs=1e-6) for p in probs)
    from_nn = [p for _tags, p in model.predict_marginals(sentences)]
    gold = [list(t) for _, t in training]
    assert [combine([c, n], [0.5, 0.5]) for c, n in zip(from_crf, from_nn)] == gold
    # one member alone gives that member's own best path
    assert [combine([c]) for c in from_crf[:-1]] == crf.predict_many(sentences)
