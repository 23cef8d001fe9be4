"""Every change to annotations, replies and groups happens here, with its rules.

Views, serializers, the admin, importers and the language engine call these
functions; none of them saves an annotation directly. Rules (issue 3):

* a span lies inside its revision's text, does not start on a combining mark
  and does not split a grapheme cluster (:func:`arabic.anchoring.check_span`);
* ``exact`` must be the text at the offsets; when it is not, the span is found
  again from ``exact``/``prefix``/``suffix`` (as written, then folded) and the
  corrected offsets are stored, else a ``ValidationError`` says what did not
  match;
* an exact duplicate by the same user is a :class:`~annotations.errors.Conflict`
  (the database's ``annotation_unique_per_creator`` index backs it up);
* a quote's speaker is an entity of the same article revision; labels come from
  the article's label set;
* only the creator, a moderator of the annotation's group or staff may change
  or delete it, and the ``If-Match`` version check happens inside the UPDATE.

Errors: ``django.core.exceptions.ValidationError`` (dict keyed by field, each
error with a ``code`` and for offsets ``params["position"]``) and the classes
of :mod:`annotations.errors`.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from annotations.errors import BulkError, Conflict, Forbidden, NotFound, PreconditionFailed
from annotations.models import CONTEXT_LENGTH, Annotation, Group, Label, LabelSet, Membership, Reply
from annotations.outbox import event_append
from annotations.selectors import annotations_visible_to, quotes_that_may_name, replies_visible_to, speaker_shown_with
from arabic.anchoring import AnchorError, OffsetMap, SpanError, anchor, check_span, context, locate, loose, snap
from arabic.clean import neutralise_bidi
from newsreader.models import Article, ArticleRevision, Source

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
MAX_BULK_ITEMS = 1_000
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


# --- hook -------------------------------------------------------------------


def _after_change(*, action: str, annotation_ids: list[int], article_id: int) -> None:
    """Log a change to annotations (``created``, ``updated``, ``deleted``,
    ``carried_over``, ``hidden``, ``restored``) in the changing transaction.

    One INSERT into the event log and nothing else: live updates, entity
    linking and the CRF's counter are consumers of the log that run after the
    commit (:mod:`annotations.outbox`), so this app depends on none of them.
    """
    event_append(action=action, annotation_ids=annotation_ids, article_id=article_id)


# --- the article a change is about ---------------------------------------------


@dataclass
class _ArticleContext:
    """What validating annotations of one article needs, loaded once per request."""

    article: Article
    revision: ArticleRevision
    label_set_id: int | None
    labels: list[Label]
    user: Any
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
        if isinstance(value, str) and value.isdigit():
            return self.label(int(value))
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
_ARTICLE_SQL = f"""
    SELECT a.id, a.source_id, a.current_revision_id, a.language, a.direction, a.label_set_id, ls.id,
           r.number, r.text, r.created_at,
           (SELECT COALESCE(json_agg(json_build_array({", ".join(f"l.{c}" for c in _LABEL_COLUMNS)})
                                     ORDER BY l."order", l.code), '[]')
              FROM {Label._meta.db_table} l WHERE l.label_set_id = ls.id)
      FROM {Article._meta.db_table} a
      JOIN {Source._meta.db_table} s ON s.id = a.source_id
      LEFT JOIN {ArticleRevision._meta.db_table} r ON r.id = a.current_revision_id
      LEFT JOIN LATERAL (SELECT COALESCE(a.label_set_id, s.label_set_id,
                                         (SELECT d.id FROM {LabelSet._meta.db_table} d WHERE d.is_default LIMIT 1)) AS id) ls
        ON TRUE
     WHERE a.id = %s
