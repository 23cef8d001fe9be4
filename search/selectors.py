"""Searching articles: ranked or newest-first, filtered, paginated, highlighted.

How a search runs (one SQL statement, then the page's articles; the lexemes
highlighting needs come from a cache, or one more look-up):

1. The query's search keys (:mod:`newsreader.textsearch.query`) become a ``tsquery``:
   ``plainto_tsquery`` for the words (all must occur) ``&&`` one
   ``phraseto_tsquery`` per quoted phrase (``<->``: adjacent, in order).
2. **Candidates**: the matching rows, newest first, at most
   :data:`RANK_WINDOW` (+1, to know whether there are more). The filters (source,
   dates) apply here, on ``search_articlesearch`` and its indexes alone.
3. **Ranking**: ``ts_rank_cd`` over the candidates only, then the page.

Why a window? Ranking reads every match's vector; a word found in most of
100,000 articles made the stock "rank all matches" query take over half a
second. Capping the candidates to the newest :data:`RANK_WINDOW` matches keeps
every search fast whatever its words (walking the date index and stopping early
for frequent words, asking the GIN index for rarer ones: :mod:`search.planning`
chooses). The trade-off:
for a query with more matches than the window, relevance is ranked among the
newest ones only, and older matches are reachable by narrowing the search
(words, source, dates). For a news collection recency is a sensible tie-breaker
anyway; queries with fewer matches are ranked exactly.

Filters are SQL fragments on ``s`` (the search table) collected by
:meth:`SearchFilters.where`; a label or entity filter is one more ``EXISTS``
sub-query there.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils.safestring import SafeString, mark_safe

from newsreader.models import Article
from search import fuzzy, planning
from newsreader.textsearch.tsquery import tsquery_sql
from newsreader.textsearch.lexemes import lexemes
from newsreader.textsearch.query import ParsedQuery
from newsreader.textsearch.snippets import Matcher, highlight, prepare
from newsreader.paging import PageLinks, page_count

RANK_WINDOW: int = getattr(settings, "SEARCH_RANK_WINDOW", 500)
PAGE_SIZE = 20
# ts_rank_cd weights for D, C, B, A: a title match counts 2.5 times a subtitle
# match and 5 times a body match.
RANK_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"
# 1: divide the rank by 1 + log(length), so long articles do not win by length.
RANK_NORMALIZATION = 1

RELEVANCE = "relevance"
DATE = "date"
SORTS = (RELEVANCE, DATE)


@dataclass(frozen=True)
class SearchFilters:
    source_ids: tuple[int, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    # Label and entity filters: SQL conditions on s.article_id and their parameters, built
    # for the user who searches by entities.search_filters.article_conditions (visibility included).
    article_conditions: tuple[tuple[str, tuple], ...] = ()

    def where(self) -> tuple[str, list]:
        """SQL conditions on ``s`` (``search_articlesearch``) and their parameters."""
        sql, params = [], []
        if self.source_ids:
            sql.append("s.source_id = ANY(%s)")
            params.append(list(self.source_ids))
        if self.date_from:
            sql.append("s.published_on >= %s")
            params.append(self.date_from)
        if self.date_to:
            sql.append("s.published_on <= %s")
            params.append(self.date_to)
        for condition, condition_params in self.article_conditions:
            sql.append(condition)
            params.extend(condition_params)
        return "".join(f" AND {c}" for c in sql), params


@dataclass
class SearchHit:
    article: Article
    rank: float
    title_html: SafeString
    snippet_html: SafeString


@dataclass
class SearchResults(PageLinks):
    query: ParsedQuery
    sort: str
    page: int
    page_size: int
    hits: list[SearchHit] = field(default_factory=list)
    # Matches found, counted up to RANK_WINDOW (+1 means "more than that").
    found: int = 0
    # When nothing matched and misspelt words were corrected: the query that ran.
    corrected: ParsedQuery | None = None

    @property
    def has_more_than_window(self) -> bool:
        return self.found > RANK_WINDOW

    @property
    def reachable(self) -> int:
        """How many results the pages can show."""
        return min(self.found, RANK_WINDOW)

    @property
    def num_pages(self) -> int:
        return page_count(self.reachable, self.page_size)


def search_sql(
    query: ParsedQuery, filters: SearchFilters, sort: str, limit: int, offset: int, since: date | None = None
) -> tuple[str, list]:
    """The search statement: rows of (article id, rank, matches found up to the window + 1).

    ``since`` limits the candidates to articles published on or after it (a
    plan's bound, see :mod:`search.planning`).
    """
    ts, ts_params = tsquery_sql(query)
    where, where_params = filters.where()
    if since is not None:
        where += " AND s.published_on >= %s"
        where_params = [*where_params, since]
    params = [*ts_params, *where_params, RANK_WINDOW + 1]
    if sort == RELEVANCE:
        # The candidates carry no vector (a sort of thousands of vectors costs
        # more than the search); the winners' vectors are read by key to rank.
        rank = f"ts_rank_cd('{RANK_WEIGHTS}', v.vector, {ts}, {RANK_NORMALIZATION})"
        params += ts_params
        join = "JOIN search_articlesearch v ON v.article_id = c.article_id"
        order = "rank DESC, c.published_on DESC NULLS LAST, c.article_id DESC"
    else:
        rank, join = "0::real", ""
        order = "c.published_on DESC NULLS LAST, c.article_id DESC"
    # The tsquery functions are immutable, so planning sees the tsquery as a
    # constant and can use the lexemes' statistics.
    sql = f"""
        WITH candidates AS MATERIALIZED (
            SELECT s.article_id, s.published_on
            FROM search_articlesearch s
            WHERE s.vector @@ {ts}{where}
            ORDER BY s.published_on DESC NULLS LAST, s.article_id DESC
            LIMIT %s
        )
        SELECT c.article_id, {rank} AS rank, count(*) OVER () AS found
        FROM candidates c {join}
        ORDER BY {order}
        LIMIT %s OFFSET %s
    """
    return sql, [*params, limit, offset]


def _since(cursor, filters: SearchFilters, bound: int) -> date | None:
    """The publication date of the ``bound``-th newest article (filters applied), read from the date index."""
    where, params = filters.where()
    cursor.execute(
        f"""
        SELECT s.published_on FROM search_articlesearch s WHERE TRUE{where}
        ORDER BY s.published_on DESC NULLS LAST, s.article_id DESC OFFSET %s LIMIT 1
        """,
        [*params, bound],
    )
    row = cursor.fetchone()
    return row[0] if row else None


def find(query: ParsedQuery, filters: SearchFilters, sort: str, page: int, page_size: int):
    """The SQL part of a search: rows (article id, rank, found) of the page, and the matches found."""
    return _run(query, filters, sort, page, page_size, plan_for(query, filters, _query_lexemes(query)))


def _run(query, filters: SearchFilters, sort: str, page: int, page_size: int, plan: planning.Plan | None):
    """Rows of the page and the matches found (up to the window + 1)."""
    limit = max(0, min(page_size, RANK_WINDOW - (page - 1) * page_size))
    offset = (page - 1) * page_size
    # SET LOCAL needs a transaction; without a plan there is nothing to set.
    with transaction.atomic() if plan else nullcontext(), connection.cursor() as cursor:
        since = _since(cursor, filters, plan.bound) if plan and plan.bound else None
        if plan:
            cursor.execute(plan.setup)

        def run(limit, offset, since):
            cursor.execute(*search_sql(query, filters, sort, limit, offset, since))
            rows = cursor.fetchall()
            return rows, (rows[0][2] if rows else None)

        rows, found = run(limit, offset, since)
        if since is not None and (found is None or found <= RANK_WINDOW):
            # The newest articles did not hold a full window: look at them all.
            rows, found = run(limit, offset, None)
        if found is None and page > 1:
            # Past the last page: count alone, so the page can say where the results end.
            found = run(1, 0, None)[1]
        return rows, found or 0


def plan_for(query: ParsedQuery, filters: SearchFilters, lexemes_of: dict[str, frozenset[str]]):
    """How to collect the candidates (:mod:`search.planning`)."""
    return planning.choose(
        word_lexemes=[lexemes_of[k] for k in query.word_keys],
        phrase_lexemes=[[lexemes_of[k] for k in keys] for keys in query.phrases],
        window=RANK_WINDOW,
        ordered=len(filters.source_ids) <= 1,
    )


def matcher_for(query: ParsedQuery, lexemes_of: dict[str, frozenset[str]]) -> Matcher:
    return Matcher(
        words=tuple(lexemes_of[k] for k in query.word_keys),
        phrases=tuple(tuple(lexemes_of[k] for k in keys) for keys in query.phrases),
    )


def _hits(rows, query: ParsedQuery) -> list[SearchHit]:
    if not rows:
        return []
    articles = Article.objects.select_related("source", "current_revision").in_bulk([r[0] for r in rows])
    # Three steps so the database is asked for lexemes at most twice a page (and
    # usually never: the answers are cached): the query's, then the words around
    # where they occur.
    query_keys = {k for t in query.terms for k in t.keys}
    query_lexemes = lexemes(query_keys)
    probes = query_keys | {lex for group in query_lexemes.values() for lex in group}
    prepared = {
        pk: prepare(a.current_revision.text, a.current_revision.blocks, probes) for pk, a in articles.items()
    }
    lexemes_of = lexemes(query_keys.union(*(p.keys for p in prepared.values())))
    matcher = matcher_for(query, lexemes_of)
    hits = []
    for article_id, rank, _ in rows:
        article = articles.get(article_id)
        if article is None:  # deleted between the two statements
            continue
        revision = article.current_revision
        marked = highlight(revision.text, revision.blocks, lexemes_of, matcher, prepared[article_id])
        # Safe: newsreader.textsearch.snippets escapes the text and adds only <mark> and <bdi>.
        hits.append(SearchHit(article, rank, mark_safe(marked.title_html), mark_safe(marked.snippet_html)))
    return hits


def article_search(
    *,
    query: ParsedQuery,
    filters: SearchFilters | None = None,
    sort: str = RELEVANCE,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    correct_misspellings: bool = True,
) -> SearchResults:
    """Search the articles' current text. ``query`` must have at least one term.

    When nothing matches and ``correct_misspellings`` is on, unknown words are
    replaced by the closest words of the vocabulary (:mod:`search.fuzzy`) and the
    corrected query runs instead (``results.corrected``).
    """
    if not query:
        raise ValueError("an empty query has no results")
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    filters = filters or SearchFilters()
    page = max(1, page)
    rows, found = find(query, filters, sort, page, page_size)
    corrected = None
    if not found and correct_misspellings:
        corrected = fuzzy.correct(query)
        if corrected is not None:
            rows, found = find(corrected, filters, sort, page, page_size)
            if not found:  # the correction did not help either (e.g. filtered out)
                corrected = None
    results = SearchResults(query=query, sort=sort, page=page, page_size=page_size, found=found, corrected=corrected)
    results.hits = _hits(rows, corrected or query)
    return results


def search_statements(
    query: ParsedQuery, filters: SearchFilters | None = None, sort: str = RELEVANCE, limit: int = PAGE_SIZE
) -> tuple[str | None, str, list]:
    """What a first page runs: the plan's SET LOCAL (or ``None``), the search and its parameters.

    For the benchmark and EXPLAIN. The plan's date bound is resolved here with
    one query, as :func:`article_search` does.
    """
    filters = filters or SearchFilters()
    plan = plan_for(query, filters, _query_lexemes(query))
    since = None
    if plan and plan.bound:
        with connection.cursor() as cursor:
            since = _since(cursor, filters, plan.bound)
    sql, params = search_sql(query, filters, sort, limit, 0, since)
    return (plan.setup if plan else None), sql, params


def _query_lexemes(query: ParsedQuery) -> dict[str, frozenset[str]]:
    return lexemes({k for t in query.terms for k in t.keys})
