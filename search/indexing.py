"""Building search rows in SQL, one article or a hundred thousand at a time.

The one place that turns revision text into a stored search vector, shared by
the indexing service, ``search_reindex``, the backfill migration and the
benchmark, so that every path indexes exactly alike. It works on a raw database
cursor and plain values (not models), which is what lets a migration use it.

How a vector is built: Python turns each part of the text into search keys
(:func:`arabic.search_terms.search_text`: normalised, clitics stripped), and
PostgreSQL stems the keys with the stock ``arabic`` configuration and weights
them (title A, subtitle B, caption and body C). Queries go through the same two
steps (:mod:`newsreader.textsearch.query`), so a query word and a text word meet exactly when
their keys stem alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from arabic.search_terms import search_text, words
from newsreader.textsearch.tsquery import CONFIG

# Vocabulary words: at least this long (shorter ones are not worth correcting).
MIN_TERM_LENGTH = 3


@dataclass(frozen=True)
class IndexRow:
    """One article's current revision, as the indexer needs it."""

    article_id: int
    revision_id: int
    source_id: int
    published_on: date | None
    title: str
    subtitle: str
    caption: str
    body: str


def search_parts(row: IndexRow) -> tuple[str, str, str]:
    """The three weighted parts of an article as search-key strings."""
    return (
        search_text(row.title),
        search_text(row.subtitle),
        search_text(f"{row.caption}\n{row.body}" if row.caption else row.body),
    )


_UPSERT_SQL = f"""
INSERT INTO search_articlesearch (article_id, revision_id, source_id, published_on, vector, indexed_at)
SELECT v.article_id, v.revision_id, v.source_id, v.published_on,
       setweight(to_tsvector('{CONFIG}', v.title), 'A')
       || setweight(to_tsvector('{CONFIG}', v.subtitle), 'B')
       || setweight(to_tsvector('{CONFIG}', v.body), 'C'),
       now()
FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::date[], %s::text[], %s::text[], %s::text[])
     AS v(article_id, revision_id, source_id, published_on, title, subtitle, body)
ON CONFLICT (article_id) DO UPDATE SET
    revision_id = EXCLUDED.revision_id,
    source_id = EXCLUDED.source_id,
    published_on = EXCLUDED.published_on,
    vector = EXCLUDED.vector,
    indexed_at = EXCLUDED.indexed_at
"""


def upsert_vectors(cursor, rows: Iterable[IndexRow]) -> int:
    """Write (or overwrite) the search rows of ``rows`` in one statement."""
    rows = list(rows)
    if not rows:
        return 0
    columns: list[list] = [[], [], [], [], [], [], []]
    for row in rows:
        title, subtitle, body = search_parts(row)
        for column, value in zip(
            columns, (row.article_id, row.revision_id, row.source_id, row.published_on, title, subtitle, body)
        ):
            column.append(value)
    cursor.execute(_UPSERT_SQL, columns)
    return len(rows)


def vocabulary(text: str) -> set[str]:
    """The distinct words of ``text`` that belong in the vocabulary (:class:`search.models.Term`)."""
    return {w for w in words(text) if len(w) >= MIN_TERM_LENGTH and not w.isdigit()}


def trigrams(word: str) -> list[str]:
    """The distinct character trigrams of one vocabulary word, sorted, as ``pg_trgm`` forms them.

    The word is padded with two spaces before and one after, so a word of n
    letters has at most n + 1 trigrams and its first letters weigh more than its
    middle. The database computes the same for every stored word (SQL function
    ``search_term_trigrams``, migration 0004); :mod:`search.fuzzy` uses this twin
    for query words.
    """
    if not word:
        return []
    padded = f"  {word} "
    return sorted({padded[i : i + 3] for i in range(len(padded) - 2)})


def trigram_similarity(a: str, b: str) -> float:
    """``pg_trgm``'s similarity of two words: shared trigrams over all distinct trigrams of both."""
    ta, tb = set(trigrams(a)), set(trigrams(b))
    union = len(ta | tb)
    return len(ta & tb) / union if union else 0.0


def terms_adjust(cursor, *, added: Iterable[str] = (), removed: Iterable[str] = ()) -> None:
    """Count one more article for each word of ``added`` and one fewer for ``removed``.

    Rows are touched in sorted order so that two imports running at once lock
    shared words in the same order and cannot deadlock.
    """
    added, removed = sorted(set(added)), sorted(set(removed))
    if removed:
        cursor.execute(
            """
            UPDATE search_term t SET document_count = greatest(t.document_count - 1, 0)
            FROM (SELECT word FROM search_term WHERE word = ANY(%s) ORDER BY word FOR UPDATE) locked
            WHERE t.word = locked.word
            """,
            [removed],
        )
    if added:
        cursor.execute(
            """
            INSERT INTO search_term (word, document_count)
            SELECT w, 1 FROM unnest(%s::text[]) WITH ORDINALITY AS u(w, n) ORDER BY n
            ON CONFLICT (word) DO UPDATE SET document_count = search_term.document_count + 1
            """,
            [added],
        )


def terms_replace(cursor, counts: Counter) -> None:
    """Replace the whole vocabulary with ``counts`` (word -> number of articles)."""
    cursor.execute("DELETE FROM search_term")
    items = sorted(counts.items())
    for i in range(0, len(items), 20000):
        chunk = items[i : i + 20000]
        cursor.execute(
            "INSERT INTO search_term (word, document_count) SELECT * FROM unnest(%s::text[], %s::integer[])",
            [[w for w, _ in chunk], [n for _, n in chunk]],
        )


_CURRENT_SQL = """
SELECT a.id, r.id, a.source_id, a.published_on, r.title, r.subtitle, r.caption, r.body, r.text
FROM newsreader_article a JOIN newsreader_articlerevision r ON r.id = a.current_revision_id
WHERE a.id > %s ORDER BY a.id LIMIT %s
"""


def reindex_all(connection, *, batch_size: int = 500, progress=None) -> int:
    """Rebuild every search row and the vocabulary from the current revisions.

    Runs in batches so memory stays flat; rows of deleted articles go with them
    (cascade), and articles without a current revision are skipped.
    """
    counts: Counter = Counter()
    done, last_id = 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(_CURRENT_SQL, [last_id, batch_size])
            batch = cursor.fetchall()
            if not batch:
                break
            upsert_vectors(cursor, (IndexRow(*r[:8]) for r in batch))
            for r in batch:
                counts.update(vocabulary(r[8]))
            last_id = batch[-1][0]
            done += len(batch)
            if progress:
                progress(done)
        # Rows whose article lost its current revision (should not happen) go.
        cursor.execute(
            """
            DELETE FROM search_articlesearch s USING newsreader_article a
            WHERE a.id = s.article_id AND a.current_revision_id IS NULL
            """
        )
        terms_replace(cursor, counts)
    return done
