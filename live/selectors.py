"""Reading the event log (synchronous; the streaming view reads it through :mod:`live.hub`)."""

from __future__ import annotations

from django.db.models import Max

from live.models import Event


def last_event_id(*, article_id: int) -> int:
    """The id of the article's newest event, 0 when there is none (one index lookup)."""
    return Event.objects.filter(article_id=article_id).aggregate(last=Max("id"))["last"] or 0


def events_after(*, article_id: int, after: int, limit: int = 1000) -> list[Event]:
    """The article's events with an id above ``after``, oldest first."""
    return list(Event.objects.filter(article_id=article_id, id__gt=after).order_by("id")[:limit])
