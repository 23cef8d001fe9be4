"""Fixtures for the production tests: DB task queue, shared cache, uvicorn servers, workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.conftest import (  # noqa: F401  (fixtures)
    _session_asgi_server,
    asgi_server,
    asgi_server_factory,
    test_database_url,
)

ROOT = Path(__file__).resolve().parents[2]
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
CACHE_TABLE = "newsreader_cache"
DB_CACHE_URL = f"dbcache://{CACHE_TABLE}"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are made in most tests; real hashing takes seconds here. Users who log
    # in through a server subprocess (default hashers) get a real hash: server_password().
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def server_password(user, raw: str = "pass-word-123"):
    """Give ``user`` a password hash that a server with the default settings can check."""
    from django.contrib.auth.hashers import make_password

    user.password = make_password(raw, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def db_task_queue(settings):
    """Tasks go to the database queue (as in production), not run on the spot."""
    settings.TASKS = DB_QUEUE
    return settings


@pytest.fixture
def shared_cache(settings, transactional_db):
    """The PostgreSQL cache of production (CACHE_URL unset), table created in the test database."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}
    }
    call_command("createcachetable", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {CACHE_TABLE}")
    return settings


class WorkerProcess:
    """``manage.py run_worker`` in a subprocess on the test database."""

    def __init__(self, *, worker_id: str, env: dict | None = None, args=()):
        self.worker_id = worker_id
        self.log_path = Path(tempfile.mkstemp(prefix=f"worker-{worker_id}-", suffix=".log")[1])
        environment = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "TASKS_BACKEND": "django_tasks_db.backend.DatabaseBackend",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        environment.pop("TEST_DATABASE_NAME", None)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "run_worker", "--worker-id", worker_id, "--interval", "0.2",
                 "--no-startup-delay", "--queue-name", "*", "-v", "2", *args],
                cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(20)

    def stop(self, timeout: float = 20) -> int:
        """SIGTERM (graceful: the running task finishes) and wait."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode


@pytest.fixture
def worker_factory(transactional_db):
    workers: list[WorkerProcess] = []

    def start(worker_id: str, **options) -> WorkerProcess:
        worker = WorkerProcess(worker_id=worker_id, **options)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.kill()
        worker.log_path.unlink(missing_ok=True)


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.1, message: str = "condition"):
    """Poll ``predicate`` until it returns something truthy (returned) or fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout} s waiting for {message}")
