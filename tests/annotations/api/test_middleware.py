"""CORS pre-flights of the Web Annotation container (annotations/api/middleware.py).

Web Annotation Protocol §4.1: the container MUST support OPTIONS "(enable CORS pre-flight requests)", and
"Annotation Containers MUST return a Link header on all responses" and "All HTTP responses from Annotation
Containers MUST include an ETag header". A browser client on another origin sends its OPTIONS as a CORS
pre-flight (Origin and Access-Control-Request-Method); django-cors-headers used to answer it alone with an
empty 200 that had none of the container's headers (issue 14: "OPTIONS and errors included").
"""

import pytest
from django.test import Client

from annotations.w3c import MEDIA_TYPE

ORIGIN = "https://annotator.example.org"
CONTAINER_LINK = (
    '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type", '
    '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
)


def preflight(path: str, origin: str = ORIGIN):
    return Client().options(
        path, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, if-match, prefer",
    )  # fmt: skip


@pytest.fixture
def cors(settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]


def test_s4_1_a_cors_preflight_of_the_container_has_the_container_headers(db, cors, seed_article):
    response = preflight(f"/api/articles/{seed_article.pk}/annotations/")
    assert response.status_code == 200
    assert response["Link"] == CONTAINER_LINK
    assert response["ETag"]
    assert {"GET", "HEAD", "OPTIONS", "POST"} <= {m.strip() for m in response["Allow"].split(",")}
    assert MEDIA_TYPE in response["Accept-Post"]
    # ...and it is still the CORS answer the browser needs.
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert {"authorization", "if-match", "prefer"} <= {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert "POST" in response["Access-Control-Allow-Methods"]


def test_a_preflight_from_an_origin_not_listed_gets_no_cors_headers(db, cors, seed_article):
    response = preflight(f"/api/articles/{seed_article.pk}/annotations/", origin="https://evil.example")
    assert response["Link"] == CONTAINER_LINK  # still the container's answer
    assert "Access-Control-Allow-Origin" not in response


def test_preflights_elsewhere_are_django_cors_headers_own(db, cors, seed_article):
    """Only the container's pre-flights reach the view: elsewhere (endpoints whose OPTIONS needs a sign-in,
    a pre-flight carries no credentials) the middleware answers them itself, as before."""
    response = preflight("/api/groups/")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == ORIGIN
    assert "Link" not in response and not response.content


# --- one annotation's IRI (Protocol §5) and its alias --------------------------------------------

RESOURCE_LINK = '<http://www.w3.org/ns/ldp#Resource>; rel="type"'


def iri(annotation) -> str:
    return f"/api/articles/{annotation.article_id}/annotations/{annotation.pk}"


@pytest.mark.parametrize("alias", [False, True])
def test_a_cors_preflight_of_an_annotation_has_its_headers(db, cors, user, make_entity, alias):
    """Polish (session 9): django-cors-headers answered a pre-flight of an annotation's IRI with an empty 200."""
    annotation = make_entity(user)
    path = f"/api/annotations/{annotation.pk}/" if alias else iri(annotation)
    response = Client().options(
        path, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, if-match",
    )  # fmt: skip
    assert response.status_code == 200
    assert response["Link"] == RESOURCE_LINK
    assert response["ETag"] == f'"{annotation.pk}-{annotation.version}"'  # what If-Match wants
    assert {m.strip() for m in response["Allow"].split(",")} >= {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"}
    assert "POST" not in response["Allow"]
    # ...and still the CORS answer the browser needs.
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert {"authorization", "if-match"} <= {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert "PUT" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_of_a_private_annotation_passes_and_says_nothing_of_it(db, cors, user, make_entity):
    """A pre-flight has no credentials: one for a private annotation (whose real request sends a token) must pass,
    and look the same as one for an id that does not exist."""
    private = make_entity(user, visibility="private")
    answers = [
        preflight(path)
        for path in (iri(private), f"/api/articles/{private.article_id}/annotations/999999", f"/api/annotations/{private.pk}/")
    ]
    for response in answers:
        assert response.status_code == 200 and response["Link"] == RESOURCE_LINK
        assert response["Access-Control-Allow-Origin"] == ORIGIN
        assert response["ETag"].startswith('W/"')  # a tag of the answer, not the annotation's version
    assert answers[0]["ETag"] == answers[1]["ETag"] and answers[0].content == answers[1].content
    assert str(private.pk) not in answers[0]["ETag"]


def test_an_annotation_preflight_from_an_origin_not_listed_gets_no_cors_headers(db, cors, user, make_entity):
    response = preflight(iri(make_entity(user)), origin="https://evil.example")
    assert response["Link"] == RESOURCE_LINK
    assert "Access-Control-Allow-Origin" not in response
