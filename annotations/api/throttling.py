"""Rate limits for writes (reads are not limited here)."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle


class WriteRateThrottle(SimpleRateThrottle):
    """Limits POST/PUT/PATCH/DELETE per user (or per address when anonymous).

    The rate is ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["annotation_write"]``
    (env ``API_WRITE_RATE``, e.g. ``300/min``). The history lives in Django's
    cache, so several app servers need a shared cache to share the budget.

    A request costs ``view.throttle_cost(request)`` writes when the view says
    (a bulk create: one per ``API_BULK_ITEMS_PER_WRITE`` items), else one.

    With the database cache (the default, ``newsreader.cache``) the history is
    read, checked and written by one statement (``window_hit``); with another
    cache (Redis, memory) by a get and a set, as DRF does.
    """

    scope = "annotation_write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS or self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        cost = view.throttle_cost(request) if hasattr(view, "throttle_cost") else 1
        window_hit = getattr(self.cache, "window_hit", None)
        if window_hit is not None:
            self.now = self.timer()
            allowed, self.history = window_hit(
                self.key, now=self.now, duration=self.duration, limit=self.num_requests, cost=cost
            )
            return True if allowed else self.throttle_failure()
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) + cost > self.num_requests:
            return self.throttle_failure()
        self.history[:0] = [self.now] * cost
        self.cache.set(self.key, self.history, self.duration)
        return True

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
