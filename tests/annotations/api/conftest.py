"""API clients for every kind of caller, and the helpers of the annotation endpoint tests."""

import pytest
from rest_framework.test import APIClient

from annotations.models import Annotation
from tests.annotations.conftest import span_of

W3C = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
# The clients ask for plain JSON, as the web app does: a container GET without Accept is JSON-LD
# (Web Annotation Protocol §4.1), tested with a bare APIClient in test_w3c_protocol.py.
JSON = {"HTTP_ACCEPT": "application/json"}
# A quote of the seed article (tests/annotations/conftest.py).
QUOTE = "لن نكون مع نهاية العام في مهمّة قتاليّة"


@pytest.fixture
def anon():
    return APIClient(**JSON)


@pytest.fixture
def client_for():
    def make(user) -> APIClient:
        client = APIClient(**JSON)
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def api(client_for, user):
    return client_for(user)


def etag(response) -> str:
    return response["ETag"]


def codes(response) -> list[tuple]:
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


# --- the annotations of the seed article (tests of the annotation endpoints) ------------------


def url(article) -> str:
    return f"/api/articles/{article.pk}/annotations/"


def entity(text, needle="الكاظمي", occurrence=0, **extra) -> dict:
    start, end = span_of(text, needle, occurrence)
    return {"kind": "entity", "start": start, "end": end, "exact": needle, "label": "PER", **extra}


def count() -> int:
    return Annotation.objects.count()


@pytest.fixture
def created(api, seed_article, text):
    return api.post(url(seed_article), entity(text), format="json")
