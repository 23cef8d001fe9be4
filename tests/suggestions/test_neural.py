"""The neural tagger kept in step with the CRF (a retraining of the CRF queues one of the tagger, one at a time)
and its status in the API and the admin (suggestions/neural.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from suggestions import learning, neural, services, tasks
from suggestions.models import CrfModelVersion, NeuralTrainingQueued
from tests.suggestions.test_learning import TINY_CONLL_ALL_LABELS, _crf_status, _vectors_from_a_corpus_file
from tests.suggestions.test_services import mark


@pytest.fixture
def default_model(settings):
    settings.SUGGESTIONS_BASE_MODEL = "auto"


@pytest.fixture
def anercorp(tmp_path, settings):
    corpus = tmp_path / "train.txt"
    corpus.write_text(TINY_CONLL_ALL_LABELS, encoding="utf-8")
    settings.SUGGESTIONS_ANERCORP_FILE = str(corpus)
    return corpus


@pytest.fixture
def vectors(tmp_path):
    """Real word vectors (the neural tagger is trained with them)."""
    _vectors_from_a_corpus_file(tmp_path)


@pytest.fixture
def vectors_file():
    """A vectors file only (what decides whether a training can be queued; nothing is trained)."""
    learning.vectors_path().parent.mkdir(parents=True, exist_ok=True)
    learning.vectors_path().write_bytes(b"")


def _team_marks(user, seed):
    for word, label in (("بايدن", "PER"), ("واشنطن", "LOC")):
        mark(user, seed, word, label)


def test_a_crf_retraining_queues_the_neural_tagger_for_the_new_crf(
    seed, user, default_model, vectors, anercorp, run_on_commit, capsys
):
    call_command("train_neural_tagger", "--epochs", "1")  # for the default model's labels
    assert learning.neural_model().meta["crf_labels"] == ["LOC", "MISC", "ORG", "PERS"]
    _team_marks(user, seed)
    # the worker retrains the CRF; the tagger's training is queued after it and (test backend) runs at once
    result = run_on_commit(tasks.retrain_crf.enqueue)
    team = services.crf_model()
    assert team is not None and result.return_value["neural_tagger"] == "queued"
    tagger = learning.neural_model()
    assert tagger.meta["crf_version"] == team.version and tagger.meta["crf_labels"] == ["LOC", "PER"]
    assert services.neural_tagger_status().used and "combined with the neural tagger" in _crf_status()["detail"]
    assert neural.training_queue() is None  # the slot is free again


def test_no_training_is_queued_without_word_vectors_or_a_training_file(seed, user, settings, tmp_path, run_on_commit):
    _team_marks(user, seed)
    result = run_on_commit(tasks.retrain_crf.enqueue)
    assert result.return_value["version"] and result.return_value["neural_tagger"].startswith("not queued: no word vectors")
    learning.vectors_path().write_bytes(b"")
    assert tasks.enqueue_neural_training() == "not queued: no ANERcorp training file (SUGGESTIONS_ANERCORP_FILE)"
    settings.SUGGESTIONS_ANERCORP_FILE = str(tmp_path / "gone.txt")
    assert "is missing" in tasks.enqueue_neural_training()
    assert not NeuralTrainingQueued.objects.exclude(queued_at=None).exists()


def test_one_training_at_a_time(db, vectors_file, anercorp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.enqueue_neural_training() == "queued"
        assert tasks.enqueue_neural_training() == "not queued: a training is already queued"
        neural.training_started()
        assert tasks.enqueue_neural_training() == "not queued: a training is already running"
    assert len(callbacks) == 1
    neural.training_finished()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.enqueue_neural_training() == "queued"
        # a claim whose worker died long ago does not block the next training
        NeuralTrainingQueued.objects.update(queued_at=timezone.now() - timedelta(seconds=neural.QUEUE_EXPIRY + 60))
        assert neural.training_queue() is None
        assert tasks.enqueue_neural_training() == "queued"
    assert len(callbacks) == 2


def test_the_queued_training_is_said_in_the_status_and_by_the_command(db, vectors_file, anercorp, capsys):
    assert neural.training_claim()
    assert "a new training of the neural tagger is queued (since " in _crf_status()["detail"]
    call_command("train_neural_tagger", "--background")
    assert "train_neural_tagger not queued: a training is already queued" in capsys.readouterr().out


def test_a_crf_retrained_during_the_training_gets_a_training_of_its_own(
    seed, user, anercorp, vectors_file, monkeypatch, django_capture_on_commit_callbacks
):
    _team_marks(user, seed)
    services.crf_train()
    seen = {}

    class Trained:
        version = "neural-test"

    def build(path, *, crf, epochs=None):
        seen["trained_for"] = crf.version
        # meanwhile the CRF is retrained: its own request finds the slot taken
        mark(user, seed, "بغداد", "LOC")
        CrfModelVersion.objects.update(trained_at=timezone.now() - timedelta(hours=1))
        services.crf_train()
        seen["request"] = tasks.enqueue_neural_training()
        return Trained(), "trained"

    monkeypatch.setattr(learning, "build_neural_model", build)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = tasks.train_neural_tagger.enqueue()
    assert seen["request"] == "not queued: a training is already running"
    assert seen["trained_for"] != services.entity_model().version
    assert result.return_value["again"] == "queued" and len(callbacks) == 1


def test_the_admin_shows_the_neural_tagger_beside_the_crf_models(
    seed, user, default_model, vectors, anercorp, admin_client
):
    call_command("train_neural_tagger", "--epochs", "1")
    _team_marks(user, seed)
    services.crf_train()  # by hand (not the task): the tagger is still the default model's
    status = services.neural_tagger_status()
    assert not status.used and "was trained for the labels LOC, MISC, ORG, PERS" in status.reason
    response = admin_client.get("/admin/suggestions/crfmodelversion/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="neural-tagger"' in page and "الواسم العصبي" in page
    assert status.version in page and learning.base_model().version in page  # trained for the default CRF
    assert services.crf_model().version in page  # the CRF the suggestions use
    assert "LOC, MISC, ORG, PERS" in page and "303 كلمة، 100 بُعدًا" in page  # labels, the vectors it used
    # the reason is the API's, word for word (one function: services.neural_tagger_status)
    reason = response.context["neural"].reason
    assert reason == status.reason and reason in _crf_status()["detail"]
    assert f'<bdi dir="ltr" class="neural-reason">{reason}</bdi>' in page
    neural.training_claim()
    assert "في الطابور منذ" in admin_client.get("/admin/suggestions/crfmodelversion/").content.decode()
