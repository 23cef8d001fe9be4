"""Rate limits for writes (reads are not limited here)."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle


class WriteRateThrottle(SimpleRateThrottle):
    """Limits POST/PUT/PATCH/DELETE per user (or per address when anonymous).

    The rate is ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["annotation_write"]``
    (env ``API_WRITE_RATE``, e.g. ``300/min``). The history lives in Django's
    cache, so several app servers need a shared cache to share the budget.
    """

    scope = "annotation_write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
