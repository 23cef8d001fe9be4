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
