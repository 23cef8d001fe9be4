"""The entity and speaker lists, with their counts, for the user who asks.

Split from :mod:`entities.selectors` and built on it (the rows a user may count): one direction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q

from arabic.clean import neutralise_bidi
from entities.keys import key_words
from entities.models import EntityMention, SpeakerQuote
from entities.selectors import counting_branches, fetch_all
from entities.visibility import is_signed_in
from newsreader.paging import CountedPage

LIST_PAGE_SIZE = 50


@dataclass(frozen=True)
class ListedEntity:
    id: int
    label: str
    name: str
    articles: int
    mentions: int
    quotes: int


@dataclass
class EntityList(CountedPage):
    items: list[ListedEntity]
    total: int
    page: int
    page_size: int


FREQUENCY, NAME = "frequency", "name"


def _name_condition(query: str) -> tuple[str, list] | None:
    """SQL on ``e`` (entities): an alias key holds every word of ``query`` (the last one as a prefix)."""
    words = key_words(query)
    if not words:
        return None
    patterns = [r"(^| )" + re.escape(w) + r"( |$)" for w in words[:-1]] + [r"(^| )" + re.escape(words[-1])]
    conditions = " AND ".join("a.key ~ %s" for _ in patterns)
    return f"EXISTS (SELECT 1 FROM entities_entityalias a WHERE a.entity_id = e.id AND {conditions})", patterns


def entity_list(
    user, *, label: str = "", query: str = "", sort: str = FREQUENCY, speakers: bool = False, page: int = 1,
    page_size: int = LIST_PAGE_SIZE,
) -> EntityList:  # fmt: skip
    """Entities (``speakers``: those with quotes) with their counts, most frequent first or by name.

    The counts are what everyone can see (stored on each entity); a signed-in
    user also gets the entities only their own or their groups' annotations
    name (:func:`_extras_sql`). Entity pages count everything that counts for
    the user.
    """
    extras = _extras_sql(user, speakers)
    if extras is None:
        extras_sql, params = "SELECT NULL::bigint AS entity_id, 0 AS articles, 0 AS mentions, 0 AS quotes, NULL::text AS name WHERE FALSE", []
    else:
        extras_sql, params = extras
    where, where_params = ["TRUE"], []
    if speakers:
        where.append("(e.public_quotes > 0 OR x.quotes > 0)")
    else:
        where.append("e.label <> ''")
        where.append("(e.public_mentions > 0 OR x.mentions > 0)")
    if label:
        where.append("e.label = %s")
        where_params.append(label)
    condition = _name_condition(query) if query else None
    if query and condition is None:
        return EntityList([], 0, 1, page_size)
    if condition:
        where.append(condition[0])
        where_params += condition[1]
    count_column = "quotes" if speakers else "articles"
    name = "COALESCE(NULLIF(e.name, ''), x.name, e.key)"
    order = f"{count_column} DESC, e.id" if sort != NAME else f'{name} COLLATE "C", e.id'
    rows = fetch_all(
        f"""WITH x AS ({extras_sql})
            SELECT e.id, e.label, {name} AS name,
                   e.public_articles + COALESCE(x.articles, 0) AS articles,
                   e.public_mentions + COALESCE(x.mentions, 0) AS mentions,
                   e.public_quotes + COALESCE(x.quotes, 0) AS quotes,
                   count(*) OVER () AS total
            FROM entities_entity e LEFT JOIN x ON x.entity_id = e.id
            WHERE {" AND ".join(where)}
            ORDER BY {order} LIMIT %s OFFSET %s""",
        [*params, *where_params, page_size, (max(1, page) - 1) * page_size],
    )
    total = rows[0][-1] if rows else _count_only(user, label=label, query=query, speakers=speakers) if page > 1 else 0
    # Names without bidi controls: rows saved before the rule may still hold them (entities migration 0008).
    items = [ListedEntity(row[0], row[1], neutralise_bidi(row[2]), *row[3:-1]) for row in rows]
    return EntityList(items, total, max(1, page), page_size)


def _count_only(user, **kwargs) -> int:
    return entity_list(user, page=1, page_size=1, **kwargs).total


def _extras_sql(user, speakers: bool) -> tuple[str, list] | None:
    """Entities nobody can see publicly that count for this signed-in user (their own or their groups'
    annotations), with their counts. None: there are none to look for (anonymous visitors).

    Only such entities: counting a user's own and group annotations into every
    entity of a list would read all of them (tens of thousands for a busy group)
    for each list page. So the lists show what everyone can see, plus these;
    an entity's page shows everything that counts for the user.
    """
    if not is_signed_in(user):
        return None
    if speakers:
        _, quotes = counting_branches(SpeakerQuote, user, Q(entity__public_quotes=0))
        quotes_sql, params = quotes.order_by().values("entity_id", "speaker_name").query.sql_with_params()
        return (
            f"""SELECT q.entity_id, 0 AS articles, 0 AS mentions, count(*) AS quotes, min(q.speaker_name) AS name
                FROM ({quotes_sql}) q WHERE q.entity_id IS NOT NULL GROUP BY q.entity_id""",
            list(params),
        )
    _, mentions = counting_branches(EntityMention, user, Q(entity__public_articles=0))
    mentions_sql, params = mentions.order_by().values("entity_id", "article_id", "name").query.sql_with_params()
    return (
        f"""SELECT m.entity_id, count(DISTINCT m.article_id) AS articles, count(*) AS mentions, 0 AS quotes,
                   min(m.name) AS name
            FROM ({mentions_sql}) m GROUP BY m.entity_id""",
        list(params),
    )
