"""Time annotation projects: agreement over a large project, and the curation view of a 1,000-mark article.

    .venv/bin/python bench/projects.py [--articles 1000] [--annotators 3] [--marks 100] [--view-marks 1000] [--runs 5]

What it does:

1. creates a throwaway database (``bench_projects_<pid>``) on the PostgreSQL server of
   ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``), or on an embedded
   pgserver when none answers; migrates it;
2. creates ``--articles`` generated Arabic articles (about 400 words each) in one project with
   ``--annotators`` annotators all assigned to every article (k = annotators), each with
   ``--marks`` entity marks per article that mostly agree (one in ten has another label, one in ten
   other boundaries, one in twenty is missing). The marks are written with ``bulk_create`` (the
   services would take minutes for 300,000 rows; the measurement is of reading and computing);
3. times the agreement of the whole project as the page computes it: the three queries of
   ``projects.selectors.agreement_docs``, tokenising, and ``projects.agreement.compute`` (pairs,
   all together, per label, per document): aim under 10 s;
4. puts ``--view-marks`` marks by three annotators on the seed article, serves the app with uvicorn
   (one worker, DEBUG off) and opens the curation view ``--runs`` times in headless chromium, each
   in a fresh context: navigation start to the frame after the first draw
   (``window.__curateReady``): aim under 1 s;
5. stops uvicorn and drops the database.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.common import HOST, free_port, setup_django_in_process, throwaway_database  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WORDS = ("الرئيس الحكومة الوزير بغداد القاهرة دمشق الرياض تونس الجزائر المغرب الاتحاد الأوروبي الأمم المتحدة "
         "قال أعلن أكد اليوم أمس الاجتماع المفاوضات الاتفاق الأمن الاقتصاد النفط الانتخابات البرلمان الشعب "
         "محمد أحمد علي حسن فاطمة خالد سعيد الشركة الوكالة الصحيفة مصادر مسؤول رسمي عسكري جديد كبير").split()  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--marks", type=int, default=100, help="marks per annotator per article")
    parser.add_argument("--view-marks", type=int, default=1000, help="marks on the article of the curation view")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-view", action="store_true", help="only the agreement figures")
    parser.add_argument("--skip-agreement", action="store_true", help="only the curation view")
    return parser.parse_args()


def word_spans(text: str) -> list[tuple[int, int]]:
    import re

    return [m.span() for m in re.finditer(r"[^\s.،]+", text)]


def perturbed_marks(rng, spans, labels, n, annotators):
    """Per annotator, n marks on shared places: mostly the same, some with another label, boundary or missing."""
    places = sorted(rng.sample(range(0, len(spans) - 2, 3), n))  # every third word at most: places never overlap
    base = [(i, rng.choice(labels)) for i in places]
    out = []
    for _ in range(annotators):
        marks = []
        for i, label in base:
            r = rng.random()
            if r < 0.05:
                continue
            start, end = spans[i]
            if r < 0.15:
                label = rng.choice([x for x in labels if x != label])
            elif r < 0.25:
                end = spans[i + 1][1]
            marks.append((start, end, label))
        out.append(marks)
    return out


def build_project(args):
    from django.contrib.auth import get_user_model

    from annotations.models import Annotation, Group, Label, LabelSet, Membership
    from newsreader.services.articles import article_save, source_get_or_create
    from projects.models import Assignment, Project, ProjectArticle, ProjectMember

    rng = random.Random(13)
    User = get_user_model()
    users = [User.objects.create_user(username=f"annotator{n}") for n in range(args.annotators)]
    group = Group.objects.create(name="bench", slug="bench")
    Membership.objects.bulk_create([Membership(group=group, user=u) for u in users])
    label_set = LabelSet.objects.get(is_default=True)
    labels = {label.code: label.pk for label in Label.objects.filter(label_set=label_set)}
    project = Project.objects.create(name="bench", group=group, label_set=label_set, annotators_per_article=args.annotators, agreement_needed=2)
    ProjectMember.objects.bulk_create([ProjectMember(project=project, user=u, role="annotator") for u in users])
    source = source_get_or_create(name="bench")
    started = time.perf_counter()
    rows, entries = [], []
    for n in range(args.articles):
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(80)) + "." for _ in range(5)]
        article = article_save(source=source, title=f"خبر {n} " + " ".join(rng.choice(WORDS) for _ in range(6)), body=paragraphs).article
        revision = article.current_revision
        text = revision.text
        spans = word_spans(text)
        entries.append(ProjectArticle(project=project, article=article))
        for user, marks in zip(users, perturbed_marks(rng, spans, list(labels), args.marks, len(users))):
            for start, end, code in marks:
                rows.append(Annotation(article=article, revision=revision, kind="entity", start=start, end=end, exact=text[start:end],
                                       label_id=labels[code], creator=user, modified_by=user))  # fmt: skip
        if len(rows) > 20000:
            Annotation.objects.bulk_create(rows, batch_size=5000)
            rows = []
    Annotation.objects.bulk_create(rows, batch_size=5000)
    ProjectArticle.objects.bulk_create(entries, batch_size=2000)
    Assignment.objects.bulk_create(
        [Assignment(entry=e, annotator=u, status="finished", finished_at=e.added) for e in ProjectArticle.objects.filter(project=project) for u in users],
        batch_size=5000,
    )
    total = Annotation.objects.count()
    print(f"{args.articles} articles, {len(users)} annotators, {total} marks ({time.perf_counter() - started:.0f} s to create)")
    return project


def time_agreement(project, runs: int = 3):
    from projects import selectors
    from projects.agreement import compute

    loads, computes = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        docs, _ = selectors.agreement_docs(project)
        t1 = time.perf_counter()
        report = compute(docs, selectors.labels_of(project))
        t2 = time.perf_counter()
        loads.append(t1 - t0)
        computes.append(t2 - t1)
    totals = [a + b for a, b in zip(loads, computes)]
    tokens = sum(len(d.tokens) for d in docs)
    marks = sum(len(m) for d in docs for m in d.marks.values())
    print(f"agreement of {len(docs)} articles, {marks} marks, {tokens} tokens, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"  read + tokenise (4 queries): median {statistics.median(loads):.2f} s")
    print(f"  compute (F1, kappa, alpha; pairs, together, per label, per document): median {statistics.median(computes):.2f} s")
    print(f"  total: median {statistics.median(totals):.2f} s, max {max(totals):.2f} s  -> aim under 10 s: {'met' if statistics.median(totals) < 10 else 'NOT met'}")
    print(f"  overall: overlap F1 {report.overall.overlap_f1:.3f}, exact F1 {report.overall.exact_f1:.3f}, kappa {report.overall.kappa:.3f}, alpha {report.overall.alpha:.3f}")


def view_article(total: int):
    """The seed article with ``total`` marks by three annotators (disagreeing often), ready to curate."""
    from django.contrib.auth import get_user_model

    from annotations.models import Annotation, Group, Label, LabelSet, Membership
    from newsreader.services.articles import article_save, source_get_or_create
    from projects import services
    from projects.models import Assignment, Project, ProjectArticle, ProjectMember

    path = ROOT / "newsreader" / "samples" / "000_42df4bdc5be6c26b.txt"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    title, subtitle, _date, caption, *body = lines
    article = article_save(source=source_get_or_create(name="العرب"), title=title, subtitle=subtitle, caption=caption, body=body).article
    revision = article.current_revision
    text = revision.text
    spans = word_spans(text)
    User = get_user_model()
    users = [User.objects.create_user(username=f"view{n}") for n in range(3)]
    curator = User.objects.create_user(username="curator")
    group = Group.objects.create(name="view", slug="view")
    Membership.objects.bulk_create([Membership(group=group, user=u) for u in [*users, curator]])
    label_set = LabelSet.objects.get(is_default=True)
    labels = {label.code: label.pk for label in Label.objects.filter(label_set=label_set)}
    project = Project.objects.create(name="view", group=group, label_set=label_set, annotators_per_article=3, agreement_needed=3)
    ProjectMember.objects.bulk_create([ProjectMember(project=project, user=u, role="annotator") for u in users])
    ProjectMember.objects.create(project=project, user=curator, role="curator")
    entry = ProjectArticle.objects.create(project=project, article=article)
    Assignment.objects.bulk_create([Assignment(entry=entry, annotator=u) for u in users])
    rng = random.Random(7)
    per = total // 3
    rows = []
    for user in users:
        seen = set()
        while len(seen) < per:
            i = rng.randrange(len(spans) - 1)
            start, end = spans[i][0], spans[i + rng.choice([0, 0, 1])][1]
            key = (start, end, rng.choice(list(labels)))
            if key in seen:
                continue
            seen.add(key)
            rows.append(Annotation(article=article, revision=revision, kind="entity", start=start, end=end, exact=text[start:end],
                                   label_id=labels[key[2]], creator=user, modified_by=user))  # fmt: skip
    Annotation.objects.bulk_create(rows)
    clusters = services.curation_start(user=curator, entry=entry)
    return project, article, curator, len(rows), len(clusters)


def main() -> int:
    from contextlib import ExitStack

    args = parse_args()
    with ExitStack() as stack:
        setup_django_in_process(stack, throwaway_database(stack, prefix="bench-projects"))
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections
        from django.test import Client

        call_command("migrate", verbosity=0)
        if not args.skip_agreement:
            project = build_project(args)
            time_agreement(project)

        if args.skip_view:
            return 0
        view_project, article, curator, made, clusters = view_article(args.view_marks)
        client = Client()
        client.force_login(curator)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        connections.close_all()

        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "newsreader.asgi:application", "--host", HOST, "--port", str(port),
             "--lifespan", "off", "--no-access-log", "--log-level", "warning", "--timeout-graceful-shutdown", "1"],
            cwd=ROOT, env=os.environ,
        )  # fmt: skip

        def stop():
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

        stack.callback(stop)
        base = f"http://{HOST}:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/static/css/base.css", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        url = f"{base}/projects/{view_project.pk}/articles/{article.pk}/curate/"

        opener = urllib.request.build_opener()
        opener.addheaders = [("Cookie", f"{settings.SESSION_COOKIE_NAME}={session}")]
        server_times = []
        for _ in range(args.runs + 1):
            t0 = time.perf_counter()
            opener.open(url, timeout=30).read()
            server_times.append((time.perf_counter() - t0) * 1000)
        server_times = server_times[1:]

        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            ready, ranges = [], 0
            for run in range(args.runs + 1):
                context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
                context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])
                page = context.new_page()
                page.goto(url)
                page.wait_for_selector("[data-curate][data-ready]", state="attached", timeout=60_000)
                figures = page.evaluate(
                    "() => ({ready: window.__curateReady, ranges: [...CSS.highlights.values()].reduce((n, h) => n + h.size, 0)})"
                )
                ranges = figures["ranges"]
                if run:  # the first load warms the server
                    ready.append(figures["ready"])
                context.close()
            browser.close()
        print(
            f"curation view of an article with {made} marks in {clusters} places ({ranges} highlight ranges), "
            f"uvicorn 1 worker, headless chromium, load average {os.getloadavg()[0]:.1f}"
        )
        print(f"  navigation -> drawn: median {statistics.median(ready):.0f} ms, max {max(ready):.0f} ms  {[round(x) for x in ready]}")
        print(f"  of which the page from the server (HTML with the versions): median {statistics.median(server_times):.0f} ms")
        print(f"  aim: under 1000 ms -> {'met' if statistics.median(ready) < 1000 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
