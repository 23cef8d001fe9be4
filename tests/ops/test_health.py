"""/healthz and /readyz: what a load balancer sees."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from ops import health
from ops.models import WorkerHeartbeat


def beat(worker_id="w1", seconds_ago=0.0, stopped_seconds_ago=None):
    now = timezone.now()
    stopped_at = None if stopped_seconds_ago is None else now - timedelta(seconds=stopped_seconds_ago)
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="h", pid=1, queues="*", started_at=now, beat_at=now - timedelta(seconds=seconds_ago),
        stopped_at=stopped_at,
    )  # fmt: skip


@pytest.fixture
def production(settings):
    """HTTPS redirect on and a real host name, as in production (the client is created after)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["news.example.org"]
    return settings


def test_healthz_needs_no_database_and_no_allowed_host(production):
    # No db fixture: any database access would raise here.
    client = Client()
    response = client.get("/healthz", HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response
    # the same client on another page gets the redirect and the host check as usual
    assert client.get("/", HTTP_HOST="news.example.org").status_code == 301
    assert client.get("/", HTTP_HOST="10.0.3.7:8000").status_code == 400


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/healthz/", "/readyz/", "/workerz"])
def test_probes_answer_over_plain_http_at_any_address(production, db, path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    beat()
    response = Client().get(path, HTTP_HOST="10.0.3.7")
    assert response.status_code == 200, response.content


def test_probes_are_read_only(db):
    assert Client().post("/healthz").status_code == 405
    assert Client().post("/readyz").status_code == 405
    assert Client().post("/workerz").status_code == 405


def test_readyz_and_workerz_ok_with_a_live_worker(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    beat()
    response = Client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database:default", "migrations"}
    assert all(check["ok"] for check in body["checks"].values())
    workers = Client().get("/workerz")
    assert workers.status_code == 200
    assert workers.json()["checks"]["worker"]["alive"] == 1


def test_no_worker_fails_workerz_but_never_readyz(db, settings):
    """Issue 14: a load balancer must not take every app server out because the workers are gone."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.WORKER_STALE_SECONDS = 30
    beat("dead", seconds_ago=31)
    assert Client().get("/readyz").status_code == 200
    response = Client().get("/workerz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail" and body["failed"] == ["worker"]
    assert "no task worker has sent a heartbeat in the last 30 s" in body["checks"]["worker"]["detail"]
    # ...and it says the last one died (its heartbeat went stale), not that it stopped.
    assert "(dead on h) last beat at" in body["checks"]["worker"]["detail"]
    assert "did not stop cleanly" in body["checks"]["worker"]["detail"]
    assert body["checks"]["worker"]["last_worker"]["state"] == "dead"
    assert body["checks"]["worker"]["last_worker"]["id"] == "dead"
    assert 30 < body["checks"]["worker"]["last_worker"]["seconds_ago"] < 60
    beat("alive", seconds_ago=29)
    assert Client().get("/workerz").status_code == 200


def test_workerz_after_a_clean_stop_says_so(db, settings):
    """Polish (session 9): right after a clean stop /workerz said "no heartbeat in the last 60 s", as for a
    crash; it says the last worker stopped cleanly, and when. Still 503: no worker runs, queued tasks wait."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.WORKER_STALE_SECONDS = 30
    beat("old-dead", seconds_ago=600)
    beat("deployed", seconds_ago=3, stopped_seconds_ago=2)  # beat 3 s ago, stopped 2 s ago (its row is kept)
    response = Client().get("/workerz")
    assert response.status_code == 503
    check = response.json()["checks"]["worker"]
    assert "no task worker is running; the last one (deployed on h) stopped cleanly at " in check["detail"]
    assert "heartbeat" not in check["detail"] and "manage.py run_worker" in check["detail"]
    assert check["alive"] == 0
    assert check["last_worker"]["state"] == "stopped" and check["last_worker"]["id"] == "deployed"
    assert 0 <= check["last_worker"]["seconds_ago"] < 30
    # A worker that died after that clean stop is the news.
    beat("crashed", seconds_ago=40)
    WorkerHeartbeat.objects.filter(pk="deployed").update(stopped_at=timezone.now() - timedelta(seconds=100))
    check = Client().get("/workerz").json()["checks"]["worker"]
    assert check["last_worker"]["state"] == "dead" and check["last_worker"]["id"] == "crashed"
    # A stopped worker never counts as alive, however recent its last beat.
    beat("live", seconds_ago=0)
    body = Client().get("/workerz").json()
    assert body["status"] == "ok" and body["checks"]["worker"]["alive"] == 1


def test_workerz_with_no_worker_on_record(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    response = Client().get("/workerz")
    assert response.status_code == 503
    check = response.json()["checks"]["worker"]
    assert "none is on record" in check["detail"] and check["last_worker"] is None


def test_workerz_does_not_need_a_worker_when_tasks_run_elsewhere(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    body = Client().get("/workerz").json()
    assert body["status"] == "ok"
    assert body["checks"]["worker"]["detail"].startswith("not used")


def test_readyz_names_unapplied_migrations(db, settings):
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute("DELETE FROM django_migrations WHERE app = 'live' AND name = '0001_initial'")
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["migrations"]
    assert body["checks"]["migrations"]["unapplied"] == ["live.0001_initial"]


def test_a_squashed_migration_counts_as_applied_when_what_it_replaces_is(db, monkeypatch):
    on_disk = {("a", "0001"): frozenset(), ("a", "0002"): frozenset(), ("a", "0001_squashed_0002"): frozenset({("a", "0001"), ("a", "0002")})}
    monkeypatch.setattr(health, "_migrations_on_disk", lambda: on_disk)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations")
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('a', '0001', now()), ('a', '0002', now())")
    assert health.check_migrations().ok
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations")
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('a', '0001_squashed_0002', now())")
    assert health.check_migrations().ok
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE name = '0001_squashed_0002'")
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('a', '0001', now())")
    check = health.check_migrations()
    assert not check.ok and check.extra["unapplied"] == ["a.0001_squashed_0002", "a.0002"]


def test_readyz_when_the_database_is_unreachable(db, monkeypatch, settings):
    """(The real thing, PostgreSQL stopped, is in test_faults.py; a wrong address below.)"""

    def refuse(alias, timeout_ms):
        raise psycopg.OperationalError('connection to server at "db" failed: Connection refused')

    monkeypatch.setattr(health, "_connect", refuse)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database:default", "migrations"]
    assert "Connection refused" in body["checks"]["database:default"]["detail"]
    workers = Client().get("/workerz")
    assert workers.status_code == 503 and workers.json()["checks"]["worker"]["detail"] == "database unreachable"


def test_readyz_fails_fast_when_the_database_does_not_answer(db, settings, monkeypatch):
    """A probe opens its own connection with a timeout: it never waits on the pool."""
    import time

    settings.READYZ_DB_TIMEOUT_MS = 1000
    real = connection.get_connection_params

    def elsewhere():
        # 10.255.255.1 swallows packets: only the connect timeout ends the attempt.
        return {**real(), "host": "10.255.255.1", "port": 5432}

    monkeypatch.setattr(connection, "get_connection_params", elsewhere)
    started = time.monotonic()
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["failed"][0] == "database:default"
    assert time.monotonic() - started < 5
