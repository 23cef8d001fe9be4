"""Inter-annotator agreement: pure Python and numpy, no Django (the services feed it plain data).

Three families of figures, for every pair of annotators, for all of them together, per label and
per document:

* **span F1**, exact and overlap. Two annotators' marks of one document and label are matched
  one to one; F1 = 2·matched / (|A| + |B|) (the same as precision/recall F1 taking either as the
  reference). *Exact*: same start, end and label. *Overlap*: same label and at least one shared
  code point, matched greedily in reading order;
* **Cohen's kappa on tokens** (BIO tags: a token overlapped by a mark is B- for the mark's first
  token, I- for the rest, O otherwise), by scikit-learn's ``cohen_kappa_score``;
* **Krippendorff's alpha** (nominal) on the same BIO tokens, for any number of annotators with
  missing data (an annotator not assigned to a document leaves its tokens missing), computed here
  in numpy over distinct value patterns (see :func:`alpha_tags`) and tested equal to the
  ``krippendorff`` package and to the published worked examples. The unitised αu has no
  maintained implementation, so alpha is computed on tokens, as the issue allows.

For quotes, matched quotes (overlap) also give **speaker agreement** (the share of matched pairs
naming the same speaker) and **type agreement** (the share with the same quote type).

A figure is ``None`` where it is undefined (no marks at all, or a single tag everywhere).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from operator import attrgetter

import numpy as np
from sklearn.metrics import cohen_kappa_score

ENTITY, QUOTE = "entity", "quote"
# The "label" quotes are counted under in the per-label table.
QUOTE_LABEL = "QUOTE"


@dataclass(slots=True)
class Mark:
    """One annotator's mark: a code point span with a label (entities) or ``QUOTE_LABEL`` (quotes)."""

    start: int
    end: int
    label: str
    kind: str = ENTITY
    speaker: str = ""  # a quote's speaker, as a comparable key (the speaker's span or name)
    quote_type: str = ""
    id: int | None = None


@dataclass
class Doc:
    """One document: its token spans and each assigned annotator's marks (an empty list counts)."""

    key: int
    tokens: Sequence[tuple[int, int]]
    marks: dict[str, list[Mark]]


def f1(matched: int, n_a: int, n_b: int) -> float | None:
    return 2 * matched / (n_a + n_b) if n_a + n_b else None


def match_exact(a: Iterable[Mark], b: Iterable[Mark]) -> list[tuple[Mark, Mark]]:
    """Pairs of marks with the same span and label."""
    by_key = {(m.start, m.end, m.label): m for m in b}
    return [(m, by_key[k]) for m in a if (k := (m.start, m.end, m.label)) in by_key]


def match_overlap(a: Sequence[Mark], b: Sequence[Mark]) -> list[tuple[Mark, Mark]]:
    """One-to-one pairs of marks of the same label sharing at least one code point.

    Greedy in reading order per label: an annotator's marks of one label rarely overlap each other,
    and for such marks this is a maximum matching.
    """
    pairs: list[tuple[Mark, Mark]] = []
    groups_b: dict[str, list[Mark]] = defaultdict(list)
    for m in b:
        groups_b[m.label].append(m)
    groups_a: dict[str, list[Mark]] = defaultdict(list)
    for m in a:
        groups_a[m.label].append(m)
    for label, left in groups_a.items():
        right = groups_b.get(label)
        if not right:
            continue
        left = sorted(left, key=lambda m: (m.start, m.end))
        right = sorted(right, key=lambda m: (m.start, m.end))
        i = j = 0
        while i < len(left) and j < len(right):
            x, y = left[i], right[j]
            if x.end <= y.start:
                i += 1
            elif y.end <= x.start:
                j += 1
            else:
                pairs.append((x, y))
                i += 1
                j += 1
    return pairs


