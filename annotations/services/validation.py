"""Checking one annotation's fields against its article: span, label, speaker, group, duplicates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError

from annotations.errors import Conflict
from annotations.models import CONTEXT_LENGTH, Annotation, Group
from annotations.selectors import annotations_visible_to, speaker_shown_with
from annotations.services.base import (
    MAX_NOTE_LENGTH,
    SPAN_FIELDS,
    Kind,
    QuoteType,
    Status,
    Visibility,
    _ArticleContext,
    _curating,
    _Errors,
    _int_or_none,
    _is_authenticated,
)
from annotations.services.carry_over import (
    _carry_span,
)
from arabic.anchoring import AnchorError, OffsetMap, SpanError, anchor, check_span, context
from arabic.clean import neutralise_bidi
from newsreader.models import ArticleRevision

# --- validation ---------------------------------------------------------------

# The choices' values, computed once (``Choices.values`` builds a new list on every use). Tuples:
# membership also works for a value that cannot be hashed (a list posted as a kind).
_VALUES = {choices: tuple(choices.values) for choices in (Kind, QuoteType, Status, Visibility)}


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
    if kind not in _VALUES[Kind]:
        errors.add("kind", f"kind must be one of {', '.join(_VALUES[Kind])}; got {kind!r}.", "invalid_choice")
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
            if quote_type not in _VALUES[QuoteType]:
                errors.add(
                    "quote_type",
                    f"quote_type must be one of {', '.join(_VALUES[QuoteType])}; got {quote_type!r}.",
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
        if status not in _VALUES[Status]:
            errors.add("status", f"status must be one of {', '.join(_VALUES[Status])}; got {status!r}.", "invalid_choice")
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
        if visibility not in _VALUES[Visibility]:
            errors.add(
                "visibility", f"visibility must be one of {', '.join(_VALUES[Visibility])}; got {visibility!r}.", "invalid_choice"
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
