"""All suggestions for one text: the suggesters run together and merged.

The Django side calls :func:`suggest` once per article revision (on import,
on text change, on demand) and stores the result as annotations with status
"suggested". Each suggester is optional:

* ``gazetteer`` — names accepted anywhere in the corpus (:mod:`arabic.matching`);
* ``crf`` — the corpus's own statistical model (:mod:`arabic.ner.crf`);
* ``bert`` — camel-tools' BERT model (:mod:`arabic.ner.bert`), when installed;
* quotes are always looked for (:mod:`arabic.quotes`), with the entities
  known or suggested as speaker hints.

The same span with the same label from several suggesters becomes one
suggestion listing them all, with the highest confidence. Spans a person
rejected in this text (``rejected``) and spans already annotated
(``occupied``) are not suggested again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace

from arabic.matching import Gazetteer, text_hash
from arabic.ner.labels import LabelMismatch
from arabic.normalize import fold
from arabic.quotemarks import quoted_regions
from arabic.quotes import Quote, find_quotes
from arabic.sentences import split_sentences
from arabic.tokens import token_spans, tokenize


@dataclass(frozen=True, slots=True)
class EntitySuggestion:
    start: int
    end: int
    text: str
    label: str
    confidence: float
    suggester: str  # the most confident suggester
    suggesters: tuple[str, ...]  # every suggester that proposed this span and label


@dataclass(frozen=True)
class Suggestions:
    entities: list[EntitySuggestion]
    quotes: list[Quote]


def suggest(
    text: str,
    *,
    gazetteer: Gazetteer | None = None,
    crf=None,
    bert=None,
    known_entities: Iterable = (),
    rejected: Collection[tuple] = (),
    occupied: Iterable[tuple[int, int]] = (),
    hash_of_text: str | None = None,
    min_confidence: float = 0.0,
    crf_labels: Mapping[str, str | None] | None = None,
) -> Suggestions:
    """Entity and quote suggestions for ``text``.

    ``known_entities``: accepted entity annotations of this text (objects with
    ``start``/``end``/``label`` or ``(start, end, label)`` tuples), used as
    speaker hints. ``rejected``: ``(text_hash, start, end)`` or ``(start, end)``
    spans not to suggest again. ``occupied``: ``(start, end)`` spans already
    annotated; overlapping entity suggestions are dropped. ``crf_labels``: the
    CRF's labels mapped to the label set's (:func:`arabic.ner.labels.resolve_labels`;
    None drops a label on purpose), applied before merging so that the same
    span from the gazetteer and the CRF is one suggestion; a CRF label the map
    lacks raises :class:`arabic.ner.labels.LabelMismatch`.
    """
    digest = hash_of_text or (text_hash(text) if rejected else "")
    excluded = {(r[1], r[2]) for r in rejected if len(r) == 3 and r[0] == digest}
    excluded |= {(r[0], r[1]) for r in rejected if len(r) == 2}
    busy = sorted(occupied)

    # The text's pieces, computed once and shared by the suggesters (each would
    # otherwise tokenise and split the text on its own): tokens, quotation
    # marks, sentences, and the folded view the gazetteer matches in. Without
    # the CRF the quote finder alone needs tokens, and its own offsets-only
    # tokenising is cheaper than building Token tuples.
    tokens = tokenize(text) if crf is not None else None
    regions = quoted_regions(text)
    sentences = split_sentences(text, regions)

    found = []
    if gazetteer is not None:
        folded = fold(text)
        found += gazetteer.find(text, folded=folded, folded_spans=token_spans(folded.text))
    if crf is not None:
        spans = crf.predict_spans(text, gazetteer=gazetteer, tokens=tokens, sentences=sentences)
        if crf_labels is not None:
            spans = _relabel(spans, crf_labels)
        found += spans
    if bert is not None:
        known = gazetteer.first_words() if gazetteer is not None else frozenset()
        found += bert.predict_spans(text, known_words=known)

    # (start, end, label) -> [text, best confidence, its suggester, every suggester]:
    # one EntitySuggestion per span and label, built once at the end
    merged: dict[tuple[int, int, str], list] = {}
    for item in found:
        start, end, confidence = item.start, item.end, item.confidence
        if confidence < min_confidence or (excluded and (start, end) in excluded):
            continue
        if busy and _overlaps(busy, start, end):
            continue
        key = (start, end, item.label)
        previous = merged.get(key)
        if previous is None:
            merged[key] = [item.text, confidence, item.suggester, (item.suggester,)]
        else:
            previous[0] = item.text  # the latest one's, as before
            # the earlier one on a tie, as max() would pick it
            if confidence > previous[1]:
                previous[1], previous[2] = confidence, item.suggester
            previous[3] = tuple(sorted({*previous[3], item.suggester}))
    # keys are unique, so sorting them orders the suggestions by (start, end, label)
    keys = sorted(merged)
    entities = [
        EntitySuggestion(start, end, m[0], label, m[1], m[2], m[3])
        for start, end, label in keys
        for m in (merged[start, end, label],)
    ]

    hints = [_as_tuple(e) for e in known_entities] + keys
    quotes = [
        q
        for q in find_quotes(text, entities=hints, tokens=tokens, sentences=sentences, regions=regions)
        if (q.start, q.end) not in excluded and q.confidence >= min_confidence
    ]
    return Suggestions(entities, quotes)


def _relabel(spans, labels: Mapping[str, str | None]) -> list:
    out = []
    for span in spans:
        if span.label not in labels:
            raise LabelMismatch(f"the entity model produced the label {span.label}, which the label map lacks")
        target = labels[span.label]
        if target is not None:
            out.append(span if target == span.label else replace(span, label=target))
    return out


def _as_tuple(e) -> tuple[int, int, str]:
    if isinstance(e, tuple):
        return (e[0], e[1], e[2] if len(e) > 2 else "PER")
    return (e.start, e.end, e.label)


def _overlaps(busy: list[tuple[int, int]], start: int, end: int) -> bool:
    for s, e in busy:
        if s >= end:
            break
        if e > start:
            return True
    return False
