"""Entity page benchmark: many generated articles and annotations, the page of the most frequent entity.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/entities.py [--articles N] [--keep] [--reuse]

What it does:

1. creates a throwaway database ``bench_entities`` on the server of
   ``DATABASE_URL`` (dropped at the end unless ``--keep``; ``--reuse`` keeps an
   existing one and skips the build) and migrates it;
2. generates articles with the generator of ``bench/search.py`` (the same
   sentence templates and skewed distributions of people, places and
   organisations), and marks every person, place, country and organisation it
   put in an article (their first two occurrences) as an entity annotation, and
   one or two quotes per article with their speaker: by 20 users, mostly public,
   some private, some shared with a group, some machine suggestions, a few
   rejected or hidden, everything COPYd into the annotation table;
3. links them with :func:`entities.services.entities_relink` (the code of
   ``manage.py entities_relink``; the same functions the annotation services call);
4. times the entity page of the most frequent entity: the selector alone
   (:func:`entities.entity_page.entity_page`: every query and the sentences) and the
   whole page through Django's test client (view, template), for an anonymous
   visitor, a group member with private annotations, and staff, on its first
   pages; then its speaker page, the entity list and the quote search;
5. prints ``EXPLAIN (ANALYZE, BUFFERS)`` of every statement of the page.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import Generator, admin_connect, percentile  # noqa: E402

BENCH_DB = "bench_entities"
USERS = 20


class MarkingGenerator(Generator):
    """The search benchmark's generator, remembering which names it put in each article."""

    def __init__(self, seed: int = 6):
        super().__init__(seed)
        self.used: list[tuple[str, str]] = []

    def slots(self) -> dict:
        slots = super().slots()
        self.used += [("PER", slots["person"]), ("PER", slots["person2"]), ("LOC", slots["place"]),
                      ("LOC", slots["country"]), ("LOC", slots["country2"]), ("ORG", slots["org"]), ("ORG", slots["org2"])]  # fmt: skip
        return slots

    def article(self, n: int) -> dict:
        self.used = []
        article = super().article(n)
        article["names"] = list(dict.fromkeys(self.used))
        return article


def bench_url(base: str) -> str:
    from urllib.parse import urlparse, urlunparse

    return urlunparse(urlparse(base)._replace(path=f"/{BENCH_DB}"))


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    return text[max(0, start - 32) : start], text[end : end + 32]


