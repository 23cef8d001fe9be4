"""The live relay: a consumer of the annotation event log (:mod:`annotations.outbox`).

:func:`relay` runs after the changes commit, one run at a time (the outbox
locks its cursor), over the events committed since its last run. It

1. gives each event the next stream position (``annotations_event_position_seq``):
   runs are serialised and commit in turn, so positions are in commit order and
   replay after ``Last-Event-ID`` ("every event with a larger position") misses
   nothing, while writers take no lock at all;
2. sends ``NOTIFY newsreader_live, '<article id>:<position>'`` for each, in the
   same transaction (PostgreSQL delivers it at the commit). Every app server
   LISTENs on that channel (:mod:`live.hub`), reads the row and streams it to its
   readers of that article.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import connection

from annotations import outbox
from annotations.models import Event

logger = logging.getLogger(__name__)

CHANNEL = "newsreader_live"
POSITION_SEQUENCE = "annotations_event_position_seq"
_TABLE = Event._meta.db_table

_ASSIGN = f"""
    WITH todo AS (SELECT id FROM {_TABLE} WHERE id = ANY(%s::bigint[]) AND position IS NULL ORDER BY id),
         numbered AS (SELECT id, nextval('{POSITION_SEQUENCE}') AS position FROM todo)
    UPDATE {_TABLE} e SET position = n.position FROM numbered n WHERE e.id = n.id
    RETURNING e.article_id, e.position
"""


def relay(events: list[outbox.LoggedEvent]) -> None:
    """Give the events stream positions and announce them (safe to repeat: positioned events are skipped)."""
    with connection.cursor() as cursor:
        cursor.execute(_ASSIGN, [[e.id for e in events]])
        payloads = [f"{article_id}:{position}" for article_id, position in sorted(cursor.fetchall(), key=lambda r: r[1])]
        if payloads:
            cursor.execute("SELECT pg_notify(%s, p) FROM unnest(%s::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n", [CHANNEL, payloads])


def notify(*, article_id: int, position: int) -> None:
    """Wake every listening app server (NOTIFY is delivered once the sending transaction commits)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, f"{article_id}:{position}"])


def events_prune(*, older_than: timedelta | None = None) -> int:
    """Delete old events (see :func:`annotations.outbox.events_prune`)."""
    return outbox.events_prune(older_than=older_than)
