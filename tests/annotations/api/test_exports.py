"""GET /api/articles/{id}/export/, GET /api/exports/, POST /api/imports/ and their OpenAPI schema."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations.models import Annotation
from newsreader.models import Article
from tests.annotations.api.conftest import codes
from tests.annotations.exports.conftest import QUOTE, annotated, flush_articles  # noqa: F401 (fixture)
from tests.factories import SourceFactory, make_article

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def article_url(article) -> str:
    return reverse("article-export", args=[article.pk])


EXPORTS = reverse("annotations-export")
IMPORTS = reverse("annotations-import")


def test_urls(seed_article):
    assert article_url(seed_article) == f"/api/articles/{seed_article.pk}/export/"
    assert (EXPORTS, IMPORTS) == ("/api/exports/", "/api/imports/")


@pytest.mark.parametrize(
    ("format_name", "content_type", "extension"),
    [
        ("w3c", 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"', "jsonld"),
        ("doccano", "application/jsonl; charset=utf-8", "jsonl"),
        ("brat", "application/zip", "zip"),
        ("conll", "text/plain; charset=utf-8", "conll"),
        ("quotes-csv", "text/csv; charset=utf-8", "csv"),
    ],
)
def test_article_export(format_name, content_type, extension, api, annotated, seed_article):
    response = api.get(article_url(seed_article), {"format": format_name})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="newsreader-article-{seed_article.pk}.{extension}"'
    assert "private" in response["Cache-Control"]
    data = body(response)
    if format_name == "brat":
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert f"newsreader-brat/{seed_article.pk}.ann" in names
    else:
        assert QUOTE.encode() in data or format_name == "conll"


def test_w3c_iris_use_the_request_host(api, annotated, seed_article, settings):
    settings.ALLOWED_HOSTS = ["news.example"]
    response = api.get(article_url(seed_article), {"format": "w3c"}, HTTP_HOST="news.example")
    document = json.loads(body(response))
    assert document["id"] == f"http://news.example/api/articles/{seed_article.pk}/export/?format=w3c"
    assert document["first"]["items"][0]["target"]["source"]["id"] == f"http://news.example/articles/{seed_article.pk}/"


def test_unknown_article(api):
    response = api.get("/api/articles/999999/export/", {"format": "w3c"})
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({}, [("format", "required")]),
        ({"format": "xml"}, [("format", "invalid_choice")]),
        ({"format": "w3c", "status": "human,maybe"}, [("status", "invalid_choice")]),
        ({"format": "w3c", "source": "nowhere"}, [("source", "invalid_choice")]),
        ({"format": "w3c", "from": "27/07/2021"}, [("from", "invalid")]),
        ({"format": "w3c", "from": "2021-08-01", "to": "2021-07-01"}, [("to", "invalid_range")]),
        ({"format": "w3c", "article": "one"}, [("article", "invalid")]),
    ],
)
def test_bad_parameters(api, seed_article, params, errors):
    response = api.get(EXPORTS, params)
    assert response.status_code == 400
    assert codes(response) == errors


def test_anonymous_export_has_public_annotations_only(anon, seed_article, user, make_entity):
    make_entity(user, "جو بايدن")
    make_entity(user, "مصطفى الكاظمي", visibility="private")
    line = json.loads(body(anon.get(article_url(seed_article), {"format": "doccano"})))
    assert [seed_article.current_revision.text[s:e] for s, e, _l in line["label"]] == ["جو بايدن"]


def test_status_parameter(api, seed_article, user, make_entity):
    make_entity(user, "جو بايدن")
    make_entity(None, "مصطفى الكاظمي", status="suggested")

    def labels(**params):
        line = json.loads(body(api.get(article_url(seed_article), {"format": "doccano", **params})))
        return len(line["label"])

    assert labels() == 1
    assert labels(status="suggested") == 1
    assert labels(status="human,suggested") == 2
    assert labels(status="all") == 2


def test_range_export(api, user, per):
    agency = SourceFactory(slug="agency")
    first = make_article(source=agency, title="أول", published_on=date(2021, 7, 1))
    second = make_article(source=agency, title="ثان", published_on=date(2021, 7, 20))
    make_article(source=agency, title="ثالث", published_on=date(2021, 8, 3))
    make_article(source=SourceFactory(), title="غيره", published_on=date(2021, 7, 5))
    response = api.get(EXPORTS, {"format": "doccano", "source": "agency", "from": "2021-07-01", "to": "2021-07-31"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="newsreader-agency-2021-07-01--2021-07-31.jsonl"'
    assert [json.loads(line)["id"] for line in body(response).splitlines()] == [first.pk, second.pk]
    response = api.get(EXPORTS, {"format": "doccano", "article": f"{second.pk},{first.pk}"})
    assert [json.loads(line)["id"] for line in body(response).splitlines()] == [first.pk, second.pk]


def test_range_export_as_brat_zip(api, annotated, seed_article):
    make_article(source=seed_article.source, title="خبر", body="فقرة.")
    response = api.get(EXPORTS, {"format": "brat", "source": seed_article.source.slug})
    names = zipfile.ZipFile(io.BytesIO(body(response))).namelist()
    assert sum(name.endswith(".ann") for name in names) == 2 and sum(name.endswith(".txt") for name in names) == 2


# --- import --------------------------------------------------------------------------------------------


def test_import_raw_body(client_for, annotated, user, other_user):
    export = body(client_for(user).get(EXPORTS, {"format": "w3c"}))
    response = client_for(other_user).post(f"{IMPORTS}?format=w3c", data=export, content_type="application/ld+json")
    assert response.status_code == 201
    result = response.json()
    assert (result["created"], result["skipped"], result["dry_run"]) == (6, 0, False)
    assert Annotation.objects.filter(creator=other_user).count() == 6


def test_import_upload_guesses_the_format_from_the_name(client_for, annotated, user, other_user):
    export = body(client_for(user).get(EXPORTS, {"format": "doccano"}))
    upload = SimpleUploadedFile("mine.jsonl", export, content_type="application/octet-stream")
    response = client_for(other_user).post(IMPORTS, {"file": upload}, format="multipart")
    assert response.status_code == 201 and response.json()["format"] == "doccano"
    assert Annotation.objects.filter(creator=other_user).count() == 6


def test_import_errors_name_line_and_field(client_for, seed_article, user):
    text = seed_article.current_revision.text
    lines = [
        json.dumps({"text": text, "label": [[0, 5, "PER"]]}),
        json.dumps({"text": text, "label": [[0, 5, "PERSON"]]}),
    ]
    response = client_for(user).post(f"{IMPORTS}?format=doccano", data="\n".join(lines).encode(), content_type="application/jsonl")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["line"], error["field"], error["code"]) == (2, "label[0][2]", "unknown_label")
    assert not Annotation.objects.exists()


def test_import_dry_run(client_for, annotated, user, other_user):
    export = body(client_for(user).get(EXPORTS, {"format": "w3c"}))
    response = client_for(other_user).post(f"{IMPORTS}?format=w3c&dry_run=true", data=export, content_type="application/ld+json")
    assert response.status_code == 200 and response.json()["dry_run"] is True and response.json()["created"] == 6
    assert not Annotation.objects.filter(creator=other_user).exists()


def test_import_needs_a_signed_in_user(anon, annotated, user):
    response = anon.post(f"{IMPORTS}?format=w3c", data=b"{}", content_type="application/ld+json")
    assert response.status_code in (401, 403)


def test_only_staff_create_articles(client_for, annotated, user, staff_user):
    export = body(client_for(user).get(EXPORTS, {"format": "w3c"}))
    flush_articles()
    response = client_for(user).post(f"{IMPORTS}?format=w3c&create_articles=true", data=export, content_type="application/ld+json")
    assert response.status_code == 403
    response = client_for(user).post(f"{IMPORTS}?format=w3c", data=export, content_type="application/ld+json")
    assert response.status_code == 400 and codes(response) == [("articles[0]", "unknown_article")]
    response = client_for(staff_user).post(
        f"{IMPORTS}?format=w3c&create_articles=true", data=export, content_type="application/ld+json"
    )
    assert response.status_code == 201
    assert response.json()["articles"][0]["article_created"] is True
    assert Article.objects.count() == 1


def test_import_into_a_named_article(client_for, annotated, user, other_user, seed_article):
    export = body(client_for(user).get(article_url(seed_article), {"format": "doccano"}))
    response = client_for(other_user).post(
        f"{IMPORTS}?format=doccano&article={seed_article.pk}&visibility=private", data=export, content_type="application/jsonl"
    )
    assert response.status_code == 201
    assert set(Annotation.objects.filter(creator=other_user).values_list("visibility", flat=True)) == {"private"}


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("", [("format", "required")]),
        ("?format=brat", [("format", "invalid_choice")]),
        ("?format=w3c&article=999999", [("article", "does_not_exist")]),
        ("?format=w3c&group=nobody", [("group", "does_not_exist")]),
        ("?format=w3c&visibility=secret", [("visibility", "invalid_choice")]),
    ],
)
def test_import_bad_parameters(api, query, errors):
    response = api.post(IMPORTS + query, data=b"[]", content_type="text/plain")
    assert response.status_code == 400 and codes(response) == errors


def test_import_empty_and_malformed(api):
    response = api.post(f"{IMPORTS}?format=w3c", data=b"", content_type="application/ld+json")
    assert response.status_code == 400 and codes(response) == [("file", "empty")]
    response = api.post(f"{IMPORTS}?format=w3c", data=b"{oops", content_type="application/ld+json")
    assert response.status_code == 400 and codes(response) == [(None, "malformed_json")]
    response = api.post(IMPORTS, {}, format="multipart")
    assert response.status_code == 400 and codes(response) == [("file", "required")]


def test_import_too_large(api, monkeypatch):
    monkeypatch.setattr("annotations.api.exports.IMPORT_MAX_BYTES", 10)
    response = api.post(f"{IMPORTS}?format=w3c", data=b"[" + b" " * 20 + b"]", content_type="application/ld+json")
    assert response.status_code == 413 and codes(response) == [(None, "too_large")]
    upload = SimpleUploadedFile("big.jsonld", b"[" + b" " * 20 + b"]")
    response = api.post(IMPORTS, {"file": upload}, format="multipart")
    assert response.status_code == 413


def test_imports_are_throttled_like_other_writes(api, monkeypatch):
    from annotations.api.throttling import WriteRateThrottle

    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"annotation_write": "2/min"})
    statuses = [api.post(f"{IMPORTS}?format=w3c", data=b"[]", content_type="application/ld+json").status_code for _ in range(3)]
    assert statuses[-1] == 429


# --- schema ------------------------------------------------------------------------------------------


def test_schema_documents_the_endpoints_without_warnings(anon):
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    response = anon.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    ours = ("exports", "ArticleExportView", "ExportView", "ImportView", "export", "import")
    mine = [
        message
        for message in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
        if any(word in str(message) for word in ours)
    ]
    assert mine == []
    paths = response.json()["paths"]
    article = paths["/api/articles/{article_id}/export/"]["get"]
    assert {p["name"] for p in article["parameters"]} == {"article_id", "format", "status"}
    assert set(article["responses"]["200"]["content"]) == {
        "application/ld+json", "application/jsonl", "application/zip", "text/plain", "text/csv",
    }  # fmt: skip
    export = paths["/api/exports/"]["get"]
    assert {p["name"] for p in export["parameters"]} == {"format", "source", "from", "to", "article", "status"}
    imports = paths["/api/imports/"]["post"]
    assert {"200", "201", "400", "403", "413"} <= set(imports["responses"])
    assert "multipart/form-data" in imports["requestBody"]["content"]
    assert {p["name"] for p in imports["parameters"]} == {"format", "article", "visibility", "group", "create_articles", "dry_run"}
