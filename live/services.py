"""Writing the event log and waking up the app servers.

:func:`event_publish` is called by ``annotations.services._after_change``
inside the transaction that changes annotations. It

1. takes a transaction-level advisory lock on the article, so that the
   article's events get their ids in commit order (two transactions that
   change the same article queue here until the first commits). Replay after
   ``Last-Event-ID`` relies on it: "every event with a larger id" is then
   exactly "everything committed since";
2. appends the :class:`~live.models.Event` row (rolled back with the change);
3. after commit, sends ``NOTIFY newsreader_live, '<article id>:<event id>'``.
   Every app server LISTENs on that channel (:mod:`live.hub`), reads the row
   and streams it to its readers of that article.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from live.models import Event

logger = logging.getLogger(__name__)

CHANNEL = "newsreader_live"
# First key of the two-key advisory lock (ASCII "LIVE"); the second is the article.
LOCK_NAMESPACE = 0x4C495645
# Roughly every this many events, old ones are deleted after commit.
PRUNE_EVERY = 1000


def event_publish(*, action: str, annotation_ids: list[int], article_id: int) -> Event:
    """Log a change to ``article_id``'s annotations and announce it once committed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s::int4, %s::int4)", [LOCK_NAMESPACE, article_id & 0x7FFFFFFF])
    event = Event.objects.create(action=action, annotation_ids=list(annotation_ids), article_id=article_id)
    transaction.on_commit(lambda: notify(article_id=article_id, event_id=event.pk), robust=True)
    if event.pk % PRUNE_EVERY == 0:
        transaction.on_commit(events_prune, robust=True)
    return event


def notify(*, article_id: int, event_id: int) -> None:
    """Wake every listening app server (NOTIFY is delivered once the sending transaction commits)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, f"{article_id}:{event_id}"])


def events_prune(*, older_than: timedelta | None = None) -> int:
    """Delete events older than ``LIVE_EVENT_RETENTION`` (seconds); readers away longer reload everything."""
    if older_than is None:
        older_than = timedelta(seconds=settings.LIVE_EVENT_RETENTION)
    deleted, _ = Event.objects.filter(created__lt=timezone.now() - older_than).delete()
    if deleted:
        logger.info("live: pruned %d events", deleted)
    return deleted
