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


# --- the same on arrays: what the suggestion pass runs ---------------------------------------------------
#
# :func:`combine` and :func:`decode` work on one dict per word, readable and slow
# (about 12,000 words/s/core for the whole combined tagging). The functions below
# do the same on numpy arrays of shape (words, tags), the columns in the order of
# ``sorted(tags)`` (the order :func:`decode` breaks ties in), and decode all the
# sentences of a document at once: one Viterbi step is a handful of numpy
# operations over every sentence. The results are the same as decode(combine(...))
# (tests/arabic/ner/test_ensemble.py compares them, invalid-BIO repairs included).


def transitions(tags: Sequence[str]):
    """``(start, step)`` log-penalties of valid BIO: 0 where allowed, -inf where not (``step[previous, tag]``)."""
    import numpy as np

    start = np.array([0.0 if _allowed(None, t) else -np.inf for t in tags])
    step = np.array([[0.0 if _allowed(a, b) else -np.inf for b in tags] for a in tags])
    return start, step


def mean_arrays(members, weights: Sequence[float] | None = None):
    """The weighted mean of several taggers' (words, tags) probability arrays (one sentence or a stack)."""
    if not len(members):
        raise ValueError("combine needs at least one tagger's probabilities")
    shapes = {m.shape for m in members}
    if len(shapes) != 1:
        raise ValueError(f"the taggers' probabilities have different shapes: {sorted(shapes)}")
    weights = list(weights) if weights is not None else [1.0] * len(members)
    if len(weights) != len(members) or any(w < 0 for w in weights) or not sum(weights):
        raise ValueError(f"need one non-negative weight per tagger, not all zero: {weights}")
    # summed in the order combine() sums (0 + w1·p1 + w2·p2 ..., then / total): the same floats
    total = weights[0] * members[0]
    for w, m in zip(weights[1:], members[1:]):
        total = total + w * m
    return total / sum(weights)


def decode_arrays(probabilities, tags: Sequence[str], penalties=None) -> list:
    """The best valid BIO sequence (as column numbers, one int array a sentence) for each (words, tags) array.

    ``tags``: the columns' tags, sorted (ties go to the first column, as in :func:`decode`);
    ``penalties``: :func:`transitions` of ``tags`` when the caller keeps them.
    """
    import numpy as np

    if list(tags) != sorted(tags):
        raise ValueError(f"the columns must be in sorted tag order (decode's tie-breaking): {list(tags)}")
    start, step = penalties if penalties is not None else transitions(tags)
    lengths = [len(p) for p in probabilities]
    out: list = [np.zeros(0, dtype=np.intp) for _ in probabilities]
    live = [i for i, n in enumerate(lengths) if n]
    if not live:
        return out
    k = len(tags)
    b, t = len(live), max(lengths[i] for i in live)
    logp = np.zeros((t, b, k))
    for r, i in enumerate(live):
        logp[: lengths[i], r] = np.log(probabilities[i] + _FLOOR)
    n = np.array([lengths[i] for i in live])
    score = start + logp[0]
    back = np.empty((t, b, k), dtype=np.intp)
    back[0] = np.arange(k)
    rows = np.arange(b)[:, None]
    for i in range(1, t):
        total = score[:, :, None] + step  # (sentence, previous, tag)
        best = total.argmax(axis=1)
        nxt = total[rows, best, np.arange(k)] + logp[i]
        going = (n > i)[:, None]
        # a sentence that has ended keeps its score and points each tag to itself
        score = np.where(going, nxt, score)
        back[i] = np.where(going, best, np.arange(k))
    last = score.argmax(axis=1)
    path = np.empty((t, b), dtype=np.intp)
    path[t - 1] = last
    for i in range(t - 1, 0, -1):
        last = back[i, np.arange(b), last]
        path[i - 1] = last
    for r, i in enumerate(live):
        out[i] = path[: lengths[i], r]
    return out


def chunks_with_confidence(probabilities, path, tags: Sequence[str]) -> tuple[list[tuple[str, int, int]], list[float]]:
    """``(chunks, confidences)`` of a decoded sentence: a chunk's confidence is the mean probability of its tags."""
    from arabic.ner import tagger_chunks

    names = [tags[j] for j in path.tolist()]
    chunks = tagger_chunks(names)
    if not chunks:
        return chunks, []
    picked = probabilities[range(len(names)), path]
    return chunks, [sum(picked[a:b].tolist()) / (b - a) for _, a, b in chunks]


def crf_marginal_arrays(model, sentences: Sequence[Sequence[str]], tags: Sequence[str], *, gazetteer=None) -> list:
    """A :class:`arabic.ner.crf.CrfModel`'s marginals as one (words, tags) array a sentence, columns in ``tags``."""
    import numpy as np

    tagger = model.tagger
    g = model._gazetteer_for(gazetteer)
    marginal = tagger.marginal
    out = []
    for words in sentences:
        n = len(words)
        if not n:
            out.append(np.zeros((0, len(tags))))
            continue
        tagger.set(model._items(words, g, gazetteer))
        out.append(np.array([[marginal(t, i) for t in tags] for i in range(n)]))
    return out


