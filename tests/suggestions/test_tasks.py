"""Background tasks: suggestions on import and on text change, CRF retraining after enough annotations
(queued by suggestions/retraining.py, the event-log consumer)."""

from annotations.models import Annotation
from annotations.services import annotation_create
from newsreader.document import compose
from newsreader.services.articles import article_revise
from suggestions import retraining, services
from suggestions.models import CrfModelVersion


def test_import_enqueues_suggestions(seed):
    assert Annotation.objects.filter(article=seed, status="suggested", kind="quote").count() >= 10


def test_no_suggestions_without_commit(db, django_capture_on_commit_callbacks):
    from tests.conftest import SAMPLES_DIR  # noqa: F401  (same seed as the fixtures)
    from tests.suggestions.conftest import SEED
    from newsreader.services.imports import import_file

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = import_file(SEED, source_name="المصدر")
    assert len(callbacks) >= 1  # enqueued after commit, not inside the import's transaction
    assert not Annotation.objects.filter(article_id=result.articles[0].article_id, status="suggested").exists()


def test_auto_suggestions_can_be_switched_off(import_seed, settings):
    settings.SUGGESTIONS_AUTO = False
    article = import_seed()
    assert not Annotation.objects.filter(article=article, status="suggested").exists()


def test_text_change_refreshes_suggestions(seed, user, run_on_commit):
    revision = seed.current_revision
    new_body = revision.body + "\nوقال بايدن إن الحرب انتهت."
    document = compose(title=revision.title, subtitle=revision.subtitle, caption=revision.caption, body=new_body)
    new = run_on_commit(article_revise, article=seed, document=document, user=user, reason="edit")
    seed.refresh_from_db()
    assert seed.current_revision_id == new.pk
    added = Annotation.objects.filter(revision=new, status="suggested", kind="quote", exact="الحرب انتهت")
    assert added.count() == 1 and added.get().speaker_name == "بايدن"


def test_crf_is_retrained_after_the_threshold(seed, user, settings, run_on_commit):
    settings.SUGGESTIONS_CRF_RETRAIN_AFTER = 3
    text = seed.current_revision.text

    def mark(word):
        start = text.index(word)
        return run_on_commit(
            annotation_create, user=user, article=seed, kind="entity", start=start, end=start + len(word), exact=word,
            label="LOC",
        )  # fmt: skip

    mark("واشنطن")
    mark("بغداد")
    assert services.crf_new_annotations() == 2
    run_on_commit(retraining.crf_retrain_if_due)
    assert not CrfModelVersion.objects.exists()
    # Accepting a suggestion is the third decision: retraining runs in the background.
    services.article_suggest(article_id=seed.pk)
    suggestion = Annotation.objects.filter(article=seed, status="suggested", kind="entity").first()
    run_on_commit(services.suggestion_accept, user=user, annotation_id=suggestion.pk)
    model = CrfModelVersion.objects.get()
    assert model.n_annotations == 3 and model.version
    assert services.crf_current() == model and services.crf_model() is not None
    assert services.crf_new_annotations(model) == 0
    # Not again until three more.
    mark("العراق")
    run_on_commit(retraining.crf_retrain_if_due)
    assert CrfModelVersion.objects.count() == 1


def test_a_due_retraining_is_queued_once_and_no_write_fails(db, settings, django_capture_on_commit_callbacks):
    """No worker takes the retraining: later checks find it queued with one statement that cannot fail
    (it used to be a cache.add whose INSERT failed on a duplicate key, logged by PostgreSQL each time)."""
    from django.utils import timezone

    from suggestions.models import CrfPending, CrfRetrainQueued

    settings.SUGGESTIONS_CRF_RETRAIN_AFTER = 3
    CrfPending.objects.bulk_create([CrfPending(annotation_id=pk, added=timezone.now()) for pk in (1, 2, 3)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert retraining.crf_retrain_if_due() is True
        assert retraining.crf_retrain_if_due() is False
        assert retraining.crf_retrain_if_due() is False
    assert len(callbacks) == 1 and CrfRetrainQueued.objects.get().queued_at is not None
    services.crf_retrain_started()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert retraining.crf_retrain_if_due() is True
    assert len(callbacks) == 1


def test_the_retraining_count_reads_at_most_the_threshold(db, settings, django_assert_num_queries):
    from django.utils import timezone

    from suggestions.models import CrfPending

    CrfPending.objects.bulk_create([CrfPending(annotation_id=pk, added=timezone.now()) for pk in range(1, 8)])
    with django_assert_num_queries(1) as captured:
        assert services.crf_new_annotations(limit=3) == 3
    assert "LIMIT 3" in captured.captured_queries[0]["sql"]
    assert "annotations_annotation" not in captured.captured_queries[0]["sql"]


def test_trainings_wait_on_their_own_queue(db, settings):
    """The long trainings go to the "training" queue, suggestions to "default": `make run`'s suggestion worker
    takes every queue but "training", so a half-hour training never holds up an article's suggestions."""
    from django_tasks_db.models import DBTaskResult

    from suggestions import tasks

    # the project's queues (settings.TASKS), on the database backend `make run` uses
    settings.TASKS = {"default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    tasks.retrain_crf.enqueue()
    tasks.learn_word_clusters.enqueue()
    tasks.train_neural_tagger.enqueue("", 0)
    tasks.suggest_article.enqueue(1)
    queues = dict(DBTaskResult.objects.values_list("task_path", "queue_name"))
    assert queues == {
        "suggestions.tasks.retrain_crf": "training",
        "suggestions.tasks.learn_word_clusters": "training",
        "suggestions.tasks.train_neural_tagger": "training",
        "suggestions.tasks.suggest_article": "default",
    }
