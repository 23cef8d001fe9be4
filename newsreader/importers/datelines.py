"""The dateline that opens a news story: ``واشنطن – وقع الرئيس ...``.

A dateline is one or two Arabic words (the place), optionally an agency tag in
brackets, then a separator, at the very start of the first paragraph::

    واشنطن – ...          القاهرة - ...        دبي—...            الرياض ـ ...
    بغداد (رويترز) – ...   باريس (أ ف ب): ...   أبوظبي (وام) - ...   الدار البيضاء – ...

Separators: en dash, em dash, hyphen-minus, minus, and the tatweel ``ـ`` that
Arabic typesetters use as a dash (with a space on at least one side, so that it
is not an elongated letter). A colon only counts after an agency tag: without
one, ``وأضاف: ...`` would be taken for a place.

The dateline stays in the paragraph text; :func:`find_dateline` only reports it.
"""

from __future__ import annotations

import re

# Arabic letters and harakat, without tatweel (U+0640), digits or punctuation.
_LETTERS = "\u0621-\u063a\u0641-\u064a\u064b-\u0652\u0670\u0671-\u06d3"
_WORD = f"[{_LETTERS}]+"
_DATELINE_RE = re.compile(
    rf"^(?P<place>{_WORD}(?: {_WORD})?)"
    rf"(?:\s*\((?P<agency>[^()\n]{{1,40}})\))?"
    r"(?P<sep>\s*[\u2013\u2014\u2212-]\s*|\s+\u0640+\s*|\u0640+\s+|\s*:\s*)"
    r"(?=\S)"
)


def find_dateline(paragraph: str) -> str:
    """The place of the dateline ``paragraph`` opens with, or ``""``."""
    match = _DATELINE_RE.match(paragraph)
    if match is None:
        return ""
    if ":" in match.group("sep") and not match.group("agency"):
        return ""
    return match.group("place")


def starts_with_dateline(paragraph: str) -> bool:
    return bool(find_dateline(paragraph))