def bio_codes(tokens: Sequence[tuple[int, int]], marks: Iterable[Mark], labels: Sequence[str]) -> np.ndarray:
    """Integer BIO tags of the tokens: 0 is O; label i is B = 2i+1, I = 2i+2 (where marks overlap, B wins)."""
    codes = np.zeros(len(tokens), dtype=np.int16)
    index = {label: i for i, label in enumerate(labels)}
    kept = [(m.start, m.end, index[m.label]) for m in marks if m.label in index]
    if not len(tokens) or not kept:
        return codes
    spans = tokens if isinstance(tokens, np.ndarray) else np.asarray(tokens, dtype=np.int64)
    marks_ = np.asarray(kept, dtype=np.int64)
    first = np.searchsorted(spans[:, 1], marks_[:, 0], side="right")  # first token ending after the start
    last = np.searchsorted(spans[:, 0], marks_[:, 1], side="left")  # tokens starting before the end
    ok = first < last
    first, last, label = first[ok], last[ok], marks_[ok, 2]
    inside = last - first - 1  # tokens after the first one
    if inside.sum():
        offsets = np.repeat(np.cumsum(inside) - inside, inside)
        positions = np.repeat(first + 1, inside) + np.arange(int(inside.sum())) - offsets
        codes[positions] = np.repeat(2 * label + 2, inside)
    codes[first] = 2 * label + 1
    return codes


def kappa(a: np.ndarray, b: np.ndarray, n_values: int | None = None) -> float | None:
    """Cohen's kappa of two tag sequences (scikit-learn); None when undefined (one tag everywhere, or nothing).

    ``n_values``: the tags are 0..n_values-1, which spares scikit-learn a Python loop over every tag.
    """
    if len(a) == 0 or (a.min() == a.max() == b.min() == b.max()):
        return None
    labels = np.arange(n_values) if n_values is not None else np.union1d(np.unique(a), np.unique(b))
    return float(cohen_kappa_score(a, b, labels=labels))


