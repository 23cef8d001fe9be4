"""The quote search of the speaker and quote pages ("what did X say about Y"), for the user who asks.

Split from :mod:`entities.selectors` (which gives the rows a user may count): this module builds on its
:func:`~entities.selectors.quote_rows` and on the entity list of :mod:`entities.lists` (one direction).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.safestring import SafeString, mark_safe

from annotations.models import Annotation
from arabic.clean import neutralise_bidi
from arabic.search_terms import tokenize
from entities.lists import ListedEntity, entity_list
from entities.selectors import PAGE_SIZE, entity_or_redirect, fetch_all, quote_rows
from newsreader.models import Article
from newsreader.textsearch.lexemes import lexemes
from newsreader.textsearch.query import ParsedQuery
from newsreader.textsearch.tsquery import tsquery_sql
from newsreader.textsearch.snippets import render
from newsreader.ids import parse_id
from newsreader.paging import CountedPage

@dataclass(frozen=True)
class QuoteItem:
    annotation_id: int
    html: SafeString  # the quote, escaped, with the searched words in <mark>
    quote_type: str
    speaker_id: int | None
    speaker_name: str
    article: Article
    published_on: date | None


@dataclass
class QuoteResults(CountedPage):
    items: list[QuoteItem]
    total: int
    page: int
    page_size: int


QUOTE_TYPES = tuple(Annotation.QuoteType.values)


@dataclass(frozen=True)
class QuoteFilter:
    """Which quotes: by speakers (entity ids; None: anyone), words, type and dates."""

    entity_ids: tuple[int, ...] | None = None
    query: ParsedQuery | None = None
    quote_type: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def narrowed(self) -> bool:
        """Words, a type or dates: more than "the quotes of these speakers"."""
        return bool(self.query or self.quote_type or self.date_from or self.date_to)

    def sql(self, user, columns: Sequence[str]) -> tuple[str, list]:
        """SQL of the matching quote rows that count for ``user``, newest first."""
        filters = Q(entity_id__in=list(self.entity_ids)) if self.entity_ids is not None else Q()
        # The vector only when words are searched: reading it costs more than the rest of a row.
        extra = ("id", "published_on", "quote_type", *(("vector",) if self.query else ()))
        needed = [*columns, *(c for c in extra if c not in columns)]
        rows_sql, params = quote_rows(user, needed, filters)
        where = ["TRUE"]
        if self.query:
            ts, ts_params = tsquery_sql(self.query)
            where.append(f"v.vector @@ {ts}")
            params += ts_params
        if self.quote_type:
            where.append("v.quote_type = %s")
            params.append(self.quote_type)
        if self.date_from:
            where.append("v.published_on >= %s")
            params.append(self.date_from)
        if self.date_to:
            where.append("v.published_on <= %s")
            params.append(self.date_to)
        return (
            f"SELECT {', '.join('v.' + c for c in columns)} FROM ({rows_sql}) v WHERE {' AND '.join(where)} "
            "ORDER BY v.published_on DESC NULLS LAST, v.id DESC",
            params,
        )


_ITEM_COLUMNS = ["annotation_id", "entity_id", "article_id", "published_on", "quote_type", "speaker_name"]


def quote_search(
    user, quote_filter: QuoteFilter, *, page: int = 1, page_size: int = PAGE_SIZE, total: int | None = None
) -> QuoteResults:
    """A page of quotes that count for ``user``, newest first, with the words searched for marked (four queries).

    ``total``: the number of matching quotes when the caller knows it already
    (a speaker's page without filters), which spares counting them all.
    """
    if quote_filter.entity_ids is not None and not quote_filter.entity_ids:
        return QuoteResults([], 0, 1, page_size)
    page = max(1, page)
    sql, params = quote_filter.sql(user, _ITEM_COLUMNS)
    counted = "count(*) OVER ()" if total is None else "%s::bigint"
    rows = fetch_all(
        f"SELECT q.*, {counted} FROM ({sql}) q LIMIT %s OFFSET %s",
        [*([] if total is None else [total]), *params, page_size, (page - 1) * page_size],
    )
    if not rows and page > 1:
        total = fetch_all(f"SELECT count(*) FROM ({sql}) q", params)[0][0]
        return QuoteResults([], total, page, page_size)
    texts = dict(Annotation.objects.filter(pk__in=[r[0] for r in rows]).values_list("pk", "exact"))
    articles = Article.objects.select_related("source", "current_revision").in_bulk({r[2] for r in rows})
    marker = _Marker(quote_filter.query, texts.values())
    items = [
        QuoteItem(annotation_id, marker.html(texts.get(annotation_id, "")), quote_type, entity_id, neutralise_bidi(speaker_name), articles[article_id], published_on)
        for annotation_id, entity_id, article_id, published_on, quote_type, speaker_name, _ in rows
        if article_id in articles
    ]
    return QuoteResults(items, rows[0][-1] if rows else 0, page, page_size)


class _Marker:
    """Marks the words of a quote that match the query (same lexemes as the search index)."""

    def __init__(self, query: ParsedQuery | None, texts: Iterable[str]):
        self.words: list[frozenset[str]] = []
        if not query:
            self.lexemes_of = {}
            return
        tokens = {t.key for text in texts for t in tokenize(text)}
        query_keys = {k for term in query.terms for k in term.keys}
        self.lexemes_of = lexemes(tokens | query_keys)
        self.words = [self.lexemes_of.get(k, frozenset()) for k in query_keys]

    def html(self, text: str) -> SafeString:
        spans = []
        if self.words:
            for token in tokenize(text):
                found = self.lexemes_of.get(token.key, frozenset())
                if any(found & word for word in self.words):
                    spans.append((token.start, token.end))
        # Safe: render escapes the text and adds only <mark> and <bdi>.
        return mark_safe(render(text, 0, len(text), spans))


def speakers_named(user, text: str, *, limit: int = 50) -> list[ListedEntity]:
    """Speakers whose names hold the words of ``text`` (``speaker=`` of the quote search), most quoted first."""
    return entity_list(user, query=text, speakers=True, page_size=limit).items


def speaker_choice(user, text: str) -> tuple[list[ListedEntity] | None, tuple[int, ...] | None]:
    """``speaker=`` of the quote search: (speakers matched by name or None, entity ids or None for anyone).

    A number is an entity id; words are matched against the speakers' names.
    """
    text = text.strip()
    if not text:
        return None, None
    if pk := parse_id(text):
        entity, merged_into = entity_or_redirect(pk)
        return None, (entity.pk if entity else merged_into or pk,)
    speakers = speakers_named(user, text)
    return speakers, tuple(s.id for s in speakers)
