"""Sentence splitting for Arabic news text (camel-tools has no splitter).

A sentence ends

* at a line break (a paragraph never continues past one; a blank line is a
  paragraph break too), and
* after a run of terminators — ``.`` ``!`` ``?`` ``؟`` ``…`` ``۔`` (and mixed runs
  like ``؟!``) — plus any closing quotation marks or brackets, when white
  space or the end of the line follows,

except

* inside quotation marks (:mod:`arabic.quotemarks`): ``قال "لن يعلن أحد أن المهمة
  أُنجزت. الهدف هو ..."`` is one sentence; a terminator right before the closing
  mark (``... لداعش." وأضاف``) ends the sentence after the mark;
* after an abbreviation or an initial: ``د. محمد``, ``أ. ب. سميث``, ``J. Smith``,
  ``Mr.`` — a single letter (Arabic or Latin) or a listed abbreviation before
  the dot;
* in numbers: ``5.2`` or ``2021.07`` have no space after the dot.

The Arabic comma ``،`` and semicolon ``؛`` join clauses and never end a
sentence; the quote finder uses them as clause boundaries instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arabic.quotemarks import quoted_regions

TERMINATORS = ".!?؟…۔"
CLOSERS = "\"»”“’)]}"
_END_RE = re.compile(f"[{re.escape(TERMINATORS)}]+[{re.escape(CLOSERS)}]*(?=\\s|$)")
_LINE_RE = re.compile(r"[^\n]+")
# A word right before the dot; \w includes Arabic letters and digits.
_WORD_BEFORE_RE = re.compile(r"(\w+)$")
ABBREVIATIONS = frozenset(
    {
        # Arabic: (Doctor, Professor/Mr, engineer, page, part, number, AD, AH, BC ...)
        "د", "أ", "م", "ص", "ج", "ه", "هـ", "ق", "ت", "ط", "ع", "ش", "ح", "ب", "س",
        "مج", "تح", "إلخ", "الخ",
        # Latin
        "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "vs", "no", "inc", "ltd", "co", "corp",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "u.s", "u.n", "e.g", "i.e",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: ``text == source[start:end]`` (no surrounding white space)."""

    text: str
    start: int
    end: int


def split_sentences(text: str, regions: list | None = None) -> list[Sentence]:
    """Split ``text`` into sentences with offsets (see the module notes for the rules).

    ``regions``: the text's :func:`arabic.quotemarks.quoted_regions`, when the
    caller has them already.
    """
    if regions is None:
        regions = quoted_regions(text)
    sentences: list[Sentence] = []
    for line in _LINE_RE.finditer(text):
        cut = line.start()
        for m in _END_RE.finditer(text, line.start(), line.end()):
            if _inside_quote(regions, m.start(), m.end()) or _is_abbreviation(text, line.start(), m):
                continue
            _add(sentences, text, cut, m.end())
            cut = m.end()
        _add(sentences, text, cut, line.end())
    return sentences


def sentence_spans(text: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in split_sentences(text)]


def _add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        sentences.append(Sentence(text[start:end], start, end))


def _inside_quote(regions, start: int, end: int) -> bool:
    """Is the terminator run ``[start, end)`` inside a quote that it does not close?"""
    for region in regions:
        if region.open >= start:
            break
        if region.open < start < region.close:
            # The run may close this quote itself (terminator, then the mark).
            return not (region.close < end)
    return False


def _is_abbreviation(text: str, line_start: int, m: re.Match) -> bool:
    run = m.group()
    if not run.startswith(".") or len(run.rstrip(CLOSERS)) != 1:
        return False
    if m.end() >= len(text) or text[m.end()] == "\n":
        return False  # the end of a paragraph is the end of its sentence
    # only the few characters before the dot matter (abbreviations are short)
    window_start = max(line_start, m.start() - 12)
    before = _WORD_BEFORE_RE.search(text, window_start, m.start())
    if before is None:
        return False
    word = before.group(1)
    if word.isdigit():
        return False
    if len(word) == 1:
        return True
    # dotted abbreviations like "U.S." or "ق.م."
    dotted = text[max(line_start, before.start() - 2) : m.start()]
    if re.fullmatch(r"\w\.\w", dotted):
        return True
    return word.lower() in ABBREVIATIONS
