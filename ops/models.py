"""Heartbeats of the background task workers.

django-tasks-db marks a task RUNNING when a worker claims it and never looks
at it again: if that worker dies (killed, machine lost), the task stays
RUNNING forever. Each worker started with ``manage.py run_worker`` therefore
keeps one :class:`WorkerHeartbeat` row fresh from a thread; a RUNNING task
whose worker's heartbeat went stale is put back in the queue
(:func:`ops.workers.recover_lost_tasks`), and ``/workerz`` reports whether any
worker is alive (and, when none is, whether the last one stopped cleanly or died:
a clean stop sets ``stopped_at`` instead of deleting the row).

Times are the database's clock (``now()``), never the worker's: workers on
several machines are compared with one clock.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    # The worker id django-tasks-db appends to DBTaskResult.worker_ids when it
    # claims a task (at most 64 characters there too).
    worker_id = models.CharField(_("worker id"), max_length=64, primary_key=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    queues = models.CharField(_("queues"), max_length=255)
    started_at = models.DateTimeField(_("started"))
    beat_at = models.DateTimeField(_("last heartbeat"))
    # The task being run at the last beat (for people looking at the admin).
    task_id = models.UUIDField(_("current task"), null=True, blank=True)
    tasks_run = models.PositiveIntegerField(_("tasks run"), default=0)
    # Set when the worker stopped cleanly (SIGTERM, --max-tasks, --batch): it is not dead, it left. The row
    # is kept (pruned with the dead ones a day later) so that /workerz can tell "stopped" from "died".
    stopped_at = models.DateTimeField(_("stopped cleanly"), null=True, blank=True)

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")
        ordering = ["-beat_at"]
        indexes = [models.Index(fields=["beat_at"], name="ops_worker_beat_idx")]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
