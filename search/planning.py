"""Choosing how to find a query's newest matches: walk the date index, or ask GIN.

A search first collects its candidates, the newest :data:`~search.selectors.RANK_WINDOW`
matches (see :mod:`search.selectors`). PostgreSQL can get them two ways:

* **walk**: read articles newest first through ``search_newest_idx`` and test
  each one's vector until enough match. Cheap when most articles match (``في``,
  ``العراق``), ruinous when few do: every article read costs a TOAST fetch and
  decompression of its vector (about 6 µs here), and for a word in 5 % of
  100,000 articles that is 20,000 reads for 1,000 matches.
* **bitmap**: ask the GIN index for every match (it answers without reading the
  vectors) and sort the matches by date. Cheap for rare and middling words, but
  it reads every match's row, and a *phrase* forces a re-check of each row's
  vector (positions are not in the index).

The planner picks between them by its cost model, which does not know that
testing a vector means a TOAST fetch; on the benchmark it walked for words in
9 % of articles (80 ms where the bitmap took 15). So :func:`choose` estimates
both costs from the lexemes' frequencies, which ``ANALYZE`` keeps in
``pg_stats.most_common_elems``, and the search runs with ``SET LOCAL`` turning
off the other way. A bitmap for a common word is further limited to the newest
articles that should hold the window (:class:`Plan`), so every search reads a
number of rows in proportion to the window, not to the collection. Without
statistics (a fresh or tiny table) the planner decides alone.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from django.db import connection

WALK = "walk"
BITMAP = "bitmap"

# Relative costs, from EXPLAIN ANALYZE on bench/search.py's 100,000 articles.
WALK_ROW_COST = 1.0  # read a row and test its vector (TOAST fetch + decompress + match)
BITMAP_ROW_COST = 0.07  # fetch a GIN match's row without its vector, and sort it
GIN_ENTRY_COST = 0.03  # read one posting-list entry (AND skips along the rarest list)
DATE_ENTRY_COST = 0.05  # read one date-index entry into a bitmap (for a bound)
# A guess: of the articles that have all a phrase's words, the share that has
# them side by side. People search for phrases that exist ("صندوق النقد الدولي"),
# whose words mostly occur together.
PHRASE_ADJACENCY = 0.7
STATS_TTL = 600  # seconds between re-reading pg_stats
# A bound is the number of newest articles expected to hold the window, times this margin.
BOUND_MARGIN = 1.5

# Parallel workers cost more than they save on searches of a few milliseconds.
SETUP = {
    WALK: "SET LOCAL enable_bitmapscan = off; SET LOCAL max_parallel_workers_per_gather = 0",
    BITMAP: (
        "SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off; "
        "SET LOCAL max_parallel_workers_per_gather = 0"
    ),
}


@dataclass(frozen=True)
class LexemeStats:
    frequencies: dict[str, float]  # fraction of articles containing the lexeme
    floor: float  # lexemes not listed are rarer than this
    rows: int  # articles in the index

    def frequency(self, lexemes: frozenset[str]) -> float:
        return max((self.frequencies.get(lex, self.floor / 2) for lex in lexemes), default=self.floor / 2)


_cache: tuple[float, str, LexemeStats | None] | None = None
_lock = threading.Lock()


def lexeme_stats() -> LexemeStats | None:
    """The vector column's element statistics (cached for :data:`STATS_TTL`), or ``None`` before ANALYZE."""
    global _cache
    now = time.monotonic()
    database = connection.settings_dict["NAME"]
    cached = _cache
    if cached and cached[1] == database and now - cached[0] < STATS_TTL:
        return cached[2]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT st.most_common_elems::text::text[], st.most_common_elem_freqs, c.reltuples::bigint
            FROM pg_stats st JOIN pg_class c ON c.oid = 'search_articlesearch'::regclass
            WHERE st.schemaname = current_schema() AND st.tablename = 'search_articlesearch'
              AND st.attname = 'vector'
            """
        )
        row = cursor.fetchone()
    stats = None
    if row and row[0] and row[2] > 0:
        elems, freqs, rows = row
        # The frequencies array ends with the minimum, the maximum and the null frequency.
        stats = LexemeStats(dict(zip(elems, freqs)), floor=freqs[len(elems)], rows=rows)
    with _lock:
        _cache = (now, database, stats)
    return stats


def clear_cache() -> None:
    global _cache
    with _lock:
        _cache = None


@dataclass(frozen=True)
class Plan:
    kind: str  # WALK or BITMAP
    density: float  # estimated share of the articles that match
    bound: int | None = None  # BITMAP: look only at this many newest articles first (see below)

    @property
    def setup(self) -> str:
        return SETUP[self.kind]


def choose(
    *, word_lexemes: list[frozenset[str]], phrase_lexemes: list[list[frozenset[str]]], window: int, ordered: bool
) -> Plan | None:
    """How to collect the newest ``window`` matches, or ``None`` to let the planner decide.

    ``ordered`` says whether the date index can serve the filters in order (not
    for several sources at once: the walk would then read them all).

    A bitmap plan may carry a ``bound``: when the words are common enough, the
    newest ``window`` matches are expected among the newest ``bound`` articles,
    so the search first restricts itself to those (the GIN bitmap is ANDed with
    a date range and far fewer rows are read), and falls back to all of them if
    that finds too few.
    """
    stats = lexeme_stats()
    if stats is None or not ordered:
        return None
    # Independence between terms, as the planner assumes; a phrase's words are
    # anything but independent, so a phrase counts as its rarest word.
    in_index = 1.0  # share of articles the GIN index returns (all words present)
    density = 1.0  # share that really matches (phrases adjacent)
    frequencies = []
    for lex in word_lexemes:
        f = stats.frequency(lex)
        in_index, density = in_index * f, density * f
        frequencies.append(f)
    for phrase in phrase_lexemes:
        phrase_f = [stats.frequency(lex) for lex in phrase]
        in_index, density = in_index * min(phrase_f), density * min(phrase_f) * PHRASE_ADJACENCY
        frequencies += phrase_f
    density = max(density, 1e-9)
    rows = stats.rows
    per_row = WALK_ROW_COST if phrase_lexemes else BITMAP_ROW_COST  # a phrase is re-checked on the vector
    gin = min(frequencies) * rows * GIN_ENTRY_COST * len(frequencies)
    walk = min(rows, window / density) * WALK_ROW_COST
    bitmap = gin + in_index * rows * per_row
    bound = math.ceil(BOUND_MARGIN * (window + 1) / density)
    bounded = gin + bound * DATE_ENTRY_COST + in_index * bound * per_row if bound < rows else math.inf
    best = min(walk, bitmap, bounded)
    if best == walk:
        return Plan(WALK, density)
    return Plan(BITMAP, density, bound if best == bounded else None)
