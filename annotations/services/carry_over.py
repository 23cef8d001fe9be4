"""Carrying annotations over to a new revision of their article's text."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from annotations.models import CONTEXT_LENGTH, Annotation
from annotations.selectors import speaker_shown_with
from annotations.services.base import (
    CARRY_OVER_MIN_CONTEXT,
    log_change,
)
from arabic.anchoring import AnchorError, OffsetMap, SpanError, check_span, context, locate, loose, snap
from newsreader.models import ArticleRevision

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
    log_change(action="carried_over", annotation_ids=list(outcome), article_id=revision.article_id)
    return result


