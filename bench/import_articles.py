#!/usr/bin/env python
"""Benchmark: import 10,000 generated Arabic articles through the real command.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/import_articles.py [--articles N]

Generates varied articles (sentences put together combinatorially from Arabic
names, places, verbs and topics, so that no two are alike) in a temporary
folder, as a mix of formats: JSON Lines files, plain-text files in the
newspaper layout, JSON lists and a few HTML pages. Then it creates a throwaway
database ``bench_import`` on the server of ``DATABASE_URL`` (or on the
embedded server when it is unset), migrates it, runs ``manage.py
import_articles`` on the folder, prints articles per second, and drops the
database. Goal: 10,000 articles in under 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "bench_import"

# --- article generator ------------------------------------------------------
# fmt: off
FIRST = "محمد أحمد سارة ليلى خالد يوسف مريم عمر نادية كريم هدى سامي رنا طارق فاطمة زياد".split()
LAST = "الحداد العلي النجار الخطيب الزعبي المصري الحسيني القاسم الشامي العمري البدري السعدي".split()
ROLES = ["وزير المالية", "وزيرة الصحة", "المتحدث باسم الحكومة", "محافظ البنك المركزي",
         "رئيس الاتحاد الوطني لكرة القدم", "مدير مستشفى المدينة", "رئيس غرفة التجارة", "وزير الخارجية",
         "نائب رئيس البرلمان", "مدير الدفاع المدني"]
PLACES = ["بغداد", "القاهرة", "الرياض", "عمّان", "بيروت", "دبي", "الدوحة", "تونس", "الرباط", "الكويت", "مسقط",
          "الجزائر", "الدار البيضاء", "أبوظبي", "نيويورك", "واشنطن", "لندن", "باريس", "جنيف", "طوكيو"]
AGENCIES = ["", "", "", " (رويترز)", " (أ ف ب)", " (د ب أ)"]
DASHES = [" – ", " - ", " — ", " ـ ", "– "]
SAY = ["قال", "أكد", "أوضح", "أعلن", "صرّح", "أشار"]
ALSO = ["وأضاف", "وتابع", "وشدد", "ولفت"]
TRAIL = ["مضيفا", "لافتا إلى", "مشيرا إلى", "موضحا"]
TOPICS = ["خطة لدعم الشركات الصغيرة", "حملة التطعيم ضد COVID-19", "مشروع توسعة المطار", "موازنة العام المقبل",
          "برنامج لدعم الشباب العاطلين عن العمل", "اتفاقية للتبادل التجاري", "استعدادات المنتخب للبطولة",
          "خطة لترشيد استهلاك المياه", "إصلاحات في قطاع الكهرباء", "مبادرة لتطوير التعليم الرقمي",
          "مفاوضات تجديد عقود النفط", "إجراءات للحد من التضخم"]
ACTIONS = ["تعلن", "تطلق", "تناقش", "تراجع", "تقر", "تؤجل", "تبحث"]
ACTORS = ["الحكومة", "الوزارة", "البرلمان", "البلدية", "الهيئة العامة للاستثمار", "اللجنة الأولمبية",
          "منظمة الصحة العالمية"]
FACTS = ["بلغت قيمة المشروع {n}.{d} مليون دولار", "ارتفع عدد الإصابات إلى {n} حالة خلال الأسبوع الماضي",
         "تراجع معدل البطالة إلى {d}.{n2} في المئة", "سجلت الصادرات نموا بنسبة {n2} في المئة مقارنة بالعام الماضي",
         "شارك في الاجتماع {n} ممثلا عن القطاع الخاص",
         "من المقرر أن تنتهي المرحلة الأولى في {y}/{m:02d}/{day:02d}"]
QUOTES = ["نعمل على تنفيذ الخطة في أسرع وقت ممكن", "هذه الخطوة ستنعكس إيجابا على حياة المواطنين",
          "لن نتراجع عن التزاماتنا تجاه الشركاء", "الأرقام تظهر تحسنا واضحا لكن الطريق ما زال طويلا",
          "نحتاج إلى تعاون الجميع لإنجاح هذه المبادرة", "الوضع تحت السيطرة ولا داعي للقلق"]
CAPTIONS = ["جانب من الاجتماع", "تحديات كبيرة في الأفق", "خطوة طال انتظارها", "ترقب لنتائج المفاوضات", "حلول مؤقتة"]
WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
SOURCES = ["العرب", "وكالة الأنباء العربية", "صحيفة الخليج اليوم", "الشرق الإخباري", "بوابة الاقتصاد"]
# fmt: on


def person(rng: random.Random) -> str:
    return f"{rng.choice(ROLES)} {rng.choice(FIRST)} {rng.choice(LAST)}"


def fact(rng: random.Random) -> str:
    return rng.choice(FACTS).format(
        n=rng.randint(2, 9999),
        d=rng.randint(1, 9),
        n2=rng.randint(1, 40),
        y=rng.randint(2021, 2025),
        m=rng.randint(1, 12),
        day=rng.randint(1, 28),
    )


def paragraph(rng: random.Random, speaker: str) -> str:
    kind = rng.random()
    if kind < 0.35:
        return f'{rng.choice(ALSO)} أن "{rng.choice(QUOTES)}"، {rng.choice(TRAIL)} أن {fact(rng)}.'
    if kind < 0.6:
        return f"و{rng.choice(SAY)} {person(rng)} إن {fact(rng)}، في حين {fact(rng)}."
    if kind < 0.8:
        return f'من جانبه، {rng.choice(SAY)} {speaker} "{rng.choice(QUOTES)}".'
    return f"وبحسب بيانات رسمية، {fact(rng)}، كما {fact(rng)}."


def article(rng: random.Random, i: int) -> dict:
    speaker = person(rng)
    topic = rng.choice(TOPICS)
    day = date(2019, 1, 1) + timedelta(days=rng.randint(0, 1800))
    place = rng.choice(PLACES)
    first = (
        f"{place}{rng.choice(AGENCIES)}{rng.choice(DASHES)}{rng.choice(ACTIONS)} {rng.choice(ACTORS)} {topic}، "
        f"و{rng.choice(SAY)} {speaker} أن {fact(rng)}."
    )
    body = [first] + [paragraph(rng, speaker) for _ in range(rng.randint(4, 12))]
    return {
        "title": f"{rng.choice(ACTORS)} {rng.choice(ACTIONS)} {topic} في {place}",
        "subtitle": f"{speaker} يؤكد أن {fact(rng)}.",
        "caption": rng.choice(CAPTIONS),
        "published_on": day.isoformat(),
        "body": body,
        "source_name": rng.choice(SOURCES),
        "source_url": f"https://news.example.org/{day:%Y/%m}/{i}",
    }


def as_text(a: dict) -> str:
    day = date.fromisoformat(a["published_on"])
    date_line = f"{WEEKDAYS[day.weekday()]} {day:%Y/%m/%d}"
    return "\n\n".join([a["title"], a["subtitle"], date_line, a["caption"], *a["body"]])


def as_html(a: dict) -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in a["body"])
    return f"""<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{a['title']}</title>
