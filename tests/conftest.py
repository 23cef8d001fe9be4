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
def source(db):
    return SourceFactory()


@pytest.fixture
def article(db, source):
    return make_article(source=source)
