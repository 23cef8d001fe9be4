"""Reads from a replica, writes to the primary, and a user's reads on the primary right after they write.

Enabled by ``DATABASE_REPLICA_URL`` (settings add the ``replica`` database
alias and this router). A replica lags behind the primary by a little; a user
who just saved an annotation and reloads must still see it. So:

* every write goes to ``default`` (the primary);
* a request is *pinned* to the primary (all its reads too) when it is itself a
  write (POST, PUT, PATCH, DELETE), and for ``REPLICA_PIN_SECONDS`` after one:
  :class:`ops.middleware.PrimaryPinMiddleware` sets a cookie for browsers and
  remembers API tokens in the shared cache;
* reads inside a transaction on the primary stay there (they must see that
  transaction's own writes), as do reads of rows loaded from the primary
  (related objects follow their instance);
* a few apps always use the primary because they coordinate app servers and
  must never read stale rows: the database cache (throttling), login failure
  counts (django-axes), the task queue and worker heartbeats;
* everything else reads from the replica.

Migrations run on the primary only; the replica gets them by replication.
"""

from __future__ import annotations

import contextvars
import random

from django.conf import settings
from django.db import connections

PRIMARY = "default"
# App labels whose tables are read from the primary only. "django_cache" is
# the app label Django's DatabaseCache uses for its routing hints.
PRIMARY_ONLY_APPS = frozenset({"django_cache", "axes", "django_tasks_database", "ops"})

_pinned: contextvars.ContextVar[bool] = contextvars.ContextVar("ops_pinned_to_primary", default=False)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias != PRIMARY and alias.startswith("replica")]


def pin_to_primary(pinned: bool = True) -> contextvars.Token:
    """Send this context's reads to the primary (undo with ``unpin(token)``)."""
    return _pinned.set(pinned)


def unpin(token: contextvars.Token) -> None:
    _pinned.reset(token)


def is_pinned() -> bool:
    return _pinned.get()


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        replicas = replica_aliases()
        if not replicas:
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS or _pinned.get():
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        return random.choice(replicas)

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Primary and replicas hold the same rows.
        databases = {PRIMARY, *replica_aliases()}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db in replica_aliases():
            return False
        return None