"""


def _article_context(*, article: Article | int, user, lock: bool = True) -> _ArticleContext:
    article_id = article.pk if isinstance(article, Article) else article
    if not _int_or_none(article_id) or article_id is None:
        raise NotFound(f"Article {article_id} does not exist.")
    with connection.cursor() as cursor:
        # FOR SHARE: creations run side by side, but a new revision (which
        # updates the article row) waits for them, and they see it after, so
        # no annotation is ever created on a revision that was just replaced.
        cursor.execute(_ARTICLE_SQL + (" FOR SHARE OF a" if lock else ""), [article_id])
        row = cursor.fetchone()
    if row is None or row[2] is None:
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
    labels = [Label(**dict(zip([f.attname for f in Label._meta.concrete_fields], values))) for values in labels]
    return _ArticleContext(article=article, revision=revision, label_set_id=set_id, labels=labels, user=user)


# --- validation ---------------------------------------------------------------


@dataclass
class _Speaker:
    id: int
    kind: str
    article_id: int
    revision_id: int
    orphaned: bool
    visibility: str
    group_id: int | None
    creator_id: int | None
    hidden: bool


_SPEAKER_FIELDS = ("id", "kind", "article_id", "revision_id", "orphaned", "visibility", "group_id", "creator_id", "hidden")


def _find_speaker(user, speaker_id: int) -> _Speaker | None:
    row = annotations_visible_to(user).filter(pk=speaker_id).values(*_SPEAKER_FIELDS).first()
    return _Speaker(**row) if row else None


def _check_speaker_visibility(errors, *, instance, out: dict, speaker: _Speaker | None, user) -> None:
    """A quote may only name a speaker everyone who can see the quote can see (selectors.speaker_shown_with)."""
    if speaker is None and instance is not None and instance.speaker_id and "speaker_id" not in out and (
        "visibility" in out or "group_id" in out
    ):
        # The quote's audience changes: its speaker must still be visible to all of it.
        row = Annotation.objects.filter(pk=instance.speaker_id).values(*_SPEAKER_FIELDS).first()
        speaker = _Speaker(**row) if row else None
    if speaker is None:
        return
    quote = {
        "visibility": out.get("visibility", instance.visibility if instance else Visibility.PUBLIC),
        "group_id": out.get("group_id", instance.group_id if instance else None),
        "creator_id": instance.creator_id if instance else getattr(user, "pk", None),
    }
    if not speaker_shown_with(quote=quote, speaker=speaker.__dict__):
        audience = {Visibility.PUBLIC: "everyone", Visibility.GROUP: "its group"}.get(quote["visibility"], "you")
        errors.add(
            "speaker",
            f"The speaker (annotation {speaker.id}) is {'hidden' if speaker.hidden else speaker.visibility}, "
            f"but this quote is shown to {audience}: a quote may only name a speaker that everyone who can see "
            "the quote can see. Share the speaker as widely as the quote, or leave it out.",
            "speaker_not_visible",
        )


def _clean_span(errors: _Errors, text: str, data: dict, *, hint: int | None = None):
    """Anchor the span of ``data`` in ``text``; returns the Anchor or None (errors recorded)."""
    start, end, exact = data.get("start"), data.get("end"), data.get("exact") or ""
    prefix, suffix = data.get("prefix") or "", data.get("suffix") or ""
    for name, value in (("start", start), ("end", end)):
        if not _int_or_none(value):
            errors.add(name, f"{name} must be a whole number of characters (Unicode code points).", "invalid")
            return None
    if not isinstance(exact, str) or not isinstance(prefix, str) or not isinstance(suffix, str):
        errors.add("exact", "exact, prefix and suffix must be text.", "invalid")
        return None
    if (start is None) != (end is None):
        missing = "end" if end is None else "start"
        errors.add(missing, f"Give both start and end, or neither (with exact); {missing} is missing.", "required")
        return None
    if start is None and not exact:
        errors.add("start", "Give start and end offsets, or the quoted text (exact) to find.", "required")
        return None
    try:
        found = anchor(text, exact=exact, start=start, end=end, prefix=prefix, suffix=suffix, hint=hint)
    except SpanError as exc:
        errors.add(exc.field, exc.message, exc.code, exc.position)
        return None
    except AnchorError as exc:
        if start is not None and 0 <= start < end <= len(text):
            message = f"The text at {start}–{end} is '{text[start:end]}', not '{exact}'; " + exc.message[0].lower() + exc.message[1:]
            errors.add("exact", message, "exact_mismatch" if exc.code == "not_found" else exc.code, start)
        elif start is not None:
            errors.add("exact", f"The offsets {start}–{end} are outside the text ({len(text)} characters) and " + exc.message[0].lower() + exc.message[1:], exc.code, start)
        else:
            errors.add("exact", exc.message, exc.code)
        return None
    return found


def _clean(
    ctx: _ArticleContext,
    data: dict,
    *,
    instance: Annotation | None = None,
    speaker_lookup=None,
    pending_speaker: bool = False,
) -> dict:
    """Validate ``data`` (all fields for a create, the changed ones for an update).

    Returns the column values to write (``_COLUMNS`` names) plus ``anchor``
    (how the span was found) when the span was (re)checked.
    """
    errors = _Errors()
    user = ctx.user
    out: dict[str, Any] = {}
    chosen_speaker: _Speaker | None = None
    current = (lambda name, default=None: getattr(instance, name)) if instance else (lambda name, default=None: default)

    kind = instance.kind if instance else data.get("kind")
    if instance and "kind" in data and data["kind"] != instance.kind:
        errors.add("kind", "The kind of an annotation cannot change; delete it and create a new one.", "immutable")
    if kind not in Kind.values:
        errors.add("kind", f"kind must be one of {', '.join(Kind.values)}; got {kind!r}.", "invalid_choice")
        errors.raise_if_any()

    # Span: checked on create, when any span field changes, and when an orphan is re-anchored.
    span_changed = instance is None or bool(SPAN_FIELDS & data.keys())
    if span_changed:
        revision = ctx.revision
        requested = data.get("revision")
        if requested is not None and instance is None:
            rev_id = requested.pk if isinstance(requested, ArticleRevision) else requested
            revision = ctx.revision_by_id(rev_id) if _int_or_none(rev_id) else None
            if revision is None:
                errors.add("revision", f"Revision {rev_id} is not a revision of article {ctx.article.pk}.", "invalid")
                errors.raise_if_any()
        span_data = {k: data.get(k) for k in SPAN_FIELDS}
        if instance is not None:
            # PATCH with only exact: find it near where it was; only offsets: take the text there.
            if "start" not in data and "end" not in data:
                span_data["start"] = span_data["end"] = None
            elif "exact" not in data:
                span_data["exact"] = ""
        found = _clean_span(errors, revision.text, span_data, hint=instance.start if instance is not None else None)
        if found is not None:
            start, end = found.start, found.end
            if revision.pk != ctx.revision.pk:
                # Anchored on an older revision the client had loaded: carry it to the current text.
                moved = _carry_span(OffsetMap(revision.text, ctx.revision.text), revision.text, ctx.revision.text, start, end)
                if moved is None:
                    errors.add(
                        "revision",
                        f"The article's text changed after revision {revision.number} and "
                        f"'{revision.text[start:end]}' is no longer in it; reload the article and select again.",
                        "stale_revision",
                    )
                    errors.raise_if_any()
                start, end = moved
                revision = ctx.revision
            prefix, suffix = context(revision.text, start, end, CONTEXT_LENGTH)
            out.update(
                revision_id=revision.pk,
                start=start,
                end=end,
                exact=revision.text[start:end],
                prefix=prefix,
                suffix=suffix,
                anchor=found,
            )
            text, revision_id = revision.text, revision.pk
        else:
            text, revision_id = revision.text, revision.pk
    else:
        revision = ctx.revision_by_id(instance.revision_id) or instance.revision
        text, revision_id = revision.text, revision.pk

    def given(name: str) -> bool:
        return instance is None or name in data

    # Label: entities only, from the article's label set.
    if kind == Kind.ENTITY:
        if given("label"):
            value = data.get("label")
            if value is None or value == "":
                errors.add("label", "An entity needs a label.", "required")
            else:
                label = ctx.label(value)
                if label is None:
                    codes = ", ".join(lbl.code for lbl in ctx.labels) or "none"
                    label_set = ctx.label_set
                    set_name = label_set.name if label_set else "(none)"
                    errors.add(
                        "label",
                        f"Unknown label {value!r}: this article's label set '{set_name}' has {codes}.",
                        "unknown_label",
                    )
                else:
                    out["label_id"] = label.pk
        for name in ("speaker", "speaker_name", "cue_start", "cue_end", "quote_type"):
            if data.get(name) not in (None, "") and given(name):
                errors.add(name, f"Only quotes have {name.replace('_', ' ')}; this is an entity.", "entity_field")
        if pending_speaker:
            errors.add("speaker_index", "Only quotes have a speaker; this is an entity.", "entity_field")
        if instance is None:
            out.update(speaker_id=None, speaker_name="", cue_start=None, cue_end=None, quote_type="")
    else:
        if data.get("label") not in (None, "") and given("label"):
            errors.add("label", "A quote has no label; say what kind of quote it is with quote_type.", "quote_label")
        if instance is None:
            out["label_id"] = None
        if given("quote_type"):
            quote_type = data.get("quote_type") or QuoteType.DIRECT
            if quote_type not in QuoteType.values:
                errors.add(
                    "quote_type",
                    f"quote_type must be one of {', '.join(QuoteType.values)}; got {quote_type!r}.",
                    "invalid_choice",
                )
            out["quote_type"] = quote_type
        if given("speaker_name"):
            speaker_name = neutralise_bidi(data.get("speaker_name") or "").strip()
            if len(speaker_name) > 200:
                errors.add("speaker_name", f"speaker_name is too long ({len(speaker_name)} characters; at most 200).", "max_length")
            out["speaker_name"] = speaker_name
        speaker_target_revision = out.get("revision_id", revision_id)
        if given("speaker") or (span_changed and instance is not None and instance.speaker_id):
            value = data.get("speaker") if given("speaker") else instance.speaker_id
            if isinstance(value, Annotation):
                value = value.pk
            if value in (None, ""):
                out["speaker_id"] = None
            elif not _int_or_none(value):
                errors.add("speaker", f"speaker must be the id of an entity annotation; got {value!r}.", "invalid")
            else:
                speaker = speaker_lookup(value) if speaker_lookup else _find_speaker(user, value)
                if speaker is None:
                    errors.add("speaker", f"Speaker annotation {value} does not exist.", "does_not_exist")
                elif instance is not None and speaker.id == instance.pk:
                    errors.add("speaker", "A quote cannot be its own speaker.", "invalid")
                elif speaker.kind != Kind.ENTITY:
                    errors.add("speaker", f"The speaker (annotation {value}) must be an entity, not a {speaker.kind}.", "speaker_not_entity")
                elif speaker.article_id != ctx.article.pk:
                    errors.add(
                        "speaker",
                        f"The speaker (annotation {value}) belongs to another article ({speaker.article_id}).",
                        "speaker_other_article",
                    )
                elif speaker.revision_id != speaker_target_revision or speaker.orphaned:
                    errors.add(
                        "speaker",
                        f"The speaker (annotation {value}) is on another revision of this article's text.",
                        "speaker_other_revision",
                    )
                else:
                    out["speaker_id"] = speaker.id
                    chosen_speaker = speaker
        # Cue: the reporting verb (قال, أضاف), a span of the same text.
        if given("cue_start") or given("cue_end") or (span_changed and instance is not None):
            cue_start = data["cue_start"] if "cue_start" in data else current("cue_start")
            cue_end = data["cue_end"] if "cue_end" in data else current("cue_end")
            if instance is not None and revision_id != instance.revision_id and "cue_start" not in data:
                # Re-attached to another revision: the old cue offsets mean nothing there.
                cue_start = cue_end = None
            if not _int_or_none(cue_start) or not _int_or_none(cue_end):
                errors.add("cue_start", "cue_start and cue_end must be whole numbers of characters.", "invalid")
            elif (cue_start is None) != (cue_end is None):
                errors.add("cue_end" if cue_end is None else "cue_start", "Give both cue_start and cue_end, or neither.", "required")
            elif cue_start is not None:
                try:
                    check_span(text, cue_start, cue_end, start_field="cue_start", end_field="cue_end")
                    out.update(cue_start=cue_start, cue_end=cue_end)
                except SpanError as exc:
                    errors.add(exc.field, exc.message, exc.code, exc.position)
            else:
                out.update(cue_start=None, cue_end=None)

    if given("note"):
        note = data.get("note") or ""
        if not isinstance(note, str):
            errors.add("note", "note must be text.", "invalid")
        elif len(note) > MAX_NOTE_LENGTH:
            errors.add("note", f"note is too long ({len(note)} characters; at most {MAX_NOTE_LENGTH}).", "max_length")
        elif "\x00" in note:
            errors.add("note", "note contains a NUL character.", "null_characters_not_allowed")
        else:
            # No directional overrides: a note must display as what it says (arabic.clean.neutralise_bidi).
            out["note"] = neutralise_bidi(note)
    if given("status"):
        status = data.get("status") or Status.HUMAN
        if status not in Status.values:
            errors.add("status", f"status must be one of {', '.join(Status.values)}; got {status!r}.", "invalid_choice")
        elif status == Status.CURATED and not _curating.get():
            errors.add("status", "Curated marks are made by curating a project, not directly.", "curation_only")
        out["status"] = status
    if given("suggester"):
        suggester = data.get("suggester") or ""
        if len(suggester) > 100:
            errors.add("suggester", "suggester is too long (at most 100 characters).", "max_length")
        out["suggester"] = suggester
    if given("confidence"):
        confidence = data.get("confidence")
        if confidence is not None and (
            isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1
        ):
            errors.add("confidence", f"confidence must be a number from 0 to 1; got {confidence!r}.", "invalid")
        out["confidence"] = confidence

    # Visibility and group.
    if given("visibility") or given("group"):
        visibility = data.get("visibility") if "visibility" in data else current("visibility", Visibility.PUBLIC)
        visibility = visibility or Visibility.PUBLIC
        group = data.get("group") if "group" in data else current("group_id")
        if isinstance(group, Group):
            group = group.pk
        if visibility not in Visibility.values:
            errors.add(
                "visibility", f"visibility must be one of {', '.join(Visibility.values)}; got {visibility!r}.", "invalid_choice"
            )
        elif visibility == Visibility.PRIVATE and not _is_authenticated(user):
            errors.add("visibility", "Only a signed-in user can keep a private annotation.", "invalid")
        elif visibility == Visibility.PRIVATE and instance is not None and instance.creator_id != user.pk:
            errors.add("visibility", "Only its creator can make an annotation private.", "not_creator")
        elif visibility == Visibility.PRIVATE and group not in (None, ""):
            errors.add("group", "A private annotation belongs to no group; choose visibility 'group' to share it.", "private_group")
        elif visibility == Visibility.GROUP and group in (None, ""):
            errors.add("group", "Choose the group to share this annotation with.", "required")
        elif group not in (None, "") and not _int_or_none(group):
            errors.add("group", f"group must be a group id; got {group!r}.", "invalid")
        elif group not in (None, "") and (instance is None or group != instance.group_id or "visibility" in data):
            if ctx.group_role(group) is None and not (user is not None and getattr(user, "is_staff", False) and Group.objects.filter(pk=group).exists()):
                errors.add("group", f"You are not a member of group {group}.", "not_a_member")
        out["visibility"] = visibility
        out["group_id"] = None if group in (None, "") else group

    if kind == Kind.QUOTE:
        _check_speaker_visibility(errors, instance=instance, out=out, speaker=chosen_speaker, user=user)
    errors.raise_if_any()
    return out


def _duplicate_of(user, fields: dict, kind: str, *, exclude_pk: int | None = None) -> int | None:
    if not _is_authenticated(user):
        return None
    queryset = Annotation.objects.filter(
        creator_id=user.pk,
        revision_id=fields["revision_id"],
        kind=kind,
        start=fields["start"],
        end=fields["end"],
        label_id=fields.get("label_id"),
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.values_list("pk", flat=True).first()


def _duplicate_error(existing_id: int | None, fields: dict) -> Conflict:
    return Conflict(
        f"You already marked {fields['start']}–{fields['end']} ('{fields['exact']}') this way"
        + (f" (annotation {existing_id})." if existing_id else "."),
        existing_id=existing_id,
    )


def _is_unique_violation(exc: IntegrityError) -> bool:
    return "annotation_unique_per_creator" in str(exc)


# Columns of an INSERT: every one but the id (created is set by the service, as modified is).
_INSERT_FIELDS = [f for f in Annotation._meta.concrete_fields if not f.primary_key]
_INSERT_SQL = (
    f"INSERT INTO {Annotation._meta.db_table} ({', '.join(connection.ops.quote_name(f.column) for f in _INSERT_FIELDS)}) "
    f"VALUES ({', '.join(['%s'] * len(_INSERT_FIELDS))}) ON CONFLICT DO NOTHING RETURNING id"
)


def _insert(annotation: Annotation) -> bool:
    """INSERT one annotation (one statement, no savepoint); False when the unique index already holds it."""
    values = [f.get_db_prep_save(getattr(annotation, f.attname), connection) for f in _INSERT_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL, values)
        row = cursor.fetchone()
    if row is None:
        return False
    annotation.pk = row[0]
    annotation._state.adding = False
    return True


# --- create -----------------------------------------------------------------------


def annotation_create(
    *,
    user,
    article: Article | int,
    kind: str,
    start: int | None = None,
    end: int | None = None,
    exact: str = "",
    prefix: str = "",
    suffix: str = "",
    revision: ArticleRevision | int | None = None,
    label: Label | int | str | None = None,
    speaker: Annotation | int | None = None,
    speaker_name: str = "",
    cue_start: int | None = None,
    cue_end: int | None = None,
    quote_type: str = "",
    note: str = "",
    status: str = Status.HUMAN,
    suggester: str = "",
    confidence: float | None = None,
    visibility: str = Visibility.PUBLIC,
    group: Group | int | None = None,
) -> Annotation:
    """Create an entity or a quote on the article's current revision.

    ``start``/``end`` and/or ``exact`` (+ ``prefix``/``suffix``) say where; see
    the module docstring for how they are checked and re-anchored. ``revision``
    is the revision the client's offsets refer to (default: the current one);
    an older one is carried to the current text or refused. ``label`` is a
    Label, its id or its code. ``user`` may be None for machine suggestions
    (then there is no creator). The returned annotation has ``anchor``: how
    the span was found (``method`` "offsets", "exact" or "folded").
    """
    data = dict(
        kind=kind, start=start, end=end, exact=exact, prefix=prefix, suffix=suffix, revision=revision,
        label=label, speaker=speaker, speaker_name=speaker_name, cue_start=cue_start, cue_end=cue_end,
        quote_type=quote_type, note=note, status=status, suggester=suggester, confidence=confidence,
        visibility=visibility, group=group,
    )  # fmt: skip
    with transaction.atomic():
        ctx = _article_context(article=article, user=user)
        fields = _clean(ctx, data)
        found = fields.pop("anchor")
        creator = user if _is_authenticated(user) else None
        now = timezone.now()
        annotation = Annotation(
            article_id=ctx.article.pk, kind=kind, creator=creator, modified_by=creator, created=now, modified=now,
            **fields,
        )  # fmt: skip
        if not _insert(annotation):
            # The unique index holds an equal mark of this user (made before, or by a parallel request).
            raise _duplicate_error(_duplicate_of(user, fields, kind), fields)
        _after_change(action="created", annotation_ids=[annotation.pk], article_id=ctx.article.pk)
    # What the caller shows next is already here: no query to read it back.
    annotation.article = ctx.article
    annotation.revision = ctx.revision
    annotation.label = next((label for label in ctx.labels if label.pk == annotation.label_id), None)
    annotation.anchor = found
    return annotation


def annotations_bulk_create(*, user, article: Article | int, items: list[dict]) -> list[Annotation]:
    """Create many annotations at once: all of them, or none.

    Each item takes the keyword arguments of :func:`annotation_create`, and a
    quote may name its speaker by position in ``items`` with ``speaker_index``
    (an entity created in the same request). Raises :class:`BulkError` with
    every item's errors (``index`` = position in ``items``).
    """
    if not isinstance(items, list) or not items:
        raise BulkError([{"index": None, "field": "items", "message": "Send a non-empty list of annotations.", "code": "required"}])
    if len(items) > MAX_BULK_ITEMS:
        raise BulkError(
            [{"index": None, "field": "items", "message": f"At most {MAX_BULK_ITEMS} annotations per request; got {len(items)}.", "code": "max_length"}]
        )
    errors: list[dict] = []
    conflicts = 0

    def record(index: int, exc: Exception) -> None:
        nonlocal conflicts
        if isinstance(exc, ValidationError):
            for field_name, field_errors in exc.error_dict.items():
                for error in field_errors:
                    entry = {"index": index, "field": field_name, "message": _message(error), "code": error.code}
                    if error.params and "position" in error.params:
                        entry["position"] = error.params["position"]
                    errors.append(entry)
        elif isinstance(exc, Conflict):
            conflicts += 1
            errors.append({"index": index, "field": None, "message": exc.message, "code": exc.code})
        else:  # pragma: no cover - programming error
            raise exc

    with transaction.atomic():
        ctx = _article_context(article=article, user=user)
        # Speakers named by id: one query for all of them.
        speaker_ids = {item.get("speaker") for item in items if isinstance(item, dict) and _int_or_none(item.get("speaker"))}
        speaker_ids.discard(None)
        speakers = {
            row["id"]: _Speaker(**row)
            for row in annotations_visible_to(user)
            .filter(pk__in=speaker_ids)
            .values(*_SPEAKER_FIELDS)
        }
        cleaned: list[tuple[int, dict, dict]] = []
        seen: dict[tuple, int] = {}
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                errors.append({"index": index, "field": None, "message": "Each item must be a JSON object.", "code": "invalid"})
                continue
            item = dict(item)
            speaker_index = item.pop("speaker_index", None)
            unknown = set(item) - (CHANGEABLE_FIELDS | {"kind", "revision"})
            if unknown:
                errors.append(
                    {"index": index, "field": sorted(unknown)[0], "message": f"Unknown field(s): {', '.join(sorted(unknown))}.", "code": "unknown_field"}
                )
                continue
            if speaker_index is not None:
                target = items[speaker_index] if _int_or_none(speaker_index) and 0 <= speaker_index < len(items) else None
                if not isinstance(target, dict) or target.get("kind") != Kind.ENTITY or speaker_index == index:
                    errors.append(
                        {"index": index, "field": "speaker_index", "message": f"speaker_index {speaker_index!r} is not the position of an entity in this request.", "code": "invalid"}
                    )
                    continue
                if item.get("speaker") not in (None, ""):
                    errors.append({"index": index, "field": "speaker_index", "message": "Give speaker or speaker_index, not both.", "code": "invalid"})
                    continue
            try:
                fields = _clean(ctx, item, speaker_lookup=speakers.get, pending_speaker=speaker_index is not None)
            except ValidationError as exc:
                record(index, exc)
                continue
            fields.pop("anchor")
            key = (fields["revision_id"], item.get("kind"), fields["start"], fields["end"], fields.get("label_id"))
            if key in seen and _is_authenticated(user):
                record(index, Conflict(f"Item {index} repeats item {seen[key]} ({fields['start']}–{fields['end']})."))
                continue
            seen[key] = index
            cleaned.append((index, item, fields | {"speaker_index": speaker_index}))
        if _is_authenticated(user) and cleaned:
            existing = Annotation.objects.filter(
                creator_id=user.pk, revision_id=ctx.revision.pk
            ).values_list("pk", "kind", "start", "end", "label_id")
            taken = {(kind, s, e, label_id): pk for pk, kind, s, e, label_id in existing}
            for index, item, fields in cleaned:
                pk = taken.get((item["kind"], fields["start"], fields["end"], fields.get("label_id")))
                if pk and fields["revision_id"] == ctx.revision.pk:
                    record(index, _duplicate_error(pk, fields))
        if errors:
            errors.sort(key=lambda e: (e["index"] is None, e["index"] or 0))
            raise BulkError(errors, conflict_only=bool(conflicts) and conflicts == len({e["index"] for e in errors}))

        now = timezone.now()
        creator = user if _is_authenticated(user) else None
        objects = {}
        # Entities first, so quotes can point at entities of the same request.
        for phase in (Kind.ENTITY, Kind.QUOTE):
            batch = []
            for index, item, fields in cleaned:
                if item["kind"] != phase:
                    continue
                fields = dict(fields)
                speaker_index = fields.pop("speaker_index")
                if speaker_index is not None:
                    fields["speaker_id"] = objects[speaker_index].pk
                obj = Annotation(
                    article_id=ctx.article.pk, kind=phase, creator=creator, modified_by=creator, created=now,
                    modified=now, **fields,
                )  # fmt: skip
                objects[index] = obj
                batch.append(obj)
            try:
                with transaction.atomic():
                    Annotation.objects.bulk_create(batch)
            except IntegrityError as exc:
                if _is_unique_violation(exc):
                    raise BulkError(
                        [{"index": None, "field": None, "message": "Another request created one of these annotations at the same time.", "code": "duplicate"}],
                        conflict_only=True,
                    ) from exc
                raise
        created = [objects[index] for index in sorted(objects)]
        _after_change(action="created", annotation_ids=[a.pk for a in created], article_id=ctx.article.pk)
    return created


def _message(error: ValidationError) -> str:
    return error.message % error.params if error.params else error.message


# --- update and delete ------------------------------------------------------------


def annotation_update(*, user, annotation_id: int, expected_version: int | None, **changes) -> Annotation:
    """Change an annotation if it is still at ``expected_version`` (None: whatever version it is at).

    ``changes`` are fields of :data:`CHANGEABLE_FIELDS`; a ``kind`` equal to
    the current one is ignored. Span changes are anchored in the article's
    current revision (which also re-attaches an orphaned annotation). The
    version check is the WHERE clause of the UPDATE itself, so of two clients
    sending the same version exactly one succeeds; the other gets
    :class:`PreconditionFailed`.
    """
    unknown = set(changes) - CHANGEABLE_FIELDS - {"kind"}
    if unknown:
        raise ValidationError({name: ValidationError(f"{name} cannot be changed.", code="read_only") for name in sorted(unknown)})
    annotation = _visible_annotation(user, annotation_id)
    if not can_change(user, annotation):
        raise Forbidden("Only the annotation's creator, a moderator of its group or staff may change it.")
    if expected_version is not None and annotation.version != expected_version:
        raise PreconditionFailed(
            f"Annotation {annotation.pk} is at version {annotation.version}, not {expected_version}: someone changed it.",
            current_version=annotation.version,
        )
    with transaction.atomic():
        ctx = _article_context(article=annotation.article_id, user=user)
        fields = _clean(ctx, changes, instance=annotation)
        fields.pop("anchor", None)
        if "revision_id" in fields and fields["revision_id"] != annotation.revision_id or (
            annotation.orphaned and "start" in fields
        ):
            fields.update(orphaned=False, orphaned_at=None)
        label_id = fields.get("label_id", annotation.label_id)
        key = {
            "revision_id": fields.get("revision_id", annotation.revision_id),
            "start": fields.get("start", annotation.start),
            "end": fields.get("end", annotation.end),
            "label_id": label_id,
            "exact": fields.get("exact", annotation.exact),
        }
        if annotation.creator_id and (SPAN_FIELDS & changes.keys() or "label" in changes):
            existing = _duplicate_of(annotation.creator, key, annotation.kind, exclude_pk=annotation.pk)
            if existing:
                raise _duplicate_error(existing, key)
        version = annotation.version if expected_version is None else expected_version
        try:
            with transaction.atomic():
                updated = Annotation.objects.filter(pk=annotation.pk, version=version).update(
                    **fields, version=F("version") + 1, modified=timezone.now(), modified_by=user
                )
        except IntegrityError as exc:
            if _is_unique_violation(exc):
                raise _duplicate_error(None, key) from exc
            raise
        if updated == 0:
            current = Annotation.objects.filter(pk=annotation.pk).values_list("version", flat=True).first()
            if current is None:
                raise NotFound(f"Annotation {annotation.pk} does not exist.")
            raise PreconditionFailed(
                f"Annotation {annotation.pk} is at version {current}, not {version}: someone changed it.",
                current_version=current,
            )
        _after_change(action="updated", annotation_ids=[annotation.pk], article_id=annotation.article_id)
    return Annotation.objects.select_related("label", "creator", "modified_by").get(pk=annotation.pk)


def annotation_delete(*, user, annotation_id: int, expected_version: int | None) -> None:
    """Delete an annotation (and its replies) if it is still at ``expected_version``.

    The row is locked with the version in the WHERE clause before anything is
    deleted, so a concurrent change makes this fail (412) rather than be lost.
    Quotes that named it as their speaker keep the speaker's words as
    ``speaker_name``.
    """
    annotation = _visible_annotation(user, annotation_id)
    if not can_change(user, annotation):
        raise Forbidden("Only the annotation's creator, a moderator of its group or staff may delete it.")
    with transaction.atomic():
        # Lock only the annotation row (of=self, no ordering joins), with the version in the WHERE clause.
        locked = Annotation.objects.select_for_update(of=("self",)).filter(pk=annotation.pk).order_by()
        if expected_version is not None:
            locked = locked.filter(version=expected_version)
        row = locked.values("pk", "exact", "version", "visibility", "group_id", "creator_id", "hidden").first()
        if row is None:
            current = Annotation.objects.filter(pk=annotation.pk).values_list("version", flat=True).first()
            if current is None:
                raise NotFound(f"Annotation {annotation.pk} does not exist.")
            raise PreconditionFailed(
                f"Annotation {annotation.pk} is at version {current}, not {expected_version}: someone changed it.",
                current_version=current,
            )
        # Quotes naming it keep its words as their speaker's name, but only those that could show the
        # speaker (never a private speaker's words in a public quote). Losing their speaker is a change
        # made by whoever deleted it (the conflict dialog names them). One statement.
        may_name_sql, may_name_params = _condition_sql(quotes_that_may_name(row))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Annotation._meta.db_table} SET speaker_id = NULL, "
                f"speaker_name = CASE WHEN speaker_name = '' AND ({may_name_sql}) THEN %s ELSE speaker_name END, "
                f"version = version + 1, modified = %s, modified_by_id = %s WHERE speaker_id = %s RETURNING id",
                [*may_name_params, row["exact"][:200], timezone.now(),
                 user.pk if _is_authenticated(user) else None, annotation.pk],
            )  # fmt: skip
            quote_ids = sorted(pk for (pk,) in cursor.fetchall())
        Annotation.objects.filter(pk=annotation.pk).delete()
        _after_change(action="deleted", annotation_ids=[annotation.pk], article_id=annotation.article_id)
        if quote_ids:
            _after_change(action="updated", annotation_ids=quote_ids, article_id=annotation.article_id)


def annotation_set_hidden(*, user, annotation_id: int, hidden: bool) -> Annotation:
    """Hide an annotation from everyone but its creator and moderators, or show it again."""
    annotation = _visible_annotation(user, annotation_id)
    if not can_moderate(user, annotation):
        raise Forbidden("Only moderators of the annotation's group and staff may hide or restore it.")
    with transaction.atomic():
        Annotation.objects.filter(pk=annotation.pk).update(
            hidden=hidden,
            hidden_at=timezone.now() if hidden else None,
            version=F("version") + 1,
            modified=timezone.now(),
            modified_by=user,
        )
        _after_change(action="hidden" if hidden else "restored", annotation_ids=[annotation.pk], article_id=annotation.article_id)
    return Annotation.objects.get(pk=annotation.pk)


def annotations_moderate(*, annotation_ids: list[int], hidden: bool) -> int:
    """Hide or restore many annotations at once (admin actions; the caller checked it is staff)."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(Annotation.objects.filter(pk__in=annotation_ids).exclude(hidden=hidden).values_list("pk", "article_id"))
        count = Annotation.objects.filter(pk__in=[pk for pk, _ in rows]).update(
            hidden=hidden, hidden_at=now if hidden else None, version=F("version") + 1, modified=now
        )
        by_article: dict[int, list[int]] = {}
        for pk, article_id in rows:
            by_article.setdefault(article_id, []).append(pk)
        for article_id, ids in by_article.items():
            _after_change(action="hidden" if hidden else "restored", annotation_ids=ids, article_id=article_id)
    return count


