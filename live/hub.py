"""One PostgreSQL ``LISTEN`` per app server process, fanned out to its readers.

Every app server (uvicorn process) behind the load balancer runs one
:class:`Hub` in its event loop. The hub holds

* one connection that ``LISTEN``\\s on :data:`live.services.CHANNEL`: a change
  committed on *any* server is relayed (:mod:`live.services`) with ``NOTIFY``
  ``"<article>:<position>"``
  and every server hears it, so readers connected to different servers see the
  same changes;
* a small pool (``LIVE_DB_POOL_SIZE``, default 4) for reading the event log:
  the hub reads each announced event once and hands it to every stream of that
  article on this process, and streams use it to replay what a reconnecting
  reader missed.

So a process with a thousand readers uses at most ``1 + LIVE_DB_POOL_SIZE``
database connections, and the streaming code never touches Django's
per-thread connections (a stream lives for minutes; a connection per reader
would exhaust PostgreSQL). When the LISTEN connection drops, the hub
reconnects with back-off and tells every stream to catch up from the log,
because notifications sent meanwhile are lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from dataclasses import dataclass, field

import psycopg
from django.conf import settings
from psycopg_pool import AsyncConnectionPool

from live.models import Event
from live.services import CHANNEL
from newsreader.db import connection_kwargs
from newsreader.models import Article

logger = logging.getLogger(__name__)

# Put in a stream's queue when notifications may have been missed: replay from the log.
CATCH_UP = "catch-up"

_EVENT_COLUMNS = "position, action, article_id, annotation_ids, gone"
# Seconds to wait for a connection of the hub's pool.
POOL_TIMEOUT = 2.0
_TABLE = Event._meta.db_table


@dataclass(frozen=True)
class Message:
    """One event as streams send it (see :meth:`live.models.Event.as_message`)."""

    id: int
    action: str
    article: int
    annotations: tuple[int, ...]
    # Of a deletion, who could see the deleted annotations (Event.gone); never sent.
    gone: tuple[dict, ...] = field(default=(), compare=False)

    @classmethod
    def from_row(cls, row) -> Message:
        event_id, action, article_id, annotation_ids, gone = row
        return cls(id=event_id, action=action, article=article_id, annotations=tuple(annotation_ids), gone=tuple(gone or ()))

    def as_dict(self) -> dict:
        return {"id": self.id, "action": self.action, "article": self.article, "annotations": list(self.annotations)}


class Hub:
    def __init__(self, conninfo: dict):
        self._conninfo = conninfo
        self._subscribers: dict[int, set[asyncio.Queue]] = {}
        self._listening = asyncio.Event()
        self._listener: asyncio.Task | None = None
        self._dispatcher: asyncio.Task | None = None
        self._announced: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
        self._pool: AsyncConnectionPool | None = None
        self._pool_lock = asyncio.Lock()
        self.connected_once = False
        # Every notification heard up to this position (of any article) has been handed to the streams: a
        # stream whose queue is empty has seen every event of its article up to here (see live/views.py,
        # the keep-alive's position). Notifications arrive in commit order, which is position order.
        self.through = 0

    # --- streams ------------------------------------------------------------------

    def subscribe(self, article_id: int) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue()
        self._subscribers.setdefault(article_id, set()).add(queue)
        self._start()
        return queue

    def unsubscribe(self, article_id: int, queue: asyncio.Queue) -> None:
        queues = self._subscribers.get(article_id)
        if queues is not None:
            queues.discard(queue)
            if not queues:
                del self._subscribers[article_id]

    @property
    def stream_count(self) -> int:
        return sum(len(queues) for queues in self._subscribers.values())

    async def wait_listening(self, timeout: float) -> bool:
        """True once LISTEN is active (so nothing committed from now on can be missed)."""
        self._start()
        try:
            await asyncio.wait_for(self._listening.wait(), timeout)
        except TimeoutError:
            return False
        return True

    # --- the event log ------------------------------------------------------------

    async def _get_pool(self) -> AsyncConnectionPool:
        async with self._pool_lock:
            if self._pool is None:
                pool = AsyncConnectionPool(
                    kwargs={"application_name": "newsreader-live", **self._conninfo, "autocommit": True},
                    min_size=1,
                    max_size=max(1, settings.LIVE_DB_POOL_SIZE),
                    open=False,
                    name="live",
                    # Short, like Django's pool: a stream asked for while the database is
                    # down gets 503 + Retry-After soon (live.views), not after ten seconds.
                    timeout=POOL_TIMEOUT,
                    # A connection kept across a PostgreSQL restart is dead: check each one when
                    # it is taken out of the pool, so the first stream after an outage gets a
                    # fresh one instead of AdminShutdown.
                    check=AsyncConnectionPool.check_connection,
                )
                try:
                    await pool.open(wait=True, timeout=POOL_TIMEOUT)
                except BaseException:
                    await pool.close(timeout=0)
                    raise
                self._pool = pool
            return self._pool

    async def _drop_pool(self, pool: AsyncConnectionPool) -> None:
        """Forget a pool that could not reach the database.

        Its reconnection attempts back off (1, 2, 4, ... s): kept, it would make
        readers wait long after the database is back. The next read opens a new one.
        """
        async with self._pool_lock:
            if self._pool is pool:
                self._pool = None
        await pool.close(timeout=0)

    async def _fetch(self, sql: str, params) -> list[tuple]:
        pool = await self._get_pool()
        try:
            async with pool.connection() as conn:
                cursor = await conn.execute(sql, params)
                return await cursor.fetchall()
        except (psycopg.OperationalError, psycopg.InterfaceError):
            await self._drop_pool(pool)
            raise

    async def article_exists(self, article_id: int) -> bool:
        rows = await self._fetch(
            f"SELECT 1 FROM {Article._meta.db_table} WHERE id = %s AND current_revision_id IS NOT NULL", [article_id]
        )
        return bool(rows)

    async def position(self) -> int:
        """The whole log's newest position (not an article's: see live/views.py), 0 when it is empty."""
        rows = await self._fetch(f"SELECT max(position) FROM {_TABLE}", [])
        return rows[0][0] or 0

    async def events_after(self, article_id: int, after: int, limit: int) -> tuple[list[Message], bool]:
        """The article's events after ``after`` (at most ``limit``) and whether that is all of them.

        Not all when more than ``limit`` are waiting, or when events after
        ``after`` may have been pruned already (``after`` is older than the
        oldest event kept): the reader must then reload instead.
        """
        rows = await self._fetch(
            f"SELECT {_EVENT_COLUMNS}, (SELECT min(position) FROM {_TABLE}) FROM {_TABLE} "
            f"WHERE article_id = %s AND position > %s ORDER BY position LIMIT %s",
            [article_id, after, limit + 1],
        )
        complete = len(rows) <= limit
        if rows:
            oldest = rows[0][5]
        else:
            oldest = (await self._fetch(f"SELECT min(position) FROM {_TABLE}", []))[0][0]
        if oldest is not None and after < oldest - 1 and after > 0:
            # Events between `after` and the oldest one kept may be gone.
            complete = False
        return [Message.from_row(row[:5]) for row in rows[:limit]], complete

    # --- listening ----------------------------------------------------------------

    def _start(self) -> None:
        if self._listener is None or self._listener.done():
            self._listener = asyncio.create_task(self._listen(), name="live-listen")
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch(), name="live-dispatch")

    def _broadcast(self, item) -> None:
        for queues in self._subscribers.values():
            for queue in queues:
                queue.put_nowait(item)

    async def _listen(self) -> None:
        delay = 0.5
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(
                    autocommit=True, **{"application_name": "newsreader-live-listen", **self._conninfo}
                )
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    if self.connected_once:
                        # Notifications sent while we were away are lost: streams replay from the log.
                        logger.info("live: LISTEN connection restored")
                        self._broadcast(CATCH_UP)
                    self.connected_once = True
                    self._listening.set()
                    delay = 0.5
                    while True:
                        async for notification in conn.notifies(timeout=30):
                            self._announce(notification.payload)
                        # Quiet for 30 s: make sure the connection is still alive.
                        await conn.execute("SELECT 1")
            except asyncio.CancelledError:
                self._listening.clear()
                raise
            except Exception as exc:  # the database restarted, the network dropped, ...
                self._listening.clear()
                logger.warning("live: LISTEN connection failed (%s); retrying in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    def _announce(self, payload: str) -> None:
        try:
            article, event_id = (int(part) for part in payload.split(":", 1))
        except ValueError:
            logger.warning("live: ignoring malformed notification %r", payload)
            return
        # Every notification, read or not, goes through the dispatcher, so that `through` moves in order.
        self._announced.put_nowait((article, event_id))

    async def _dispatch(self) -> None:
        """Read announced events (several at once when they come in bursts) and hand them out in id order."""
        while True:
            batch = [await self._announced.get()]
            while not self._announced.empty():
                batch.append(self._announced.get_nowait())
            # Nobody here reads that article: no database read.
            wanted = [e for a, e in batch if a in self._subscribers]
            try:
                rows = await self._fetch(
                    f"SELECT {_EVENT_COLUMNS} FROM {_TABLE} WHERE position = ANY(%s) ORDER BY position", [wanted]
                ) if wanted else []  # fmt: skip
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning("live: could not read events %s (%s); streams will catch up", batch, exc)
                for article in {a for a, _ in batch}:
                    for queue in self._subscribers.get(article, ()):
                        queue.put_nowait(CATCH_UP)
            else:
                for row in rows:
                    message = Message.from_row(row)
                    for queue in self._subscribers.get(message.article, ()):
                        queue.put_nowait(message)
            # (After a failed read too: the streams concerned have CATCH_UP queued before anything later.)
            self.through = max(self.through, max(e for _, e in batch))

    async def close(self) -> None:
        for task in (self._listener, self._dispatcher):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._listener = self._dispatcher = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def get_hub() -> Hub:
    """The hub of the running event loop (one per process under uvicorn)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub(connection_kwargs())
    return hub


async def close_hub() -> None:
    hub = _hubs.pop(asyncio.get_running_loop(), None)
    if hub is not None:
        await hub.close()
