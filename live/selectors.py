"""Reading the event log (synchronous; the streaming view reads it through :mod:`live.hub`)."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Value, When

from annotations.models import Annotation, Event
from annotations.selectors import annotations_visible_to, visibility_q


def events_after(*, article_id: int, after: int, limit: int = 1000) -> list[Event]:
    """The article's relayed events with a position above ``after``, in stream order."""
    return list(Event.objects.filter(article_id=article_id, position__gt=after).order_by("position")[:limit])


def visible_annotation_ids(user, *, article_id: int) -> set[int]:
    """The ids of the article's annotations ``user`` may see (a live stream's starting knowledge)."""
    return set(annotations_visible_to(user).filter(article_id=article_id).values_list("pk", flat=True))


def annotation_visibility(user, annotation_ids: list[int]) -> tuple[set[int], set[int]]:
    """Of ``annotation_ids``, those ``user`` may see and those that exist but it may not (one query); the
    others no longer exist."""
    rows = (
        Annotation.objects.filter(pk__in=annotation_ids)
        .annotate(visible=Case(When(visibility_q(user), then=Value(True)), default=Value(False), output_field=BooleanField()))
        .values_list("pk", "visible")
    )
    visible, hidden = set(), set()
    for pk, shown in rows:
        (visible if shown else hidden).add(pk)
    return visible, hidden