def annotations_delete_many(*, annotation_ids: list[int]) -> int:
    """Delete annotations (admin moderation; the caller checked it is staff), keeping quotes' speaker names."""
    with transaction.atomic():
        doomed = list(
            Annotation.objects.select_for_update(of=("self",)).filter(pk__in=annotation_ids).order_by("pk")
            .values("pk", "exact", "article_id", "visibility", "group_id", "creator_id", "hidden")
        )
        ids = [row["pk"] for row in doomed]
        now = timezone.now()
        for row in doomed:
            Annotation.objects.filter(quotes_that_may_name(row), speaker_id=row["pk"], speaker_name="").exclude(pk__in=ids).update(
                speaker_name=row["exact"][:200]
            )
        orphaned_quotes = list(Annotation.objects.filter(speaker_id__in=ids).exclude(pk__in=ids).values_list("pk", "article_id"))
        Annotation.objects.filter(pk__in=[pk for pk, _ in orphaned_quotes]).update(
            speaker=None, version=F("version") + 1, modified=now
        )
        Annotation.objects.filter(pk__in=ids).delete()
        by_article: dict[int, list[int]] = {}
        for row in doomed:
            by_article.setdefault(row["article_id"], []).append(row["pk"])
        for article_id, article_ids in by_article.items():
            _after_change(action="deleted", annotation_ids=article_ids, article_id=article_id)
        for pk, article_id in orphaned_quotes:
            _after_change(action="updated", annotation_ids=[pk], article_id=article_id)
    return len(ids)


