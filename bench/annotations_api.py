#!/usr/bin/env python
"""Benchmark: the annotation API under 16 concurrent connections, against hand-written ceilings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/annotations_api.py \
        [--duration 5] [--clients 16] [--workers 2] [--threads 2] [--rounds 3] [--big-rows 1000000] \
        [--doccano-venv /work/tmp-doccano] [--scenarios create] [--baseline /tmp/newsreader-main]

1. Creates a throwaway database ``bench_annotations_<pid>_<random>`` (unique: two runs on one
   server do not break each other) on the server of ``DATABASE_URL``, migrates it and loads the
   seed article with 1,000 annotations by 20 users (entities and quotes; public, group and
   private; notes; replies).
2. Starts gunicorn on the real app (with a task worker: the consumers of the event log run
   after each commit, as in production), and two gunicorns on `bench/api_ceiling.py`: a bare WSGI
   handler that runs *the same SQL* the API ran for the same request with psycopg and returns
   the rows as JSON with orjson. One ceiling lets psycopg prepare the statements on the server
   after 5 runs (which Django's cursors never get), the other never prepares: both are printed.
3. Drives them with wrk (``apt-get install wrk``; the Python load generator below when wrk is
   missing, which eats CPU the servers need), interleaved (app, ceiling, unprepared ceiling,
   again, ``--rounds`` times, each round in a rotated order with a pause of ``SETTLE_SECONDS`` and then
   until the task worker has read every event and has no task queued or running (the CRF retrain
   that loading the data or the creates queue) between runs; median shown), for each scenario:
   - ``list``: ``GET /api/articles/{id}/annotations/?page=N&page_size=100`` (N rotates 1..10);
   - ``w3c``: the same container in the W3C form (AnnotationPage of 100);
   - ``create``: ``POST`` a new entity (each connection its own users and spans);
   and prints requests per second, p50 and p99 latency, the machine's load and the ratios, and the CPU
   seconds each server's processes (and the task worker) used over the scenario's runs, with the CPU per
   request of each server: what the req/s are made of, and whether anything not measured took CPU.
4. Times bulk requests of 1,000 marks (one request each), and the create rate with
   10,000 and with ``--big-rows`` annotations in the table (the cost of a write must not grow
   with the table).
5. doccano 1.8.4, with ``--doccano-venv DIR`` (or ``DOCCANO_VENV``; a folder outside the
   repository): made with this Python's ``venv`` and ``pip install doccano==1.8.4`` (plus psycopg2
   and the two pins its old dependencies need) when missing, migrated into its own throwaway
   database ``bench_doccano_...`` on the same PostgreSQL, given one sequence-labelling project
   (overlapping spans allowed), the seed article as its example, our label codes as span types and
   16 annotators with tokens (in its own Python, through its models), served by gunicorn with the
   same workers and threads, and its span create (``POST /v1/projects/{p}/examples/{e}/spans``)
   driven by wrk in the create scenario, interleaved with ours. It is served during the create
   scenario only: the list and W3C runs, which compare the app with its ceilings, have no server beside
   them that takes no part in them. Without the option the bench says doccano is absent.

The plain list and its ceiling send ``Accept: application/json`` (a container GET without Accept is
JSON-LD, the W3C Protocol's default). Settings of the app come from the environment as in
production (e.g. ``DATABASE_SERVER_SIDE_BINDING=true`` to measure prepared statements).

``--scenarios`` runs some of ``list,w3c,create,bulk,size`` (default: all; ``bulk`` is step 4's bulk
requests, ``size`` its create rate against the table size). ``--baseline DIR`` serves another copy of the
repository (e.g. ``git worktree add /tmp/base main``, or ``git archive main | tar -x -C DIR``) as a
fourth server ``baseline`` on the same database, interleaved with the app in list/w3c/create, and prints
app / baseline: a before/after ratio measured in the same minutes, which on a loaded machine is the only
comparison that means something. Both must have the same migrations.

Aims (issue 15): create >= 2 x doccano's span create; create >= 0.25 x the raw INSERT ceiling; list >= 0.75 x its ceiling; W3C page
>= 0.6 x its ceiling; bulk 1,000 < 2 s; create at 1,000,000 rows >= 0.9 x the rate at 10,000.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench.common; this folder (api_*.py) is on the path as the script's own

from api_doccano import DOCCANO_USERS, DOCCANO_VERSION, doccano_env, doccano_install, doccano_setup  # noqa: E402
from api_load import BULK_WRITERS, PAGES, W3C_ACCEPT, WRITERS_PER_CLIENT, measure  # noqa: E402

from bench.common import free_port, group_cpu_seconds, with_database  # noqa: E402

BENCH_DB = f"bench_annotations_{os.getpid()}_{secrets.token_hex(3)}"
WRITERS = 2 * 64 * WRITERS_PER_CLIENT  # enough for up to 64 clients on each server
SCENARIOS = ("list", "w3c", "create", "bulk", "size")
SETTLE_SECONDS = 2.0
# At most this long waiting for the task worker to read the events of the run before.
SETTLE_MAX_SECONDS = 60.0


# --- throwaway database and data ---------------------------------------------------------------------


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url
    sys.path.insert(0, str(ROOT))
    from newsreader.embedded_db import database_url

    return database_url(Path(os.environ.get("NEWSREADER_VAR_DIR", ROOT / "var")) / "pgdata")


def load_data() -> dict:
    """20 users, 1,000 annotations on the seed article; returns ids, tokens and captured SQL."""
    import random

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from rest_framework.authtoken.models import Token

    from annotations.models import Annotation, Group, Label, Membership
    from annotations.services import annotations_bulk_create, reply_create
    from arabic.anchoring import SpanError, check_span
    from newsreader.models import Source
    from newsreader.services.articles import article_save

    rng = random.Random(3)
    lines = [
        line
        for line in (ROOT / "newsreader" / "samples" / "000_42df4bdc5be6c26b.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    title, subtitle, _date, caption, *body = lines
    source = Source.objects.create(name="العرب", slug="alarab")
    article = article_save(source=source, title=title, subtitle=subtitle, caption=caption, body=body).article
    text = article.current_revision.text
    def whole(span) -> bool:
        try:
            check_span(text, *span)
        except SpanError:
            return False
        return True

    words = [s for s in ((m.start(), m.end()) for m in re.finditer(r"[^\s\"().,،:؛–-]{3,}", text)) if whole(s)]
    sentences = [s for s in ((m.start(), m.end()) for m in re.finditer(r"[^.\n،\"]{20,}", text)) if whole(s)]
    labels = [label.code for label in Label.objects.filter(label_set__is_default=True)]
    users = [get_user_model().objects.create_user(f"bench{i}", password="bench-pass-123") for i in range(20)]
    group = Group.objects.create(name="فريق", slug="team")
    for i, user in enumerate(users[:10]):
        Membership.objects.create(group=group, user=user, role="moderator" if i == 0 else "member")
    for i, user in enumerate(users):
        items, used = [], set()
        while len(items) < 50:
            quote = rng.random() < 0.2
            start, end = rng.choice(sentences if quote else words)
            label = None if quote else rng.choice(labels)
            if (start, end, label) in used:
                continue
            used.add((start, end, label))
            roll = rng.random()
            visibility = "private" if roll < 0.1 else ("group" if roll < 0.2 and i < 10 else "public")
            item = {"kind": "quote" if quote else "entity", "start": start, "end": end, "visibility": visibility}
            item.update({"quote_type": "direct"} if quote else {"label": label})
            if visibility == "group":
                item["group"] = group.pk
            if rng.random() < 0.2:
                item["note"] = "ملاحظة: تحقق من المصدر <b>مهم</b>"
            items.append(item)
        created = annotations_bulk_create(user=user, article=article, items=items)
        for annotation in created[:3]:
            if annotation.visibility == "public":
                reply_create(user=users[(i + 1) % 20], annotation_id=annotation.pk, text="موافق")
    tokens = [Token.objects.create(user=user).key for user in users]
    # Another article whose annotations only fill the table (the create cost must not grow with it).
    filler = article_save(source=source, title=title + " (2)", subtitle=subtitle, caption=caption, body=body).article
    assert Annotation.objects.filter(article=article).count() == 1000
    # Writers for the create scenario: 4 per client connection and server, so that
    # every POST is a new annotation (no 409s) however many runs there are.
    writers = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"writer{i}", password="!") for i in range(WRITERS)]
    )
    writer_tokens = Token.objects.bulk_create([Token(user=w, key=Token.generate_key()) for w in writers])

    # Capture the SQL each request runs (token look-up included), for the ceiling to replay.
    client = Client()
    reader = {"HTTP_AUTHORIZATION": f"Token {tokens[0]}"}
    plan: dict = {"list": [], "w3c": []}
    path = f"/api/articles/{article.pk}/annotations/"
    # Captured with the token looked up on every request (the app caches it per process for
    # API_TOKEN_CACHE_SECONDS): the ceilings replay a token look-up per request, as before.
    capture = override_settings(API_TOKEN_CACHE_SECONDS=0)
    capture.enable()
    for name, extra in (("list", {"HTTP_ACCEPT": "application/json"}), ("w3c", {"HTTP_ACCEPT": W3C_ACCEPT})):
        for page in range(1, PAGES + 1):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, {"page": page, "page_size": 100}, **reader, **extra)
            assert response.status_code == 200, (response.status_code, dict(response.headers), response.content[:300])
            plan[name].append([q["sql"] for q in queries.captured_queries])
    with CaptureQueriesContext(connection) as queries:
        start, end = words[0]
        response = client.post(
            path, {"kind": "entity", "start": start, "end": end, "label": "MISC"}, content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {tokens[1]}",
        )  # fmt: skip
    capture.disable()
    assert response.status_code == 201, response.content[:300]
    create_sql = [q["sql"] for q in queries.captured_queries]
    Annotation.objects.filter(pk=response.json()["id"]).delete()
    labels_by_code = dict(Label.objects.filter(label_set__is_default=True).values_list("code", "pk"))
    plan["create_before"] = [create_sql[0]]  # the token look-up
    plan["create_insert"] = (
        "INSERT INTO annotations_annotation (article_id, revision_id, kind, start, \"end\", exact, prefix, suffix, "
        "label_id, speaker_name, quote_type, creator_id, created, modified, modified_by_id, version, note, status, "
        "suggester, visibility, orphaned, hidden) VALUES (%(article)s, %(revision)s, 'entity', %(start)s, %(end)s, "
        "%(exact)s, '', '', %(label)s, '', '', %(user)s, now(), now(), %(user)s, 1, '', 'human', '', 'public', false, "
        "false) RETURNING id"
    )
    pairs = [(a[0], b[1]) for a, b in zip(words, words[1:]) if text[a[1] : b[0]] == " "]
    return {
        "spans": words + pairs,
        "article": article.pk,
        "revision": article.current_revision_id,
        "text": text,
        "words": words,
        "labels": labels_by_code,
        "users": [user.pk for user in users],
        "tokens": tokens,
        "writers": [(w.pk, t.key) for w, t in zip(writers, writer_tokens)],
        "filler": {"article": filler.pk, "revision": filler.current_revision_id, "label": labels_by_code[labels[0]],
                   "length": len(filler.current_revision.text)},
        "plan": plan,
        "queries": {"list": len(plan["list"][0]), "w3c": len(plan["w3c"][0]), "create": len(create_sql)},
    }


def time_bulk(port: int, data: dict, size: int, writer: tuple[int, str]) -> tuple[float, int]:
    """Seconds one POST of ``size`` new marks takes, and its status."""
    import http.client

    spans = data["spans"]
    labels = list(data["labels"])
    items = [{"kind": "entity", "start": s, "end": e, "label": labels[(n // len(spans)) % len(labels)]}
             for n, (s, e) in enumerate((spans * (size // len(spans) + 1))[:size])]  # fmt: skip
    body = json.dumps({"items": items})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.perf_counter()
    connection.request(
        "POST", f"/api/articles/{data['article']}/annotations/bulk/", body,
        {"Authorization": f"Token {writer[1]}", "Content-Type": "application/json"},
    )  # fmt: skip
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, response.status


def fill_table(url: str, filler: dict, total: int) -> int:
    """Add machine suggestions to the filler article until the table holds ``total`` annotations."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        have = conn.execute("SELECT count(*) FROM annotations_annotation").fetchone()[0]
        missing = total - have
        step = 200_000
        while missing > 0:
            n = min(step, missing)
            conn.execute(
                """INSERT INTO annotations_annotation (article_id, revision_id, kind, start, "end", exact, prefix, suffix,
                       label_id, speaker_name, quote_type, created, modified, version, note, status, suggester,
                       confidence, visibility, orphaned, hidden)
                   SELECT %(article)s, %(revision)s, 'entity', g %% (%(length)s - 8), g %% (%(length)s - 8) + 5, 'x',
                          '', '', %(label)s, '', '', now(), now(), 1, '', 'suggested', 'bench', 0.5, 'public', false, false
                     FROM generate_series(1, %(n)s) g""",
                {**filler, "n": n},
            )
            missing -= n
        conn.execute("VACUUM ANALYZE annotations_annotation")
        # The fill's WAL (hundreds of MB for 1,000,000 rows) would otherwise set off a checkpoint in the
        # measured runs, and the first write of every page after a checkpoint logs the whole page: the
        # creates after the big fill paid for it, those after the small one did not.
        conn.execute("CHECKPOINT")
        return conn.execute("SELECT count(*) FROM annotations_annotation").fetchone()[0]


# --- servers ---------------------------------------------------------------------------------------------



_PRELOAD_WSGI = """
from django.urls import get_resolver

from newsreader.wsgi import application

get_resolver().url_patterns  # every view module imported before gunicorn forks its workers
"""


def start_gunicorn(app: str, port: int, env: dict, workers: int, threads: int, chdir: Path, python=None) -> subprocess.Popen:
    command = [
        str(python or sys.executable), "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30", "--chdir", str(chdir),
        "--log-level", "warning", "--backlog", "256", "--preload",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn {app} did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _row(kind: str, name: str, result: dict) -> str:
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"].items(), key=str))
    return (f"{kind:<10} {name:<10} {result['rps']:>8.0f} {result['p50']:>8.1f} {result['p99']:>8.1f} "
            f"{result['load']:>6.2f}  {statuses}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved runs per scenario and server (median shown)")
    parser.add_argument("--big-rows", type=int, default=1_000_000, help="table size of the second create measurement")
    parser.add_argument(
        "--doccano-venv", type=Path, default=Path(os.environ["DOCCANO_VENV"]) if os.environ.get("DOCCANO_VENV") else None,
        help="doccano 1.8.4's own venv, outside the repository (made and installed when missing); "
        "default $DOCCANO_VENV; without it doccano is not measured",
    )  # fmt: skip
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS),
        help=f"comma-separated subset of {','.join(SCENARIOS)} (default: all)",
    )  # fmt: skip
    parser.add_argument(
        "--baseline", type=Path, default=None,
        help="another copy of the repository (same migrations) served as server 'baseline', interleaved with the app",
    )  # fmt: skip
    args = parser.parse_args()
    scenarios = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    if not scenarios or set(scenarios) - set(SCENARIOS):
        parser.error(f"--scenarios: choose from {','.join(SCENARIOS)}")
    if args.baseline is not None and not (args.baseline / "manage.py").is_file():
        parser.error("--baseline must be a copy of the repository (with manage.py)")
    if args.doccano_venv is not None and args.doccano_venv.resolve().is_relative_to(ROOT):
        parser.error("--doccano-venv must be outside the repository")

    import psycopg

    server = server_url()
    bench_url = with_database(server, BENCH_DB)
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    doccano_db = BENCH_DB.replace("bench_annotations", "bench_doccano")
    doccano_backend = doccano_install(args.doccano_venv) if args.doccano_venv is not None else None
    doccano_note = (
        "doccano: absent (give --doccano-venv DIR, outside the repository: the bench installs doccano 1.8.4 there): "
        "not measured"
    )  # fmt: skip
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret-key-not-for-production"),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "API_WRITE_RATE": "10000000/min",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "ERROR",  # 409s are logged as warnings
        "PYTHONPATH": str(ROOT),
        # plain HTTP on localhost, no collected static files
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_MANIFEST": "false",
        "WHITENOISE_USE_FINDERS": "true",
        "SUGGESTIONS_AUTO": "false",
    }
    processes: list[subprocess.Popen] = []
    try:
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings")
        import django

        django.setup()
        from django.core.management import call_command

        started = time.time()
        call_command("migrate", verbosity=0)
        data = load_data()
        print(f"database {BENCH_DB}; loaded 1,000 annotations by 20 users in {time.time() - started:.1f} s; "
              f"SQL per request: list {data['queries']['list']}, w3c {data['queries']['w3c']}, "
              f"create {data['queries']['create']}")  # fmt: skip
        from django.db import connections

        connections.close_all()

        doccano = None
        if doccano_backend is not None:
            with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{doccano_db}"')
            doccano = doccano_setup(args.doccano_venv, doccano_backend, with_database(server, doccano_db), data)
            doccano_note = (f"doccano {DOCCANO_VERSION} from {args.doccano_venv}: gunicorn, same workers and threads, "
                            f"its own database {doccano_db} on the same PostgreSQL; project {doccano['project']}, "
                            f"one example (the seed article), {len(doccano['labels'])} span types, "
                            f"{DOCCANO_USERS} annotators; driven at POST .../examples/{{id}}/spans")  # fmt: skip

        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as plan_file:
            json.dump({"dsn": bench_url, **data["plan"]}, plan_file, ensure_ascii=False)
        env["BENCH_CEILING_PLAN"] = plan_file.name
        ports = {"app": free_port(), "ceiling": free_port(), "unprepared": free_port()}
        # The app is preloaded with its URLconf imported: else each worker imports every view module
        # (projects' imports pull in scikit-learn and SciPy) on its first request, which on a loaded
        # machine took longer than the warm-up and whole runs (0 requests answered).
        preload = Path(tempfile.mkdtemp(prefix="bench_preload_"))
        (preload / "bench_preload_wsgi.py").write_text(_PRELOAD_WSGI, encoding="utf-8")
        processes.append(start_gunicorn("bench_preload_wsgi:application", ports["app"], {**env, "PYTHONPATH": f"{ROOT}:{preload}"},
                                        args.workers, args.threads, ROOT))  # fmt: skip
        processes.append(start_gunicorn("api_ceiling:ceiling_app", ports["ceiling"], env, args.workers, args.threads, ROOT / "bench"))
        processes.append(
            start_gunicorn("api_ceiling:ceiling_app", ports["unprepared"], {**env, "BENCH_PREPARE": "0"}, args.workers,
                           args.threads, ROOT / "bench")
        )  # fmt: skip
        if args.baseline is not None:
            ports["baseline"] = free_port()
            base = args.baseline.resolve()
            processes.append(start_gunicorn("bench_preload_wsgi:application", ports["baseline"],
                                            {**env, "PYTHONPATH": f"{base}:{preload}"}, args.workers, args.threads, base))  # fmt: skip
        # The consumers of the event log (live relay, entity links, CRF counter) run in a task worker.
        processes.append(
            subprocess.Popen([sys.executable, "manage.py", "db_worker", "--interval", "0.2"], env=env, cwd=ROOT,
                             start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )  # fmt: skip
        # Each process group by name, for the CPU the ones not measured take during a scenario's runs.
        groups = dict(zip([*ports, "task worker"], processes[-len(ports) - 1 :]))

        generator = "wrk" if shutil.which("wrk") else "the Python load generator (wrk not installed)"
        print(f"\n{args.clients} connections ({generator}), gunicorn {args.workers} workers x {args.threads} threads, "
              f"median of {args.rounds} interleaved runs of {args.duration:.0f} s, {os.cpu_count()} CPUs, "
              f"load {os.getloadavg()[0]:.2f} at the start")  # fmt: skip
        print(doccano_note)
        header = f"{'scenario':<10} {'server':<10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'load':>6}  statuses"
        print("\n" + header)
        print("-" * len(header))
        def settle() -> None:
            # A pause, then until the task worker has read every event and has no task queued or running: else
            # the run after a writing run (the app's or the baseline's) pays for its predecessor's entity links
            # on the same two cores, and the first list runs paid for the CRF retrain that loading the data
            # queued (13 s of CPU at load 10, found in session 7).
            from django_tasks_db.models import DBTaskResult

            from annotations.outbox import unread

            def busy() -> bool:
                return unread() or DBTaskResult.objects.ready().exists() or DBTaskResult.objects.running().exists()

            time.sleep(SETTLE_SECONDS)
            deadline = time.monotonic() + SETTLE_MAX_SECONDS
            while time.monotonic() < deadline and busy():
                time.sleep(0.2)
            connections.close_all()

        def servers(kind: str) -> list[tuple[str, int]]:
            # doccano has a span create only: it takes part in the create scenario.
            return [(name, port) for name, port in ports.items() if name != "doccano" or kind == "create"]

        def serve_doccano() -> None:
            # doccano's gunicorn runs during the create scenario only, the one it takes part in: every list and
            # W3C figure of session 6 taken with it served beside them was lower, app and ceilings alike, and
            # the app lost more than its ceilings (docs/annotations-api.md, "Benchmark").
            ports["doccano"] = free_port()
            groups["doccano"] = start_gunicorn(
                "config.wsgi", ports["doccano"], doccano_env(args.doccano_venv, with_database(server, doccano_db)),
                args.workers, args.threads, Path(doccano_backend), python=args.doccano_venv / "bin" / "python",
            )  # fmt: skip
            processes.append(groups["doccano"])
            measure(ports["doccano"], "create", data, args.clients, 1.0, True, doccano, warmup=True)

        def unserve_doccano() -> None:
            stop(groups.pop("doccano"))
            del ports["doccano"]

        def ceiling(name: str) -> bool:
            return name not in ("app", "baseline")

        kinds = [kind for kind in ("list", "w3c", "create") if kind in scenarios]
        settle()  # (the events and the CRF retrain of loading the data)
        # Warm every worker (imports, connections, compiled queries) before measuring.
        for kind in kinds:
            for name, port in servers(kind):
                measure(port, kind, data, args.clients, 1.0, ceiling(name), warmup=True)
        summary = {}
        rates: dict[int, float] = {}

        def size_point(rows: int) -> None:
            filled = fill_table(bench_url, data["filler"], rows)
            settle()
            cpu_groups = {"app": groups["app"].pid, "task worker": groups["task worker"].pid}
            cpu_before = {name: group_cpu_seconds(pgid) for name, pgid in cpu_groups.items()}
            runs = [measure(ports["app"], "create", data, args.clients, args.duration, False) for _ in range(2)]
            settle()  # (the consumers' share of these creates: what a create costs in the background too)
            answered = sum(sum(r["statuses"].values()) for r in runs)
            cpu = {name: (group_cpu_seconds(cpu_groups[name]) - cpu_before[name]) / answered * 1000 for name in cpu_before}
            result = sorted(runs, key=lambda r: r["rps"])[0 if len(runs) == 1 else 1]
            rates[rows] = result["rps"]
            print(_row("create", f"{filled:,}", result)
                  + "  CPU a create: " + ", ".join(f"{name} {ms:.2f} ms" for name, ms in cpu.items()))  # fmt: skip

        for kind in kinds:
            if kind == "create" and "size" in scenarios:
                # The small table's point before the create runs, which add tens of thousands of rows (the
                # ceilings' INSERTs too): measured after them it was at ~200,000 rows, not 10,000.
                print("\ncreate cost with 10,000 annotations in the table (app, median of 2 runs):")
                size_point(10_000)
                print()
            if kind == "create" and doccano is not None:
                serve_doccano()
            rounds: dict[str, list[dict]] = {name: [] for name, _ in servers(kind)}
            # CPU seconds of every process group over the scenario's runs: what the ones not measured (the task
            # worker; the app's servers while a ceiling runs) took from the two sides is the same for both.
            cpu_before = {name: group_cpu_seconds(process.pid) for name, process in groups.items()}
            cpu_started = time.monotonic()
            # Interleaved, so a busy moment of the machine hits every server alike.
            order = servers(kind)
            for round_number in range(args.rounds):
                # Each round in another order, and a pause after each run: a server's backlog (requests
                # wrk left in its queue) and the task worker's share of the writes land on the run after
                # it, which would otherwise always be the same server's.
                shift = round_number % len(order)
                for name, port in order[shift:] + order[:shift]:
                    settle()
                    rounds[name].append(measure(port, kind, data, args.clients, args.duration, ceiling(name),
                                                doccano if name == "doccano" else None))  # fmt: skip
            elapsed = time.monotonic() - cpu_started
            used = {name: group_cpu_seconds(process.pid) - cpu_before[name] for name, process in groups.items()}
            answered = {name: sum(sum(r["statuses"].values()) for r in runs) for name, runs in rounds.items()}
            # (A server's own CPU per request, at this load: what the req/s of the two sides are made of.)
            print(f"{kind:<10} CPU over the {elapsed:.0f} s of its runs and pauses: " + ", ".join(
                f"{name} {used[name]:.1f} s" + (f" ({used[name] / answered[name] * 1000:.2f} ms a request)"
                                                 if answered.get(name) else "")
                for name in groups
            ))  # fmt: skip
            if kind == "create" and doccano is not None:
                unserve_doccano()
            for name in rounds:
                result = sorted(rounds[name], key=lambda r: r["rps"])[len(rounds[name]) // 2]  # the median round
                summary[(kind, name)] = result
                print(_row(kind, name, result))
            app = summary[(kind, "app")]["rps"]

            def versus(name: str) -> str:
                other = summary[(kind, name)]["rps"]
                return f"{app / other:.2f}" if other else "n/a"

            print(f"{kind:<10} {'ratio':<10} {versus('ceiling'):>8} x ceiling, {versus('unprepared')} x unprepared ceiling"
                  + (f", {versus('doccano')} x doccano" if (kind, "doccano") in summary else "")
                  + (f", {versus('baseline')} x baseline" if (kind, "baseline") in summary else ""))  # fmt: skip

        bulk = big_ratio = None
        if "bulk" in scenarios:
            print("\nbulk create of 1,000 marks, one request each (seconds):")
            half = len(data["writers"]) // 2
            writers = iter(data["writers"][half - BULK_WRITERS : half])
            timings = []
            for _ in range(3):
                seconds, status_code = time_bulk(ports["app"], data, 1000, next(writers))
                timings.append(seconds)
                print(f"  {seconds:6.2f} s  status {status_code}  load {os.getloadavg()[0]:.2f}")
            bulk = statistics.median(timings)

        if "size" in scenarios:
            print("\ncreate cost against the table size (app, median of 2 runs):")
            if 10_000 not in rates:  # (no create scenario in this run)
                size_point(10_000)
            size_point(args.big_rows)
            big_ratio = rates[args.big_rows] / rates[10_000]

        def app_ratio(kind: str) -> float | None:
            return summary[(kind, "app")]["rps"] / summary[(kind, "ceiling")]["rps"] if (kind, "app") in summary else None

        print("\naims:")
        aims = [
            ("create >= 0.25 x raw INSERT ceiling", app_ratio("create"), 0.25),
            ("list page >= 0.75 x ceiling", app_ratio("list"), 0.75),
            ("W3C page >= 0.6 x ceiling", app_ratio("w3c"), 0.6),
            (f"create at {args.big_rows:,} rows >= 0.9 x at 10,000", big_ratio, 0.9),
        ]
        for label, value, aim in aims:
            if value is not None:
                print(f"  {label:<45} {value:6.2f}  {'met' if value >= aim else 'NOT met'}")
        if bulk is not None:
            print(f"  {'bulk 1,000 marks < 2 s':<45} {bulk:6.2f}  {'met' if bulk < 2 else 'NOT met'}")
        if ("create", "doccano") in summary:
            versus = summary[("create", "app")]["rps"] / summary[("create", "doccano")]["rps"]
            print(f"  {'create >= 2 x doccano span create':<45} {versus:6.2f}  {'met' if versus >= 2 else 'NOT met'}")
        elif "create" in scenarios:
            print(f"  {'create >= 2 x doccano span create':<45} not measured (doccano absent: --doccano-venv DIR)")
    finally:
        for process in processes:
            stop(process)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up yet
            pass
        with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.execute(f'DROP DATABASE IF EXISTS "{doccano_db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
