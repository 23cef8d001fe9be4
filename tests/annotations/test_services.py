"""annotations.services: every rule, with the message a client gets."""

import pytest
from django.core.exceptions import ValidationError

from annotations.errors import BulkError, Conflict, Forbidden, NotFound, PreconditionFailed
from annotations.models import Annotation, Group, Label, LabelSet, Membership, Reply
from annotations.services import (
    MAX_BULK_ITEMS,
    annotation_create,
    annotation_delete,
    annotation_set_hidden,
    annotation_update,
    annotations_bulk_create,
    group_create,
    group_delete,
    membership_add,
    membership_remove,
    membership_update,
    reply_create,
    reply_delete,
    reply_update,
)
from tests.annotations.conftest import span_of
from tests.factories import UserFactory, make_article

QUOTE = "لن نكون مع نهاية العام في مهمّة قتاليّة"


def errors_of(caught) -> dict[str, list[tuple[str, str]]]:
    return {
        field: [(e.code, e.message % e.params if e.params else e.message) for e in errors]
        for field, errors in caught.value.error_dict.items()
    }


def create(user, article, **fields):
    fields.setdefault("kind", "entity")
    return annotation_create(user=user, article=article, **fields)


# --- spans --------------------------------------------------------------------------


def test_entity_is_created_with_context(user, seed_article, text, per):
    start, end = span_of(text, "الكاظمي")
    annotation = create(user, seed_article, start=start, end=end, exact="الكاظمي", label=per)
    assert (annotation.start, annotation.end, annotation.exact) == (start, end, "الكاظمي")
    assert annotation.prefix == text[start - 32 : start] and annotation.suffix == text[end : end + 32]
    assert annotation.revision == seed_article.current_revision
    assert annotation.creator == user and annotation.modified_by == user and annotation.version == 1
    assert annotation.anchor.method == "offsets"


def test_label_by_code(user, seed_article, text):
    start, end = span_of(text, "واشنطن")
    annotation = create(user, seed_article, start=start, end=end, label="loc")
    assert annotation.label.code == "LOC" and annotation.exact == "واشنطن"


@pytest.mark.parametrize(
    ("start", "end", "field", "code", "words"),
    [
        (-3, 4, "start", "out_of_range", "start (-3) must be 0 or more"),
        (0, 100_000, "end", "out_of_range", "past the end of the text"),
        (10, 10, "end", "reversed", "end (10) must be greater than start (10)"),
        (12, 4, "end", "reversed", "must be greater than start"),
    ],
)
def test_bad_offsets(user, seed_article, per, start, end, field, code, words):
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, start=start, end=end, label=per)
    [(got_code, message)] = errors_of(caught)[field]
    assert got_code == code and words in message
    assert caught.value.error_dict[field][0].params["position"] in (start, end)
    assert not Annotation.objects.exists()


def test_offsets_inside_a_diacritic(user, seed_article, text, per):
    # "يحدّد": the shadda is a combining mark
    shadda = text.index("\u0651")
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, start=shadda, end=shadda + 3, label=per)
    [(code, message)] = errors_of(caught)["start"]
    assert code == "starts_on_mark" and "U+0651 ARABIC SHADDA" in message and f"start at {shadda - 1}" in message
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, start=shadda - 4, end=shadda, label=per)
    [(code, message)] = errors_of(caught)["end"]
    assert code == "splits_cluster" and f"use {shadda - 1} or {shadda + 1}" in message


def test_wrong_exact_is_reanchored_nearest(user, seed_article, text, per):
    second = span_of(text, "الكاظمي", 1)
    # offsets a few characters off, as when a client counted differently
    annotation = create(user, seed_article, start=second[0] + 3, end=second[1] + 3, exact="الكاظمي", label=per)
    assert (annotation.start, annotation.end) == second
    assert annotation.anchor.method == "exact"


def test_exact_found_ignoring_diacritics_stores_the_real_text(user, seed_article, text):
    start, end = span_of(text, QUOTE)
    plain = "لن نكون مع نهاية العام في مهمة قتالية"
    annotation = create(user, seed_article, kind="quote", start=start + 50, end=end + 50, exact=plain)
    assert (annotation.start, annotation.end) == (start, end)
    assert annotation.exact == QUOTE and annotation.anchor.method == "folded"


def test_exact_with_prefix_and_no_offsets(user, seed_article, text, per):
    second = span_of(text, "بايدن", 2)
    prefix = text[second[0] - 20 : second[0]]
    annotation = create(user, seed_article, exact="بايدن", prefix=prefix, label=per)
    assert (annotation.start, annotation.end) == second