def align_tags(
    crf_tags: Sequence[str], neural_tags: Sequence[str], mapping: dict[str, str] | None = None
) -> tuple[list[str], list[int], list[int]]:
    """``(tags, crf columns, neural columns)``: the sorted union of the two taggers' tags, and where each
    tagger's tags go in it (a tag one tagger lacks, such as an ``I-LOC`` never seen in its training data,
    has probability 0 there, as in :func:`combine`).

    ``mapping``: neural label -> CRF label (``{"PER": "PERS"}``); a label maps to itself otherwise.
    Both taggers must have the same *labels* once mapped: anything else is a
    :class:`arabic.ner.labels.LabelMismatch` (a label only one tagger knows would be
    averaged with nothing), never a silent drop.
    """
    from arabic.ner.labels import LabelMismatch

    mapping = mapping or {}
    renamed = [t if t == "O" else t[:2] + mapping.get(t[2:], t[2:]) for t in neural_tags]
    seen: dict[str, str] = {}
    for original, name in zip(neural_tags, renamed):
        if name in seen:
            raise LabelMismatch(f"the neural tagger's tags {seen[name]} and {original} both map to {name}")
        seen[name] = original
    crf_labels = {t[2:] for t in crf_tags if t != "O"}
    nn_labels = {t[2:] for t in renamed if t != "O"}
    if crf_labels != nn_labels:
        raise LabelMismatch(
            f"the CRF and the neural tagger have different labels (CRF only: {', '.join(sorted(crf_labels - nn_labels)) or '-'}; "
            f"neural only, after mapping: {', '.join(sorted(nn_labels - crf_labels)) or '-'}): map the neural tagger's "
            f"labels explicitly or retrain it with the CRF's labels"
        )
    tags = sorted(set(crf_tags) | set(renamed))
    column = {t: j for j, t in enumerate(tags)}
    return tags, [column[t] for t in crf_tags], [column[t] for t in renamed]


class Ensemble:
    """A CRF and a neural tagger combined: per-word tag probabilities averaged (CRF ``weight``), decoded
    as the best valid BIO sequence. Stands in for the CRF in :func:`arabic.suggest.suggest`
    (``predict_spans``: the guidelines and the document pass run on the combined chunks)."""

    def __init__(self, crf, neural, *, weight: float = 0.5, mapping: dict[str, str] | None = None):
        if not 0 <= weight <= 1:
            raise ValueError(f"the CRF's weight is between 0 and 1, not {weight}")
        self.crf, self.neural, self.weight = crf, neural, weight
        self.crf_tags = sorted(crf.tagger.labels())
        self.tags, self._crf_columns, self._nn_columns = align_tags(self.crf_tags, neural.meta["tags"], mapping)
        self.penalties = transitions(self.tags)
        k = len(self.tags)
        # the common case: both taggers have every tag, and only the neural tagger's columns need reordering
        self._same = self._crf_columns == list(range(k)) and len(self._nn_columns) == k
        self._order = [self._nn_columns.index(j) for j in range(k)] if self._same else None

    @property
    def labels(self) -> list[str]:
        return self.crf.labels

    @property
    def version(self) -> str:
        return f"{self.crf.version}+{self.neural.version}"

    def chunks(self, sentences: Sequence[Sequence[str]], *, gazetteer=None) -> list[tuple[list, list[float]]]:
        """``(chunks, confidences)`` per sentence, as :meth:`arabic.ner.crf.CrfModel.predict_chunks`: a chunk is
        ``(label, first, last + 1)``, its confidence the mean combined probability of its tags."""
        import numpy as np

        tags, w = self.tags, self.weight
        from_crf = crf_marginal_arrays(self.crf, sentences, self.crf_tags, gazetteer=gazetteer)
        from_nn = self.neural.marginal_arrays(sentences, gazetteer=gazetteer)
        if self._same:
            order = self._order
            combined = [mean_arrays([c, n[:, order]], [w, 1 - w]) for c, n in zip(from_crf, from_nn)]
        else:
            combined = []
            for c, n in zip(from_crf, from_nn):
                a, b = np.zeros((len(c), len(tags))), np.zeros((len(n), len(tags)))
                a[:, self._crf_columns] = c
                b[:, self._nn_columns] = n
                combined.append(mean_arrays([a, b], [w, 1 - w]))
        paths = decode_arrays(combined, tags, self.penalties)
        return [chunks_with_confidence(p, path, tags) for p, path in zip(combined, paths)]

    def predict_tags(self, words: Sequence[str], *, gazetteer=None) -> list[str]:
        tags = ["O"] * len(words)
        for label, a, b in self.chunks([words], gazetteer=gazetteer)[0][0]:
            tags[a : b] = ["B-" + label] + ["I-" + label] * (b - a - 1)
        return tags

    def predict_spans(self, text: str, **kwargs):
        """:meth:`arabic.ner.crf.CrfModel.predict_spans` with the combined tagging."""
        return self.crf.predict_spans(text, chunker=self.chunks, **kwargs)
