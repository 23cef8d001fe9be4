"""What every service of annotations shares: constants, errors, permissions, the one hook into the
event log, and the article a change is about (loaded in one statement)."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db import connection
from django.db.models import Q

from annotations.errors import NotFound, PreconditionFailed
from annotations.models import Annotation, Label, LabelSet, Membership
from annotations.outbox import event_append
from annotations.selectors import annotations_visible_to
from newsreader.models import Article, ArticleRevision, Source
from newsreader.ids import parse_id

MAX_NOTE_LENGTH = 10_000

# Curated marks (status "curated", the gold layer) are written by curation only (projects/), which
# calls the services inside curation_writes(); anyone else asking for that status is refused.
_curating: ContextVar[bool] = ContextVar("annotations_curating", default=False)


@contextmanager
def curation_writes():
    """Allow status ``curated`` for the writes made inside this block (by curation services)."""
    token = _curating.set(True)
    try:
        yield
    finally:
        _curating.reset(token)


MAX_REPLY_LENGTH = 10_000
# How much of its old prefix/suffix a span must find again to move onto one of
# several occurrences of its text after an edit.
CARRY_OVER_MIN_CONTEXT = 8

Kind, QuoteType, Status, Visibility = (
    Annotation.Kind,
    Annotation.QuoteType,
    Annotation.Status,
    Annotation.Visibility,
)

SPAN_FIELDS = frozenset({"start", "end", "exact", "prefix", "suffix"})
CHANGEABLE_FIELDS = SPAN_FIELDS | {
    "label",
    "speaker",
    "speaker_name",
    "cue_start",
    "cue_end",
    "quote_type",
    "note",
    "status",
    "suggester",
    "confidence",
    "visibility",
    "group",
}
# Columns written by create/update/carry-over.
_COLUMNS = (
    "revision_id",
    "start",
    "end",
    "exact",
    "prefix",
    "suffix",
    "label_id",
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
)


# --- errors -----------------------------------------------------------------


class _Errors:
    """Collects every problem of one input so the client learns them all at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str, position: int | None = None) -> None:
        if position is None:
            error = ValidationError(message, code=code)
        else:
            # ValidationError applies "message % params": keep a literal % intact.
            error = ValidationError(message.replace("%", "%%"), code=code, params={"position": position})
        self.by_field.setdefault(field, []).append(error)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _condition_sql(condition: Q) -> tuple[str, list]:
    """``condition`` on annotations as SQL for a hand-written statement on their table (the rule stays in
    the selector that builds the ``Q``)."""
    query = Annotation.objects.filter(condition).query
    try:
        sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    except EmptyResultSet:
        return "FALSE", []
    except FullResultSet:
        return "TRUE", []
    return sql or "TRUE", list(params)


def _is_authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _int_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


# --- permissions ------------------------------------------------------------


def can_change(user, annotation: Annotation) -> bool:
    """Creator, a moderator/owner of the annotation's group, or staff (never others' private ones)."""
    if not _is_authenticated(user):
        return False
    if annotation.creator_id == user.pk:
        return True
    if annotation.visibility == Visibility.PRIVATE:
        return False
    if user.is_staff:
        return True
    return annotation.group_id is not None and Membership.objects.filter(
        user_id=user.pk, group_id=annotation.group_id, role__in=Membership.MODERATING_ROLES
    ).exists()


def can_moderate(user, annotation: Annotation) -> bool:
    """Hide and restore: moderators of the annotation's group and staff (not the creator alone)."""
    if not _is_authenticated(user) or annotation.visibility == Visibility.PRIVATE:
        return False
    if user.is_staff:
        return True
    return annotation.group_id is not None and Membership.objects.filter(
        user_id=user.pk, group_id=annotation.group_id, role__in=Membership.MODERATING_ROLES
    ).exists()


def _visible_annotation(user, annotation_id) -> Annotation:
    queryset = annotations_visible_to(user).select_related("revision", "article")
    annotation = queryset.filter(pk=annotation_id).first() if isinstance(annotation_id, int) else None
    if annotation is None:
        raise NotFound(f"Annotation {annotation_id} does not exist.")
    return annotation


