"""Queries over annotations, filtered by who is asking.

:func:`annotations_visible_to` is THE visibility rule: every place that shows
annotations (API lists and details, counts, replies, exports, search, entity
pages) starts from it, so a private annotation can never leak through one
place that forgot a filter.

Who sees what:

* anonymous users: public annotations that are not hidden;
* a signed-in user: everything they created (private, hidden or not), public
  annotations, and annotations shared with a group they belong to; hidden
  ones only in groups they moderate;
* staff: every annotation that is not somebody else's private one (hidden
  ones too, to moderate them);
* on a **blind** article (a :class:`~annotations.models.BlindArticle` row, e.g.
  of a blind annotation project), everyone but the row's readers sees, of the
  above, only their own marks and the machine's suggestions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from psycopg.types.datetime import TimestamptzLoader
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from annotations.models import Annotation, BlindArticle, Group, Label, LabelSet, Membership, Reply

PRIVATE, GROUP, PUBLIC = (Annotation.Visibility.PRIVATE, Annotation.Visibility.GROUP, Annotation.Visibility.PUBLIC)


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def member_group_ids(user):
    """Subquery: ids of the groups ``user`` belongs to (any role)."""
    return Membership.objects.filter(user_id=user.pk).values("group_id")


def moderated_group_ids(user):
    """Subquery: ids of the groups ``user`` moderates or owns."""
    return Membership.objects.filter(user_id=user.pk, role__in=Membership.MODERATING_ROLES).values("group_id")


def blind_article_ids(user):
    """Subquery: ids of the articles that are blind for ``user`` (every blind article for anonymous callers)."""
    rows = BlindArticle.objects.all()
    if _authenticated(user):
        readers = BlindArticle.readers.through.objects.filter(user_id=user.pk).values("blindarticle_id")
        rows = rows.exclude(pk__in=readers)
    return rows.values("article_id")


def _not_blind(user) -> Q:
    """Others' marks count only off blind articles; the machine's suggestions always do."""
    return Q(status=Annotation.Status.SUGGESTED) | ~Q(article_id__in=blind_article_ids(user))


def visibility_q(user) -> Q:
    """The rule of the module docstring as one ``Q`` (one SQL WHERE clause, subqueries inline)."""
    if not _authenticated(user):
        return Q(visibility=PUBLIC, hidden=False) & _not_blind(user)
    own = Q(creator_id=user.pk)
    if user.is_staff:
        return own | (~Q(visibility=PRIVATE) & _not_blind(user))
    shared = Q(visibility=PUBLIC) | Q(visibility=GROUP, group_id__in=member_group_ids(user))
    unhidden = Q(hidden=False) | Q(group_id__in=moderated_group_ids(user))
    return own | (shared & unhidden & _not_blind(user))


GONE_FIELDS = ("visibility", "group_id", "creator_id", "hidden", "status")


def gone_rows(rows: Iterable[dict]) -> list[dict]:
    """What a deletion's event keeps of the deleted rows (``pk`` and :data:`GONE_FIELDS`, never their text):
    enough for :func:`deleted_ids_visible_to` to tell who could see them (``Event.gone``)."""
    return [{"id": row["pk"], **{name: row[name] for name in GONE_FIELDS}} for row in rows]


def deleted_ids_visible_to(user, gone: Iterable[dict], *, article_id: int) -> set[int]:
    """Of deleted annotations (:func:`gone_rows`, all of ``article_id``), the ids ``user`` could see.

    :func:`visibility_q` over plain values, for rows that no longer exist (a live stream replaying a
    deletion tells only who could see the annotation); at most two queries (memberships, blindness).
    tests/annotations/test_selectors_gone.py holds the two forms equal.
    """
    gone = list(gone)
    if not gone:
        return set()
    authenticated = _authenticated(user)
    blind = (
        any(row["status"] != Annotation.Status.SUGGESTED for row in gone)
        and BlindArticle.objects.filter(article_id=article_id, article_id__in=blind_article_ids(user)).exists()
    )
    roles = dict(Membership.objects.filter(user_id=user.pk).values_list("group_id", "role")) if authenticated and not user.is_staff else {}

    def visible(row: dict) -> bool:
        not_blind = row["status"] == Annotation.Status.SUGGESTED or not blind
        if not authenticated:
            return row["visibility"] == PUBLIC and not row["hidden"] and not_blind
        if row["creator_id"] == user.pk:
            return True
        if user.is_staff:
            return row["visibility"] != PRIVATE and not_blind
        group = row["group_id"]
        shared = row["visibility"] == PUBLIC or (row["visibility"] == GROUP and group in roles)
        unhidden = not row["hidden"] or roles.get(group) in Membership.MODERATING_ROLES
        return shared and unhidden and not_blind

    return {row["id"] for row in gone if visible(row)}


def annotations_visible_to(user) -> QuerySet[Annotation]:
    """Every annotation ``user`` may see (anonymous when ``user`` is None or AnonymousUser)."""
    return Annotation.objects.filter(visibility_q(user))


def annotations_for_admin(user, queryset: QuerySet[Annotation] | None = None) -> QuerySet[Annotation]:
    """What the admin lists: everything but other people's private annotations (superusers: everything)."""
    queryset = Annotation.objects.all() if queryset is None else queryset
    if getattr(user, "is_superuser", False):
        return queryset
    return queryset.exclude(Q(visibility=PRIVATE) & ~Q(creator_id=getattr(user, "pk", None)))


