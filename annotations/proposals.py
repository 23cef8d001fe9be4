"""Proposed changes to someone else's annotation.

A member who can see an annotation but may not edit it (not its creator, not a moderator of its group,
not staff) proposes a change instead of adding a duplicate: a new label, or a quote's type or speaker,
with a comment. Whoever may edit it accepts the proposal in one click (the change is made through
``services.annotation_update`` in the accepter's name, so every rule of an edit holds and the live
update, conflict and undo machinery see an ordinary edit) or declines it; the proposer can withdraw it
(declined). Proposals of a deleted annotation go with it.

Each proposal made or decided logs an event (``proposal_created``, ``proposal_decided``) in its
transaction (:mod:`annotations.outbox`): the live relay tells the article's readers, and whoever has
the annotation's card open (its creator, say) sees the proposal at once.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotations import services
from annotations.errors import Conflict, Forbidden, NotFound
from annotations.models import Annotation, ChangeProposal, Event, Label
from annotations.outbox import event_append
from annotations.selectors import annotations_visible_to

# What can be proposed, by kind of annotation.
PROPOSABLE = {
    Annotation.Kind.ENTITY: {"label"},
    Annotation.Kind.QUOTE: {"quote_type", "speaker", "speaker_name"},
}
MAX_COMMENT = 2000


def _visible(user, annotation_id) -> Annotation:
    annotation = annotations_visible_to(user).filter(pk=annotation_id).first() if isinstance(annotation_id, int) else None
    if annotation is None:
        raise NotFound(f"Annotation {annotation_id} does not exist.")
    return annotation


def _clean_changes(annotation: Annotation, changes) -> dict:
    if not isinstance(changes, dict) or not changes:
        raise ValidationError({"changes": ValidationError("Propose at least one change.", code="required")})
    allowed = PROPOSABLE[annotation.kind]
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(
            {
                name: ValidationError(f"{name} cannot be proposed for a {annotation.kind}.", code="not_proposable")
                for name in unknown
            }
        )
    cleaned = {}
    if "label" in changes:
        label = changes["label"]
        found = (
            Label.objects.filter(pk=label, label_set__labels=annotation.label_id).first()
            if isinstance(label, int) and not isinstance(label, bool)
            else None
        )
        if found is None:
            raise ValidationError({"label": ValidationError("Choose a label of the annotation's label set.", code="invalid")})
        cleaned["label"] = found.pk
    if "quote_type" in changes:
        if changes["quote_type"] not in Annotation.QuoteType.values:
            raise ValidationError({"quote_type": ValidationError("Choose direct, indirect or partial.", code="invalid")})
        cleaned["quote_type"] = changes["quote_type"]
    if "speaker" in changes:
        speaker = changes["speaker"]
        if speaker is not None and not (
            isinstance(speaker, int)
            and Annotation.objects.filter(pk=speaker, article_id=annotation.article_id, kind=Annotation.Kind.ENTITY).exists()
        ):
            raise ValidationError({"speaker": ValidationError("The speaker must be a marked name of this article.", code="invalid")})
        cleaned["speaker"] = speaker
    if "speaker_name" in changes:
        if not isinstance(changes["speaker_name"], str) or len(changes["speaker_name"]) > 200:
            raise ValidationError({"speaker_name": ValidationError("A name of at most 200 characters.", code="invalid")})
        cleaned["speaker_name"] = changes["speaker_name"].strip()
    current = {name: getattr(annotation, f"{name}_id" if name in ("label", "speaker") else name) for name in cleaned}
    if current == cleaned:
        raise ValidationError({"changes": ValidationError("That is how the annotation is already.", code="no_change")})
    return cleaned


def proposal_create(*, user, annotation_id: int, changes: dict, comment: str = "") -> ChangeProposal:
    """``user`` proposes ``changes`` to an annotation they can see but not edit."""
    if not getattr(user, "is_authenticated", False):
        raise Forbidden("Sign in to propose a change.", code="not_authenticated")
    annotation = _visible(user, annotation_id)
    if services.can_change(user, annotation):
        raise Conflict("You can edit this annotation yourself.", code="can_edit")
    if annotation.status == Annotation.Status.SUGGESTED:
        raise Conflict("Accept or reject a suggestion instead.", code="suggestion")
    if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": ValidationError(f"At most {MAX_COMMENT} characters.", code="max_length")})
    cleaned = _clean_changes(annotation, changes)
    with transaction.atomic():
        proposal = ChangeProposal.objects.create(
            annotation=annotation, proposer=user, changes=cleaned, comment=comment.strip(), base_version=annotation.version
        )
        _logged(Event.Action.PROPOSAL_CREATED, annotation)
    return proposal


def _logged(action: str, annotation: Annotation) -> None:
    """Tell the article's readers that ``annotation``'s open proposals changed (in the changing transaction)."""
    event_append(action=action, annotation_ids=[annotation.pk], article_id=annotation.article_id)


def proposals_open(*, user, annotation_id: int) -> list[ChangeProposal]:
    """The open proposals on an annotation ``user`` can see (its editors and every proposer see them all)."""
    _visible(user, annotation_id)
    return list(
        ChangeProposal.objects.filter(annotation_id=annotation_id, status=ChangeProposal.Status.OPEN)
        .select_related("proposer")
        .order_by("created", "id")
    )


def _open_proposal(user, proposal_id: int) -> ChangeProposal:
    proposal = (
        ChangeProposal.objects.select_for_update(of=("self",))
        .filter(pk=proposal_id, annotation__in=annotations_visible_to(user))
        .first()
    )
    if proposal is None:
        raise NotFound(f"Proposal {proposal_id} does not exist.")
    if proposal.status != ChangeProposal.Status.OPEN:
        raise Conflict(f"This proposal was already {proposal.status}.", code="decided")
    return proposal


def proposal_accept(*, user, proposal_id: int) -> Annotation:
    """Make the proposed change, in the name of ``user`` (who must be allowed to edit the annotation)."""
    with transaction.atomic():
        proposal = _open_proposal(user, proposal_id)
        # annotation_update checks the permission (Forbidden) and every rule of an edit.
        annotation = services.annotation_update(
            user=user, annotation_id=proposal.annotation_id, expected_version=None, **proposal.changes
        )
        proposal.status = ChangeProposal.Status.ACCEPTED
        proposal.decided_by = user
        proposal.decided_at = timezone.now()
        proposal.save(update_fields=["status", "decided_by", "decided_at"])
        _logged(Event.Action.PROPOSAL_DECIDED, annotation)
    return annotation


def proposal_decline(*, user, proposal_id: int) -> ChangeProposal:
    """Decline a proposal (whoever may edit the annotation) or withdraw it (its proposer)."""
    with transaction.atomic():
        proposal = _open_proposal(user, proposal_id)
        if proposal.proposer_id != user.pk and not services.can_change(user, proposal.annotation):
            raise Forbidden("Only whoever may edit the annotation, or the proposer, may decline this proposal.")
        proposal.status = ChangeProposal.Status.DECLINED
        proposal.decided_by = user
        proposal.decided_at = timezone.now()
        proposal.save(update_fields=["status", "decided_by", "decided_at"])
        _logged(Event.Action.PROPOSAL_DECIDED, proposal.annotation)
    return proposal
