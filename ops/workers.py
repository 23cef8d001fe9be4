"""Background task workers that can die: heartbeats and recovery of their tasks.

``manage.py run_worker`` is django-tasks-db's ``db_worker`` plus a heartbeat
thread. Every ``WORKER_HEARTBEAT_SECONDS`` the thread

1. updates its :class:`~ops.models.WorkerHeartbeat` row (``beat_at = now()``);
2. runs :func:`recover_lost_tasks`: a RUNNING task whose worker has not beaten
   for ``WORKER_STALE_SECONDS`` is put back to READY, so that another worker
   (on any machine) picks it up; after ``WORKER_MAX_ATTEMPTS`` claims it is
   marked FAILED instead (a task that kills its worker every time must not
   loop forever);
3. calls the functions named in ``WORKER_HEARTBEAT_HOOKS`` (dotted paths): other
   apps' periodic checks, without this app importing them (the annotations app's
   outbox wakes its consumers there when a writer died before waking them).

The thread beats while a long task runs, so only a dead process (or one cut
off from the database for longer than the stale period) looks dead. Tasks are
therefore run *at least once*: a task that is recovered starts again from the
beginning, so tasks must do their work in a transaction, or be idempotent
(the task's own writes of an interrupted first run were rolled back with the
dead worker's connection).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.db.models import BooleanField, DateTimeField, ExpressionWrapper, Q
from django.db.models.functions import Coalesce, Now
from django.utils.module_loading import import_string
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from ops.models import WorkerHeartbeat

logger = logging.getLogger("ops.workers")

# Rows of dead workers are kept this long (the admin shows what happened), then pruned.
KEEP_DEAD_WORKERS = timedelta(days=1)

# What a database outage looks like from Django: the server is gone, restarting, or the pool
# could not hand out a connection in time (psycopg_pool's PoolTimeout arrives as OperationalError).
OUTAGE_ERRORS = (OperationalError, InterfaceError)
# Back-off between reconnection attempts of a worker cut off from the database (seconds).
RECONNECT_FIRST_DELAY = 0.5
RECONNECT_MAX_DELAY = 15.0


class WorkerLost(Exception):
    """Recorded as the failure of a task whose workers kept dying while running it."""


class WorkerStopped(BaseException):
    """Raised in a task when its worker is forced to stop (second SIGTERM/SIGINT)."""


def _ago(seconds: float) -> ExpressionWrapper:
    """``now() - seconds`` on the database's clock."""
    return ExpressionWrapper(Now() - timedelta(seconds=seconds), output_field=DateTimeField())


def default_worker_id() -> str:
    """Host, process and a random part: unique across machines, readable in the admin (<= 64 chars)."""
    host = socket.gethostname().split(".")[0][:36]
    return f"{host}-{os.getpid()}-{get_random_string(8)}"


def live_workers(stale_after: float | None = None):
    """Workers that have beaten within the stale period and have not stopped."""
    stale_after = settings.WORKER_STALE_SECONDS if stale_after is None else stale_after
    return WorkerHeartbeat.objects.filter(beat_at__gte=_ago(stale_after), stopped_at__isnull=True)


def last_worker() -> WorkerHeartbeat | None:
    """The worker heard of last (its clean stop or its last beat, whichever is later), or None when no worker
    is known (never started, or pruned). Annotated with ``last_at`` and ``now`` (the database's clock)."""
    return (
        WorkerHeartbeat.objects.annotate(last_at=Coalesce("stopped_at", "beat_at"), now=Now())
        .order_by("-last_at")
        .first()
    )


# --- heartbeats --------------------------------------------------------------------------------


def heartbeat_beat(*, worker_id: str, queues: str, task_id=None, tasks_run: int = 0) -> bool:
    """Record that ``worker_id`` is alive. Returns False when its previous beat was already stale.

    (A False means other workers may have taken back the task it is running:
    it was cut off from the database for longer than the stale period.)
    """
    with transaction.atomic():
        previous = (
            WorkerHeartbeat.objects.select_for_update()
            .filter(worker_id=worker_id, stopped_at__isnull=True)
            .annotate(fresh=ExpressionWrapper(Q(beat_at__gte=_ago(settings.WORKER_STALE_SECONDS)), output_field=BooleanField()))
            .values_list("fresh", flat=True)
            .first()
        )
        if previous is None:
            # (A row of the same id that stopped cleanly is a new start: create() below replaces it.)
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
            WorkerHeartbeat.objects.create(
                worker_id=worker_id,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
                queues=queues[:255],
                started_at=Now(),
                beat_at=Now(),
                task_id=task_id,
                tasks_run=tasks_run,
            )
            return True
        WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=Now(), task_id=task_id, tasks_run=tasks_run)
        return bool(previous)


