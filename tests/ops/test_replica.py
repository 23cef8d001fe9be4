"""A read replica that lags behind, under uvicorn: reads go to it, a writer reads its own writes.

The "replica" is a schema of the test database holding a snapshot of every
table taken mid-test (a replica that stopped replicating at that moment),
reached through ``DATABASE_REPLICA_URL`` with ``search_path`` pointing at it
and ``default_transaction_read_only`` on (a write sent there would fail). So a
read that goes to the replica cannot see rows written after the snapshot, and
one that goes to the primary can: the answer tells where each read went.
"""

from __future__ import annotations

import re
import time

import pytest
import requests
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.browser.conftest import test_database_url as database_url
from tests.browser.seed import make_seed_article
from tests.factories import UserFactory, make_article
from tests.live.conftest import labels, span  # noqa: F401  (fixture)
from tests.ops.conftest import DB_CACHE_URL, server_password

SCHEMA = "replica_lag"


@pytest.fixture
def replica_snapshot(transactional_db):
    """``snapshot()`` copies every table as it is now into the lagging replica; returns its URL."""

    def snapshot() -> str:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {SCHEMA}")
            cursor.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
            for (table,) in cursor.fetchall():
                cursor.execute(f'CREATE TABLE {SCHEMA}."{table}" (LIKE public."{table}" INCLUDING ALL)')
                # Generated columns (a search vector, say) are computed again, not copied.
                cursor.execute(
                    "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) "
                    "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
                    "AND is_generated = 'NEVER'",
                    [table],
                )
                columns = cursor.fetchone()[0]
                cursor.execute(f'INSERT INTO {SCHEMA}."{table}" ({columns}) SELECT {columns} FROM public."{table}"')
        return database_url(options=f"-c search_path={SCHEMA} -c default_transaction_read_only=on")

    yield snapshot
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def article_count(session, server, **headers) -> int:
    response = session.get(f"{server.url}/api/articles/", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["count"]


def test_reads_go_to_the_replica_and_a_writer_reads_its_own_writes(
    asgi_server_factory, replica_snapshot, shared_cache, labels  # noqa: F811
):
    seed = make_seed_article()
    writer = server_password(UserFactory(username="writer"))
    token = Token.objects.create(user=writer)
    replica_url = replica_snapshot()
    # Written after the snapshot: on the primary only ("not replicated yet").
    make_article(title="مقالة لم تصل إلى النسخة المتماثلة بعد")

    pin = 3
    server = asgi_server_factory(
        env={"DATABASE_REPLICA_URL": replica_url, "REPLICA_PIN_SECONDS": str(pin), "CACHE_URL": DB_CACHE_URL}
    )

    # 1. An anonymous reader reads from the replica.
    assert article_count(requests.Session(), server) == 1

    # 2. A browser that logs in (a POST) is pinned to the primary for the next seconds.
    browser = requests.Session()
    login_page = browser.get(f"{server.url}/accounts/login/", timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    response = browser.post(
        f"{server.url}/accounts/login/",
        data={"username": "writer", "password": "pass-word-123", "csrfmiddlewaretoken": csrf},
        headers={"Referer": f"{server.url}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    assert "nr_primary" in browser.cookies
    assert article_count(browser, server) == 2
    # the session written a moment ago is found: the user is signed in
    assert browser.get(f"{server.url}/api/groups/", timeout=10).status_code == 200

    # 3. An API client writes with its token: its next reads see the primary, nobody else's do.
    start, end = span(seed, "بايدن")
    created = requests.post(
        f"{server.url}/api/articles/{seed.pk}/annotations/",
        json={"kind": "entity", "start": start, "end": end, "label": "PER"},
        headers={"Authorization": f"Token {token.key}"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    assert article_count(requests.Session(), server, Authorization=f"Token {token.key}") == 2
    assert article_count(requests.Session(), server) == 1

    # 4. When the pin runs out, the same clients read from the replica again.
    time.sleep(pin + 0.5)
    assert "nr_primary" not in browser.cookies or article_count(browser, server) == 1
    assert article_count(browser, server) == 1
    assert article_count(requests.Session(), server, Authorization=f"Token {token.key}") == 1

    # The load balancer sees both databases.
    ready = requests.get(f"{server.url}/readyz", timeout=10).json()
    assert ready["checks"]["database:replica"]["ok"] is True
    assert "ERROR" not in server.log() and "Traceback" not in server.log(), server.log()[-3000:]
