"""``manage.py run_worker``: django-tasks-db's ``db_worker`` with a heartbeat.

Run one (or more) on every worker machine. Takes every option of
``db_worker`` (``--queue-name``, ``--interval``, ``--max-tasks``, ...) plus
``--heartbeat`` and ``--stale-after``. See :mod:`ops.workers`.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from django.db import DatabaseError

from ops.workers import (
    Heartbeat,
    HeartbeatWorker,
    default_worker_id,
    heartbeat_beat,
    heartbeat_stopped,
    recover_lost_tasks,
    retry_through_outages,
)

logger = logging.getLogger("ops.workers")


class Command(DBWorkerCommand):
    help = "Run a database task worker that beats a heartbeat and takes back tasks of dead workers."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--heartbeat",
            type=float,
            default=None,
            help="Seconds between heartbeats (default: WORKER_HEARTBEAT_SECONDS).",
        )
        parser.add_argument(
            "--stale-after",
            type=float,
            default=None,
            help="Seconds without a heartbeat after which a worker is dead (default: WORKER_STALE_SECONDS).",
        )
        # Production command: no autoreloader (a reload would kill a running task);
        # an id that says which machine and process the worker is.
        parser.set_defaults(reload=False, worker_id=default_worker_id())

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, heartbeat, stale_after, **options):  # fmt: skip
        if reload:
            raise CommandError("run_worker does not reload; use `manage.py db_worker --reload` while developing.")
        self.configure_logging(verbosity)
        heartbeat = heartbeat or settings.WORKER_HEARTBEAT_SECONDS
        stale_after = stale_after or settings.WORKER_STALE_SECONDS
        if stale_after <= 2 * heartbeat:
            raise CommandError(f"--stale-after ({stale_after:g} s) must be more than twice --heartbeat ({heartbeat:g} s).")
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")

        # what the heartbeat row (the admin, /workerz) says this worker takes: "* except training"
        queues = f"{queue_name} except {','.join(excluded)}" if excluded else queue_name

        worker = HeartbeatWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        pulse = Heartbeat(
            worker, queues=queues, interval=heartbeat, stale_after=stale_after,
            max_attempts=settings.WORKER_MAX_ATTEMPTS,
        )  # fmt: skip
        # Known (and alive) before the first claim, so that a task is never
        # claimed by a worker that recovery cannot see.
        # (A worker started while the database is down waits for it instead of exiting.)
        worker.configure_signals()

        def announce():
            heartbeat_beat(worker_id=worker_id, queues=queues)
            recover_lost_tasks(stale_after=stale_after)

        retry_through_outages(announce, what=f"Worker {worker_id}")
        pulse.start()
        logger.info("Worker %s: heartbeat every %g s, dead after %g s.", worker_id, heartbeat, stale_after)
        try:
            worker.run()
        finally:
            pulse.stop()
            pulse.join(timeout=heartbeat + 5)
            if worker.current_task is None:
                try:
                    heartbeat_stopped(worker_id=worker_id)
                except DatabaseError as exc:  # the database is down: the row goes stale (reads as dead) and is pruned
                    logger.warning("Worker %s: could not record its clean stop (%s).", worker_id, exc)
