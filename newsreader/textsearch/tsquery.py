"""The PostgreSQL text search configuration, and a parsed query as a ``tsquery`` expression.

Every vector (article search rows, :mod:`search.indexing`; quote texts, :mod:`entities.models`) and every
query is stemmed with :data:`CONFIG`, so a query word and a text word meet exactly when their keys stem alike.
"""

from __future__ import annotations

from newsreader.textsearch.query import ParsedQuery

CONFIG = "arabic"


def tsquery_sql(query: ParsedQuery) -> tuple[str, list]:
    """The ``tsquery`` expression of ``query`` and its parameters."""
    parts, params = [], []
    if query.word_keys:
        parts.append(f"plainto_tsquery('{CONFIG}', %s)")
        params.append(" ".join(query.word_keys))
    for keys in query.phrases:
        parts.append(f"phraseto_tsquery('{CONFIG}', %s)")
        params.append(" ".join(keys))
    return "(" + " && ".join(parts) + ")", params