<meta property="og:title" content="{a['title']}"><meta property="og:site_name" content="{a['source_name']}">
<meta property="article:published_time" content="{a['published_on']}T09:00:00+03:00">
<link rel="canonical" href="{a['source_url']}"></head>
<body><nav><a href="/">الرئيسية</a> <a href="/economy">اقتصاد</a></nav>
<article><h1>{a['title']}</h1>{paragraphs}</article><footer>جميع الحقوق محفوظة</footer></body></html>"""


def generate(folder: Path, total: int, seed: int = 2021) -> dict[str, int]:
    """Write ``total`` articles: 79% JSON Lines, 15% text, 5% JSON lists, 1% HTML."""
    rng = random.Random(seed)
    articles = (article(rng, i) for i in range(total))
    counts = {"jsonl": round(total * 0.79), "txt": round(total * 0.15), "json": round(total * 0.05)}
    counts["html"] = total - sum(counts.values())
    for name in ("jsonl", "json", "txt", "html"):
        (folder / name).mkdir()
    per_jsonl = 1000
    for start in range(0, counts["jsonl"], per_jsonl):
        with open(folder / "jsonl" / f"batch_{start:05d}.jsonl", "w", encoding="utf-8") as f:
            for _ in range(min(per_jsonl, counts["jsonl"] - start)):
                f.write(json.dumps(next(articles), ensure_ascii=False) + "\n")
    for start in range(0, counts["json"], 100):
        items = [next(articles) for _ in range(min(100, counts["json"] - start))]
        text = json.dumps(items, ensure_ascii=False, indent=1)
        (folder / "json" / f"list_{start:05d}.json").write_text(text, "utf-8")
    for i in range(counts["txt"]):
        a = next(articles)
        (folder / "txt" / f"{i:05d}.txt").write_text(as_text(a), "utf-8")
    for i in range(counts["html"]):
        (folder / "html" / f"{i:05d}.html").write_text(as_html(next(articles)), "utf-8")
    return counts


# --- throwaway database -----------------------------------------------------
def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url
    from newsreader.embedded_db import database_url

    var = Path(os.environ.get("NEWSREADER_VAR_DIR", ROOT / "var"))
    return database_url(var / "pgdata")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


class ServerCpu:
    """CPU time used by the PostgreSQL backends serving the bench database.

    The machine may be shared, so wall-clock time alone says little; client
    CPU (this process and its workers) plus server CPU per article says what
    the import costs. Backends are sampled from /proc twice a second (only
    possible when the server runs on this machine; otherwise this reports 0).
    """

    def __init__(self, admin_url: str):
        import threading

        self.admin_url, self.ticks = admin_url, os.sysconf("SC_CLK_TCK")
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _cpu(self, pid: int) -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self.ticks  # utime + stime

    def _run(self):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            while not self.stop.wait(0.5):
                rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [BENCH_DB]).fetchall()
                for (pid,) in rows:
                    cpu = self._cpu(pid)
                    if cpu is not None:
                        self.seen[pid] = max(cpu, self.seen.get(pid, 0.0))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    @property
    def seconds(self) -> float:
        return sum(self.seen.values())


def client_cpu() -> float:
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_hooks() -> dict[str, float]:
    """Time the work other apps hook into saving an article (search indexing,
    annotation carry-over), to tell it apart from the import itself."""
    import importlib

    spent: dict[str, float] = {}
    for module_name, function in [("search.services", "search_index_article"),
                                  ("annotations.services", "annotations_carry_over")]:  # fmt: skip
        try:
            module = importlib.import_module(module_name)
            real = getattr(module, function)
        except (ImportError, AttributeError):
            continue

        def timed(*args, _real=real, _name=f"{module_name}.{function}", **kwargs):
            t0 = time.perf_counter()
            try:
                return _real(*args, **kwargs)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - t0

        setattr(module, function, timed)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2, help="import_articles --jobs (default 2: one per core)")
    parser.add_argument("--durable", action="store_true", help="import_articles --durable")
    parser.add_argument("--keep", action="store_true", help="keep the bench_import database afterwards")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    import psycopg

    base = server_url()
    admin_url = with_database(base, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["DATABASE_URL"] = with_database(base, BENCH_DB)
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings")
    try:
        import django
        from django.core.management import call_command

        django.setup()
        from django.db import connection

        from newsreader.importers import parse_file
        from newsreader.models import Article, ArticleRevision

        call_command("migrate", verbosity=0)
        with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
            t0 = time.perf_counter()
            counts = generate(Path(tmp), args.articles)
            generated = time.perf_counter() - t0
            files = sum(1 for _ in Path(tmp).rglob("*.*"))
            print(f"generated {args.articles} articles in {files} files ({counts}) in {generated:.1f} s")

            t0 = time.perf_counter()
            for path in sorted(Path(tmp).rglob("*.*")):
                parse_file(path)
            parsing = time.perf_counter() - t0
            print(f"parsing alone (no database): {parsing:.1f} s")

            options = ["--no-progress", "--jobs", str(args.jobs), *(["--durable"] if args.durable else [])]
            print(f"manage.py import_articles {' '.join(options)}")
            hooks = time_hooks()
            connection.close()  # its backend would count as the server's
            t0, cpu0 = time.perf_counter(), client_cpu()
            with ServerCpu(admin_url) as server:
                call_command("import_articles", tmp, *options, verbosity=1)
                connection.close()
            elapsed, cpu = time.perf_counter() - t0, client_cpu() - cpu0
            articles = Article.objects.count()
            print(f"imported {articles} articles ({ArticleRevision.objects.count()} revisions) in {elapsed:.1f} s: "
                  f"{articles / elapsed:.0f} articles/s")
            used = cpu + server.seconds
            print(f"CPU used: {cpu:.1f} s by the importer, {server.seconds:.1f} s by PostgreSQL = "
                  f"{1000 * used / articles:.1f} ms per article; load average now {os.getloadavg()[0]:.1f}")
            print(f"on {os.cpu_count()} otherwise idle cores that is at best {articles * os.cpu_count() / used:.0f} "
                  f"articles/s ({used / os.cpu_count():.0f} s for {articles}) with --jobs >= cores")
            if args.jobs == 1:  # worker processes keep their own timings
                for name, seconds in hooks.items():
                    print(f"  of which {name}: {seconds:.1f} s")

            hooks.clear()
            t0 = time.perf_counter()
            call_command("import_articles", tmp, *options, verbosity=1)
            again = time.perf_counter() - t0
            print(f"re-import (all unchanged) in {again:.1f} s: {args.articles / again:.0f} articles/s")
        connection.close()
    finally:
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
