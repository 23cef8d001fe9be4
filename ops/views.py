"""``/healthz`` and ``/readyz`` for load balancers and orchestrators.

* ``GET /healthz`` — liveness: the process answers. Touches no database, so a
  database outage never makes the orchestrator restart healthy app servers.
* ``GET /readyz`` — readiness: 200 when this server can serve (databases
  reachable, migrations applied), else 503. The JSON body names each check and
  what failed::

      {"status": "fail", "failed": ["migrations"],
       "checks": {"database:default": {"ok": true, ...},
                  "migrations": {"ok": false, "detail": "1 migration(s) not applied", ...}}}

* ``GET /workerz`` — the same shape for the task workers (200 when one beats,
  503 when none does): for monitoring and alerts, never for the load balancer.

Both are answered by :class:`ops.middleware.HealthCheckMiddleware` before any
other middleware (no HTTPS redirect, no ALLOWED_HOSTS check: probes come over
plain HTTP to the machine's own address), and are also in the URL
configuration so that ``reverse("ops:readyz")`` works.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ops.health import readiness, workers
from ops.outage import handle_exception


def _response(body: dict, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_safe
def healthz(request):
    return _response({"status": "ok"}, 200)


@never_cache
@require_safe
def readyz(request):
    return _checks_response(readiness())


@never_cache
@require_safe
def workerz(request):
    return _checks_response(workers())


def _checks_response(checks) -> JsonResponse:
    failed = [check.name for check in checks if not check.ok]
    body = {
        "status": "fail" if failed else "ok",
        "failed": failed,
        "checks": {check.name: check.as_dict() for check in checks},
    }
    return _response(body, 503 if failed else 200)


# --- errors outside any API view ---------------------------------------------------------------------
# A URL under /api/ that matches no route (e.g. /api/annotations/abc/: ids are numbers) or a crash
# outside DRF's exception handling would otherwise get the HTML error page; API clients get the
# API's error shape instead ({"errors": [{"field", "message", "code"}]}).


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def page_not_found(request, exception=None):
    if _is_api(request):
        message = f"There is no API endpoint at {request.path_info} (ids in URLs are whole numbers)."
        return JsonResponse({"errors": [{"field": None, "message": message, "code": "not_found"}]}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    # The database is unreachable: 503 with Retry-After instead (ops/outage.py).
    outage = handle_exception(request)
    if outage is not None:
        return outage
    if _is_api(request):
        message = "Something went wrong on the server; it has been logged."
        return JsonResponse({"errors": [{"field": None, "message": message, "code": "server_error"}]}, status=500)
    return defaults.server_error(request)
