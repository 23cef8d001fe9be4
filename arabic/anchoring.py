"""Checking spans of Arabic text and finding them again: pure Python, no Django.

Offsets are Unicode code points into one string (the offset contract of
``newsreader.document``). Three jobs live here:

* :func:`check_span` says whether ``[start, end)`` is a span a person could have
  selected: inside the text, not empty, not starting on a combining mark (a
  diacritic such as shadda or fatha) and not splitting a grapheme cluster
  (a letter with its diacritics, an emoji sequence). Errors say which offset is
  wrong, why, and which offsets would be right.
* :func:`locate` finds quoted text again from a W3C-style quote selector
  (``exact`` with ``prefix``/``suffix``) and an optional position hint: first as
  written, then in the folded view of :mod:`arabic.normalize` (no diacritics or
  tatweel, unified alef/yaa/teh marbuta, whitespace runs collapsed).
* :class:`OffsetMap` maps offsets of one text onto an edited copy of it, from a
  word-level diff refined character by character where words changed. A span
  is *kept* when it lies in text the edit did not touch.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

import regex

from arabic.normalize import DROPPED, fold, fold_text

CONTEXT_LENGTH = 32

_CLUSTER = regex.compile(r"\X")


class SpanError(ValueError):
    """A span that cannot be annotated; ``field`` and ``position`` say where."""

    def __init__(self, message: str, *, code: str, field: str, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.position = position


class AnchorError(ValueError):
    """Quoted text that could not be found (``code`` "not_found") or not told apart ("ambiguous")."""

    def __init__(self, message: str, *, code: str, candidates: int = 0):
        super().__init__(message)
        self.message = message
        self.code = code
        self.candidates = candidates


def _describe(chars: str) -> str:
    return " ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in chars)


def is_mark(char: str) -> bool:
    """A combining character (Mn, Mc, Me): Arabic harakat, shadda, superscript alef, ..."""
    return unicodedata.category(char) in ("Mn", "Mc", "Me") or unicodedata.combining(char) != 0


def _is_surrogate(char: str) -> bool:
    return 0xD800 <= ord(char) <= 0xDFFF


def cluster_at(text: str, pos: int) -> tuple[int, int]:
    """Start and end of the grapheme cluster holding ``text[pos]`` (``0 <= pos < len(text)``)."""
    # A cluster never crosses a line feed, so segmenting from the line start is exact
    # and keeps the work proportional to one paragraph; the line's clusters are kept for
    # the next call (a bulk request checks thousands of spans of one text).
    line_start = text.rfind("\n", 0, pos) + 1
    ends = _line_cluster_ends(text, line_start)
    i = bisect.bisect_right(ends, pos)
    if i < len(ends):
        return (ends[i - 1] if i else line_start), ends[i]
    return pos, pos + 1  # pragma: no cover - \X always matches a character


@functools.lru_cache(maxsize=64)
def _line_cluster_ends(text: str, line_start: int) -> tuple[int, ...]:
    """Where each grapheme cluster of the line from ``line_start`` (its line feed included) ends."""
    line_end = text.find("\n", line_start)
    stop = len(text) if line_end < 0 else line_end + 1
    return tuple(match.end() for match in _CLUSTER.finditer(text, line_start, stop))


def is_boundary(text: str, pos: int) -> bool:
    """True when no grapheme cluster is cut at ``pos``."""
    if pos <= 0 or pos >= len(text):
        return True
    return cluster_at(text, pos)[0] == pos


def check_span(
    text: str, start: int, end: int, *, start_field: str = "start", end_field: str = "end"
) -> None:
    """Raise :class:`SpanError` unless ``[start, end)`` is a whole, non-empty span of ``text``."""
    length = len(text)
    if start < 0:
        raise SpanError(f"{start_field} ({start}) must be 0 or more.", code="out_of_range", field=start_field, position=start)
    if end > length:
        raise SpanError(
            f"{end_field} ({end}) is past the end of the text ({length} characters).",
            code="out_of_range",
            field=end_field,
            position=end,
        )
    if start >= length:
        raise SpanError(
            f"{start_field} ({start}) is past the end of the text ({length} characters).",
            code="out_of_range",
            field=start_field,
            position=start,
        )
    if end <= start:
        raise SpanError(
            f"{end_field} ({end}) must be greater than {start_field} ({start}).",
            code="reversed",
            field=end_field,
            position=end,
        )
    for field, pos in ((start_field, start), (end_field, end)):
        if 0 < pos < length and (_is_surrogate(text[pos]) or _is_surrogate(text[pos - 1])):
            raise SpanError(
                f"{field} ({pos}) cuts a character in two (a UTF-16 surrogate pair).",
                code="splits_character",
                field=field,
                position=pos,
            )
    if is_mark(text[start]):
        c_start, _ = cluster_at(text, start)
        raise SpanError(
            f"{start_field} ({start}) is on a combining mark ({_describe(text[start])}): a span cannot begin "
            f"with a diacritic; start at {c_start} instead.",
            code="starts_on_mark",
            field=start_field,
            position=start,
        )
    for field, pos in ((start_field, start), (end_field, end)):
        if not is_boundary(text, pos):
            c_start, c_end = cluster_at(text, pos)
            raise SpanError(
                f"{field} ({pos}) splits the character '{text[c_start:c_end]}' ({_describe(text[c_start:c_end])}) "
                f"at {c_start}–{c_end}; use {c_start} or {c_end}.",
                code="splits_cluster",
                field=field,
                position=pos,
            )


def snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole grapheme clusters (a diacritic added after the last letter joins it)."""
    if 0 < start < len(text):
        start = cluster_at(text, start)[0]
    if 0 < end < len(text):
        c_start, c_end = cluster_at(text, end)
        if c_start != end:
            end = c_end
    return start, end


