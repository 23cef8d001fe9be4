"""Token authentication without the ORM's per-request query building.

DRF's ``TokenAuthentication`` builds and compiles ``Token.objects.select_related("user")
.get(key=...)`` on every request, which cost more CPU than listing a page of 100
annotations. This one compiles the same look-up once and runs it with the key;
its behaviour (``Authorization: Token <key>``, the error messages, inactive
users refused) is DRF's.

**Per-process cache** (issue 15: the look-up was one of a create's round trips).
A key's user row is kept for ``API_TOKEN_CACHE_SECONDS`` (default 5; 0 turns
the cache off) in the process that looked it up; every request still gets its
own ``User`` object built from that row. A token deleted (revoked) or a user
changed (deactivated, made staff or not) through the ORM clears this process's
cache at once (``post_save``/``post_delete`` of the user and token models);
other processes, and changes made with ``QuerySet.update()`` or SQL, see the
change within ``API_TOKEN_CACHE_SECONDS``: that is the bound on how long a
revoked token or a deactivated user can still work.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

_STAND_IN_KEY = "__token-key-stand-in__"
_compiled: tuple[str, list, list[str]] | None = None


def _compile() -> tuple[str, list, list[str]]:
    users = get_user_model().objects.filter(auth_token__key=_STAND_IN_KEY)
    sql, params = users.query.sql_with_params()
    slots = ["key" if p == _STAND_IN_KEY else ("value", p) for p in params]
    names = [field.attname for field in get_user_model()._meta.concrete_fields]
    return sql, slots, names


# key -> (monotonic time it was read, the user's row). Bounded: cleared when full.
_cache: dict[str, tuple[float, tuple]] = {}
_CACHE_MAX = 4096
_lock = threading.Lock()


def user_for_token(key: str):
    """The user whose API token is ``key``, or None (one precompiled query, or none when cached)."""
    global _compiled
    if _compiled is None:
        _compiled = _compile()
    sql, slots, names = _compiled
    ttl = getattr(settings, "API_TOKEN_CACHE_SECONDS", 5)
    now = time.monotonic()
    cached = _cache.get(key) if ttl > 0 else None
    if cached is not None and now - cached[0] < ttl:
        row = cached[1]
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, [key if s == "key" else s[1] for s in slots])
            row = cursor.fetchone()
        if ttl > 0 and row is not None:  # unknown keys are not kept: nobody can fill the cache with them
            with _lock:
                if len(_cache) >= _CACHE_MAX:
                    _cache.clear()
                _cache[key] = (now, row)
    if row is None:
        return None
    # A new object per request: requests never share (or see each other's changes to) a user object.
    return get_user_model().from_db(connection.alias, names, row)


def clear_token_cache(**_) -> None:
    """Forget every cached look-up of this process (a user or token was saved or deleted)."""
    with _lock:
        _cache.clear()


def _connect_signals() -> None:
    from rest_framework.authtoken.models import Token

    for model in (get_user_model(), Token):
        post_save.connect(clear_token_cache, sender=model, dispatch_uid=f"token-cache-save-{model._meta.label}")
        post_delete.connect(clear_token_cache, sender=model, dispatch_uid=f"token-cache-delete-{model._meta.label}")


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        user = user_for_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, key
