"""newsreader.cache: the database cache writes a key with one statement and never counts the table per write."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from newsreader import cache as cache_module

CACHES = {"default": {"BACKEND": "newsreader.cache.DatabaseCache", "LOCATION": "newsreader_cache", "OPTIONS": {"MAX_ENTRIES": 3}}}


@pytest.fixture
def db_cache(db, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr(cache_module, "CULL_EVERY", 10**9)  # no random cull unless a test asks
    with override_settings(CACHES=CACHES):
        call_command("createcachetable", verbosity=0)
        cache = caches.create_connection("default")
        cache.clear()
        yield cache


def test_a_write_is_one_statement_without_count(db_cache):
    with CaptureQueriesContext(connection) as queries:
        db_cache.set("throttle", [1, 2, 3], 60)
    assert len(queries) == 1
    assert "COUNT" not in queries[0]["sql"].upper() and "ON CONFLICT" in queries[0]["sql"]
    assert db_cache.get("throttle") == [1, 2, 3]
    db_cache.set("throttle", [4], 60)
    assert db_cache.get("throttle") == [4]


def test_add_keeps_a_live_key_and_replaces_an_expired_one(db_cache):
    assert db_cache.add("key", "first", 60) is True
    assert db_cache.add("key", "second", 60) is False  # no error: nothing in the database log either
    assert db_cache.get("key") == "first"
    db_cache.set("old", "stale", -1)  # already expired
    assert db_cache.add("old", "fresh", 60) is True
    assert db_cache.get("old") == "fresh"


def test_touch(db_cache):
    assert db_cache.touch("missing", 60) is False
    db_cache.set("key", 1, 60)
    assert db_cache.touch("key", 120) is True


def test_culling_runs_now_and_then(db_cache, monkeypatch):
    for n in range(6):
        db_cache.set(f"k{n}", n, 60)
    monkeypatch.setattr(cache_module, "CULL_EVERY", 1)  # every write culls now
    db_cache.set("last", 1, 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM newsreader_cache")
        assert cursor.fetchone()[0] <= 6
