"""Fixtures for the entity tests: a small corpus annotated through the real services."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.conf import settings
from django.core.cache import cache

from annotations.models import Annotation, Group, Label, Membership
from annotations.services import annotation_create
from entities.models import Entity, EntityMention
from newsreader.textsearch.lexemes import clear_cache
from tests.factories import SourceFactory, UserFactory, make_article


@pytest.fixture(autouse=True)
def _entities_follow_each_change(consumers_run_at_once):
    """Entity rows are derived after each change (see tests/conftest.py)."""


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_caches():
    # Throttles live in the cache and lexemes in a process-wide dict: each test starts with none.
    cache.clear()
    clear_cache()
    yield
    cache.clear()
    clear_cache()


@pytest.fixture
def default_labels(db):
    """The default label set of migration 0002 (a transactional test before may have flushed it)."""
    from django.apps import apps

    importlib.import_module("annotations.migrations.0002_default_label_set").create(apps, None)


@pytest.fixture
def agency(db):
    return SourceFactory(name="وكالة الأنباء", slug="agency")


TEXTS = {
    "visit": dict(
        title="بايدن يزور بغداد",
        body=[
            "وصل الرئيس الأميركي جو بايدن إلى بغداد اليوم. وقال بايدن إن العراق شريك مهم للولايات المتحدة.",
            "والتقى بايدن رئيس الوزراء الكاظمي في القصر الحكومي.",
        ],
        published_on=date(2024, 1, 15),
    ),
    "reception": dict(
        title="الكاظمي يستقبل وفداً أممياً",
        body=["استقبل الكاظمي وفداً من الأمم المتحدة. وقال الكاظمي إن الحكومة ملتزمة بإجراء الانتخابات في موعدها."],
        published_on=date(2024, 1, 20),
    ),
    "washington": dict(
        title="لقاء في واشنطن",
        body=[
            "التقى جو بايدن بالكاظمي في واشنطن.",
            "وأكد بايدن أن القوات الأميركية لن تكون في مهمة قتالية في العراق مع نهاية العام.",
        ],
        published_on=date(2024, 3, 2),
    ),
    "undated": dict(
        title="تقرير عن الاقتصاد",
        body=["قال وزير المالية إن الموازنة جاهزة. ولم يذكر الكاظمي شيئاً عن الموازنة."],
        published_on=None,
    ),
}


@pytest.fixture
def articles(agency, default_labels):
    return {name: make_article(source=agency, **fields) for name, fields in TEXTS.items()}


def span_of(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


@pytest.fixture
def mark(default_labels):
    """``mark(user, article, "بايدن", label="PER", occurrence=0, **fields)``: an entity annotation."""

    def make(user, article, needle, label="PER", occurrence=0, **fields) -> Annotation:
        article.refresh_from_db()
        start, end = span_of(article.current_revision.text, needle, occurrence)
        return annotation_create(
            user=user, article=article, kind="entity", start=start, end=end, exact=needle, label=label, **fields
        )

    return make


@pytest.fixture
def say(default_labels):
    """``say(user, article, "words", speaker=annotation or None, speaker_name="", quote_type="direct", **fields)``."""

    def make(user, article, needle, speaker=None, quote_type="direct", occurrence=0, **fields) -> Annotation:
        article.refresh_from_db()
        start, end = span_of(article.current_revision.text, needle, occurrence)
        return annotation_create(
            user=user, article=article, kind="quote", start=start, end=end, exact=needle, speaker=speaker,
            quote_type=quote_type, **fields,
        )  # fmt: skip

    return make


@pytest.fixture
def group(db):
    return Group.objects.create(name="فريق التحرير", slug="desk")


@pytest.fixture
def member(group):
    user = UserFactory()
    Membership.objects.create(group=group, user=user, role=Membership.Role.MEMBER)
    return user


@pytest.fixture
def per(default_labels):
    return Label.objects.get(label_set__is_default=True, code="PER")


def english(client):
    """``client`` with the English interface chosen (messages are asserted in English)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def entity_of(annotation) -> Entity:
    """The entity an annotation is linked to."""
    return EntityMention.objects.select_related("entity").get(annotation=annotation).entity


# --- a small corpus with known answers ------------------------------------------------------


@pytest.fixture
def marked(user, articles, mark, say):
    """Biden in three articles (two months), Kadhimi in four, one quote each."""
    a = {}
    a["biden_visit"] = mark(user, articles["visit"], "بايدن", occurrence=1)
    a["biden_visit_2"] = mark(user, articles["visit"], "بايدن", occurrence=2)
    a["biden_wash"] = mark(user, articles["washington"], "بايدن", occurrence=1)
    a["kadhimi_visit"] = mark(user, articles["visit"], "الكاظمي")
    a["kadhimi_reception"] = mark(user, articles["reception"], "الكاظمي")
    a["kadhimi_wash"] = mark(user, articles["washington"], "بالكاظمي")
    a["kadhimi_undated"] = mark(user, articles["undated"], "الكاظمي")
    a["baghdad"] = mark(user, articles["visit"], "بغداد", label="LOC")
    a["un"] = mark(user, articles["reception"], "الأمم المتحدة", label="ORG")
    a["q_biden"] = say(user, articles["visit"], "إن العراق شريك مهم للولايات المتحدة", speaker=a["biden_visit"])
    a["q_biden_2"] = say(
        user, articles["washington"], "أن القوات الأميركية لن تكون في مهمة قتالية في العراق مع نهاية العام",
        speaker=a["biden_wash"], quote_type="indirect",
    )  # fmt: skip
    a["q_kadhimi"] = say(
        user, articles["reception"], "إن الحكومة ملتزمة بإجراء الانتخابات في موعدها", speaker=a["kadhimi_reception"]
    )
    return a
