"""Replies to annotations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.errors import Forbidden, NotFound
from annotations.models import Reply
from annotations.selectors import replies_visible_to
from annotations.services.base import (
    MAX_REPLY_LENGTH,
    log_reply_change,
    _int_or_none,
    _is_authenticated,
    _visible_annotation,
    can_moderate,
)
from arabic.clean import neutralise_bidi

# --- replies ---------------------------------------------------------------------


def _clean_reply_text(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": ValidationError("A reply needs some text.", code="required")})
    text = text.strip()
    if len(text) > MAX_REPLY_LENGTH:
        raise ValidationError(
            {"text": ValidationError(f"The reply is too long ({len(text)} characters; at most {MAX_REPLY_LENGTH}).", code="max_length")}
        )
    if "\x00" in text:
        raise ValidationError({"text": ValidationError("The reply contains a NUL character.", code="null_characters_not_allowed")})
    return neutralise_bidi(text)


def reply_create(*, user, annotation_id: int, text: str, parent_id: int | None = None) -> Reply:
    """Reply to an annotation (or to a reply of it) that ``user`` can see. Text is stored as given: plain text."""
    if not _is_authenticated(user):
        raise Forbidden("Sign in to reply.")
    annotation = _visible_annotation(user, annotation_id)
    text = _clean_reply_text(text)
    parent = None
    if parent_id is not None:
        parent = replies_visible_to(user).filter(pk=parent_id).first() if _int_or_none(parent_id) else None
        if parent is None or parent.annotation_id != annotation.pk:
            raise ValidationError(
                {"parent": ValidationError(f"Reply {parent_id} is not a reply on annotation {annotation.pk}.", code="invalid")}
            )
    with transaction.atomic():
        reply = Reply.objects.create(annotation=annotation, parent=parent, author=user, text=text)
        log_reply_change(action="reply_created", annotation=annotation)
    return reply


def _reply_for(user, reply_id: int) -> Reply:
    reply = replies_visible_to(user).select_related("annotation").filter(pk=reply_id).first() if _int_or_none(reply_id) else None
    if reply is None:
        raise NotFound(f"Reply {reply_id} does not exist.")
    return reply


def reply_update(*, user, reply_id: int, text: str) -> Reply:
    """Only the author edits a reply's words."""
    reply = _reply_for(user, reply_id)
    if not _is_authenticated(user) or reply.author_id != user.pk:
        raise Forbidden("Only the author may edit a reply.")
    reply.text = _clean_reply_text(text)
    with transaction.atomic():
        reply.save(update_fields=["text", "modified"])
        log_reply_change(action="reply_updated", annotation=reply.annotation)
    return reply


def reply_delete(*, user, reply_id: int) -> None:
    """The author, a moderator of the annotation's group or staff delete a reply (with the replies to it)."""
    reply = _reply_for(user, reply_id)
    if not (_is_authenticated(user) and (reply.author_id == user.pk or can_moderate(user, reply.annotation))):
        raise Forbidden("Only the author, a moderator of the group or staff may delete a reply.")
    with transaction.atomic():
        reply.delete()
        log_reply_change(action="reply_deleted", annotation=reply.annotation)


def reply_set_hidden(*, user, reply_id: int, hidden: bool) -> Reply:
    reply = _reply_for(user, reply_id)
    if not can_moderate(user, reply.annotation):
        raise Forbidden("Only moderators of the annotation's group and staff may hide or restore replies.")
    reply.hidden = hidden
    with transaction.atomic():
        reply.save(update_fields=["hidden", "modified"])
        # Hiding changes what readers see (and the annotation's reply_count): an update for them.
        log_reply_change(action="reply_updated", annotation=reply.annotation)
    return reply


