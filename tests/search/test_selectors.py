"""Searching: ranking, phrases, snippets, filters, sorting, pages, the window, misspellings."""

from datetime import date

import pytest

from search import fuzzy, selectors
from newsreader.textsearch.query import parse_query
from search.selectors import DATE, SearchFilters, article_search
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def search(q, **kwargs):
    return article_search(query=parse_query(q), **kwargs)


def ids(results):
    return [h.article.pk for h in results.hits]


# --- Matching and ranking ------------------------------------------------------------
def test_ranking_title_then_more_mentions_then_fewer(corpus):
    results = search("انتخابات")
    assert ids(results) == [corpus["title_match"].pk, corpus["body_twice"].pk, corpus["body_once"].pk]
    ranks = [h.rank for h in results.hits]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > ranks[1] > ranks[2] > 0
    assert results.found == 3


@pytest.mark.parametrize("q", ["الانتخابات", "والانتخابات", "بالانتخابات", "الانْتِخَاباتُ", "للانتخابات"])
def test_every_form_of_a_word_finds_the_same_articles(corpus, q):
    assert set(ids(search(q))) == {corpus["title_match"].pk, corpus["body_twice"].pk, corpus["body_once"].pk}


@pytest.mark.parametrize("q", ["مسئول", "مسؤول", "المسؤول", "بغداد", "ببغداد"])
def test_hamza_and_clitic_insensitive(corpus, q):
    assert corpus["title_match"].pk in ids(search(q))


def test_all_words_must_occur(corpus):
    assert ids(search("انتخابات بغداد")) == [corpus["title_match"].pk]
    assert ids(search("انتخابات طقس")) == []


def test_phrase_needs_adjacent_words_in_order(corpus):
    assert set(ids(search("وزير الخارجية"))) == {corpus["phrase"].pk, corpus["phrase_apart"].pk}
    assert ids(search('"وزير الخارجية"')) == [corpus["phrase"].pk]
    assert ids(search("«وزيرُ الخارجيّة»")) == [corpus["phrase"].pk]
    assert ids(search('"الخارجية وزير"')) == []


def test_phrase_and_word_together(corpus):
    assert ids(search('"وزير الخارجية" بغداد')) == [corpus["phrase"].pk]
    assert ids(search('"وزير الخارجية" طقس')) == []


def test_unclosed_quote_runs_to_the_end(corpus):
    query = parse_query('بغداد "وزير الخارجية')
    assert query.unclosed_quote and query.phrases == [("زير", "خارجيه")]
    assert ids(article_search(query=query)) == [corpus["phrase"].pk]


# --- Snippets ---------------------------------------------------------------------------
def test_snippet_marks_the_original_diacritised_word(corpus):
    hit = next(h for h in search("الخارجية").hits if h.article == corpus["phrase"])
    assert "<mark>الخارجيّة</mark>" in hit.snippet_html
    assert hit.snippet_html.startswith("وصل وزيرُ")


def test_title_is_highlighted_too(corpus):
    hit = search("انتخابات").hits[0]
    assert hit.title_html == "<mark>الانتخاباتُ</mark> العراقية تنطلق غداً"


def test_phrase_is_one_mark(corpus):
    hit = search('"وزير الخارجية"').hits[0]
    assert "<mark>وزيرُ الخارجيّة</mark>" in hit.snippet_html
    assert hit.snippet_html.count("<mark>") == 1


def test_words_with_clitics_are_marked_whole(corpus):
    hit = next(h for h in search("انتخابات").hits if h.article == corpus["body_twice"])
    assert "<mark>والانتخابات</mark>" in hit.snippet_html or "<mark>بالانتخابات</mark>" in hit.snippet_html


def test_snippet_escapes_html_of_the_text(source):
    make_article(source=source, title="عنوان <b>عريض</b>", body='نص فيه <script>alert("x")</script> وكلمة بغداد & غيرها.')
    hit = search("بغداد").hits[0]
    assert "<script" not in hit.snippet_html and "&lt;<bdi>script</bdi>&gt;" in hit.snippet_html
    assert "&amp;" in hit.snippet_html and "<mark>بغداد</mark>" in hit.snippet_html
    assert search("عريض").hits[0].title_html == "عنوان &lt;<bdi>b</bdi>&gt;<mark>عريض</mark>&lt;/<bdi>b</bdi>&gt;"


def test_snippet_is_a_window_around_the_best_passage(source):
    filler = " ".join(["كلام"] * 60)
    make_article(
        source=source,
        title="تقرير طويل",
        body=f"{filler} بغداد {filler}\n{filler} بغداد ثم انتخابات هنا {filler}",
    )
    hit = search("بغداد انتخابات").hits[0]
    # The paragraph with both words wins; the window is cut with ellipses.
    assert "<mark>بغداد</mark> ثم <mark>انتخابات</mark>" in hit.snippet_html
    assert hit.snippet_html.startswith("… ") and hit.snippet_html.endswith(" …")
    assert len(hit.snippet_html.split()) < 50


def test_title_only_match_shows_the_opening(corpus):
    hit = search("تنطلق").hits[0]
    assert hit.snippet_html.startswith("بدأت اللجان") and "<mark>" not in hit.snippet_html


# --- Filters, sorting, pages ----------------------------------------------------------
def test_filter_by_source(corpus, agency, daily):
    assert ids(search("انتخابات", filters=SearchFilters(source_ids=(agency.pk,)))) == [corpus["title_match"].pk]
    assert set(ids(search("انتخابات", filters=SearchFilters(source_ids=(daily.pk,))))) == {
        corpus["body_twice"].pk,
        corpus["body_once"].pk,
    }


