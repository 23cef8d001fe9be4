"""Which annotations *count* on the entity pages, for whom. One place, used by services and selectors.

An annotation counts for a user when ``annotations_visible_to(user)`` (THE
visibility rule, :mod:`annotations.selectors`) returns it and it is live and
reviewed: not hidden by a moderator, not orphaned by an edit, and made or
accepted by a person (``human`` or ``accepted``: unreviewed machine
suggestions and rejected ones do not count, as in the exports).

``public`` on the derived rows caches :func:`counts_for_everyone`: what
counts for an anonymous visitor counts for every user (the rule shows public,
unhidden annotations to everybody), so those rows need no per-user check.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from annotations.models import Annotation
from annotations.selectors import annotations_visible_to

COUNTED_STATUSES = (Annotation.Status.HUMAN, Annotation.Status.ACCEPTED)
COUNTED = Q(hidden=False, orphaned=False, status__in=COUNTED_STATUSES)


def counted_for(user) -> QuerySet[Annotation]:
    """The annotations that count for ``user`` (anonymous when None)."""
    return annotations_visible_to(user).filter(COUNTED)


def counts_for_everyone() -> QuerySet[Annotation]:
    """The annotations that count for an anonymous visitor, hence for everyone."""
    return counted_for(None)


def is_signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)
