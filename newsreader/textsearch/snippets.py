"""Highlighted titles and snippets, cut from the text exactly as stored.

PostgreSQL's ``ts_headline`` re-parses the original text with the stock
configuration, whose lexemes are not ours (it never strips ``وال``, and it stems
``الانتخابات`` differently from ``انتخابات``), so it would miss or misplace
highlights. Here the words of the text are tokenised with
:func:`arabic.search_terms.tokenize`, which keeps each word's offsets in the
*original* text (diacritics included) through :func:`arabic.normalize.fold`'s
index map, and a word is marked when its lexemes are the query's: exactly the
test the index applies. The snippet is the original text between word
boundaries, HTML-escaped, with ``<mark>`` around matches and ``<bdi>`` around
runs of Latin words (so they keep their order in right-to-left text), and
nothing else.

Tokenising a whole long article for every result would cost more than the
search itself, so only *regions* are tokenised (:func:`prepare`): the title,
and a stretch of words around each place where the normalised text contains a
query lexeme or key as a substring (a cheap pre-selection; the lexeme test then
decides). A word whose lexeme is not a substring of it is still found by the
search but might not be highlighted; the snippet then shows the opening.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from arabic.normalize import DROPPED
from arabic.search_terms import Token, normalize, tokenize

SNIPPET_WORDS = 36
"""Words in a snippet."""
LEAD_IN = 8
"""Words shown before the first match of a snippet."""
ELLIPSIS = "…"
REGION_BEFORE = 100
REGION_AFTER = 300
"""Characters tokenised before and after a probe hit: a snippet's worth of words around it."""
MAX_REGIONS = 4
MAX_HITS_PER_PROBE = 3

_SPACE_RE = re.compile(r"\s")
_DROPPED_RE = re.compile("[" + re.escape("".join(sorted(DROPPED))) + "]")


@dataclass(frozen=True)
class Matcher:
    """The query, as sets of lexemes: one per word, one sequence per phrase."""

    words: tuple[frozenset[str], ...]
    phrases: tuple[tuple[frozenset[str], ...], ...]


@dataclass(frozen=True)
class Segment:
    """A stretch of one block, tokenised: words next to each other in the list are next to each other in the text."""

    block: int
    tokens: tuple[Token, ...]


@dataclass(frozen=True)
class Prepared:
    segments: tuple[Segment, ...]

    @property
    def keys(self) -> set[str]:
        return {t.key for s in self.segments for t in s.tokens}


@dataclass(frozen=True)
class Highlighted:
    title_html: str
    snippet_html: str
    matched_terms: int  # how many of the query's terms the text shows


