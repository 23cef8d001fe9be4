"""Undo a delete: deleting an annotation keeps a copy for a short time, and whoever deleted it can put it back.

:func:`annotation_trash` deletes through :func:`annotations.services.annotation_delete` (same rules,
same If-Match check, same live event) after copying the annotation's columns, its replies and the quotes
that named it as their speaker into a :class:`~annotations.models.DeletedAnnotation`.
:func:`annotation_restore` puts it all back with the same ids (so links, ETags' ids and live updates keep
working), as a new version changed by the restorer, and publishes ``created``.

Why a copy rather than a soft-delete flag: every reader of annotations (selectors, exports, W3C pages,
entity pages, suggestions) would have to skip flagged rows; a copy leaves them all untouched.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from annotations import services
from annotations.errors import Conflict, NotFound
from annotations.models import Annotation, DeletedAnnotation, Reply
from newsreader.models import Article

# How long a delete can be undone. The page offers undo for the toast's time; the copy lives longer so
# that a slow click or a slow network still finds it.
UNDO_SECONDS = 600


def _columns(instance) -> dict:
    """The concrete, stored columns of a row (by attname), in JSON-safe form."""
    row = {}
    for field in type(instance)._meta.concrete_fields:
        if getattr(field, "generated", False):
            continue
        value = getattr(instance, field.attname)
        row[field.attname] = value.isoformat() if hasattr(value, "isoformat") else value
    return row


def _instance(model, row: dict):
    """A model instance from :func:`_columns` output (values parsed back by their fields)."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.attname in row:
            values[field.attname] = field.to_python(row[field.attname]) if row[field.attname] is not None else None
    return model(**values)


def annotation_trash(*, user, annotation_id: int, expected_version: int | None) -> DeletedAnnotation:
    """Delete an annotation like ``services.annotation_delete`` and keep what undo needs."""
    with transaction.atomic():
        # Lock first so the copy is exactly what gets deleted (annotation_delete checks visibility,
        # permission and the version, and raises before anything is written).
        annotation = Annotation.objects.select_for_update(of=("self",)).filter(pk=annotation_id).order_by().first()
        if annotation is None:
            raise NotFound(f"Annotation {annotation_id} does not exist.")
        replies = [_columns(r) for r in Reply.objects.filter(annotation_id=annotation_id).order_by("id")]
        quotes = list(Annotation.objects.filter(speaker_id=annotation_id).values_list("pk", "speaker_name"))
        data = {"annotation": _columns(annotation), "replies": replies, "quotes": [list(q) for q in quotes]}
        services.annotation_delete(user=user, annotation_id=annotation_id, expected_version=expected_version)
        now = timezone.now()
        DeletedAnnotation.objects.filter(deleted_at__lt=now - timedelta(seconds=UNDO_SECONDS)).delete()
        DeletedAnnotation.objects.filter(annotation_id=annotation_id).delete()
        return DeletedAnnotation.objects.create(
            annotation_id=annotation_id, article_id=annotation.article_id, deleted_by=user, deleted_at=now, data=data
        )


def annotation_restore(*, user, annotation_id: int) -> Annotation:
    """Put back an annotation that ``user`` deleted less than UNDO_SECONDS ago, with its replies.

    Refused (Conflict) when the article's text was edited since (the span belongs to a text no longer
    shown) or when the same user has marked the same words the same way meanwhile.
    """
    now = timezone.now()
    with transaction.atomic():
        trash = (
            DeletedAnnotation.objects.select_for_update()
            .filter(
                annotation_id=annotation_id,
                deleted_by=user if getattr(user, "is_authenticated", False) else None,
                deleted_at__gte=now - timedelta(seconds=UNDO_SECONDS),
            )
            .first()
        )
        if trash is None:
            raise NotFound(
                f"There is no delete of annotation {annotation_id} to undo: only whoever deleted it can, "
                f"for {UNDO_SECONDS // 60} minutes."
            )
        annotation = _instance(Annotation, trash.data["annotation"])
        article = Article.objects.only("current_revision_id").get(pk=trash.article_id)
        if annotation.revision_id != article.current_revision_id and not annotation.orphaned:
            raise Conflict(
                "The article's text was edited after the delete: the mark cannot be put back. Mark the words again.",
                code="revision_changed",
            )
        users = get_user_model().objects
        referenced = {annotation.creator_id, annotation.modified_by_id} | {r.get("author_id") for r in trash.data["replies"]}
        existing_users = set(users.filter(pk__in=[pk for pk in referenced if pk]).values_list("pk", flat=True))
        if annotation.creator_id not in existing_users:
            annotation.creator_id = None
        if annotation.speaker_id and not Annotation.objects.filter(pk=annotation.speaker_id).exists():
            annotation.speaker_id = None  # its speaker was deleted too: keep the words (speaker_name)
        annotation.version += 1
        annotation.modified = now
        annotation.modified_by = user
        created = annotation.created
        try:
            with transaction.atomic():
                annotation.save(force_insert=True)
        except IntegrityError as exc:
            raise Conflict(
                "These words are marked the same way again already: the deleted mark was not put back.",
                code="duplicate",
            ) from exc
        # save() and bulk_create() stamp auto_now(_add) dates: give the rows back their own.
        Annotation.objects.filter(pk=annotation.pk).update(created=created)
        replies = []
        for row in trash.data["replies"]:
            reply = _instance(Reply, row)
            if reply.author_id not in existing_users:
                reply.author_id = None
            replies.append(reply)
        # Parents before their children (ids grow with time), with their ids.
        Reply.objects.bulk_create(replies)
        for reply, row in zip(replies, trash.data["replies"], strict=True):
            Reply.objects.filter(pk=reply.pk).update(
                created=Reply._meta.get_field("created").to_python(row["created"]),
                modified=Reply._meta.get_field("modified").to_python(row["modified"]),
            )
        quote_ids = []
        for pk, speaker_name in trash.data["quotes"]:
            # Only quotes still without a speaker get it back (someone may have chosen another one since).
            if Annotation.objects.filter(pk=pk, speaker__isnull=True).update(
                speaker_id=annotation.pk,
                speaker_name=speaker_name,
                version=F("version") + 1,
                modified=now,
                modified_by=user,
            ):
                quote_ids.append(pk)
        trash.delete()
        services.log_change(action="created", annotation_ids=[annotation.pk], article_id=annotation.article_id)
        if quote_ids:
            services.log_change(action="updated", annotation_ids=quote_ids, article_id=annotation.article_id)
    return Annotation.objects.select_related("label", "creator", "modified_by").get(pk=annotation.pk)
