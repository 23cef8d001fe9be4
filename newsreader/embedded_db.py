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
import secrets
from pathlib import Path


def embedded_server(data_dir: Path):
    """Start (or attach to) the embedded server for ``data_dir`` and return its handle.

    The handle is a context manager; leaving it releases this process's claim.
    """
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); pgserver
    # only uses it for a lock file, so give it a private folder instead.
    # platformdirs also warns when that folder is not private (mode 0700), so
    # ours is created private, and put right if an older checkout made it 0755.
    if "XDG_RUNTIME_DIR" not in os.environ:
        run_dir = data_dir.parent / "run"
        run_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        run_dir.chmod(0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(run_dir)
    import pgserver  # imported lazily: production never needs it

    data_dir.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(data_dir)
    return pgserver.get_server(data_dir, cleanup_mode="stop")


def _forget_dead_handles(data_dir: Path) -> None:
    """Drop processes that died without letting go (SIGKILL, a crash) from pgserver's list of users.

    pgserver stops the server when its *last* user exits; a dead process left in
    ``.handle_pids.json`` would keep every later run from ever stopping it.
    """
    import psutil
    from pgserver.postgres_server import PostgresServer
    from pgserver.utils import DiskList

    handles = DiskList(data_dir / ".handle_pids.json")
    with PostgresServer._lock:
        pids = handles.get()
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.put(alive)


def database_url(data_dir: Path) -> str:
    """URL of the embedded server; it stays up until this process exits."""
    return embedded_server(data_dir).get_uri()


def local_secret_key(path: Path) -> str:
    """The checkout's own SECRET_KEY: read from ``path``, or made (random, owner-only) on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(50) + "\n")
        try:
            # A hard link appears whole or not at all: when two processes start at once,
            # one key wins and both read it.
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="ascii").strip()