def heartbeat_stopped(*, worker_id: str) -> None:
    """A worker that stops cleanly marks its row stopped (it runs no task any more).

    The row is kept, not deleted, so that ``/workerz`` can say "the last worker stopped cleanly at ..."
    rather than "no heartbeat" (which reads as a crash); it is pruned with the dead ones.
    """
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(stopped_at=Now(), task_id=None)


def run_heartbeat_hooks() -> int:
    """Call every function of ``WORKER_HEARTBEAT_HOOKS``; one that fails is logged and the others still run.

    Returns how many ran without an error.
    """
    done = 0
    for path in getattr(settings, "WORKER_HEARTBEAT_HOOKS", ()):
        try:
            import_string(path)()
        except DatabaseError as exc:
            logger.warning("Heartbeat hook %s: the database failed (%s).", path, _first_line(exc))
            _drop_connection()
        except Exception:
            logger.exception("Heartbeat hook %s failed.", path)
        else:
            done += 1
    return done


# --- recovery ----------------------------------------------------------------------------------


@dataclass
class Recovery:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    # RUNNING tasks of workers without a heartbeat row (a plain `db_worker`): left alone.
    unknown: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.requeued or self.failed)


def recover_lost_tasks(*, stale_after: float | None = None, max_attempts: int | None = None) -> Recovery:
    """Put RUNNING tasks of dead workers back in the queue (or fail them after too many attempts).

    Safe to run from any number of workers at once: the task rows are locked
    with ``SKIP LOCKED`` (a row being claimed right now is skipped), and a
    task is only touched when its *last* claimer is known and stale.
    """
    stale_after = settings.WORKER_STALE_SECONDS if stale_after is None else stale_after
    max_attempts = settings.WORKER_MAX_ATTEMPTS if max_attempts is None else max_attempts
    result = Recovery()
    with transaction.atomic():
        workers = dict(
            WorkerHeartbeat.objects.annotate(
                alive=ExpressionWrapper(
                    Q(beat_at__gte=_ago(stale_after), stopped_at__isnull=True), output_field=BooleanField()
                )
            ).values_list("worker_id", "alive")
        )
        running = (
            DBTaskResult.objects.running()
            .select_for_update(skip_locked=True)
            .only("id", "status", "worker_ids", "started_at", "task_path")
            .order_by()
        )
        for task in running:
            claimer = task.worker_ids[-1] if task.worker_ids else None
            if claimer not in workers:
                result.unknown.append(str(task.id))
                continue
            if workers[claimer]:
                continue
            attempts = len(task.worker_ids)
            if attempts >= max_attempts:
                message = (
                    f"{WorkerLost.__module__}.{WorkerLost.__qualname__}: the worker running this task stopped "
                    f"beating (attempt {attempts} of {max_attempts}; workers: {', '.join(task.worker_ids)})."
                )
                DBTaskResult.objects.filter(pk=task.pk).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=Now(),
                    exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                    traceback=message,
                    return_value=None,
                )
                result.failed.append(str(task.id))
                logger.error("Task %s (%s) failed: %s", task.id, task.task_path, message)
            else:
                DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.READY, started_at=None)
                result.requeued.append(str(task.id))
                logger.warning(
                    "Task %s (%s) put back in the queue: worker %s stopped beating (attempt %d of %d).",
                    task.id, task.task_path, claimer, attempts, max_attempts,
                )  # fmt: skip
        # Forget dead (and cleanly stopped) workers a while later, unless a task still names them.
        busy = {t.worker_ids[-1] for t in DBTaskResult.objects.running().only("worker_ids") if t.worker_ids}
        WorkerHeartbeat.objects.filter(beat_at__lt=_ago(KEEP_DEAD_WORKERS.total_seconds())).exclude(
            worker_id__in=busy
        ).delete()
    return result


def requeue_task(task_id) -> None:
    """Put one RUNNING task back in the queue (its worker was stopped in the middle of it)."""
    DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )


def _drop_connection() -> None:
    """Forget this thread's (broken) connection; the next query opens a new one."""
    try:
        connection.close()
    except DatabaseError:
        pass


