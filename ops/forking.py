"""Database connection pools and ``os.fork()``.

A psycopg pool belongs to the process that opened it: its connections are
sockets and its maintenance threads do not survive a fork. A forked child
that used the inherited pool would hang waiting for those threads, or share
the parent's sockets. So before any ``os.fork()`` (``import_articles --jobs``
forks its workers) the forking thread gives its connections back and the
pools are closed; parent and children each open a fresh pool when they next
need one. (uvicorn starts its processes with spawn, not fork.)
"""

from __future__ import annotations

import os


def _close_pools_before_fork() -> None:
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()
    for alias in list(DatabaseWrapper._connection_pools):
        pool = DatabaseWrapper._connection_pools.pop(alias, None)
        if pool is not None:
            pool.close(timeout=5)


_registered = False


def register() -> None:
    global _registered
    if not _registered and hasattr(os, "register_at_fork"):
        os.register_at_fork(before=_close_pools_before_fork)
        _registered = True
