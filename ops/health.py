"""The checks behind ``/readyz`` and ``/workerz``: each returns a :class:`Check`.

``/readyz`` (may this app server get traffic?):

* ``database`` — every configured database (primary and replica) accepts a new
  connection and answers ``SELECT 1`` within ``READYZ_DB_TIMEOUT_MS``;
* ``migrations`` — every migration on disk is applied on the primary (a new
  release started before ``predeploy`` ran is not ready).

``/workerz`` (are background tasks being run?):

* ``worker`` — a task worker (``manage.py run_worker``) has beaten within
  ``WORKER_STALE_SECONDS`` and has not stopped; skipped when tasks do not go through the
  database queue. When none runs, ``last_worker`` says whether the last one stopped cleanly
  (``"stopped"``) or died (``"dead"``: its heartbeat went stale) and when. Deliberately *not* part of readiness: missing workers are no reason to
  take every app server out of the load balancer (tasks wait in the queue).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader

from newsreader.db import connection_kwargs


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""
    extra: dict = field(default_factory=dict)
    ms: float = 0.0

    def as_dict(self) -> dict:
        return {"ok": self.ok, "detail": self.detail, "ms": round(self.ms, 1), **self.extra}


def _timed(function):
    @functools.wraps(function)
    def run(*args, **kwargs) -> Check:
        started = time.perf_counter()
        check = function(*args, **kwargs)
        check.ms = (time.perf_counter() - started) * 1000
        return check

    return run


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"[:300]


def _discard(connection) -> None:
    if not connection.in_atomic_block:
        connection.close()


def _connect(alias: str, timeout_ms: int):
    """A new connection of its own (not from the pool: a pool waits for a free or new connection
    for up to DATABASE_POOL_TIMEOUT, and a probe must fail fast)."""
    import psycopg

    params = connection_kwargs(alias)
    params["connect_timeout"] = max(1, round(timeout_ms / 1000))
    return psycopg.connect(autocommit=True, application_name="newsreader-readyz", **params)


@_timed
def check_database(alias: str = "default", *, timeout_ms: int | None = None) -> Check:
    import psycopg

    timeout_ms = int(settings.READYZ_DB_TIMEOUT_MS if timeout_ms is None else timeout_ms)
    try:
        with _connect(alias, timeout_ms) as conn:
            conn.execute(f"SET statement_timeout = {timeout_ms}")
            conn.execute("SELECT 1").fetchone()
    except (psycopg.Error, DatabaseError, OSError) as exc:
        return Check(f"database:{alias}", False, f"database {alias!r} unreachable: {_short(exc)}")
    return Check(f"database:{alias}", True)


@functools.cache
def _migrations_on_disk() -> dict[tuple[str, str], frozenset]:
    """Every migration of the code that runs, with what it replaces (computed once per process)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: frozenset(migration.replaces or ()) for key, migration in loader.disk_migrations.items()}


@_timed
def check_migrations(alias: str = "default") -> Check:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = {tuple(row) for row in cursor.fetchall()}
    except DatabaseError as exc:
        _discard(connections[alias])
        return Check("migrations", False, f"could not read the applied migrations: {_short(exc)}")
    on_disk = _migrations_on_disk()
    squash_of = {old: key for key, replaces in on_disk.items() for old in replaces}
    missing = sorted(
        f"{app}.{name}"
        for (app, name), replaces in on_disk.items()
        if (app, name) not in applied
        # A squashed migration counts as applied when everything it replaces is,
        and not (replaces and replaces <= applied)
        # and a replaced one when its squash is.
        and squash_of.get((app, name)) not in applied
    )
    if missing:
        return Check("migrations", False, f"{len(missing)} migration(s) not applied", {"unapplied": missing})
    return Check("migrations", True)


def _tasks_use_database_queue() -> bool:
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return backend == "django_tasks_db.backend.DatabaseBackend" or backend.endswith("DatabaseBackend")


@_timed
def check_worker() -> Check:
    if not _tasks_use_database_queue():
        return Check("worker", True, "not used (tasks are not queued in the database)")
    from ops.workers import last_worker, live_workers

    try:
        alive = live_workers().count()
        last = None if alive else last_worker()
    except DatabaseError as exc:
        _discard(connections["default"])
        return Check("worker", False, f"could not read worker heartbeats: {_short(exc)}")
    if alive:
        return Check("worker", True, extra={"alive": alive})
    # No worker runs, so queued tasks wait: a failure either way (an alert should fire), but the detail
    # says whether the last worker left on purpose (a deploy, `--max-tasks`) or died (killed, machine lost).
    start = "(start one with `manage.py run_worker`)"
    if last is None:
        detail = (
            f"no task worker has sent a heartbeat in the last {settings.WORKER_STALE_SECONDS:g} s, and none is on "
            f"record (none has run lately) {start}"
        )
        return Check("worker", False, detail, {"alive": 0, "last_worker": None})
    ago = max(0.0, (last.now - last.last_at).total_seconds())
    when = f"{last.last_at.astimezone(dt_timezone.utc):%Y-%m-%d %H:%M:%S} UTC, {ago:.0f} s ago"
    name = f"{last.worker_id} on {last.hostname}"
    if last.stopped_at is not None:
        detail = f"no task worker is running; the last one ({name}) stopped cleanly at {when} {start}"
        state = "stopped"
    else:
        detail = (
            f"no task worker has sent a heartbeat in the last {settings.WORKER_STALE_SECONDS:g} s; the last one "
            f"({name}) last beat at {when} and did not stop cleanly: it died or lost the database {start}"
        )
        state = "dead"
    return Check(
        "worker",
        False,
        detail,
        {"alive": 0, "last_worker": {"id": last.worker_id, "state": state, "at": last.last_at.isoformat(), "seconds_ago": round(ago, 1)}},
    )


def readiness() -> list[Check]:
    checks = [check_database(alias) for alias in settings.DATABASES]
    if checks[0].ok:
        checks.append(check_migrations())
    else:
        checks.append(Check("migrations", False, "database unreachable"))
    return checks


def workers() -> list[Check]:
    database = check_database("default")
    if not database.ok:
        return [database, Check("worker", False, "database unreachable")]
    return [check_worker()]
