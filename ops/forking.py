"""Database connections and ``os.fork()``.

A psycopg connection is a socket, and a pool also has maintenance threads;
neither survives a fork. A forked child that used what it inherited would
send its queries down the parent's socket (or wait forever for the pool's
threads), and one that closed it would end the parent's session. So:

* before any ``os.fork()`` (``import_articles --jobs`` forks its workers) the
  forking thread gives its connections back and the pools are closed: parent
  and children each open a fresh pool when they next need one;
* in the child, whatever is still inherited (a connection inside a transaction
  of the parent, a pool another thread kept busy) is forgotten without being
  touched: never used, never closed, kept referenced so that it is never
  finalised either (forked workers end with ``os._exit``).

(uvicorn starts its processes with spawn, not fork.)
"""

from __future__ import annotations

import os

# What a child inherited from its parent: kept so that garbage collection never
# finalises (and so closes, for the parent too) a connection of the parent.
_inherited: list = []


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


def _forget_inherited_connections() -> None:
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    for wrapper in connections.all(initialized_only=True):
        if wrapper.connection is not None:
            _inherited.append(wrapper.connection)
            wrapper.connection = None
        # The parent's transaction is not the child's.
        wrapper.in_atomic_block = False
        wrapper.savepoint_ids = []
        wrapper.atomic_blocks = []
        wrapper.needs_rollback = False
        wrapper.closed_in_transaction = False
        wrapper.run_on_commit = []
    _inherited.extend(DatabaseWrapper._connection_pools.values())
    DatabaseWrapper._connection_pools.clear()


_registered = False


def register() -> None:
    global _registered
    if not _registered and hasattr(os, "register_at_fork"):
        os.register_at_fork(before=_close_pools_before_fork, after_in_child=_forget_inherited_connections)
        _registered = True
