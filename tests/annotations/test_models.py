"""The database itself refuses impossible annotations (constraints, like doccano's span checks)."""

import pytest
from django.db import IntegrityError, transaction

from annotations.models import Annotation, Group, Label, LabelSet, Membership, Reply


@pytest.fixture
def base(seed_article, user, per):
    revision = seed_article.current_revision
    return {
        "article": seed_article,
        "revision": revision,
        "kind": "entity",
        "start": 0,
        "end": 5,
        "exact": revision.text[0:5],
        "label": per,
        "creator": user,
    }


def test_a_valid_row_saves(base):
    annotation = Annotation.objects.create(**base)
    assert annotation.version == 1 and annotation.visibility == "public" and annotation.status == "human"
    assert annotation.etag == f'"{annotation.pk}-1"'
    assert "PER [0:5]" in str(annotation)


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"start": 5, "end": 5}, "annotation_span_valid"),
        ({"start": 7, "end": 5}, "annotation_span_valid"),
        # (other constraints may fire first: the row is refused either way)
        ({"kind": "rel"}, "annotation_kind_valid|annotation_label_iff_entity|annotation_quote_fields"),
        ({"status": "maybe"}, "annotation_status_valid"),
        ({"visibility": "secret"}, "annotation_visibility_valid|annotation_group_visibility"),
        ({"label": None}, "annotation_label_iff_entity"),
        ({"kind": "quote", "quote_type": "direct"}, "annotation_label_iff_entity"),  # a quote with a label
        ({"quote_type": "direct"}, "annotation_quote_fields"),  # an entity with a quote type
        ({"speaker_name": "بايدن"}, "annotation_quote_fields"),
        ({"kind": "quote", "label": None, "quote_type": ""}, "annotation_quote_fields"),
        ({"kind": "quote", "label": None, "quote_type": "direct", "cue_start": 3}, "annotation_cue_valid"),
        ({"kind": "quote", "label": None, "quote_type": "direct", "cue_start": 6, "cue_end": 6}, "annotation_cue_valid"),
        ({"visibility": "group"}, "annotation_group_visibility"),
        ({"confidence": 1.5}, "annotation_confidence_range"),
        ({"confidence": -0.1}, "annotation_confidence_range"),
        ({"version": 0}, "annotation_version_positive"),
        ({"orphaned": True}, "annotation_orphaned_at"),
    ],
)
def test_check_constraints(base, changes, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Annotation.objects.create(**(base | changes))


def test_negative_start_is_refused_by_the_column(base):
    with pytest.raises(IntegrityError), transaction.atomic():
        Annotation.objects.create(**(base | {"start": -1}))


def test_prefix_longer_than_32_is_refused(base):
    from django.db import DataError

    with pytest.raises(DataError), transaction.atomic():
        Annotation.objects.create(**(base | {"prefix": "x" * 33}))


def test_private_annotation_cannot_name_a_group(base):
    group = Group.objects.create(name="g", slug="g")
    with pytest.raises(IntegrityError, match="annotation_group_visibility"), transaction.atomic():
        Annotation.objects.create(**(base | {"visibility": "private", "group": group}))
    Annotation.objects.create(**(base | {"visibility": "group", "group": group}))


def test_same_user_same_span_is_unique(base, other_user):
    Annotation.objects.create(**base)
    with pytest.raises(IntegrityError, match="annotation_unique_per_creator"), transaction.atomic():
        Annotation.objects.create(**base)
    # another user, or another label, may mark the same words
    Annotation.objects.create(**(base | {"creator": other_user}))
    Annotation.objects.create(**(base | {"label": Label.objects.get(label_set=base["label"].label_set, code="LOC")}))


def test_quotes_without_label_are_unique_too(base):
    quote = base | {"kind": "quote", "label": None, "quote_type": "direct"}
    Annotation.objects.create(**quote)
    with pytest.raises(IntegrityError, match="annotation_unique_per_creator"), transaction.atomic():
        Annotation.objects.create(**(quote | {"quote_type": "indirect"}))


def test_machine_suggestions_without_creator_are_not_unique_checked(base):
    suggestion = base | {"creator": None, "status": "suggested", "suggester": "camel-ner"}
    Annotation.objects.create(**suggestion)
    Annotation.objects.create(**suggestion)


def test_a_quote_cannot_be_its_own_speaker(base):
    quote = Annotation.objects.create(**(base | {"kind": "quote", "label": None, "quote_type": "direct"}))
    quote.speaker_id = quote.pk
    with pytest.raises(IntegrityError, match="annotation_not_own_speaker"), transaction.atomic():
        quote.save()


def test_annotated_revisions_are_protected(base):
    from django.db.models import RestrictedError

    Annotation.objects.create(**base)
    with pytest.raises(RestrictedError):
        base["revision"].delete()


def test_membership_is_unique_and_role_checked(user):
    group = Group.objects.create(name="g", slug="g")
    Membership.objects.create(group=group, user=user)
    with pytest.raises(IntegrityError, match="membership_unique_user"), transaction.atomic():
        Membership.objects.create(group=group, user=user, role="owner")
    other = Group.objects.create(name="h", slug="h")
    with pytest.raises(IntegrityError, match="membership_role_valid"), transaction.atomic():
        Membership.objects.create(group=other, user=user, role="king")


def test_reply_needs_text(base, user):
    annotation = Annotation.objects.create(**base)
    with pytest.raises(IntegrityError, match="reply_text_not_empty"), transaction.atomic():
        Reply.objects.create(annotation=annotation, author=user, text="")
    reply = Reply.objects.create(annotation=annotation, author=user, text="<b>نعم</b>")
    assert str(reply) == "<b>نعم</b>"


def test_default_label_set_migration(db):
    """Migration 0002 makes the default set, idempotently (transactional tests may have flushed it)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("annotations.migrations.0002_default_label_set")
    LabelSet.objects.filter(is_default=True, labels__annotations__isnull=True).delete()
    migration.create(apps, None)
    migration.create(apps, None)
    default = LabelSet.objects.get(is_default=True)
    assert list(default.labels.values_list("code", flat=True)) == ["PER", "ORG", "LOC", "EVENT", "MISC"]
    assert list(default.labels.values_list("shortcut", flat=True)) == ["1", "2", "3", "4", "5"]
