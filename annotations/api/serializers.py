"""What goes in and out of the API.

Annotations go *out* through :func:`annotation_dict`, a plain function over
``annotation_rows()`` dicts (no per-object serializer overhead: a page of
1,000 is one query and one loop). They come *in* through
:class:`AnnotationInputSerializer`, which only checks JSON types; every rule
is in :mod:`annotations.services`. The ``...DocSerializer`` classes describe
the output for the OpenAPI schema.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from operator import itemgetter

from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations.models import Annotation, Group, Label, LabelSet, Membership, Reply
from arabic.clean import neutralise_bidi
from newsreader.models import Article, ArticleRevision
from newsreader.ids import parse_id


# --- JSON types as the schema says them ------------------------------------------------------------
# DRF coerces: 5 becomes "5" in a CharField, "yes" and 1 become True in a BooleanField, "5" and 5.0
# become 5 in an IntegerField. The published schema says string, boolean, integer, so a client that
# sends another type gets a 400 naming the field instead of a silent conversion (bin/schema-check).


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            # Code "invalid" as DRF's, but not through self.fail: a subclass's own "invalid" message
            # (SlugField's "Enter a valid slug") must stay what its regular expression says.
            raise serializers.ValidationError("Not a string: send a JSON string.", code="invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "Not a boolean: send true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": "Not an integer: send a JSON whole number."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


_STRICT = ((serializers.BooleanField, StrictBooleanField), (serializers.IntegerField, StrictIntegerField),
           (serializers.CharField, StrictCharField))  # fmt: skip


@functools.cache
def strict_field_class(field_class: type) -> type:
    """``field_class`` taking only its JSON type. Subclasses too (SlugField, EmailField, URLField...):
    their own checks then run on the string, so a slug sent as -5504 is a 400, not the slug "5504"."""
    for loose, strict in _STRICT:
        if issubclass(field_class, strict) or not issubclass(field_class, loose):
            continue
        if field_class is loose:
            return strict
        return type(f"Strict{field_class.__name__}", (strict, field_class), {})
    return field_class


class StrictModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose text, boolean and integer fields take only those JSON types."""

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        return strict_field_class(field_class), field_kwargs


def annotation_dict(row: dict) -> dict:
    """The API's JSON for one annotation, from a row of :func:`annotations.selectors.annotation_rows`."""
    creator = {"id": row["creator_id"], "username": row["creator__username"]} if row["creator_id"] else None
    modifier = row.get("modified_by_id")
    modified_by = {"id": modifier, "username": row["modified_by__username"]} if modifier else None
    return {
        "id": row["id"],
        "url": f"/api/annotations/{row['id']}/",
        "article": row["article_id"],
        "revision": row["revision_id"],
        "kind": row["kind"],
        "start": row["start"],
        "end": row["end"],
        "exact": row["exact"],
        "prefix": row["prefix"],
        "suffix": row["suffix"],
        "label": row["label_id"],
        "label_code": row["label__code"],
        # Only a speaker everyone who sees the quote may see (annotations.selectors.speaker_shown_with).
        "speaker": row["speaker_id"] if row.get("speaker_shown") else None,
        # Directional overrides stored before they were refused are neutralised where shown too.
        "speaker_name": neutralise_bidi(row["speaker_name"]),
        "cue_start": row["cue_start"],
        "cue_end": row["cue_end"],
        "quote_type": row["quote_type"],
        "note": neutralise_bidi(row["note"]),
        "status": row["status"],
        "suggester": row["suggester"],
        "confidence": row["confidence"],
        "visibility": row["visibility"],
        "group": row["group_id"],
        "creator": creator,
        "created": row["created"],
        "modified": row["modified"],
        "modified_by": modified_by,
        "version": row["version"],
        "orphaned": row["orphaned"],
        "hidden": row["hidden"],
        "reply_count": row["reply_count"],
        "can_edit": row["can_edit"],
    }


# The row columns annotation_dicts() reads, in the order its loop unpacks them.
LIST_COLUMNS = (
    "id", "article_id", "revision_id", "kind", "start", "end", "exact", "prefix", "suffix", "label_id",
    "label__code", "speaker_id", "speaker_shown", "speaker_name", "cue_start", "cue_end", "quote_type", "note",
    "status", "suggester", "confidence", "visibility", "group_id", "creator_id", "creator__username", "created",
    "modified", "modified_by_id", "modified_by__username", "version", "orphaned", "hidden", "reply_count", "can_edit",
)  # fmt: skip


