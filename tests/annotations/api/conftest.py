"""API clients for every kind of caller."""

import pytest
from rest_framework.test import APIClient

W3C = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
# The clients ask for plain JSON, as the web app does: a container GET without Accept is JSON-LD
# (Web Annotation Protocol §4.1), tested with a bare APIClient in test_w3c_protocol.py.
JSON = {"HTTP_ACCEPT": "application/json"}


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

