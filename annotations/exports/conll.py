"""CoNLL-2003-style BIO files for training NER models: ``TOKEN TAG`` per line.

::

    -DOCSTART- O

    واشنطن B-LOC
    – O
    وقع O
    الرئيس O
    الأميركي O
    جو B-PER
    بايدن I-PER
    ...

* every article starts with a ``-DOCSTART- O`` line and a blank line; a blank
  line ends every sentence;
* tokens are camel-tools' ``simple_word_tokenize`` tokens with their offsets
  (:func:`arabic.tokens.tokenize`), sentences those of
  :func:`arabic.sentences.split_sentences`;
* tags are IOB2 (every entity starts with ``B-``), the label being the
  label's code; only entities are tagged (quotes are not named entities);
* a span covering part of a token tags the whole token (``و|بايدن``:
  the token ``وبايدن`` is ``B-PER``), as token-level models see it.

CoNLL tags cannot nest or overlap, so when annotations do (an entity inside
another, two people disagreeing), one span per token wins, chosen in this order:

1. the **longer** span, in tokens (CoNLL-2003 tags the outermost entity:
   ``[جامعة [بغداد]]`` is one ORG);
2. the span **more annotators** marked with that label;
3. the earlier span, then the label code, alphabetically (so the file is
   the same every time).

A span that loses on any of its tokens is left out whole: a partial entity
would teach a model a wrong boundary.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Iterator

from annotations.exports.selection import ArticleDoc, ExportContext
from arabic.ner import spans_to_bio
from arabic.sentences import split_sentences
from arabic.tokens import Token, tokenize

NAME = "conll"
MEDIA_TYPE = "text/plain; charset=utf-8"
EXTENSION = "conll"
DOCSTART = "-DOCSTART- O"


def _token_range(starts: list[int], tokens: list[Token], start: int, end: int) -> tuple[int, int]:
    """``(first, last + 1)``: the tokens a character span touches."""
    first = bisect.bisect_right(starts, start) - 1
    if first < 0 or tokens[first].end <= start:
        first += 1
    return first, bisect.bisect_left(starts, end)


def resolve_spans(tokens: list[Token], spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The spans that become tags: no two touch the same token (see the module notes for who wins)."""
    votes = Counter(spans)
    starts = [token.start for token in tokens]
    candidates = []
    for (start, end, label), count in votes.items():
        first, last = _token_range(starts, tokens, start, end)
        if first < last:
            candidates.append((-(last - first), -count, start, end, label, first, last))
    candidates.sort()
    taken = [False] * len(tokens)
    chosen = []
    for _size, _count, start, end, label, first, last in candidates:
        if any(taken[first:last]):
            continue
        for k in range(first, last):
            taken[k] = True
        chosen.append((start, end, label))
    return sorted(chosen)


def tagged_sentences(doc: ArticleDoc) -> list[list[tuple[str, str]]]:
    """``[[(token, tag), ...], ...]`` per sentence of one article."""
    tokens = tokenize(doc.text)
    spans = [(row["start"], row["end"], row["label__code"]) for row in doc.entities]
    tags = spans_to_bio(tokens, resolve_spans(tokens, spans))
    sentences = split_sentences(doc.text)
    ends = [sentence.end for sentence in sentences]
    grouped: dict[int, list[tuple[str, str]]] = {}
    for token, tag in zip(tokens, tags, strict=True):
        # The sentence holding the token's first character (a token never straddles two).
        index = min(bisect.bisect_right(ends, token.start), len(sentences) - 1) if sentences else 0
        grouped.setdefault(index, []).append((token.text, tag))
    return [grouped[index] for index in sorted(grouped)]


def document(doc: ArticleDoc) -> str:
    lines = [DOCSTART, ""]
    for sentence in tagged_sentences(doc):
        lines.extend(f"{token} {tag}" for token, tag in sentence)
        lines.append("")
    return "\n".join(lines) + "\n"


def export(docs: Iterable[ArticleDoc], ctx: ExportContext) -> Iterator[bytes]:
    for doc in docs:
        yield document(doc).encode("utf-8")
