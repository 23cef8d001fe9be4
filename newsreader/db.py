"""Connection parameters for code that opens its own psycopg connections.

Some connections must not come from Django's pool: the live-update hub's
LISTEN connection (it lives for hours) and the readiness probe (it must fail
fast instead of waiting for a pooled connection). Both connect with the same
parameters as Django, minus the ones that are Python objects for Django's own
cursors rather than libpq settings.
"""

from __future__ import annotations

from django.db import connections

_NOT_LIBPQ = {"cursor_factory", "context", "prepare_threshold", "pool", "server_side_binding", "isolation_level", "assume_role"}


def connection_kwargs(alias: str = "default") -> dict:
    """libpq parameters of Django's database ``alias`` (the test database under pytest)."""
    params = connections[alias].get_connection_params()
    return {key: value for key, value in params.items() if key not in _NOT_LIBPQ}
