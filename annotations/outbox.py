"""The event log as a transactional outbox, and the consumers that read it.

A change to annotations writes its rows and **one** :class:`~annotations.models.Event`
row in the same transaction (:func:`event_append`), and nothing else. Whatever
else a change means is done by *consumers*, after the commit, in batches:

* ``live`` (:mod:`live.services`): gives events their stream positions in
  commit order and wakes the app servers (``NOTIFY``);
* ``entities`` (:mod:`entities.services`): entity mentions, speaker quotes and
  the counts of the entity pages and the search filters;
* ``crf`` (:mod:`suggestions.services`): counts the people's new marks and
  queues retraining the suggestions' CRF.

Consumers register themselves (:func:`register`, from their app's ``ready()``),
so this app depends on none of them. Each remembers how far it has read in an
:class:`~annotations.models.EventCursor` row, updated in the transaction that
does its work: a crash before the commit leaves the events unread, and the
next run does them. A consumer's work must also be safe to repeat (the derived
rows are brought in line with the annotations, counters are sets).

**Which events are new.** Event ids come from a sequence, taken when a row is
inserted: a transaction that started earlier may commit *after* one with a
larger id, so "every id above the last one read" would miss it. Instead each
consumer keeps the PostgreSQL snapshot (``pg_current_snapshot()``) it last
read up to, and reads the events of transactions visible in a new snapshot but
not in the old one (the PgQ method). No lock is taken by writers; consumers of
one name run one at a time (their cursor row is locked).

**Who runs them.** After a commit that appended events, :func:`wake` queues the
task ``annotations.tasks.drain_outbox`` (a worker runs it; the task module imports this one, so the
task is handed in by :func:`use_task` from ``AnnotationsConfig.ready()``; the test settings'
ImmediateBackend runs it at once) unless one waits unclaimed. With the database
queue that check is not made in the request: the commit flags this process's
waker thread, which checks at most once per ``OUTBOX_WAKE_INTERVAL`` seconds for
every write flagged before it (:class:`_Waker`). :func:`drain` may be called any time, also
inside a transaction (it then includes that transaction's own events), and the
``outbox_drain`` management command runs it by hand.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from annotations.models import Event, EventCursor

logger = logging.getLogger(__name__)

_TABLE = Event._meta.db_table
_CURSORS = EventCursor._meta.db_table
# Events handled per transaction of a consumer.
BATCH = 1000
# A snapshot in which no transaction is visible: a new consumer reads the whole log.
NOTHING_SEEN = "1:1:"


@dataclass(frozen=True)
class LoggedEvent:
    id: int
    article_id: int
    action: str
    annotation_ids: tuple[int, ...]


Handler = Callable[[list[LoggedEvent]], None]
_consumers: dict[str, Handler] = {}


def register(name: str, handler: Handler) -> None:
    """Make ``handler`` a consumer of the log (called from an app's ``ready()``; order of registration is run order)."""
    _consumers[name] = handler


def consumers() -> list[str]:
    return list(_consumers)


# The task that runs drain() in a worker (annotations.tasks.drain_outbox): handed in by use_task(),
# because that task module imports this one (and this module imports no task).
_drain_task = None


def use_task(task) -> None:
    """Make ``task`` (a django-tasks task that calls :func:`drain`) the one :func:`wake` queues (from ``ready()``)."""
    global _drain_task
    _drain_task = task


def _task():
    if _drain_task is None:
        raise RuntimeError("outbox: no drain task; AnnotationsConfig.ready() hands it in (is the app installed?)")
    return _drain_task


# --- writing ---------------------------------------------------------------------------

_INSERT = (
    f"INSERT INTO {_TABLE} (article_id, action, annotation_ids, created, txid, gone) "
    f"VALUES (%s, %s, %s::bigint[], now(), pg_current_xact_id()::text::bigint, %s::jsonb) RETURNING id"
)


def event_append(*, action: str, annotation_ids: Sequence[int], article_id: int, gone: list[dict] | None = None) -> int:
    """Log a change to ``article_id``'s annotations in the current transaction (one INSERT); returns the event id.

    ``gone``: of a deletion, who could see the deleted annotations (:attr:`Event.gone`), in the same INSERT.
    """
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, [article_id, action, list(annotation_ids), None if gone is None else json.dumps(gone)])
        event_id = cursor.fetchone()[0]
    _wake_after_commit()
    return event_id


class GuardFailed(Exception):
    """:func:`insert_logged`'s guard matched no row: nothing was inserted or logged."""


