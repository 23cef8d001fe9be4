"""Background tasks of the annotations app (django-tasks; a worker runs them, tests run them at once)."""

from __future__ import annotations

import random

from django_tasks import task

from annotations import outbox

# About one run in this many also deletes events every consumer has read and that are past their retention.
PRUNE_EVERY = 500


@task()
def drain_outbox() -> dict:
    """Hand the events committed since the last run to every consumer of the log (safe to run twice)."""
    handled = outbox.drain()
    if random.randrange(PRUNE_EVERY) == 0:
        outbox.events_prune()
    return handled
