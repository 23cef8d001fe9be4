#!/usr/bin/env python
"""Profile one create, one plain list page, one W3C page of the annotation API (cProfile, in process).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/profile_annotations_api.py \
        [--requests 200] [--top 25] [--out DIR]

Loads the data of ``bench/annotations_api.py`` (the seed article with 1,000 annotations by
20 users) into a throwaway database with a unique name, then sends ``--requests`` creates
and as many W3C container pages of 100 through Django's test client (the whole middleware
stack and DRF, no HTTP server) under cProfile. Prints, for each, the statements per request,
the CPU time per request and the functions with the most cumulative and own time; with
``--out`` it also writes the ``.prof`` files (open them with snakeviz or ``python -m pstats``).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# Where a request's CPU goes, by part: (name, functions whose cumulative time the part starts from,
# parts whose time is taken out of it). A function is (file ending, function name); each named function
# counts once (a part that names an outer and an inner function would count the inner twice).
PARTS = (
    ("whole request", [("django/core/handlers/base.py", "get_response")], ["middleware", "Django around the view"]),
    ("middleware", [("django/core/handlers/base.py", "get_response")], ["Django around the view"]),
    (
        "  of it the CSP and locale headers",
        [("csp/middleware.py", "process_response"), ("django/middleware/locale.py", "process_response"),
         ("newsreader/middleware.py", "process_response")],
        [],
    ),
    ("Django around the view", [("django/core/handlers/base.py", "_get_response")], ["DRF around the view"]),
    ("DRF around the view", [("rest_framework/views.py", "dispatch")], ["view", "throttle (SQL)"]),
    ("throttle (SQL)", [("rest_framework/views.py", "check_throttles")], []),
    ("view", [("annotations/api/views.py", "post"), ("annotations/api/views.py", "get")], ["service"]),
    ("service", [("annotation_write.py", "annotation_create"), ("selectors.py", "annotation_page_values")], []),
)


def parts(stats: pstats.Stats, count: int) -> str:
    """The ms per request of each part of PARTS (own time: what its inner parts do not take)."""
    cumulative = {}
    for (path, _line, function), (_cc, _nc, _tt, cum, _callers) in stats.stats.items():
        cumulative.setdefault((path, function), 0.0)
        cumulative[(path, function)] += cum

    def total(functions) -> float:
        return sum(
            cum for (path, function), cum in cumulative.items()
            if any(path.endswith(ending) and function == name for ending, name in functions)
        )  # fmt: skip

    whole = {name: total(functions) for name, functions, _inner in PARTS}
    line = []
    for name, _functions, inner in PARTS:
        own = whole[name] - sum(whole[i] for i in inner) if name != "whole request" else whole[name]
        line.append(f"{name.strip()} {own / count * 1000:.2f}")
    return "ms per request by part (profiled, so inflated; compare runs): " + ", ".join(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path, default=None, help="folder for the .prof files")
    parser.add_argument(
        "--cpu", action="store_true",
        help="time functions by the process's CPU time, not wall time (where the CPU goes, leaving out waits)",
    )  # fmt: skip
    parser.add_argument("--only", action="append", help='a scenario to run ("list page", "w3c page", ...); repeatable')
    parser.add_argument(
        "--root", type=Path, default=ROOT,
        help="the checkout whose app is profiled (e.g. main's, for a before/after; this bench's data and parts)",
    )  # fmt: skip
    args = parser.parse_args()

    sys.path.insert(0, str(args.root))
    sys.path.insert(1, str(ROOT / "bench"))
    import psycopg

    import annotations_api as bench

    sys.path.insert(0, str(args.root))  # (the bench put this checkout first)

    server = bench.server_url()
    url = bench.with_database(server, bench.BENCH_DB)
    with psycopg.connect(bench.with_database(server, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{bench.BENCH_DB}"')
    os.environ.update(
        DATABASE_URL=url, DEBUG="false", SECRET_KEY="bench-profile", ALLOWED_HOSTS="testserver,127.0.0.1",
        API_WRITE_RATE="10000000/min", SECURE_SSL_REDIRECT="false", STATIC_MANIFEST="false", SUGGESTIONS_AUTO="false",
        DJANGO_SETTINGS_MODULE="newsreader.settings",
    )  # fmt: skip
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        call_command("migrate", verbosity=0)
        data = bench.load_data()
        client = Client()
        path = f"/api/articles/{data['article']}/annotations/"
        writer = data["writers"][0][1]
        spans = iter([(s, label) for label in data["labels"] for s in data["spans"]])

        def create():
            (start, end), label = next(spans)
            response = client.post(
                path, {"kind": "entity", "start": start, "end": end, "label": label},
                content_type="application/json", HTTP_AUTHORIZATION=f"Token {writer}",
            )  # fmt: skip
            assert response.status_code == 201, response.content[:200]

        pages = iter(range(10**9))

        def w3c_page():
            response = client.get(
                path, {"page": next(pages) % bench.PAGES + 1, "page_size": 100},
                HTTP_ACCEPT=bench.W3C_ACCEPT, HTTP_AUTHORIZATION=f"Token {data['tokens'][0]}",
            )  # fmt: skip
            assert response.status_code == 200

        def list_page():
            response = client.get(
                path, {"page": next(pages) % bench.PAGES + 1, "page_size": 100},
                HTTP_ACCEPT="application/json", HTTP_AUTHORIZATION=f"Token {data['tokens'][0]}",
            )  # fmt: skip
            assert response.status_code == 200

        bulk_writers = iter(data["writers"][1:])
        bulk_spans = [(s, e) for s, e in data["spans"]]

        def bulk():
            label = next(iter(data["labels"]))
            items = [{"kind": "entity", "start": s, "end": e, "label": label} for s, e in bulk_spans[:1000]]
            response = client.post(
                path + "bulk/", {"items": items}, content_type="application/json",
                HTTP_AUTHORIZATION=f"Token {next(bulk_writers)[1]}",
            )  # fmt: skip
            assert response.status_code == 201, response.content[:300]

        print(f"database {bench.BENCH_DB}; load {os.getloadavg()[0]:.2f}")
        scenarios = [
            ("create", create, args.requests), ("list page", list_page, args.requests),
            ("w3c page", w3c_page, args.requests), ("bulk 1,000", bulk, 3),
        ]  # fmt: skip
        if args.only:
            scenarios = [s for s in scenarios if s[0] in args.only]
        for name, request, count in scenarios:
            for _ in range(min(count, 20)):  # warm: imports, compiled queries, connections
                request()
            # The statements of one request, as run (CaptureQueriesContext reads connection.queries_log,
            # which Django empties when a request starts: it counted 0).
            statements = []
            def counted(execute, sql, *rest, statements=statements):
                statements.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(counted):
                request()
            # Without the profiler first: its own cost per call inflates small functions (the parts below).
            cpu = time.process_time()
            for _ in range(count):
                request()
            plain = (time.process_time() - cpu) / count * 1000
            profile = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
            cpu, wall = time.process_time(), time.perf_counter()
            profile.enable()
            for _ in range(count):
                request()
            profile.disable()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            print(f"\n=== {name}: {len(statements)} statements, {plain:.2f} ms CPU per request unprofiled; profiled "
                  f"{cpu / count * 1000:.2f} ms CPU and "
                  f"{wall / count * 1000:.2f} ms wall per request in process (load {os.getloadavg()[0]:.2f})")  # fmt: skip
            for statement in statements[:12]:
                print("   ", statement[:150])
            stats = pstats.Stats(profile)
            # Python calls per request: a count that, unlike times, does not move with the machine's load.
            print(f"{stats.total_calls / count:,.0f} Python function calls per request")
            print(parts(stats, count))
            for order in ("cumulative", "tottime"):
                out = io.StringIO()
                pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
                print(f"--- by {order} time")
                print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                profile.dump_stats(str(args.out / f"{name.replace(' ', '_')}.prof"))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(bench.with_database(server, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench.BENCH_DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
