"""A folded view of Arabic text for matching, with a map back to the original.

Folding is for *finding* text, never for storing it: stored text keeps its
diacritics and spelling (see :mod:`arabic.clean`). The folded view

* drops diacritics (camel-tools' ``AR_DIAC_CHARSET``, as ``dediac_ar`` does) and
  tatweel ``ـ``;
* unifies alef forms ``أ إ آ ٱ`` to ``ا`` (camel-tools ``normalize_alef_ar``),
  alef maksura ``ى`` to ``ي`` and teh marbuta ``ة`` to ``ه``;
* lower-cases Latin letters;
* writes Arabic-Indic and Persian digits ``٠-٩ ۰-۹`` as ``0-9`` (one character
  for one, so the index map is unaffected).

:func:`fold` returns the folded string and ``index``, a list one longer than it:
``index[i]`` is the offset in the original text of folded character ``i``, and
``index[len(folded)]`` is ``len(original)``. A match ``folded[a:b]`` therefore
covers ``original[index[a]:end]`` where ``end`` is :meth:`Folded.original_end`
(which also takes in diacritics that follow the last matched letter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from camel_tools.utils.charsets import AR_DIAC_CHARSET

TATWEEL = "\u0640"
# Characters that vanish in the folded view.
DROPPED = frozenset(AR_DIAC_CHARSET) | {TATWEEL}
_FOLD_TABLE = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
        **{c: None for c in DROPPED},
    }
)
_DROPPED_RE = re.compile("[" + re.escape("".join(sorted(DROPPED))) + "]")


@dataclass(frozen=True)
class Folded:
    original: str
    text: str
    index: list[int]

    def original_start(self, i: int) -> int:
        return self.index[i]

    def original_end(self, j: int) -> int:
        """Original offset just after folded character ``j - 1``, its diacritics included."""
        if j <= 0:
            return 0
        end = self.index[j - 1] + 1
        original = self.original
        while end < len(original) and original[end] in DROPPED:
            end += 1
        return end

    def original_span(self, i: int, j: int) -> tuple[int, int]:
        return self.original_start(i), self.original_end(j)


_REPLACEMENTS = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ة", "ه"))
_DIGITS_RE = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


def _digit(match: re.Match) -> str:
    return str(ord(match.group()) & 0xF)


def fold_text(text: str) -> str:
    """The folded string alone (no index): for search keys and comparisons."""
    # The same mapping as _FOLD_TABLE, done with C-speed passes: str.translate
    # with a dict looks every non-ASCII character up one by one and is an
    # order of magnitude slower on Arabic text.
    folded = _DROPPED_RE.sub("", text) if _DROPPED_RE.search(text) else text
    for old, new in _REPLACEMENTS:
        if old in folded:
            folded = folded.replace(old, new)
    if _DIGITS_RE.search(folded):
        folded = _DIGITS_RE.sub(_digit, folded)
    lowered = folded.lower()
    if len(lowered) != len(folded):
        # A few letters lower-case to two characters (U+0130 İ -> i + dot):
        # keep those as they are so the index map stays one-to-one.
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)
    return lowered


def fold(text: str) -> Folded:
    """Fold ``text`` and keep, for every folded character, where it came from."""
    folded = fold_text(text)
    if not _DROPPED_RE.search(text):
        # Same length: the map is the identity (the common, fast case).
        return Folded(text, folded, list(range(len(text) + 1)))
    index = [i for i, c in enumerate(text) if c not in DROPPED]
    index.append(len(text))
    return Folded(text, folded, index)
