"""Middleware of the ops app: health probes first, and read-your-writes with replicas."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed

from ops import views
from ops.outage import DatabaseOutageMiddleware  # noqa: F401  (listed in MIDDLEWARE from here)
from ops.routers import pin_to_primary, replica_aliases, unpin

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
PIN_COOKIE = "nr_primary"


class HealthCheckMiddleware:
    """Answers ``/healthz``, ``/readyz`` and ``/workerz`` before anything else.

    First in ``MIDDLEWARE``: load balancers probe each machine over plain HTTP
    at its own address, so the HTTPS redirect and the ``ALLOWED_HOSTS`` check
    (which would answer 301 and 400) must not see these requests, and a probe
    should not load sessions or set cookies.
    """

    ROUTES = {"/healthz": views.healthz, "/readyz": views.readyz, "/workerz": views.workerz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = self.ROUTES.get(request.path_info.rstrip("/") or "/")
        if view is not None:
            return view(request)
        return self.get_response(request)


class RequestSanityMiddleware:
    """Refuses requests the rest of the stack would turn into a 500 or misread (issue 14).

    * a URL longer than ``MAX_URL_LENGTH`` → 414 (``bin/serve`` lets uvicorn read
      request heads up to ``MAX_REQUEST_HEAD_BYTES``, so such a URL reaches us
      instead of getting the connection reset);
    * a NUL character in a query parameter of the API → 400 naming the parameter
      (PostgreSQL refuses NUL in text: any filter would fail in the database; the
      pages' forms refuse it themselves, with a message on the page);
    * ``Transfer-Encoding: chunked`` → 411 Length Required: Django reads a body
      by its ``Content-Length`` and would see an empty one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _error(request, status: int, code: str, message: str):
        from django.http import HttpResponse, JsonResponse

        if request.path_info.startswith("/api/"):
            return JsonResponse({"errors": [{"field": None, "message": message, "code": code}]}, status=status)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        length = len(request.path_info) + len(query)
        if length > settings.MAX_URL_LENGTH:
            return self._error(
                request, 414, "uri_too_long",
                f"The URL is {length} characters long; at most {settings.MAX_URL_LENGTH} are accepted.",
            )  # fmt: skip
        if request.path_info.startswith("/api/") and ("%00" in query or "\x00" in query):
            for name, values in request.GET.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    from django.http import JsonResponse

                    error = {"field": name.replace("\x00", ""), "message": "Null characters are not allowed.",
                             "code": "null_characters_not_allowed"}  # fmt: skip
                    return JsonResponse({"errors": [error]}, status=400)
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self._error(
                request, 411, "length_required",
                "Send the request body with a Content-Length header (chunked transfer encoding is not accepted).",
            )  # fmt: skip
        return self.get_response(request)


class PrimaryPinMiddleware:
    """Pins a client's reads to the primary database while and shortly after it writes.

    Only installed when a replica is configured (``DATABASE_REPLICA_URL``).
    A write request is pinned for its whole duration; its response sets the
    ``nr_primary`` cookie (its value: until when, in Unix seconds) so the
    browser's next requests for ``REPLICA_PIN_SECONDS`` are pinned too. API
    clients with a token (``Authorization`` header) usually keep no cookies:
    their pin is kept in the shared cache under a hash of the header.
    """

    def __init__(self, get_response):
        if not replica_aliases():
            raise MiddlewareNotUsed("no read replica configured")
        self.get_response = get_response

    @staticmethod
    def _auth_key(request) -> str | None:
        header = request.META.get("HTTP_AUTHORIZATION")
        if not header:
            return None
        return "ops:pin:" + hashlib.sha256(header.encode("utf-8", "surrogateescape")).hexdigest()

    def _pinned(self, request) -> bool:
        if request.method not in SAFE_METHODS:
            return True
        now = time.time()
        try:
            until = float(request.COOKIES.get(PIN_COOKIE, "0"))
        except ValueError:
            until = 0.0
        # A far-future value from a crafted cookie is ignored.
        if now < until <= now + settings.REPLICA_PIN_SECONDS + 5:
            return True
        key = self._auth_key(request)
        return bool(key and cache.get(key))

    def __call__(self, request):
        token = pin_to_primary(self._pinned(request))
        try:
            response = self.get_response(request)
        finally:
            unpin(token)
        if request.method not in SAFE_METHODS:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.0f}",
                max_age=int(seconds),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
            key = self._auth_key(request)
            if key:
                cache.set(key, 1, timeout=seconds)
        return response
