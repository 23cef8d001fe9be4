"""Fixtures for the annotation app: the seed article, groups with roles, annotations."""

from __future__ import annotations

import importlib
import re
from datetime import date

import pytest
from django.core.cache import cache

from annotations.models import Annotation, Group, Label, Membership
from annotations.services import annotation_create
from newsreader.services.articles import article_save
from tests.conftest import SAMPLES_DIR
from tests.factories import SourceFactory, UserFactory

SEED_FILE = SAMPLES_DIR / "000_42df4bdc5be6c26b.txt"


def seed_parts() -> dict:
    """The seed sample's non-blank lines: title 1, lede 2, date 3, caption 4, body 5+."""
    lines = [line for line in SEED_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    title, subtitle, dated, caption, *body = lines
    found = re.search(r"(\d{4})/(\d{2})/(\d{2})", dated)
    return {
        "title": title,
        "subtitle": subtitle,
        "caption": caption,
        "body": body,
        "published_on": date(*map(int, found.groups())) if found else None,
    }


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are made in nearly every test; real password hashing would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle history lives in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def default_labels(db):
    """The default label set of migration 0002 (a transactional test before may have flushed it)."""
    from django.apps import apps

    importlib.import_module("annotations.migrations.0002_default_label_set").create(apps, None)


@pytest.fixture
def seed_article(default_labels):
    return article_save(source=SourceFactory(), **seed_parts()).article


@pytest.fixture
def text(seed_article):
    return seed_article.current_revision.text


@pytest.fixture
def per(default_labels):
    return Label.objects.get(label_set__is_default=True, code="PER")


@pytest.fixture
def loc(default_labels):
    return Label.objects.get(label_set__is_default=True, code="LOC")


@pytest.fixture
def group(db):
    return Group.objects.create(name="فريق التحرير", slug="desk")


@pytest.fixture
def member(group):
    user = UserFactory()
    Membership.objects.create(group=group, user=user, role=Membership.Role.MEMBER)
    return user


@pytest.fixture
def moderator(group):
    user = UserFactory()
    Membership.objects.create(group=group, user=user, role=Membership.Role.MODERATOR)
    return user


@pytest.fixture
def owner(group):
    user = UserFactory()
    Membership.objects.create(group=group, user=user, role=Membership.Role.OWNER)
    return user


def span_of(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


@pytest.fixture
def make_entity(seed_article, per):
    def make(user, needle="بايدن", occurrence=0, label=None, **fields) -> Annotation:
        text = seed_article.current_revision.text
        start, end = span_of(text, needle, occurrence)
        return annotation_create(
            user=user, article=seed_article, kind="entity", start=start, end=end, exact=needle,
            label=label or per, **fields,
        )  # fmt: skip

    return make


@pytest.fixture
def make_quote(seed_article):
    def make(user, needle="لن نكون مع نهاية العام في مهمّة قتاليّة", **fields) -> Annotation:
        text = seed_article.current_revision.text
        start, end = span_of(text, needle)
        fields.setdefault("quote_type", "direct")
        return annotation_create(
            user=user, article=seed_article, kind="quote", start=start, end=end, exact=needle, **fields
        )

    return make


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test has flushed the database, put the default label set back.

    The flush also removes what data migrations made; with --reuse-db it would
    stay gone for every later run (and other apps' tests rely on the default set).
    """
    yield
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    if not ((marker is not None and marker.kwargs.get("transaction")) or fixtures & {"transactional_db", "live_server"}):
        return
    import importlib

    from django.apps import apps
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        importlib.import_module("annotations.migrations.0002_default_label_set").create(apps, None)