def retry_through_outages(action, *, what: str, is_running=lambda: True):
    """Run ``action()`` until it gets through a database outage, backing off between attempts.

    Returns what ``action`` returns, or None when ``is_running()`` turns false
    (the worker was asked to stop while it waited for the database).
    """
    delay = RECONNECT_FIRST_DELAY
    while True:
        try:
            return action()
        except OUTAGE_ERRORS as exc:
            if not is_running():
                return None
            logger.warning("%s: the database is unreachable (%s); retrying in %.1f s.", what, _first_line(exc), delay)
            _drop_connection()
            time.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_DELAY)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


# --- the worker process ------------------------------------------------------------------------


class HeartbeatWorker(Worker):
    """django-tasks-db's worker that knows which task it runs and gives it back when forced to stop."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.current_task = None
        self.tasks_run = 0
        # A task whose outcome could not be written because the database went away.
        self.interrupted_task = None

    def run(self) -> None:
        """django-tasks-db's loop, restarted after every database outage (with back-off).

        The plain ``db_worker`` exits on the first ``OperationalError`` (a restart of
        PostgreSQL, a pool timeout): a worker must outlive any outage instead.
        """
        retry_through_outages(self._run_once, what=f"Worker {self.worker_id}", is_running=lambda: self.running)

    def _run_once(self) -> None:
        if self.interrupted_task is not None:
            # Its run ended with the outage and nothing recorded how: run it again (tasks
            # are at-least-once, see the module docstring).
            requeue_task(self.interrupted_task)
            logger.warning("Task %s put back in the queue: the database went away while it ran.", self.interrupted_task)
            self.interrupted_task = None
        super().run()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current_task = db_task_result.pk
        original_set_failed = db_task_result.set_failed

        def set_failed(exc: BaseException) -> None:
            # Stopped in the middle by our own shutdown: not the task's failure.
            if isinstance(exc, WorkerStopped):
                requeue_task(db_task_result.pk)
                logger.warning("Task %s put back in the queue: the worker was stopped.", db_task_result.pk)
            elif isinstance(exc, OUTAGE_ERRORS) and len(db_task_result.worker_ids) < settings.WORKER_MAX_ATTEMPTS:
                # The database went away under the task: not the task's fault either.
                _drop_connection()
                requeue_task(db_task_result.pk)
                logger.warning("Task %s put back in the queue: the database went away while it ran.", db_task_result.pk)
            else:
                original_set_failed(exc)

        db_task_result.set_failed = set_failed
        try:
            super().run_task(db_task_result)
        except OUTAGE_ERRORS:
            self.interrupted_task = db_task_result.pk
            raise
        finally:
            self.current_task = None
            self.tasks_run += 1

    def shutdown(self, signum, frame) -> None:
        if not self.running and self.running_task:
            # Second signal while a task runs: stop now, and give the task back.
            logger.warning("Stopping in the middle of task %s; it goes back to the queue.", self.current_task)
            self.reset_signals()
            raise WorkerStopped()
        super().shutdown(signum, frame)


class Heartbeat(threading.Thread):
    """Beats for one worker and recovers other workers' lost tasks, every ``interval`` seconds."""

    def __init__(self, worker: HeartbeatWorker, *, queues: str, interval: float, stale_after: float, max_attempts: int):
        super().__init__(name=f"heartbeat-{worker.worker_id}", daemon=True)
        self.worker = worker
        self.queues = queues
        self.interval = interval
        self.stale_after = stale_after
        self.max_attempts = max_attempts
        self._stop_event = threading.Event()

    def tick(self) -> None:
        """One beat and one recovery pass; database errors are logged, never fatal."""
        close_old_connections()
        try:
            fresh = heartbeat_beat(
                worker_id=self.worker.worker_id,
                queues=self.queues,
                task_id=self.worker.current_task,
                tasks_run=self.worker.tasks_run,
            )
            if not fresh:
                logger.warning(
                    "Worker %s could not beat for over %.0f s; another worker may have taken back task %s.",
                    self.worker.worker_id, self.stale_after, self.worker.current_task,
                )  # fmt: skip
            recover_lost_tasks(stale_after=self.stale_after, max_attempts=self.max_attempts)
        except DatabaseError as exc:
            logger.warning("Worker %s: heartbeat failed (%s); retrying in %.1f s.", self.worker.worker_id, exc, self.interval)
            connection.close()
            return
        run_heartbeat_hooks()

    def run(self) -> None:
        try:
            while not self._stop_event.wait(self.interval):
                self.tick()
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop_event.set()
