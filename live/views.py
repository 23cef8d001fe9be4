"""Server-sent events: ``GET /live/articles/<id>/events``.

The stream tells a reader *which* annotations of the article changed, never
what they say: each message is ``{"id", "action", "article", "annotations":
[ids]}`` and the page re-fetches those ids through the API, which applies the
visibility rules. The stream applies them too: a reader is told only about
annotations it may see (annotations.selectors.annotation_ids_hidden_from), so not even the ids and actions of
somebody's private annotation reach it. An event left with no id for a reader
sends that reader nothing at all: not even a bare ``id:`` line, whose arrival
would time somebody's private work (polish, session 9).

Positions a reader is given are therefore of two kinds: the ids of events it may
see, and positions of the *whole* log (never one article's), given at moments that
do not depend on what it may not see: the page's and the hello's starting position
(the log's newest, ``annotations.outbox.last_position()``), a reset's, and the
keep-alive's. The keep-alive (a comment after ``LIVE_HEARTBEAT_SECONDS`` in which
this reader was sent nothing) carries ``id:`` the position through which the hub
has handed out every event (``Hub.through``), when this stream has dealt with all
of them: the reader's ``Last-Event-ID`` moves past the events it was not shown
(a reconnection does not replay them again, nor hit the replay limit because of
them), and replay after it misses nothing. What such a position tells is how
busy the whole site was, as the ids of visible events already do.

The one exception is an annotation leaving the reader's sight (hidden by a moderator, made private or
moved to a group by its creator, or deleted): the reader was shown it, so it hears that change, and its page,
fetching the id, finds it gone and drops it. Each stream therefore keeps the ids its reader may see (read when
it starts, then kept up to date from the events it sends): a change is sent when the reader may see the
annotation now or could until this change; after that, nothing more of it is sent to that reader (not even
its deletion). The events replayed when a stream starts from a position (what happened since the page was
rendered, or since the previous stream of a reconnecting reader) happened before the stream could know what
the reader saw: there, an annotation deleted since is named only to readers that could see it when it was
deleted (a deletion's event keeps the deleted rows' visibility, creator, group, hidden flag and status:
``Event.gone``, judged by annotations.selectors.deleted_ids_visible_to, the rule of
annotations.selectors.visibility_q over those values). A reader that lost sight of a still existing
annotation in those moments (hidden, made private) is not told, and keeps it on screen until it reloads.

Protocol (https://html.spec.whatwg.org/multipage/server-sent-events.html)::

    retry: 3000                       reconnect after 3 s when the stream ends

    event: hello                      first message: where the stream starts
    id: 41                            (only when the reader sent no position)
    data: {"last": 41}

    event: change                     one per event of the log, in order
    id: 42
    data: {"id": 42, "action": "updated", "article": 7, "annotations": [5]}

    event: reset                      the reader is too far behind (events were
    data: {"last": 97}                pruned, or too many): reload everything

    id: 57                            a comment after ~15 s without a message, for proxies,
    : keep-alive                      with the log's position when it moved (see above)

Where a reader starts: the ``Last-Event-ID`` header (sent by ``EventSource``
when it reconnects), else ``?last_event_id=`` (the position the page was
rendered at), else now. Streams end after ``LIVE_STREAM_MAX_SECONDS`` and the
browser reconnects with ``Last-Event-ID``, which spreads readers over the
servers behind a load balancer and lets a server restart without losing events.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from contextlib import aclosing
from functools import partial

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from annotations.selectors import annotation_ids_hidden_from, deleted_ids_visible_to
from live.hub import CATCH_UP, Message, get_hub
from live.selectors import annotation_visibility, visible_annotation_ids
from ops.outage import OUTAGE_ERRORS, outage_response
from newsreader.ids import parse_id

logger = logging.getLogger(__name__)

REPLAY_LIMIT = 1000
# A stream's first reads are tried again for this long while the database is out of reach (see _soon).
START_RETRY_SECONDS = 5.0
START_RETRY_PAUSE = 0.25
LISTEN_TIMEOUT = 10.0


def _position(request) -> int | None:
    for value in (request.headers.get("Last-Event-ID"), request.GET.get("last_event_id")):
        if value is not None:
            position = 0 if value.strip() == "0" else parse_id(value)
            if position is not None:
                return position
    return None


def _field(name: str, data) -> str:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n"


def change_message(message: Message) -> str:
    return f"id: {message.id}\n" + _field("change", message.as_dict()) + "\n"


def _close_django_connection() -> None:
    # Middleware may have opened this request thread's connection (a session
    # lookup); a stream lasts minutes, so give it back now.
    connection.close()


def _hidden_ids(user, ids) -> set[int]:
    try:
        return annotation_ids_hidden_from(user, list(ids))
    finally:
        _close_django_connection()  # back to the pool between events


def _visible_and_hidden(user, ids) -> tuple[set[int], set[int]]:
    try:
        return annotation_visibility(user, list(ids))
    finally:
        _close_django_connection()


def _deleted_and_seen(user, gone: list[dict], article_id: int) -> set[int]:
    try:
        return deleted_ids_visible_to(user, gone, article_id=article_id)
    finally:
        _close_django_connection()


def _visible_ids(user, article_id: int) -> set[int]:
    try:
        return visible_annotation_ids(user, article_id=article_id)
    finally:
        _close_django_connection()


async def _for_reader(
    messages: list[Message], user, seen: set[int] | None = None, *, catching_up=False
) -> list[tuple[int, str]]:
    """The messages as this reader may see them (one query for the lot).

    ``seen``: the ids this reader may see as far as its stream knows (see the module docstring), updated
    here: an annotation leaving its sight is still named this once, then forgotten; the id of one that no
    longer exists is named only when the reader could see it: it is in ``seen``, or, ``catching_up`` on what
    happened before the stream started (the page may show it), its deletion's event says the reader could
    see it when it was deleted (``Event.gone``, by the rule of annotations.selectors).

    Returns ``(position, message)`` for the events left with an id for this reader; the others, nothing.
    """
    ids = {pk for message in messages for pk in message.annotations}
    if seen is None:
        hidden = await sync_to_async(_hidden_ids)(user, ids) if ids else set()
    else:
        visible, hidden = await sync_to_async(_visible_and_hidden)(user, ids) if ids else (set(), set())
        gone = ids - visible - hidden
        if catching_up and gone:
            deleted = [row for message in messages for row in message.gone if row["id"] in gone]
            gone -= await sync_to_async(_deleted_and_seen)(user, deleted, messages[0].article) if deleted else set()
        leaving = (hidden | gone) & seen
        hidden |= gone  # deleted before this reader could see it: its id says nothing to this reader
        seen.difference_update(leaving)
        seen.update(visible)
        hidden = hidden - leaving
    out = []
    for message in messages:
        if hidden:
            message = Message(message.id, message.action, message.article, tuple(a for a in message.annotations if a not in hidden))
        if message.annotations:
            out.append((message.id, change_message(message)))
    return out


async def _soon(read, *args):
    """``await read(*args)``, tried again for up to :data:`START_RETRY_SECONDS` while the database is out of reach.

    Just after PostgreSQL comes back, the process's pools are still reconnecting (a new pool's first
    connection takes a moment on a loaded machine), so a stream's first reads may fail once or twice
    where a second later they would not. Its headers are sent already: failing now would cut the
    response off mid-body, which a browser reports as a network error.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_RETRY_SECONDS
    while True:
        try:
            return await read(*args)
        except OUTAGE_ERRORS:
            if loop.time() >= deadline:
                raise
            await asyncio.sleep(START_RETRY_PAUSE)


