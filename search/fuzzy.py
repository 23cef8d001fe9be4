"""Did you mean ...? Correcting misspelt query words against the vocabulary.

Used only when a search finds nothing. Each query word that no article contains
is replaced by the most similar word of the vocabulary (:class:`search.models.Term`,
normalised words with their article counts and their trigrams).

Similarity is ``pg_trgm``'s: the share of trigrams two words have in common
(shared / all distinct trigrams of both, words padded as ``pg_trgm`` pads them),
and a word qualifies from ``THRESHOLD`` (pg_trgm's default 0.3). It is computed
here in plain SQL on the ``text[]`` column ``search_term.trigrams`` with its
built-in GIN index, so every server, the embedded one without contrib extensions
included, gives the same corrections by one code path.

Finding candidates: a word sharing fewer than ``ceil(THRESHOLD * n)`` of the
query word's ``n`` trigrams cannot reach the threshold (its similarity is at most
shared / n), so a candidate must share at least one trigram with the query word's
trigrams less any ``ceil(THRESHOLD * n) - 1`` of them. The index is asked with the
query word's trigrams less its (up to two) leading padded ones, such as ``"  ا"``
and ``" ال"``, which most of an Arabic vocabulary shares: the same words qualify,
from far fewer candidates.
"""

from __future__ import annotations

import math
from fractions import Fraction

from django.db import connection

from newsreader.textsearch.tsquery import CONFIG
from search.indexing import trigrams
from newsreader.textsearch.query import ParsedQuery

# pg_trgm's default similarity threshold; a fraction so that a similarity of
# exactly 0.3 qualifies, as with pg_trgm, without floating-point rounding.
THRESHOLD = Fraction(3, 10)

# The shared count is computed once a candidate (LATERAL), then filters and ranks.
_SUGGEST_SQL = """
SELECT t.word
FROM search_term t
CROSS JOIN LATERAL (
    SELECT count(*) AS shared FROM unnest(t.trigrams) AS g WHERE g = ANY(%(grams)s::text[])
) s
WHERE t.trigrams && %(probe)s::text[]
  AND t.word <> %(word)s AND t.document_count > 0
  AND cardinality(t.trigrams) BETWEEN %(min_n)s AND %(max_n)s
  AND %(den)s * s.shared >= %(num)s * (cardinality(t.trigrams) + %(nq)s - s.shared)
ORDER BY s.shared::float8 / (cardinality(t.trigrams) + %(nq)s - s.shared) DESC, t.document_count DESC, t.word
LIMIT 1
"""


def probe_trigrams(grams: list[str]) -> list[str]:
    """The trigrams of which a qualifying word must share at least one (see the module's docstring)."""
    droppable = math.ceil(THRESHOLD * len(grams)) - 1
    leading = [g for g in grams if g.startswith(" ")]
    # Padded trigrams sort first ("  x" before " xy"); drop the most common ones.
    leading.sort(key=lambda g: (not g.startswith("  "), g))
    dropped = set(leading[: max(droppable, 0)])
    return [g for g in grams if g not in dropped]


def suggest_params(word: str) -> dict | None:
    """The parameters of ``_SUGGEST_SQL`` for ``word``, or ``None`` for a word with no trigrams."""
    grams = trigrams(word)
    if not grams:
        return None
    nq = len(grams)
    return {
        "grams": grams,
        "probe": probe_trigrams(grams),
        "word": word,
        "nq": nq,
        # Similarity is at most min(n, nq) / max(n, nq): words of very different
        # lengths cannot qualify.
        "min_n": math.ceil(THRESHOLD * nq),
        "max_n": math.floor(nq / THRESHOLD),
        "num": THRESHOLD.numerator,
        "den": THRESHOLD.denominator,
    }


def suggest(word: str) -> str | None:
    """The vocabulary word most like ``word`` (a normalised word), or ``None``.

    Most similar first, then the word more articles use, then alphabetical order.
    """
    params = suggest_params(word)
    if params is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_SUGGEST_SQL, params)
        row = cursor.fetchone()
    return row[0] if row else None


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
    replacements = {}
    for word in unknown:
        if word.isdigit():
            continue
        suggestion = suggest(word)
        if suggestion:
            replacements[word] = suggestion
    if not replacements:
        return None
    return query.with_words_replaced(replacements)