def build(n: int, batch: int = 2000) -> None:
    import hashlib
    import json

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from annotations.models import Group, Label, Membership
    from newsreader.document import compose
    from newsreader.models import Source

    rng = random.Random(66)
    gen = MarkingGenerator()
    sources = [Source.objects.create(name=f"مصدر الأخبار {i}", slug=f"source-{i}") for i in range(20)]
    users = [get_user_model().objects.create_user(f"annotator{i}", password="x") for i in range(USERS)]
    group = Group.objects.create(name="فريق التحرير", slug="desk")
    for user in users[:5]:
        Membership.objects.create(group=group, user=user)
    labels = {label.code: label.pk for label in Label.objects.filter(label_set__is_default=True)}
    now = timezone.now()
    annotation_id = 0
    started = time.monotonic()
    counts = {"entity": 0, "quote": 0}

    def state() -> dict:
        """Who made it and who may see it: mostly public human work."""
        r = rng.random()
        creator = rng.choice(users)
        visibility, group_id = "public", None
        if r < 0.05:
            visibility = "private"
        elif r < 0.10 and users.index(creator) < 5:
            visibility, group_id = "group", group.pk
        s = rng.random()
        status = "human" if s < 0.9 else "accepted" if s < 0.94 else "suggested" if s < 0.98 else "rejected"
        return {"creator": creator.pk, "visibility": visibility, "group": group_id, "status": status,
                "hidden": rng.random() < 0.01}  # fmt: skip

    with connection.cursor() as c:
        raw = c.cursor
        for first in range(1, n + 1, batch):
            ids = range(first, min(n, first + batch - 1) + 1)
            articles, revisions, annotations = [], [], []
            for i in ids:
                a = gen.article(i)
                doc = compose(title=a["title"], subtitle=a["subtitle"], body=a["body"])
                text = doc.text
                h = hashlib.sha256(text.encode()).hexdigest()
                source = sources[i % len(sources) if i % 3 else 0]
                articles.append((i, a["published_on"], "", "ar", "rtl", "", "", h, now, now, None, i, source.pk))
                revisions.append(
                    (i, 1, doc.title, doc.subtitle, "", doc.body, text, json.dumps(list(doc.blocks), ensure_ascii=False),
                     h, doc.word_count, now, "import", i, None)
                )  # fmt: skip
                taken: set[tuple[int, int]] = set()
                people = []
                for code, name in a["names"]:
                    start = -1
                    for _ in range(2 if code == "PER" else 1):  # people: the first two occurrences
                        start = text.find(name, start + 1)
                        if start < 0:
                            break
                        end = start + len(name)
                        if any(s < end and start < e for s, e in taken):
                            continue
                        taken.add((start, end))
                        annotation_id += 1
                        prefix, suffix = _context(text, start, end)
                        st = state()
                        annotations.append((annotation_id, i, i, "entity", start, end, name, prefix, suffix, labels[code],
                                            None, "", None, None, "", st))  # fmt: skip
                        counts["entity"] += 1
                        if code == "PER":
                            people.append((annotation_id, end, st))
                # A quote or two: what follows a person's name, up to the end of the sentence.
                for speaker_id, after, speaker_state in rng.sample(people, min(len(people), rng.choice((1, 1, 2)))):
                    stop = min([p for p in (text.find(".", after), text.find("\n", after)) if p > after] or [len(text)])
                    start, end = after + 1, min(stop, after + 160)
                    if end - start < 8 or any(s < end and start < e for s, e in taken):
                        continue
                    while text[end - 1].isspace():
                        end -= 1
                    taken.add((start, end))
                    annotation_id += 1
                    prefix, suffix = _context(text, start, end)
                    st = state()
                    # The speaker must be visible to the quote's author: share the quote as the speaker is shared.
                    if speaker_state["visibility"] != "public":
                        st.update(creator=speaker_state["creator"], visibility=speaker_state["visibility"], group=speaker_state["group"])
                    annotations.append((annotation_id, i, i, "quote", start, end, text[start:end], prefix, suffix, None,
                                        speaker_id, "", None, None, rng.choice(("direct", "indirect", "partial")), st))  # fmt: skip
                    counts["quote"] += 1
            with transaction.atomic():
                with raw.copy(
                    "COPY newsreader_article (id, published_on, dateline, language, direction, source_url, author, "
                    "content_hash, created_at, updated_at, label_set_id, current_revision_id, source_id) FROM STDIN"
                ) as copy:
                    for row in articles:
                        copy.write_row(row)
                with raw.copy(
                    "COPY newsreader_articlerevision (id, number, title, subtitle, caption, body, text, blocks, "
                    "text_hash, word_count, created_at, reason, article_id, created_by_id) FROM STDIN"
                ) as copy:
                    for row in revisions:
                        copy.write_row(row)
                with raw.copy(
                    'COPY annotations_annotation (id, article_id, revision_id, kind, start, "end", exact, prefix, suffix, '
                    "label_id, speaker_id, speaker_name, cue_start, cue_end, quote_type, creator_id, created, modified, "
                    "version, note, status, suggester, visibility, group_id, orphaned, hidden, hidden_at) FROM STDIN"
                ) as copy:
                    for (pk, article, revision, kind, start, end, exact, prefix, suffix, label, speaker, speaker_name,
                         cue_start, cue_end, quote_type, st) in annotations:  # fmt: skip
                        copy.write_row(
                            (pk, article, revision, kind, start, end, exact, prefix, suffix, label, speaker, speaker_name,
                             cue_start, cue_end, quote_type, st["creator"], now, now, 1, "", st["status"],
                             "bench" if st["status"] == "suggested" else "", st["visibility"], st["group"], False,
                             st["hidden"], now if st["hidden"] else None)
                        )  # fmt: skip
            print(
                f"\r  generated {ids[-1]:,} articles, {counts['entity']:,} entity and {counts['quote']:,} quote annotations "
                f"({time.monotonic() - started:.0f} s)",
                end="",
                flush=True,
            )
        for table in ("newsreader_article", "newsreader_articlerevision", "annotations_annotation"):
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    print()
    from entities.services import entities_relink

    started = time.monotonic()
    entities_relink(
        progress=lambda done: print(f"\r  linked {done:,} annotations ({time.monotonic() - started:.0f} s)", end="", flush=True)
    )
    print()
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")