def replies_for_admin(user, queryset: QuerySet[Reply] | None = None) -> QuerySet[Reply]:
    """Replies on the annotations :func:`annotations_for_admin` lists."""
    queryset = Reply.objects.all() if queryset is None else queryset
    if getattr(user, "is_superuser", False):
        return queryset
    return queryset.exclude(Q(annotation__visibility=PRIVATE) & ~Q(annotation__creator_id=getattr(user, "pk", None)))


def annotation_ids_hidden_from(user, annotation_ids: list[int]) -> set[int]:
    """Of ``annotation_ids``, those that exist and ``user`` may not see (one query; live updates)."""
    rows = (
        Annotation.objects.filter(pk__in=annotation_ids)
        .annotate(visible=Case(When(visibility_q(user), then=Value(True)), default=Value(False), output_field=BooleanField()))
        .values_list("pk", "visible")
    )
    return {pk for pk, visible in rows if not visible}


def editable_q(user) -> Q:
    """Of the visible annotations, those ``user`` may change or delete (see :func:`can_change`)."""
    if not _authenticated(user):
        return Q(pk__in=[])
    own = Q(creator_id=user.pk)
    if user.is_staff:
        return own | ~Q(visibility=PRIVATE)
    return own | (~Q(visibility=PRIVATE) & Q(group_id__in=moderated_group_ids(user)))


# --- a quote's speaker ----------------------------------------------------------------------
# A quote may only name a speaker that everyone who can see the quote can see (issue 14): a
# public quote a public speaker; a group quote a public speaker or one of the same group; a
# private quote also its creator's own speakers. Never a hidden speaker. The services refuse
# other speakers; when visibility changes later (the speaker made private, the quote made
# public), the outputs leave the speaker out (its id, IRI and words) for everyone. One rule,
# in the three forms its users need; tests/annotations/test_selectors_speaker.py holds them equal.


def speaker_shown_with(*, quote: dict, speaker: dict | None) -> bool:
    """The rule over plain values: ``visibility``, ``group_id``, ``creator_id`` (and ``hidden`` of the speaker)."""
    if not speaker or speaker.get("hidden"):
        return False
    if speaker["visibility"] == PUBLIC:
        return True
    if speaker["visibility"] == GROUP:
        same_group = quote["visibility"] == GROUP and quote["group_id"] == speaker["group_id"]
        return same_group or (quote["visibility"] == PRIVATE and quote["creator_id"] == speaker["creator_id"])
    return quote["visibility"] == PRIVATE and quote["creator_id"] == speaker["creator_id"]


def speaker_shown_expression() -> ExpressionWrapper:
    """The rule as a column of a quote row (joins its speaker): False when it has none."""
    rule = Q(speaker__isnull=False, speaker__hidden=False) & (
        Q(speaker__visibility=PUBLIC)
        | Q(speaker__visibility=GROUP, visibility=GROUP, speaker__group_id=F("group_id"))
        | Q(visibility=PRIVATE, speaker__creator_id=F("creator_id"))
    )
    return ExpressionWrapper(rule, output_field=BooleanField())


