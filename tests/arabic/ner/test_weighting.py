"""Annotator weights: one prolific or careless annotator cannot flood the suggestions."""

from __future__ import annotations

import pytest

from arabic.ner.weighting import annotator_weights, keep_sentence, name_support


def test_one_annotator_keeps_full_weight():
    assert annotator_weights({"a": 1000}) == {"a": 1.0}


def test_a_prolific_annotator_is_capped_to_a_fair_share():
    counts = {"prolific": 1000, **{f"u{i}": 50 for i in range(10)}}
    weights = annotator_weights(counts, max_share=0.25)
    total = sum(counts[u] * weights[u] for u in counts)
    assert counts["prolific"] * weights["prolific"] == pytest.approx(0.25 * total, rel=1e-6)
    assert all(weights[f"u{i}"] == 1.0 for i in range(10))


def test_two_annotators_share_equally():
    weights = annotator_weights({"a": 1000, "b": 100})
    assert 1000 * weights["a"] == pytest.approx(100 * weights["b"], rel=1e-6)


def test_support_counts_distinct_annotators_not_repetitions():
    weights = {"careless": 0.1, "a": 1.0, "b": 1.0}
    marks = [("careless", "على", "PER")] * 1000 + [("a", "بايدن", "PER"), ("b", "بايدن", "PER"), ("careless", "بايدن", "PER")]
    support = name_support(marks, weights)
    assert support[("على", "PER")] == pytest.approx(0.1)
    assert support[("بايدن", "PER")] == pytest.approx(2.1)


def test_sentences_are_kept_by_weight_deterministically():
    kept = [keep_sentence(f"r:{i}", 0.2) for i in range(2000)]
    assert 300 < sum(kept) < 500
    assert kept == [keep_sentence(f"r:{i}", 0.2) for i in range(2000)]
    assert all(keep_sentence(f"r:{i}", 1.0) for i in range(50))