# --- Measuring ------------------------------------------------------------------------------


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def report(rows: list[tuple[str, list[float]]]) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"  [load average {load} on {os.cpu_count()} CPUs]")
    print(f"  {'what':<58}{'n':>5}{'min ms':>10}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for label, values in rows:
        print(
            f"  {label:<58}{len(values):>5}{min(values):>10.1f}{percentile(values, 50):>10.1f}"
            f"{percentile(values, 95):>10.1f}{max(values):>10.1f}"
        )


def explain_page(user, entity) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from entities.entity_page import entity_page

    with CaptureQueriesContext(connection) as queries:
        entity_page(user, entity, page=1)
    for n, query in enumerate(queries.captured_queries, start=1):
        sql = query["sql"]
        with connection.cursor() as c:
            c.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
            plan = "\n".join("    " + r[0] for r in c.fetchall())
        print(f"\n--- EXPLAIN, statement {n} of the entity page ({query['time']} s when run):\n    {sql[:300]}…\n{plan}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60, help="timed runs of each page")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse an existing bench database (skip the build)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of every statement of the page")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("Set DATABASE_URL to a PostgreSQL server where a throwaway database may be created.")
    admin = admin_connect(base)
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
    if exists and not args.reuse:
        admin.execute(f"DROP DATABASE {BENCH_DB} WITH (FORCE)")
    if not exists or not args.reuse:
        admin.execute(f"CREATE DATABASE {BENCH_DB}")

    os.environ["DATABASE_URL"] = bench_url(base)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    # Plain HTTP through the test client, static files from the finders (as in pytest.ini).
    for name, value in [("ALLOWED_HOSTS", "testserver,localhost"), ("SECURE_SSL_REDIRECT", "false"),
                        ("SESSION_COOKIE_SECURE", "false"), ("CSRF_COOKIE_SECURE", "false"),
                        ("STATIC_MANIFEST", "false"), ("WHITENOISE_USE_FINDERS", "true")]:  # fmt: skip
        os.environ.setdefault(name, value)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    try:
        if not (exists and args.reuse):
            print(f"Migrating {BENCH_DB} …")
            call_command("migrate", verbosity=0)
            print(f"Building {args.articles:,} articles …")
            started = time.monotonic()
            build(args.articles)
            print(f"Built in {time.monotonic() - started:.0f} s.")
        from entities import entity_page, lists
        from entities.models import Entity, EntityMention, SpeakerQuote

        with connection.cursor() as c:
            c.execute(
                "SELECT (SELECT count(*) FROM newsreader_article), (SELECT count(*) FROM annotations_annotation), "
                "(SELECT count(*) FROM entities_entitymention), (SELECT count(*) FROM entities_entitymention WHERE NOT public), "
                "(SELECT count(*) FROM entities_speakerquote), (SELECT count(*) FROM entities_entity), "
                "pg_size_pretty(pg_total_relation_size('entities_entitymention'))"
            )
            articles, annotations, mentions, other, quotes, entities, size = c.fetchone()
        print(
            f"{articles:,} articles, {annotations:,} annotations: {mentions:,} entity mentions ({other:,} not counting for "
            f"everyone: private, group, hidden, suggested, rejected), {quotes:,} quotes, {entities:,} entities; "
            f"mention table with indexes {size}."
        )
        top = Entity.objects.order_by("-public_articles").first()
        speaker = Entity.objects.order_by("-public_quotes").first()
        User = get_user_model()
        member = User.objects.get(username="annotator0")  # in the group, with private annotations
        staff = User.objects.filter(is_staff=True).first() or User.objects.create_user("bench-staff", password="x", is_staff=True)
        n_mentions = EntityMention.objects.filter(entity=top).count()
        print(
            f"Most frequent entity: #{top.pk} {top.name} ({top.label}): {top.public_articles:,} articles, "
            f"{n_mentions:,} mentions ({100 * top.public_articles / articles:.0f}% of the articles); "
            f"most quoted: #{speaker.pk} {speaker.name}, {SpeakerQuote.objects.filter(entity=speaker).count():,} quotes."
        )
        viewers = [("anonymous", AnonymousUser()), ("group member", member), ("staff", staff)]
        for _, viewer in viewers:  # warm the caches (the first request of a process reads labels, lexemes ...)
            entity_page.entity_page(viewer, top)

        rows = []
        for name, viewer in viewers:
            rows.append((f"selector, page 1, {name}", timed(lambda v=viewer: entity_page.entity_page(v, top, page=1), args.runs)))
        rows.append(("selector, pages 2-21, anonymous", [
            t for page in range(2, 22) for t in timed(lambda p=page: entity_page.entity_page(None, top, page=p), 3)
        ]))  # fmt: skip
        client = Client()
        member_client = Client()
        member_client.force_login(member)
        url = f"/entities/{top.pk}/"
        for name, c in (("anonymous", client), ("group member", member_client)):
            status = c.get(url).status_code
            assert status == 200, status
            rows.append((f"whole page (view + template), page 1, {name}", timed(lambda c=c: c.get(url), args.runs)))
        print(f"\nEntity page of the most frequent entity (#{top.pk}):")
        report(rows)

        other_rows = [
            ("speaker page, most quoted speaker, anonymous", timed(lambda: client.get(f"/speakers/{speaker.pk}/"), 20)),
            ("speaker page, searched within (q=الحكومة)", timed(lambda: client.get(f"/speakers/{speaker.pk}/?q=الحكومة"), 20)),
            ("quote search ?speaker=<name>&q=النفط", timed(lambda: client.get("/quotes/", {"speaker": speaker.name, "q": "النفط"}), 20)),
            ("entity list, anonymous", timed(lambda: client.get("/entities/"), 20)),
            ("entity list, group member", timed(lambda: member_client.get("/entities/"), 20)),
            ("entity list, staff", timed(lambda: lists.entity_list(staff), 20)),
            ("speaker list, group member", timed(lambda: member_client.get("/speakers/"), 20)),
        ]
        print("\nOther pages:")
        report(other_rows)

        from annotations.services import annotation_create
        from newsreader.models import Article

        article = Article.objects.filter(pk__in=EntityMention.objects.filter(entity=top).values("article_id")).first()
        text = article.current_revision.text
        name = EntityMention.objects.filter(entity=top, article=article).values_list("name", flat=True).first()
        start = text.rfind(name)
        from django.db import transaction

        samples = []
        for _ in range(5):
            with transaction.atomic():
                started = time.perf_counter()
                annotation_create(user=staff, article=article, kind="entity", start=start, end=start + len(name), exact=name,
                                  label=top.label, visibility="public")  # fmt: skip
                samples.append((time.perf_counter() - started) * 1000)
                transaction.set_rollback(True)
        print(f"\nCreating one more public mention of #{top.pk} (annotation service + linking + recount): "
              f"p50 {percentile(samples, 50):.1f} ms, max {max(samples):.1f} ms")  # fmt: skip

        if args.explain:
            explain_page(member, top)
    finally:
        connection.close()
        if not args.keep:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            print(f"\nDropped {BENCH_DB}.")
        admin.close()


if __name__ == "__main__":
    main()