def insert_logged(
    insert_sql: str, params: Sequence, *, action: str, article_id: int, guard: tuple[str, Sequence] | None = None
) -> int | None:
    """Run ``insert_sql`` (``INSERT ... RETURNING id``) and log the rows it inserted as one event, in one statement.

    Returns the (first) new id; None when it inserted nothing (``ON CONFLICT DO NOTHING``), and then
    nothing is logged. One round trip instead of two for the hottest write, a create.

    ``guard`` is ``(sql, params)`` of a SELECT run first in the same statement as a CTE named
    ``guard`` (``insert_sql`` selects its row ``FROM guard``, e.g. the article row ``FOR SHARE``
    while it is still at the revision the caller checked against); when it matches no row,
    nothing is inserted and :class:`GuardFailed` is raised.
    """
    sql = _logged_sql(insert_sql, guard[0] if guard else None)
    prelude_params = list(guard[1]) if guard else []
    with connection.cursor() as cursor:
        cursor.execute(sql, [*prelude_params, *params, article_id, action])
        new_id, event_id, *guarded = cursor.fetchone()
    if guard and not guarded[0]:
        raise GuardFailed
    if event_id is not None:
        _wake_after_commit()
    return new_id


_logged_sqls: dict[tuple[str, str | None], str] = {}


def _logged_sql(insert_sql: str, guard_sql: str | None) -> str:
    """The statement of :func:`insert_logged`, built once per process for each INSERT and guard."""
    key = (insert_sql, guard_sql)
    sql = _logged_sqls.get(key)
    if sql is None:
        prelude = f"guard AS ({guard_sql}), " if guard_sql else ""
        sql = _logged_sqls[key] = (
            f"WITH {prelude}new AS ({insert_sql}), logged AS ("
            f"INSERT INTO {_TABLE} (article_id, action, annotation_ids, created, txid) "
            f"SELECT %s, %s, ids, now(), pg_current_xact_id()::text::bigint "
            f"FROM (SELECT array_agg(id ORDER BY id) AS ids FROM new) n WHERE ids IS NOT NULL RETURNING id) "
            f"SELECT (SELECT min(id) FROM new), (SELECT id FROM logged)"
            + (", EXISTS (SELECT FROM guard)" if guard_sql else "")
        )
    return sql


def _wake_after_commit() -> None:
    if not connection.in_atomic_block:
        # Autocommit: the statement that logged is committed already. What on_commit would do, without
        # its bookkeeping (a create's wake-up is on every write's path).
        try:
            wake()
        except Exception:
            logger.exception("outbox: waking the consumers failed; the next write wakes them")
        return
    # Once per atomic block (a service that logs two events wakes the consumers once).
    here = set(connection.savepoint_ids)
    if not any(entry[1] is wake and entry[0] == here for entry in connection.run_on_commit):
        transaction.on_commit(wake, robust=True)


def wake() -> None:
    """After a commit that appended events: have the consumers read them.

    ``OUTBOX_DRAIN = "task"`` (the default) queues the task for a worker;
    ``"inline"`` runs them here, in the process that wrote (``make run``, which
    starts no worker, so that live updates and entity pages follow at once).
    With the database queue, outside a transaction (after a real commit), the
    check is handed to this process's waker thread (``OUTBOX_WAKE_INTERVAL``).
    """
    if getattr(settings, "OUTBOX_DRAIN", "task") == "inline":
        drain()
        return
    drain_outbox = _task()
    if (
        getattr(settings, "OUTBOX_WAKE_INTERVAL", 0) > 0
        and not connection.in_atomic_block  # tests run on_commit callbacks inside their transaction
        and _database_queue(drain_outbox)
    ):
        _waker.request()
        return
    _wake_now(drain_outbox)


def _wake_now(task) -> None:
    if _drain_queued(task):
        return
    task.enqueue()


