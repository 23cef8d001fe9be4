"""Proposed changes to someone else's annotation (annotations/proposals.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from annotations.errors import Conflict, Forbidden, NotFound
from annotations.models import ChangeProposal, Label
from annotations.proposals import proposal_accept, proposal_create, proposal_decline, proposals_open
from tests.factories import UserFactory


@pytest.fixture
def org(default_labels):
    return Label.objects.get(label_set__is_default=True, code="ORG")


def test_a_member_proposes_a_label_and_the_owner_accepts_it_in_their_name(user, other_user, make_entity, org):
    kadhimi = make_entity(user, "الكاظمي")
    proposal = proposal_create(user=other_user, annotation_id=kadhimi.pk, changes={"label": org.pk}, comment="منظمة؟")
    assert [p.pk for p in proposals_open(user=user, annotation_id=kadhimi.pk)] == [proposal.pk]
    with pytest.raises(Forbidden):
        proposal_accept(user=other_user, proposal_id=proposal.pk)  # not the proposer's to accept
    accepted = proposal_accept(user=user, proposal_id=proposal.pk)
    assert (accepted.label_id, accepted.version, accepted.modified_by) == (org.pk, 2, user)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("accepted", user)
    with pytest.raises(Conflict):
        proposal_accept(user=user, proposal_id=proposal.pk)  # once
    assert proposals_open(user=user, annotation_id=kadhimi.pk) == []


def test_proposals_are_checked(user, other_user, make_entity, per, org):
    kadhimi = make_entity(user, "الكاظمي")
    with pytest.raises(Conflict):
        proposal_create(user=user, annotation_id=kadhimi.pk, changes={"label": org.pk})  # edit it yourself
    with pytest.raises(ValidationError):
        proposal_create(user=other_user, annotation_id=kadhimi.pk, changes={"label": per.pk})  # no change
    with pytest.raises(ValidationError):
        proposal_create(user=other_user, annotation_id=kadhimi.pk, changes={"quote_type": "direct"})  # not for an entity
    with pytest.raises(ValidationError):
        proposal_create(user=other_user, annotation_id=kadhimi.pk, changes={})
    private = make_entity(user, "بايدن", visibility="private")
    with pytest.raises(NotFound):
        proposal_create(user=other_user, annotation_id=private.pk, changes={"label": org.pk})
    assert not ChangeProposal.objects.exists()


def test_the_owner_declines_and_the_proposer_withdraws(user, other_user, make_entity, org):
    kadhimi = make_entity(user, "الكاظمي")
    first = proposal_create(user=other_user, annotation_id=kadhimi.pk, changes={"label": org.pk})
    second = proposal_create(user=other_user, annotation_id=kadhimi.pk, changes={"label": org.pk})
    with pytest.raises(Forbidden):
        proposal_decline(user=UserFactory(), proposal_id=first.pk)
    assert proposal_decline(user=user, proposal_id=first.pk).status == "declined"
    assert proposal_decline(user=other_user, proposal_id=second.pk).status == "declined"
    kadhimi.refresh_from_db()
    assert kadhimi.label_id != org.pk


def test_proposals_made_and_decided_publish_live_events_and_refused_ones_do_not(user, other_user, make_entity, org):
    """Readers with the mark's card open (its owner) learn of a proposal at once (annotations.outbox -> live)."""
    from annotations.models import Event

    kadhimi = make_entity(user, "الكاظمي")
    before = Event.objects.count()
    with pytest.raises(ValidationError):
        proposal_create(user=other_user, annotation_id=kadhimi.pk, changes={})
    first = proposal_create(user=other_user, annotation_id=kadhimi.pk, changes={"label": org.pk})
    second = proposal_create(user=other_user, annotation_id=kadhimi.pk, changes={"label": org.pk}, comment="مرة أخرى")
    with pytest.raises(Forbidden):
        proposal_accept(user=other_user, proposal_id=first.pk)
    proposal_decline(user=other_user, proposal_id=second.pk)  # withdrawn
    proposal_accept(user=user, proposal_id=first.pk)
    events = Event.objects.order_by("id")[before:]
    assert [(e.action, e.annotation_ids, e.article_id) for e in events] == [
        ("proposal_created", [kadhimi.pk], kadhimi.article_id),
        ("proposal_created", [kadhimi.pk], kadhimi.article_id),
        ("proposal_decided", [kadhimi.pk], kadhimi.article_id),
        ("updated", [kadhimi.pk], kadhimi.article_id),  # the accepted change, an ordinary edit
        ("proposal_decided", [kadhimi.pk], kadhimi.article_id),
    ]
