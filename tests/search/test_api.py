"""GET /api/search/: results, errors (400 with messages), the OpenAPI schema."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_article
from tests.search.conftest import english

pytestmark = pytest.mark.django_db
URL = reverse("search:api")


@pytest.fixture
def api():
    return english(APIClient())


def messages(response, field):
    """The messages of one field in the API's error shape ({"errors": [{"field", "message", "code"}]})."""
    return [e["message"] for e in response.json()["errors"] if e["field"] == field]


def test_url():
    assert URL == "/api/search/" and reverse("search:results") == "/search/"


def test_results(api, corpus, agency):
    response = api.get(URL, {"q": "الانتخابات"})
    assert response.status_code == 200
    data = response.json()
    assert data["query"] == "الانتخابات" and data["corrected_query"] is None
    assert data["count"] == 3 and data["count_is_lower_bound"] is False
    assert data["page"] == 1 and data["num_pages"] == 1 and data["next"] is None and data["previous"] is None
    first = data["results"][0]
    assert first["id"] == corpus["title_match"].pk
    assert first["url"] == f"http://testserver/articles/{corpus['title_match'].pk}/"
    assert first["title"] == "الانتخاباتُ العراقية تنطلق غداً"
    assert first["title_html"] == "<mark>الانتخاباتُ</mark> العراقية تنطلق غداً"
    assert first["source"] == {"id": agency.pk, "name": "وكالة الأنباء", "slug": "agency"}
    assert first["published_on"] == "2024-03-01" and first["direction"] == "rtl"
    assert first["rank"] > data["results"][1]["rank"] > 0
    assert "<mark>" in data["results"][1]["snippet_html"]


def test_filters_sort_and_several_sources(api, corpus, agency, daily):
    data = api.get(URL, {"q": "انتخابات", "source": [agency.slug], "sort": "date"}).json()
    assert [r["id"] for r in data["results"]] == [corpus["title_match"].pk]
    data = api.get(URL, {"q": "انتخابات", "source": [agency.slug, daily.slug], "sort": "date"}).json()
    assert [r["id"] for r in data["results"]] == [
        corpus["body_twice"].pk,
        corpus["title_match"].pk,
        corpus["body_once"].pk,
    ]
    data = api.get(URL, {"q": "انتخابات", "from": "2024-02-02", "to": "2024-03-04"}).json()
    assert [r["id"] for r in data["results"]] == [corpus["title_match"].pk]


def test_pages_have_links(api, source):
    for i in range(25):
        make_article(source=source, title=f"بغداد {i}", body="نص", published_on=date(2024, 1, 1))
    data = api.get(URL, {"q": "بغداد"}).json()
    assert data["count"] == 25 and data["num_pages"] == 2 and len(data["results"]) == 20
    assert data["next"] == "http://testserver/api/search/?page=2&q=%D8%A8%D8%BA%D8%AF%D8%A7%D8%AF"
    second = api.get(data["next"]).json()
    assert len(second["results"]) == 5 and second["previous"] is not None and second["next"] is None


def test_phrase_and_correction(api, corpus, source):
    make_article(source=source, title="الكاظمي يزور بغداد", body="نص")
    data = api.get(URL, {"q": '"وزير الخارجية"'}).json()
    assert data["query"] == "«وزير الخارجية»" and [r["id"] for r in data["results"]] == [corpus["phrase"].pk]
    data = api.get(URL, {"q": "الكاضمي"}).json()
    assert data["query"] == "الكاضمي" and data["corrected_query"] == "الكاظمي" and data["count"] == 1


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({}, "q", "Type a word or a phrase to search for."),
        ({"q": ""}, "q", "Type a word or a phrase to search for."),
        ({"q": "   "}, "q", "Type a word or a phrase to search for."),
        ({"q": "ب" * 10_000}, "q", "Your search is too long: at most 200 characters, it has 10000."),
        ({"q": "؟!،... «»"}, "q", "Your search has no words to look for."),
        ({"q": "بغداد\x00"}, "q", "Null characters are not allowed."),
        ({"q": "بغداد", "source": "nowhere"}, "source", "There is no source “nowhere”."),
        ({"q": "بغداد", "from": "2024-02-30"}, "from", "Enter a date as YYYY-MM-DD."),
        ({"q": "بغداد", "from": "2024-03-02", "to": "2024-03-01"}, "to", "The end date is before the start date."),
    ],
)
def test_bad_input_is_a_400_with_a_message(api, corpus, params, field, message):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert any(m.startswith(message) for m in messages(response, field)), response.json()


@pytest.mark.parametrize(
    "params, code",
    [({}, "required"), ({"q": "ب" * 300}, "max_length"), ({"q": "!!"}, "no_words"), ({"q": "x", "source": "?"}, "invalid_choice")],
)
def test_errors_keep_their_codes(api, params, code):
    assert api.get(URL, params).json()["errors"][0]["code"] == code


@pytest.mark.parametrize(
    "q, status",
    [
        ("'; DROP TABLE newsreader_article;--", 200),
        ("1 OR 1=1", 200),
        ("Biden بايدن COVID-19", 200),
        ('"وزير الخارجية', 200),
        ("كلمة " * 40, 200),  # the longest query allowed
        ("a" * 200, 400),  # one 200-letter "word" is junk, not a word
        ('"""', 400),
        ("%_\\ & | ! <-> :*", 400),
    ],
)
def test_odd_queries_are_answered_sensibly(api, corpus, q, status):
    response = api.get(URL, {"q": q})
    assert response.status_code == status
    if status == 400:
        assert messages(response, "q") == ["Your search has no words to look for. Type a word or a name (punctuation alone is ignored)."]
    else:
        assert isinstance(response.json()["results"], list)


def test_sql_looking_text_changes_nothing(api, corpus):
    from newsreader.models import Article

    api.get(URL, {"q": "'; DROP TABLE newsreader_article;--"})
    assert Article.objects.count() == 6


def test_mixed_latin_and_arabic(api, source):
    article = make_article(source=source, title="لقاح COVID-19 في العراق", body="أعلنت Pfizer نتائج جديدة.")
    data = api.get(URL, {"q": "covid العراق"}).json()
    assert [r["id"] for r in data["results"]] == [article.pk]
    assert "<bdi><mark>COVID</mark>-19</bdi>" in data["results"][0]["title_html"]
    assert api.get(URL, {"q": "pfizer"}).json()["count"] == 1


def test_tsquery_operators_are_only_text(api, source):
    make_article(source=source, title="بغداد والبصرة", body="نص")
    # ! & | <-> would be operators in a raw tsquery; here they only separate words.
    data = api.get(URL, {"q": "!بغداد & | <-> البصرة:*"}).json()
    assert data["count"] == 1


def test_bad_page_and_sort_fall_back(api, corpus):
    data = api.get(URL, {"q": "انتخابات", "page": "-3", "sort": "random"}).json()
    assert data["page"] == 1 and data["sort"] == "relevance" and data["count"] == 3


def test_schema_documents_the_endpoint(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/search/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {"q", "source", "from", "to", "label", "entity", "sort", "page"}
    assert "200" in operation["responses"] and "400" in operation["responses"]
    assert "SearchResponse" in schema["components"]["schemas"]
