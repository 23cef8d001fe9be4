"""Shared fixtures of the entity taggers' tests: a tiny neural tagger trained once per test process."""

from __future__ import annotations

import io

import pytest
import torch

from arabic.conll import read_conll
from arabic.ner.neural import Hyper, NeuralModel, _build_module

TINY = Hyper(word_dim=8, char_dim=6, char_filters=8, tag_dim=3, shape_dim=2, hidden=12, dropout=0.0, epochs=40, batch=4, lr=0.02)


@pytest.fixture(scope="package")
def training():
    from tests.arabic.conftest import TINY_CONLL_TRAIN

    return [(s.tokens, s.tags) for s in read_conll(io.StringIO(TINY_CONLL_TRAIN))]


@pytest.fixture(scope="package")
def model(training):
    torch.set_num_threads(1)
    return NeuralModel.train(training, hyper=TINY, version="nn-test")


def crf_module(n_tags=3, seed=0):
    """A CRF layer with random transitions (its emissions are given by each test)."""
    meta = {"hyper": TINY.__dict__, "words": ["a"], "chars": ["a"], "shapes": ["a"], "tags": [str(i) for i in range(n_tags)]}
    torch.manual_seed(seed)
    module = _build_module(meta)
    with torch.no_grad():
        module.trans.normal_()
        module.start.normal_()
        module.end.normal_()
    return module