def test_filter_by_dates(corpus):
    march = SearchFilters(date_from=date(2024, 3, 1), date_to=date(2024, 3, 31))
    assert set(ids(search("انتخابات", filters=march))) == {corpus["title_match"].pk, corpus["body_twice"].pk}
    assert ids(search("انتخابات", filters=SearchFilters(date_to=date(2024, 2, 28)))) == [corpus["body_once"].pk]
    assert ids(search("انتخابات", filters=SearchFilters(date_from=date(2025, 1, 1)))) == []


def test_sort_by_date_newest_first(corpus):
    results = search("انتخابات", sort=DATE)
    assert ids(results) == [corpus["body_twice"].pk, corpus["title_match"].pk, corpus["body_once"].pk]
    assert all(h.rank == 0 for h in results.hits)


def test_articles_without_date_come_last_by_date(source):
    undated = make_article(source=source, title="بغداد أولاً", body="نص")
    dated = make_article(source=source, title="بغداد ثانياً", body="نص", published_on=date(2020, 1, 1))
    assert ids(search("بغداد", sort=DATE)) == [dated.pk, undated.pk]


def test_pages(source):
    made = [
        make_article(source=source, title=f"بغداد {i}", body=f"نص رقم {i}", published_on=date(2024, 1, i + 1))
        for i in range(5)
    ]
    first = search("بغداد", sort=DATE, page=1, page_size=2)
    third = search("بغداد", sort=DATE, page=3, page_size=2)
    assert first.found == 5 and first.num_pages == 3 and first.has_next and not first.has_previous
    assert ids(first) == [made[4].pk, made[3].pk]
    assert ids(third) == [made[0].pk] and not third.has_next
    beyond = search("بغداد", sort=DATE, page=9, page_size=2)
    assert beyond.hits == [] and beyond.found == 5


def test_ranking_window_caps_candidates_to_the_newest(source, monkeypatch):
    monkeypatch.setattr(selectors, "RANK_WINDOW", 3)
    made = [
        make_article(source=source, title=f"بغداد {i}", body="نص", published_on=date(2024, 1, i + 1)) for i in range(5)
    ]
    results = search("بغداد", page_size=10)
    assert results.found == 4 and results.has_more_than_window and results.reachable == 3
    assert set(ids(results)) == {made[4].pk, made[3].pk, made[2].pk}
    assert results.num_pages == 1


def test_search_follows_the_current_revision(corpus):
    from newsreader.document import compose
    from newsreader.services.articles import article_revise

    article = corpus["unrelated"]
    article_revise(article=article, document=compose(title="عاصفة رملية", body="تضرب العاصفة بغداد."))
    assert article.pk in ids(search("بغداد"))
    assert article.pk not in ids(search("معتدل"))
    assert "<mark>عاصفة</mark>" in search("العاصفة").hits[0].title_html


def test_query_count(corpus, django_assert_num_queries):
    search("انتخابات")  # warm the lexeme cache
    with django_assert_num_queries(2):  # the search, then the page's articles
        search("انتخابات")


# --- Misspellings -------------------------------------------------------------------------
# One code path on every server (no pg_trgm needed): tests/search/test_fuzzy.py checks
# the similarity itself against pg_trgm's figures.
def test_misspelt_name_is_corrected(source, monkeypatch):
    kadhimi = make_article(source=source, title="الكاظمي يزور بغداد", body="قال الكاظمي إن الزيارة مهمة.")
    make_article(source=source, title="خبر آخر", body="نص عن الاقتصاد.")
    calls = []
    original = fuzzy.suggest
    monkeypatch.setattr(fuzzy, "suggest", lambda word: calls.append(word) or original(word))
    results = search("الكاضمي")
    assert calls == ["الكاضمي"]
    assert results.corrected is not None and results.corrected.display() == "الكاظمي"
    assert ids(results) == [kadhimi.pk]
    assert "<mark>الكاظمي</mark>" in results.hits[0].title_html


def test_only_the_unknown_word_is_corrected(source):
    make_article(source=source, title="الكاظمي يزور بغداد", body="نص")
    results = search("بغداد الكاضمي")
    assert results.corrected.display() == "بغداد الكاظمي"
    assert len(results.hits) == 1


def test_nothing_close_means_no_results(source):
    make_article(source=source, title="الكاظمي يزور بغداد", body="نص")
    results = search("زنجبيل")
    assert results.hits == [] and results.corrected is None and results.found == 0


def test_known_words_that_never_meet_are_not_corrected(corpus):
    results = search("طقس انتخابات")
    assert results.found == 0 and results.corrected is None


def test_a_corrected_search_costs_exact_queries(source, django_assert_num_queries):
    make_article(source=source, title="الكاظمي يزور بغداد", body="نص")
    search("الكاظمي")  # warm the lexeme cache for both words
    search("الكاضمي")
    # the search (nothing), the unknown words, one suggestion, the corrected search, its articles
    with django_assert_num_queries(5):
        results = search("الكاضمي")
    assert results.corrected.display() == "الكاظمي"


def test_empty_query_is_refused():
    with pytest.raises(ValueError):
        search("؟!")


def test_a_correction_that_finds_nothing_is_not_offered(source, agency):
    make_article(source=source, title="الكاظمي يزور بغداد", body="نص")
    results = search("الكاضمي", filters=SearchFilters(source_ids=(agency.pk,)))
    assert results.found == 0 and results.corrected is None and results.hits == []