def test_wrong_exact_that_is_nowhere(user, seed_article, text, per):
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, start=0, end=5, exact="ترامب", label=per)
    [(code, message)] = errors_of(caught)["exact"]
    assert code == "exact_mismatch"
    assert f"The text at 0–5 is '{text[0:5]}', not 'ترامب'" in message
    assert "does not occur in the text, not even ignoring diacritics" in message


def test_ambiguous_exact_without_offsets(user, seed_article, per):
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, exact="بايدن", label=per)
    [(code, message)] = errors_of(caught)["exact"]
    assert code == "ambiguous" and "occurs" in message and "times" in message


def test_nothing_to_anchor(user, seed_article, per):
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, label=per)
    assert errors_of(caught)["start"][0][0] == "required"
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, start=3, label=per)
    assert "end is missing" in errors_of(caught)["end"][0][1]


# --- labels -------------------------------------------------------------------------


def test_entity_needs_a_label(user, seed_article):
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, start=0, end=5)
    assert errors_of(caught)["label"] == [("required", "An entity needs a label.")]


def test_unknown_label_lists_the_set(user, seed_article):
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, start=0, end=5, label="GPE")
    [(code, message)] = errors_of(caught)["label"]
    assert code == "unknown_label"
    assert "Unknown label 'GPE'" in message and "PER, ORG, LOC, EVENT, MISC" in message


def test_label_of_another_set_is_unknown(user, seed_article):
    other_set = LabelSet.objects.create(name="رياضة")
    team = Label.objects.create(label_set=other_set, code="TEAM", name_ar="فريق", name_en="Team")
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, start=0, end=5, label=team.pk)
    assert errors_of(caught)["label"][0][0] == "unknown_label"


def test_article_label_set_wins_over_source_and_default(user, source):
    sports = LabelSet.objects.create(name="رياضة")
    Label.objects.create(label_set=sports, code="TEAM", name_ar="فريق", name_en="Team")
    news = LabelSet.objects.create(name="أخبار")
    Label.objects.create(label_set=news, code="PARTY", name_ar="حزب", name_en="Party")
    source.label_set = news
    source.save()
    article = make_article(source=source, title="الهلال يفوز", body="فاز الهلال أمس.")
    assert create(user, article, start=0, end=6, label="PARTY").label.code == "PARTY"
    article.label_set = sports
    article.save()
    with pytest.raises(ValidationError):
        create(user, article, start=0, end=6, label="PER")
    assert create(user, article, start=0, end=6, label="TEAM").label.code == "TEAM"


def test_quote_has_no_label(user, seed_article, text, per):
    start, end = span_of(text, QUOTE)
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, kind="quote", start=start, end=end, label=per)
    assert errors_of(caught)["label"][0][0] == "quote_label"


def test_entity_has_no_quote_fields(user, seed_article, per):
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, start=0, end=5, label=per, quote_type="direct", speaker_name="x")
    errors = errors_of(caught)
    assert errors["quote_type"][0][0] == "entity_field" and errors["speaker_name"][0][0] == "entity_field"


def test_unknown_kind(user, seed_article):
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, kind="relation", start=0, end=5)
    assert "kind must be one of entity, quote; got 'relation'" in errors_of(caught)["kind"][0][1]


# --- quotes -------------------------------------------------------------------------


def test_quote_with_speaker_and_cue(user, make_entity, make_quote, text):
    speaker = make_entity(user, occurrence=3)
    cue = span_of(text, "وقال بايدن للصحافيين")
    quote = make_quote(user, speaker=speaker, cue_start=cue[0], cue_end=cue[0] + 4)
    assert quote.speaker == speaker and quote.quote_type == "direct"
    assert text[quote.cue_start : quote.cue_end] == "وقال"


def test_quote_type_defaults_to_direct_and_is_checked(user, seed_article, text):
    start, end = span_of(text, QUOTE)
    assert create(user, seed_article, kind="quote", start=start, end=end).quote_type == "direct"
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, kind="quote", start=start, end=end, quote_type="reported")
    assert "quote_type must be one of direct, indirect, partial" in errors_of(caught)["quote_type"][0][1]


def test_free_text_speaker(user, make_quote):
    assert make_quote(user, speaker_name="  مسؤول أميركي ").speaker_name == "مسؤول أميركي"