# --- carry-over to a new revision -------------------------------------------------


@dataclass
class CarryOverResult:
    kept: list[int] = field(default_factory=list)  # same text, offsets shifted by the edit
    moved: list[int] = field(default_factory=list)  # found again elsewhere or with other diacritics
    orphaned: list[int] = field(default_factory=list)  # left on the old revision, marked orphaned


def _carry_span(mapping: OffsetMap, old: str, new: str, start: int, end: int, *, prefix=None, suffix=None, view=None):
    """Where ``old[start:end]`` is in ``new``: ``(start, end)``, or None when it is gone."""
    span = mapping.span(start, end)
    if span is None:
        exact = old[start:end]
        if prefix is None:
            prefix, suffix = context(old, start, end, CONTEXT_LENGTH)
        try:
            found = locate(
                new,
                exact,
                prefix=prefix,
                suffix=suffix,
                hint=mapping.point(start),
                min_context=CARRY_OVER_MIN_CONTEXT,
                folded_text=view,
            )
        except AnchorError:
            return None
        span = (found.start, found.end)
    span = snap(new, *span)
    try:
        check_span(new, *span)
    except SpanError:
        return None
    return span


# Columns carry-over rewrites, with their SQL types (for the VALUES list).
_CARRIED_COLUMNS = {
    "revision_id": "bigint",
    "start": "integer",
    "end": "integer",
    "exact": "text",
    "prefix": "varchar",
    "suffix": "varchar",
    "cue_start": "integer",
    "cue_end": "integer",
    "speaker_id": "bigint",
    "speaker_name": "varchar",
    "orphaned": "boolean",
    "orphaned_at": "timestamptz",
    "version": "integer",
    "modified": "timestamptz",
}


