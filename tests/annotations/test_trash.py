"""Delete with undo (annotations/trash.py): the copy, the restore with replies and speakers, the refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from annotations.errors import Conflict, NotFound, PreconditionFailed
from annotations.models import Annotation, DeletedAnnotation, Reply
from annotations.services import reply_create
from annotations.trash import UNDO_SECONDS, annotation_restore, annotation_trash
from live.models import Event
from tests.factories import UserFactory


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


def test_trash_then_restore_brings_back_the_mark_its_replies_and_its_quotes_speaker(alice, bob, make_entity, make_quote):
    biden = make_entity(alice, note="ملاحظة")
    quote = make_quote(alice, speaker=biden.pk)
    first = reply_create(user=bob, annotation_id=biden.pk, text="من قال هذا؟")
    answer = reply_create(user=alice, annotation_id=biden.pk, text="بايدن", parent_id=first.pk)
    created = Annotation.objects.get(pk=biden.pk).created

    annotation_trash(user=alice, annotation_id=biden.pk, expected_version=1)
    assert not Annotation.objects.filter(pk=biden.pk).exists() and not Reply.objects.exists()
    assert Annotation.objects.get(pk=quote.pk).speaker_id is None

    restored = annotation_restore(user=alice, annotation_id=biden.pk)
    assert (restored.pk, restored.note, restored.creator, restored.version) == (biden.pk, "ملاحظة", alice, 2)
    assert restored.created == created and restored.modified_by == alice
    replies = list(Reply.objects.order_by("id").values_list("pk", "author__username", "text", "parent_id"))
    assert replies == [(first.pk, "bob", "من قال هذا؟", None), (answer.pk, "alice", "بايدن", first.pk)]
    quote.refresh_from_db()
    assert (quote.speaker_id, quote.speaker_name) == (biden.pk, "")
    assert not DeletedAnnotation.objects.exists()
    assert list(Event.objects.order_by("id").values_list("action", flat=True))[-2:] == ["created", "updated"]


def test_trash_checks_the_version_like_delete(alice, make_entity):
    biden = make_entity(alice)
    with pytest.raises(PreconditionFailed):
        annotation_trash(user=alice, annotation_id=biden.pk, expected_version=7)
    assert Annotation.objects.filter(pk=biden.pk).exists() and not DeletedAnnotation.objects.exists()


def test_only_the_deleter_can_undo_and_only_for_a_while(alice, bob, make_entity):
    biden = make_entity(alice)
    annotation_trash(user=alice, annotation_id=biden.pk, expected_version=1)
    with pytest.raises(NotFound):
        annotation_restore(user=bob, annotation_id=biden.pk)
    DeletedAnnotation.objects.update(deleted_at=DeletedAnnotation.objects.get().deleted_at - timedelta(seconds=UNDO_SECONDS + 1))
    with pytest.raises(NotFound):
        annotation_restore(user=alice, annotation_id=biden.pk)
    assert not Annotation.objects.filter(pk=biden.pk).exists()


def test_restore_refuses_a_duplicate_made_meanwhile(alice, make_entity):
    biden = make_entity(alice)
    annotation_trash(user=alice, annotation_id=biden.pk, expected_version=1)
    again = make_entity(alice)
    with pytest.raises(Conflict):
        annotation_restore(user=alice, annotation_id=biden.pk)
    assert list(Annotation.objects.values_list("pk", flat=True)) == [again.pk]
    assert DeletedAnnotation.objects.count() == 1  # nothing lost: the copy is still there