def test_speaker_from_another_article(user, make_quote, per):
    other = make_article(title="خبر آخر", body="قال الكاظمي شيئا.")
    foreign = annotation_create(user=user, article=other, kind="entity", start=4, end=11, label=per)
    with pytest.raises(ValidationError) as caught:
        make_quote(user, speaker=foreign.pk)
    [(code, message)] = errors_of(caught)["speaker"]
    assert code == "speaker_other_article" and f"annotation {foreign.pk}" in message
    assert Annotation.objects.filter(kind="quote").count() == 0


def test_speaker_must_be_an_entity(user, make_quote):
    first = make_quote(user)
    with pytest.raises(ValidationError) as caught:
        make_quote(user, needle="تعاوننا ضدّ الإرهاب", speaker=first.pk)
    assert errors_of(caught)["speaker"][0][0] == "speaker_not_entity"


def test_speaker_must_exist_and_be_visible(user, other_user, make_entity, make_quote):
    private = make_entity(other_user, visibility="private")
    with pytest.raises(ValidationError) as caught:
        make_quote(user, speaker=private.pk)
    assert errors_of(caught)["speaker"] == [("does_not_exist", f"Speaker annotation {private.pk} does not exist.")]
    with pytest.raises(ValidationError):
        make_quote(user, speaker=999_999)


def test_cue_is_checked_like_a_span(user, make_quote, text):
    shadda = text.index("\u0651")
    with pytest.raises(ValidationError) as caught:
        make_quote(user, cue_start=shadda, cue_end=shadda + 2)
    assert errors_of(caught)["cue_start"][0][0] == "starts_on_mark"
    with pytest.raises(ValidationError) as caught:
        make_quote(user, cue_start=5)
    assert "Give both cue_start and cue_end" in errors_of(caught)["cue_end"][0][1]


# --- duplicates, visibility, notes --------------------------------------------------------


def test_exact_duplicate_by_same_user_is_a_conflict(user, other_user, make_entity, loc):
    first = make_entity(user)
    with pytest.raises(Conflict) as caught:
        make_entity(user)
    assert caught.value.existing_id == first.pk and "You already marked" in caught.value.message
    # overlaps, other labels and other users are fine
    make_entity(user, label=loc)
    make_entity(other_user)
    make_entity(user, needle="جو بايدن")
    assert Annotation.objects.count() == 4


def test_group_visibility_needs_membership(user, member, group, make_entity):
    with pytest.raises(ValidationError) as caught:
        make_entity(user, visibility="group", group=group.pk)
    assert errors_of(caught)["group"] == [("not_a_member", f"You are not a member of group {group.pk}.")]
    with pytest.raises(ValidationError) as caught:
        make_entity(member, visibility="group")
    assert errors_of(caught)["group"][0][0] == "required"
    with pytest.raises(ValidationError) as caught:
        make_entity(member, visibility="private", group=group)
    assert errors_of(caught)["group"][0][0] == "private_group"
    assert make_entity(member, visibility="group", group=group).group == group


def test_note_is_stored_as_given_and_limited(user, make_entity):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert make_entity(user, note=script).note == script
    with pytest.raises(ValidationError) as caught:
        make_entity(user, needle="الكاظمي", note="x" * 10_001)
    assert "note is too long (10001 characters; at most 10000)" in errors_of(caught)["note"][0][1]


def test_suggestion_metadata(seed_article, per):
    annotation = annotation_create(
        user=None, article=seed_article, kind="entity", start=0, end=5, label=per,
        status="suggested", suggester="camel-ner-1", confidence=0.82,
    )  # fmt: skip
    assert annotation.creator is None and annotation.status == "suggested" and annotation.confidence == 0.82
    with pytest.raises(ValidationError) as caught:
        annotation_create(user=None, article=seed_article, kind="entity", start=0, end=5, label=per, confidence=2)
    assert "confidence must be a number from 0 to 1" in errors_of(caught)["confidence"][0][1]


def test_all_errors_at_once(user, seed_article):
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, start=0, end=5, label="NOPE", status="maybe", visibility="secret")
    assert set(caught.value.error_dict) == {"label", "status", "visibility"}


def test_missing_article(user):
    with pytest.raises(NotFound):
        create(user, 999_999, start=0, end=5, label="PER")