def stale_version(annotation_id: int, expected_version: int | None) -> NotFound | PreconditionFailed:
    """The error for a write that found ``annotation_id`` no longer at ``expected_version``: 412 with the
    version it is at now, or 404 when it is gone meanwhile (one query)."""
    current = Annotation.objects.filter(pk=annotation_id).values_list("version", flat=True).first()
    if current is None:
        return NotFound(f"Annotation {annotation_id} does not exist.")
    return PreconditionFailed(
        f"Annotation {annotation_id} is at version {current}, not {expected_version}: someone changed it.",
        current_version=current,
    )


# --- hook -------------------------------------------------------------------


def log_change(*, action: str, annotation_ids: list[int], article_id: int, gone: list[dict] | None = None) -> None:
    """Log a change to annotations (``created``, ``updated``, ``deleted``,
    ``carried_over``, ``hidden``, ``restored``) in the changing transaction.

    One INSERT into the event log and nothing else: live updates, entity
    linking and the CRF's counter are consumers of the log that run after the
    commit (:mod:`annotations.outbox`), so this app depends on none of them.
    A deletion passes ``gone`` (:func:`annotations.selectors.gone_rows`): who could see what it deleted.
    """
    event_append(action=action, annotation_ids=annotation_ids, article_id=article_id, gone=gone)


# --- the article a change is about ---------------------------------------------


@dataclass
class _ArticleContext:
    """What validating annotations of one article needs, loaded once per request.

    ``cached``: read from this process's cache (:func:`_article_context`), so possibly behind the
    database; a write made with it must check in its own statement that it is not (the create's guard).
    """

    article: Article
    revision: ArticleRevision
    label_set_id: int | None
    labels: list[Label] | tuple[Label, ...]
    user: Any
    cached: bool = False
    _groups: dict[int, str] | None = None
    _revisions: dict[int, ArticleRevision] = field(default_factory=dict)

    @property
    def label_set(self) -> LabelSet | None:
        # Only error messages need its name: loaded then.
        return LabelSet.objects.filter(pk=self.label_set_id).first() if self.label_set_id else None

    def label(self, value) -> Label | None:
        if isinstance(value, Label):
            value = value.pk
        for label in self.labels:
            if (isinstance(value, int) and label.pk == value) or (
                isinstance(value, str) and label.code in (value, value.strip().upper())
            ):
                return label
        if isinstance(value, str) and (pk := parse_id(value)):
            return self.label(pk)
        return None

    def group_role(self, group_id: int) -> str | None:
        if self._groups is None:
            self._groups = (
                dict(Membership.objects.filter(user_id=self.user.pk).values_list("group_id", "role"))
                if _is_authenticated(self.user)
                else {}
            )
        return self._groups.get(group_id)

    def revision_by_id(self, revision_id: int) -> ArticleRevision | None:
        if revision_id == self.revision.pk:
            return self.revision
        if revision_id not in self._revisions:
            found = ArticleRevision.objects.filter(pk=revision_id, article_id=self.article.pk).first()
            if found is None:
                return None
            self._revisions[revision_id] = found
        return self._revisions[revision_id]


# Everything validating a change needs, in one statement: the article row (locked
# FOR SHARE when asked), its current revision's text, and its label set (the
# article's, else its source's, else the default set) with the labels. The
# revision is an outer join: when the lock had to wait for a new revision, the
# row is re-read at its new version but the joined revision is not (it is newer
# than the statement's snapshot), and is then read on its own.
_LABEL_COLUMNS = [f.column for f in Label._meta.concrete_fields]
_LABEL_ATTNAMES = [f.attname for f in Label._meta.concrete_fields]
# The label set an article's labels come from, as SQL over the article ``a`` and its source ``s``
# (also the create's guard: annotations.services.validation).
LABEL_SET_SQL = (
    f"COALESCE(a.label_set_id, s.label_set_id, "
    f"(SELECT d.id FROM {LabelSet._meta.db_table} d WHERE d.is_default LIMIT 1))"
)
_ARTICLE_SQL = f"""
    SELECT a.id, a.source_id, a.current_revision_id, a.language, a.direction, a.label_set_id, ls.id,
           r.number, r.text, r.created_at,
           (SELECT COALESCE(json_agg(json_build_array({", ".join(f"l.{c}" for c in _LABEL_COLUMNS)})
                                     ORDER BY l."order", l.code), '[]')
              FROM {Label._meta.db_table} l WHERE l.label_set_id = ls.id)
      FROM {Article._meta.db_table} a
      JOIN {Source._meta.db_table} s ON s.id = a.source_id
      LEFT JOIN {ArticleRevision._meta.db_table} r ON r.id = a.current_revision_id
      LEFT JOIN LATERAL (SELECT {LABEL_SET_SQL} AS id) ls ON TRUE
     WHERE a.id = %s
"""


