"""The circuit breaker of ops/outage.py: 503 + Retry-After at once while the database is down.

(The real thing, PostgreSQL stopped under load, is in test_faults.py.)
"""

from __future__ import annotations

import pytest
from django.test import Client

from ops import outage


@pytest.fixture
def breaker(settings, monkeypatch):
    settings.ROOT_URLCONF = "tests.ops.outage_urls"
    settings.DATABASE_OUTAGE_RETRY_AFTER = 7
    outage.breaker.reset()
    probes = []
    state = {"reachable": False}

    def reachable(alias="default"):
        probes.append(alias)
        return state["reachable"]

    monkeypatch.setattr(outage, "database_reachable", reachable)
    # Probes are due at once (the real breaker waits PROBE_EVERY_SECONDS between them).
    monkeypatch.setattr(outage, "PROBE_EVERY_SECONDS", 0.0)
    yield state, probes
    outage.breaker.reset()


def test_an_api_request_that_loses_the_database_gets_503_and_retry_after(breaker):
    state, probes = breaker
    response = Client(raise_request_exception=False).get("/api/lost/")
    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    assert response.json() == {"errors": [{"field": None, "code": "service_unavailable",
                                           "message": "The service cannot reach its database right now; try again in 7 seconds."}]}  # fmt: skip
    # The probe could not reach the database either: the breaker is open.
    assert probes == ["default"] and outage.breaker.is_open


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "The site cannot reach its database right now. Please try again in 7 seconds."),
     ("ar", "لا يستطيع الموقع الوصول إلى قاعدة بياناته الآن. أعد المحاولة بعد 7 ثوانٍ.")],
)  # fmt: skip
def test_a_page_gets_a_503_page_in_the_readers_language(breaker, language, text):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    response = client.get("/lost/")
    assert response.status_code == 503 and response["Retry-After"] == "7"
    assert text in response.content.decode()


def test_while_open_requests_are_refused_without_the_database_until_a_probe_gets_through(breaker, monkeypatch):
    state, probes = breaker
    outage.breaker.trip()
    replaced = []
    monkeypatch.setattr(outage, "_replace_pools", lambda: replaced.append(True))
    # No database fixture: a request that reached a view touching the database would fail the test.
    response = Client().get("/api/anything/")
    assert response.status_code == 503 and response["Retry-After"] == "7"
    assert probes == ["default"] and not replaced
    state["reachable"] = True
    assert Client(raise_request_exception=False).get("/api/lost/").status_code == 503  # the view itself fails
    assert replaced == [True]  # the pools of the outage were dropped when the database came back
    assert not outage.breaker.is_open


def test_a_query_error_with_the_database_up_does_not_open_the_breaker(breaker):
    state, probes = breaker
    state["reachable"] = True
    response = Client(raise_request_exception=False).get("/api/lost/")
    assert response.status_code == 503 and response["Retry-After"] == "7"
    assert not outage.breaker.is_open
