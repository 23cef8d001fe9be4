"""The search box's syntax, parsed into terms (pure Python: no database, no Django).

Syntax, kept small on purpose:

* words separated by spaces: every word must occur (AND), in any form that has
  the same search key (with or without diacritics, clitics, hamza variants);
* ``"..."`` (also ``“...”``, ``«...»``): the words in this order, next to each
  other (a phrase). An unclosed quotation mark runs to the end of the query.

Everything that is not a letter or a digit only separates words, so quotes are
the only special characters: punctuation, SQL-looking text and symbols can never
change the meaning of a query, and the query text only reaches the database as a
bound parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from arabic.search_terms import tokenize

MAX_QUERY_LENGTH = 200
"""Characters a query may have (a sentence or two; longer is a paste by mistake)."""

_QUOTES_RE = re.compile('["“”«»„‟″]')


@dataclass(frozen=True)
class Term:
    """One word, or one phrase of several words, that a result must contain."""

    written: tuple[str, ...]  # the words as typed (for display)
    words: tuple[str, ...]  # normalised, clitics kept (for the vocabulary)
    keys: tuple[str, ...]  # search keys (for the index)
    quoted: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.keys) > 1

    def display(self) -> str:
        text = " ".join(self.written)
        return f"«{text}»" if self.quoted else text


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    terms: tuple[Term, ...]
    unclosed_quote: bool = False

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def word_keys(self) -> list[str]:
        return [t.keys[0] for t in self.terms if not t.is_phrase]

    @property
    def phrases(self) -> list[tuple[str, ...]]:
        return [t.keys for t in self.terms if t.is_phrase]

    def display(self) -> str:
        """The query as it would be typed again (phrases quoted)."""
        return " ".join(t.display() for t in self.terms)

    def with_words_replaced(self, replacements: dict[str, str]) -> ParsedQuery:
        """A copy with some words (by their normalised form) replaced by others.

        Used by the misspelling fallback; replacements are normalised words, so
        they are re-keyed here.
        """
        terms = []
        for term in self.terms:
            if not any(w in replacements for w in term.words):
                terms.append(term)
                continue
            written, words, keys = [], [], []
            for typed, word, key in zip(term.written, term.words, term.keys):
                if word in replacements:
                    new = replacements[word]
                    token = tokenize(new)[0]
                    typed, word, key = new, token.word, token.key
                written.append(typed)
                words.append(word)
                keys.append(key)
            terms.append(replace(term, written=tuple(written), words=tuple(words), keys=tuple(keys)))
        return replace(self, text="", terms=tuple(terms))


def parse_query(text: str) -> ParsedQuery:
    """Split a query into terms. Never fails: a query without words has no terms."""
    text = text.strip()
    segments = _QUOTES_RE.split(text)
    # An odd number of quotation marks leaves the last phrase open.
    unclosed = len(segments) % 2 == 0
    terms: list[Term] = []
    seen: set[tuple[str, ...]] = set()
    for i, segment in enumerate(segments):
        tokens = tokenize(segment)
        if not tokens:
            continue
        inside_quotes = i % 2 == 1
        groups = [tokens] if inside_quotes else [[t] for t in tokens]
        for group in groups:
            term = Term(
                written=tuple(segment[t.start : t.end] for t in group),
                words=tuple(t.word for t in group),
                keys=tuple(t.key for t in group),
                quoted=inside_quotes and len(group) > 1,
            )
            if term.keys in seen:
                continue
            seen.add(term.keys)
            terms.append(term)
    return ParsedQuery(text=text, terms=tuple(terms), unclosed_quote=unclosed)