@functools.lru_cache(maxsize=16)
def _picker(names: tuple[str, ...] | None) -> Callable:
    """Takes LIST_COLUMNS out of a row in that order: by position from a tuple row, by key from a dict."""
    return itemgetter(*(LIST_COLUMNS if names is None else [names.index(column) for column in LIST_COLUMNS]))


def annotation_dicts(rows: Iterable, names: tuple[str, ...] | None = None) -> list[dict]:
    """``[annotation_dict(row) for row in rows]`` in one loop: what a page of the list spends its time on.

    ``rows`` are database tuples whose columns are ``names`` (``annotation_page_values``), or, with
    ``names=None``, ``annotation_rows()`` dicts. No per-row function call or dict built in between:
    the columns are unpacked into locals and the item written as one dict display, and the bidi
    clean-up runs only on non-empty texts. Same keys, order and values as annotation_dict
    (tests/annotations/api/test_list_items.py holds the two equal).
    """
    items = []
    append = items.append
    # fmt: off
    for (
        pk, article, revision, kind, start, end, exact, prefix, suffix, label, label_code, speaker, speaker_shown,
        speaker_name, cue_start, cue_end, quote_type, note, status, suggester, confidence, visibility, group,
        creator, creator_name, created, modified, modifier, modifier_name, version, orphaned, hidden, reply_count,
        can_edit,
    ) in map(_picker(names), rows):
        append(
            {
                "id": pk, "url": f"/api/annotations/{pk}/", "article": article, "revision": revision, "kind": kind,
                "start": start, "end": end, "exact": exact, "prefix": prefix, "suffix": suffix, "label": label,
                "label_code": label_code, "speaker": speaker if speaker_shown else None,
                "speaker_name": speaker_name and neutralise_bidi(speaker_name), "cue_start": cue_start,
                "cue_end": cue_end, "quote_type": quote_type, "note": note and neutralise_bidi(note), "status": status,
                "suggester": suggester, "confidence": confidence, "visibility": visibility, "group": group,
                "creator": {"id": creator, "username": creator_name} if creator else None,
                "created": created, "modified": modified,
                "modified_by": {"id": modifier, "username": modifier_name} if modifier else None,
                "version": version, "orphaned": orphaned, "hidden": hidden, "reply_count": reply_count,
                "can_edit": can_edit,
            }
        )
    # fmt: on
    return items


# Keys of annotation_dict a client may send back unchanged (ignored on input).
READ_ONLY_KEYS = frozenset(
    {"id", "url", "article", "label_code", "creator", "created", "modified", "modified_by", "version", "orphaned", "hidden",
     "reply_count", "can_edit", "anchor"}
)  # fmt: skip


@extend_schema_field(OpenApiTypes.STR)
class LabelRefField(serializers.Field):
    """A label by id (``3``) or by code (``"PER"``)."""

    default_error_messages = {"invalid": "label must be a label id or a label code such as \"PER\"."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class AnnotationInputSerializer(serializers.Serializer):
    """JSON types of an annotation sent by a client; the rules are the services'."""

    kind = StrictCharField(required=False, help_text="entity or quote (required on create; cannot change).")
    start = StrictIntegerField(required=False, allow_null=True, help_text="Code point offset into the revision text.")
    end = StrictIntegerField(required=False, allow_null=True, help_text="Code point offset, exclusive.")
    exact = StrictCharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="The text at start..end (re-anchored if it differs)."
    )
    prefix = StrictCharField(required=False, allow_blank=True, trim_whitespace=False, max_length=1000)
    suffix = StrictCharField(required=False, allow_blank=True, trim_whitespace=False, max_length=1000)
    revision = StrictIntegerField(
        required=False, allow_null=True, help_text="The revision the offsets refer to (create only; default: current)."
    )
    label = LabelRefField(required=False, allow_null=True, help_text="Entities: label id or code.")
    speaker = StrictIntegerField(required=False, allow_null=True, help_text="Quotes: id of the speaker entity.")
    speaker_name = StrictCharField(required=False, allow_blank=True, max_length=1000)
    cue_start = StrictIntegerField(required=False, allow_null=True)
    cue_end = StrictIntegerField(required=False, allow_null=True)
    quote_type = StrictCharField(required=False, allow_blank=True, help_text="direct, indirect or partial.")
    note = StrictCharField(required=False, allow_blank=True, trim_whitespace=False, max_length=100_000)
    status = StrictCharField(required=False, help_text="human, suggested, accepted or rejected.")
    suggester = StrictCharField(required=False, allow_blank=True, max_length=1000)
    confidence = serializers.FloatField(required=False, allow_null=True)
    visibility = StrictCharField(required=False, help_text="private, group or public (default public).")
    group = StrictIntegerField(required=False, allow_null=True)


