"""What the benchmark scripts share: a PostgreSQL server for their throwaway databases, and free ports.

Imported as ``bench.common`` once the project root is on ``sys.path`` (the
scripts put it first: run as a script, ``bench/`` itself would come first and
``bench/search.py`` would shadow the search app).
"""

from __future__ import annotations

import os
import socket
import tempfile
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
HOST = "127.0.0.1"


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` on the same server."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def server_url(stack: ExitStack, *, prefix: str) -> str:
    """The server of ``DATABASE_URL`` (default: the local one), or an embedded PostgreSQL in a
    temporary folder (``prefix``) when none answers; ``stack`` stops and removes it at the end."""
    import psycopg

    url = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    try:
        psycopg.connect(with_database(url, "postgres"), connect_timeout=3).close()
        return url
    except psycopg.OperationalError:
        from newsreader.embedded_db import embedded_server

        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=prefix)))
        server = stack.enter_context(embedded_server(folder / "pgdata"))
        print(f"no server at {url}; using an embedded PostgreSQL in {folder}")
        return server.get_uri()


def admin_sql(url: str, sql: str) -> None:
    """Run ``sql`` (CREATE/DROP DATABASE) in the server's maintenance database."""
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def throwaway_database(stack: ExitStack, *, prefix: str) -> str:
    """URL of a new database on :func:`server_url`'s server, named after this process; dropped at the end."""
    server = server_url(stack, prefix=f"{prefix}-")
    name = f"{prefix.replace('-', '_')}_{os.getpid()}"
    admin_sql(server, f'CREATE DATABASE "{name}"')
    stack.callback(admin_sql, server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return with_database(server, name)


def setup_django_in_process(stack: ExitStack, database_url: str) -> None:
    """Settings for driving the app in this process over plain HTTP on ``HOST`` (production-like:
    DEBUG off, static files from the finders, tasks run at once, no machine suggestions), then
    ``django.setup()``. Playwright's sync API runs an event loop in this thread, hence the async flag."""
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-not-for-production",
            "DEBUG": "false",
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "STATIC_MANIFEST": "false",
            "WHITENOISE_USE_FINDERS": "true",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "LOG_LEVEL": "WARNING",
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            # Only the marks a bench makes: no machine suggestions on top of them.
            "SUGGESTIONS_AUTO": "false",
            "STATIC_ROOT": stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-static-")),
            "DJANGO_SETTINGS_MODULE": "newsreader.settings",
            "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
        }
    )
    import django

    django.setup()


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of process group ``pgid`` (Linux /proc).

    For a server started in a session of its own (``start_new_session``): its master and workers. A process
    that has exited is no longer counted, so compare readings taken while the group runs.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After "pid (comm)": state ppid pgrp ... utime (the 12th) stime (the 13th).
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks
