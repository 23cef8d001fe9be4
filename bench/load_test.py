"""Load test: simulated readers and annotators against TWO app servers on one throwaway PostgreSQL.

    .venv/bin/python bench/load_test.py [--seconds 300] [--users 50] [--articles 200] [--processes 1]

What it does:

1. creates a throwaway database ``bench_load_<pid>`` on the PostgreSQL server of
   ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``; an
   embedded pgserver in a temporary folder when no server answers), migrates it
   and fills it: ``--articles`` articles (paragraphs of the sample articles), one
   user with an API token per simulated user;
2. starts two app servers as in production (uvicorn, ``--processes`` each,
   DEBUG off, sessions and cache in PostgreSQL) on two local ports;
3. runs locust headless for ``--seconds`` with ``--users`` simulated users. Each
   user, like a reader behind a load balancer without sticky sessions, sends
   every request to either server, waiting 0.5-2 s between actions (``--wait``):
   reading (home page, article pages, an article's annotations through the API),
   searching (``/search/`` and ``/api/search/``) and annotating (marking words,
   editing the note of one of their marks with ``If-Match``, replying); ``--wait 0,0``
   drops the pauses to find the servers' ceiling;
4. prints throughput, median and 99th percentile latency and errors per kind of
   request and in total, and the row counts of the main tables before and after:
   every annotation and reply the servers acknowledged (201) is in the database
   (nothing lost), and nothing else was created.

A 409 on marking (the user already marked those words that way) is the API
doing its job and counts as a success; everything else that is not 2xx is an
error. The database is dropped at the end.
"""

from __future__ import annotations

import os
import sys

if __name__ != "__main__":
    # ------------------------------------------------------------------------------------------
    # Imported by locust (`locust -f bench/load_test.py`): the simulated users. Kept apart from
    # the orchestrator below, which must not be monkey-patched by gevent.
    # ------------------------------------------------------------------------------------------
    import itertools
    import json
    import random
    import threading

    from locust import FastHttpUser, between, events, task

    DATA = json.loads(open(os.environ["LOAD_TEST_DATA"], encoding="utf-8").read())
    SERVERS = os.environ["LOAD_TEST_SERVERS"].split(",")
    WAIT = [float(x) for x in os.environ.get("LOAD_TEST_WAIT", "0.5,2").split(",")]
    _ids = itertools.count()
    _lock = threading.Lock()
    OUTCOMES = {"annotations_created": 0, "annotation_conflicts": 0, "replies_created": 0, "notes_edited": 0}

    def _count(key: str) -> None:
        with _lock:
            OUTCOMES[key] += 1

    @events.test_stop.add_listener
    def _write_outcomes(environment, **kwargs):
        with open(os.environ["LOAD_TEST_OUTCOMES"], "w", encoding="utf-8") as handle:
            json.dump(OUTCOMES, handle)

    class Reader(FastHttpUser):
        """One person reading, searching and annotating, on whichever server the balancer picks."""

        wait_time = between(*WAIT)
        host = SERVERS[0]

        def on_start(self):
            self.number = next(_ids)
            account = DATA["users"][self.number % len(DATA["users"])]
            self.auth = {"Authorization": f"Token {account['token']}"}
            self.rng = random.Random(self.number)
            self.mine: list[tuple[int, str]] = []  # (annotation id, ETag)

        def url(self, path: str) -> str:
            return self.rng.choice(SERVERS) + path

        def article(self) -> dict:
            return self.rng.choice(DATA["articles"])

        @task(3)
        def home(self):
            page = self.rng.choice(["", "?page=2", "?page=3"])
            self.client.get(self.url(f"/{page}"), name="GET / (home)")

        @task(6)
        def read_article(self):
            self.client.get(self.url(f"/articles/{self.article()['id']}/"), name="GET /articles/{id}/")

        @task(6)
        def annotations(self):
            self.client.get(
                self.url(f"/api/articles/{self.article()['id']}/annotations/"), headers={"Accept": "application/json"},
                name="GET /api/articles/{id}/annotations/",
            )

        @task(3)
        def search(self):
            word = self.rng.choice(DATA["words"])
            if self.rng.random() < 0.5:
                self.client.get(self.url(f"/search/?q={word}"), name="GET /search/?q=")
            else:
                self.client.get(self.url(f"/api/search/?q={word}"), name="GET /api/search/?q=")

        @task(3)
        def annotate(self):
            article = self.article()
            start, end = self.rng.choice(article["words"])
            body = {"kind": "entity", "start": start, "end": end, "label": self.rng.choice(["PER", "ORG", "LOC", "MISC"])}
            with self.client.post(
                self.url(f"/api/articles/{article['id']}/annotations/"), json=body, headers=self.auth,
                name="POST /api/articles/{id}/annotations/", catch_response=True,
            ) as response:  # fmt: skip
                if response.status_code == 201:
                    self.mine.append((response.json()["id"], response.headers["ETag"]))
                    _count("annotations_created")
                    response.success()
                elif response.status_code == 409:  # already marked so by this user: the API's answer
                    _count("annotation_conflicts")
                    response.success()
                else:
                    response.failure(f"HTTP {response.status_code}: {response.text[:200]}")

        @task(1)
        def edit_note(self):
            if not self.mine:
                return
            index = self.rng.randrange(len(self.mine))
            annotation_id, etag = self.mine[index]
            with self.client.patch(
                self.url(f"/api/annotations/{annotation_id}/"), json={"note": f"ملاحظة {self.rng.random():.6f}"},
                headers={**self.auth, "If-Match": etag}, name="PATCH /api/annotations/{id}/", catch_response=True,
            ) as response:  # fmt: skip
                if response.status_code == 200:
                    self.mine[index] = (annotation_id, response.headers["ETag"])
                    _count("notes_edited")
                    response.success()
                else:
                    response.failure(f"HTTP {response.status_code}: {response.text[:200]}")

        @task(1)
        def reply(self):
            if not self.mine:
                return
            annotation_id, _etag = self.rng.choice(self.mine)
            with self.client.post(
                self.url(f"/api/annotations/{annotation_id}/replies/"), json={"text": "رد تجريبي"}, headers=self.auth,
                name="POST /api/annotations/{id}/replies/", catch_response=True,
            ) as response:  # fmt: skip
                if response.status_code == 201:
                    _count("replies_created")
                    response.success()
                else:
                    response.failure(f"HTTP {response.status_code}: {response.text[:200]}")

