"""Database connections: one pool per process, bounded under load, never shared across a fork."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ThreadPoolExecutor

import requests
from django.conf import settings
from django.db import connection

from tests.browser.conftest import test_database_url as database_url


def test_the_production_settings_use_a_pool_not_persistent_connections():
    database = settings.DATABASES["default"]
    assert database["OPTIONS"]["pool"]["max_size"] >= 1
    assert database["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool
    assert database["CONN_HEALTH_CHECKS"] is True  # the pool checks connections before handing them out


def _backend_pid() -> tuple[int, int]:
    from django.db import connection as child_connection

    with child_connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return os.getpid(), cursor.fetchone()[0]


def test_a_forked_child_opens_its_own_connections(transactional_db):
    """The parent's pool (its sockets and threads) is not inherited: the child neither hangs nor shares a socket."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        parent_backend = cursor.fetchone()[0]
    with multiprocessing.get_context("fork").Pool(2) as children:
        results = [children.apply_async(_backend_pid) for _ in range(4)]
        answers = [result.get(timeout=60) for result in results]
    assert all(pid != os.getpid() for pid, _ in answers)
    assert parent_backend not in {backend for _, backend in answers}
    # ...and the parent carries on with a fresh pool.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_child_forked_inside_a_transaction_leaves_the_parent_s_session_alone(db):
    """The test's transaction (the db fixture) is open while forking: the child must neither use nor end it."""
    from newsreader.models import Source

    Source.objects.create(name="قبل التفرع", slug="before-fork")  # uncommitted, in the parent's transaction
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        parent_backend = cursor.fetchone()[0]
    with multiprocessing.get_context("fork").Pool(1) as children:
        pid, child_backend = children.apply_async(_backend_pid).get(timeout=60)
    assert child_backend != parent_backend
    # The parent's session and its open transaction are intact.
    assert Source.objects.filter(slug="before-fork").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == parent_backend


def test_connections_stay_bounded_under_concurrent_load(asgi_server_factory):
    """Under uvicorn every request runs in a thread of its own; the pool keeps the connections at its size."""
    url = database_url(application_name="pool-test")  # to tell the server's connections apart
    server = asgi_server_factory(
        env={"DATABASE_URL": url, "DATABASE_POOL": "true", "DATABASE_POOL_MAX_SIZE": "4", "CONN_MAX_AGE": "0"}
    )

    def fetch(n: int) -> int:
        return requests.get(f"{server.url}/api/articles/?page={1 + n % 2}", timeout=30).status_code

    def server_connections() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pool-test'")
            return cursor.fetchone()[0]

    with ThreadPoolExecutor(25) as pool:
        statuses = list(pool.map(fetch, range(300)))
    assert set(statuses) <= {200, 404}  # (page 2 of an empty list is 404)
    assert 1 <= server_connections() <= 4, "more connections than the pool's size"