@dataclass(frozen=True)
class _ArticleState:
    """The part of an article's context shared by every request (the user's part is not in it)."""

    article: Article
    revision: ArticleRevision
    label_set_id: int | None
    labels: tuple[Label, ...]
    read_at: float


# Per process: article id -> its state when last read. A revision's text never changes (a new text is
# a new revision row), so what a cached state can be behind in is the article row (its current
# revision, language, direction, label set) and the labels, and the create's guard checks exactly
# those in its INSERT (annotations.services.validation._guard): a create on a warm article is one
# statement, not two (issue 15). A state older than STATE_SECONDS is read again anyway, so what only
# the answer shows (a label's names) is never older than that.
STATE_SECONDS = 60.0
_STATES_MAX = 256
_states: dict[tuple[str, int], _ArticleState] = {}


def forget_article_states() -> None:
    """Empty this process's cache of article states (tests; nothing needs it for correctness)."""
    _states.clear()


def _article_context(*, article: Article | int, user, lock: bool = True, cached: bool = False) -> _ArticleContext:
    """The context of ``article`` for ``user``: read (locked FOR SHARE with ``lock``), or with
    ``cached`` from this process's cache when it holds a recent state (no statement at all)."""
    article_id = article.pk if isinstance(article, Article) else article
    if not _int_or_none(article_id) or article_id is None:
        raise NotFound(f"Article {article_id} does not exist.")
    key = (connection.settings_dict["NAME"], article_id)
    if cached:
        state = _states.get(key)
        if state is not None and time.monotonic() - state.read_at < STATE_SECONDS:
            return _ArticleContext(
                article=state.article, revision=state.revision, label_set_id=state.label_set_id, labels=state.labels,
                user=user, cached=True,
            )  # fmt: skip
    with connection.cursor() as cursor:
        # FOR SHARE: creations run side by side, but a new revision (which
        # updates the article row) waits for them, and they see it after, so
        # no annotation is ever created on a revision that was just replaced.
        cursor.execute(_ARTICLE_SQL + (" FOR SHARE OF a" if lock else ""), [article_id])
        row = cursor.fetchone()
    if row is None or row[2] is None:
        _states.pop(key, None)
        raise NotFound(f"Article {article_id} does not exist.")
    pk, source_id, revision_id, language, direction, own_set_id, set_id, number, text, created_at, labels = row
    article = Article(
        id=pk, source_id=source_id, current_revision_id=revision_id, language=language, direction=direction,
        label_set_id=own_set_id,
    )  # fmt: skip
    if text is None:
        # The article row changed while we waited for its lock (a new revision): the revision it
        # names now is newer than this statement's snapshot. Read it with a new one.
        revision = ArticleRevision.objects.only("id", "article_id", "number", "text", "created_at").get(pk=revision_id)
    else:
        revision = ArticleRevision(id=revision_id, article_id=pk, number=number, text=text, created_at=created_at)
    if isinstance(labels, str):
        labels = json.loads(labels)
    labels = tuple(Label(**dict(zip(_LABEL_ATTNAMES, values))) for values in labels)
    if len(_states) >= _STATES_MAX and key not in _states:
        _states.pop(next(iter(_states)), None)  # the oldest read
    _states[key] = _ArticleState(article, revision, set_id, labels, time.monotonic())
    return _ArticleContext(article=article, revision=revision, label_set_id=set_id, labels=labels, user=user)


def log_reply_change(*, action: str, annotation: Annotation) -> None:
    """Tell the article's readers that ``annotation``'s replies changed (``reply_created``,
    ``reply_updated``, ``reply_deleted``), inside the changing transaction.

    Replies neither name entities nor teach the suggestions: only the live
    relay acts on these events. The event
    names the annotation (the payload stays ``annotations: [ids]``); readers
    re-fetch it (its ``reply_count``) and, with its card open, its replies.
    """
    event_append(action=action, annotation_ids=[annotation.pk], article_id=annotation.article_id)


