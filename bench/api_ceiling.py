"""The ceiling of bench/annotations_api.py: the app's own SQL through psycopg and orjson, nothing else.

A bare WSGI app (served by gunicorn from this folder) that replays the statements the bench
captured from the app for each request (``BENCH_CEILING_PLAN``, a JSON file): what a list page, a
W3C page or a create would cost with no framework at all. ``BENCH_PREPARE=0`` never prepares
statements on the server (as Django's cursors without server-side binding).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from urllib.parse import parse_qs

_local = threading.local()
_plan: dict | None = None


def _connection():
    import psycopg

    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        # BENCH_PREPARE=0: never prepare on the server (as Django's cursors); else psycopg's default (after 5).
        prepare = None if os.environ.get("BENCH_PREPARE") == "0" else 5
        conn = _local.conn = psycopg.connect(_load_plan()["dsn"], autocommit=True, prepare_threshold=prepare)
    return conn


def _load_plan() -> dict:
    global _plan
    if _plan is None:
        _plan = json.loads(Path(os.environ["BENCH_CEILING_PLAN"]).read_text(encoding="utf-8"))
    return _plan


def _rows(cursor, sql: str) -> list[dict]:
    cursor.execute(sql)
    if cursor.description is None:
        return []
    names = [c.name for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def ceiling_app(environ, start_response):
    """GET /list?page=N, GET /w3c?page=N, POST /create: the captured SQL, rows as JSON."""
    import orjson
    import psycopg

    plan = _load_plan()
    path = environ["PATH_INFO"].strip("/")
    with _connection().cursor() as cursor:
        if path in ("list", "w3c"):
            page = int(parse_qs(environ.get("QUERY_STRING", "")).get("page", ["1"])[0])
            statements = plan[path][page - 1]
            results = [_rows(cursor, sql) for sql in statements]
            rows = results[-1]
            data = {"count": rows[0]["total"] if rows else 0, "results": rows}
            status = "200 OK"
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = orjson.loads(environ["wsgi.input"].read(length))
            for sql in plan["create_before"]:
                _rows(cursor, sql)
            try:
                cursor.execute(plan["create_insert"], body)
                data, status = {"id": cursor.fetchone()[0]}, "201 Created"
            except psycopg.errors.UniqueViolation:
                data, status = {"errors": [{"code": "duplicate"}]}, "409 Conflict"
    payload = orjson.dumps(data, option=orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS)
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]
