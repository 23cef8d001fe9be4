"""The replica router's decisions and the middleware that pins a client to the primary (in-process).

The whole path under uvicorn, with a replica that really is behind, is in test_replica.py.
"""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django_tasks_db.models import DBTaskResult

from annotations.models import Annotation
from newsreader.models import Article, Source
from ops import middleware as ops_middleware
from ops import routers
from ops.models import WorkerHeartbeat
from ops.routers import PrimaryReplicaRouter, is_pinned, pin_to_primary, unpin


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(routers, "replica_aliases", lambda: ["replica"])
    monkeypatch.setattr(ops_middleware, "replica_aliases", lambda: ["replica"])


@pytest.fixture
def router():
    return PrimaryReplicaRouter()


def test_without_a_replica_the_router_stays_out_of_the_way(router):
    assert router.db_for_read(Article) is None
    assert router.db_for_write(Article) == "default"
    assert router.allow_migrate("default", "newsreader") is None


def test_reads_go_to_the_replica_writes_to_the_primary(with_replica, router):
    for model in (Article, Annotation, get_user_model()):
        assert router.db_for_read(model) == "replica"
        assert router.db_for_write(model) == "default"


def test_coordination_tables_are_always_read_from_the_primary(with_replica, router):
    from django.core.cache.backends.db import DatabaseCache

    cache_model = DatabaseCache("newsreader_cache", {}).cache_model_class
    from axes.models import AccessAttempt

    for model in (cache_model, AccessAttempt, DBTaskResult, WorkerHeartbeat):
        assert router.db_for_read(model) == "default", model


def test_a_pinned_context_reads_from_the_primary(with_replica, router):
    token = pin_to_primary()
    try:
        assert router.db_for_read(Article) == "default"
    finally:
        unpin(token)
    assert router.db_for_read(Article) == "replica"


def test_reads_inside_a_transaction_on_the_primary_stay_there(with_replica, router, db):
    """A service that writes then reads in one transaction must see its own write."""
    with transaction.atomic():
        assert router.db_for_read(Article) == "default"


def test_related_rows_follow_their_instance(with_replica, router):
    source = Source(name="x")
    source._state.db = "default"
    assert router.db_for_read(Article, instance=source) == "default"
    source._state.db = "replica"
    assert router.db_for_read(Article, instance=source) == "replica"


def test_no_migrations_on_the_replica(with_replica, router):
    assert router.allow_migrate("replica", "newsreader") is False
    assert router.allow_migrate("default", "newsreader") is None
    primary, replica = Source(), Source()
    primary._state.db, replica._state.db = "default", "replica"
    assert router.allow_relation(primary, replica) is True


# --- the middleware -----------------------------------------------------------------------------------


def seen_pin(request):
    response = HttpResponse("ok")
    response.pinned = is_pinned()
    return response


@pytest.fixture
def pin_middleware(with_replica, settings):
    settings.REPLICA_PIN_SECONDS = 10
    return ops_middleware.PrimaryPinMiddleware(seen_pin)


def test_the_middleware_is_not_used_without_a_replica():
    from django.core.exceptions import MiddlewareNotUsed

    with pytest.raises(MiddlewareNotUsed):
        ops_middleware.PrimaryPinMiddleware(seen_pin)


def test_a_read_is_not_pinned(pin_middleware):
    response = pin_middleware(RequestFactory().get("/api/articles/"))
    assert response.pinned is False
    assert ops_middleware.PIN_COOKIE not in response.cookies


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_is_pinned_and_pins_the_next_seconds(pin_middleware, method):
    response = pin_middleware(getattr(RequestFactory(), method)("/api/annotations/1/"))
    assert response.pinned is True
    cookie = response.cookies[ops_middleware.PIN_COOKIE]
    assert cookie["max-age"] == 10 and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert abs(float(cookie.value) - (time.time() + 10)) < 2
    # the browser sends it back: its reads go to the primary
    request = RequestFactory().get("/api/articles/1/annotations/")
    request.COOKIES[ops_middleware.PIN_COOKIE] = cookie.value
    assert pin_middleware(request).pinned is True
    assert not is_pinned()  # nothing leaks out of the request


@pytest.mark.parametrize(
    "value",
    ["", "soon", str(time.time() - 1), str(time.time() + 3600)],
    # Stable ids: pytest-xdist workers must collect the same test names.
    ids=["empty", "malformed", "expired", "far-future"],
)
def test_expired_malformed_or_far_future_pins_are_ignored(pin_middleware, value):
    request = RequestFactory().get("/")
    request.COOKIES[ops_middleware.PIN_COOKIE] = value
    assert pin_middleware(request).pinned is False


def test_token_clients_are_pinned_through_the_shared_cache(pin_middleware):
    factory = RequestFactory()
    pin_middleware(factory.post("/api/articles/1/annotations/", HTTP_AUTHORIZATION="Token abc"))
    assert pin_middleware(factory.get("/api/annotations/1/", HTTP_AUTHORIZATION="Token abc")).pinned is True
    # another client (another token, or none) is not pinned
    assert pin_middleware(factory.get("/api/annotations/1/", HTTP_AUTHORIZATION="Token xyz")).pinned is False
    assert pin_middleware(factory.get("/api/annotations/1/")).pinned is False
