"""The API: /api/entities/, /api/entities/{id}/, /mentions/, merge, split, rename, /api/speakers/, quotes, CSV, search."""

from __future__ import annotations

import csv
import io

import pytest
from rest_framework.test import APIClient

from entities.models import Entity, EntityMention


def entity_of(annotation) -> Entity:
    return EntityMention.objects.select_related("entity").get(annotation=annotation).entity


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def staff_api(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    return client


@pytest.fixture
def corpus(user, articles, mark, say):
    a = {}
    a["biden"] = mark(user, articles["visit"], "بايدن", occurrence=1)
    mark(user, articles["visit"], "بايدن", occurrence=2)
    a["biden_wash"] = mark(user, articles["washington"], "بايدن", occurrence=1)
    a["joe"] = mark(user, articles["washington"], "جو بايدن")
    a["kadhimi"] = mark(user, articles["visit"], "الكاظمي")
    mark(user, articles["reception"], "الكاظمي")
    a["q1"] = say(user, articles["visit"], "إن العراق شريك مهم للولايات المتحدة", speaker=a["biden"])
    a["q2"] = say(
        user, articles["washington"], "أن القوات الأميركية لن تكون في مهمة قتالية في العراق مع نهاية العام",
        speaker=a["biden_wash"], quote_type="indirect",
    )  # fmt: skip
    return a


def test_entity_list(api, corpus):
    data = api.get("/api/entities/").json()
    assert data["count"] == 3 and data["page"] == 1 and data["next"] is None
    first = data["results"][0]
    assert {k: first[k] for k in ("label", "name", "articles", "mentions", "quotes")} == {
        "label": "PER", "name": "بايدن", "articles": 2, "mentions": 3, "quotes": 2,
    }  # fmt: skip
    assert first["url"].endswith(f"/api/entities/{first['id']}/") and first["page_url"].endswith(f"/entities/{first['id']}/")
    assert [e["name"] for e in api.get("/api/entities/", {"q": "بالكاظمي"}).json()["results"]] == ["الكاظمي"]
    assert api.get("/api/entities/", {"label": "LOC"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [({"q": "ب" * 10_000}, "q", "max_length"), ({"q": "!!!"}, "q", "no_words")],
)
def test_entity_list_errors(api, corpus, params, field, code):
    response = api.get("/api/entities/", params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field and response.json()["errors"][0]["code"] == code


def test_entity_detail(api, corpus, articles):
    biden = entity_of(corpus["biden"])
    data = api.get(f"/api/entities/{biden.pk}/").json()
    assert (data["name"], data["label"], data["articles"], data["mentions"], data["quotes"]) == ("بايدن", "PER", 2, 3, 2)
    assert data["variants"] == [{"name": "بايدن", "mentions": 3}]
    assert data["months"] == [
        {"month": "2024-01", "articles": 1, "mentions": 2},
        {"month": "2024-02", "articles": 0, "mentions": 0},
        {"month": "2024-03", "articles": 1, "mentions": 1},
    ]
    assert {(c["name"], c["articles"]) for c in data["cooccurring"]} == {("الكاظمي", 1), ("جو بايدن", 1)}
    assert data["cooccurrence_window"] is None
    assert data["mentions_url"].endswith(f"/api/entities/{biden.pk}/mentions/")
    assert data["quotes_url"].endswith(f"/api/speakers/{biden.pk}/quotes/")


def test_entity_mentions(api, corpus, articles):
    biden = entity_of(corpus["biden"])
    data = api.get(f"/api/entities/{biden.pk}/mentions/").json()
    assert data["count"] == 2
    assert [r["article"]["id"] for r in data["results"]] == [articles["washington"].pk, articles["visit"].pk]
    visit = data["results"][1]
    assert visit["mentions"] == 2 and visit["article"]["published_on"] == "2024-01-15"
    assert visit["sentences"][0] == {"html": "وصل الرئيس الأميركي جو <mark>بايدن</mark> إلى بغداد اليوم.", "block": "paragraph"}


def test_unknown_and_merged_entities(api, staff_api, corpus):
    assert api.get("/api/entities/987654/").status_code == 404
    assert api.get("/api/entities/987654/").json()["errors"][0]["message"] == "There is no entity 987654."
    biden, joe = entity_of(corpus["biden"]), entity_of(corpus["joe"])
    assert staff_api.post(f"/api/entities/{biden.pk}/merge/", {"entities": [joe.pk]}, format="json").status_code == 200
    response = api.get(f"/api/entities/{joe.pk}/mentions/?page=1")
    assert response.status_code == 301 and response["Location"] == f"/api/entities/{biden.pk}/mentions/?page=1"
    # Staff writes on a merged or unknown entity are refused, never redirected to the entity it became.
    for url in (f"/api/entities/{joe.pk}/merge/", f"/api/entities/{joe.pk}/split/"):
        refused = staff_api.post(url, {"entities": [biden.pk], "names": ["بايدن"]}, format="json")
        assert refused.status_code == 404
        assert refused.json()["errors"][0]["message"] == f"Entity {joe.pk} was merged into another."
    unknown = staff_api.post("/api/entities/987654/split/", {"names": ["بايدن"]}, format="json")
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["message"] == "There is no entity 987654."


def test_merge_split_and_rename_are_for_staff(api, staff_api, user, corpus):
    biden, joe = entity_of(corpus["biden"]), entity_of(corpus["joe"])
    assert api.post(f"/api/entities/{biden.pk}/merge/", {"entities": [joe.pk]}, format="json").status_code in (401, 403)
    signed_in = APIClient()
    signed_in.force_authenticate(user)
    response = signed_in.post(f"/api/entities/{biden.pk}/merge/", {"entities": [joe.pk]}, format="json")
    assert response.status_code == 403 and response.json()["errors"][0]["message"] == "Only staff may merge, split or rename entities."
    assert signed_in.patch(f"/api/entities/{biden.pk}/", {"name": "x"}, format="json").status_code == 403

    merged = staff_api.post(f"/api/entities/{biden.pk}/merge/", {"entities": [joe.pk]}, format="json").json()
    assert (merged["id"], merged["mentions"], merged["articles"]) == (biden.pk, 4, 2)
    assert {v["name"] for v in merged["variants"]} == {"بايدن", "جو بايدن"}

    split = staff_api.post(f"/api/entities/{biden.pk}/split/", {"names": ["جو بايدن"], "name": "جو بايدن"}, format="json")
    assert split.status_code == 201
    new = split.json()
    assert (new["name"], new["mentions"], new["name_locked"]) == ("جو بايدن", 1, True)

    renamed = staff_api.patch(f"/api/entities/{biden.pk}/", {"name": "الرئيس بايدن"}, format="json").json()
    assert (renamed["name"], renamed["name_locked"]) == ("الرئيس بايدن", True)


@pytest.mark.parametrize(
    ("url", "body", "field", "code"),
    [
        ("merge", {"entities": []}, "entities", "empty"),
        ("merge", {"entities": ["x"]}, "entities[0]", "invalid"),
        ("merge", {"entities": [987654]}, "entities", "not_found"),
        ("split", {"names": ["ماكرون"]}, "names", "not_found"),
        ("split", {"names": ["بايدن"]}, "names", "all_names"),
        ("split", {}, "names", "required"),
    ],
)
def test_merge_and_split_errors(staff_api, corpus, url, body, field, code):
    biden = entity_of(corpus["biden"])
    response = staff_api.post(f"/api/entities/{biden.pk}/{url}/", body, format="json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == (field, code)


def test_merge_refuses_another_label(staff_api, user, articles, mark, corpus):
    biden = entity_of(corpus["biden"])
    place = entity_of(mark(user, articles["visit"], "بغداد", label="LOC"))
    response = staff_api.post(f"/api/entities/{biden.pk}/merge/", {"entities": [place.pk]}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "label_mismatch"


def test_speakers_and_their_quotes(api, corpus):
    speakers = api.get("/api/speakers/").json()
    assert [(s["name"], s["quotes"]) for s in speakers["results"]] == [("بايدن", 2)]
    biden = speakers["results"][0]["id"]
    quotes = api.get(f"/api/speakers/{biden}/quotes/").json()
    assert quotes["count"] == 2
    first = quotes["results"][0]
    assert (first["quote_type"], first["speaker"], first["speaker_name"]) == ("indirect", biden, "بايدن")
    assert first["article"]["published_on"] == "2024-03-02" and first["url"].endswith(f"/api/annotations/{first['id']}/")
    within = api.get(f"/api/speakers/{biden}/quotes/", {"q": "القوات", "type": "indirect"}).json()
    assert within["count"] == 1 and "<mark>القوات</mark>" in within["results"][0]["html"]
    assert api.get(f"/api/speakers/{biden}/quotes/", {"type": "shouted"}).status_code == 400
    assert api.get(f"/api/speakers/{biden}/quotes/", {"from": "2024-05-01", "to": "2024-01-01"}).json()["errors"][0]["field"] == "to"


def test_speaker_csv(api, corpus):
    biden = entity_of(corpus["biden"])
    response = api.get(f"/api/speakers/{biden.pk}/quotes/csv/", {"q": "العراق"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[1][0] == "بايدن"


def test_quote_search(api, corpus):
    biden = entity_of(corpus["biden"])
    data = api.get("/api/quotes/search/", {"speaker": "بايدن", "q": "العراق"}).json()
    assert data["count"] == 2 and [s["id"] for s in data["speakers"]] == [biden.pk]
    by_id = api.get("/api/quotes/search/", {"speaker": str(biden.pk), "q": "القوات"}).json()
    assert by_id["count"] == 1 and by_id["speakers"] is None
    assert api.get("/api/quotes/search/", {"speaker": "ماكرون"}).json()["count"] == 0
    assert api.get("/api/quotes/search/").json()["count"] == 2
    response = api.get("/api/quotes/search/", {"q": "ب" * 10_000})
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "max_length"
    assert api.get("/api/quotes/search/", {"speaker": "«»"}).status_code == 400


def test_article_search_filters_by_entity_and_label(api, corpus, articles, user, mark):
    from search.services import search_index_article

    for article in articles.values():
        search_index_article(article)
    biden, kadhimi = entity_of(corpus["biden"]), entity_of(corpus["kadhimi"])
    ids = lambda params: {r["id"] for r in api.get("/api/search/", params).json()["results"]}  # noqa: E731
    assert ids({"q": "الكاظمي"}) == {articles[n].pk for n in ("visit", "reception", "washington", "undated")}
    assert ids({"q": "الكاظمي", "entity": biden.pk}) == {articles["visit"].pk, articles["washington"].pk}
    assert ids({"q": "الكاظمي", "entity": [biden.pk, kadhimi.pk]}) == {articles["visit"].pk}
    mark(user, articles["reception"], "الأمم المتحدة", label="ORG")
    assert ids({"q": "الكاظمي", "label": "ORG"}) == {articles["reception"].pk}
    assert ids({"q": "الكاظمي", "label": ["ORG", "PER"]}) == {articles[n].pk for n in ("visit", "reception", "washington")}
    response = api.get("/api/search/", {"q": "الكاظمي", "entity": 987654})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "entity"
    response = api.get("/api/search/", {"q": "الكاظمي", "label": "NOPE"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "label"
    assert api.get("/api/search/", {"q": "الكاظمي", "entity": "abc"}).status_code == 400


def test_schema_documents_every_endpoint_without_warnings(db):
    """Valid OpenAPI, every endpoint of this app in it, and no drf-spectacular warning or error about them."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    ours = ("entities", "Entity", "Speaker", "Quote")
    problems = [m for m in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache] if any(w in m for w in ours)]
    GENERATOR_STATS.reset()
    assert problems == []
    paths = schema["paths"]
    for path in [
        "/api/entities/", "/api/entities/{id}/", "/api/entities/{id}/mentions/", "/api/entities/{id}/merge/",
        "/api/entities/{id}/split/", "/api/speakers/", "/api/speakers/{id}/quotes/", "/api/speakers/{id}/quotes/csv/",
        "/api/quotes/search/",
    ]:  # fmt: skip
        assert path.replace("{id}", "{pk}") in paths or path in paths, path
    search = {p["name"] for p in paths["/api/search/"]["get"]["parameters"]}
    assert {"label", "entity"} <= search
    csv_op = (paths.get("/api/speakers/{pk}/quotes/csv/") or paths["/api/speakers/{id}/quotes/csv/"])["get"]
    assert "text/csv" in csv_op["responses"]["200"]["content"]
    detail = paths.get("/api/entities/{id}/") or paths["/api/entities/{pk}/"]
    assert {"200", "301", "404"} <= set(detail["get"]["responses"]) and "patch" in detail


def test_reads_are_open_to_anonymous_callers(api, corpus):
    biden = entity_of(corpus["biden"])
    for _ in range(3):
        assert api.get(f"/api/entities/{biden.pk}/").status_code == 200
        assert api.get(f"/api/speakers/{biden.pk}/quotes/").status_code == 200