def test_old_revision_offsets_are_carried_forward(user, seed_article, text, per):
    from newsreader.document import compose
    from newsreader.services.articles import article_revise

    old_revision = seed_article.current_revision
    start, end = span_of(text, "الكاظمي")
    revision = article_revise(
        article=seed_article,
        document=compose(title="عنوان جديد", body=text.split("\n\n", 1)[1].replace("\n\n", "\n")),
    )
    annotation = create(user, seed_article, revision=old_revision.pk, start=start, end=end, label=per)
    assert annotation.revision == revision and annotation.exact == "الكاظمي"
    assert revision.text[annotation.start : annotation.end] == "الكاظمي"
    title_span = span_of(text, "يحدّد")
    with pytest.raises(ValidationError) as caught:
        create(user, seed_article, revision=old_revision.pk, start=title_span[0], end=title_span[1], label=per)
    assert errors_of(caught)["revision"][0][0] == "stale_revision"


# --- update ----------------------------------------------------------------------------


def test_update_bumps_version_and_reanchors(user, make_entity, text, loc):
    annotation = make_entity(user)
    updated = annotation_update(user=user, annotation_id=annotation.pk, expected_version=1, label="LOC", note="ن")
    assert updated.version == 2 and updated.label == loc and updated.note == "ن"
    start, end = span_of(text, "جو بايدن")
    updated = annotation_update(user=user, annotation_id=annotation.pk, expected_version=2, start=start, end=end)
    assert updated.exact == "جو بايدن" and updated.version == 3


def test_update_with_exact_only_finds_it_near(user, make_entity, text):
    annotation = make_entity(user, occurrence=2)
    near = span_of(text, "بايدن", 2)
    updated = annotation_update(user=user, annotation_id=annotation.pk, expected_version=1, exact="بايدن")
    assert (updated.start, updated.end) == near


def test_stale_version_is_refused(user, make_entity):
    annotation = make_entity(user)
    annotation_update(user=user, annotation_id=annotation.pk, expected_version=1, note="a")
    with pytest.raises(PreconditionFailed) as caught:
        annotation_update(user=user, annotation_id=annotation.pk, expected_version=1, note="b")
    assert caught.value.current_version == 2 and "is at version 2, not 1" in caught.value.message
    annotation.refresh_from_db()
    assert annotation.note == "a"


