"""live.services: the event log is written with the change, and NOTIFY goes out on commit."""

import psycopg
import pytest
from django.db import connection, transaction

from annotations.services import annotation_create, annotation_delete, annotation_update
from live.hub import connection_kwargs
from live.models import Event
from live.selectors import events_after, last_event_id
from live.services import CHANNEL, event_publish, events_prune
from tests.factories import UserFactory
from tests.live.conftest import span

QUOTE = "لن نكون مع نهاية العام في مهمّة قتاليّة"


def entity(user, article, needle="بايدن", label="PER"):
    start, end = span(article, needle)
    return annotation_create(user=user, article=article, kind="entity", start=start, end=end, exact=needle, label=label)


def test_every_change_appends_an_event(seed, labels):
    user = UserFactory()
    biden = entity(user, seed)
    quote_start, quote_end = span(seed, QUOTE)
    quote = annotation_create(
        user=user, article=seed, kind="quote", start=quote_start, end=quote_end, exact=QUOTE, quote_type="direct", speaker=biden.pk
    )
    annotation_update(user=user, annotation_id=quote.pk, expected_version=1, note="ملاحظة")
    annotation_delete(user=user, annotation_id=biden.pk, expected_version=1)

    events = list(Event.objects.filter(article=seed).order_by("id"))
    assert [(e.action, e.annotation_ids) for e in events] == [
        ("created", [biden.pk]),
        ("created", [quote.pk]),
        ("updated", [quote.pk]),
        ("deleted", [biden.pk]),
        # the quote that named the deleted entity as its speaker changed too
        ("updated", [quote.pk]),
    ]
    assert last_event_id(article_id=seed.pk) == events[-1].pk
    assert [e.pk for e in events_after(article_id=seed.pk, after=events[1].pk)] == [e.pk for e in events[2:]]


def test_events_carry_ids_only_never_text(seed, labels):
    user = UserFactory()
    annotation = entity(user, seed)
    event = Event.objects.get(article=seed)
    message = event.as_message()
    assert message == {"id": event.pk, "action": "created", "article": seed.pk, "annotations": [annotation.pk]}
    assert "بايدن" not in str(message)


def test_a_failed_change_leaves_no_event(seed, labels):
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        entity(user, seed)
        raise RuntimeError("the request failed after the change")
    assert not Event.objects.exists()


def test_no_event_for_a_refused_change(seed, labels):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        annotation_create(user=UserFactory(), article=seed, kind="entity", start=0, end=5, exact="غلط", label="PER")
    assert not Event.objects.exists()


def test_notify_is_sent_after_commit_with_the_event_id(transactional_db, seed, labels):
    user = UserFactory()
    with psycopg.connect(autocommit=True, **connection_kwargs()) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        with transaction.atomic():
            annotation = entity(user, seed)
            # Not before the commit: a reader must never be told about a change it cannot fetch yet.
            assert list(listener.notifies(timeout=0.3)) == []
        notes = list(listener.notifies(timeout=5, stop_after=1))
    event = Event.objects.get(annotation_ids=[annotation.pk])
    assert [n.payload for n in notes] == [f"{seed.pk}:{event.pk}"]
    assert [n.channel for n in notes] == [CHANNEL]


def test_a_rolled_back_change_notifies_nobody(transactional_db, seed, labels):
    with psycopg.connect(autocommit=True, **connection_kwargs()) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        with pytest.raises(RuntimeError), transaction.atomic():
            entity(UserFactory(), seed)
            raise RuntimeError
        assert list(listener.notifies(timeout=0.5)) == []
    assert not Event.objects.exists()


def test_events_of_one_article_get_ids_in_commit_order(transactional_db, seed, labels):
    """The advisory lock makes a second writer wait, so its event id is larger than the first one's."""
    first_user, second_user = UserFactory(), UserFactory()
    other = psycopg.connect(autocommit=False, **connection_kwargs())
    try:
        with transaction.atomic():
            entity(first_user, seed)
            # Another connection asks for the same article's lock while we hold it: it must wait.
            other.execute("SET lock_timeout = '300ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("SELECT pg_advisory_xact_lock(%s::int4, %s::int4)", [0x4C495645, seed.pk])
            other.rollback()
        entity(second_user, seed, needle="الكاظمي", label="PER")
    finally:
        other.close()
    ids = list(Event.objects.filter(article=seed).order_by("created").values_list("id", flat=True))
    assert ids == sorted(ids)


def test_prune_deletes_old_events_only(seed, labels):
    from datetime import timedelta

    from django.utils import timezone

    old = event_publish(action="created", annotation_ids=[1], article_id=seed.pk)
    Event.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=30))
    recent = event_publish(action="created", annotation_ids=[2], article_id=seed.pk)
    assert events_prune(older_than=timedelta(days=7)) == 1
    assert list(Event.objects.values_list("pk", flat=True)) == [recent.pk]


def test_live_prune_command(seed, labels, capsys):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    event = event_publish(action="created", annotation_ids=[1], article_id=seed.pk)
    Event.objects.filter(pk=event.pk).update(created=timezone.now() - timedelta(hours=2))
    call_command("live_prune", "--seconds", "3600")
    assert "Deleted 1 events" in capsys.readouterr().out
    assert not Event.objects.exists()


def test_publish_returns_the_logged_event(seed, labels):
    assert connection.in_atomic_block  # inside the caller's transaction (pytest-django's here)
    event = event_publish(action="updated", annotation_ids=[7, 8], article_id=seed.pk)
    assert Event.objects.get().annotation_ids == [7, 8]
    assert event.action == "updated"


def test_reply_changes_append_events_naming_the_annotation(seed, labels):
    from annotations.services import reply_create, reply_delete, reply_set_hidden, reply_update

    author, staff = UserFactory(), UserFactory(is_staff=True)
    biden = entity(author, seed)
    Event.objects.all().delete()

    reply = reply_create(user=author, annotation_id=biden.pk, text="لماذا؟")
    reply_update(user=author, reply_id=reply.pk, text="لماذا هنا؟")
    reply_set_hidden(user=staff, reply_id=reply.pk, hidden=True)
    reply_delete(user=staff, reply_id=reply.pk)

    events = list(Event.objects.filter(article=seed).order_by("id"))
    # The payload keeps its shape: the annotation whose thread changed, never the reply's text.
    assert [e.as_message() for e in events] == [
        {"id": events[0].pk, "action": "reply_created", "article": seed.pk, "annotations": [biden.pk]},
        {"id": events[1].pk, "action": "reply_updated", "article": seed.pk, "annotations": [biden.pk]},
        {"id": events[2].pk, "action": "reply_updated", "article": seed.pk, "annotations": [biden.pk]},
        {"id": events[3].pk, "action": "reply_deleted", "article": seed.pk, "annotations": [biden.pk]},
    ]


def test_a_refused_reply_appends_no_event(seed, labels):
    from django.core.exceptions import ValidationError

    from annotations.services import reply_create

    biden = entity(UserFactory(), seed)
    Event.objects.all().delete()
    with pytest.raises(ValidationError):
        reply_create(user=UserFactory(), annotation_id=biden.pk, text="   ")
    assert not Event.objects.exists()