def context(text: str, start: int, end: int, length: int = CONTEXT_LENGTH) -> tuple[str, str]:
    """The ``prefix`` and ``suffix`` of a span (up to ``length`` characters each)."""
    return text[max(0, start - length) : start], text[end : end + length]


# --- finding quoted text ---------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    # "offsets" (as given), "exact" (found as written) or "folded" (found ignoring
    # diacritics, tatweel, letter variants and whitespace runs).
    method: str


@dataclass(frozen=True)
class _Loose:
    """Folded text with whitespace runs collapsed, and where each character came from."""

    text: str
    index: list[int]  # one longer than text; index[-1] == len(original)
    original: str

    def span(self, a: int, b: int) -> tuple[int, int]:
        start = self.index[a]
        end = self.index[b - 1] + 1
        # Take in diacritics (dropped when folding) that follow the last letter.
        while end < len(self.original) and self.original[end] in DROPPED:
            end += 1
        return start, end


def loose(text: str) -> _Loose:
    folded = fold(text)
    if len(folded.text) + 1 == len(folded.index):
        pairs = zip(folded.text, folded.index)
    else:  # lower() changed a length (rare Latin letters): fold one character at a time
        pairs = ((f, i) for i, c in enumerate(text) for f in fold_text(c))
    chars: list[str] = []
    index: list[int] = []
    in_space = False
    for char, i in pairs:
        if char.isspace():
            if in_space:
                continue
            char, in_space = " ", True
        else:
            in_space = False
        chars.append(char)
        index.append(i)
    index.append(len(text))
    return _Loose("".join(chars), index, text)


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[-1 - i] == b[-1 - i]:
        i += 1
    return i


def _occurrences(haystack: str, needle: str, limit: int = 10_000) -> list[int]:
    found, pos = [], haystack.find(needle)
    while pos != -1 and len(found) < limit:
        found.append(pos)
        pos = haystack.find(needle, pos + 1)
    return found


