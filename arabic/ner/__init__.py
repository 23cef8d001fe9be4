"""Statistical named entity recognition: shared span type and BIO helpers.

* :mod:`arabic.ner.crf` — a CRF trained from the team's own annotations;
* :mod:`arabic.ner.bert` — camel-tools' AraBERT model, when installed.

Both return :class:`EntitySpan` lists with code-point offsets into the text,
the same shape as the gazetteer's :class:`arabic.matching.Mention`.
"""

from __future__ import annotations

import bisect
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from arabic.normalize import fold
from arabic.tokens import Token

if TYPE_CHECKING:  # annotations only: arabic.ner stays importable without the sentence splitter
    from arabic.sentences import Sentence

# Proclitics a statistical model tags together with the name (ANERcorp does:
# "والعراق" is one B-LOC token); spans given to annotators leave them out.
_PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")


@dataclass(frozen=True, slots=True)
class EntitySpan:
    """An entity suggested by a model: ``text == source[start:end]``."""

    start: int
    end: int
    text: str
    label: str
    confidence: float
    suggester: str


def bio_to_chunks(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """``(label, first, last + 1)`` token chunks of a BIO sequence, as seqeval reads them.

    An ``I-X`` that does not continue an ``X`` chunk starts a new one (seqeval's
    default, non-strict mode), so scores agree with seqeval's.
    """
    chunks = []
    label, start = None, 0
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, name = tag.partition("-")
        if label is not None and (prefix in ("O", "B") or name != label or tag == "O"):
            chunks.append((label, start, i))
            label = None
        if prefix in ("B", "I") and label is None:
            label, start = name, i
    return chunks


def spans_to_bio(tokens: Sequence[Token], spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """BIO tags for ``tokens`` from ``(start, end, label)`` character spans.

    A token is inside a span when the span covers any of its characters (a
    span that leaves out a proclitic, ``و|بايدن``, still tags the whole token
    ``وبايدن``, as token-level models see it). Overlapping spans: the first wins.
    """
    tags = ["O"] * len(tokens)
    starts = [t.start for t in tokens]
    for start, end, label in sorted(spans):
        first = bisect.bisect_right(starts, start) - 1
        if first < 0 or tokens[first].end <= start:
            first += 1
        last = bisect.bisect_left(starts, end)  # tokens[first:last] overlap the span
        if first >= last or any(t != "O" for t in tags[first:last]):
            continue
        tags[first] = f"B-{label}"
        for k in range(first + 1, last):
            tags[k] = f"I-{label}"
    return tags


def strip_proclitic(token: str, known: frozenset[str] | set[str]) -> int:
    """How many leading characters of ``token`` are a proclitic, judged by ``known`` stems.

    ``known`` holds folded entity words seen before (``العراق``): ``وبايدن`` ->
    1 when بايدن is known, ``للعراق`` -> 1 (ل + the article's ل), ``بغداد`` -> 0
    (بغداد is a word of its own, not ب + غداد). A proclitic before the article
    (``والعراق``, ``بالعراق``) is cut even for unknown words; other unknown
    words keep their letters. The count is in original characters (a
    diacritic on the proclitic counts).
    """
    f = fold(token)
    folded = f.text
    if folded in known:
        return 0
    cut = 0
    for p in ("", "و", "ف"):
        # ل + the article with its alef dropped: للعراق, وللجامعة (a name seldom starts with لل)
        if folded.startswith(p + "لل") and ("ال" + folded[len(p) + 2 :] in known or len(folded) - len(p) - 2 >= 3):
            cut = len(p) + 1
            break
    else:
        for prefix in _PROCLITICS:
            stem = folded[len(prefix) :]
            if folded.startswith(prefix) and (
                (len(stem) >= 2 and stem in known) or (len(stem) >= 4 and stem.startswith("ال"))
            ):
                cut = len(prefix)
                break
    return f.original_start(cut) if cut else 0


def name_without_proclitic(name: str, known: frozenset[str] | set[str]) -> str:
    """A name as a gazetteer should store it: without a proclitic on its first word.

    ``وفرنسا`` -> ``فرنسا`` (when فرنسا is known), ``بالرياض`` -> ``الرياض``,
    ``للجامعة العربية`` -> ``الجامعة العربية`` (the article's alef restored).
    """
    words = name.split()
    if not words:
        return name
    first = words[0]
    cut = strip_proclitic(first, known)
    if not cut:
        return name
    rest = first[cut:]
    if fold(first).text[:cut + 1].endswith("لل") and fold(rest).text.startswith("ل"):
        rest = "ا" + rest  # للجامعة: ل + (ا)لجامعة
    return " ".join([rest, *words[1:]])


def sentence_ranges(starts: Sequence[int], sentences: Sequence[Sentence]) -> list[tuple[int, int]]:
    """``(first, last + 1)`` token indices of every sentence that has tokens: the tokens
    starting inside it (sentences are in order and do not overlap, so two bisections)."""
    ranges = []
    lo = 0
    for s in sentences:
        first = bisect_left(starts, s.start, lo)
        last = bisect_left(starts, s.end, first)
        if last > first:
            ranges.append((first, last))
        lo = last
    return ranges


def tagger_chunks(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """:func:`arabic.ner.bio_to_chunks` for a tagger's output, with "O" (most tags) on a fast path."""
    chunks = []
    label, start = None, 0
    for i, tag in enumerate(tags):
        if tag == "O":
            if label is not None:
                chunks.append((label, start, i))
                label = None
            continue
        prefix, _, name = tag.partition("-")
        if label is not None and (prefix in ("O", "B") or name != label):
            chunks.append((label, start, i))
            label = None
        if prefix in ("B", "I") and label is None:
            label, start = name, i
    if label is not None:
        chunks.append((label, start, len(tags)))
    return chunks
