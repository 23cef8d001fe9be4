"""Measured quality: entity scores (as seqeval computes them) and quote scores.

Entities — span level, exact match of span *and* label: a predicted entity is
a true positive only if a gold entity has the same first token, last token and
label. Precision, recall and F1 per label and overall (micro-averaged), like
``seqeval.metrics.classification_report`` in its default mode (the tests check
the two agree). The same counting works on character spans
(:func:`span_scores`) for suggesters that return offsets.

Quotes — against a JSON Lines gold file (see :func:`read_quote_gold`):

* quote spans, **exact** (same start and end) and **overlapping** (any shared
  character; each gold quote pairs with at most one prediction, best overlap
  first): precision, recall, F1;
* **type accuracy** and **speaker accuracy** over the overlapping pairs; a
  speaker is right when its folded text equals the gold speaker's (or one of
  the gold ``speaker_aliases``), and a quote with no speaker on either side
  counts as right only when both have none.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from arabic.ner import bio_to_chunks
from arabic.normalize import fold_text

# --- entities -----------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    support: int  # gold items
    predicted: int
    correct: int

    @classmethod
    def of(cls, correct: int, predicted: int, support: int) -> Score:
        p = correct / predicted if predicted else 0.0
        r = correct / support if support else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return cls(p, r, f, support, predicted, correct)


@dataclass(frozen=True)
class NerReport:
    per_label: dict[str, Score]
    overall: Score  # micro average

    def table(self, title: str = "entities (exact span and label)") -> str:
        rows = [(label, s) for label, s in sorted(self.per_label.items())] + [("overall (micro)", self.overall)]
        return _table(title, ["label", "precision", "recall", "f1", "gold", "predicted", "correct"], rows)


def _table(title: str, header: list[str], rows: list[tuple[str, Score]]) -> str:
    width = max([len(header[0])] + [len(name) for name, _ in rows])
    lines = [title, f"{header[0]:<{width}}  " + "  ".join(f"{h:>9}" for h in header[1:])]
    for name, s in rows:
        lines.append(
            f"{name:<{width}}  {s.precision:>9.3f}  {s.recall:>9.3f}  {s.f1:>9.3f}  "
            f"{s.support:>9}  {s.predicted:>9}  {s.correct:>9}"
        )
    return "\n".join(lines)


def _report(gold: Iterable[tuple], predicted: Iterable[tuple]) -> NerReport:
    """Score items ``(label, ...identity)``: equal tuples are a match."""
    gold_c, pred_c = Counter(gold), Counter(predicted)
    labels = sorted({k[0] for k in gold_c} | {k[0] for k in pred_c})
    per_label = {}
    for label in labels:
        g = sum(v for k, v in gold_c.items() if k[0] == label)
        p = sum(v for k, v in pred_c.items() if k[0] == label)
        c = sum(min(v, pred_c[k]) for k, v in gold_c.items() if k[0] == label)
        per_label[label] = Score.of(c, p, g)
    overall = Score.of(
        sum(s.correct for s in per_label.values()),
        sum(s.predicted for s in per_label.values()),
        sum(s.support for s in per_label.values()),
    )
    return NerReport(per_label, overall)


def ner_scores(gold_tags: Sequence[Sequence[str]], predicted_tags: Sequence[Sequence[str]]) -> NerReport:
    """Span-level scores of BIO tag sequences (one per sentence)."""
    if len(gold_tags) != len(predicted_tags):
        raise ValueError(f"{len(gold_tags)} gold sentences but {len(predicted_tags)} predicted")
    gold, pred = [], []
    for n, (g, p) in enumerate(zip(gold_tags, predicted_tags)):
        if len(g) != len(p):
            raise ValueError(f"sentence {n}: {len(g)} gold tags but {len(p)} predicted")
        gold += [(label, n, a, b) for label, a, b in bio_to_chunks(g)]
        pred += [(label, n, a, b) for label, a, b in bio_to_chunks(p)]
    return _report(gold, pred)


def span_scores(gold: Iterable, predicted: Iterable, *, labels: Iterable[str] | None = None) -> NerReport:
    """Scores of character spans: items with ``start``, ``end``, ``label`` (or tuples in that order)."""
    keep = set(labels) if labels is not None else None

    def items(spans):
        for s in spans:
            start, end, label = (s[0], s[1], s[2]) if isinstance(s, (tuple, list)) else (s.start, s.end, s.label)
            if keep is None or label in keep:
                yield (label, start, end)

    return _report(items(gold), items(predicted))


# --- cross-validation -----------------------------------------------------------


@dataclass(frozen=True)
class CrossValidation:
    folds: list[NerReport]
    pooled: NerReport  # all folds' predictions scored together
    seconds: list[float] = field(default_factory=list)

    def table(self) -> str:
        lines = [self.pooled.table(f"{len(self.folds)}-fold cross-validation, pooled (exact span and label)")]
        f1s = [f.overall.f1 for f in self.folds]
        mean = sum(f1s) / len(f1s)
        sd = (sum((x - mean) ** 2 for x in f1s) / max(1, len(f1s) - 1)) ** 0.5
        lines.append(f"overall F1 per fold: {', '.join(f'{x:.3f}' for x in f1s)}  (mean {mean:.3f} ± {sd:.3f})")
        if self.seconds:
            lines.append(f"training seconds per fold: {', '.join(f'{s:.1f}' for s in self.seconds)}")
        return "\n".join(lines)


def cross_validate(
    sentences: Sequence,
    *,
    k: int = 5,
    seed: int = 0,
    shuffle: bool = True,
    train_kwargs: dict | None = None,
    document_window: int | None = None,
) -> CrossValidation:
    """k-fold cross-validation of the CRF on ``(tokens, tags)`` sentences.

    ``shuffle``: folds of sentences drawn at random (with ``seed``); without it,
    folds are contiguous blocks — sentences of one article stay together, which
    is closer to suggesting on articles nobody has annotated yet.
    ``document_window``: apply the document-level pass (:mod:`arabic.ner.consistency`,
    as the product does per article) with the sentences within this many places
    of each test sentence as its document (a CoNLL file has no article boundaries).
    """
    import time

    from arabic.ner.crf import CrfModel

    if k < 2 or k > len(sentences):
        raise ValueError(f"k must be between 2 and the number of sentences ({len(sentences)}), not {k}")
    order = list(range(len(sentences)))
    if shuffle:
        random.Random(seed).shuffle(order)
    folds, seconds, all_gold, all_pred = [], [], [], []
    n = len(order)
    for fold in range(k):
        test_idx = set(order[fold::k]) if shuffle else set(order[fold * n // k : (fold + 1) * n // k])
        train = [_pair(sentences[i]) for i in order if i not in test_idx]
        test = [_pair(sentences[i]) for i in sorted(test_idx)]
        started = time.perf_counter()
        model = CrfModel.train(train, **(train_kwargs or {}))
        seconds.append(time.perf_counter() - started)
        predicted = predict_tags(model, [words for words, _ in test], document_window)
        gold = [tags for _, tags in test]
        folds.append(ner_scores(gold, predicted))
        all_gold += gold
        all_pred += predicted
    return CrossValidation(folds, ner_scores(all_gold, all_pred), seconds)


def predict_tags(model, sentences: Sequence[Sequence[str]], document_window: int | None = None) -> list[list[str]]:
    """The model's tags per sentence; with ``document_window``, after the document-level pass
    (the model's shipped settings, :data:`arabic.ner.crf.DOCUMENT`) over ±that many sentences."""
    if document_window is None:
        return model.predict_many(sentences)
    from arabic.ner.consistency import windowed_chunks
    from arabic.ner.crf import DOCUMENT

    tagged = [(list(words), chunks, confidences) for words, (chunks, confidences) in zip(sentences, model.predict_chunks(sentences))]
    merged = windowed_chunks(
        tagged,
        document_window,
        DOCUMENT,
        known=model._known_words(model.gazetteer),
        given_names=model.given_names(),
    )
    out = []
    for words, chunks in zip(sentences, merged):
        tags = ["O"] * len(words)
        for label, a, b, _confidence in chunks:
            tags[a : b] = ["B-" + label] + ["I-" + label] * (b - a - 1)
        out.append(tags)
    return out


def _pair(sentence) -> tuple[list[str], list[str]]:
    if hasattr(sentence, "tokens"):
        return list(sentence.tokens), list(sentence.tags)
    return list(sentence[0]), list(sentence[1])


# --- quotes ---------------------------------------------------------------------

QUOTE_TYPES = ("direct", "indirect", "partial")


class GoldFileError(ValueError):
    """A malformed gold file; the message names the line and the field."""


@dataclass(frozen=True)
class GoldQuote:
    start: int
    end: int
    type: str
    speaker: str | None = None
    speaker_aliases: tuple[str, ...] = ()
    cue: str | None = None
    text: str | None = None


def json_lines(path: str | os.PathLike):
    """``(where, record)`` for each non-blank line of a JSON Lines gold file; ``where`` is ``path:line``
    for error messages. A line that is not JSON is a :class:`GoldFileError` naming its position."""
    with open(path, encoding="utf-8") as fp:
        for number, line in enumerate(fp, start=1):
            if not line.strip():
                continue
            where = f"{os.fspath(path)}:{number}"
            try:
                yield where, json.loads(line)
            except json.JSONDecodeError as exc:
                raise GoldFileError(f"{where}: not JSON: {exc}") from None


def read_quote_gold(path: str | os.PathLike, text: str | None = None) -> list[GoldQuote]:
    """Read a quotes gold file (JSON Lines; see the README for the fields).

    With ``text``, every record's offsets are checked against it: a record
    whose ``text`` field differs from ``text[start:end]`` means the gold file
    belongs to another version of the article, and is an error.
    """
    quotes = []
    for where, record in json_lines(path):
        for key in ("start", "end", "type"):
            if key not in record:
                raise GoldFileError(f"{where}: missing field {key!r}")
        start, end, kind = record["start"], record["end"], record["type"]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
            raise GoldFileError(f"{where}: start/end must be integers with 0 <= start < end")
        if kind not in QUOTE_TYPES:
            raise GoldFileError(f"{where}: type {kind!r} is not one of {', '.join(QUOTE_TYPES)}")
        if text is not None:
            if end > len(text):
                raise GoldFileError(f"{where}: end {end} is past the end of the text ({len(text)})")
            if "text" in record and record["text"] != text[start:end]:
                raise GoldFileError(
                    f"{where}: field 'text' {record['text'][:30]!r} does not match the text at "
                    f"{start}:{end} ({text[start:end][:30]!r}): gold and article differ"
                )
        quotes.append(
            GoldQuote(
                start,
                end,
                kind,
                record.get("speaker"),
                tuple(record.get("speaker_aliases", ())),
                record.get("cue"),
                record.get("text"),
            )
        )
    return quotes


def read_entity_gold(path: str | os.PathLike, text: str | None = None) -> list[tuple[int, int, str]]:
    """Read an entities gold file: JSON Lines of ``{"start", "end", "label"[, "text"]}``."""
    spans = []
    with open(path, encoding="utf-8") as fp:
        for number, line in enumerate(fp, start=1):
            if not line.strip():
                continue
            where = f"{os.fspath(path)}:{number}"
            try:
                record = json.loads(line)
                start, end, label = record["start"], record["end"], record["label"]
            except (json.JSONDecodeError, KeyError) as exc:
                raise GoldFileError(f"{where}: expected {{start, end, label}}: {exc}") from None
            if text is not None and "text" in record and record["text"] != text[start:end]:
                raise GoldFileError(f"{where}: field 'text' does not match the text at {start}:{end}")
            spans.append((start, end, label))
    return spans


@dataclass(frozen=True)
class QuoteReport:
    exact: Score
    overlap: Score
    per_type: dict[str, Score]  # overlapping match, same type
    type_accuracy: float
    speaker_accuracy: float
    pairs: int

    def table(self) -> str:
        rows = [("span exact", self.exact), ("span overlap", self.overlap)]
        rows += [(f"  {t} (overlap+type)", s) for t, s in sorted(self.per_type.items())]
        lines = [_table("quotes", ["match", "precision", "recall", "f1", "gold", "predicted", "correct"], rows)]
        lines.append(f"type accuracy (overlapping pairs):    {self.type_accuracy:.3f}  ({self.pairs} pairs)")
        lines.append(f"speaker accuracy (overlapping pairs): {self.speaker_accuracy:.3f}")
        return "\n".join(lines)


def _speaker_right(gold: GoldQuote, predicted) -> bool:
    """Is the predicted speaker the gold one (folded)?

    Right when it equals the gold name or an alias, or when it contains the gold
    name as whole words: the mention ``السفير الأميركي جون بولتون`` names the
    speaker ``بولتون``. A title alone (``السفير``) does not contain the name.
    """
    name = getattr(predicted, "speaker", None)
    if gold.speaker is None or name is None:
        return gold.speaker is None and name is None
    said = fold_text(name).split()
    for wanted in (gold.speaker, *gold.speaker_aliases):
        words = fold_text(wanted).split()
        n = len(words)
        if n and any(said[k : k + n] == words for k in range(len(said) - n + 1)):
            return True
    return False


def quote_scores(gold: Sequence[GoldQuote], predicted: Sequence) -> QuoteReport:
    """Score predicted quotes (objects with ``start``, ``end``, ``kind``, ``speaker``) against gold."""
    gold_spans = {(g.start, g.end) for g in gold}
    pred_spans = {(p.start, p.end) for p in predicted}
    exact = Score.of(len(gold_spans & pred_spans), len(pred_spans), len(gold_spans))
    # one-to-one pairing by overlap, largest overlap first
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            shared = min(g.end, p.end) - max(g.start, p.start)
            if shared > 0:
                exactness = (g.start == p.start) + (g.end == p.end)
                candidates.append((-shared, -exactness, gi, pi))
    candidates.sort()
    used_g, used_p, pairs = set(), set(), []
    for _, _, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gold[gi], predicted[pi]))
    overlap = Score.of(len(pairs), len(predicted), len(gold))
    per_type = {}
    for t in QUOTE_TYPES:
        g_n = sum(1 for g in gold if g.type == t)
        p_n = sum(1 for p in predicted if _kind(p) == t)
        if g_n or p_n:
            c = sum(1 for g, p in pairs if g.type == t and _kind(p) == t)
            per_type[t] = Score.of(c, p_n, g_n)
    type_right = sum(1 for g, p in pairs if g.type == _kind(p))
    speaker_right = sum(1 for g, p in pairs if _speaker_right(g, p))
    n = len(pairs)
    return QuoteReport(
        exact, overlap, per_type, type_right / n if n else 0.0, speaker_right / n if n else 0.0, n
    )


def _kind(p) -> str:
    return getattr(p, "kind", None) or getattr(p, "type", None)
