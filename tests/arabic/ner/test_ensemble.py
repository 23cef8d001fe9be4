"""Combining taggers on arrays (arabic/ner/ensemble.py): the vectorised mean and valid-BIO Viterbi give what the
dict code (combine, decode) gives, invalid-BIO repairs and ties included; the Ensemble of a CRF and a neural tagger."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from arabic.ner.crf import CrfModel
from arabic.ner.ensemble import (
    Ensemble,
    align_tags,
    chunks_with_confidence,
    combine,
    crf_marginal_arrays,
    crf_marginals,
    decode,
    decode_arrays,
    mean_arrays,
)
from arabic.ner.labels import LabelMismatch
from arabic.ner.neural import Hyper, NeuralModel
from tests.arabic.ner.conftest import TINY

TAGS = sorted(["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"])


def _array(sentence, tags=TAGS):
    return np.array([[p.get(t, 0.0) for t in tags] for p in sentence]).reshape(len(sentence), len(tags))


def _new(members, weights, tags=TAGS):
    """decode_arrays(mean_arrays(...)) of dict members, one sentence, as tag strings."""
    arrays = [_array(m, tags) for m in members]
    (path,) = decode_arrays([mean_arrays(arrays, weights)], tags)
    return [tags[j] for j in path]


# hand-made tables: (members, weights); each member is one sentence of {tag: probability}
CASES = {
    "one word": ([[{"O": 0.6, "B-PERS": 0.4}]], None),
    "I- first is repaired to the best valid start": ([[{"I-PERS": 0.7, "B-PERS": 0.2, "O": 0.1}]], None),
    "I- first, only O otherwise": ([[{"I-LOC": 0.9, "O": 0.1}]], None),
    "I-LOC after B-PERS": ([[{"B-PERS": 0.9, "O": 0.1}, {"I-LOC": 0.5, "I-PERS": 0.3, "B-LOC": 0.2}]], None),
    "I-LOC after B-LOC is kept": ([[{"B-LOC": 0.9, "O": 0.1}, {"I-LOC": 0.5, "I-PERS": 0.3, "O": 0.2}]], None),
    "O then I-": ([[{"O": 0.9, "B-ORG": 0.1}, {"I-ORG": 0.8, "O": 0.15, "B-ORG": 0.05}]], None),
    "a long I- run after O becomes B- I- I-": (
        [[{"O": 0.99, "B-ORG": 0.01}, {"I-ORG": 0.6, "B-ORG": 0.1, "O": 0.3}, {"I-ORG": 0.9, "O": 0.1}, {"I-ORG": 0.9, "O": 0.1}]],
        None,
    ),
    "I-X between two other labels": (
        [[{"B-PERS": 0.8, "O": 0.2}, {"I-LOC": 0.6, "I-PERS": 0.1, "O": 0.3}, {"I-PERS": 0.5, "B-LOC": 0.5}]],
        None,
    ),
    "ties go to the first tag in sorted order": ([[{"O": 0.5, "B-PERS": 0.5}, {"I-PERS": 0.5, "O": 0.5}]], None),
    "every tag equally likely": ([[{t: 1 / 9 for t in TAGS}] * 4], None),
    "zeros everywhere but I-": ([[{"I-MISC": 1.0}, {"I-MISC": 1.0}, {"I-PERS": 1.0}]], None),
    "two members, weight 0.5": (
        [
            [{"B-PERS": 0.9, "O": 0.1}, {"O": 0.8, "B-LOC": 0.2}, {"I-LOC": 0.7, "O": 0.3}],
            [{"B-PERS": 0.3, "O": 0.7}, {"O": 0.1, "B-LOC": 0.9}, {"I-LOC": 0.2, "O": 0.8}],
        ],
        [0.5, 0.5],
    ),
    "two members, weight 0.7": (
        [
            [{"B-PERS": 0.9, "O": 0.1}, {"O": 0.8, "B-LOC": 0.2}],
            [{"B-PERS": 0.3, "O": 0.7}, {"O": 0.1, "B-LOC": 0.9}],
        ],
        [0.7, 0.3],
    ),
    "one member's weight 0": ([[{"I-PERS": 1.0}, {"O": 1.0}], [{"B-LOC": 1.0}, {"I-LOC": 1.0}]], [0, 1]),
    "three members, unequal weights": (
        [[{"B-ORG": 0.6, "O": 0.4}], [{"B-LOC": 0.7, "O": 0.3}], [{"O": 0.9, "I-ORG": 0.1}]],
        [1, 2, 0.5],
    ),
}


def _full(members, tags=TAGS):
    """Every dict with every tag (0 for those missing), as the taggers' marginals are: the dict code decides
    among the tags its dicts hold, the array code among all its columns."""
    return [[{t: p.get(t, 0.0) for t in tags} for p in m] for m in members]


@pytest.mark.parametrize("members, weights", CASES.values(), ids=CASES.keys())
def test_arrays_decode_as_the_dict_code_does(members, weights):
    assert _new(members, weights) == combine(_full(members), weights)


def test_the_hand_made_repairs_are_what_they_say():
    # the expectations themselves, so that the equality above is not two identical mistakes
    assert _new(*CASES["I- first is repaired to the best valid start"]) == ["B-PERS"]
    assert _new(*CASES["I-LOC after B-PERS"]) == ["B-PERS", "I-PERS"]
    assert _new(*CASES["a long I- run after O becomes B- I- I-"]) == ["O", "B-ORG", "I-ORG", "I-ORG"]
    assert _new(*CASES["ties go to the first tag in sorted order"]) == ["B-PERS", "I-PERS"]
    # I-PERS after I-MISC is not valid, every other tag has probability 0: a tie, to the first in sorted order
    assert _new(*CASES["zeros everywhere but I-"]) == ["B-MISC", "I-MISC", "B-LOC"]


@pytest.mark.parametrize("seed", range(4))
def test_a_batch_of_random_tables_decodes_as_each_sentence_alone(seed):
    rng = random.Random(seed)
    members = [[], []]
    for _ in range(60):
        n = rng.choice([1, 2, 3, 7, 20, 41])
        for m in members:
            sentence = []
            for _ in range(n):
                # sparse rows (many tags 0) provoke repairs; rounding provokes ties
                row = {t: round(rng.random(), 1) for t in rng.sample(TAGS, rng.randint(1, 9))}
                total = sum(row.values()) or 1.0
                sentence.append({t: v / total for t, v in row.items()} if sum(row.values()) else {"O": 1.0})
            m.append(sentence)
    weights = [rng.choice([0.5, 0.7, 1.0]), rng.choice([0.5, 0.3, 1.0])]
    full = [[_full([sentence])[0] for sentence in m] for m in members]
    old = [combine([full[0][s], full[1][s]], weights) for s in range(60)]
    arrays = [mean_arrays([_array(members[0][s]), _array(members[1][s])], weights) for s in range(60)]
    assert [[TAGS[j] for j in p] for p in decode_arrays(arrays, TAGS)] == old
    # one member alone: its own table, decoded
    assert [[TAGS[j] for j in p] for p in decode_arrays([_array(s) for s in members[0]], TAGS)] == [
        decode([{t: p.get(t, 0.0) for t in TAGS} for p in s]) for s in members[0]
    ]


def test_empty_sentences_in_a_batch():
    one = _array([{"B-PERS": 0.9, "O": 0.1}])
    out = decode_arrays([np.zeros((0, len(TAGS))), one, np.zeros((0, len(TAGS)))], TAGS)
    assert [p.tolist() for p in out] == [[], [TAGS.index("B-PERS")], []]
    assert decode_arrays([], TAGS) == []


def test_columns_must_be_in_sorted_order():
    with pytest.raises(ValueError, match="sorted tag order"):
        decode_arrays([np.ones((1, 2)) / 2], ["O", "B-PERS"])


@pytest.mark.parametrize(
    "members, weights, message",
    [
        ([], None, "at least one"),
        ([np.ones((1, 9)), np.ones((2, 9))], None, "different shapes"),
        ([np.ones((1, 9))], [1, 2], "one non-negative weight"),
        ([np.ones((1, 9))], [0], "not all zero"),
        ([np.ones((1, 9))], [-1], "non-negative"),
    ],
)
def test_mean_arrays_refuses_bad_input(members, weights, message):
    with pytest.raises(ValueError, match=message):
        mean_arrays(members, weights)


def test_a_chunks_confidence_is_the_mean_probability_of_its_tags():
    tags = ["B-PERS", "I-PERS", "O"]
    probs = np.array([[0.1, 0.0, 0.9], [0.8, 0.1, 0.1], [0.1, 0.6, 0.3], [0.2, 0.2, 0.6]])
    chunks, confidences = chunks_with_confidence(probs, np.array([2, 0, 1, 2]), tags)
    assert chunks == [("PERS", 1, 3)] and confidences == [pytest.approx(0.7)]
    assert chunks_with_confidence(probs, np.array([2, 2, 2, 2]), tags) == ([], [])


@pytest.mark.parametrize(
    "crf_tags, neural_tags, mapping, expected",
    [
        (["O", "B-PER", "I-PER"], ["O", "B-PER", "I-PER"], None, (["B-PER", "I-PER", "O"], [2, 0, 1], [2, 0, 1])),
        (["O", "B-PER", "I-PER"], ["O", "B-PERS", "I-PERS"], {"PERS": "PER"}, (["B-PER", "I-PER", "O"], [2, 0, 1], [2, 0, 1])),
        # a tag one tagger never saw (I-LOC) is a column of zeros for it
        (["B-LOC", "O"], ["O", "I-LOC", "B-LOC"], None, (["B-LOC", "I-LOC", "O"], [0, 2], [2, 1, 0])),
    ],
)
def test_align_tags_maps_labels_explicitly(crf_tags, neural_tags, mapping, expected):
    assert align_tags(crf_tags, neural_tags, mapping) == expected


@pytest.mark.parametrize(
    "crf_tags, neural_tags, mapping, message",
    [
        # the defect: PERS against PER, unmapped, is an error, never a silent drop
        (["O", "B-PER", "I-PER"], ["O", "B-PERS", "I-PERS"], None, "CRF only: PER; neural only, after mapping: PERS"),
        (["O", "B-PER", "I-PER"], ["O", "B-PER", "I-PER", "B-MISC", "I-MISC"], None, "neural only, after mapping: MISC"),
        (["O", "B-PER", "I-PER"], ["O", "B-PER", "I-PER", "B-PERS", "I-PERS"], {"PERS": "PER"}, "both map to B-PER"),
    ],
)
def test_align_tags_refuses_a_mismatch(crf_tags, neural_tags, mapping, message):
    with pytest.raises(LabelMismatch, match=message):
        align_tags(crf_tags, neural_tags, mapping)


# --- the two taggers together ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def taggers(training):
    torch.set_num_threads(1)
    crf = CrfModel.train(training * 3, max_iterations=60, version="crf-test")
    # a weakly trained network, so that the two taggers disagree somewhere
    neural = NeuralModel.train(training, hyper=Hyper(**{**TINY.__dict__, "epochs": 3}), version="nn-test")
    return crf, neural


def test_crf_marginal_arrays_are_the_crf_marginals(taggers, training):
    crf, _ = taggers
    sentences = [w for w, _ in training] + [[]]
    tags = sorted(crf.tagger.labels())
    old = crf_marginals(crf, sentences)
    new = crf_marginal_arrays(crf, sentences, tags)
    assert [a.shape for a in new] == [(len(s), len(tags)) for s in sentences]
    for a, d in zip(new, old):
        assert a.tolist() == [[p[t] for t in tags] for p in d]


@pytest.mark.parametrize("weight", [0.5, 0.7, 1.0, 0.0])
def test_the_ensemble_tags_as_the_dict_code_does(taggers, training, weight):
    crf, neural = taggers
    sentences = [w for w, _ in training] + [["لا", "شيء"], []]
    ensemble = Ensemble(crf, neural, weight=weight)
    from_crf = crf_marginals(crf, sentences)
    from_nn = [p for _t, p in neural.predict_marginals(sentences)]
    old = [combine([c, n], [weight, 1 - weight]) if c else [] for c, n in zip(from_crf, from_nn)]
    assert [ensemble.predict_tags(s) for s in sentences] == old
    if weight == 1.0:
        assert [ensemble.predict_tags(s) for s in sentences[:-1]] == crf.predict_many(sentences[:-1])


def test_the_ensemble_finds_spans_with_the_crfs_pass(taggers):
    crf, neural = taggers
    text = "وقال الرئيس بايدن في واشنطن إن الاتفاق مهم. وأكد بايدن ذلك."
    ensemble = Ensemble(crf, neural, weight=0.5)
    spans = ensemble.predict_spans(text)
    assert spans and all(text[s.start : s.end] == s.text and 0 < s.confidence <= 1 for s in spans)
    # the chunker hook alone: the CRF's own chunks give the CRF's own spans
    assert crf.predict_spans(text, chunker=lambda groups, gazetteer=None: crf.predict_chunks(groups)) == crf.predict_spans(text)
    assert ensemble.labels == crf.labels and ensemble.version == "crf-test+nn-test"


def test_the_ensemble_refuses_unmapped_labels(taggers, training):
    crf, _ = taggers
    renamed = [(w, [t.replace("PERS", "PER") for t in tags]) for w, tags in training]
    neural = NeuralModel.train(renamed, hyper=Hyper(**{**TINY.__dict__, "epochs": 1}))
    with pytest.raises(LabelMismatch, match="CRF only: PERS; neural only, after mapping: PER"):
        Ensemble(crf, neural)
    Ensemble(crf, neural, mapping={"PER": "PERS"})  # mapped explicitly: fine
    with pytest.raises(ValueError, match="between 0 and 1"):
        Ensemble(crf, neural, weight=1.5)


def test_a_tag_only_one_tagger_has_counts_as_zero_for_the_other(taggers, training):
    crf, _ = taggers
    # a network that never saw I-LOC: the CRF's I-LOC is averaged with 0, as combine() does with a missing tag
    one_word_places = [(w, ["O" if t == "I-LOC" else t for t in tags]) for w, tags in training]
    neural = NeuralModel.train(one_word_places, hyper=Hyper(**{**TINY.__dict__, "epochs": 3}))
    assert "I-LOC" not in neural.meta["tags"] and "I-LOC" in crf.tagger.labels()
    ensemble = Ensemble(crf, neural, weight=0.5)
    sentences = [w for w, _ in training]
    from_crf = crf_marginals(crf, sentences)
    from_nn = [p for _t, p in neural.predict_marginals(sentences)]
    # the dict code with every tag in every dict (the network's missing I-LOC as 0)
    full = [[{t: p.get(t, 0.0) for t in ensemble.tags} for p in n] for n in from_nn]
    assert [ensemble.predict_tags(s) for s in sentences] == [combine([c, n], [0.5, 0.5]) for c, n in zip(from_crf, full)]
