"""Import-time clean-up of article text: the one normalisation stored text gets.

Stored text is cleaned exactly once, when an article is imported or edited, and
never again: annotation offsets point into the cleaned text, so cleaning it
twice differently would move every annotation. Keep this conservative: it must
not change what a reader sees, only remove encoding noise.
"""

from __future__ import annotations

import re
import unicodedata

# Invisible characters that carry no meaning in Arabic news text and only break
# matching and offsets: zero-width space, word joiner, BOM / zero-width
# no-break space, soft hyphen, and stray bidi marks/embeddings/isolates pasted
# from word processors (the page applies its own bidi isolation). ZWJ and ZWNJ
# are kept: they change how letters join and so change what is displayed.
_JUNK = "\u200b\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
_JUNK_RE = re.compile(f"[{_JUNK}]")
# Horizontal white space of any kind (no-break, thin, ideographic, tabs) becomes
# one ordinary space.
_SPACES_RE = re.compile(r"[^\S\n]+")


def clean_line(text: str) -> str:
    """Clean one line (a title or a paragraph): NFC, no junk, single spaces, trimmed.

    Newlines inside a line become spaces: a paragraph is one line.
    """
    text = unicodedata.normalize("NFC", text)
    text = _JUNK_RE.sub("", text)
    text = text.replace("\r", " ").replace("\n", " ")
    return _SPACES_RE.sub(" ", text).strip()


# Directional formatting characters that reorder the text after them (embeddings, overrides,
# isolates): U+202E RIGHT-TO-LEFT OVERRIDE shows "txt.exe" as "exe.txt". People's notes, replies
# and speaker names never need them (the page isolates each one with <bdi>/dir="auto"); the
# single-character marks (LRM, RLM, ALM) cannot reorder anything beyond themselves and are kept.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_ARABIC_LETTER_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def neutralise_bidi(text: str) -> str:
    """``text`` without the directional controls that could make it display as something else."""
    return text.translate(_BIDI_CONTROLS)


def has_arabic(text: str) -> bool:
    """Whether ``text`` contains an Arabic letter (the language of a note, for the W3C form)."""
    return _ARABIC_LETTER_RE.search(text) is not None


def unify_newlines(text: str) -> str:
    """Turn CRLF, CR, and Unicode line/paragraph separators into ``\\n``."""
    return re.sub(r"\r\n|\r|\u2028|\u2029|\x85", "\n", text)


def split_paragraphs(body: str) -> list[str]:
    """Split a body into cleaned, non-empty paragraphs: one per non-blank line."""
    lines = (clean_line(line) for line in unify_newlines(body).split("\n"))
    return [line for line in lines if line]