async def _stream(hub, article_id: int, position: int | None, user=None):
    # (aclosing: when the reader goes away, the inner generator's finally unsubscribes at once.)
    async with aclosing(_messages(hub, article_id, position, user)) as messages:
        try:
            async for part in messages:
                yield part
        except OUTAGE_ERRORS as exc:
            # The database went away in the middle of a stream (or did not come back soon enough at
            # its start): end it cleanly. The browser reconnects after `retry`, with Last-Event-ID,
            # so it misses nothing; a response cut off mid-body is a network error to it.
            logger.warning("live: the database is out of reach (%s); ending stream", type(exc).__name__)


async def _messages(hub, article_id: int, position: int | None, user=None):
    queue = hub.subscribe(article_id)
    try:
        yield f"retry: {settings.LIVE_RETRY_MS}\n\n"
        if not await hub.wait_listening(LISTEN_TIMEOUT):
            # No LISTEN, no live updates: end the stream, the browser retries.
            logger.warning("live: not listening after %.0f s; ending stream", LISTEN_TIMEOUT)
            return
        # What this reader may see now (read once LISTEN is active: every later change is announced to it).
        seen = await _soon(sync_to_async(_visible_ids), user, article_id)
        if position is None:
            sent = await _soon(hub.position)
            yield f"id: {sent}\n" + _field("hello", {"last": sent}) + "\n"
            told = sent
        else:
            yield _field("hello", {"last": position}) + "\n"
            told = position
            sent, chunk = await _soon(partial(_replay, hub, article_id, position, user, seen, catching_up=True))
            for told, part in chunk:
                yield part
        # `sent`: the position this stream has dealt with (events up to it were sent, or are not this reader's);
        # `told`: the last position the reader was given (its Last-Event-ID).
        loop = asyncio.get_running_loop()
        # Jitter, so that readers who arrived together do not all reconnect together.
        deadline = loop.time() + settings.LIVE_STREAM_MAX_SECONDS * random.uniform(0.8, 1.0)
        # The keep-alive is due a heartbeat after the last thing *sent to this reader*: events it is not
        # shown do not move it (they would, were it measured from the last event of the queue).
        quiet_until = loop.time() + settings.LIVE_HEARTBEAT_SECONDS
        while True:
            now = loop.time()
            if now >= deadline:
                return
            if not queue.empty():
                item = queue.get_nowait()
            elif now >= quiet_until:
                through = hub.through
                if through > told and through >= sent:
                    # Every event up to `through` has reached this stream's queue (the hub's promise) and the
                    # queue is empty: dealt with, so the reader may resume after it.
                    sent = told = through
                    yield f"id: {through}\n: keep-alive\n\n"
                else:
                    yield ": keep-alive\n\n"
                quiet_until = loop.time() + settings.LIVE_HEARTBEAT_SECONDS
                continue
            else:
                try:
                    item = await asyncio.wait_for(queue.get(), min(quiet_until, deadline) - now)
                except TimeoutError:
                    continue
            if item == CATCH_UP:
                sent, chunk = await _replay(hub, article_id, sent, user, seen)
            elif item.id > sent:
                sent = item.id
                chunk = await _for_reader([item], user, seen)
            else:
                continue
            for told, part in chunk:
                yield part
            if chunk:
                quiet_until = loop.time() + settings.LIVE_HEARTBEAT_SECONDS
    finally:
        hub.unsubscribe(article_id, queue)


