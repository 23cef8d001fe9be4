"""Choosing between walking the date index and the GIN bitmap; both give the same results."""

from datetime import date

import pytest
from django.db import connection

from arabic.search_terms import search_key
from search import planning, selectors
from newsreader.textsearch.lexemes import lexemes
from search.planning import BITMAP, WALK, LexemeStats, Plan
from newsreader.textsearch.query import parse_query
from search.selectors import SearchFilters, article_search
from tests.factories import make_article


def stats(**frequencies):
    return LexemeStats(frequencies=frequencies, floor=0.01, rows=100_000)


def choose(monkeypatch, words=(), phrases=(), ordered=True, **frequencies):
    monkeypatch.setattr(planning, "lexeme_stats", lambda: stats(**frequencies))
    return planning.choose(
        word_lexemes=[frozenset([w]) for w in words],
        phrase_lexemes=[[frozenset([w]) for w in p] for p in phrases],
        window=500,
        ordered=ordered,
    )


def test_a_word_in_most_articles_walks_the_date_index(monkeypatch):
    plan = choose(monkeypatch, ["في"], في=0.99)
    assert plan.kind == WALK and plan.setup.startswith("SET LOCAL enable_bitmapscan = off;")
    assert "max_parallel_workers_per_gather = 0" in plan.setup


def test_a_middling_word_uses_gin_limited_to_the_newest_articles(monkeypatch):
    plan = choose(monkeypatch, ["جنبلاط"], جنبلاط=0.09)
    assert plan.kind == BITMAP and plan.bound == 8350  # 1.5 * 501 / 0.09, rounded up
    assert "enable_indexscan = off" in plan.setup and "enable_seqscan = off" in plan.setup


def test_a_rare_word_uses_gin_on_everything(monkeypatch):
    plan = choose(monkeypatch, ["نادر"])  # not in the statistics: rarer than the floor
    assert plan.kind == BITMAP and plan.bound is None


def test_two_common_words_count_as_their_product(monkeypatch):
    plan = choose(monkeypatch, ["عراق", "حكوم"], عراق=0.5, حكوم=0.8)
    assert plan.kind == WALK and plan.density == pytest.approx(0.4)


def test_a_rare_word_with_a_common_one_uses_gin_on_everything(monkeypatch):
    # GIN skips along the rare word's list; a date bound would cost more than it saves.
    plan = choose(monkeypatch, ["موازن", "مقتد"], موازن=0.58, مقتد=0.03)
    assert plan.kind == BITMAP and plan.bound is None


def test_a_phrase_counts_as_its_rarest_word_side_by_side(monkeypatch):
    plan = choose(monkeypatch, phrases=[("زير", "خارج")], زير=0.37, خارج=0.31)
    assert plan.density == pytest.approx(0.31 * planning.PHRASE_ADJACENCY)
    assert plan.kind == WALK  # a bitmap would re-check every article with both words
    rare = choose(monkeypatch, phrases=[("صندوق", "نقد")], صندوق=0.02, نقد=0.03)
    assert rare.kind == BITMAP and rare.density == pytest.approx(0.02 * planning.PHRASE_ADJACENCY)


def test_no_statistics_or_several_sources_leave_it_to_the_planner(monkeypatch):
    monkeypatch.setattr(planning, "lexeme_stats", lambda: None)
    assert planning.choose(word_lexemes=[frozenset(["x"])], phrase_lexemes=[], window=500, ordered=True) is None
    assert choose(monkeypatch, ["في"], ordered=False, في=0.99) is None


# --- With the database ---------------------------------------------------------------------
@pytest.fixture
def dated(source):
    """Twelve articles about Baghdad, a day apart; every third also about Basra."""
    return [
        make_article(
            source=source,
            title=f"بغداد {i}" + (" والبصرة" if i % 3 == 0 else ""),
            body="نص",
            published_on=date(2024, 1, 1 + i),
        )
        for i in range(12)
    ]


@pytest.mark.django_db
def test_statistics_come_from_analyze(dated):
    planning.clear_cache()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_articlesearch")
    try:
        found = planning.lexeme_stats()
        assert found is not None and found.rows == 12
        baghdad, basra = (lexemes([search_key(w)])[search_key(w)] for w in ("بغداد", "البصرة"))
        assert found.frequency(baghdad) == pytest.approx(1.0)
        assert found.frequency(basra) == pytest.approx(4 / 12)
    finally:
        planning.clear_cache()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "plan",
    [
        Plan(WALK, 1.0),
        Plan(BITMAP, 1.0),
        Plan(BITMAP, 1.0, bound=6),  # the 6 newest hold a full window (4 + 1)
        Plan(BITMAP, 1.0, bound=2),  # too few: falls back to all articles
        Plan(BITMAP, 0.3, bound=100),  # past the end: no date limit at all
    ],
)
@pytest.mark.parametrize("q, sort", [("بغداد", "relevance"), ("بغداد", "date"), ("البصرة", "relevance")])
def test_every_plan_gives_the_same_results(dated, monkeypatch, plan, q, sort):
    monkeypatch.setattr(selectors, "RANK_WINDOW", 4)
    monkeypatch.setattr(planning, "choose", lambda **kwargs: None)
    expected = article_search(query=parse_query(q), sort=sort, page_size=3)
    monkeypatch.setattr(planning, "choose", lambda **kwargs: plan)
    for page in (1, 2):
        got = article_search(query=parse_query(q), sort=sort, page=page, page_size=3)
        want = article_search(query=parse_query(q), sort=sort, page=page, page_size=3) if page > 1 else expected
        assert [h.article for h in got.hits] == [h.article for h in want.hits]
        assert got.found == want.found


@pytest.mark.django_db
def test_bound_with_filters(dated, source, monkeypatch):
    monkeypatch.setattr(selectors, "RANK_WINDOW", 2)
    monkeypatch.setattr(planning, "choose", lambda **kwargs: Plan(BITMAP, 1.0, bound=3))
    filters = SearchFilters(source_ids=(source.pk,), date_to=date(2024, 1, 8))
    results = article_search(query=parse_query("بغداد"), filters=filters, sort="date")
    assert [h.article for h in results.hits] == [dated[7], dated[6]] and results.found == 3
