"""What PostgreSQL's ``arabic`` configuration makes of a search key, cached.

Highlighting decides in Python which words of a text matched, so it must know
each word's lexeme exactly as the index has it. Asking the database (one
``to_tsvector`` per distinct key, in one round trip) is the only way to agree with
it by construction; the answers never change for a given key, so a process-wide
cache makes repeated searches free.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from django.db import connection

from newsreader.textsearch.tsquery import CONFIG

MAX_CACHED = 200_000

_cache: dict[str, frozenset[str]] = {}
_lock = threading.Lock()


def lexemes(keys: Iterable[str]) -> dict[str, frozenset[str]]:
    """Map each search key to its lexemes (usually one)."""
    keys = set(keys)
    missing = [k for k in keys if k not in _cache]
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT k, tsvector_to_array(to_tsvector('{CONFIG}', k)) FROM unnest(%s::text[]) AS k",
                [missing],
            )
            found = {k: frozenset(lex) for k, lex in cursor.fetchall()}
        with _lock:
            if len(_cache) + len(found) > MAX_CACHED:
                _cache.clear()
            _cache.update(found)
        return {k: _cache.get(k) or found.get(k, frozenset()) for k in keys}
    return {k: _cache[k] for k in keys}


def clear_cache() -> None:
    with _lock:
        _cache.clear()
