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


# --- the write throttle's window (one statement) ---------------------------------------------


def test_window_hit_counts_in_one_statement(db_cache):
    with CaptureQueriesContext(connection) as queries:
        assert db_cache.window_hit("w", now=100.0, duration=60, limit=3) == (True, [100.0])
    assert len(queries) == 1 and "ON CONFLICT" in queries[0]["sql"]
    assert db_cache.window_hit("w", now=110.5, duration=60, limit=3, cost=2) == (True, [110.5, 110.5, 100.0])
    with CaptureQueriesContext(connection) as queries:
        # Refused: nothing written, the hits as they were (for Retry-After); a second statement reads them.
        assert db_cache.window_hit("w", now=120.0, duration=60, limit=3) == (False, [110.5, 110.5, 100.0])
    assert len(queries) == 2
    # 100.0 leaves the window at 160 (as in DRF: a hit exactly `duration` old no longer counts).
    assert db_cache.window_hit("w", now=159.75, duration=60, limit=3) == (False, [110.5, 110.5, 100.0])
    assert db_cache.window_hit("w", now=160.0, duration=60, limit=3) == (True, [160.0, 110.5, 110.5])


def test_window_hit_refuses_a_cost_above_the_limit_and_keys_are_separate(db_cache):
    assert db_cache.window_hit("a", now=1.0, duration=60, limit=2, cost=3) == (False, [])
    assert db_cache.window_hit("a", now=1.0, duration=60, limit=2, cost=2) == (True, [1.0, 1.0])
    assert db_cache.window_hit("b", now=1.0, duration=60, limit=2) == (True, [1.0])


def test_window_hit_keys_expire_and_clear_with_the_cache(db_cache):
    db_cache.window_hit("w", now=1.0, duration=60, limit=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM newsreader_cache WHERE cache_key = %s", [db_cache.make_key("w")])
        expires = cursor.fetchone()[0]
    assert expires.timestamp() >= 61  # kept as long as its newest hit counts
    db_cache.clear()
    assert db_cache.window_hit("w", now=2.0, duration=60, limit=1) == (True, [2.0])


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_are_both_counted(monkeypatch):
    """The upsert locks the key's row: of requests at once, none is lost (a get then a set could lose one)."""
    import threading

    from django.core.management import call_command

    monkeypatch.setattr(cache_module, "CULL_EVERY", 10**9)
    with override_settings(CACHES=CACHES):
        call_command("createcachetable", verbosity=0)  # committed: every thread's connection sees it
        cache = caches.create_connection("default")
        cache.clear()
        results = []
        barrier = threading.Barrier(4)

        def hit():
            try:
                barrier.wait(timeout=10)
                results.append(cache.window_hit("race", now=5.0, duration=60, limit=3)[0])
            finally:
                connection.close()

        threads = [threading.Thread(target=hit) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SELECT value FROM newsreader_cache WHERE cache_key = %s", [cache.make_key("race")])
            stored = cursor.fetchone()[0]
        cache.clear()
    assert sorted(results) == [False, True, True, True]
    assert stored == "{5,5,5}"


def test_a_throttle_write_waits_for_the_disk_only_inside_a_transaction(db_cache):
    """In autocommit (a request) the hit's commit is asynchronous; inside a transaction the setting would be the
    whole transaction's, so it is left alone there (tests run inside one: the statement says it)."""
    with CaptureQueriesContext(connection) as queries:
        db_cache.window_hit("w", now=1.0, duration=60, limit=5)
    assert "synchronous_commit" not in queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.django_db(transaction=True)
def test_in_autocommit_the_throttle_write_does_not_wait_for_the_disk(monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr(cache_module, "CULL_EVERY", 10**9)
    with override_settings(CACHES=CACHES):
        call_command("createcachetable", verbosity=0)
        cache = caches.create_connection("default")
        with CaptureQueriesContext(connection) as queries:
            assert cache.window_hit("w", now=1.0, duration=60, limit=5) == (True, [1.0])
        cache.clear()
    assert "set_config('synchronous_commit', 'off', true)" in queries[0]["sql"]
    with connection.cursor() as cursor:  # local to that statement's transaction: gone after it
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