def test_update_checks_version_inside_the_update(user, make_entity, django_assert_num_queries):
    """The If-Match check is the UPDATE's WHERE clause: a version changed after the read still fails."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    annotation = make_entity(user)
    with CaptureQueriesContext(connection) as queries:
        annotation_update(user=user, annotation_id=annotation.pk, expected_version=1, note="x")
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert '"version" = 1' in updates[0] and '"version" + 1' in updates[0]


def test_kind_cannot_change(user, make_entity):
    annotation = make_entity(user)
    with pytest.raises(ValidationError) as caught:
        annotation_update(user=user, annotation_id=annotation.pk, expected_version=1, kind="quote")
    assert errors_of(caught)["kind"][0][0] == "immutable"


def test_update_to_a_duplicate_is_a_conflict(user, make_entity, loc):
    make_entity(user, label=loc)
    annotation = make_entity(user)
    with pytest.raises(Conflict):
        annotation_update(user=user, annotation_id=annotation.pk, expected_version=1, label=loc.pk)


def test_others_cannot_update_and_private_is_not_found(user, other_user, make_entity):
    public = make_entity(user)
    private = make_entity(user, needle="الكاظمي", visibility="private")
    with pytest.raises(Forbidden):
        annotation_update(user=other_user, annotation_id=public.pk, expected_version=1, note="x")
    with pytest.raises(NotFound):
        annotation_update(user=other_user, annotation_id=private.pk, expected_version=1, note="x")


def test_moderator_may_update_group_annotations(member, moderator, group, make_entity):
    annotation = make_entity(member, visibility="group", group=group)
    updated = annotation_update(user=moderator, annotation_id=annotation.pk, expected_version=1, note="مراجعة")
    assert updated.note == "مراجعة" and updated.modified_by == moderator and updated.creator == member


def test_only_the_creator_makes_it_private(member, moderator, group, make_entity):
    annotation = make_entity(member, visibility="group", group=group)
    with pytest.raises(ValidationError) as caught:
        annotation_update(user=moderator, annotation_id=annotation.pk, expected_version=1, visibility="private", group=None)
    assert errors_of(caught)["visibility"][0][0] == "not_creator"
    updated = annotation_update(user=member, annotation_id=annotation.pk, expected_version=1, visibility="private", group=None)
    assert updated.visibility == "private" and updated.group is None


def test_unknown_fields_are_read_only(user, make_entity):
    annotation = make_entity(user)
    with pytest.raises(ValidationError) as caught:
        annotation_update(user=user, annotation_id=annotation.pk, expected_version=1, creator=5, version=9)
    assert set(caught.value.error_dict) == {"creator", "version"}


# --- delete and hide -----------------------------------------------------------------------


def test_delete_keeps_speaker_name_on_quotes(user, make_entity, make_quote):
    speaker = make_entity(user, occurrence=3)
    quote = make_quote(user, speaker=speaker)
    annotation_delete(user=user, annotation_id=speaker.pk, expected_version=1)
    quote.refresh_from_db()
    assert quote.speaker is None and quote.speaker_name == "بايدن" and quote.version == 2


def test_a_quote_losing_its_speaker_was_modified_by_who_deleted_the_speaker(user, staff_user, make_entity, make_quote):
    speaker = make_entity(user, occurrence=3)
    quote = make_quote(user, speaker=speaker)
    assert quote.modified_by == user
    annotation_delete(user=staff_user, annotation_id=speaker.pk, expected_version=1)
    quote.refresh_from_db()
    assert quote.modified_by == staff_user and quote.creator == user


def test_reply_changes_publish_live_events_and_refused_ones_do_not(user, other_user, make_entity):
    from annotations.models import Event

    annotation = make_entity(user)
    before = Event.objects.count()
    reply = reply_create(user=other_user, annotation_id=annotation.pk, text="سؤال")
    with pytest.raises(Forbidden):
        reply_update(user=user, reply_id=reply.pk, text="ليس ردي")
    reply_update(user=other_user, reply_id=reply.pk, text="سؤال آخر")
    reply_delete(user=other_user, reply_id=reply.pk)
    events = Event.objects.order_by("id")[before:]
    assert [(e.action, e.annotation_ids) for e in events] == [
        ("reply_created", [annotation.pk]),
        ("reply_updated", [annotation.pk]),
        ("reply_deleted", [annotation.pk]),
    ]


def test_delete_with_stale_version(user, make_entity):
    annotation = make_entity(user)
    annotation_update(user=user, annotation_id=annotation.pk, expected_version=1, note="x")
    with pytest.raises(PreconditionFailed):
        annotation_delete(user=user, annotation_id=annotation.pk, expected_version=1)
    assert Annotation.objects.filter(pk=annotation.pk).exists()
    annotation_delete(user=user, annotation_id=annotation.pk, expected_version=2)
    assert not Annotation.objects.filter(pk=annotation.pk).exists()


def test_hide_is_for_moderators(user, member, moderator, group, other_user, make_entity):
    annotation = make_entity(member, visibility="public", group=group)
    with pytest.raises(Forbidden):
        annotation_set_hidden(user=member, annotation_id=annotation.pk, hidden=True)
    hidden = annotation_set_hidden(user=moderator, annotation_id=annotation.pk, hidden=True)
    assert hidden.hidden and hidden.hidden_at and hidden.version == 2
    # hidden: gone for others, still there for its creator
    with pytest.raises(NotFound):
        annotation_update(user=other_user, annotation_id=annotation.pk, expected_version=2, note="x")
    annotation_update(user=member, annotation_id=annotation.pk, expected_version=2, note="x")


# --- bulk ------------------------------------------------------------------------------------


def test_bulk_creates_all_with_speaker_index(user, seed_article, text):
    items = [
        {"kind": "entity", "exact": "مصطفى الكاظمي", "label": "PER"},
        {"kind": "quote", "exact": QUOTE, "speaker_index": 2, "quote_type": "direct"},
        {"kind": "entity", "exact": "بايدن", "suffix": " للصحافيين", "label": "PER"},
    ]
    created = annotations_bulk_create(user=user, article=seed_article, items=items)
    assert [a.kind for a in created] == ["entity", "quote", "entity"]
    assert created[1].speaker_id == created[2].pk


def test_bulk_is_all_or_nothing_with_indexed_errors(user, seed_article, per):
    items = [
        {"kind": "entity", "start": 0, "end": 5, "label": "PER"},
        {"kind": "entity", "start": 5, "end": 2, "label": "PER"},
        {"kind": "entity", "start": 0, "end": 5, "label": "XYZ"},
        "not an object",
        {"kind": "quote", "exact": QUOTE, "speaker_index": 7},
    ]
    with pytest.raises(BulkError) as caught:
        annotations_bulk_create(user=user, article=seed_article, items=items)
    by_index = {(e["index"], e["field"]): e["code"] for e in caught.value.errors}
    assert by_index == {(1, "end"): "reversed", (2, "label"): "unknown_label", (3, None): "invalid", (4, "speaker_index"): "invalid"}
    assert not caught.value.conflict_only
    assert not Annotation.objects.exists()


def test_bulk_duplicates_are_conflicts(user, seed_article, make_entity):
    make_entity(user)
    items = [{"kind": "entity", "start": 0, "end": 5, "label": "PER"}, {"kind": "entity", "start": 0, "end": 5, "label": "LOC"}, {"kind": "entity", "start": 0, "end": 5, "label": "LOC"}]
    with pytest.raises(BulkError) as caught:
        annotations_bulk_create(user=user, article=seed_article, items=items)
    assert caught.value.conflict_only
    assert [e["index"] for e in caught.value.errors] == [0, 2]
    assert Annotation.objects.count() == 1


def test_bulk_limits(user, seed_article):
    with pytest.raises(BulkError, match="nothing was saved"):
        annotations_bulk_create(user=user, article=seed_article, items=[])
    with pytest.raises(BulkError) as caught:
        annotations_bulk_create(user=user, article=seed_article, items=[{}] * (MAX_BULK_ITEMS + 1))
    assert f"At most {MAX_BULK_ITEMS}" in caught.value.errors[0]["message"]


# --- replies ---------------------------------------------------------------------------------


def test_replies_thread_and_stay_plain_text(user, other_user, make_entity):
    annotation = make_entity(user)
    first = reply_create(user=other_user, annotation_id=annotation.pk, text=" <b>لماذا؟</b> ")
    second = reply_create(user=user, annotation_id=annotation.pk, text="لأن", parent_id=first.pk)
    assert first.text == "<b>لماذا؟</b>" and second.parent == first
    with pytest.raises(Forbidden):
        reply_update(user=user, reply_id=first.pk, text="x")
    assert reply_update(user=other_user, reply_id=first.pk, text="سؤال").text == "سؤال"
    with pytest.raises(Forbidden):
        reply_delete(user=user, reply_id=first.pk)
    reply_delete(user=other_user, reply_id=first.pk)
    assert not Reply.objects.exists()  # the thread goes with it


def test_reply_rules(user, other_user, make_entity, seed_article):
    private = make_entity(user, visibility="private")
    with pytest.raises(NotFound):
        reply_create(user=other_user, annotation_id=private.pk, text="x")
    with pytest.raises(Forbidden):
        reply_create(user=None, annotation_id=private.pk, text="x")
    with pytest.raises(ValidationError) as caught:
        reply_create(user=user, annotation_id=private.pk, text="   ")
    assert errors_of(caught)["text"][0][0] == "required"
    other = make_entity(user, needle="الكاظمي")
    reply = reply_create(user=user, annotation_id=other.pk, text="x")
    with pytest.raises(ValidationError) as caught:
        reply_create(user=user, annotation_id=private.pk, text="y", parent_id=reply.pk)
    assert "is not a reply on annotation" in errors_of(caught)["parent"][0][1]


# --- groups ------------------------------------------------------------------------------------


def test_group_life(user, other_user, make_entity):
    group = group_create(user=user, name="مختبر اللغة")
    assert group.slug == "مختبر-اللغة"
    assert Membership.objects.get(group=group, user=user).role == "owner"
    with pytest.raises(Conflict):
        group_create(user=other_user, name="مختبر اللغة")
    with pytest.raises(NotFound):  # not a member: the group does not exist for them
        membership_add(user=other_user, group_id=group.pk, member=other_user)
    membership_add(user=user, group_id=group.pk, member=other_user, role="moderator")
    third = UserFactory()
    with pytest.raises(Forbidden):  # moderators add plain members only
        membership_add(user=other_user, group_id=group.pk, member=third, role="owner")
    membership_add(user=other_user, group_id=group.pk, member=third)
    with pytest.raises(Conflict):
        membership_update(user=user, group_id=group.pk, member_id=user.pk, role="member")
    membership_update(user=user, group_id=group.pk, member_id=other_user.pk, role="owner")
    membership_remove(user=third, group_id=group.pk, member_id=third.pk)  # leaving
    make_entity(user, visibility="group", group=group)
    with pytest.raises(Conflict, match="still has 1 annotations shared only with it"):
        group_delete(user=user, group_id=group.pk)
    Annotation.objects.update(visibility="public")
    group_delete(user=other_user, group_id=group.pk)
    assert not Group.objects.exists()
    # Losing the group is a change made by whoever deleted it.
    assert list(Annotation.objects.values_list("group", "modified_by")) == [(None, other_user.pk)]
