"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest

from tests.factories import SourceFactory, UserFactory, make_article

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT.parent / "shared" / "seeds"
SAMPLES_DIR = ROOT / "newsreader" / "samples"


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, staff_user):
    """Django's test client signed in as a superuser (the admin's pages)."""
    client.force_login(staff_user)
    return client


@pytest.fixture
def source(db):
    return SourceFactory()


@pytest.fixture
def article(db, source):
    return make_article(source=source)


def _create_default_label_set() -> None:
    import importlib

    from django.apps import apps

    importlib.import_module("annotations.migrations.0002_default_label_set").create(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's set-up, then the data-migration rows: a --reuse-db run after an
    interrupted one may start from a database whose last transactional test flushed them."""
    with django_db_blocker.unblock():
        _create_default_label_set()


@pytest.fixture(autouse=True)
def _restore_data_migration_rows(request, django_db_blocker):
    """Put back rows that data migrations create, after a test that flushed them.

    Transactional tests (live servers, browsers, races) end with a TRUNCATE of
    every table, which also removes the default label set of
    ``annotations/migrations/0002``; later tests (and --reuse-db runs) expect it.
    """
    yield
    marker = request.node.get_closest_marker("django_db")
    flushed = bool(set(request.fixturenames) & {"transactional_db", "live_server"}) or bool(
        marker and marker.kwargs.get("transaction")
    )
    if flushed:
        with django_db_blocker.unblock():
            _create_default_label_set()


# The shared Playwright fixtures, for browser tests outside tests/browser too.
from tests.browser.conftest import browser, playwright_instance  # noqa: E402,F401


@pytest.fixture
def consumers_run_at_once(monkeypatch):
    """Run the event log's consumers (entity links, CRF counter, live relay) right after each change.

    In production they run after the commit, in a task; inside a test's
    transaction nothing commits, so tests of what the consumers derive use
    this to see it at once. tests/annotations/test_outbox.py tests the delay
    itself (events written, consumers not run yet, run later).
    """
    from annotations import outbox
    from annotations.services import base

    def append_and_drain(**event):
        event_id = outbox.event_append(**event)
        outbox.drain()
        return event_id

    monkeypatch.setattr(base, "event_append", append_and_drain)

    # A create writes its row and its event in one statement (outbox.insert_logged).
    from annotations.services import inserts

    insert_logged = inserts.insert_logged

    def insert_and_drain(*args, **kwargs):
        new_id = insert_logged(*args, **kwargs)
        if new_id is not None:
            outbox.drain()
        return new_id

    monkeypatch.setattr(inserts, "insert_logged", insert_and_drain)