else:
    # ------------------------------------------------------------------------------------------
    # The orchestrator.
    # ------------------------------------------------------------------------------------------
    import argparse
    import contextlib
    import csv
    import json
    import secrets
    import signal
    import subprocess
    import tempfile
    import time
    import urllib.request
    from pathlib import Path

    ROOT = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(ROOT))
    from bench.common import HOST, admin_sql, free_port, server_url, with_database
    TABLES = {
        "articles": "newsreader_article",
        "revisions": "newsreader_articlerevision",
        "annotations": "annotations_annotation",
        "replies": "annotations_reply",
        "live events": "live_event",
        "users": "auth_user",
        "sessions": "django_session",
        "queued tasks": "django_tasks_database_dbtaskresult",
    }

    SEED = r"""
import json, random, re, sys
from datetime import date, timedelta
from pathlib import Path
import django
django.setup()
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from newsreader.services.articles import article_save, source_get_or_create

articles_wanted, users_wanted, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
paragraphs = []
for path in sorted(Path("newsreader/samples").glob("*.txt")):
    lines = [l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    paragraphs += lines[4:]
rng = random.Random(7)
sources = [source_get_or_create(name=n) for n in ("العرب", "الأهرام", "الشرق الأوسط", "الجزيرة")]
articles = []
# Whole words of plain Arabic letters: no mark inside, none right after (a span must not split "دّ").
word = re.compile(r"(?<![\u0621-\u065F\u0670])[\u0621-\u064A]{4,}(?![\u0621-\u065F\u0670])")
vocabulary = set()
for i in range(articles_wanted):
    body = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(6, 14)))
    title = " ".join(rng.choice(paragraphs).split()[:9]) + f" ({i})"
    article = article_save(source=sources[i % len(sources)], title=title, body=body,
                           published_on=date(2022, 1, 1) + timedelta(days=rng.randrange(700))).article
    text = article.current_revision.text
    spans = [(m.start(), m.end()) for m in word.finditer(text)]
    vocabulary.update(m.group() for m in word.finditer(text))
    articles.append({"id": article.pk, "words": spans[:400]})
User = get_user_model()
users = []
for n in range(users_wanted):
    user = User.objects.create_user(username=f"reader{n}", password=None)
    users.append({"username": user.username, "token": Token.objects.create(user=user).key})
words = sorted(vocabulary)
json.dump({"articles": articles, "users": users, "words": rng.sample(words, k=min(300, len(words)))},
          open(out, "w", encoding="utf-8"), ensure_ascii=False)
print(f"seeded {len(articles)} articles and {len(users)} users")
"""

    def parse_args():
        parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
        parser.add_argument("--seconds", type=int, default=300, help="length of the run (default 300)")
        parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
        parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second (default 10)")
        parser.add_argument("--articles", type=int, default=200, help="articles in the database (default 200)")
        parser.add_argument("--processes", type=int, default=1, help="uvicorn processes per app server (default 1)")
        parser.add_argument(
            "--wait", default="0.5,2", help="seconds each user waits between actions, MIN,MAX (default 0.5,2; 0,0: flat out)"
        )
        parser.add_argument("--keep", action="store_true", help="keep the database (printed) instead of dropping it")
        return parser.parse_args()

    def row_counts(url: str) -> dict[str, int]:
        import psycopg

        with psycopg.connect(url) as conn:
            return {label: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for label, table in TABLES.items()}

    def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"app server exited:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(url + "/readyz", timeout=3) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"app server at {url} not ready after {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")

    def stats(csv_path: Path) -> list[dict]:
        with csv_path.open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    def main() -> int:
        args = parse_args()
        python = sys.executable
        with contextlib.ExitStack() as stack:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="load-test-")))
            server = server_url(stack, prefix="bench-load-")
            name = f"bench_load_{os.getpid()}"
            admin_sql(server, f'CREATE DATABASE "{name}"')
            database = with_database(server, name)
            if not args.keep:
                stack.callback(admin_sql, server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            env = {
                **{k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_NAME",)},
                "DATABASE_URL": database,
                "DJANGO_SETTINGS_MODULE": "newsreader.settings",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "DEBUG": "false",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false",
                "SESSION_COOKIE_SECURE": "false",
                "CSRF_COOKIE_SECURE": "false",
                "STATIC_MANIFEST": "false",
                "WHITENOISE_USE_FINDERS": "true",
                # The production queue: tasks the app enqueues wait in PostgreSQL (no worker runs here).
                "TASKS_BACKEND": "django_tasks_db.backend.DatabaseBackend",
                "PYTHONUNBUFFERED": "1",
            }
            env.pop("CACHE_URL", None)  # the production default: the cache in PostgreSQL, shared by both servers
            print(f"database {name}: migrating and seeding ...", flush=True)
            subprocess.run([python, "manage.py", "predeploy", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
            data = work / "data.json"
            subprocess.run([python, "-c", SEED, str(args.articles), str(args.users), str(data)], cwd=ROOT, env=env, check=True)

            servers, processes = [], []
            for n in range(2):
                port = free_port()
                log = work / f"server{n}.log"
                handle = log.open("wb")
                process = subprocess.Popen(
                    [python, "-m", "uvicorn", "newsreader.asgi:application", "--host", HOST, "--port", str(port),
                     "--workers", str(args.processes), "--lifespan", "off", "--no-access-log", "--timeout-graceful-shutdown", "3"],
                    cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
                )  # fmt: skip
                stack.callback(lambda p=process: (os.killpg(p.pid, signal.SIGTERM), p.wait(20)) if p.poll() is None else None)
                servers.append(f"http://{HOST}:{port}")
                processes.append((process, log))
            for url, (process, log) in zip(servers, processes):
                wait_until_up(url, process, log)
            print(f"app servers: {', '.join(servers)} ({args.processes} uvicorn process(es) each)", flush=True)

            before = row_counts(database)
            outcomes_path = work / "outcomes.json"
            locust_env = {**env, "LOAD_TEST_DATA": str(data), "LOAD_TEST_SERVERS": ",".join(servers),
                          "LOAD_TEST_OUTCOMES": str(outcomes_path), "LOAD_TEST_WAIT": args.wait}  # fmt: skip
            print(f"running {args.users} simulated users for {args.seconds} s ...", flush=True)
            started = time.monotonic()
            locust_log = work / "locust.log"
            with locust_log.open("wb") as handle:
                run = subprocess.run(
                    [python, "-m", "locust", "-f", str(Path(__file__).resolve()), "--headless", "--users", str(args.users),
                     "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.seconds}s", "--csv", str(work / "load"),
                     "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10", "--exit-code-on-error", "0"],
                    cwd=ROOT, env=locust_env, stdout=handle, stderr=subprocess.STDOUT,
                )  # fmt: skip
            if run.returncode != 0:
                raise SystemExit(f"locust failed:\n{locust_log.read_text(errors='replace')[-3000:]}")
            elapsed = time.monotonic() - started
            after = row_counts(database)
            outcomes = json.loads(outcomes_path.read_text())
            rows = stats(work / "load_stats.csv")
            failures = stats(work / "load_failures.csv")
            server_errors = sum(log.read_text(errors="replace").count("Internal Server Error") for _, log in processes)

            print()
            print(f"{'request':44} {'count':>7} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}")
            for row in rows:
                label = "TOTAL" if row["Name"] == "Aggregated" else row["Name"]
                print(
                    f"{label[:44]:44} {int(row['Request Count']):7d} {int(row['Failure Count']):6d} "
                    f"{float(row['Requests/s']):7.1f} {float(row['50%']):7.0f} {float(row['99%']):7.0f}"
                )
            total = next(row for row in rows if row["Name"] == "Aggregated")
            print()
            print(f"run: {elapsed:.0f} s, {args.users} users, 2 app servers; throughput {float(total['Requests/s']):.1f} req/s, "
                  f"p50 {float(total['50%']):.0f} ms, p99 {float(total['99%']):.0f} ms, errors {int(total['Failure Count'])}, "
                  f"'Internal Server Error' in server logs: {server_errors}")  # fmt: skip
            for failure in failures[:10]:
                print(f"  error x{failure['Occurrences']}: {failure['Method']} {failure['Name']}: {failure['Error'][:160]}")
            for n, (_, log) in enumerate(processes):
                text = log.read_text(errors="replace")
                if "Internal Server Error" in text:
                    first = text.index("Internal Server Error")
                    print(f"\n--- server {n}: first server error ---\n{text[first:first + 4000]}")
            print()
            print(f"{'rows':14} {'before':>8} {'after':>8} {'added':>8}")
            for label in TABLES:
                print(f"{label:14} {before[label]:8d} {after[label]:8d} {after[label] - before[label]:8d}")
            print()
            added = after["annotations"] - before["annotations"]
            replies = after["replies"] - before["replies"]
            print(f"acknowledged by the servers: {outcomes['annotations_created']} annotations (201), "
                  f"{outcomes['replies_created']} replies (201), {outcomes['notes_edited']} notes edited (200), "
                  f"{outcomes['annotation_conflicts']} duplicates refused (409)")  # fmt: skip
            lost = outcomes["annotations_created"] - added, outcomes["replies_created"] - replies
            verdict = "nothing lost" if lost == (0, 0) else f"MISMATCH: annotations {lost[0]:+d}, replies {lost[1]:+d}"
            print(f"in the database: {added} new annotations, {replies} new replies: {verdict}")
            if args.keep:
                print(f"database kept: {database}")
            return 0 if lost == (0, 0) and int(total["Failure Count"]) == 0 else 1

    if __name__ == "__main__":
        sys.exit(main())