WRITABLE_KEYS = frozenset(AnnotationInputSerializer().fields)

# What PUT resets a field to when the body leaves it out.
PUT_DEFAULTS = {
    "start": None,
    "end": None,
    "exact": "",
    "prefix": "",
    "suffix": "",
    "label": None,
    "speaker": None,
    "speaker_name": "",
    "cue_start": None,
    "cue_end": None,
    "quote_type": "",
    "note": "",
    "status": Annotation.Status.HUMAN,
    "suggester": "",
    "confidence": None,
    "visibility": Annotation.Visibility.PUBLIC,
    "group": None,
}


class CreatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class AnnotationDocSerializer(serializers.Serializer):
    """An annotation as the API returns it (``application/json``)."""

    id = serializers.IntegerField()
    url = serializers.CharField()
    article = serializers.IntegerField()
    revision = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Annotation.Kind.choices)
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    exact = serializers.CharField()
    prefix = serializers.CharField()
    suffix = serializers.CharField()
    label = serializers.IntegerField(allow_null=True)
    label_code = serializers.CharField(allow_null=True)
    speaker = serializers.IntegerField(allow_null=True)
    speaker_name = serializers.CharField()
    cue_start = serializers.IntegerField(allow_null=True)
    cue_end = serializers.IntegerField(allow_null=True)
    quote_type = serializers.CharField()
    note = serializers.CharField()
    status = serializers.ChoiceField(choices=Annotation.Status.choices)
    suggester = serializers.CharField()
    confidence = serializers.FloatField(allow_null=True)
    visibility = serializers.ChoiceField(choices=Annotation.Visibility.choices)
    group = serializers.IntegerField(allow_null=True)
    creator = CreatorSerializer(allow_null=True)
    created = serializers.DateTimeField()
    modified = serializers.DateTimeField()
    modified_by = CreatorSerializer(
        allow_null=True, help_text="Who made the last change (the creator until someone else edits; null if unknown)."
    )
    version = serializers.IntegerField()
    orphaned = serializers.BooleanField()
    hidden = serializers.BooleanField()
    reply_count = serializers.IntegerField()
    can_edit = serializers.BooleanField()


class AnchorDocSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=["offsets", "exact", "folded"])
    requested_start = serializers.IntegerField(allow_null=True)
    requested_end = serializers.IntegerField(allow_null=True)


class CreatedAnnotationDocSerializer(AnnotationDocSerializer):
    anchor = AnchorDocSerializer(help_text="How the span was found: 'offsets' as sent, else re-anchored from exact.")


class AnnotationPageDocSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = AnnotationDocSerializer(many=True)


class BulkInputSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.DictField(), help_text="Annotations as for POST (or W3C documents); quotes may use speaker_index."
    )


class BulkOutputSerializer(serializers.Serializer):
    created = AnnotationDocSerializer(many=True)


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    code = serializers.CharField()
    position = serializers.IntegerField(required=False)
    index = serializers.IntegerField(required=False)


class ErrorSerializer(serializers.Serializer):
    errors = ErrorItemSerializer(many=True)
    last_page = serializers.IntegerField(
        required=False, help_text="A page past the end of a list (404, code invalid_page): the list's last page."
    )


class ConflictErrorSerializer(ErrorSerializer):
    existing = serializers.IntegerField(required=False)


class PreconditionErrorSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(required=False)
    current = AnnotationDocSerializer(required=False)


