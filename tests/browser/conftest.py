"""Shared fixtures for browser tests: Debian chromium driven by Playwright.

Use them from any browser test module (mark it ``pytest.mark.browser``)::

    def test_something(live_server, page, login):
        login(user)                      # optional: log ``page`` in as ``user``
        page.goto(live_server.url + "/")

* ``browser`` — one headless chromium for the whole session (launched lazily).
* ``context`` / ``page`` — a fresh context (cookies, storage) and page per test,
  1280×900, with ``base_url`` set to the live server.
* ``new_context`` — make more contexts in one test (two users side by side).
* ``login`` — log a context in as a Django user by copying a session cookie.
* ``screenshot`` — save a PNG under ``test-artifacts/``.
* ``console_errors`` — JavaScript errors and failed requests seen by ``page``;
  tests can assert it stays empty.

The live server needs ``transactional_db`` (it runs in another thread), which
these fixtures request.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


# One Playwright and one browser per process, however many conftests import
# these fixtures: two sync Playwright instances cannot run in one thread.
_SHARED: dict = {}


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    owner = "playwright" not in _SHARED
    if owner:
        _SHARED["playwright"] = sync_playwright().start()
    yield _SHARED["playwright"]
    if owner:
        _SHARED.pop("playwright").stop()


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium).")
    owner = "browser" not in _SHARED
    if owner:
        _SHARED["browser"] = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield _SHARED["browser"]
    if owner and "browser" in _SHARED:
        _SHARED.pop("browser").close()


@pytest.fixture
def new_context(browser, live_server, transactional_db):
    """Factory for browser contexts on the live server; all are closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "ar")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def console_errors(page):
    """JavaScript errors, console errors and failed requests of ``page``, as strings."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("console", lambda message: message.type == "error" and errors.append(f"console: {message.text}"))
    page.on("requestfailed", lambda request: errors.append(f"requestfailed: {request.url}"))
    page.on(
        "response",
        lambda response: response.status >= 400 and errors.append(f"HTTP {response.status}: {response.url}"),
    )
    return errors


def login_context(context, user, live_server) -> None:
    """Give a Playwright context the session of ``user`` (no login form involved)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": cookie.value,
                "url": live_server.url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


@pytest.fixture
def login(context, live_server):
    """``login(user)`` logs the default ``context`` (and so ``page``) in; ``login(user, other_context)`` another."""

    def do_login(user, target=None):
        login_context(target or context, user, live_server)

    return do_login


@pytest.fixture
def screenshot():
    """``screenshot(page, "name")`` saves test-artifacts/<name>.png (full page by default) and returns its path.

    ``name`` may have folders ("admin/phone-index"); each part is made safe for a file name.
    """
    ARTIFACTS.mkdir(exist_ok=True)

    def save(target_page, name: str, *, full_page: bool = True) -> Path:
        safe = "/".join(re.sub(r"[^\w.-]+", "-", part) for part in name.split("/") if part not in ("", ".", ".."))
        path = ARTIFACTS / f"{safe}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        target_page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


# --- ASGI server (uvicorn) ----------------------------------------------------------------
# The live server above is WSGI, in a thread of the test process. Server-sent
# events (live updates) need the ASGI server: these fixtures run uvicorn in a
# subprocess on the test database (committed data: transactional_db).


class AsgiServer:
    """One uvicorn process serving ``newsreader.asgi`` on ``url`` (duck-types pytest-django's live_server)."""

    def __init__(self, *, url: str, process, log_path: Path):
        self.url = url
        self.process = process
        self.log_path = log_path

    def __str__(self) -> str:
        return self.url

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 10) -> None:
        import signal
        import subprocess

        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout)
        except ProcessLookupError:
            pass


def test_database_url(**extra: str) -> str:
    """DATABASE_URL of the database the tests run on (pytest-django's test database).

    Built by newsreader.db from Django's own connection parameters, so a server
    subprocess reaches the same server whether it is on TCP or on the embedded
    PostgreSQL's socket. ``extra``: more libpq parameters (``application_name=...``).
    """
    from newsreader.db import database_url

    return database_url(**extra)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_asgi_server(*, workers: int = 1, env: dict | None = None, timeout: float = 40, log_dir: Path | None = None) -> AsgiServer:
    """Start uvicorn on a free port against the test database and wait until it answers."""
    import subprocess
    import sys
    import tempfile
    import time
    import urllib.error
    import urllib.request

    root = Path(__file__).resolve().parents[2]
    for _attempt in range(3):
        port = _free_port()
        environment = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "DJANGO_SETTINGS_MODULE": "newsreader.settings",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        environment.pop("TEST_DATABASE_NAME", None)
        log_path = Path(tempfile.mkstemp(prefix=f"uvicorn-{port}-", suffix=".log", dir=log_dir)[1])
        log = log_path.open("wb")
        process = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "newsreader.asgi:application",
                "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                "--lifespan", "off", "--no-access-log", "--timeout-graceful-shutdown", "1",
            ],
            cwd=root, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        server = AsgiServer(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"{server.url}/static/css/base.css", timeout=2) as response:
                    if response.status == 200:
                        return server
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        server.stop()
        if "address already in use" not in server.log().lower():
            break
    pytest.fail(f"uvicorn did not start:\n{server.log()[-3000:]}")


@pytest.fixture
def asgi_server_factory(transactional_db):
    """``start(workers=1, env={...})`` starts a uvicorn server (several per test if needed); all stop after the test."""
    servers: list[AsgiServer] = []

    def start(**options) -> AsgiServer:
        server = start_asgi_server(**options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def _session_asgi_server(django_db_setup, tmp_path_factory):
    # Starting uvicorn (importing Django and the app) takes seconds: one for the session.
    server = start_asgi_server(log_dir=tmp_path_factory.mktemp("uvicorn"))
    yield server
    server.stop()


@pytest.fixture
def asgi_server(_session_asgi_server, transactional_db):
    """A uvicorn server on the test database (shared by the session; the data is the test's own).

    Pass it where a ``live_server`` is expected (``login_context(context, user, asgi_server)``).
    Use ``asgi_server_factory(env={...})`` for a server with other settings, or several servers.
    """
    if _session_asgi_server.process.poll() is not None:
        pytest.fail(f"the shared uvicorn server died:\n{_session_asgi_server.log()[-3000:]}")
    return _session_asgi_server
