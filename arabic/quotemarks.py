"""Pair quotation marks: which stretches of a text are inside quotes.

Both the sentence splitter (never split inside a quote) and the quote finder
need the same answer, so it is computed here once. Arabic news uses
``« »``, straight ``"`` and curly ``“ ”`` — the curly pair often mirrored
(``”…“``) by right-to-left editors, so either curly mark may open and the next
curly mark closes. Quotes never run across a line break: a mark left open at
the end of a line (a typo, or a quote continued in the next paragraph) is
ignored, so one stray mark cannot swallow the rest of an article. Single quotes
are not quotation marks here: in Latin names they are apostrophes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENING_GUILLEMET = "«"
CLOSING_GUILLEMET = "»"
STRAIGHT = '"'
CURLY = "“”"
QUOTE_MARKS = frozenset(OPENING_GUILLEMET + CLOSING_GUILLEMET + STRAIGHT + CURLY)
# Only marks and line breaks matter: visit those, not every character.
_EVENTS_RE = re.compile('[\n"«»“”]')


@dataclass(frozen=True, slots=True)
class QuotedRegion:
    """A pair of quotation marks; the quoted words are ``text[start:end]``.

    ``open`` and ``close`` are the offsets of the marks themselves, so
    ``start == open + 1`` and ``end == close``.
    """

    open: int
    close: int
    depth: int  # 0 for an outermost quote, 1 for a quote inside it, ...

    @property
    def start(self) -> int:
        return self.open + 1

    @property
    def end(self) -> int:
        return self.close


def quoted_regions(text: str) -> list[QuotedRegion]:
    """Every properly paired quote of ``text``, ordered by opening mark."""
    regions: list[QuotedRegion] = []
    stack: list[tuple[str, int]] = []  # (kind, offset of the opening mark)
    for match in _EVENTS_RE.finditer(text):
        i = match.start()
        c = text[i]
        if c == "\n":
            stack.clear()
        elif c == STRAIGHT:
            if stack and stack[-1][0] == STRAIGHT:
                _close(stack, regions, i)
            else:
                stack.append((STRAIGHT, i))
        elif c in CURLY:
            if stack and stack[-1][0] == "curly":
                _close(stack, regions, i)
            else:
                stack.append(("curly", i))
        elif c == OPENING_GUILLEMET:
            stack.append((OPENING_GUILLEMET, i))
        elif c == CLOSING_GUILLEMET:
            # Close the nearest «, dropping marks left open inside it.
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == OPENING_GUILLEMET:
                    del stack[k + 1 :]
                    _close(stack, regions, i)
                    break
    regions.sort(key=lambda r: r.open)
    # Depth counts the pairs that survived around a quote (a mark left open
    # around it is no quote); regions are sorted, so enclosing ones come first.
    result: list[QuotedRegion] = []
    enclosing: list[QuotedRegion] = []
    for r in regions:
        while enclosing and enclosing[-1].close < r.open:
            enclosing.pop()
        result.append(QuotedRegion(r.open, r.close, len(enclosing)))
        enclosing.append(r)
    return result


def _close(stack: list[tuple[str, int]], regions: list[QuotedRegion], at: int) -> None:
    _, opened = stack.pop()
    if at > opened + 1:  # an empty pair ("") quotes nothing
        regions.append(QuotedRegion(opened, at, 0))
