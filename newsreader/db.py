"""Connection parameters for code that opens its own connections or starts servers.

Some connections must not come from Django's pool: the live-update hub's
LISTEN connection (it lives for hours) and the readiness probe (it must fail
fast instead of waiting for a pooled connection). Both connect with the same
parameters as Django, minus the ones that are Python objects for Django's own
cursors rather than libpq settings.

Processes started from this one (the test suite's uvicorn servers and task
workers, ``bin/dev``) get the same database as a ``DATABASE_URL`` built by
:func:`database_url`. That URL must carry the socket folder of the embedded
server: its settings keep it in ``OPTIONS["host"]`` with an empty ``HOST``, and a
URL built from ``HOST`` alone would reach libpq's default socket instead (a
system server if there is one, nothing otherwise).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.db import connections

_NOT_LIBPQ = {"cursor_factory", "context", "prepare_threshold", "pool", "server_side_binding", "isolation_level", "assume_role"}


def connection_kwargs(alias: str = "default") -> dict:
    """libpq parameters of Django's database ``alias`` (the test database under pytest)."""
    params = connections[alias].get_connection_params()
    return {key: value for key, value in params.items() if key not in _NOT_LIBPQ}


def database_url(alias: str = "default", **extra: str) -> str:
    """A ``postgres://`` URL (for ``DATABASE_URL``) to the same database as Django's ``alias``.

    A TCP host goes in the URL's authority; a Unix socket folder (a host that
    starts with ``/``) and every other libpq parameter go in the query string,
    which both libpq and the settings (django-environ) read. ``extra`` adds or
    overrides libpq parameters (``options="-c search_path=x"``,
    ``application_name=...``). Under pytest the database is the test database.
    """
    params = connection_kwargs(alias)
    # Django sets the client encoding itself on every connection.
    params.pop("client_encoding", None)
    params.update(extra)
    user = str(params.pop("user", "") or "")
    password = str(params.pop("password", "") or "")
    host = str(params.pop("host", "") or "")
    port = str(params.pop("port", "") or "")
    dbname = str(params.pop("dbname", "") or "")
    auth = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    authority = f"{auth}@" if auth else ""
    if host and not host.startswith("/") and "," not in host:
        authority += f"[{host}]" if ":" in host else host
        if port:
            authority += f":{port}"
    else:
        if host:
            params["host"] = host
        if port:
            params["port"] = port
    # %20, not "+", for spaces: libpq does not read "+" as a space.
    query = urlencode({key: str(value) for key, value in params.items() if value not in (None, "")}, quote_via=quote)
    return f"postgres://{authority}/{quote(dbname, safe='')}" + (f"?{query}" if query else "")
