"""Create, bulk-create, update, delete and moderate annotations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from annotations.errors import BulkError, Conflict, Forbidden, PreconditionFailed
from annotations.models import Annotation, Group, Label
from annotations.outbox import GuardFailed
from annotations.selectors import annotations_visible_to, gone_rows, quotes_that_may_name
from annotations.services.base import (
    CHANGEABLE_FIELDS,
    SPAN_FIELDS,
    Kind,
    Status,
    Visibility,
    log_change,
    stale_version,
    _article_context,
    _condition_sql,
    _int_or_none,
    _is_authenticated,
    _visible_annotation,
    can_change,
    can_moderate,
)
from annotations.services.inserts import insert_created, insert_many
from annotations.services.validation import (
    _SPEAKER_FIELDS,
    _clean,
    _duplicate_error,
    _duplicate_of,
    _is_unique_violation,
    _Speaker,
)
from newsreader.models import Article, ArticleRevision

MAX_BULK_ITEMS = 1_000

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
    canonical: str = "",
    via: str = "",
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
    # No transaction (issue 15): the context is this process's cached copy of the article's (or read
    # unlocked), and the row and its event are one statement that also locks the article row FOR SHARE
    # while it is still as that context saw it (what the lock of _article_context gave inside a
    # transaction; see inserts.insert_created). So a create in autocommit is one statement on an article
    # this process wrote to before, two on another; no BEGIN/COMMIT. Nothing is lost in a crash (row and
    # event commit together), and a new revision either waits for the insert (and then re-anchors it) or
    # makes it insert nothing. Then it is done again the old way, in a transaction with the article
    # locked from the start.
    try:
        ctx = _article_context(article=article, user=user, lock=False, cached=True)
        try:
            return _create(ctx, data, user, canonical, via, guard=True)
        except ValidationError:
            if not ctx.cached:
                raise
        # The cached copy may be behind the input (a label added since, a newer revision's offsets):
        # only a fresh read may refuse it.
        return _create(_article_context(article=article, user=user, lock=False), data, user, canonical, via, guard=True)
    except GuardFailed:
        with transaction.atomic():
            return _create(_article_context(article=article, user=user), data, user, canonical, via, guard=False)


def _create(ctx, data: dict, user, canonical: str, via: str, *, guard: bool) -> Annotation:
    fields = _clean(ctx, data)
    found = fields.pop("anchor")
    creator = user if _is_authenticated(user) else None
    # The row and its "created" event in one statement, handed back with what the caller shows next.
    annotation = insert_created(ctx, fields, kind=data["kind"], creator=creator, canonical=canonical, via=via, guard=guard)
    if annotation is None:
        # The unique index holds an equal mark of this user (made before, or by a parallel request).
        raise _duplicate_error(_duplicate_of(user, fields, data["kind"]), fields)
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
            # IRIs of a Web Annotation posted from elsewhere (Web Annotation Protocol §5.1), stored as given.
            iris = {name: item.pop(name) for name in ("canonical", "via") if name in item}
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
            cleaned.append((index, item, fields | iris | {"speaker_index": speaker_index}))
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
                    insert_many(batch)
            except IntegrityError as exc:
                if _is_unique_violation(exc):
                    raise BulkError(
                        [{"index": None, "field": None, "message": "Another request created one of these annotations at the same time.", "code": "duplicate"}],
                        conflict_only=True,
                    ) from exc
                raise
        created = [objects[index] for index in sorted(objects)]
        log_change(action="created", annotation_ids=[a.pk for a in created], article_id=ctx.article.pk)
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
            raise stale_version(annotation.pk, version)
        log_change(action="updated", annotation_ids=[annotation.pk], article_id=annotation.article_id)
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
        row = locked.values("pk", "exact", "version", "visibility", "group_id", "creator_id", "hidden", "status").first()
        if row is None:
            raise stale_version(annotation.pk, expected_version)
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
        log_change(action="deleted", annotation_ids=[annotation.pk], article_id=annotation.article_id, gone=gone_rows([row]))
        if quote_ids:
            log_change(action="updated", annotation_ids=quote_ids, article_id=annotation.article_id)


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
        log_change(action="hidden" if hidden else "restored", annotation_ids=[annotation.pk], article_id=annotation.article_id)
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
            log_change(action="hidden" if hidden else "restored", annotation_ids=ids, article_id=article_id)
    return count


def annotations_delete_many(*, annotation_ids: list[int]) -> int:
    """Delete annotations (admin moderation; the caller checked it is staff), keeping quotes' speaker names."""
    with transaction.atomic():
        doomed = list(
            Annotation.objects.select_for_update(of=("self",)).filter(pk__in=annotation_ids).order_by("pk")
            .values("pk", "exact", "article_id", "visibility", "group_id", "creator_id", "hidden", "status")
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
            gone = gone_rows([row for row in doomed if row["article_id"] == article_id])
            log_change(action="deleted", annotation_ids=article_ids, article_id=article_id, gone=gone)
        for pk, article_id in orphaned_quotes:
            log_change(action="updated", annotation_ids=[pk], article_id=article_id)
    return len(ids)