class _Waker:
    """One thread per process that wakes the consumers after writes, at most once per interval.

    A write's commit comes before its :meth:`request`, which sets the flag; the
    thread clears the flag *before* each check, so every write is followed by a
    check that starts after its commit (the same guarantee as checking in the
    request), and the writes of an interval share one check instead of one
    statement each. A process that dies between a commit and the next check
    leaves those events for the next write's wake-up (or ``manage.py
    outbox_drain``); at a normal exit a pending check is made (``atexit``).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._due = threading.Event()

    def request(self) -> None:
        if self._pid != os.getpid():  # first use in this process (a fork has no thread of its parent's)
            with self._lock:
                if self._pid != os.getpid():
                    self._due = threading.Event()
                    threading.Thread(target=self._run, name="outbox-waker", daemon=True).start()
                    if self._pid is None:
                        atexit.register(self.flush)
                    self._pid = os.getpid()
        if not self._due.is_set():  # set() takes the Event's lock and notifies: once per check is enough
            self._due.set()

    def _run(self) -> None:
        due = self._due
        while True:
            due.wait()
            due.clear()
            self._check()
            time.sleep(getattr(settings, "OUTBOX_WAKE_INTERVAL", 0.05))

    def flush(self) -> None:
        """Make a pending check now (at exit; tests)."""
        if self._pid == os.getpid() and self._due.is_set():
            self._due.clear()
            self._check()

    @staticmethod
    def _check() -> None:
        try:
            drain_outbox = _task()
            _wake_now(drain_outbox)
        except Exception:
            logger.exception("outbox: waking the consumers failed; the next write wakes them")
        finally:
            close_old_connections()  # a pooled connection goes back to the pool; a persistent one stays


_waker = _Waker()


def _database_queue(task) -> bool:
    try:
        from django_tasks_db.backend import DatabaseBackend
    except ImportError:  # pragma: no cover - the database queue is a dependency
        return False
    return isinstance(task.get_backend(), DatabaseBackend)


def _drain_queued(task) -> bool:
    """Whether a run of ``task`` waits in the database queue, not yet claimed by a worker.

    Such a run reads our events: this is called after our commit, and a worker
    claims a task (commits it as running) before it runs it, so the run's
    snapshot is taken after this check saw it waiting. One indexed look-up
    instead of a task per write: under many writes the worker drains them in
    batches instead of once each (issue 15).
    """
    backend = task.get_backend()
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database queue is a dependency
        return False
    if not isinstance(backend, DatabaseBackend):
        return False
    return (
        DBTaskResult.objects.ready()
        .filter(task_path=task.module_path, queue_name=task.queue_name, backend_name=backend.alias)
        .exists()
    )


def unread() -> bool:
    """Whether a consumer has events it has not read yet (one statement; the txid index bounds it to the
    transactions from the oldest consumer's snapshot on)."""
    names = list(_consumers)
    if not names:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT EXISTS (
                    SELECT 1 FROM {_CURSORS} c JOIN {_TABLE} e
                      ON e.txid >= pg_snapshot_xmin(c.snapshot::pg_snapshot)::text::bigint
                     AND NOT pg_visible_in_snapshot(e.txid::text::xid8, c.snapshot::pg_snapshot)
                     AND NOT (e.txid = c.own_txid AND e.id <= c.own_last_id)
                   WHERE c.name = ANY(%s))
                OR ((SELECT count(*) FROM {_CURSORS} WHERE name = ANY(%s)) < %s AND EXISTS (SELECT 1 FROM {_TABLE}))""",
            [names, names, len(names)],
        )
        return cursor.fetchone()[0]


def wake_if_unread() -> bool:
    """Queue a run of the consumers when some events are unread and none waits (True when it woke them).

    For a process that checks now and then, the task worker's heartbeat (``WORKER_HEARTBEAT_HOOKS``):
    it closes the waker's gap. A writer killed between its commit and its wake-up left its events for
    the next write; without one, they now wait at most one heartbeat.
    """
    if not unread():
        return False
    _wake_now(_task())
    return True


# --- reading ---------------------------------------------------------------------------

# The events to handle: of the transactions visible in the snapshot ``upto`` and not in ``done``
# (less those of the last run's own transaction it handled then), plus, when this run is inside a
# transaction that appended events, that transaction's events not handled yet.
_WINDOW = f"""
    SELECT id, article_id, action, annotation_ids, txid FROM {_TABLE}
     WHERE ((txid >= pg_snapshot_xmin(%(done)s::pg_snapshot)::text::bigint
             AND txid < pg_snapshot_xmax(%(upto)s::pg_snapshot)::text::bigint
             AND NOT pg_visible_in_snapshot(txid::text::xid8, %(done)s::pg_snapshot)
             AND pg_visible_in_snapshot(txid::text::xid8, %(upto)s::pg_snapshot)
             AND NOT (txid = %(last_own)s AND id <= %(last_own_id)s))
            OR (txid = %(own)s AND id > %(own_after)s))
       AND id > %(after)s
     ORDER BY id LIMIT %(limit)s
"""


def _without(snapshot: str, own: int | None) -> str:
    """``snapshot`` with transaction ``own`` counted as still running.

    A transaction is left out of its own snapshot's list of running ones: it
    would look committed, and its events appended after this run would never
    be read. Marked running, they are read once it commits.
    """
    if own is None:
        return snapshot
    xmin, xmax, xip = snapshot.split(":")
    running = {int(x) for x in xip.split(",") if x}
    if own >= int(xmax) or own in running:
        return snapshot
    running.add(own)
    return f"{min(int(xmin), own)}:{xmax}:{','.join(str(x) for x in sorted(running))}"


def _ensure_cursor(cursor, name: str) -> None:
    cursor.execute(
        f"INSERT INTO {_CURSORS} (name, snapshot, upto, after_id, own_last_id, updated) "
        f"VALUES (%s, %s, '', 0, 0, now()) ON CONFLICT (name) DO NOTHING",
        [name, NOTHING_SEEN],
    )


def drain_one(name: str, *, batch: int = BATCH) -> int:
    """Hand every event the consumer ``name`` has not handled yet to it, ``batch`` at a time; returns how many."""
    handler = _consumers[name]
    total = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            _ensure_cursor(cursor, name)
            # One run per consumer at a time: the next one waits, then reads on from here.
            cursor.execute(
                f"SELECT snapshot, upto, after_id, own_txid, own_last_id FROM {_CURSORS} WHERE name = %s FOR UPDATE",
                [name],
            )
            done, upto, after, last_own, last_own_id = cursor.fetchone()
            cursor.execute("SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()::text")
            snapshot, own = cursor.fetchone()
            own = int(own) if own else None
            if not upto:
                upto, after = _without(snapshot, own), 0
            own_after = last_own_id if own is not None and own == last_own else 0
            params = {
                "done": done, "upto": upto, "after": after, "limit": batch, "last_own": last_own or 0,
                "last_own_id": last_own_id, "own": own or 0, "own_after": own_after,
            }  # fmt: skip
            cursor.execute(_WINDOW, params)
            rows = cursor.fetchall()
            if rows:
                handler([LoggedEvent(pk, article_id, action, tuple(ids)) for pk, article_id, action, ids, _ in rows])
            if own is not None:
                last_own, last_own_id = own, max([own_after, *(row[0] for row in rows if row[4] == own)])
            finished = len(rows) < batch
            cursor.execute(
                f"UPDATE {_CURSORS} SET snapshot = %s, upto = %s, after_id = %s, own_txid = %s, own_last_id = %s, "
                f"updated = now() WHERE name = %s",
                [upto if finished else done, "" if finished else upto, 0 if finished else rows[-1][0],
                 last_own, last_own_id, name],
            )  # fmt: skip
        total += len(rows)
        if finished:
            return total


def drain(names: Sequence[str] | None = None, *, batch: int = BATCH) -> dict[str, int]:
    """Run the consumers (all, or those named) over what they have not read; returns events handled per consumer.

    A consumer that fails is logged and left where it was (its next run tries
    again); the others still run.
    """
    handled = {}
    for name in names or list(_consumers):
        try:
            handled[name] = drain_one(name, batch=batch)
        except Exception:
            if connection.in_atomic_block:
                raise  # the caller's transaction is broken: let it roll back
            logger.exception("outbox: consumer %s failed; its events stay unread", name)
            handled[name] = 0
    return handled


def last_position() -> int:
    """The stream position of the log's newest relayed event, 0 when there is none (one index lookup).

    A reader's starting position (the article page, a live stream's hello) is the whole log's, never the
    article's own: that would tell anybody when the article last had a change it may not see (live/views.py).
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(position) FROM {_TABLE}")
        return cursor.fetchone()[0] or 0


def events_prune(*, older_than: timedelta | None = None) -> int:
    """Delete events older than ``LIVE_EVENT_RETENTION`` seconds that every consumer has read.

    Live readers away longer reload everything.
    """
    if older_than is None:
        older_than = timedelta(seconds=settings.LIVE_EVENT_RETENTION)
    with connection.cursor() as cursor:
        for name in _consumers:  # a consumer that never ran has read nothing yet
            _ensure_cursor(cursor, name)
        cursor.execute(
            f"""DELETE FROM {_TABLE} e WHERE e.created < %s AND NOT EXISTS (
                    SELECT 1 FROM {_CURSORS} c
                     WHERE NOT pg_visible_in_snapshot(e.txid::text::xid8, c.snapshot::pg_snapshot)
                       AND NOT (e.txid = c.own_txid AND e.id <= c.own_last_id))""",
            [timezone.now() - older_than],
        )
        deleted = cursor.rowcount
    if deleted:
        logger.info("outbox: pruned %d events", deleted)
    return deleted
