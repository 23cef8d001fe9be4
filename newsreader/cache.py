"""Django's database cache with one statement per write.

Django's ``DatabaseCache`` runs ``SELECT COUNT(*)`` over the whole cache table
before every ``set`` (to cull it past ``MAX_ENTRIES``), then a SELECT and an
UPDATE or INSERT: the API's write throttle paid six statements per request,
two of them counting the table. Here a write is one ``INSERT ... ON CONFLICT``
(an ``add`` that finds a live key writes nothing and raises nothing, so
PostgreSQL logs no duplicate-key error), and culling runs on about one write
in ``CULL_EVERY``.

:meth:`DatabaseCache.window_hit` is the write throttle's read and write of its
key in one statement (issue 15): a sliding log of hit times kept as a
PostgreSQL ``float8[]`` literal, pruned, checked against the limit and
extended by ``INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING``.
The row lock of the upsert also makes two requests of one user at once count
both (a read then a write could lose one). Its commit does not wait for the
disk (``synchronous_commit`` off for that statement alone): the request's one
flush of the WAL is its own write's.
"""

from __future__ import annotations

import base64
import pickle
import random
from datetime import datetime, timedelta, timezone

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router
from django.utils.timezone import now as tz_now

# On average one write in this many culls the table (expired rows, then the oldest past MAX_ENTRIES).
CULL_EVERY = 200


class DatabaseCache(DjangoDatabaseCache):
    def window_hit(self, key: str, *, now: float, duration: float, limit: int, cost: int = 1) -> tuple[bool, list[float]]:
        """Count ``cost`` hits at ``now`` against at most ``limit`` in the last ``duration`` seconds.

        Returns (allowed, the hit times newest first: after this hit when allowed,
        else as they were), in one statement when allowed (the usual case) and two
        when refused. The key holds a ``float8[]`` literal, not a pickle: only this
        method reads it (``get`` of the key would fail; ``clear`` and culling work).
        Like Django's cache writes, a database error lets the request through.
        """
        key = self.make_and_validate_key(key)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        since = now - duration
        expires = connection.ops.adapt_datetimefield_value(
            datetime.fromtimestamp(now + duration, tz=timezone.utc if settings.USE_TZ else None).replace(microsecond=0)
            + timedelta(seconds=1)  # never earlier than the newest hit's end of window
        )
        # The hits still in the window, in their order (newest first).
        live = f"ARRAY(SELECT h FROM unnest({table}.value::float8[]) WITH ORDINALITY u(h, o) WHERE h > %(since)s ORDER BY o)"
        try:
            with connection.cursor() as cursor:
                if cost <= limit:
                    cursor.execute(
                        f"INSERT INTO {table} (cache_key, value, expires) "
                        f"VALUES (%(key)s, array_fill(%(now)s::float8, ARRAY[%(cost)s::int])::text, %(expires)s) "
                        f"ON CONFLICT (cache_key) DO UPDATE "
                        f"SET value = (array_fill(%(now)s::float8, ARRAY[%(cost)s::int]) || {live})::text, expires = EXCLUDED.expires "
                        f"WHERE cardinality({live}) + %(cost)s <= %(limit)s RETURNING value::float8[]"
                        # In autocommit its commit does not wait for the WAL to reach the disk (SET LOCAL
                        # of this statement's own transaction): a crash may forget the last fraction of a
                        # second of hits, never corrupt anything. Inside a caller's transaction it would
                        # be that whole transaction's setting: not there.
                        + ("" if connection.in_atomic_block else ", set_config('synchronous_commit', 'off', true)"),
                        {"key": key, "now": now, "cost": cost, "expires": expires, "since": since, "limit": limit},
                    )  # fmt: skip
                    row = cursor.fetchone()
                    if row is not None:
                        return True, list(row[0])
                # Refused: the hits as they are, for Retry-After.
                cursor.execute(
                    f"SELECT {live} FROM {table} WHERE cache_key = %(key)s", {"key": key, "since": since}
                )  # fmt: skip
                row = cursor.fetchone()
                return False, list(row[0]) if row else []
        except DatabaseError:
            return True, []

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        now = tz_now().replace(microsecond=0)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=timezone.utc if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        try:
            with connection.cursor() as cursor:
                if random.randrange(CULL_EVERY) == 0:
                    cursor.execute(f"SELECT COUNT(*) FROM {table}")
                    count = cursor.fetchone()[0]
                    if count > self._max_entries:
                        self._cull(db, cursor, now, count)
                if mode == "touch":
                    cursor.execute(f"UPDATE {table} SET expires = %s WHERE cache_key = %s", [expires, key])
                    return cursor.rowcount > 0
                condition = (
                    f" WHERE {table}.expires < %s" if mode == "add" else ""
                )  # add: only over an expired entry
                params = [key, encoded, expires] + ([connection.ops.adapt_datetimefield_value(now)] if mode == "add" else [])
                cursor.execute(
                    f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "
                    f"ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires"
                    f"{condition} RETURNING 1",
                    params,
                )
                return cursor.fetchone() is not None
        except DatabaseError:
            # As Django's: writes to the cache may fail (a shared cache is best effort).
            return False
