"""The results page: results, messages for bad input, the header partial."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db
URL = reverse("search:results")


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_page_without_query_shows_the_form_and_help(client):
    html = get(client)
    assert 'name="q"' in html and 'role="search"' in html
    assert "quotation marks" in html  # the syntax help
    assert "search-hit" not in html


def test_results_with_marks_source_and_date(client, corpus):
    html = get(client, q="الانتخابات")
    assert html.count('class="article-card search-hit"') == 3
    assert "<mark>الانتخاباتُ</mark> العراقية" in html  # title, unescaped marks
    assert "وكالة الأنباء" in html and 'datetime="2024-03-01"' in html
    assert 'dir="rtl"' in html
    assert "3 articles match" in html


def test_results_escape_the_query_everywhere(client, corpus):
    html = get(client, q='<script>alert(1)</script> زنجبيل')
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; زنجبيل" in html  # the query shown back in the box


def test_no_results_message(client, corpus):
    html = get(client, q='"طقس انتخابات"')
    assert "No articles match" in html and "Remove the quotation marks" in html


def test_filters_and_sort(client, corpus, agency):
    html = get(client, q="انتخابات", source=agency.slug)
    assert html.count("search-hit\"") == 1
    html = get(client, q="انتخابات", sort="date", **{"from": "2024-03-01"})
    assert html.index("تقرير عن") < html.index("العراقية تنطلق")


def test_filtered_no_results_offers_to_widen(client, corpus):
    html = get(client, q="انتخابات", **{"from": "2030-01-01"})
    assert "Search all sources and dates" in html


def test_pagination_links_keep_the_query(client, source):
    for i in range(23):
        make_article(source=source, title=f"بغداد {i}", body=f"نص {i}", published_on=date(2024, 1, 1))
    html = get(client, q="بغداد", sort="date")
    assert "Page 1 of 2" in html
    assert 'href="?q=%D8%A8%D8%BA%D8%AF%D8%A7%D8%AF&amp;sort=date&amp;page=2"' in html
    html = get(client, q="بغداد", sort="date", page=2)
    assert html.count('class="article-card search-hit"') == 3 and 'rel="prev"' in html


def test_page_past_the_end(client, corpus):
    html = get(client, q="انتخابات", page=40)
    assert "There are no more results" in html


def test_misspelling_correction_is_explained(client, source):
    make_article(source=source, title="الكاظمي يزور بغداد", body="نص")
    html = get(client, q="الكاضمي")
    assert "Nothing matched" in html and "الكاظمي" in html and "<mark>الكاظمي</mark>" in html


@pytest.mark.parametrize(
    "q, message",
    [
        ("ب" * 10_000, "Your search is too long: at most 200 characters, it has 10000."),
        ("؟!... ،،", "Your search has no words to look for."),
        ("«»", "Your search has no words to look for."),
    ],
)
def test_bad_queries_get_a_message(client, corpus, q, message):
    html = get(client, q=q)
    assert message in html and 'aria-invalid="true"' in html
    assert "search-hit" not in html


@pytest.mark.parametrize(
    "q",
    [
        "'; DROP TABLE newsreader_article;--",
        "Biden بايدن",
        '"وزير الخارجية',
        "   ",
        "%_\\",
        "\u202eمقلوب\u202c",
    ],
)
def test_odd_queries_get_a_normal_page(client, corpus, q):
    get(client, q=q)


def test_drop_table_text_is_just_words(client, corpus):
    from newsreader.models import Article

    get(client, q="'; DROP TABLE newsreader_article;--")
    assert Article.objects.count() == 6


def test_bad_filters_get_messages(client, corpus):
    html = get(client, q="انتخابات", source="nowhere", **{"from": "2024-13-45", "to": "yesterday"})
    assert "There is no source “nowhere”." in html
    assert html.count("Enter a date as YYYY-MM-DD.") == 2
    html = get(client, q="انتخابات", **{"from": "2024-03-02", "to": "2024-03-01"})
    assert "The end date is before the start date." in html


def test_bad_page_or_sort_falls_back_to_the_default(client, corpus):
    html = get(client, q="انتخابات", page="abc", sort="sideways")
    assert html.count('class="article-card search-hit"') == 3


def test_null_character_is_refused_politely(client, corpus):
    html = get(client, q="بغداد\x00")
    assert "Null characters are not allowed." in html


def test_header_partial_points_at_the_results_page(rf: RequestFactory):
    request = rf.get("/")
    html = render_to_string("search/_header_form.html", request=request)
    assert f'action="{URL}"' in html and 'name="q"' in html and 'role="search"' in html


def test_query_count_of_the_page(client, corpus, django_assert_max_num_queries):
    get(client, q="انتخابات")
    with django_assert_max_num_queries(4):  # sources, search, articles (+ session)
        get(client, q="انتخابات")


def test_every_page_has_the_header_search_box(client, corpus):
    html = client.get("/").content.decode()
    assert f'action="{URL}"' in html and 'id="header-search-q"' in html


def test_the_results_page_has_one_search_box_only(client, corpus):
    html = get(client, q="انتخابات")
    assert 'id="header-search-q"' not in html and html.count('name="q"') == 1


def test_arabic_interface_by_default(corpus):
    from django.test import Client

    response = Client().get(URL, {"q": "الانتخابات"})
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="ar" dir="rtl"' in html
    assert html.count('class="article-card search-hit"') == 3