def _word_bounds(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words, within ``[lo, hi)``."""
    while start > lo and not _SPACE_RE.match(text[start - 1]):
        start -= 1
    while end < hi and not _SPACE_RE.match(text[end]):
        end += 1
    return start, end


def _tokens(text: str, start: int, end: int) -> tuple[Token, ...]:
    return tuple(Token(t.start + start, t.end + start, t.word, t.key) for t in tokenize(text[start:end]))


def original_offsets(text: str):
    """A function from offsets in ``normalize(text)`` to offsets in ``text``.

    The same map as :func:`arabic.normalize.fold`'s index, without building a
    list as long as the text: ``g[j]`` is the folded offset at which the j-th
    dropped character (diacritic, tatweel) sat, so folded offset ``f`` has
    ``bisect_right(g, f)`` dropped characters before it.
    """
    g = [m.start() - j for j, m in enumerate(_DROPPED_RE.finditer(text))]
    if not g:
        return lambda f: f
    return lambda f: f + bisect_right(g, f)


def prepare(text: str, blocks: Sequence[dict], probes: Iterable[str]) -> Prepared:
    """The segments of ``text`` worth looking at for ``probes`` (lexemes and keys of the query)."""
    normalized = normalize(text)
    to_original = original_offsets(text)
    segments = []
    regions: dict[int, list[tuple[int, int]]] = {}
    body = [i for i, b in enumerate(blocks) if b["kind"] != "title"]
    for i, block in enumerate(blocks):
        if block["kind"] == "title":
            segments.append(Segment(i, _tokens(text, block["start"], block["end"])))
    # Where the probes occur in the body (folded offsets -> original offsets).
    hits = []
    for probe in {p for p in probes if p}:
        pos, n = normalized.find(probe), 0
        while pos != -1 and n < MAX_HITS_PER_PROBE:
            hits.append(to_original(pos))
            pos, n = normalized.find(probe, pos + 1), n + 1
    hits.sort()
    b = 0
    for offset in hits:
        while b < len(body) and offset >= blocks[body[b]]["end"]:
            b += 1
        if b == len(body):
            break
        block = blocks[body[b]]
        if offset < block["start"]:
            continue
        start, end = _word_bounds(
            text,
            max(block["start"], offset - REGION_BEFORE),
            min(block["end"], offset + REGION_AFTER),
            block["start"],
            block["end"],
        )
        spans = regions.setdefault(body[b], [])
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        elif sum(len(v) for v in regions.values()) < MAX_REGIONS:
            spans.append((start, end))
    if not regions and body:
        # No probe in the body: the opening is the snippet.
        block = blocks[body[0]]
        end = min(block["end"], block["start"] + REGION_BEFORE + REGION_AFTER)
        regions[body[0]] = [_word_bounds(text, block["start"], end, block["start"], block["end"])]
    for blk_index in sorted(regions):
        for start, end in regions[blk_index]:
            segments.append(Segment(blk_index, _tokens(text, start, end)))
    return Prepared(tuple(segments))


def _label(segment: Segment, lexemes_of: dict[str, frozenset[str]], matcher: Matcher):
    """For each token, the set of term numbers it helps match; and the spans to mark."""
    tokens = segment.tokens
    labels: list[set[int]] = [set() for _ in tokens]
    spans: list[tuple[int, int]] = []
    lex = [lexemes_of.get(t.key, frozenset()) for t in tokens]
    for n, word in enumerate(matcher.words):
        for i, token_lex in enumerate(lex):
            if token_lex & word:
                labels[i].add(n)
                spans.append((tokens[i].start, tokens[i].end))
    for p, phrase in enumerate(matcher.phrases, start=len(matcher.words)):
        k = len(phrase)
        for i in range(len(tokens) - k + 1):
            if all(lex[i + j] & phrase[j] for j in range(k)):
                for j in range(k):
                    labels[i + j].add(p)
                # One mark over the whole phrase, spaces and punctuation included.
                spans.append((tokens[i].start, tokens[i + k - 1].end))
    return labels, spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# A run of Latin words (with inner digits and punctuation: COVID-19, F-16,
# Pfizer/BioNTech) inside right-to-left text. Left alone, the bidi algorithm
# shows COVID-19 as 19-COVID in an Arabic sentence; <bdi> keeps its order.
_LATIN = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F"
_LATIN_WORD = rf"(?:[0-9]+[{_LATIN}]|[{_LATIN}])[{_LATIN}0-9]*(?:[-./+&_:'’@#%]+[{_LATIN}0-9]+)*"
LATIN_RUN = re.compile(rf"{_LATIN_WORD}(?: +{_LATIN_WORD})*")


def _marked(text: str, start: int, end: int, spans: Sequence[tuple[int, int]]) -> str:
    out, pos = [], start
    for a, b in spans:
        a, b = max(a, start), min(b, end)
        if a >= b:
            continue
        out.append(escape(text[pos:a], quote=False))
        out.append(f"<mark>{escape(text[a:b], quote=False)}</mark>")
        pos = b
    out.append(escape(text[pos:end], quote=False))
    return "".join(out)


def render(text: str, start: int, end: int, spans: Sequence[tuple[int, int]]) -> str:
    """``text[start:end]`` as HTML: escaped, ``<mark>`` around ``spans``, ``<bdi>`` around Latin runs.

    Marks nest inside the isolates (a mark that crosses the edge of a Latin
    run is split in two), so the markup is always well formed.
    """
    out, pos = [], start
    for m in LATIN_RUN.finditer(text, start, end):
        out.append(_marked(text, pos, m.start(), spans))
        out.append(f"<bdi>{_marked(text, m.start(), m.end(), spans)}</bdi>")
        pos = m.end()
    out.append(_marked(text, pos, end, spans))
    return "".join(out)


_WORD_CHAR_RE = re.compile(r"[^\W_]")


def _has_word(text: str, start: int, end: int) -> bool:
    return _WORD_CHAR_RE.search(text, start, end) is not None


def highlight(
    text: str,
    blocks: Sequence[dict],
    lexemes_of: dict[str, frozenset[str]],
    matcher: Matcher,
    prepared: Prepared | None = None,
) -> Highlighted:
    """The highlighted title and the best snippet of one revision's ``text``.

    The snippet is the window of :data:`SNIPPET_WORDS` words, inside one block
    other than the title, that shows the most different query terms (then the
    most matches); without a match outside the title, the article's opening.
    ``prepared`` is :func:`prepare`'s result when the caller already has it
    (it then also knows ``lexemes_of`` covers its keys).
    """
    if prepared is None:
        probes = {lex for group in (*matcher.words, *(w for p in matcher.phrases for w in p)) for lex in group}
        prepared = prepare(text, blocks, probes)
    spans: list[tuple[int, int]] = []
    matched: set[int] = set()
    best = None  # ((distinct terms, matches), segment, first, last)
    opening = None
    for segment in prepared.segments:
        labels, segment_spans = _label(segment, lexemes_of, matcher)
        spans += segment_spans
        for lab in labels:
            matched |= lab
        if blocks[segment.block]["kind"] == "title" or not segment.tokens:
            continue
        if opening is None:
            opening = (segment, 0, min(len(segment.tokens), SNIPPET_WORDS) - 1)
        for i, lab in enumerate(labels):
            if not lab:
                continue
            first = max(0, i - LEAD_IN)
            last = min(len(segment.tokens), first + SNIPPET_WORDS) - 1
            window = labels[first : last + 1]
            score = (len(set().union(*window)), sum(1 for w in window if w))
            if best is None or score > best[0]:
                best = (score, segment, first, last)
    spans = _merge(spans)

    title = next((blk for blk in blocks if blk["kind"] == "title"), None)
    title_html = render(text, title["start"], title["end"], spans) if title else ""
    choice = best[1:] if best else opening
    if choice is None:
        return Highlighted(title_html, "", len(matched))
    segment, first, last = choice
    block = blocks[segment.block]
    start, end = segment.tokens[first].start, segment.tokens[last].end
    at_start, at_end = not _has_word(text, block["start"], start), not _has_word(text, end, block["end"])
    snippet = render(text, block["start"] if at_start else start, block["end"] if at_end else end, spans)
    if not at_start:
        snippet = ELLIPSIS + " " + snippet
    if not at_end:
        snippet = snippet + " " + ELLIPSIS
    return Highlighted(title_html, snippet, len(matched))
