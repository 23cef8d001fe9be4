"""annotations.services.inserts and the process's cache of article contexts (issue 15, session 6).

A create on an article this process wrote to before is one statement: the context comes from the cache and
the INSERT's guard refuses to insert when the article is no longer as the cache says. Every way the cache
can be behind ends in what a fresh read gives.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from annotations.errors import NotFound
from annotations.models import Annotation, Event, Label, LabelSet
from annotations.services import annotation_create
from annotations.services import base, inserts
from newsreader.document import compose
from newsreader.models import Article
from newsreader.services.articles import article_revise
from tests.annotations.conftest import seed_parts, span_of


def mark(user, article_id, text, needle, label="PER", **fields):
    start, end = span_of(text, needle)
    return annotation_create(
        user=user, article=article_id, kind="entity", start=start, end=end, exact=needle, label=label, **fields
    )


@pytest.fixture
def warm(user, seed_article, text):
    """The seed article's context in this process's cache (a first create made it)."""
    base.forget_article_states()
    mark(user, seed_article.pk, text, "واشنطن", label="LOC")
    assert (base.connection.settings_dict["NAME"], seed_article.pk) in base._states
    return seed_article.pk


def test_the_constant_columns_are_the_models_defaults():
    fresh = Annotation()
    assert {name: getattr(fresh, name) for name in inserts._CONSTANTS} == {
        name: value for name, (value, _literal) in inserts._CONSTANTS.items()
    }


@pytest.mark.parametrize("kind", ["entity", "quote"])
def test_the_annotation_handed_back_is_the_stored_row_with_its_related_objects(
    kind, user, seed_article, text, django_assert_num_queries
):
    needle = "بايدن" if kind == "entity" else "لن نكون مع نهاية العام في مهمّة قتاليّة"
    start, end = span_of(text, needle)
    fields = {"label": "PER"} if kind == "entity" else {"quote_type": "direct", "speaker_name": "بايدن", "cue_start": 0, "cue_end": 3}
    created = annotation_create(
        user=user, article=seed_article.pk, kind=kind, start=start, end=end, note="ملاحظة", confidence=0.5,
        canonical="urn:x:1", **fields,
    )  # fmt: skip
    stored = Annotation.objects.get(pk=created.pk)
    for field in Annotation._meta.concrete_fields:
        assert getattr(created, field.attname) == getattr(stored, field.attname), field.name
    assert not created._state.adding and created._state.db == "default"
    with django_assert_num_queries(0):  # what the answer reads is attached
        assert created.article.language == "ar" and created.revision.created_at == seed_article.current_revision.created_at
        assert (created.label.code if created.label else None) == ("PER" if kind == "entity" else None)
        assert created.creator == user and created.modified_by == user


def test_an_anonymous_suggestion_has_no_creator(seed_article, text):
    created = mark(None, seed_article.pk, text, "بايدن", status="suggested", suggester="crf")
    assert created.creator is None and created.modified_by is None
    assert Annotation.objects.get(pk=created.pk).creator_id is None


def test_a_context_older_than_its_time_is_read_again(warm, user, text, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(base, "STATE_SECONDS", 0.0)
    with django_assert_num_queries(2):
        mark(user, warm, text, "بايدن")


def test_a_new_revision_after_the_context_was_cached(warm, user, seed_article, text, django_assert_num_queries):
    old = seed_article.current_revision
    parts = seed_parts()
    parts.pop("published_on")
    parts["body"] = ["فقرة أضيفت بعد أن حُفظ السياق.", *parts["body"]]
    new = article_revise(article=Article.objects.get(pk=seed_article.pk), document=compose(**parts))
    events = Event.objects.filter(action="created").count()
    # The guard finds another revision, nothing is inserted, and the create is made on a locked, fresh read:
    # the old offsets (with their text) land on the new revision.
    with django_assert_num_queries(5):  # the guarded INSERT, then SAVEPOINT, the locked read, the INSERT, RELEASE
        created = mark(user, warm, text, "بايدن")
    assert created.revision_id == new.pk != old.pk and new.text[created.start : created.end] == "بايدن"
    assert not Annotation.objects.filter(revision=old).exists()  # the first was carried over by the revision
    assert Event.objects.filter(action="created").count() == events + 1
    # The cache holds the new revision now: the next create is one statement again.
    with django_assert_num_queries(1):
        mark(user, warm, new.text, "العراق", label="LOC")


def test_a_label_added_after_the_context_was_cached_is_accepted(warm, user, text):
    default = LabelSet.objects.get(is_default=True)
    Label.objects.create(label_set=default, code="EVT", name_ar="حدث", name_en="Event", order=99)
    created = mark(user, warm, text, "بايدن", label="EVT")
    assert created.label.code == "EVT" and Annotation.objects.get(pk=created.pk).label.code == "EVT"


def test_a_label_renamed_after_the_context_was_cached(warm, user, text, per):
    Label.objects.filter(pk=per.pk).update(code="PERSON")
    # The cache still knows the label as PER: the guard checks the code, and a fresh read refuses it.
    with pytest.raises(ValidationError) as caught:
        mark(user, warm, text, "بايدن", label="PER")
    assert [e.code for e in caught.value.error_dict["label"]] == ["unknown_label"]
    # By its id, the label's current code is what the annotation is handed back with.
    assert mark(user, warm, text, "بايدن", label=per.pk).label.code == "PERSON"


def test_an_article_moved_to_another_label_set_after_the_context_was_cached(warm, user, text, per):
    other = LabelSet.objects.create(name="أخرى")
    Label.objects.create(label_set=other, code="X", name_ar="س", name_en="X")
    Article.objects.filter(pk=warm).update(label_set=other)
    entities = Annotation.objects.filter(kind="entity").count()
    with pytest.raises(ValidationError) as caught:
        mark(user, warm, text, "بايدن", label=per.pk)  # a label of the old set, by id
    assert [e.code for e in caught.value.error_dict["label"]] == ["unknown_label"]
    assert Annotation.objects.filter(kind="entity").count() == entities
    assert mark(user, warm, text, "بايدن", label="X").label.code == "X"


def test_the_articles_language_changed_after_the_context_was_cached(warm, user, text):
    Article.objects.filter(pk=warm).update(language="en", direction="ltr")
    created = mark(user, warm, text, "بايدن")
    assert (created.article.language, created.article.direction) == ("en", "ltr")


def test_an_article_gone_after_the_context_was_cached_is_not_found(warm, user, text):
    Article.objects.filter(pk=warm).update(current_revision=None)
    with pytest.raises(NotFound):
        mark(user, warm, text, "بايدن")


def test_a_quote_on_a_cached_context_is_guarded_by_the_revision(warm, user, text, django_assert_num_queries):
    start, end = span_of(text, "لن نكون مع نهاية العام في مهمّة قتاليّة")
    with django_assert_num_queries(1) as captured:
        annotation_create(user=user, article=warm, kind="quote", start=start, end=end, quote_type="direct")
    assert "annotations_label" not in captured.captured_queries[0]["sql"]
