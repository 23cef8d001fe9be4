"""The production start commands, bin/serve and bin/worker (what `make serve` and `make worker` run), for real."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

from ops.models import WorkerHeartbeat
from tests.browser.conftest import _free_port
from tests.browser.conftest import test_database_url as database_url
from tests.ops.conftest import ROOT, wait_for

# pytest.ini's test-only settings: production leaves them at their defaults.
TEST_ONLY = ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "STATIC_MANIFEST", "WHITENOISE_USE_FINDERS",
             "TASKS_BACKEND", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "TEST_DATABASE_NAME")  # fmt: skip


def get(port: int, path: str, **headers) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    connection.request("GET", path, headers={"Host": "news.example.org", **headers})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_serve_and_worker_as_in_production(transactional_db):
    static_root = Path(tempfile.mkdtemp(prefix="nr-static-"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    env.update(
        DATABASE_URL=database_url(), SECRET_KEY=secrets.token_urlsafe(50), DEBUG="false",
        ALLOWED_HOSTS="news.example.org", CSRF_TRUSTED_ORIGINS="https://news.example.org",
        STATIC_ROOT=str(static_root), HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="2", PYTHONUNBUFFERED="1",
    )  # fmt: skip
    log = tempfile.NamedTemporaryFile(prefix="serve-", suffix=".log", delete=False)
    serve = subprocess.Popen([str(ROOT / "bin" / "serve")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)  # fmt: skip
    log.close()  # the processes write to their own copies of the file descriptor
    worker = None
    try:

        def up():
            if serve.poll() is not None:
                pytest.fail(f"bin/serve exited:\n{Path(log.name).read_text(errors='replace')[-3000:]}")
            try:
                return get(port, "/healthz").status == 200
            except OSError:
                return False

        wait_for(up, timeout=300, interval=0.5, message="bin/serve to answer")
        # WEB_CONCURRENCY processes (the second may still be starting when the first answers)
        wait_for(
            lambda: len(re.findall(r"Started server process", Path(log.name).read_text(errors="replace"))) == 2,
            timeout=120, interval=0.5, message="both uvicorn processes to start",
        )  # fmt: skip
        output = Path(log.name).read_text(errors="replace")
        assert "No migrations to apply" in output or "Applying" in output  # predeploy ran
        assert (static_root / "staticfiles.json").exists()  # collectstatic ran (manifest storage)

        # No worker yet: ready all the same (workers never take an app server out of rotation);
        # /workerz says what is missing.
        assert get(port, "/readyz").status == 200
        workers = get(port, "/workerz")
        assert workers.status == 503 and b'"worker"' in workers.body
        with open(log.name, "ab") as worker_log:
            worker = subprocess.Popen([str(ROOT / "bin" / "worker"), "--heartbeat", "0.5", "--stale-after", "3"], cwd=ROOT,
                                      env=env, stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        wait_for(lambda: get(port, "/workerz").status == 200, timeout=120, interval=0.5, message="/workerz to turn 200")
        assert WorkerHeartbeat.objects.count() == 1

        # Production behaviour: plain HTTP is redirected, HTTPS (as the load balancer reports it) is served
        # with HSTS, static files come hashed and compressed.
        plain = get(port, "/")
        assert plain.status == 301 and plain.getheader("Location") == "https://news.example.org/"
        page = get(port, "/", **{"X-Forwarded-Proto": "https"})
        assert page.status == 200
        assert page.getheader("Strict-Transport-Security", "").startswith("max-age=31536000")
        stylesheet = re.search(rb'href="(/static/css/base\.[0-9a-f]{12}\.css)"', page.body).group(1).decode()
        static = get(port, stylesheet, **{"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"})
        assert static.status == 200 and static.getheader("Content-Encoding") == "gzip"
        assert "immutable" in static.getheader("Cache-Control", "")
        assert get(port, "/", **{"X-Forwarded-Proto": "https", "Host": "evil.example.com"}).status == 400
        # Issue 14 (8): a 70,000-character URL is answered 414, not a reset connection (uvicorn's default
        # limit on a request head is 64 KiB; bin/serve raises it so that Django's 414 can answer).
        too_long = get(port, "/api/articles/?q=" + "a" * 70_000, **{"X-Forwarded-Proto": "https"})
        assert too_long.status == 414 and b'"uri_too_long"' in too_long.body
    finally:
        for process in (worker, serve):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in (worker, serve):
            if process is not None:
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(10)
        shutil.rmtree(static_root, ignore_errors=True)
        output = Path(log.name).read_text(errors="replace")
        Path(log.name).unlink(missing_ok=True)
    # Both stopped cleanly on SIGTERM; the worker marked its heartbeat stopped.
    assert serve.returncode in (0, -signal.SIGTERM), output[-2000:]
    assert worker.returncode == 0, output[-2000:]
    assert WorkerHeartbeat.objects.get().stopped_at is not None
    # (the wrong Host above is logged with its traceback by django.security; nothing else went wrong)
    assert "Internal Server Error" not in output and "CRITICAL" not in output, output[-3000:]