class ModerationSerializer(serializers.Serializer):
    hidden = StrictBooleanField()


# --- labels ------------------------------------------------------------------------


class LabelSerializer(StrictModelSerializer):
    color = serializers.CharField(
        max_length=7, validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "colour must be #rrggbb.", code="invalid")]
    )

    class Meta:
        model = Label
        fields = ["id", "label_set", "code", "name_ar", "name_en", "color", "shortcut", "order"]


class LabelSetSerializer(StrictModelSerializer):
    labels = LabelSerializer(many=True, read_only=True)

    class Meta:
        model = LabelSet
        fields = ["id", "name", "description", "is_default", "labels"]


# --- articles ----------------------------------------------------------------------------


class ArticleListSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="current_revision.title", read_only=True)
    source = serializers.CharField(source="source.name", read_only=True)
    revision = serializers.IntegerField(source="current_revision_id", read_only=True)

    class Meta:
        model = Article
        fields = ["id", "title", "source", "published_on", "language", "direction", "revision"]


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArticleRevision
        fields = ["id", "article", "number", "title", "text", "blocks", "text_hash", "created_at", "reason"]


class ArticleDetailSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="current_revision.title", read_only=True)
    subtitle = serializers.CharField(source="current_revision.subtitle", read_only=True)
    source = serializers.SerializerMethodField()
    revision = serializers.SerializerMethodField()
    text = serializers.CharField(source="current_revision.text", read_only=True)
    blocks = serializers.JSONField(source="current_revision.blocks", read_only=True)
    label_set = serializers.SerializerMethodField()
    annotations = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id", "title", "subtitle", "source", "published_on", "dateline", "author", "language", "direction",
            "source_url", "revision", "text", "blocks", "label_set", "annotations",
        ]  # fmt: skip

    @extend_schema_field({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}})
    def get_source(self, article) -> dict:
        return {"id": article.source_id, "name": article.source.name}

    @extend_schema_field(
        {"type": "object", "properties": {"id": {"type": "integer"}, "number": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"}}}
    )
    def get_revision(self, article) -> dict:
        revision = article.current_revision
        return {"id": revision.pk, "number": revision.number, "created_at": revision.created_at}

    @extend_schema_field(LabelSetSerializer(allow_null=True))
    def get_label_set(self, article):
        label_set = self.context.get("label_set")
        return LabelSetSerializer(label_set).data if label_set else None

    def get_annotations(self, article) -> str:
        return f"/api/articles/{article.pk}/annotations/"


# --- replies and groups ------------------------------------------------------------------


class ReplySerializer(StrictModelSerializer):
    author = serializers.SerializerMethodField()
    text = serializers.CharField(help_text="Plain text (never HTML), at most 10,000 characters.")
    parent = serializers.IntegerField(source="parent_id", required=False, allow_null=True)

    class Meta:
        model = Reply
        fields = ["id", "annotation", "parent", "author", "text", "created", "modified", "hidden"]
        read_only_fields = ["id", "annotation", "author", "created", "modified", "hidden"]

    @extend_schema_field(CreatorSerializer(allow_null=True))
    def get_author(self, reply):
        return {"id": reply.author_id, "username": reply.author.username} if reply.author_id else None


class ReplyUpdateSerializer(serializers.Serializer):
    text = StrictCharField()


class MembershipSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["user", "username", "role", "created"]


class MembershipInputSerializer(serializers.Serializer):
    user = serializers.CharField(help_text="User id or username.")
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.MEMBER)

    def validate_user(self, value):
        users = get_user_model().objects
        found = users.filter(pk=pk).first() if (pk := parse_id(value)) else users.filter(username=value).first()
        if found is None:
            raise serializers.ValidationError(f"No user {value!r}.", code="does_not_exist")
        return found


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class GroupSerializer(StrictModelSerializer):
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = Group
        fields = ["id", "name", "slug", "description", "created", "my_role"]
        read_only_fields = ["id", "created", "my_role"]
        extra_kwargs = {"slug": {"required": False, "validators": []}, "name": {"validators": []}}

    def get_my_role(self, group) -> str | None:
        roles = self.context.get("roles") or {}
        return roles.get(group.pk)
