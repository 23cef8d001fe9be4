"""Time the reading pages over HTTP under gunicorn, and count their SQL queries.

    .venv/bin/python bench/pages.py [--articles 1000] [--workers 4] [--requests 2000] [--concurrency N]

What it does:

1. creates a throwaway database (``bench_pages_<pid>``) on the PostgreSQL server
   of ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``),
   or on an embedded pgserver in a temporary folder when no server answers, and
   sets Django up in this process (both from bench/common.py, as the other benches);
2. migrates it and creates ``--articles`` articles through ``article_save``
   (paragraphs drawn from the sample articles, five sources, dates over four years);
3. counts the SQL queries of the home page and of an article page in-process
   (``CaptureQueriesContext``) for the corpus as built;
4. starts gunicorn with ``--workers`` sync workers on a free local port and times
   ``--requests`` GETs of random article pages, then of random home pages (and
   filtered by source), ``--concurrency`` at a time, each on a new connection;
5. prints median, 95th percentile and throughput per page, the median time
   Django itself takes per page (in-process, no HTTP, nothing else competing),
   then stops gunicorn and drops the database.

Aim (issue 2): article page median under 20 ms. Figures vary with the machine and
whatever else runs on it; the query counts must not (tests pin them).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path, where bench/search.py
# would shadow the search app: put the project root there instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.common import HOST, free_port, setup_django_in_process, throwaway_database  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles to create (default 1000)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per page (default 2000)")
    parser.add_argument(
        "--concurrency", type=int, default=os.cpu_count() or 2, help="requests in flight (default: CPU count)"
    )
    return parser.parse_args()


# --- Corpus -----------------------------------------------------------------------


def sample_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted((ROOT / "newsreader" / "samples").glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        paragraphs += lines[4:]  # headline, lede, date and caption come first
    return paragraphs


def build_corpus(n: int) -> None:
    from newsreader.services.articles import article_save, source_get_or_create

    sources = [source_get_or_create(name=name) for name in ("العرب", "الأهرام", "الشرق الأوسط", "الجزيرة", "القدس")]
    paragraphs = sample_paragraphs()
    rng = random.Random(42)
    start = time.perf_counter()
    for i in range(n):
        body = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(8, 20)))
        words = rng.choice(paragraphs).split()
        article_save(
            source=sources[i % len(sources)],
            title=f"{' '.join(words[:9])} ({i})",
            subtitle=" ".join(rng.choice(paragraphs).split()[:25]),
            caption=" ".join(rng.choice(paragraphs).split()[:6]),
            body=body,
            published_on=date(2021, 1, 1) + timedelta(days=rng.randrange(4 * 365)),
            dateline=words[0],
        )
    elapsed = time.perf_counter() - start
    print(f"created {n} articles in {elapsed:.1f} s ({n / elapsed:.0f} articles/s)")


def in_process_ms(paths: list[str]) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds Django takes per page in this process.

    No HTTP and no other workers; the CPU figure (this process only, so without
    PostgreSQL's share) hardly moves when other programs load the machine.
    """
    from django.test import Client

    client = Client(SERVER_NAME=HOST)  # an allowed host (bench.common), not the test client's "testserver"
    wall, cpu = [], []
    for path in paths:
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(wall), statistics.median(cpu)


def query_counts() -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from newsreader.models import Article, Source

    client = Client(SERVER_NAME=HOST)
    article = Article.objects.order_by("?").first()
    source = Source.objects.first()
    counts = {}
    for label, url in (
        ("article", article.get_absolute_url()),
        ("home", "/"),
        ("home, page 3 of a source", f"/?source={source.slug}&page=3"),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[label] = len(queries)
    return counts


# --- HTTP -------------------------------------------------------------------------


def get(port: int, path: str) -> float:
    """Milliseconds for one GET on a fresh connection (gunicorn sync workers close it anyway)."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": HOST})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: HTTP {response.status}")
    finally:
        conn.close()
    return (time.perf_counter() - start) * 1000


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            get(port, "/")
            return
        except (OSError, RuntimeError):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def timed(port: int, paths: list[str], concurrency: int) -> tuple[list[float], float]:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        latencies = list(pool.map(lambda p: get(port, p), paths))
    return latencies, time.perf_counter() - start


def report(label: str, latencies: list[float], elapsed: float) -> None:
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(
        f"{label:<26} n={len(ordered):<6} median {statistics.median(ordered):6.1f} ms   "
        f"p95 {p95:6.1f} ms   max {ordered[-1]:6.1f} ms   {len(ordered) / elapsed:6.0f} req/s"
    )


# --- Main ---------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    with ExitStack() as stack:
        setup_django_in_process(stack, throwaway_database(stack, prefix="bench-pages"))
        from django.core.management import call_command
        from django.db import connections

        from newsreader.models import Article, Source

        call_command("migrate", verbosity=0)
        build_corpus(args.articles)
        counts = query_counts()
        ids = list(Article.objects.values_list("id", flat=True))
        slugs = list(Source.objects.values_list("slug", flat=True))
        sample = random.Random(3)
        in_process = {
            "article page": in_process_ms([f"/articles/{sample.choice(ids)}/" for _ in range(200)]),
            "home page": in_process_ms([f"/?page={sample.randint(1, max(1, len(ids) // 20))}" for _ in range(200)]),
        }
        connections.close_all()

        port = free_port()
        process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "newsreader.wsgi:application",
                "--workers", str(args.workers), "--bind", f"{HOST}:{port}", "--log-level", "warning",
            ],
            cwd=ROOT,
            env=os.environ,
        )

        def stop():
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

        stack.callback(stop)
        wait_until_up(port, process)

        rng = random.Random(7)
        pages = max(1, len(ids) // 20)
        article_paths = [f"/articles/{rng.choice(ids)}/" for _ in range(args.requests)]
        home_paths = [f"/?page={rng.randint(1, pages)}" for _ in range(args.requests)]
        source_paths = [f"/?source={quote(rng.choice(slugs))}&page={rng.randint(1, max(1, pages // len(slugs)))}" for _ in range(args.requests)]
        timed(port, article_paths[:100] + home_paths[:100], args.concurrency)  # warm up every worker

        print()
        print(
            f"{len(ids)} articles, gunicorn {args.workers} sync workers, "
            f"{args.concurrency} concurrent clients, {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        report("article page", *timed(port, article_paths, args.concurrency))
        report("home page", *timed(port, home_paths, args.concurrency))
        report("home page, one source", *timed(port, source_paths, args.concurrency))
        print()
        print("Django alone (in-process test client, one request at a time, medians):")
        for label, (wall, cpu) in in_process.items():
            print(f"  {label:<26} {wall:6.1f} ms wall   {cpu:6.1f} ms CPU")
        print()
        print("SQL queries per page (in-process, anonymous reader):")
        for label, count in counts.items():
            print(f"  {label:<26} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