def _write_rows(annotations: list[Annotation], columns: dict[str, str], batch: int = 500) -> None:
    """``UPDATE ... FROM (VALUES ...)``: many rows, each with its own values, in one statement per batch.

    (``bulk_update`` builds a CASE per column and row: a thousand annotations
    took seconds of Python.)
    """
    table = Annotation._meta.db_table
    names = list(columns)
    assignments = ", ".join(f'"{name}" = v."{name}"::{kind}' for name, kind in columns.items())
    column_list = ", ".join(f'"{name}"' for name in ["id", *names])
    with connection.cursor() as cursor:
        for first in range(0, len(annotations), batch):
            chunk = annotations[first : first + batch]
            row = "(" + ", ".join(["%s"] * (len(names) + 1)) + ")"
            params = [value for a in chunk for value in (a.pk, *(getattr(a, name) for name in names))]
            cursor.execute(
                f'UPDATE {table} AS a SET {assignments} FROM (VALUES {", ".join([row] * len(chunk))}) '
                f'AS v({column_list}) WHERE a.id = v."id"::bigint',
                params,
            )


def annotations_carry_over(*, previous: ArticleRevision | None, revision: ArticleRevision) -> CarryOverResult:
    """Move the live annotations of ``previous`` onto ``revision`` (called by ``article_revise``).

    Each annotation is *kept* where the edit left its text alone (offsets
    mapped through a diff of the two texts), *moved* where its quote is found
    again (as written, then ignoring diacritics and letter variants, preferring
    the occurrence whose context matches), else *orphaned*: it stays on
    ``previous``, where its offsets are still true, with ``orphaned=True``.
    Nothing is deleted. Every carried annotation gets a new version.
    """
    result = CarryOverResult()
    if previous is None or previous.pk == revision.pk:
        return result
    annotations = list(
        Annotation.objects.select_for_update(of=("self",))
        .filter(revision_id=previous.pk, orphaned=False)
        .order_by("start", "id")
    )
    if not annotations:
        return result
    old, new = previous.text, revision.text
    mapping = OffsetMap(old, new)
    view = loose(new)
    now = timezone.now()
    taken: set[tuple] = set()
    outcome: dict[int, str] = {}
    for annotation in annotations:
        span = mapping.span(annotation.start, annotation.end)
        verdict = "kept"
        if span is not None and snap(new, *span) != span:
            span = None
        if span is None:
            verdict = "moved"
            span = _carry_span(
                mapping, old, new, annotation.start, annotation.end,
                prefix=annotation.prefix, suffix=annotation.suffix, view=view,
            )  # fmt: skip
        key = (annotation.creator_id, annotation.kind, span, annotation.label_id)
        if span is None or (annotation.creator_id and key in taken):
            outcome[annotation.pk] = "orphaned"
            annotation.orphaned, annotation.orphaned_at = True, now
        else:
            taken.add(key)
            outcome[annotation.pk] = verdict
            start, end = span
            annotation.revision_id = revision.pk
            annotation.start, annotation.end = start, end
            annotation.exact = new[start:end]
            annotation.prefix, annotation.suffix = context(new, start, end, CONTEXT_LENGTH)
            if annotation.cue_start is not None:
                cue = _carry_span(mapping, old, new, annotation.cue_start, annotation.cue_end, view=view)
                annotation.cue_start, annotation.cue_end = cue if cue else (None, None)
        annotation.version += 1
        annotation.modified = now
    # A carried quote keeps its speaker only if the speaker came along.
    by_id = {a.pk: a for a in annotations}
    for annotation in annotations:
        if annotation.speaker_id is None or outcome[annotation.pk] == "orphaned":
            continue
        speaker = by_id.get(annotation.speaker_id)
        if speaker is None or outcome[speaker.pk] == "orphaned":
            if not annotation.speaker_name:
                fields = ("exact", "visibility", "group_id", "creator_id", "hidden")
                values = (
                    {name: getattr(speaker, name) for name in fields} if speaker
                    else Annotation.objects.filter(pk=annotation.speaker_id).values(*fields).first()
                )  # fmt: skip
                # Its words only where the quote could show the speaker (see annotation_delete).
                shown = speaker_shown_with(quote={name: getattr(annotation, name) for name in ("visibility", "group_id", "creator_id")}, speaker=values)
                annotation.speaker_name = (values["exact"] if values and shown else "")[:200]
            annotation.speaker_id = None
    _write_rows(annotations, _CARRIED_COLUMNS)
    for pk, verdict in outcome.items():
        getattr(result, verdict).append(pk)
    _after_change(action="carried_over", annotation_ids=list(outcome), article_id=revision.article_id)
    return result


