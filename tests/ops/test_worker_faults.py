"""Task workers that die or are stopped in the middle of a task (real `run_worker` processes)."""

from __future__ import annotations

import signal
import time

import pytest
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from newsreader.models import Source
from ops.models import WorkerHeartbeat
from tests.ops.conftest import wait_for
from tests.ops.tasks import record_once

# Quick beats so that a dead worker is noticed in ~2 s.
FAST = {"WORKER_HEARTBEAT_SECONDS": "0.3", "WORKER_STALE_SECONDS": "2"}


def status(result) -> str:
    return DBTaskResult.objects.values_list("status", flat=True).get(pk=result.id)


def started(marker: str, attempt: int) -> bool:
    return Source.objects.filter(name__startswith=f"{marker} start {attempt} ").exists()


def test_a_task_taken_by_a_worker_that_dies_completes_later_exactly_once(worker_factory, db_task_queue):
    result = record_once.enqueue("killed", 120)
    first = worker_factory("first", env=FAST)
    wait_for(lambda: started("killed", 1), timeout=60, message="the first worker to start the task")
    task = DBTaskResult.objects.get(pk=result.id)
    assert task.status == TaskResultStatus.RUNNING and task.worker_ids == ["first"]

    first.kill(signal.SIGKILL)  # no clean-up of any kind
    assert status(result) == TaskResultStatus.RUNNING  # nobody else knows yet

    second = worker_factory("second", env=FAST)
    wait_for(lambda: status(result) == TaskResultStatus.SUCCESSFUL, timeout=60, message="the task to complete")
    task.refresh_from_db()
    assert task.worker_ids == ["first", "second"] and task.return_value == 2
    assert "put back in the queue: worker first stopped beating" in second.log()
    # Exactly once: the first attempt's work died with its worker (rolled back), the second did it.
    assert Source.objects.filter(name="killed done").count() == 1
    starts = sorted(Source.objects.filter(name__startswith="killed start").values_list("name", flat=True))
    assert [name.split(" pid ")[0] for name in starts] == ["killed start 1", "killed start 2"]
    assert len({name.split(" pid ")[1] for name in starts}) == 2  # two processes
    # ...and nothing runs it again later.
    time.sleep(1.5)
    assert Source.objects.filter(name__startswith="killed").count() == 3
    assert second.stop() == 0
    # the live worker stopped cleanly (its row says so); the dead one is still listed (as dead)
    rows = WorkerHeartbeat.objects.values_list("worker_id", "stopped_at")
    assert {worker_id: stopped_at is not None for worker_id, stopped_at in rows} == {"first": False, "second": True}


def test_sigterm_lets_the_running_task_finish(worker_factory, db_task_queue):
    result = record_once.enqueue("graceful", 2)
    worker = worker_factory("graceful", env=FAST)
    wait_for(lambda: started("graceful", 1), timeout=60, message="the task to start")
    assert worker.stop(timeout=30) == 0
    assert status(result) == TaskResultStatus.SUCCESSFUL
    assert Source.objects.filter(name="graceful done").count() == 1
    assert WorkerHeartbeat.objects.get().stopped_at is not None


@pytest.mark.parametrize("second_signal", [signal.SIGTERM, signal.SIGINT])
def test_a_forced_stop_gives_the_task_back_instead_of_failing_it(worker_factory, db_task_queue, second_signal):
    result = record_once.enqueue("forced", 120)
    worker = worker_factory("forced", env=FAST)
    wait_for(lambda: started("forced", 1), timeout=60, message="the task to start")
    worker.process.send_signal(signal.SIGTERM)  # graceful: would wait two minutes
    time.sleep(0.5)
    worker.process.send_signal(second_signal)  # "stop now"
    worker.process.wait(20)
    assert status(result) == TaskResultStatus.READY
    assert not Source.objects.filter(name="forced done").exists()
    assert "goes back to the queue" in worker.log()
