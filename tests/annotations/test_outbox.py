"""annotations.outbox: a write is its rows plus one event; consumers read the log after the commit."""

from __future__ import annotations

import ast
from pathlib import Path

import psycopg
import pytest
from django.db import connection, transaction

from annotations import outbox
from annotations.models import Annotation, Event, EventCursor
from annotations.services import annotation_create, annotation_delete, annotation_update
from annotations.services.base import forget_article_states
from entities.models import EntityMention
from newsreader.db import connection_kwargs
from suggestions.models import CrfPending
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def mark(user, article, needle="بايدن", label="PER", **fields):
    start, end = span(article.current_revision.text, needle)
    return annotation_create(
        user=user, article=article, kind="entity", start=start, end=end, exact=needle, label=label, **fields
    )


# --- the write costs a handful of statements ------------------------------------------------


def test_a_create_is_one_context_query_one_insert_and_one_event(user, seed_article, django_assert_num_queries):
    forget_article_states()
    # The article with its revision and labels (one query, no lock), then one statement: the article row
    # FOR SHARE while still as that read saw it, the INSERT ... RETURNING and the event INSERT. No
    # transaction: in autocommit that is the whole create (issue 15: 4 before, SAVEPOINT and RELEASE
    # around the same two; 5 before that, the event was a statement of its own). Entity linking, counts
    # and live updates come after the commit.
    with django_assert_num_queries(2) as captured:
        mark(user, seed_article, "واشنطن", label="LOC")
    statements = [q["sql"] for q in captured.captured_queries]
    assert "FOR SHARE" not in statements[0] and "annotations_label" in statements[0]
    assert statements[1].startswith("WITH guard AS (SELECT 1 FROM newsreader_article a WHERE a.id = ")
    assert "FOR SHARE OF a), new AS (INSERT INTO annotations_annotation " in statements[1]
    assert "INSERT INTO annotations_event" in statements[1]
    assert not any("count(" in s.lower() for s in statements)


def test_the_next_create_on_the_article_is_one_statement(user, seed_article, django_assert_num_queries):
    """The process keeps the article's context (session 6): the guard of the INSERT checks it is current."""
    mark(user, seed_article, "واشنطن", label="LOC")
    with django_assert_num_queries(1) as captured:
        annotation = mark(user, seed_article)
    (statement,) = [q["sql"] for q in captured.captured_queries]
    assert statement.startswith("WITH guard AS (SELECT 1 FROM newsreader_article a WHERE a.id = ")
    assert "annotations_label l" in statement  # an entity's label is checked in it too
    assert "INSERT INTO annotations_event" in statement and "count(" not in statement.lower()
    assert Event.objects.filter(annotation_ids=[annotation.pk], action="created").exists()


def test_an_update_costs_a_fixed_number_of_statements(user, seed_article, django_assert_num_queries):
    annotation = mark(user, seed_article)
    # Read it (visible to the user), the context, the version-checked UPDATE in its savepoint, the
    # event, and the annotation read back for the response; plus the outer savepoint.
    with django_assert_num_queries(9):
        annotation_update(user=user, annotation_id=annotation.pk, expected_version=1, note="ملاحظة")


def test_a_delete_costs_a_fixed_number_of_statements(user, seed_article, django_assert_num_queries):
    annotation = mark(user, seed_article)
    # Read it, lock it with its version, one UPDATE of the quotes naming it as speaker, the DELETE
    # (Django's collector reads it and its replies, deletes its change proposals and clears the
    # references to it from quotes, entity mentions, speaker quotes and curation decisions first: 9),
    # the event; plus the savepoint.
    with django_assert_num_queries(15):
        annotation_delete(user=user, annotation_id=annotation.pk, expected_version=1)


# --- consumers run after the commit, and nothing is lost ---------------------------------------


def test_events_written_and_no_consumer_run_yet_are_handled_by_a_later_run(user, seed_article):
    """A crash between the commit and the consumers loses nothing: the next run makes the links."""
    annotation = mark(user, seed_article)
    assert not EntityMention.objects.filter(annotation=annotation).exists()  # nothing ran yet
    assert outbox.drain()["entities"] == 1
    assert EntityMention.objects.filter(annotation=annotation).exists()


