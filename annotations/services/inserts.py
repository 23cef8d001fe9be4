"""The INSERT statements of new annotations: one created with its event and guard, or many at once.

Both are SQL written once per process, not compiled by the ORM per request: a create's statement
and the row handed back cost no model-layer work beyond one positional model ``__init__``.
"""

from __future__ import annotations

import orjson
from django.db import connection
from django.utils import timezone

from annotations.models import Annotation, Label
from annotations.outbox import insert_logged
from annotations.services.base import LABEL_SET_SQL, _ArticleContext
from newsreader.models import Article, Source

_TABLE = Annotation._meta.db_table
# Columns of an INSERT: every one but the id (created is set by the service, as modified is).
_INSERT_FIELDS = [f for f in Annotation._meta.concrete_fields if not f.primary_key]
_COLUMN_LIST = ", ".join(connection.ops.quote_name(f.column) for f in _INSERT_FIELDS)

# --- one created annotation ------------------------------------------------------------------

# What every create writes the same, as (Python value, SQL literal): a new mark is at version 1,
# neither orphaned nor hidden (tests/annotations/test_services.py holds these equal to the model's
# defaults). Literals are neither bound nor converted on each request.
_CONSTANTS = {
    "version": (1, "1"),
    "orphaned": (False, "false"),
    "orphaned_at": (None, "NULL"),
    "hidden": (False, "false"),
    "hidden_at": (None, "NULL"),
}
# The rest are parameters, each cast to its column's type (selected FROM the guard, outside VALUES,
# PostgreSQL would not infer them from the columns).
_PARAMETERS = tuple(f.attname for f in _INSERT_FIELDS if f.attname not in _CONSTANTS)
_SELECT_LIST = ", ".join(
    _CONSTANTS[f.attname][1] if f.attname in _CONSTANTS else f"%s::{f.db_type(connection)}" for f in _INSERT_FIELDS
)
# Inside a transaction with the article locked (the fallback): one row, no guard.
_CREATE_SQL = f"INSERT INTO {_TABLE} ({_COLUMN_LIST}) SELECT {_SELECT_LIST} ON CONFLICT DO NOTHING RETURNING id"
# In autocommit: the row only when the CTE ``guard`` (outbox.insert_logged) found one.
_GUARDED_CREATE_SQL = (
    f"INSERT INTO {_TABLE} ({_COLUMN_LIST}) SELECT {_SELECT_LIST} FROM guard ON CONFLICT DO NOTHING RETURNING id"
)

# The guard: the article row, locked FOR SHARE (as _article_context locks it inside a transaction), while
# it is still as the context saw it: at the revision the span was checked on, in the language and
# direction the answer shows, and, for an entity, with the label (its id and code) in the article's
# label set. The context may be this process's cached copy (base._article_context): these are all it
# can be behind in, since a revision's text never changes. When one differs nothing is inserted
# (GuardFailed) and the create is made again the old way, on a fresh, locked read.
_GUARD_SQL = (
    f"SELECT 1 FROM {Article._meta.db_table} a WHERE a.id = %s AND a.current_revision_id = %s "
    f"AND a.language = %s AND a.direction = %s{{label}} FOR SHARE OF a"
)
_ARTICLE_GUARD = _GUARD_SQL.format(label="")
_LABEL_GUARD = _GUARD_SQL.format(
    label=f" AND EXISTS (SELECT FROM {Label._meta.db_table} l JOIN {Source._meta.db_table} s ON s.id = a.source_id "
    f"WHERE l.id = %s AND l.code = %s AND l.label_set_id = {LABEL_SET_SQL})"
)

_ATTNAMES = tuple(f.attname for f in Annotation._meta.concrete_fields)
# The related objects a created annotation is handed back with (its answer reads them: no query).
_CACHE_NAMES = {
    name: Annotation._meta.get_field(name).cache_name for name in ("article", "revision", "label", "creator", "modified_by")
}


def insert_created(
    ctx: _ArticleContext, fields: dict, *, kind: str, creator, canonical: str, via: str, guard: bool
) -> Annotation | None:
    """INSERT one annotation (``fields`` as :func:`validation._clean` returns them for a create) and its
    ``created`` event in one statement; the annotation, or None when the unique index already holds an
    equal mark of this creator (then nothing is logged).

    With ``guard`` (autocommit), the statement first locks the article row while it is still as ``ctx``
    saw it, and inserts nothing if it is not: :class:`annotations.outbox.GuardFailed`.
    """
    now = timezone.now()
    creator_id = creator.pk if creator is not None else None
    article, revision = ctx.article, ctx.revision
    values = {
        **fields, "article_id": article.pk, "kind": kind, "creator_id": creator_id, "modified_by_id": creator_id,
        "created": now, "modified": now, "canonical": canonical, "via": via,
    }  # fmt: skip
    params = [values[name] for name in _PARAMETERS]
    label_id = values["label_id"]
    label = next((label for label in ctx.labels if label.pk == label_id), None) if label_id is not None else None
    if guard:
        check = [article.pk, revision.pk, article.language, article.direction]
        if label is not None:
            guard_sql, check = _LABEL_GUARD, [*check, label.pk, label.code]
        else:
            guard_sql = _ARTICLE_GUARD
        pk = insert_logged(_GUARDED_CREATE_SQL, params, action="created", article_id=article.pk, guard=(guard_sql, check))
    else:
        pk = insert_logged(_CREATE_SQL, params, action="created", article_id=article.pk)
    if pk is None:
        return None
    values["id"] = pk
    for name, (value, _sql) in _CONSTANTS.items():
        values[name] = value
    # As a query's row becomes a model (positional, no per-field conversion), with what the caller shows
    # next already attached: the article, revision and label of the context, the creator.
    annotation = Annotation.from_db(connection.alias, None, [values[name] for name in _ATTNAMES])
    cache = annotation._state.fields_cache
    cache[_CACHE_NAMES["article"]] = article
    cache[_CACHE_NAMES["revision"]] = revision
    cache[_CACHE_NAMES["label"]] = label
    cache[_CACHE_NAMES["creator"]] = cache[_CACHE_NAMES["modified_by"]] = creator
    return annotation


# --- many at once -------------------------------------------------------------------------------

# Many rows in one statement with one parameter: the rows as a JSON array, read back by
# jsonb_to_recordset with the columns' types. Django's bulk_create prepares every value of every
# field through the model layer and binds 29 x N parameters (most of a 1,000-item request's time).
_MANY_SQL = (
    f"INSERT INTO {_TABLE} ({_COLUMN_LIST}) "
    f"SELECT {_COLUMN_LIST} FROM jsonb_to_recordset(%s::jsonb) AS r("
    + ", ".join(f"{connection.ops.quote_name(f.column)} {f.db_type(connection)}" for f in _INSERT_FIELDS)
    + ") RETURNING id"
)


def insert_many(annotations: list[Annotation]) -> None:
    """INSERT ``annotations`` with one statement and set their ids (rows come back in the order sent,
    as with Django's multi-row INSERT). A duplicate raises IntegrityError (the unique index)."""
    if not annotations:
        return
    rows = [{f.column: getattr(a, f.attname) for f in _INSERT_FIELDS} for a in annotations]
    with connection.cursor() as cursor:
        cursor.execute(_MANY_SQL, [orjson.dumps(rows).decode()])
        ids = [row[0] for row in cursor.fetchall()]
    for annotation, pk in zip(annotations, ids, strict=True):
        annotation.pk = pk
        annotation._state.adding = False
