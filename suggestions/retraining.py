"""When to retrain the CRF: the annotation event log's ``crf`` consumer, which counts the people's new
marks and queues :func:`suggestions.tasks.retrain_crf` when enough are new.

Apart from :mod:`suggestions.services` because it queues a task whose work is in services:
services <- tasks <- this module, one way.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction

from suggestions import selectors, services
from suggestions.models import CrfPending, CrfRetrainQueued
from suggestions.tasks import retrain_crf

# Annotations the CRF learns from may have changed when these events happen.
_LEARNING_ACTIONS = ("created", "updated", "carried_over", "restored")
# A queued retraining that no worker started within this time is queued again.
RETRAIN_QUEUE_EXPIRY = 15 * 60


def crf_count_events(events) -> None:
    """Consumer of the annotation event log: note the learned entities a batch of events names, then
    queue retraining when enough are new (safe to repeat: the pending annotations are a set)."""
    ids = sorted({pk for e in events if e.action in _LEARNING_ACTIONS for pk in e.annotation_ids})
    if not ids:
        return
    learned = list(selectors.learned_entities().filter(pk__in=ids).values_list("pk", flat=True))
    if not learned:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CrfPending._meta.db_table} (annotation_id, added) SELECT unnest(%s::bigint[]), now() "
            f"ON CONFLICT (annotation_id) DO UPDATE SET added = EXCLUDED.added",
            [learned],
        )
    crf_retrain_if_due()


def crf_retrain_if_due() -> bool:
    """Enqueue :func:`suggestions.tasks.retrain_crf` (after commit) when enough annotations are new."""
    threshold = settings.SUGGESTIONS_CRF_RETRAIN_AFTER
    if threshold <= 0 or services.crf_new_annotations(limit=threshold) < threshold:
        return False
    # One queued retraining at a time: the row is claimed by one statement that never fails
    # (a retraining queued long ago whose worker died counts as not queued).
    table = CrfRetrainQueued._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, queued_at) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET queued_at = now() "
            f"WHERE {table}.queued_at IS NULL OR {table}.queued_at < now() - make_interval(secs => %s) RETURNING id",
            [RETRAIN_QUEUE_EXPIRY],
        )
        if cursor.fetchone() is None:
            return False
    transaction.on_commit(lambda: retrain_crf.enqueue())
    return True