def test_a_second_run_finds_nothing_new(user, seed_article):
    annotation = mark(user, seed_article)
    outbox.drain()
    rows = list(EntityMention.objects.values_list("pk", "annotation_id", "entity_id"))
    assert outbox.drain() == {name: 0 for name in outbox.consumers()}
    assert list(EntityMention.objects.values_list("pk", "annotation_id", "entity_id")) == rows
    assert [r[1] for r in rows] == [annotation.pk]


def test_events_appended_after_a_run_in_the_same_transaction_are_read_too(user, seed_article):
    first = mark(user, seed_article)
    outbox.drain()
    second = mark(user, seed_article, "الكاظمي")
    assert outbox.drain()["entities"] == 1
    assert set(EntityMention.objects.values_list("annotation_id", flat=True)) == {first.pk, second.pk}


def test_a_failing_consumer_keeps_its_place_and_the_others_go_on(user, seed_article, monkeypatch, caplog):
    annotation = mark(user, seed_article)
    calls = []

    def broken(events):
        calls.append([e.id for e in events])
        raise RuntimeError("the consumer crashed")

    monkeypatch.setitem(outbox._consumers, "entities", broken)
    # In the caller's transaction (here the test's) the error is raised: its transaction must roll back.
    with pytest.raises(RuntimeError):
        outbox.drain(["entities"])
    monkeypatch.undo()
    assert outbox.drain()["entities"] == 1  # its place did not move: the event is read again
    assert EntityMention.objects.filter(annotation=annotation).exists()
    assert len(calls) == 1


def test_each_consumer_remembers_how_far_it_read(user, seed_article):
    mark(user, seed_article)
    assert outbox.drain(["live"]) == {"live": 1}
    assert outbox.drain(["entities"]) == {"entities": 1}
    assert set(EventCursor.objects.values_list("name", flat=True)) == {"live", "entities"}
    assert outbox.drain() == {"entities": 0, "live": 0, "crf": 1}


def test_many_events_are_read_in_batches(user, seed_article):
    for needle in ("بايدن", "الكاظمي", "واشنطن"):
        mark(user, seed_article, needle, label="LOC" if needle == "واشنطن" else "PER")
    assert outbox.drain(["entities"], batch=2) == {"entities": 3}
    assert EntityMention.objects.count() == 3


def test_the_crf_counter_is_a_set(user, seed_article):
    annotation = mark(user, seed_article)
    annotation_update(user=user, annotation_id=annotation.pk, expected_version=1, note="مرة أخرى")
    outbox.drain()
    assert list(CrfPending.objects.values_list("annotation_id", flat=True)) == [annotation.pk]


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_commits_late_is_not_skipped(seed_article, user):
    """An older transaction holding a smaller event id commits after a newer one was consumed."""
    start, end = span(seed_article.current_revision.text, "الكاظمي")
    label = seed_article_label(seed_article)
    early = psycopg.connect(autocommit=False, **connection_kwargs())
    try:
        row = early.execute(
            "INSERT INTO annotations_annotation (article_id, revision_id, kind, start, \"end\", exact, prefix, suffix, "
            "label_id, speaker_name, quote_type, creator_id, modified_by_id, created, modified, version, note, status, "
            "suggester, visibility, orphaned, hidden) VALUES (%s, %s, 'entity', %s, %s, 'الكاظمي', '', '', %s, '', '', "
            "%s, %s, now(), now(), 1, '', 'human', '', 'public', false, false) RETURNING id",
            [seed_article.pk, seed_article.current_revision_id, start, end, label, user.pk, user.pk],
        ).fetchone()
        early_event = early.execute(
            "INSERT INTO annotations_event (article_id, action, annotation_ids, created) "
            "VALUES (%s, 'created', ARRAY[%s]::bigint[], now()) RETURNING id",
            [seed_article.pk, row[0]],
        ).fetchone()[0]
        later = mark(user, seed_article)  # commits, and its consumers run (ImmediateBackend)
        assert later.pk > row[0]
        assert EntityMention.objects.filter(annotation=later).exists()
        early.commit()
    finally:
        early.close()
    outbox.drain()
    assert EntityMention.objects.filter(annotation_id=row[0]).exists()
    assert Event.objects.get(pk=early_event).position > Event.objects.get(annotation_ids=[later.pk]).position