def quotes_that_may_name(speaker: dict) -> Q:
    """The quotes allowed to show ``speaker`` (its ``visibility``, ``group_id``, ``creator_id``, ``hidden``)."""
    if speaker.get("hidden"):
        return Q(pk__in=[])
    if speaker["visibility"] == PUBLIC:
        return Q()
    own_private = Q(visibility=PRIVATE, creator_id=speaker["creator_id"])
    if speaker["visibility"] == GROUP:
        return Q(visibility=GROUP, group_id=speaker["group_id"]) | own_private
    return own_private


def with_can_edit(queryset: QuerySet[Annotation], user) -> QuerySet[Annotation]:
    """Add a ``can_edit`` column computed in the same query (no per-row lookups)."""
    if not _authenticated(user):
        return queryset.annotate(can_edit=Value(False, output_field=BooleanField()))
    return queryset.annotate(
        can_edit=Case(When(editable_q(user), then=Value(True)), default=Value(False), output_field=BooleanField())
    )


# Columns of one annotation as the API shows it (joins: label, creator). Lists
# read exactly these with .values(), so a page is one query however long.
ANNOTATION_VALUES = (
    "id",
    "article_id",
    "revision_id",
    "kind",
    "start",
    "end",
    "exact",
    "prefix",
    "suffix",
    "label_id",
    "label__code",
    "speaker_id",
    "speaker_name",
    "cue_start",
    "cue_end",
    "quote_type",
    "note",
    "status",
    "suggester",
    "confidence",
    "visibility",
    "group_id",
    "creator_id",
    "creator__username",
    # Who changed it last (a join in the same query, like the creator's name).
    "modified_by_id",
    "modified_by__username",
    "created",
    "modified",
    "version",
    "orphaned",
    "hidden",
)
# What the W3C form needs besides (joins: speaker, article, revision).
W3C_VALUES = ANNOTATION_VALUES + (
    "speaker__exact", "article__language", "article__direction", "revision__created_at", "canonical", "via",
)  # fmt: skip


