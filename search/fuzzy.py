"""Did you mean ...? Correcting misspelt query words against the vocabulary.

Used only when a search finds nothing. Each query word that no article contains
is replaced by the most similar word of the vocabulary (:class:`search.models.Term`,
normalised words with their article counts):

* with PostgreSQL's ``pg_trgm`` extension (installed by migration 0002 where the
  server offers it): trigram similarity through a GIN trigram index;
* without it (the embedded server has no contrib extensions): a pre-selection of
  words of similar length sharing the first or last letters, ranked in Python by
  :class:`difflib.SequenceMatcher`. Slower and a little less thorough (a misspelt
  first *and* last letter is not found), but the feature still works.
"""

from __future__ import annotations

import difflib

from django.db import connection

from search.indexing import CONFIG
from search.query import ParsedQuery

DIFFLIB_CUTOFF = 0.75
DIFFLIB_CANDIDATES = 5000


def trigram_available() -> bool:
    """Whether ``pg_trgm`` is installed in this database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
        return cursor.fetchone()[0]


def _suggest_trigram(cursor, word: str) -> str | None:
    cursor.execute(
        """
        SELECT word FROM search_term
        WHERE word %% %s AND word <> %s AND document_count > 0
        ORDER BY similarity(word, %s) DESC, document_count DESC, word
        LIMIT 1
        """,
        [word, word, word],
    )
    row = cursor.fetchone()
    return row[0] if row else None


def _suggest_difflib(cursor, word: str) -> str | None:
    n = len(word)
    edge = 3 if n >= 5 else 2
    cursor.execute(
        """
        SELECT word FROM search_term
        WHERE document_count > 0 AND word <> %s
          AND length(word) BETWEEN %s AND %s
          AND (left(word, %s) = left(%s, %s) OR right(word, %s) = right(%s, %s))
        ORDER BY document_count DESC, word
        LIMIT %s
        """,
        [word, n - 2, n + 2, edge, word, edge, edge, word, edge, DIFFLIB_CANDIDATES],
    )
    candidates = [r[0] for r in cursor.fetchall()]
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=DIFFLIB_CUTOFF)
    return close[0] if close else None


def suggest(word: str, *, trigram: bool | None = None) -> str | None:
    """The vocabulary word most like ``word`` (a normalised word), or ``None``."""
    if trigram is None:
        trigram = trigram_available()
    with connection.cursor() as cursor:
        return _suggest_trigram(cursor, word) if trigram else _suggest_difflib(cursor, word)


def unmatched_words(query: ParsedQuery) -> list[str]:
    """The query's normalised words whose search key no article contains."""
    pairs = {w: k for t in query.terms for w, k in zip(t.words, t.keys)}
    if not pairs:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT u.w FROM unnest(%s::text[], %s::text[]) AS u(w, k)
            WHERE NOT EXISTS (
                SELECT 1 FROM search_articlesearch s WHERE s.vector @@ plainto_tsquery('{CONFIG}', u.k)
            )
            """,
            [list(pairs), list(pairs.values())],
        )
        return [r[0] for r in cursor.fetchall()]


def correct(query: ParsedQuery) -> ParsedQuery | None:
    """``query`` with its unknown words replaced by known ones, or ``None`` if nothing changes."""
    unknown = unmatched_words(query)
    if not unknown:
        return None
    trigram = trigram_available()
    replacements = {}
    for word in unknown:
        if word.isdigit():
            continue
        suggestion = suggest(word, trigram=trigram)
        if suggestion:
            replacements[word] = suggestion
    if not replacements:
        return None
    return query.with_words_replaced(replacements)
