"""Background tasks of the annotations app (django-tasks; a worker runs them, tests run them at once)."""

from __future__ import annotations

from django_tasks import task

from annotations import outbox


@task()
def drain_outbox() -> dict:
    """Hand the events committed since the last run to every consumer of the log (safe to run twice)."""
    return outbox.drain()
