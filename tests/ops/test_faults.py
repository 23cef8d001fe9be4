"""PostgreSQL restarts under load: no request hangs while it is down, none fails once it is back.

Runs against a throwaway embedded PostgreSQL (pgserver, in a temporary
folder) that the test stops and starts at will: the system server that the
rest of the suite uses is never touched. The app server is uvicorn with the
production connection settings (a connection pool per process, CONN_HEALTH_CHECKS).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.browser.conftest import start_asgi_server
from tests.ops.conftest import ROOT, wait_for

SETUP = """
import django, sys
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from rest_framework.authtoken.models import Token
from tests.browser.seed import make_seed_article
from tests.factories import UserFactory
article = make_seed_article()
token = Token.objects.create(user=UserFactory(username="restart"))
print(article.pk, token.key)
"""


@pytest.fixture(scope="module")
def throwaway_postgres():
    from newsreader.embedded_db import embedded_server

    # Our own folder (pytest's temporary folders are pruned by other concurrent pytest runs),
    # with a short path: the server's Unix socket lives under it.
    folder = Path(tempfile.mkdtemp(prefix="nr-pg-"))
    server = embedded_server(folder / "data")
    try:
        yield server
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def pg_stop(server) -> None:
    from pgserver._commands import pg_ctl

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user, timeout=60)
    server._postmaster_info = None


def pg_start(server) -> None:
    server.ensure_postgres_running()  # same options as the first start (its private socket folder)


@dataclass
class Outcome:
    started: float
    seconds: float
    path: str
    status: int | None
    error: str = ""


def hammer(url: str, paths: list[str], headers: dict, stop: threading.Event, outcomes: list) -> None:
    # Closed at the end: an open session's sockets would warn when collected, in some later test.
    with requests.Session() as session:
        n = 0
        while not stop.is_set():
            path = paths[n % len(paths)]
            n += 1
            started = time.monotonic()
            try:
                response = session.get(url + path, headers=headers, timeout=15)
                outcomes.append(Outcome(started, time.monotonic() - started, path, response.status_code))
            except requests.RequestException as exc:
                outcomes.append(Outcome(started, time.monotonic() - started, path, None, type(exc).__name__))
            time.sleep(0.02)


def test_postgresql_restart_while_requests_are_running(throwaway_postgres):
    database_url = throwaway_postgres.get_uri()
    environment = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "newsreader.settings"}
    environment.pop("TEST_DATABASE_NAME", None)
    setup = subprocess.run(
        [sys.executable, "-c", SETUP], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    article_id, token = setup.stdout.split()[-2:]

    # Production connection handling: a pool per process whose connections are checked before use;
    # a request waits at most DATABASE_POOL_TIMEOUT seconds for a connection.
    server = start_asgi_server(
        workers=2,
        env={"DATABASE_URL": database_url, "DATABASE_POOL": "true", "DATABASE_POOL_TIMEOUT": "10",
             "READYZ_REQUIRE_WORKER": "false"},
    )  # fmt: skip
    stop = threading.Event()
    try:
        paths = ["/", f"/articles/{article_id}/", "/api/articles/", f"/api/articles/{article_id}/annotations/"]
        headers = {"Authorization": f"Token {token}"}
        outcomes: list[Outcome] = []
        threads = [threading.Thread(target=hammer, args=(server.url, paths, headers, stop, outcomes)) for _ in range(4)]
        for thread in threads:
            thread.start()
        # (Counted, not timed: a loaded machine serves fewer requests a second.)
        wait_for(lambda: sum(o.status == 200 for o in outcomes) >= 20, timeout=60, message="20 answers before the stop")
        time.sleep(0.5)
        down_at = time.monotonic()
        pg_stop(throwaway_postgres)
        time.sleep(1)
        # While it is down: the process is alive, not ready, and says why at once.
        assert requests.get(server.url + "/healthz", timeout=5).status_code == 200
        asked = time.monotonic()
        ready = requests.get(server.url + "/readyz", timeout=10)
        assert ready.status_code == 503 and "database:default" in ready.json()["failed"]
        assert time.monotonic() - asked < 5
        time.sleep(2)
        pg_start(throwaway_postgres)
        up_at = time.monotonic()
        wait_for(lambda: sum(o.started >= up_at for o in outcomes) >= 20, timeout=60, message="20 requests after the restart")
        stop.set()
        for thread in threads:
            thread.join(30)
        assert requests.get(server.url + "/readyz", timeout=10).status_code == 200
    finally:
        stop.set()
        server.stop()

    outage = up_at - down_at
    before = [o for o in outcomes if o.started + o.seconds < down_at]
    around = [o for o in outcomes if o.started < up_at and o.started + o.seconds >= down_at]
    after = [o for o in outcomes if o.started >= up_at]
    assert len(before) > 10 and len(after) > 10, (len(before), len(around), len(after))
    assert all(o.status == 200 for o in before), [o for o in before if o.status != 200][:5]
    # Once it is back, no request fails: the pool checks connections before handing them out.
    assert all(o.status == 200 for o in after), [o for o in after if o.status != 200][:5]
    # Meanwhile every request got an answer: those caught mid-query by the shutdown fail with a
    # server error, those that came during the outage waited for a connection and were served
    # once PostgreSQL was back. None hangs: none took longer than the outage and a few seconds.
    assert all(o.status in (200, 500, 503) for o in around), [o for o in around if o.status not in (200, 500, 503)][:5]
    slowest = max(outcomes, key=lambda o: o.seconds)
    assert slowest.seconds < outage + 8, (slowest, outage)