def annotation_rows(queryset: QuerySet[Annotation], user, *, w3c: bool = False, with_total: bool = False) -> QuerySet:
    """``queryset`` as plain dicts with ``can_edit`` and ``reply_count``, in one SQL query.

    ``with_total`` adds ``total``: the number of rows before any slicing
    (``COUNT(*) OVER ()``), so a page and its count come back together.
    """
    replies = (
        Reply.objects.filter(annotation_id=OuterRef("pk"), hidden=False)
        .order_by()
        .values("annotation_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    queryset = with_can_edit(queryset, user).annotate(
        reply_count=Coalesce(Subquery(replies, output_field=IntegerField()), 0),
        speaker_shown=speaker_shown_expression(),
    )
    extra = ["can_edit", "reply_count", "speaker_shown"]
    if with_total:
        queryset = queryset.annotate(total=Window(Count("*")))
        extra.append("total")
    return queryset.values(*(W3C_VALUES if w3c else ANNOTATION_VALUES), *extra)


def new_annotation_row(annotation: Annotation, user) -> dict:
    """The ``annotation_rows(..., w3c=True)`` row of an annotation ``user`` just created.

    The services hand back the annotation with its article, revision and label
    loaded; nothing is read again (a new annotation has no replies, and its
    creator may edit it).
    """
    row = {name: getattr(annotation, name) for name in ANNOTATION_VALUES if "__" not in name}
    row["label__code"] = annotation.label.code if annotation.label_id else None
    row["creator__username"] = annotation.creator.get_username() if annotation.creator_id else None
    # The services set modified_by to the creator object itself: no query.
    row["modified_by__username"] = annotation.modified_by.get_username() if annotation.modified_by_id else None
    speaker = (
        Annotation.objects.filter(pk=annotation.speaker_id).values("exact", "visibility", "group_id", "creator_id", "hidden").first()
        if annotation.speaker_id
        else None
    )
    row["speaker__exact"] = speaker["exact"] if speaker else None
    row["speaker_shown"] = speaker_shown_with(quote=row, speaker=speaker)
    row["article__language"] = annotation.article.language
    row["article__direction"] = annotation.article.direction
    row["revision__created_at"] = annotation.revision.created_at
    row["canonical"], row["via"] = annotation.canonical, annotation.via
    row["can_edit"] = _authenticated(user) and annotation.creator_id == user.pk
    row["reply_count"] = 0
    return row


# --- the list endpoint's hot path ---------------------------------------------------------
#
# Building and compiling the list queryset (visibility subqueries, can_edit,
# reply_count, the window count) costs several times more CPU than running it.
# Its SQL only depends on the *kind* of caller (anonymous, user, staff) and the
# form (JSON or W3C), so it is compiled by the ORM once per kind, from
# annotations_for_article() itself (the one visibility rule), with stand-in ids
# that are then swapped for the real ones. Filtered lists take the ORM path.
# The page (ids and the total) is cut before anything is joined: see _compile_page_query.

_STAND_IN_USER = -7_000_000_001
_STAND_IN_ARTICLE = -7_000_000_002
_compiled: dict[tuple[str, bool], tuple[str, list, tuple[str, ...]]] = {}


class _StandInUser:
    def __init__(self, kind: str):
        self.pk = _STAND_IN_USER
        self.is_authenticated = kind != "anonymous"
        self.is_staff = kind == "staff"


def _caller_kind(user) -> str:
    if not _authenticated(user):
        return "anonymous"
    return "staff" if user.is_staff else "user"


_PAGE_ALIAS = "annotation_page"
# Markers for the page's LIMIT and OFFSET among the compiled parameters (any value could be a real parameter).
_LIMIT, _OFFSET = object(), object()


def _compile_page_query(kind: str, w3c: bool) -> tuple[str, list, tuple[str, ...]]:
    """SQL and parameter slots of one page of :func:`annotation_rows` for ``kind`` callers.

    Two ORM-compiled parts, one statement. The inner one is
    annotations_for_article() itself reduced to ``id`` and the window total,
    with the LIMIT/OFFSET: the visibility filter, the ordering, the count and
    the page run over annotations_annotation alone. The outer one is
    annotation_rows() over that derived table (``annotation_page``), so the
    joins (label, creator, modified_by, speaker, article, revision) and the
    reply counts run for the page's rows only, not for every visible row.
    """
    stand_in = _StandInUser(kind)
    visible = annotations_for_article(user=stand_in, article_id=_STAND_IN_ARTICLE)
    page_sql, page_params = visible.annotate(total=Window(Count("*"))).values("id", "total").query.sql_with_params()
    # The same ordering outside (a derived table's rows have no order of their own);
    # the total is the inner window count, read from the derived table.
    rows = annotation_rows(Annotation.objects.order_by(*visible.query.order_by), stand_in, w3c=w3c).annotate(
        total=RawSQL(f'{connection.ops.quote_name(_PAGE_ALIAS)}."total"', (), output_field=IntegerField())
    )
    query = rows.query
    sql, params = query.sql_with_params()
    table, alias = connection.ops.quote_name(Annotation._meta.db_table), connection.ops.quote_name(_PAGE_ALIAS)
    anchor = f" FROM {table} "
    if sql.count(anchor) != 1 or "%%" in sql:  # pragma: no cover - a guard against a changed compilation
        raise RuntimeError("the list query's FROM clause is not where _compile_page_query expects it")
    head, tail = sql.split(anchor)
    before = head.count("%s")  # the select list's parameters (can_edit, reply_count) come before the FROM
    joined = table
    if not re.search(rf"{re.escape(table)}(?!\.| [A-Z]+\d+ )", head + tail):
        # The outer annotations table as ``"a"``, its columns without the ``AS`` that repeats their name (the
        # same columns under the same names): psycopg caches its %s -> $n conversion only for statements of
        # at most 4,096 characters, and a signed-in reader's W3C page was 4,583 (converted anew, in Python,
        # on every request). Only when no subquery of the select list or the joins reads the table unaliased.
        head, tail = (_short_columns(part.replace(f"{table}.", '"a".')) for part in (head, tail))
        joined = f'{table} "a"'
    sql = (
        f"{head} FROM ({page_sql} LIMIT %s OFFSET %s) {alias}"
        f' INNER JOIN {joined} ON ({joined.split()[-1]}."id" = {alias}."id") {tail}'
    )
    params = [*params[:before], *page_params, _LIMIT, _OFFSET, *params[before:]]
    slots = [
        "user" if p == _STAND_IN_USER else "article" if p == _STAND_IN_ARTICLE
        else "limit" if p is _LIMIT else "offset" if p is _OFFSET else ("value", p)
        for p in params
    ]  # fmt: skip
    if "article" not in slots or (kind != "anonymous" and "user" not in slots):  # pragma: no cover - a guard
        raise RuntimeError("the list query no longer takes the caller or the article as parameters")
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    return sql, slots, names


_SAME_NAME = re.compile(r'("a"\."(\w+)") AS "\2"')


def _short_columns(sql: str) -> str:
    """``"a"."id" AS "id"`` as ``"a"."id"`` (a column's output name is its own name)."""
    return _SAME_NAME.sub(r"\1", sql)


def annotation_page_values(
    *, user, article_id: int, w3c: bool = False, offset: int = 0, limit: int = 100
) -> tuple[tuple[str, ...], list[tuple]]:
    """:func:`annotation_page` as the database gives it: the column names and the rows as tuples.

    For a caller that reads the columns itself in one loop (the plain list,
    ``annotations.api.serializers.annotation_dicts``): no dict per row in between.
    """
    kind = _caller_kind(user)
    entry = _compiled.get((kind, w3c))
    if entry is None:
        entry = _compiled[(kind, w3c)] = _compile_page_query(kind, w3c)
    sql, slots, names = entry
    values = {"user": getattr(user, "pk", None), "article": article_id, "limit": limit, "offset": offset}
    params = [values[s] if isinstance(s, str) else s[1] for s in slots]
    with connection.cursor() as cursor:
        # psycopg's C timestamptz loader (the session time zone is UTC): Django's
        # own loader parses in Python, which cost more than the rest of the page.
        cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(sql, params)
        return names, cursor.fetchall()


def annotation_page(*, user, article_id: int, w3c: bool = False, offset: int = 0, limit: int = 100) -> list[dict]:
    """Rows of ``annotation_rows(annotations_for_article(...), with_total=True)[offset:offset + limit]``.

    The same rows as the ORM would give (a test holds them equal), in one
    query, without building a queryset per request. A page past the end is
    ``[]`` (no total): the view tells an empty article from a page too far.
    """
    names, rows = annotation_page_values(user=user, article_id=article_id, w3c=w3c, offset=offset, limit=limit)
    return [dict(zip(names, row)) for row in rows]


def annotations_for_article(*, user, article_id: int) -> QuerySet[Annotation]:
    """The visible annotations of one article in reading order (all its revisions, orphans included)."""
    return annotations_visible_to(user).filter(article_id=article_id).order_by("start", "end", "id")


def annotation_counts(*, user, article_ids: Iterable[int], orphaned: bool = False) -> dict[int, int]:
    """How many annotations ``user`` can see per article (one query)."""
    rows = (
        annotations_visible_to(user)
        .filter(article_id__in=list(article_ids), orphaned=orphaned)
        .values("article_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["article_id"]: row["n"] for row in rows}


def replies_visible_to(user) -> QuerySet[Reply]:
    """Replies on visible annotations; hidden replies only for their author and moderators."""
    visible = Reply.objects.filter(annotation__in=annotations_visible_to(user).values("pk"))
    if not _authenticated(user):
        return visible.filter(hidden=False)
    if user.is_staff:
        return visible
    return visible.filter(
        Q(hidden=False) | Q(author_id=user.pk) | Q(annotation__group_id__in=moderated_group_ids(user))
    )


def groups_visible_to(user) -> QuerySet[Group]:
    """Groups ``user`` belongs to (staff: all groups). Group names are not public."""
    if not _authenticated(user):
        return Group.objects.none()
    if user.is_staff:
        return Group.objects.all()
    return Group.objects.filter(pk__in=member_group_ids(user))


def membership_role(*, user, group_id: int) -> str | None:
    if not _authenticated(user):
        return None
    return Membership.objects.filter(user_id=user.pk, group_id=group_id).values_list("role", flat=True).first()


def label_set_for_article(article) -> LabelSet | None:
    """The article's own label set, else its source's, else the default set."""
    if article.label_set_id:
        return LabelSet.objects.get(pk=article.label_set_id)
    source_set_id = getattr(article.source, "label_set_id", None)
    if source_set_id:
        return LabelSet.objects.get(pk=source_set_id)
    return LabelSet.objects.filter(is_default=True).first()


def labels_of(label_set: LabelSet | None) -> list[Label]:
    return list(label_set.labels.all()) if label_set else []
