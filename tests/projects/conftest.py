"""A project of one group: an owner (manager), three annotators, a curator, and articles."""

from __future__ import annotations

import importlib

import pytest

from annotations.models import Annotation, LabelSet
from annotations.services import annotation_create, group_create, membership_add
from projects import services
from tests.factories import SourceFactory, UserFactory, make_article

TEXT = "وصل الرئيس جو بايدن إلى بغداد اليوم. وقال بايدن إن العراق شريك مهم للولايات المتحدة."


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def default_labels(db):
    from django.apps import apps

    importlib.import_module("annotations.migrations.0002_default_label_set").create(apps, None)
    return LabelSet.objects.get(is_default=True)


@pytest.fixture
def team(db, default_labels):
    """Users by role and their group."""
    owner = UserFactory(username="owner")
    group = group_create(user=owner, name="فريق", slug="team")
    people = {"owner": owner}
    for name in ("ali", "badr", "carim", "curator", "outsider_member"):
        people[name] = UserFactory(username=name)
        membership_add(user=owner, group_id=group.pk, member=people[name])
    people["stranger"] = UserFactory(username="stranger")
    people["group"] = group
    return people


def make_project(team, *, blind=False, k=2, m=2, name="مشروع"):
    project = services.project_create(
        user=team["owner"], name=name, group=team["group"], label_set=LabelSet.objects.get(is_default=True),
        guidelines="# Guidelines\nMark **people**.", blind=blind, annotators_per_article=k, agreement_needed=m,
    )  # fmt: skip
    for name in ("ali", "badr", "carim"):
        services.member_add(user=team["owner"], project=project, member=team[name], role="annotator")
    services.member_add(user=team["owner"], project=project, member=team["curator"], role="curator")
    return project


@pytest.fixture
def project(team):
    return make_project(team)


@pytest.fixture
def blind_project(team):
    return make_project(team, blind=True, name="أعمى")


@pytest.fixture
def articles(db):
    source = SourceFactory()
    return [make_article(source=source, title=f"خبر {i}", body=TEXT) for i in range(6)]


def span(article, needle, occurrence=0):
    text = article.current_revision.text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


@pytest.fixture
def mark():
    """``mark(user, article, "بايدن", label="PER", occurrence=0, **fields)`` through the real service."""

    def make(user, article, needle, label="PER", occurrence=0, kind="entity", **fields) -> Annotation:
        article.refresh_from_db()
        start, end = span(article, needle, occurrence)
        if kind == "quote":
            return annotation_create(user=user, article=article, kind="quote", start=start, end=end, **fields)
        return annotation_create(user=user, article=article, kind="entity", start=start, end=end, label=label, **fields)

    return make
