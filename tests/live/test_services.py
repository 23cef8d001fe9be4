"""live.services: the relay of the event log gives events positions in commit order and NOTIFYs after the commit."""

import psycopg
import pytest
from django.db import connection, transaction

from annotations import outbox
from annotations.services import annotation_create, annotation_delete, annotation_update
from live.hub import connection_kwargs
from live.models import Event
from live.selectors import events_after
from live.services import CHANNEL, events_prune
from tests.factories import UserFactory
from tests.live.conftest import publish, span

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

    outbox.drain(["live"])
    events = list(Event.objects.filter(article=seed).order_by("id"))
    assert [(e.action, e.annotation_ids) for e in events] == [
        ("created", [biden.pk]),
        ("created", [quote.pk]),
        ("updated", [quote.pk]),
        ("deleted", [biden.pk]),
        # the quote that named the deleted entity as its speaker changed too
        ("updated", [quote.pk]),
    ]
    # Relayed in commit order: one transaction after the other here, so in id order too.
    assert [e.position for e in events] == sorted(e.position for e in events)
    assert outbox.last_position() == events[-1].position
    assert [e.pk for e in events_after(article_id=seed.pk, after=events[1].position)] == [e.pk for e in events[2:]]


def test_events_carry_ids_only_never_text(seed, labels):
    user = UserFactory()
    annotation = entity(user, seed)
    outbox.drain(["live"])
    event = Event.objects.get(article=seed)
    message = event.as_message()
    assert message == {"id": event.position, "action": "created", "article": seed.pk, "annotations": [annotation.pk]}
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


def test_notify_is_sent_after_commit_with_the_position(transactional_db, seed, labels):
    user = UserFactory()
    with psycopg.connect(autocommit=True, **connection_kwargs()) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        with transaction.atomic():
            annotation = entity(user, seed)
            # Not before the commit: a reader must never be told about a change it cannot fetch yet.
            assert list(listener.notifies(timeout=0.3)) == []
        notes = list(listener.notifies(timeout=5, stop_after=1))
    event = Event.objects.get(annotation_ids=[annotation.pk])
    assert event.position is not None
    assert [n.payload for n in notes] == [f"{seed.pk}:{event.position}"]
    assert [n.channel for n in notes] == [CHANNEL]


def test_a_rolled_back_change_notifies_nobody(transactional_db, seed, labels):
    with psycopg.connect(autocommit=True, **connection_kwargs()) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        with pytest.raises(RuntimeError), transaction.atomic():
            entity(UserFactory(), seed)
            raise RuntimeError
        assert list(listener.notifies(timeout=0.5)) == []
    assert not Event.objects.exists()


def test_a_late_commit_of_an_older_transaction_is_not_missed(transactional_db, seed, labels):
    """Stream positions follow the commits, not the event ids: a reader at the newest position still
    gets an event whose id is smaller but which committed later."""
    early = psycopg.connect(autocommit=False, **connection_kwargs())
    try:
        # A writer whose transaction took its event id first and is still open.
        early_id = early.execute(
            f"INSERT INTO {Event._meta.db_table} (article_id, action, annotation_ids, created) "
            f"VALUES (%s, 'created', ARRAY[1], now()) RETURNING id",
            [seed.pk],
        ).fetchone()[0]
        # Another writer of the same article commits meanwhile and is relayed.
        annotation = entity(UserFactory(), seed)
        late = Event.objects.get(annotation_ids=[annotation.pk])
        assert late.pk > early_id and late.position is not None
        reader_at = outbox.last_position()
        assert reader_at == late.position
        early.commit()
    finally:
        early.close()
    outbox.drain()  # the next run (any commit's, or the worker's) reads what committed since
    relayed = Event.objects.get(pk=early_id)
    assert relayed.position > late.position
    assert [e.pk for e in events_after(article_id=seed.pk, after=reader_at)] == [early_id]


def test_prune_deletes_old_events_only(seed, labels):
    from datetime import timedelta

    from django.utils import timezone

    old = publish(action="created", annotation_ids=[1], article_id=seed.pk)
    Event.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=30))
    recent = publish(action="created", annotation_ids=[2], article_id=seed.pk)
    outbox.drain()
    assert events_prune(older_than=timedelta(days=7)) == 1
    assert list(Event.objects.values_list("pk", flat=True)) == [recent.pk]


def test_prune_keeps_old_events_a_consumer_has_not_read(seed, labels):
    from datetime import timedelta

    from django.utils import timezone

    pk = outbox.event_append(action="created", annotation_ids=[1], article_id=seed.pk)
    outbox.drain(["live"])  # the other consumers have not run
    Event.objects.filter(pk=pk).update(created=timezone.now() - timedelta(days=30))
    assert events_prune(older_than=timedelta(days=7)) == 0
    outbox.drain()
    assert events_prune(older_than=timedelta(days=7)) == 1


def test_live_prune_command(seed, labels, capsys):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    event = publish(action="created", annotation_ids=[1], article_id=seed.pk)
    outbox.drain()
    Event.objects.filter(pk=event.pk).update(created=timezone.now() - timedelta(hours=2))
    call_command("live_prune", "--seconds", "3600")
    assert "Deleted 1 events" in capsys.readouterr().out
    assert not Event.objects.exists()


def test_an_event_is_appended_in_the_caller_s_transaction_without_a_position(seed, labels):
    assert connection.in_atomic_block  # inside the caller's transaction (pytest-django's here)
    pk = outbox.event_append(action="updated", annotation_ids=[7, 8], article_id=seed.pk)
    event = Event.objects.get()
    assert (event.pk, event.annotation_ids, event.action, event.position) == (pk, [7, 8], "updated", None)


def test_reply_changes_append_events_naming_the_annotation(seed, labels):
    from annotations.services import reply_create, reply_delete, reply_set_hidden, reply_update

    author, staff = UserFactory(), UserFactory(is_staff=True)
    biden = entity(author, seed)
    Event.objects.all().delete()

    reply = reply_create(user=author, annotation_id=biden.pk, text="لماذا؟")
    reply_update(user=author, reply_id=reply.pk, text="لماذا هنا؟")
    reply_set_hidden(user=staff, reply_id=reply.pk, hidden=True)
    reply_delete(user=staff, reply_id=reply.pk)
    outbox.drain(["live"])

    events = list(Event.objects.filter(article=seed).order_by("id"))
    # The payload keeps its shape: the annotation whose thread changed, never the reply's text.
    assert [e.as_message() for e in events] == [
        {"id": events[0].position, "action": "reply_created", "article": seed.pk, "annotations": [biden.pk]},
        {"id": events[1].position, "action": "reply_updated", "article": seed.pk, "annotations": [biden.pk]},
        {"id": events[2].position, "action": "reply_updated", "article": seed.pk, "annotations": [biden.pk]},
        {"id": events[3].position, "action": "reply_deleted", "article": seed.pk, "annotations": [biden.pk]},
    ]


def test_a_refused_reply_appends_no_event(seed, labels):
    from django.core.exceptions import ValidationError

    from annotations.services import reply_create

    biden = entity(UserFactory(), seed)
    Event.objects.all().delete()
    with pytest.raises(ValidationError):
        reply_create(user=UserFactory(), annotation_id=biden.pk, text="   ")
    assert not Event.objects.exists()
