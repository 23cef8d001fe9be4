"""Tasks the worker tests enqueue (module level: workers import them by path)."""

from __future__ import annotations

import os
import time

from django.db import transaction
from django_tasks import task

from newsreader.models import Source


@task(takes_context=True)
def record_once(context, marker: str, first_attempt_seconds: float) -> int:
    """Note each start (committed at once), dawdle on the first attempt only, then do the work in one transaction.

    The work is a Source named ``<marker> done`` (names are unique: a second
    completion could not go unnoticed).
    """
    attempt = context.attempt
    Source.objects.create(name=f"{marker} start {attempt} pid {os.getpid()}", slug=f"{marker}-start-{attempt}")
    if attempt == 1:
        time.sleep(first_attempt_seconds)
    with transaction.atomic():
        Source.objects.create(name=f"{marker} done", slug=f"{marker}-done")
    return attempt
