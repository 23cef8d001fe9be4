"""``make run`` (bin/dev): the whole product in one command, stopped cleanly by SIGTERM.

Runs bin/dev as a newcomer's checkout would (no DATABASE_URL: the embedded
PostgreSQL in its own var folder), waits for the home page and for the worker to
compute the samples' suggestions, then sends SIGTERM and checks that nothing is left:
no app server, no worker, no PostgreSQL, no stale claim on the data folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import psycopg
import pytest

from tests.browser.conftest import _free_port
from tests.conftest import ROOT

# pytest.ini's test-only settings: `make run` sees none of them.
TEST_ONLY = ("SECRET_KEY", "DEBUG", "TASKS_BACKEND", "SUGGESTIONS_AUTO", "STATIC_MANIFEST", "WHITENOISE_USE_FINDERS",
             "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
             "CACHE_URL", "DATABASE_URL", "TEST_DATABASE_NAME", "XDG_RUNTIME_DIR", "DJANGO_SETTINGS_MODULE")  # fmt: skip


def wait_for(predicate, *, timeout: float, what: str, process: subprocess.Popen, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"bin/dev exited ({process.returncode}) while waiting for {what}:\n{log.read_text(errors='replace')[-4000:]}")
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text(errors='replace')[-4000:]}")


def home_page(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return None


@pytest.mark.parametrize("stop", ["SIGTERM to bin/dev", "SIGTERM to the process group"])
def test_make_run_serves_computes_suggestions_and_stops_everything(tmp_path, stop):
    var = tmp_path / "var"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    env.update(NEWSREADER_VAR_DIR=str(var), PYTHONUNBUFFERED="1")
    log = tmp_path / "dev.log"
    with log.open("wb") as out:
        dev = subprocess.Popen([sys.executable, "bin/dev", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=out, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        page = wait_for(lambda: home_page(f"http://127.0.0.1:{port}/"), timeout=420, what="the home page", process=dev, log=log)
        assert "بايدن" in page  # the samples are loaded
        # The demo's speaker page is there from the first page on (its entity links were made before).
        speakers = home_page(f"http://127.0.0.1:{port}/speakers/")
        assert speakers and "بايدن" in speakers

        # Everything runs on the embedded server that bin/dev owns.
        postmaster = int((var / "pgdata" / "postmaster.pid").read_text().split()[0])
        family = [psutil.Process(dev.pid), *psutil.Process(dev.pid).children(recursive=True)]
        names = " ".join(" ".join(p.cmdline()) for p in family)
        assert "uvicorn" in names and "run_worker" in names

        with psycopg.connect(f"postgresql://postgres@/postgres?host={var / 'pgdata'}", autocommit=True) as db:

            def counts():
                return db.execute(
                    "SELECT (SELECT array_agg(queues ORDER BY queues) FROM ops_workerheartbeat),"
                    " (SELECT count(*) FROM annotations_annotation WHERE status = 'suggested'),"
                    " (SELECT count(*) FROM annotations_annotation a JOIN auth_user u ON u.id = a.creator_id"
                    "  WHERE u.username = 'demo')"
                ).fetchone()

            # The workers beat (one for suggestions and the event log, one for the trainings) and the first
            # computes the samples' suggestions; the demo annotations are there.
            workers, suggested, demo = wait_for(
                lambda: (c := counts())[1] and len(c[0] or ()) == 2 and c, timeout=180, what="suggestions and workers",
                process=dev, log=log,
            )  # fmt: skip
            assert workers == ["* except training", "training"] and suggested > 0 and demo > 20

        if stop == "SIGTERM to bin/dev":
            dev.send_signal(signal.SIGTERM)  # what `kill PID` or a process manager sends
        else:
            os.killpg(dev.pid, signal.SIGTERM)  # the whole group, as CI's `kill -- -PID`
        assert dev.wait(60) == 0, log.read_text(errors="replace")[-4000:]
    finally:
        if dev.poll() is None:
            os.killpg(dev.pid, signal.SIGKILL)
            dev.wait()

    # Nothing is left: no child, no PostgreSQL, no claim on the data folder.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in family):
        time.sleep(0.2)
    left = [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not left, [p.cmdline() for p in left]
    assert not psutil.pid_exists(postmaster) or psutil.Process(postmaster).status() == psutil.STATUS_ZOMBIE
    assert not (var / "pgdata" / "postmaster.pid").exists()
    assert json.loads((var / "pgdata" / ".handle_pids.json").read_text()) == []
    assert not [p for p in psutil.process_iter(["cmdline"]) if str(var) in " ".join(p.info["cmdline"] or [])]
