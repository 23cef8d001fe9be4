"""Worker heartbeats and the recovery of tasks whose worker died (in-process)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from newsreader.models import Source
from ops.models import WorkerHeartbeat
from ops.workers import (
    Heartbeat,
    default_worker_id,
    heartbeat_beat,
    heartbeat_stopped,
    live_workers,
    recover_lost_tasks,
    run_heartbeat_hooks,
)
from tests.ops.tasks import record_once

STALE = 30


@pytest.fixture(autouse=True)
def _stale_after(settings):
    settings.WORKER_STALE_SECONDS = STALE
    settings.WORKER_MAX_ATTEMPTS = 3


def worker(worker_id: str, *, seconds_ago: float) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="host", pid=1, queues="*", started_at=now - timedelta(hours=1),
        beat_at=now - timedelta(seconds=seconds_ago),
    )  # fmt: skip


def running_task(*claimers: str, status=TaskResultStatus.RUNNING) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": ["m", 0], "kwargs": {}},
        task_path="tests.ops.tasks.record_once",
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=list(claimers),
        started_at=timezone.now() - timedelta(minutes=5) if status == TaskResultStatus.RUNNING else None,
    )


def test_the_task_of_a_dead_worker_goes_back_to_the_queue(db):
    worker("dead", seconds_ago=STALE + 1)
    worker("alive", seconds_ago=STALE - 5)
    lost = running_task("dead")
    busy = running_task("alive")
    result = recover_lost_tasks()
    assert result.requeued == [str(lost.pk)] and result.failed == [] and result.unknown == []
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert lost.status == TaskResultStatus.READY and lost.started_at is None
    assert lost.worker_ids == ["dead"]  # the history stays: it counts attempts
    assert busy.status == TaskResultStatus.RUNNING
    # the requeued task is what the next worker claims
    assert DBTaskResult.objects.ready().get() == lost


def test_only_the_last_claimer_matters(db):
    """A task retried once already: its first (dead) worker is history, its current one is alive."""
    worker("first", seconds_ago=3600)
    worker("second", seconds_ago=1)
    task = running_task("first", "second")
    assert not recover_lost_tasks()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_a_task_that_keeps_killing_its_workers_fails_after_max_attempts(db, db_task_queue):
    for name in ("w1", "w2", "w3"):
        worker(name, seconds_ago=STALE * 2)
    task = running_task("w1", "w2", "w3")
    result = recover_lost_tasks()
    assert result.failed == [str(task.pk)] and result.requeued == []
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED and task.finished_at is not None
    assert task.exception_class_path == "ops.workers.WorkerLost"
    assert "attempt 3 of 3" in task.traceback and "w1, w2, w3" in task.traceback
    assert task.task_result.errors[0].exception_class_path == "ops.workers.WorkerLost"


def test_tasks_of_workers_without_heartbeat_are_left_alone(db):
    """A plain `db_worker` beats no heartbeat: we cannot know it died, so we never run its task twice."""
    task = running_task("plain-db-worker")
    result = recover_lost_tasks()
    assert result.unknown == [str(task.pk)] and not result
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_finished_and_waiting_tasks_are_not_touched(db):
    worker("dead", seconds_ago=STALE * 2)
    done = running_task("dead", status=TaskResultStatus.SUCCESSFUL)
    failed = running_task("dead", status=TaskResultStatus.FAILED)
    waiting = running_task(status=TaskResultStatus.READY)
    assert not recover_lost_tasks()
    for task, status in ((done, "SUCCESSFUL"), (failed, "FAILED"), (waiting, "READY")):
        task.refresh_from_db()
        assert task.status == status


def test_dead_workers_are_forgotten_after_a_day(db):
    worker("long-gone", seconds_ago=2 * 86400)
    worker("gone-with-task", seconds_ago=2 * 86400)
    worker("recent", seconds_ago=STALE * 2)
    task = running_task("gone-with-task")
    result = recover_lost_tasks()
    # its task is taken back first, then the row can go
    assert result.requeued == [str(task.pk)]
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {"recent"}


def test_heartbeat_creates_then_refreshes_its_row(db):
    assert heartbeat_beat(worker_id="w", queues="*") is True
    row = WorkerHeartbeat.objects.get()
    first = row.beat_at
    WorkerHeartbeat.objects.filter(pk="w").update(beat_at=first - timedelta(seconds=STALE + 5))
    task_id = uuid.uuid4()
    # it was silent for longer than the stale period: it says so
    assert heartbeat_beat(worker_id="w", queues="*", task_id=task_id, tasks_run=4) is False
    row.refresh_from_db()
    assert row.beat_at >= first and row.task_id == task_id and row.tasks_run == 4
    assert heartbeat_beat(worker_id="w", queues="*") is True
    assert list(live_workers()) == [row]


def test_a_stopped_worker_is_not_alive_and_its_id_can_start_again(db):
    assert heartbeat_beat(worker_id="w", queues="*") is True
    heartbeat_stopped(worker_id="w")
    row = WorkerHeartbeat.objects.get()
    assert row.stopped_at is not None and not live_workers().exists()
    # The same id started again (`--worker-id`): a new start, alive, no longer stopped.
    assert heartbeat_beat(worker_id="w", queues="default") is True
    row = WorkerHeartbeat.objects.get()
    assert row.stopped_at is None and row.queues == "default" and list(live_workers()) == [row]


def test_a_task_left_running_by_a_stopped_worker_is_taken_back(db):
    """(A clean stop never leaves one; a row marked stopped is a worker that is gone, like a dead one.)"""
    worker("left", seconds_ago=0)
    WorkerHeartbeat.objects.filter(pk="left").update(stopped_at=timezone.now())
    task = running_task("left")
    assert recover_lost_tasks().requeued == [str(task.pk)]


def test_worker_ids_are_unique_and_fit_django_tasks_db():
    ids = {default_worker_id() for _ in range(50)}
    assert len(ids) == 50 and all(len(i) <= 64 for i in ids)


def test_run_worker_runs_queued_tasks_and_cleans_up(transactional_db, db_task_queue):
    result = record_once.enqueue("batch", 0)
    call_command("run_worker", "--batch", "--no-startup-delay", "--worker-id", "batch-worker", "--heartbeat", "0.2", "--stale-after", "1", verbosity=0)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == 1
    assert result.worker_ids == ["batch-worker"]
    assert Source.objects.filter(name="batch done").count() == 1
    # a worker that stops cleanly marks its row stopped (kept, so /workerz can tell a stop from a crash)
    row = WorkerHeartbeat.objects.get()
    assert row.worker_id == "batch-worker" and row.stopped_at is not None and row.task_id is None
    assert not live_workers().exists()


def test_run_worker_refuses_a_stale_period_too_close_to_the_heartbeat(db, db_task_queue):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="more than twice"):
        call_command("run_worker", "--batch", "--heartbeat", "5", "--stale-after", "9")


def test_recover_tasks_command(db, capsys):
    worker("dead", seconds_ago=STALE * 2)
    task = running_task("dead")
    call_command("recover_tasks")
    out = capsys.readouterr().out
    assert "requeued 1, failed 0" in out and str(task.pk) in out


# --- hooks of other apps -----------------------------------------------------------------------

CALLS: list[str] = []


def stand_in_worker(worker_id: str):
    """What a Heartbeat reads of its worker."""
    from types import SimpleNamespace

    return SimpleNamespace(worker_id=worker_id, current_task=None, tasks_run=0)


def hook_that_records() -> None:
    CALLS.append("ran")


def hook_that_fails() -> None:
    raise RuntimeError("the hook broke")


def hook_whose_database_fails() -> None:
    from django.db import OperationalError

    raise OperationalError("server closed the connection")


def test_the_heartbeat_calls_every_hook_and_a_failing_one_stops_no_other(db, settings, caplog, monkeypatch):
    # The test's transaction stays open (the heartbeat thread has a connection of its own to close).
    monkeypatch.setattr("ops.workers.close_old_connections", lambda: None)
    monkeypatch.setattr("ops.workers._drop_connection", lambda: CALLS.append("dropped"))
    CALLS.clear()
    prefix = "tests.ops.test_workers."
    settings.WORKER_HEARTBEAT_HOOKS = [f"{prefix}hook_that_fails", f"{prefix}hook_whose_database_fails", f"{prefix}hook_that_records"]
    pulse = Heartbeat(stand_in_worker("hooked"), queues="*", interval=1, stale_after=STALE, max_attempts=3)
    pulse.tick()
    assert CALLS == ["dropped", "ran"]  # a broken connection is dropped: the next hook gets a new one
    assert WorkerHeartbeat.objects.filter(worker_id="hooked").exists()  # the beat came first
    assert "hook_that_fails failed" in caplog.text and "the database failed" in caplog.text
    CALLS.clear()
    assert run_heartbeat_hooks() == 1 and CALLS == ["dropped", "ran"]


def test_no_hook_runs_when_the_beat_itself_failed(db, settings, monkeypatch):
    from django.db import OperationalError

    CALLS.clear()
    settings.WORKER_HEARTBEAT_HOOKS = ["tests.ops.test_workers.hook_that_records"]

    def down(**kwargs):
        raise OperationalError("the database is down")

    monkeypatch.setattr("ops.workers.heartbeat_beat", down)
    Heartbeat(stand_in_worker("cut-off"), queues="*", interval=1, stale_after=STALE, max_attempts=3).tick()
    assert CALLS == []


def test_the_settings_hook_of_the_outbox_is_a_function(settings):
    """The project's settings name the outbox's wake-up (ops imports no app: the setting wires them)."""
    from django.utils.module_loading import import_string

    assert [callable(import_string(path)) for path in settings.WORKER_HEARTBEAT_HOOKS] == [True]