def alpha_tags(tags: np.ndarray) -> float | None:
    """Krippendorff's nominal alpha of an annotators × units matrix of integer values (-1 = missing).

    The coincidence matrix is a sum over units of a function of each unit's value counts, so units
    with the same counts are computed once and weighted (a project's tokens are mostly "everyone
    said O"). The ``krippendorff`` package computes the same figure but materialises units × values
    × values (400 MB for a 1,000-article project); the tests hold the two equal. None when undefined.
    """
    if tags.size == 0:
        return None
    n_values = int(tags.max()) + 1
    if n_values < 1:
        return None
    # Each unit's value counts as one integer: sum over annotators of base ** value (base > annotators).
    base = int(tags.shape[0]) + 1
    if base**n_values >= 2**62:  # pragma: no cover - more values and annotators than one integer holds
        raise ValueError("too many distinct values for alpha_tags")
    powers = base ** np.arange(n_values, dtype=np.int64)
    valid = tags >= 0
    keys = np.where(valid, powers[np.maximum(tags, 0)], 0).sum(axis=0)
    keys = keys[valid.sum(axis=0) >= 2]  # only pairable units count
    if not len(keys):
        return None
    keys, weight = np.unique(keys, return_counts=True)
    patterns = (keys[:, None] // powers[None, :]) % base
    m = patterns.sum(axis=1).astype(np.float64)
    outer = patterns[:, :, None] * patterns[:, None, :] - np.einsum("uc,ck->uck", patterns, np.eye(n_values, dtype=np.int64))
    coincidences = np.einsum("u,uck->ck", weight / (m - 1), outer)
    n_c = coincidences.sum(axis=1)
    n = n_c.sum()
    expected = n * n - (n_c**2).sum()
    if expected <= 0:
        return None
    observed = n - np.trace(coincidences)
    return float(1 - (n - 1) * observed / expected)


def alpha(data: np.ndarray) -> float | None:
    """Krippendorff's nominal alpha of an annotators × units matrix of any values (NaN = missing)."""
    data = np.asarray(data, dtype=np.float64)
    present = ~np.isnan(data)
    values, codes = np.unique(data[present], return_inverse=True)
    tags = np.full(data.shape, -1, dtype=np.int64)
    tags[present] = codes
    return alpha_tags(tags)


def restrict(codes: np.ndarray, label_index: int) -> np.ndarray:
    """The tags of one label only, as 0 (O or another label), 1 (B) and 2 (I); missing (-1) stays missing."""
    out = np.where(codes < 0, -1, 0).astype(codes.dtype)
    out[codes == 2 * label_index + 1] = 1
    out[codes == 2 * label_index + 2] = 2
    return out


@dataclass
class Figures:
    """Agreement of two annotators (or all of them) on one label (or all labels)."""

    exact_f1: float | None = None
    overlap_f1: float | None = None
    kappa: float | None = None
    alpha: float | None = None
    marks_a: int = 0
    marks_b: int = 0
    matched_exact: int = 0
    matched_overlap: int = 0
    speaker_agreement: float | None = None
    type_agreement: float | None = None


@dataclass
class Report:
    annotators: list[str]
    labels: list[str]
    pairs: dict[tuple[str, str], Figures] = field(default_factory=dict)
    # (pair or None for all annotators, label or None for all labels)
    by_label: dict[tuple[tuple[str, str] | None, str | None], Figures] = field(default_factory=dict)
    documents: dict[int, Figures] = field(default_factory=dict)
    overall: Figures = field(default_factory=Figures)


class _Counts:
    __slots__ = ("a", "b", "exact", "overlap", "quote_pairs", "speaker_same", "type_same")

    def __init__(self):
        self.a = self.b = self.exact = self.overlap = self.quote_pairs = self.speaker_same = self.type_same = 0

    def add(self, a: Sequence[Mark], b: Sequence[Mark]) -> None:
        """Count two annotators' marks of ONE label, each list in reading order."""
        self.a += len(a)
        self.b += len(b)
        if not a or not b:
            return
        self.exact += len({(m.start, m.end) for m in a} & {(m.start, m.end) for m in b})
        i = j = 0
        while i < len(a) and j < len(b):
            x, y = a[i], b[j]
            if x.end <= y.start:
                i += 1
            elif y.end <= x.start:
                j += 1
            else:
                self.overlap += 1
                if x.kind == QUOTE:
                    self.quote_pairs += 1
                    self.speaker_same += x.speaker == y.speaker
                    self.type_same += x.quote_type == y.quote_type
                i += 1
                j += 1

    def merge(self, other: _Counts) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> Figures:
        q = self.quote_pairs
        return Figures(
            exact_f1=f1(self.exact, self.a, self.b),
            overlap_f1=f1(self.overlap, self.a, self.b),
            marks_a=self.a,
            marks_b=self.b,
            matched_exact=self.exact,
            matched_overlap=self.overlap,
            speaker_agreement=self.speaker_same / q if q else None,
            type_agreement=self.type_same / q if q else None,
        )


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _combine(counts: Iterable[_Counts]) -> Figures:
    """Several pairs (or labels) together: span figures pooled (micro-averaged)."""
    total = _Counts()
    for c in counts:
        total.merge(c)
    return total.figures()


def compute(docs: Sequence[Doc], labels: Sequence[str]) -> Report:
    """Every figure of the module docstring over ``docs`` (labels: the entity codes and ``QUOTE_LABEL``).

    Spans are matched per label (an overlap match needs the same label), so the all-labels figures
    are the per-label counts pooled. Tokens: one row of BIO tags per annotator over every
    document's tokens, -1 where the annotator was not assigned.
    """
    labels = list(labels)
    annotators = sorted({name for doc in docs for name in doc.marks})
    pairs = list(combinations(annotators, 2))
    report = Report(annotators=annotators, labels=labels)
    counts = {(pair, label): _Counts() for pair in pairs for label in labels}
    sizes = [len(doc.tokens) for doc in docs]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    tags = np.full((len(annotators), int(offsets[-1])), -1, dtype=np.int16)
    row = {name: i for i, name in enumerate(annotators)}
    order = attrgetter("start", "end")
    for d, doc in enumerate(docs):
        grouped = {}
        spans = np.asarray(doc.tokens, dtype=np.int64).reshape(-1, 2)  # once per document, not per annotator
        for name, marks in doc.marks.items():
            tags[row[name], offsets[d] : offsets[d + 1]] = bio_codes(spans, marks, labels)
            groups: dict[str, list[Mark]] = defaultdict(list)
            for m in sorted(marks, key=order):
                groups[m.label].append(m)
            grouped[name] = groups
        document, paired = _Counts(), False
        for a, b in pairs:
            if a not in grouped or b not in grouped:
                continue
            paired = True
            ga, gb = grouped[a], grouped[b]
            for label in labels:
                la, lb = ga.get(label, ()), gb.get(label, ())
                if la or lb:
                    one = _Counts()
                    one.add(la, lb)
                    counts[((a, b), label)].merge(one)
                    document.merge(one)
        if paired:
            report.documents[doc.key] = document.figures()

    n_values = 2 * len(labels) + 1
    label_rows = {label: np.stack([restrict(t, i) for t in tags]) if len(tags) else tags for i, label in enumerate(labels)}
    for pair in pairs:
        ia, ib = row[pair[0]], row[pair[1]]
        both = (tags[ia] >= 0) & (tags[ib] >= 0)
        for label in [None, *labels]:
            source = tags if label is None else label_rows[label]
            x, y = source[ia][both], source[ib][both]
            figures = (
                _combine(counts[(pair, other)] for other in labels) if label is None else counts[(pair, label)].figures()
            )
            figures.kappa = kappa(x, y, n_values if label is None else 3)
            figures.alpha = alpha_tags(np.stack([x, y]))
            report.by_label[(pair, label)] = figures
        report.pairs[pair] = report.by_label[(pair, None)]
    for label in [None, *labels]:
        source = tags if label is None else label_rows[label]
        chosen = labels if label is None else [label]
        together = _combine(counts[(pair, other)] for pair in pairs for other in chosen)
        together.kappa = _mean(report.by_label[(pair, label)].kappa for pair in pairs)  # mean pairwise (Light's)
        together.alpha = alpha_tags(source) if len(annotators) >= 2 else None
        report.by_label[(None, label)] = together
    report.overall = report.by_label[(None, None)]
    return report


def disagreements(marks: dict[str, list[Mark]], a: str, b: str, label: str | None = None) -> list[tuple[Mark | None, Mark | None, str]]:
    """The marks of ``a`` and ``b`` in one document that do not agree exactly, side by side.

    Each row is (a's mark or None, b's mark or None, why): ``"boundary"`` (same label, overlapping),
    ``"label"`` (overlapping, another label), ``"speaker"``/``"type"`` (matched quotes that differ),
    ``"missing"`` (only one of them marked it). Reading order.
    """
    left = [m for m in marks.get(a, []) if label is None or m.label == label]
    right = [m for m in marks.get(b, []) if label is None or m.label == label]
    exact = match_exact(left, right)
    rows: list[tuple[Mark | None, Mark | None, str]] = []
    for x, y in exact:
        if x.kind == QUOTE and x.speaker != y.speaker:
            rows.append((x, y, "speaker"))
        elif x.kind == QUOTE and x.quote_type != y.quote_type:
            rows.append((x, y, "type"))
    done_a, done_b = {id(x) for x, _ in exact}, {id(y) for _, y in exact}
    rest_a = [m for m in left if id(m) not in done_a]
    rest_b = [m for m in right if id(m) not in done_b]
    for x, y in match_overlap(rest_a, rest_b):
        rows.append((x, y, "boundary"))
        done_a.add(id(x))
        done_b.add(id(y))
    rest_a = [m for m in rest_a if id(m) not in done_a]
    rest_b = [m for m in rest_b if id(m) not in done_b]
    # Overlapping marks with different labels.
    for x in list(rest_a):
        y = next((y for y in rest_b if y.start < x.end and x.start < y.end), None)
        if y is not None:
            rows.append((x, y, "label"))
            rest_a.remove(x)
            rest_b.remove(y)
    rows.extend((x, None, "missing") for x in rest_a)
    rows.extend((None, y, "missing") for y in rest_b)
    rows.sort(key=lambda r: min(m.start for m in r[:2] if m is not None))
    return rows