def seed_article_label(article) -> int:
    from annotations.models import Label

    return Label.objects.get(label_set__is_default=True, code="PER").pk


@pytest.mark.parametrize(
    ("snapshot", "own", "expected"),
    [
        ("10:20:12", None, "10:20:12"),
        ("10:20:12", 15, "10:20:12,15"),  # left out of its own snapshot: marked running
        ("10:20:12", 25, "10:20:12"),  # at or past xmax: not visible anyway
        ("10:20:", 5, "5:20:5"),
        ("10:20:15", 15, "10:20:15"),
    ],
)
def test_own_transaction_is_never_counted_as_read(snapshot, own, expected):
    assert outbox._without(snapshot, own) == expected


# --- one direction of dependencies ----------------------------------------------------------


def test_the_annotations_app_imports_no_other_app():
    apps = {"live", "entities", "suggestions", "search", "ops", "accounts"}
    offenders = []
    for path in (ROOT / "annotations").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in apps]
    assert offenders == []


def test_a_write_inside_a_transaction_is_consumed_after_its_commit_only(user, seed_article):
    assert connection.in_atomic_block
    mark(user, seed_article)
    cursor_rows = EventCursor.objects.count()
    assert cursor_rows == 0  # nothing ran during the write
    assert Event.objects.get().position is None
    UserFactory()  # unrelated


class _FakeTask:
    def __init__(self, enqueue):
        self.enqueue = enqueue

    def get_backend(self):
        return None  # not the database queue: nothing to look up


