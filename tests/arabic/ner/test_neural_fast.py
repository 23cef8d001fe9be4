"""arabic/ner/neural_fast.py: the neural tagger's fast inference against the network's own marginals."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from arabic.matching import Gazetteer
from arabic.ner.neural import NeuralModel
from arabic.ner.neural_fast import _forward_backward
from tests.arabic.ner.conftest import TINY, crf_module


@pytest.mark.parametrize("lengths", [[1], [3], [4, 2], [2, 4, 1], [5, 5]])
@torch.no_grad()
def test_numpy_forward_backward_agrees_with_brute_force(lengths):
    # the fast path's CRF layer (arabic.ner.neural._forward_backward): scaled probabilities in float64,
    # sentences padded to the longest (the padding's emissions are noise, never read)
    module = crf_module(seed=10 + len(lengths))
    k, t = 3, max(lengths)
    em = torch.randn(len(lengths), t, k, dtype=torch.float64) * 3
    trans, start, end = (x.double() for x in (module.trans, module.start, module.end))
    marg = _forward_backward(em.numpy(), np.array(lengths), trans.numpy(), start.numpy(), end.numpy())
    for r, n in enumerate(lengths):
        every = list(itertools.product(range(k), repeat=n))
        scores = []
        for path in every:
            score = start[path[0]] + em[r, 0, path[0]] + end[path[-1]]
            score = score + sum(trans[path[i - 1], path[i]] + em[r, i, path[i]] for i in range(1, n))
            scores.append(score)
        probs = torch.softmax(torch.stack(scores), 0)
        for i in range(n):
            expected = [float(sum(p for path, p in zip(every, probs) if path[i] == tag)) for tag in range(k)]
            assert marg[r, i].tolist() == pytest.approx(expected, abs=1e-12)


def _reference_marginals(model, sentences, gazetteer=None):
    """marginals() of the module as trained, one sentence at a time, in float64 (float32 log-space sums drift
    on long sentences: row sums of 1.0002 on a 384-word sentence)."""
    from arabic.ner.features import gazetteer_tags

    g = model._gazetteer_for(gazetteer)
    module = model.module
    out = []
    with torch.inference_mode():
        for words in sentences:
            folded = [model._entry(w)[4] for w in words]
            enc = model._encode(words, gazetteer_tags(g, words, folded), gazetteer_tags(model.lexicon, words, folded))
            inputs, mask = model._batch([enc])
            em = module.emissions(*inputs).double()
            trans, start, end = (x.double() for x in (module.trans, module.start, module.end))
            out.append(_forward_backward(em.numpy(), np.array([len(words)]), trans.numpy(), start.numpy(), end.numpy())[0])
    return out


def test_marginal_arrays_are_the_modules_marginals(model, training):
    sentences = [w for w, _ in training] + [["كلمة", "لم", "ترها", "الشبكة", "قط"]]
    expected = _reference_marginals(model, sentences)
    # all the sentences in one padded batch, with an empty one among them
    got = model.marginal_arrays(sentences[:2] + [[]] + sentences[2:])
    assert got[2].shape == (0, len(model.meta["tags"]))
    del got[2]
    for a, b in zip(got, expected):
        assert a.shape == b.shape and np.abs(a - b).max() < 1e-5
        assert np.allclose(a.sum(axis=1), 1.0, atol=1e-12)
    # the same through torch's float32 marginals, at a float32 tolerance
    for a, (_tags, probs) in zip(got, model.predict_marginals(sentences)):
        assert np.abs(a - np.array([[p[t] for t in model.meta["tags"]] for p in probs])).max() < 1e-4
    assert model.marginal_arrays([]) == [] and [x.shape for x in model.marginal_arrays([[]])] == [(0, len(model.meta["tags"]))]


def test_marginal_arrays_with_the_apps_gazetteer(training):
    model = NeuralModel.train(training, hyper=TINY, gazetteer=Gazetteer([("بايدن", "PERS")]))
    app = Gazetteer([("لودريان", "PERS"), ("تشاتام هاوس", "ORG")])
    sentences = [["وقال", "لودريان", "في", "تشاتام", "هاوس", "إن", "بايدن", "هنا"]]
    with_app = model.marginal_arrays(sentences, gazetteer=app)
    assert np.abs(with_app[0] - _reference_marginals(model, sentences, app)[0]).max() < 1e-5
    # the gazetteer reaches the network: other probabilities than without it
    assert np.abs(with_app[0] - model.marginal_arrays(sentences)[0]).max() > 1e-6


def test_the_word_form_cache_grows_and_starts_again_when_full(model, training, monkeypatch):
    sentences = [w for w, _ in training]
    expected = _reference_marginals(model, sentences)
    fresh = NeuralModel(model.meta, model.weights, model.gazetteer, model.lexicon)
    forms = {w for s in sentences for w in s}
    monkeypatch.setattr(NeuralModel, "_STATIC_SIZE", len(forms) // 2)
    # more forms than the cache holds: it starts again whenever it would overflow; the answers do not change
    for _ in range(2):
        for s, e in zip(sentences, expected):
            assert np.abs(fresh.marginal_arrays([s])[0] - e).max() < 1e-5
        assert len(fresh._static[0]) <= len(forms) // 2
    # one document with more forms than the cache holds still gets them all
    together = fresh.marginal_arrays(sentences)
    assert all(np.abs(a - e).max() < 1e-5 for a, e in zip(together, expected))
    assert len(fresh._static[0]) == len(forms)
