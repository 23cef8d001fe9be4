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

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from arabic.matching import Gazetteer, text_hash
from arabic.quotes import Quote, find_quotes


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
) -> Suggestions:
    """Entity and quote suggestions for ``text``.

    ``known_entities``: accepted entity annotations of this text (objects with
    ``start``/``end``/``label`` or ``(start, end, label)`` tuples), used as
    speaker hints. ``rejected``: ``(text_hash, start, end)`` or ``(start, end)``
    spans not to suggest again. ``occupied``: ``(start, end)`` spans already
    annotated; overlapping entity suggestions are dropped.
    """
    digest = hash_of_text or (text_hash(text) if rejected else "")
    excluded = {(r[1], r[2]) for r in rejected if len(r) == 3 and r[0] == digest}
    excluded |= {(r[0], r[1]) for r in rejected if len(r) == 2}
    busy = sorted(occupied)

    found = []
    if gazetteer is not None:
        found += gazetteer.find(text)
    if crf is not None:
        found += crf.predict_spans(text, gazetteer=gazetteer)
    if bert is not None:
        known = gazetteer.first_words() if gazetteer is not None else frozenset()
        found += bert.predict_spans(text, known_words=known)

    merged: dict[tuple[int, int, str], EntitySuggestion] = {}
    for item in found:
        key = (item.start, item.end, item.label)
        if (item.start, item.end) in excluded or item.confidence < min_confidence or _overlaps(busy, item.start, item.end):
            continue
        previous = merged.get(key)
        if previous is None:
            merged[key] = EntitySuggestion(
                item.start, item.end, item.text, item.label, item.confidence, item.suggester, (item.suggester,)
            )
        else:
            # the earlier one on a tie, as max() would pick it (and cheaper: this runs per duplicate)
            best = item if item.confidence > previous.confidence else previous
            merged[key] = EntitySuggestion(
                item.start,
                item.end,
                item.text,
                item.label,
                best.confidence,
                best.suggester,
                tuple(sorted(set(previous.suggesters) | {item.suggester})),
            )
    entities = sorted(merged.values(), key=lambda e: (e.start, e.end, e.label))

    hints = [_as_tuple(e) for e in known_entities] + [(e.start, e.end, e.label) for e in entities]
    quotes = [
        q
        for q in find_quotes(text, entities=hints)
        if (q.start, q.end) not in excluded and q.confidence >= min_confidence
    ]
    return Suggestions(entities, quotes)


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