def locate(
    text: str,
    exact: str,
    *,
    prefix: str = "",
    suffix: str = "",
    hint: int | None = None,
    min_context: int | None = None,
    folded_text: _Loose | None = None,
) -> Anchor:
    """Find ``exact`` in ``text``; the best occurrence wins.

    Occurrences are ranked by how much of ``prefix``/``suffix`` matches around
    them, then by distance from ``hint``. Without a hint, a tie between several
    occurrences is :class:`AnchorError` "ambiguous" (the caller must say which).
    With ``min_context`` (carry-over), the chosen occurrence must match at
    least that many characters of context, and at least half of the context
    there is, so a name is never moved onto another mention of it (when in
    doubt the caller orphans the annotation, which loses nothing). ``folded_text`` is ``loose(text)`` when the caller
    has it already.
    """
    if not exact:
        raise AnchorError("There is no quoted text to look for.", code="not_found")
    candidates = [(s, s + len(exact)) for s in _occurrences(text, exact)]
    method = "exact"
    if candidates:
        scores = [
            _common_suffix(text[max(0, s - len(prefix)) : s], prefix) + _common_prefix(text[e : e + len(suffix)], suffix)
            for s, e in candidates
        ]
    else:
        method = "folded"
        view = folded_text or loose(text)
        needle = loose(exact).text.strip()
        if not needle:
            raise AnchorError(f"'{exact}' has no letters to look for.", code="not_found")
        lp, ls = loose(prefix).text, loose(suffix).text
        positions = _occurrences(view.text, needle)
        scores = [
            _common_suffix(view.text[max(0, a - len(lp)) : a], lp) + _common_prefix(view.text[a + len(needle) : a + len(needle) + len(ls)], ls)
            for a in positions
        ]
        candidates = [view.span(a, a + len(needle)) for a in positions]
    if not candidates:
        raise AnchorError(
            f"'{exact}' does not occur in the text, not even ignoring diacritics, tatweel and letter variants.",
            code="not_found",
        )
    best_score = max(scores)
    best = [c for c, score in zip(candidates, scores) if score == best_score]
    if hint is None and len(best) > 1:
        raise AnchorError(
            f"'{exact}' occurs {len(best)} times and the prefix/suffix do not tell them apart; give start/end "
            f"offsets or a longer prefix/suffix.",
            code="ambiguous",
            candidates=len(best),
        )
    if min_context is not None:
        available = len(prefix) + len(suffix)
        needed = min(available, max(min_context, available // 2))
        if best_score < needed:
            raise AnchorError(
                f"'{exact}' occurs {len(candidates)} time(s), none in its old context.", code="out_of_context"
            )
    if hint is not None:
        best.sort(key=lambda c: (abs(c[0] - hint), c[0]))
    start, end = best[0]
    return Anchor(start, end, method)


def anchor(
    text: str,
    *,
    exact: str = "",
    start: int | None = None,
    end: int | None = None,
    prefix: str = "",
    suffix: str = "",
    hint: int | None = None,
) -> Anchor:
    """Where a client's selection is: its offsets when they hold ``exact``, else where ``exact`` is found.

    ``hint`` (a rough start offset) picks between occurrences when no offsets are given.

    Raises :class:`SpanError` for impossible offsets without ``exact`` to fall
    back on, :class:`AnchorError` when ``exact`` cannot be found.
    """
    if start is not None and end is not None:
        offsets_fit = 0 <= start < end <= len(text)
        if not exact:
            check_span(text, start, end)
            return Anchor(start, end, "offsets")
        if offsets_fit and text[start:end] == exact:
            check_span(text, start, end)
            return Anchor(start, end, "offsets")
    elif not exact:
        raise AnchorError("Give start and end offsets or the quoted text (exact).", code="not_found")
    found = locate(text, exact, prefix=prefix, suffix=suffix, hint=start if start is not None else hint)
    check_span(text, found.start, found.end)
    return found


# --- mapping offsets across an edit ------------------------------------------

_TOKEN = re.compile(r"\S+\s*|\s+")
_REFINE_LIMIT = 4000  # characters per side for a character-level diff of a changed region


def _tokens(text: str) -> tuple[list[str], list[int]]:
    tokens, starts = [], []
    for match in _TOKEN.finditer(text):
        tokens.append(match.group())
        starts.append(match.start())
    starts.append(len(text))
    return tokens, starts


def _wordish(char: str) -> bool:
    return char.isalnum() or is_mark(char)


class OffsetMap:
    """Offsets of ``old`` mapped onto ``new`` through the parts both texts share."""

    def __init__(self, old: str, new: str):
        self.old, self.new = old, new
        old_tokens, old_starts = _tokens(old)
        new_tokens, new_starts = _tokens(new)
        segments: list[tuple[int, int, int]] = []  # (old_start, new_start, length) of identical text
        matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            o1, o2, n1, n2 = old_starts[i1], old_starts[i2], new_starts[j1], new_starts[j2]
            if tag == "equal":
                segments.append((o1, n1, o2 - o1))
            elif tag == "replace" and o2 - o1 <= _REFINE_LIMIT and n2 - n1 <= _REFINE_LIMIT:
                inner = SequenceMatcher(None, old[o1:o2], new[n1:n2], autojunk=False)
                segments.extend((o1 + a, n1 + b, size) for a, b, size in inner.get_matching_blocks() if size)
        merged: list[tuple[int, int, int]] = []
        for seg in segments:
            if merged and merged[-1][0] + merged[-1][2] == seg[0] and merged[-1][1] + merged[-1][2] == seg[1]:
                o, n, size = merged[-1]
                merged[-1] = (o, n, size + seg[2])
            else:
                merged.append(seg)
        self.segments = merged
        self._old_starts = [s[0] for s in merged]

    @property
    def identical(self) -> bool:
        return self.old == self.new

    def _segment(self, pos: int) -> int:
        return bisect.bisect_right(self._old_starts, pos) - 1

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Where ``old[start:end]`` is in ``new`` when the edit left it (and its word edges) alone."""
        i = self._segment(start)
        if i < 0:
            return None
        o, n, size = self.segments[i]
        if end > o + size:
            return None
        new_start, new_end = n + start - o, n + end - o
        # A span kept from a character-level match must still begin and end
        # where it did relative to words (never "في" kept inside "فيلم").
        for old_pos, new_pos in ((start - 1, new_start - 1), (end, new_end)):
            old_word = 0 <= old_pos < len(self.old) and _wordish(self.old[old_pos])
            new_word = 0 <= new_pos < len(self.new) and _wordish(self.new[new_pos])
            if old_word != new_word:
                return None
        return new_start, new_end

    def point(self, pos: int) -> int:
        """The best guess for where old offset ``pos`` is in ``new`` (a search hint)."""
        i = self._segment(pos)
        if i < 0:
            return min(pos, len(self.new))
        o, n, size = self.segments[i]
        if pos <= o + size:
            return n + pos - o
        guess = n + size + (pos - o - size)
        if i + 1 < len(self.segments):
            guess = min(guess, self.segments[i + 1][1])
        return min(guess, len(self.new))
