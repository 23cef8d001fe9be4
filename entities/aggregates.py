"""Public aggregates of the entity pages: counts per month and name variants.

They are sums over the mention rows that count for everyone (``public``, with
their annotation: rows of a deleted annotation wait to be dropped), so
that an entity page reads a few dozen rows whether the entity is mentioned ten
times or a hundred thousand. The services keep them in step:

* :func:`apply` adjusts them for public mention rows removed and added (the
  link hook, any number of rows, a handful of statements whatever their count);
* :func:`rebuild` recomputes them from the rows for some entities (merge, split)
  or for all of them (``entities_relink``).

An article counts once per entity ("in N articles"), so :func:`apply` works
out, for each article touched, which entities were present before and after
the change. Co-occurrence is not stored: a table of pairs grew with the square
of an article's entities (347,626 rows for 633 entities; one create upserted
about a thousand). :func:`entities.entity_page.entity_cooccurring` counts it when
read, over the entity's newest articles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db import connection

# One public mention: (entity id, article id, publication date, name as marked).
Row = tuple[int, int, date | None, str]


def _month(day: date | None) -> date | None:
    return day.replace(day=1) if day else None


def apply(removed: Iterable[Row], added: Iterable[Row]) -> None:
    """Adjust the aggregates for public mention rows just removed and added (call after writing the rows)."""
    removed, added = list(removed), list(added)
    if not removed and not added:
        return
    delta: Counter = Counter()
    month_of: dict[tuple[int, int], date | None] = {}
    months: Counter = Counter()  # (entity, month) -> [articles, mentions] deltas, mentions here
    variants: Counter = Counter()
    for sign, rows in ((-1, removed), (1, added)):
        for entity_id, article_id, published_on, name in rows:
            delta[(entity_id, article_id)] += sign
            month_of.setdefault((entity_id, article_id), _month(published_on))
            months[(entity_id, _month(published_on))] += sign
            variants[(entity_id, name)] += sign
    touched_entities = sorted({e for e, _ in delta})
    touched_articles = sorted({a for _, a in delta})
    with connection.cursor() as cursor:
        # How many public rows each touched entity has in each touched article now.
        cursor.execute(
            "SELECT entity_id, article_id, count(*) FROM entities_entitymention "
            "WHERE public AND annotation_id IS NOT NULL AND article_id = ANY(%s::bigint[]) "
            "AND entity_id = ANY(%s::bigint[]) GROUP BY 1, 2",
            [touched_articles, touched_entities],
        )
        now = {(e, a): n for e, a, n in cursor.fetchall()}
    article_months: Counter = Counter()
    for (e, a), d in delta.items():
        after = now.get((e, a), 0)
        before = after - d
        if (before > 0) != (after > 0):
            article_months[(e, month_of[(e, a)])] += 1 if after > 0 else -1
    _upsert_months({k: (article_months.get(k, 0), months.get(k, 0)) for k in set(months) | set(article_months)})
    _upsert("entities_entityvariant", "name", "varchar", "mentions", variants)


def _upsert_months(deltas: dict[tuple[int, date | None], tuple[int, int]]) -> None:
    deltas = {k: v for k, v in deltas.items() if v != (0, 0)}
    if not deltas:
        return
    keys = sorted(deltas, key=lambda k: (k[0], k[1] or date.min))  # one lock order for every writer
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO entities_entitymonth (entity_id, month, articles, mentions)
            SELECT * FROM unnest(%s::bigint[], %s::date[], %s::int[], %s::int[])
            ON CONFLICT (entity_id, month) DO UPDATE
            SET articles = entities_entitymonth.articles + EXCLUDED.articles,
                mentions = entities_entitymonth.mentions + EXCLUDED.mentions
            """,
            [[k[0] for k in keys], [k[1] for k in keys], [deltas[k][0] for k in keys], [deltas[k][1] for k in keys]],
        )
        cursor.execute(
            "DELETE FROM entities_entitymonth WHERE entity_id = ANY(%s::bigint[]) AND articles <= 0 AND mentions <= 0",
            [sorted({k[0] for k in keys})],
        )


def _upsert(table: str, column: str, kind: str, counter: str, deltas: Counter) -> None:
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    keys = sorted(deltas)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (entity_id, {column}, {counter})
            SELECT * FROM unnest(%s::bigint[], %s::{kind}[], %s::int[])
            ON CONFLICT (entity_id, {column}) DO UPDATE SET {counter} = {table}.{counter} + EXCLUDED.{counter}
            """,
            [[k[0] for k in keys], [k[1] for k in keys], [deltas[k] for k in keys]],
        )
        cursor.execute(
            f"DELETE FROM {table} WHERE entity_id = ANY(%s::bigint[]) AND {counter} <= 0", [sorted({k[0] for k in keys})]
        )


# --- rebuilding ----------------------------------------------------------------------------

_REBUILD = {
    "entities_entitymonth": """
        INSERT INTO entities_entitymonth (entity_id, month, articles, mentions)
        SELECT entity_id, date_trunc('month', published_on)::date, count(DISTINCT article_id), count(*)
        FROM entities_entitymention WHERE public AND annotation_id IS NOT NULL AND {where} GROUP BY 1, 2""",
    "entities_entityvariant": """
        INSERT INTO entities_entityvariant (entity_id, name, mentions)
        SELECT entity_id, name, count(*) FROM entities_entitymention
        WHERE public AND annotation_id IS NOT NULL AND {where} GROUP BY 1, 2""",
}


def rebuild(entity_ids: Iterable[int] | None = None) -> None:
    """Recompute the aggregates of these entities, or of all."""
    with connection.cursor() as cursor:
        if entity_ids is None:
            for table, sql in _REBUILD.items():
                cursor.execute(f"DELETE FROM {table}")  # not TRUNCATE: deferred constraint checks may be pending
                cursor.execute(sql.format(where="TRUE"), [])
            return
        ids = sorted(set(entity_ids))
        if not ids:
            return
        for table, sql in _REBUILD.items():
            cursor.execute(f"DELETE FROM {table} WHERE entity_id = ANY(%s::bigint[])", [ids])
            cursor.execute(sql.format(where="entity_id = ANY(%s::bigint[])"), [ids])
