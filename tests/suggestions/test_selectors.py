"""What the learners learn from: curated marks first."""

from __future__ import annotations

import importlib

import pytest

from annotations.services import annotation_create, curation_writes
from suggestions.selectors import training_entities
from tests.factories import make_article

TEXT = "وصل الرئيس جو بايدن إلى بغداد اليوم."


@pytest.fixture
def labels(db):
    from django.apps import apps

    importlib.import_module("annotations.migrations.0002_default_label_set").create(apps, None)


def entity(user, article, needle, label, **fields):
    article.refresh_from_db()
    start = article.current_revision.text.index(needle)
    return annotation_create(user=user, article=article, kind="entity", start=start, end=start + len(needle), label=label, **fields)


def test_curated_marks_replace_the_annotators_marks_of_their_text(labels, user, other_user):
    curated_text, other_text = make_article(title="أ", body=TEXT), make_article(title="ب", body=TEXT)
    disputed = entity(user, curated_text, "بغداد", "ORG")
    with curation_writes():
        gold = entity(other_user, curated_text, "بغداد", "LOC", status="curated")
    elsewhere = entity(user, other_text, "بغداد", "ORG")
    private = entity(user, other_text, "جو بايدن", "PER", visibility="private")
    learned = set(training_entities().values_list("pk", flat=True))
    assert gold.pk in learned and elsewhere.pk in learned
    assert disputed.pk not in learned and private.pk not in learned
