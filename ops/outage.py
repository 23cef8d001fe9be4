"""Failing fast while the database is down: one circuit breaker per app server process.

Without it every request waits for a pooled connection for the pool's whole
timeout and then gets a 500. Instead:

* a request that fails because the database is unreachable (a connection
  error, a server shutdown, the pool's timeout: Django's ``OperationalError``
  or ``InterfaceError``) gets **503 with ``Retry-After``** (JSON in the API's
  error shape under ``/api/``, a page in the reader's language elsewhere), and
  when a quick probe (a connection of its own, ``connect_timeout`` 1 s) cannot
  reach the database either, the breaker **opens**;
* while it is open, requests are answered 503 at once, without touching the
  database, and at most one probe every half second (from one request) checks whether
  the database is back;
* when a probe gets through, the breaker closes and Django's connection pools
  are replaced: the old pool may be waiting out its reconnection back-off
  (up to many seconds after a long outage), the new one connects at once.

A query error that is not an outage (the probe succeeds: a deadlock, a
cancelled statement, a pool exhausted under load) gets the same 503 and
``Retry-After`` but leaves the breaker closed.
"""

from __future__ import annotations

import logging
import sys
import threading
import time

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger("ops.outage")

# Django's wrappers, and psycopg's own for code with connections of its own (the live hub).
OUTAGE_ERRORS = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)
PROBE_TIMEOUT_MS = 1000
PROBE_EVERY_SECONDS = 0.5


def database_reachable(alias: str = "default") -> bool:
    from ops.health import check_database

    return check_database(alias, timeout_ms=PROBE_TIMEOUT_MS).ok


def _replace_pools() -> None:
    """Drop every Django connection pool of this process; the next query builds a fresh one."""
    for alias in settings.DATABASES:
        wrapper = connections[alias]
        if getattr(wrapper, "pool", None) is not None:
            try:
                wrapper.close_pool()
            except Exception:  # noqa: BLE001  (a pool half-closed by another thread: a new one is made anyway)
                logger.warning("Could not close the connection pool of %r.", alias, exc_info=True)


class Breaker:
    def __init__(self):
        self._lock = threading.Lock()
        self.open_since: float | None = None
        self._next_probe = 0.0

    @property
    def is_open(self) -> bool:
        return self.open_since is not None

    def trip(self) -> None:
        with self._lock:
            if self.open_since is None:
                self.open_since = time.monotonic()
                logger.error("The database is unreachable: answering 503 until it is back.")
            self._next_probe = time.monotonic() + PROBE_EVERY_SECONDS

    def allows(self) -> bool:
        """True when a request may use the database (closed, or a probe just found it back)."""
        if self.open_since is None:
            return True
        if time.monotonic() < self._next_probe or not self._lock.acquire(blocking=False):
            return False
        try:
            if self.open_since is None:
                return True
            if time.monotonic() < self._next_probe:
                return False
            if not database_reachable():
                self._next_probe = time.monotonic() + PROBE_EVERY_SECONDS
                return False
            _replace_pools()
            logger.warning("The database is reachable again after %.1f s.", time.monotonic() - self.open_since)
            self.open_since = None
            return True
        finally:
            self._lock.release()

    def reset(self) -> None:
        with self._lock:
            self.open_since = None
            self._next_probe = 0.0


breaker = Breaker()


def is_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OUTAGE_ERRORS)


def outage_response(request) -> HttpResponse:
    """503 + Retry-After: the API's error shape under /api/, else a page in the interface language."""
    seconds = int(settings.DATABASE_OUTAGE_RETRY_AFTER)
    if request.path_info.startswith("/api/"):
        message = f"The service cannot reach its database right now; try again in {seconds} seconds."
        response = JsonResponse(
            {"errors": [{"field": None, "message": message, "code": "service_unavailable"}]}, status=503
        )
    else:
        body = loader.get_template("503.html").render({"retry_after": seconds})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def handle_exception(request) -> HttpResponse | None:
    """From the 500 handler: the 503 answer when the exception being handled is a database outage."""
    exc = sys.exc_info()[1]
    if not is_outage(exc):
        return None
    if not database_reachable():
        breaker.trip()
    return outage_response(request)


class DatabaseOutageMiddleware:
    """Answers 503 at once while this process's breaker is open (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not breaker.allows():
            return outage_response(request)
        return self.get_response(request)
