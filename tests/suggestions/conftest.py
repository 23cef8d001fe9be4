"""The seed article imported as the importer does it (suggestions computed by the task), and API clients."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from newsreader.models import Article
from newsreader.services.imports import import_file

SEED = Path(__file__).resolve().parents[2] / "newsreader" / "samples" / "000_42df4bdc5be6c26b.txt"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Model files in a temporary folder; no BERT or morphology data unless a test installs them."""
    settings.SUGGESTIONS_MODEL_DIR = tmp_path / "models"
    settings.SUGGESTIONS_BERT_MODEL = str(tmp_path / "no-bert")
    settings.SUGGESTIONS_MORPHOLOGY_DB = str(tmp_path / "no-morphology.db")
    # no default entity model unless a test asks for it (tests/suggestions/test_learning.py)
    settings.SUGGESTIONS_BASE_MODEL = ""
    settings.SUGGESTIONS_ANERCORP_FILE = ""
    settings.SUGGESTIONS_CRF_RETRAIN_AFTER = 1000
    settings.SUGGESTIONS_MIN_CONFIDENCE = 0.3
    # pytest.ini turns automatic suggestions off for the rest of the suite
    # (they would add annotations other tests do not expect); here they are the subject.
    settings.SUGGESTIONS_AUTO = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def import_seed(db, django_capture_on_commit_callbacks):
    """Import the seed file, running the after-commit work (the suggestion task) as a real commit would."""

    def run(source_name="المصدر"):
        with django_capture_on_commit_callbacks(execute=True):
            result = import_file(SEED, source_name=source_name)
        return Article.objects.get(pk=result.articles[0].article_id)

    return run


@pytest.fixture
def seed(import_seed):
    return import_seed()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run a callable and then its after-commit callbacks (tasks enqueued with transaction.on_commit)."""

    def run(fn, *args, **kwargs):
        start = len(connection.run_on_commit)
        with django_capture_on_commit_callbacks(execute=True):
            result = fn(*args, **kwargs)
        # As a commit would: the callbacks ran, so they are no longer pending. Left in the test's
        # transaction, they made the next write's wake-up look registered already (outbox's
        # _wake_after_commit registers one per atomic block, and a create opens none of its own).
        del connection.run_on_commit[start:]
        return result

    return run


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def client_other(other_user):
    client = APIClient()
    client.force_authenticate(other_user)
    return client
