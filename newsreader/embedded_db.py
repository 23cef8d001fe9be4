"""Embedded PostgreSQL for machines that have no database server.

When ``DATABASE_URL`` is unset the settings call :func:`database_url`, which starts
(or re-uses) a PostgreSQL 16 server from the ``pgserver`` package in a data folder
under the project. The server listens on a Unix socket inside that folder only, so
it never clashes with a system PostgreSQL on port 5432.

pgserver counts the processes using a data folder and stops the server when the
last one exits, so ``runserver``'s auto-reloader, ``manage.py`` commands and tests
can share one server safely.
"""

from __future__ import annotations

import os
from pathlib import Path


def embedded_server(data_dir: Path):
    """Start (or attach to) the embedded server for ``data_dir`` and return its handle.

    The handle is a context manager; leaving it releases this process's claim.
    """
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); pgserver
    # only uses it for a lock file, so give it a private folder instead.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir.parent / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True)
    import pgserver  # imported lazily: production never needs it

    data_dir.mkdir(parents=True, exist_ok=True)
    return pgserver.get_server(data_dir, cleanup_mode="stop")


def database_url(data_dir: Path) -> str:
    """URL of the embedded server; it stays up until this process exits."""
    return embedded_server(data_dir).get_uri()
