"""The write throttle on the database cache (the default in production): one statement per write, same rules.

The rest of the suite runs on the in-memory cache (CACHE_URL=locmemcache:// in pytest.ini), where the
throttle reads and writes its key as DRF does; these tests hold the one-statement path to the same answers.
"""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.api import authentication
from annotations.api.throttling import WriteRateThrottle
from annotations.models import Annotation
from newsreader import cache as cache_module
from tests.annotations.conftest import span_of

DB_CACHES = {"default": {"BACKEND": "newsreader.cache.DatabaseCache", "LOCATION": "newsreader_cache"}}


@pytest.fixture
def db_cache(db, monkeypatch):
    monkeypatch.setattr(cache_module, "CULL_EVERY", 10**9)  # no random cull: statement counts are exact
    with override_settings(CACHES=DB_CACHES):
        call_command("createcachetable", verbosity=0)
        caches["default"].clear()
        yield caches["default"]


@pytest.fixture
def clock(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(WriteRateThrottle, "timer", lambda self: now[0])
    return now


@pytest.fixture
def api(user):
    authentication.clear_token_cache()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    yield client
    authentication.clear_token_cache()


def url(article) -> str:
    return f"/api/articles/{article.pk}/annotations/"


def entity(text, needle, occurrence=0, label="PER") -> dict:
    start, end = span_of(text, needle, occurrence)
    return {"kind": "entity", "start": start, "end": end, "label": label}


def throttled(response) -> bool:
    return response.status_code == 429 and response.json()["errors"][0]["code"] == "throttled"


def test_the_cache_is_the_database_one(db_cache):
    assert hasattr(db_cache, "window_hit")


def test_writes_are_throttled_in_one_statement(db_cache, api, seed_article, text, monkeypatch, clock):
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"annotation_write": "3/min"})
    for n in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert api.post(url(seed_article), entity(text, "بايدن", n), format="json").status_code == 201
        cache_statements = [q["sql"] for q in queries.captured_queries if "newsreader_cache" in q["sql"]]
        assert len(cache_statements) == 1 and "ON CONFLICT" in cache_statements[0]
        clock[0] += 10
    response = api.post(url(seed_article), entity(text, "العراق"), format="json")
    # Retry-After as DRF computes it: the oldest hit (30 s ago) leaves the window in 30 s, one slot.
    assert throttled(response) and response["Retry-After"] == "30"
    assert api.get(url(seed_article)).status_code == 200  # reads are not limited
    clock[0] += 30.5  # the first write has left the window: one more
    assert api.post(url(seed_article), entity(text, "العراق"), format="json").status_code == 201
    assert throttled(api.post(url(seed_article), entity(text, "العراق", 1), format="json"))
    assert Annotation.objects.count() == 4


def test_a_refused_write_uses_no_budget(db_cache, api, seed_article, text, monkeypatch, clock):
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"annotation_write": "2/min"})
    assert api.post(url(seed_article), entity(text, "بايدن"), format="json").status_code == 201
    clock[0] += 50
    assert api.post(url(seed_article), entity(text, "بايدن", 1), format="json").status_code == 201
    for _ in range(3):
        assert throttled(api.post(url(seed_article), entity(text, "العراق"), format="json"))
    clock[0] += 10.5  # the first left the window; the refusals counted nothing
    assert api.post(url(seed_article), entity(text, "العراق"), format="json").status_code == 201


def test_a_bulk_request_costs_writes_by_its_size(db_cache, api, seed_article, text, monkeypatch, settings, clock):
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"annotation_write": "4/min"})
    settings.API_BULK_ITEMS_PER_WRITE = 2
    bulk = url(seed_article) + "bulk/"
    items = [entity(text, "بايدن", i) for i in range(3)]  # three items: two writes
    assert api.post(bulk, {"items": items}, format="json").status_code == 201
    assert api.post(url(seed_article), entity(text, "الكاظمي"), format="json").status_code == 201  # three of four
    more = [entity(text, "العراق", i) for i in range(3)]  # two more writes would pass four
    assert throttled(api.post(bulk, {"items": more}, format="json"))
    assert api.post(bulk, {"items": more[:2]}, format="json").status_code == 201  # one write: four of four
    assert Annotation.objects.count() == 6
    # A request costing more than the whole budget is refused even with none used.
    clock[0] += 61
    assert throttled(api.post(bulk, {"items": [entity(text, "العراق", i) for i in range(9)]}, format="json"))
    assert api.post(bulk, {"items": more[2:]}, format="json").status_code == 201


def test_users_have_budgets_of_their_own(db_cache, api, seed_article, text, monkeypatch, clock):
    from tests.factories import UserFactory

    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"annotation_write": "1/min"})
    assert api.post(url(seed_article), entity(text, "بايدن"), format="json").status_code == 201
    assert throttled(api.post(url(seed_article), entity(text, "العراق"), format="json"))
    other = APIClient()
    other.force_authenticate(UserFactory())
    assert other.post(url(seed_article), entity(text, "العراق"), format="json").status_code == 201


def test_a_create_request_is_four_statements(db_cache, api, seed_article, text, settings, django_capture_on_commit_callbacks):
    """The whole request with token authentication, throttle and the consumers' wake-up (issue 15).

    Was 8: token, throttle read, throttle write, BEGIN (SAVEPOINT here), context, insert + event, COMMIT
    (RELEASE), the wake-up check. Now the token is cached per process (after its first request), the
    throttle is one upsert, and the create runs in autocommit: context, then insert + event; the
    wake-up finds the drain task already waiting (the database queue, as in production). Here the
    wake-up runs in the request (on_commit callbacks run inside the test's transaction); after a real
    commit it is the waker thread's, so a request is 3 statements
    (tests/annotations/test_outbox.py::test_the_waker_thread_wakes_after_every_commit_without_a_statement_in_the_write).
    """
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    from annotations.tasks import drain_outbox

    drain_outbox.enqueue()  # waiting, unclaimed
    assert api.get(url(seed_article)).status_code == 200  # the token is read, and kept
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        assert api.post(url(seed_article), entity(text, "العراق"), format="json").status_code == 201
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 4, statements
    assert statements[0].startswith('INSERT INTO "newsreader_cache"')  # the throttle
    assert "annotations_label" in statements[1]  # the context
    assert statements[2].startswith("WITH guard AS")  # the row and its event
    assert "django_tasks_database_dbtaskresult" in statements[3] and statements[3].startswith("SELECT")  # the wake-up
    assert DBTaskResult.objects.filter(task_path="annotations.tasks.drain_outbox").count() == 1