def test_inline_mode_runs_the_consumers_after_the_commit_in_the_writing_process(
    user, seed_article, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.OUTBOX_DRAIN = "inline"
    monkeypatch.setattr(outbox, "_drain_task", _FakeTask(lambda: pytest.fail("no task in inline mode")))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        annotation = mark(user, seed_article)
        assert not EntityMention.objects.filter(annotation=annotation).exists()  # not before the commit
    assert len(callbacks) == 1
    assert EntityMention.objects.filter(annotation=annotation).exists()


def test_task_mode_queues_the_drain_once_per_change(user, seed_article, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(outbox, "_drain_task", _FakeTask(lambda: queued.append(1)))
    with django_capture_on_commit_callbacks(execute=True):
        annotation = mark(user, seed_article)
        annotation_delete(user=user, annotation_id=annotation.pk, expected_version=1)
    assert len(queued) == 2  # one per transaction; not run here
    assert not EntityMention.objects.exists()


def test_a_waiting_drain_task_is_not_queued_again(user, seed_article, settings, django_capture_on_commit_callbacks):
    """With the database queue, a write whose events a queued (unclaimed) drain will read queues no other."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    drains = DBTaskResult.objects.filter(task_path="annotations.tasks.drain_outbox")

    def write(**fields):
        # Each write its own transaction, as requests are (a create takes none of its own: in one
        # transaction the consumers are woken once, after its commit).
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            mark(user, seed_article, **fields)

    write()
    assert drains.count() == 1
    write(needle="واشنطن", label="LOC")
    assert drains.count() == 1  # the waiting one reads both
    # Once a worker has claimed it, its snapshot may be older than the next write: a new one is queued.
    drains.update(status=TaskResultStatus.RUNNING)
    write(needle="بايدن", label="MISC")
    assert drains.count() == 2
    assert drains.filter(status=TaskResultStatus.READY).count() == 1


def test_a_create_whose_revision_was_replaced_before_its_insert_is_done_on_the_new_text(user, seed_article, monkeypatch):
    """The create reads its context unlocked; its INSERT inserts nothing if the article moved on (issue 15).

    The text is revised between the context read and the INSERT: the guarded statement finds the
    article at another revision, inserts and logs nothing, and the create is done again with the
    article locked, on the new text (as if the request had come after the revision).
    """
    from annotations.services import annotation_write
    from newsreader.document import compose
    from newsreader.models import Article
    from newsreader.services.articles import article_revise
    from tests.annotations.conftest import seed_parts

    old = seed_article.current_revision
    clean, calls = annotation_write._clean, []

    def revise_then_clean(ctx, data, **kwargs):
        if not calls:
            parts = seed_parts()
            parts.pop("published_on")
            parts["body"] = ["فقرة أضيفت قبل الحفظ.", *parts["body"]]
            article_revise(article=Article.objects.get(pk=seed_article.pk), document=compose(**parts))
        calls.append(ctx.revision.pk)
        return clean(ctx, data, **kwargs)

    monkeypatch.setattr(annotation_write, "_clean", revise_then_clean)
    events = Event.objects.filter(action="created").count()
    annotation = mark(user, seed_article)  # offsets of the old text: found again by its words
    seed_article.refresh_from_db()
    new = seed_article.current_revision
    assert new.pk != old.pk and calls == [old.pk, new.pk]
    annotation.refresh_from_db()
    assert annotation.revision_id == new.pk and new.text[annotation.start : annotation.end] == "بايدن"
    assert not Annotation.objects.filter(revision=old).exists()
    assert Event.objects.filter(action="created").count() == events + 1


@pytest.mark.django_db(transaction=True)
def test_the_waker_thread_wakes_after_every_commit_without_a_statement_in_the_write(
    user, seed_article, settings, django_assert_num_queries
):
    """With the database queue, in autocommit, the check for a waiting drain is made by the process's waker
    thread after the commit, not by the write (issue 15: one statement less per create), and no write is
    left without a check that started after its commit."""
    import time

    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.OUTBOX_WAKE_INTERVAL = 0.05
    drains = DBTaskResult.objects.filter(task_path="annotations.tasks.drain_outbox")

    def waits(count: int) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if drains.filter(status=TaskResultStatus.READY).count() == count:
                return True
            time.sleep(0.02)
        return False

    with django_assert_num_queries(2):  # the context, the row + event; nothing about the queue
        mark(user, seed_article)
    assert waits(1)
    needles = [("واشنطن", "LOC"), ("بغداد", "LOC"), ("العراق", "LOC"), ("بايدن", "MISC")]
    for needle, label in needles:
        # Every run is claimed (its snapshot may be older than the next write): each write needs a new one.
        drains.update(status=TaskResultStatus.RUNNING)
        mark(user, seed_article, needle=needle, label=label)
        assert waits(1), f"no drain queued after the write of {needle}"
    outbox._waker.flush()
    DBTaskResult.objects.all().delete()


# --- the waker's gap: the task worker's heartbeat wakes what no writer woke ----------------------


def test_unread_says_whether_a_consumer_has_events_it_has_not_read(user, seed_article):
    assert not outbox.unread()
    mark(user, seed_article)
    assert outbox.unread()  # no consumer has a cursor yet
    outbox.drain()
    assert not outbox.unread()
    mark(user, seed_article, "الكاظمي")
    assert outbox.unread()
    outbox.drain(["entities"])
    assert outbox.unread()  # the others have not read it
    outbox.drain()
    assert not outbox.unread()


def test_the_heartbeat_hook_queues_a_drain_for_events_no_writer_woke(user, seed_article, settings):
    """A writer killed between its commit and its wake-up (here: on_commit callbacks never run inside the test's
    transaction) leaves its events unread; the next heartbeat of a task worker queues their drain, once."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from ops.workers import run_heartbeat_hooks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    drains = DBTaskResult.objects.filter(task_path="annotations.tasks.drain_outbox")
    assert run_heartbeat_hooks() == 1 and not drains.exists()  # nothing unread: nothing queued
    annotation = mark(user, seed_article)
    assert not drains.exists()
    assert run_heartbeat_hooks() == 1  # the project's settings name outbox.wake_if_unread
    assert drains.filter(status=TaskResultStatus.READY).count() == 1
    assert outbox.wake_if_unread() is True and drains.count() == 1  # one waits: not queued again
    # The worker runs it: the mark is linked.
    drains.delete()
    outbox.drain()
    assert EntityMention.objects.filter(annotation=annotation).exists()
    assert outbox.wake_if_unread() is False and not drains.exists()