async def _replay(
    hub, article_id: int, after: int, user=None, seen: set[int] | None = None, *, catching_up=False
) -> tuple[int, list[str]]:
    """The messages a reader at ``after`` missed, as ``(position, message)``, and the stream's new position."""
    messages, complete = await hub.events_after(article_id, after, REPLAY_LIMIT)
    if not complete:
        last = await hub.position()
        return last, [(last, f"id: {last}\n" + _field("reset", {"last": last}) + "\n")]
    if not messages:
        return after, []
    return messages[-1].id, await _for_reader(messages, user, seen, catching_up=catching_up)


@require_GET
async def article_events(request, article_id: int):
    if not hasattr(request, "scope"):
        # Served by a WSGI server (runserver, the test live server): a stream
        # would hold a worker thread forever. 204 tells EventSource to stop;
        # the page falls back to polling the API.
        return HttpResponse(status=204, headers={"X-Live": "unavailable"})
    user = await request.auser()
    await sync_to_async(_close_django_connection)()
    hub = get_hub()
    try:
        exists = await hub.article_exists(article_id)
    except OUTAGE_ERRORS:
        # The database is down: the browser's EventSource retries after Retry-After.
        return outage_response(request)
    if not exists:
        raise Http404("No such article.")
    response = StreamingHttpResponse(
        _stream(hub, article_id, _position(request), user), content_type="text/event-stream; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each message on at once
    return response
