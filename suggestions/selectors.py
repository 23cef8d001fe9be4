"""Queries the suggesters learn from.

What the team has *decided* is the teacher: human annotations, accepted
suggestions and curated marks (the agreed version of an annotation project).
Only public, visible ones teach the whole corpus (a private mark is its
creator's business; a hidden one was moderated away). Where a text has been
curated, its curated marks teach and the individual annotators' marks there
do not (they disagreed; the curator settled it).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from annotations.models import Annotation

Kind, Status, Visibility = Annotation.Kind, Annotation.Status, Annotation.Visibility
LEARNED = (Status.HUMAN, Status.ACCEPTED, Status.CURATED)


def learned_entities() -> QuerySet[Annotation]:
    """Entity annotations the learners learn from: human or accepted, public, not hidden, not orphaned."""
    return Annotation.objects.filter(
        kind=Kind.ENTITY, status__in=LEARNED, visibility=Visibility.PUBLIC, hidden=False, orphaned=False
    )


def training_entities() -> QuerySet[Annotation]:
    """What the CRF trains on: curated marks first; other learned marks only on texts nobody curated."""
    curated_revisions = Annotation.objects.filter(
        kind=Kind.ENTITY, status=Status.CURATED, hidden=False, orphaned=False
    ).values("revision_id")
    return learned_entities().filter(Q(status=Status.CURATED) | ~Q(revision_id__in=curated_revisions))


def rejected_spans(revision_id: int) -> list[tuple[int, int]]:
    """Spans a person rejected in this text: not suggested there again."""
    return list(
        Annotation.objects.filter(revision_id=revision_id, status=Status.REJECTED).values_list("start", "end")
    )


def decided_annotations(revision_id: int) -> QuerySet[Annotation]:
    """Human, accepted and curated annotations of a revision (any visibility: a suggestion never duplicates one)."""
    return Annotation.objects.filter(revision_id=revision_id, status__in=LEARNED, orphaned=False)


def suggestions_of(revision_id: int) -> QuerySet[Annotation]:
    """The machine's open suggestions on a revision."""
    return Annotation.objects.filter(
        revision_id=revision_id, status=Status.SUGGESTED, creator__isnull=True, orphaned=False
    )