# --- replies ---------------------------------------------------------------------


def _after_reply_change(*, action: str, annotation: Annotation) -> None:
    """Tell the article's readers that ``annotation``'s replies changed (``reply_created``,
    ``reply_updated``, ``reply_deleted``), inside the changing transaction.

    Replies neither name entities nor teach the suggestions: only the live
    relay acts on these events. The event
    names the annotation (the payload stays ``annotations: [ids]``); readers
    re-fetch it (its ``reply_count``) and, with its card open, its replies.
    """
    event_append(action=action, annotation_ids=[annotation.pk], article_id=annotation.article_id)


def _clean_reply_text(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": ValidationError("A reply needs some text.", code="required")})
    text = text.strip()
    if len(text) > MAX_REPLY_LENGTH:
        raise ValidationError(
            {"text": ValidationError(f"The reply is too long ({len(text)} characters; at most {MAX_REPLY_LENGTH}).", code="max_length")}
        )
    if "\x00" in text:
        raise ValidationError({"text": ValidationError("The reply contains a NUL character.", code="null_characters_not_allowed")})
    return neutralise_bidi(text)


def reply_create(*, user, annotation_id: int, text: str, parent_id: int | None = None) -> Reply:
    """Reply to an annotation (or to a reply of it) that ``user`` can see. Text is stored as given: plain text."""
    if not _is_authenticated(user):
        raise Forbidden("Sign in to reply.")
    annotation = _visible_annotation(user, annotation_id)
    text = _clean_reply_text(text)
    parent = None
    if parent_id is not None:
        parent = replies_visible_to(user).filter(pk=parent_id).first() if _int_or_none(parent_id) else None
        if parent is None or parent.annotation_id != annotation.pk:
            raise ValidationError(
                {"parent": ValidationError(f"Reply {parent_id} is not a reply on annotation {annotation.pk}.", code="invalid")}
            )
    with transaction.atomic():
        reply = Reply.objects.create(annotation=annotation, parent=parent, author=user, text=text)
        _after_reply_change(action="reply_created", annotation=annotation)
    return reply


def _reply_for(user, reply_id: int) -> Reply:
    reply = replies_visible_to(user).select_related("annotation").filter(pk=reply_id).first() if _int_or_none(reply_id) else None
    if reply is None:
        raise NotFound(f"Reply {reply_id} does not exist.")
    return reply


def reply_update(*, user, reply_id: int, text: str) -> Reply:
    """Only the author edits a reply's words."""
    reply = _reply_for(user, reply_id)
    if not _is_authenticated(user) or reply.author_id != user.pk:
        raise Forbidden("Only the author may edit a reply.")
    reply.text = _clean_reply_text(text)
    with transaction.atomic():
        reply.save(update_fields=["text", "modified"])
        _after_reply_change(action="reply_updated", annotation=reply.annotation)
    return reply


def reply_delete(*, user, reply_id: int) -> None:
    """The author, a moderator of the annotation's group or staff delete a reply (with the replies to it)."""
    reply = _reply_for(user, reply_id)
    if not (_is_authenticated(user) and (reply.author_id == user.pk or can_moderate(user, reply.annotation))):
        raise Forbidden("Only the author, a moderator of the group or staff may delete a reply.")
    with transaction.atomic():
        reply.delete()
        _after_reply_change(action="reply_deleted", annotation=reply.annotation)


def reply_set_hidden(*, user, reply_id: int, hidden: bool) -> Reply:
    reply = _reply_for(user, reply_id)
    if not can_moderate(user, reply.annotation):
        raise Forbidden("Only moderators of the annotation's group and staff may hide or restore replies.")
    reply.hidden = hidden
    with transaction.atomic():
        reply.save(update_fields=["hidden", "modified"])
        # Hiding changes what readers see (and the annotation's reply_count): an update for them.
        _after_reply_change(action="reply_updated", annotation=reply.annotation)
    return reply


# --- groups -----------------------------------------------------------------------


def _group_for(user, group_id: int) -> tuple[Group, str | None]:
    group = Group.objects.filter(pk=group_id).first() if _int_or_none(group_id) else None
    role = (
        Membership.objects.filter(user_id=user.pk, group_id=group_id).values_list("role", flat=True).first()
        if group and _is_authenticated(user)
        else None
    )
    if group is None or (role is None and not (_is_authenticated(user) and user.is_staff)):
        raise NotFound(f"Group {group_id} does not exist.")
    return group, role


def group_create(*, user, name: str, slug: str = "", description: str = "") -> Group:
    """Create a group; its creator becomes its owner."""
    if not _is_authenticated(user):
        raise Forbidden("Sign in to create a group.")
    errors = _Errors()
    name = (name or "").strip()
    if not name:
        errors.add("name", "A group needs a name.", "required")
    elif len(name) > 100:
        errors.add("name", "The name is too long (at most 100 characters).", "max_length")
    slug = slugify(slug or name, allow_unicode=True)[:100]
    if name and not slug:
        errors.add("slug", "Give the group a slug (letters, digits, hyphens).", "required")
    errors.raise_if_any()
    if Group.objects.filter(Q(name=name) | Q(slug=slug)).exists():
        raise Conflict(f"A group named '{name}' (or with slug '{slug}') already exists.", field="name")
    with transaction.atomic():
        group = Group.objects.create(name=name, slug=slug, description=description or "")
        Membership.objects.create(group=group, user=user, role=Membership.Role.OWNER)
    return group


def group_update(*, user, group_id: int, name: str | None = None, description: str | None = None) -> Group:
    group, role = _group_for(user, group_id)
    if role != Membership.Role.OWNER and not user.is_staff:
        raise Forbidden("Only the group's owners may change it.")
    if name is not None:
        name = name.strip()
        if not name or len(name) > 100:
            raise ValidationError({"name": ValidationError("A group name has 1 to 100 characters.", code="invalid")})
        if Group.objects.filter(name=name).exclude(pk=group.pk).exists():
            raise Conflict(f"A group named '{name}' already exists.", field="name")
        group.name = name
    if description is not None:
        group.description = description
    group.save()
    return group


def group_delete(*, user, group_id: int) -> None:
    group, role = _group_for(user, group_id)
    if role != Membership.Role.OWNER and not user.is_staff:
        raise Forbidden("Only the group's owners may delete it.")
    count = Annotation.objects.filter(group_id=group.pk, visibility=Visibility.GROUP).count()
    if count:
        raise Conflict(
            f"Group '{group.name}' still has {count} annotations shared only with it; make them public or private "
            f"first.",
            code="not_empty",
        )
    with transaction.atomic():
        # Public annotations only lose their group (and its moderators).
        Annotation.objects.filter(group_id=group.pk).update(
            group=None, version=F("version") + 1, modified=timezone.now(), modified_by=user
        )
        group.delete()


def membership_add(*, user, group_id: int, member, role: str = Membership.Role.MEMBER) -> Membership:
    """Add ``member`` (a user) to a group. Owners add any role; moderators add members."""
    group, my_role = _group_for(user, group_id)
    if role not in Membership.Role.values:
        raise ValidationError({"role": ValidationError(f"role must be one of {', '.join(Membership.Role.values)}.", code="invalid_choice")})
    allowed = user.is_staff or my_role == Membership.Role.OWNER or (my_role == Membership.Role.MODERATOR and role == Membership.Role.MEMBER)
    if not allowed:
        raise Forbidden("Owners add members with any role; moderators add plain members only.")
    if member is None:
        raise ValidationError({"user": ValidationError("No such user.", code="does_not_exist")})
    if Membership.objects.filter(group=group, user=member).exists():
        raise Conflict(f"{member} is already a member of {group}.", field="user")
    return Membership.objects.create(group=group, user=member, role=role)


def _owners_left(group: Group, excluding_user_id: int) -> int:
    return Membership.objects.filter(group=group, role=Membership.Role.OWNER).exclude(user_id=excluding_user_id).count()


def membership_update(*, user, group_id: int, member_id: int, role: str) -> Membership:
    group, my_role = _group_for(user, group_id)
    if my_role != Membership.Role.OWNER and not user.is_staff:
        raise Forbidden("Only the group's owners may change roles.")
    if role not in Membership.Role.values:
        raise ValidationError({"role": ValidationError(f"role must be one of {', '.join(Membership.Role.values)}.", code="invalid_choice")})
    membership = Membership.objects.filter(group=group, user_id=member_id).first()
    if membership is None:
        raise NotFound(f"User {member_id} is not a member of {group}.")
    if membership.role == Membership.Role.OWNER and role != Membership.Role.OWNER and not _owners_left(group, member_id):
        raise Conflict("A group needs at least one owner; make someone else owner first.", code="last_owner")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def membership_remove(*, user, group_id: int, member_id: int) -> None:
    """Owners remove anyone, moderators remove plain members, and everyone may leave."""
    group, my_role = _group_for(user, group_id)
    membership = Membership.objects.filter(group=group, user_id=member_id).first()
    if membership is None:
        raise NotFound(f"User {member_id} is not a member of {group}.")
    allowed = (
        user.is_staff
        or member_id == user.pk
        or my_role == Membership.Role.OWNER
        or (my_role == Membership.Role.MODERATOR and membership.role == Membership.Role.MEMBER)
    )
    if not allowed:
        raise Forbidden("Owners remove anyone; moderators remove plain members; anyone may leave.")
    if membership.role == Membership.Role.OWNER and not _owners_left(group, member_id):
        raise Conflict("A group needs at least one owner; make someone else owner first.", code="last_owner")
    membership.delete()
