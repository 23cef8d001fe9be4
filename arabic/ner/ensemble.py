"""Combining entity taggers: weighted averages of their per-word tag probabilities, decoded as valid BIO.

Each tagger gives, for every word, a probability per tag (a CRF's marginals,
:func:`crf_marginals`; the neural tagger's, :meth:`arabic.ner.neural.NeuralModel.predict_marginals`).
:func:`combine` averages them with weights and finds the most probable tag
sequence in which an ``I-X`` only follows ``B-X`` or ``I-X`` (Viterbi over the
log of the averaged probabilities).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

_FLOOR = 1e-9


def _allowed(previous: str | None, tag: str) -> bool:
    if not tag.startswith("I-"):
        return True
    return previous is not None and previous != "O" and previous[2:] == tag[2:]


def decode(probabilities: Sequence[dict[str, float]]) -> list[str]:
    """The best valid BIO sequence for per-word ``{tag: probability}`` (tags missing from a dict count as 0)."""
    if not probabilities:
        return []
    tags = sorted({t for p in probabilities for t in p})
    allowed = {b: [a for a in tags if _allowed(a, b)] for b in tags}
    score = {t: (math.log(probabilities[0].get(t, 0.0) + _FLOOR) if _allowed(None, t) else -math.inf) for t in tags}
    back = []
    for p in probabilities[1:]:
        new, pointers = {}, {}
        for b in tags:
            best = max(allowed[b], key=score.__getitem__)
            new[b] = score[best] + math.log(p.get(b, 0.0) + _FLOOR)
            pointers[b] = best
        score = new
        back.append(pointers)
    last = max(tags, key=score.__getitem__)
    path = [last]
    for pointers in reversed(back):
        last = pointers[last]
        path.append(last)
    path.reverse()
    return path


def combine(members: Sequence[Sequence[dict[str, float]]], weights: Sequence[float] | None = None) -> list[str]:
    """Tags of one sentence from several taggers' per-word probabilities (``members[m][i][tag]``)."""
    if not members:
        raise ValueError("combine needs at least one tagger's probabilities")
    n = len(members[0])
    if any(len(m) != n for m in members):
        raise ValueError(f"the taggers' probabilities cover different numbers of words: {[len(m) for m in members]}")
    weights = list(weights) if weights is not None else [1.0] * len(members)
    if len(weights) != len(members) or any(w < 0 for w in weights) or not sum(weights):
        raise ValueError(f"need one non-negative weight per tagger, not all zero: {weights}")
    total = sum(weights)
    averaged = []
    for i in range(n):
        tags = {t for m in members for t in m[i]}
        averaged.append({t: sum(w * m[i].get(t, 0.0) for w, m in zip(weights, members)) / total for t in tags})
    return decode(averaged)


def crf_marginals(model, sentences: Sequence[Sequence[str]]) -> list[list[dict[str, float]]]:
    """Per-word ``{tag: marginal probability}`` of a :class:`arabic.ner.crf.CrfModel` for each sentence."""
    tagger = model.tagger
    labels = tagger.labels()
    out = []
    for words in sentences:
        if not len(words):
            out.append([])
            continue
        model.predict_tags(list(words))  # sets the tagger's sequence for marginal()
        out.append([{t: tagger.marginal(t, i) for t in labels} for i in range(len(words))])
    return out
