"""Token authentication: the per-process cache of token look-ups and how fast a revoked token stops working."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.api import authentication


def token_queries(queries) -> int:
    return sum("authtoken_token" in q["sql"] for q in queries.captured_queries)


@pytest.fixture
def token(user):
    authentication.clear_token_cache()
    yield Token.objects.create(user=user)
    authentication.clear_token_cache()


@pytest.fixture
def client(token):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


@pytest.fixture
def clock(monkeypatch):
    """The cache's clock, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(authentication.time, "monotonic", lambda: now[0])
    return now


def get(client, seed_article):
    return client.get(f"/api/articles/{seed_article.pk}/annotations/?format=json")


def test_a_token_is_looked_up_once_per_process_and_ttl(client, seed_article, clock, settings):
    settings.API_TOKEN_CACHE_SECONDS = 5
    for expected in (1, 0, 0):
        with CaptureQueriesContext(connection) as queries:
            assert get(client, seed_article).status_code == 200
        assert token_queries(queries) == expected
    clock[0] += 5  # the bound: looked up again
    with CaptureQueriesContext(connection) as queries:
        assert get(client, seed_article).status_code == 200
    assert token_queries(queries) == 1


def test_no_cache_when_the_setting_is_zero(client, seed_article, clock, settings):
    settings.API_TOKEN_CACHE_SECONDS = 0
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert get(client, seed_article).status_code == 200
        assert token_queries(queries) == 1


def test_a_deleted_token_stops_working_at_once_in_this_process(client, token, seed_article, clock):
    assert get(client, seed_article).status_code == 200
    token.delete()  # post_delete clears the cache
    response = get(client, seed_article)
    assert response.status_code == 401 and response.json()["errors"][0]["message"] == "Invalid token."


def test_a_user_deactivated_through_the_orm_stops_at_once(client, user, seed_article, clock):
    assert get(client, seed_article).status_code == 200
    user.is_active = False
    user.save()  # post_save clears the cache
    response = get(client, seed_article)
    assert response.status_code == 401 and response.json()["errors"][0]["message"] == "User inactive or deleted."


def test_a_change_the_process_does_not_see_stops_working_within_the_ttl(client, user, token, seed_article, clock, settings):
    """What another app server (or an UPDATE without signals) does is seen after API_TOKEN_CACHE_SECONDS."""
    settings.API_TOKEN_CACHE_SECONDS = 5
    assert get(client, seed_article).status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)  # no signal
    clock[0] += 4.9
    assert get(client, seed_article).status_code == 200  # still inside the bound
    clock[0] += 0.1
    assert get(client, seed_article).status_code == 401
    type(user).objects.filter(pk=user.pk).update(is_active=True)
    assert get(client, seed_article).status_code == 401  # the cached row, as long as the bound
    clock[0] += 5
    assert get(client, seed_article).status_code == 200
    Token.objects.filter(pk=token.pk).delete()  # a queryset delete sends post_delete too; raw SQL would not
    clock[0] += 5
    assert get(client, seed_article).status_code == 401


def test_unknown_keys_are_not_kept(seed_article, clock):
    api = APIClient()
    for n in range(3):
        api.credentials(HTTP_AUTHORIZATION=f"Token nope{n}")
        assert get(api, seed_article).status_code == 401
    assert not authentication._cache


def test_every_request_gets_its_own_user_object(token):
    first = authentication.user_for_token(token.key)
    second = authentication.user_for_token(token.key)
    assert first == second and first is not second
    first.is_staff = True  # a request changing its user object changes nobody else's
    assert authentication.user_for_token(token.key).is_staff is False
