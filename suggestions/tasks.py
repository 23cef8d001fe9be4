"""Background tasks (django-tasks; `manage.py db_worker` runs them, tests run them immediately).

Both are safe to run twice or side by side: suggesting takes a per-article
advisory lock and keeps suggestions already there; a second retraining just
makes another model version. A retraining of the CRF queues one of the neural
tagger after it (one at a time: :mod:`suggestions.neural`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_tasks import task

from suggestions import neural, services

# The queue of the long trainings (settings.TASKS): a worker that takes "default" only keeps computing
# suggestions while another trains.
TRAINING_QUEUE = "training"


@task()
def suggest_article(article_id: int) -> dict:
    """Compute and store the suggestions of an article's current text."""
    result = services.article_suggest(article_id=article_id)
    return {"article": article_id, "created": len(result.created), "kept": result.kept, "removed": result.removed}


@task(queue_name=TRAINING_QUEUE)
def retrain_crf() -> dict:
    """Train a new version of the corpus CRF from the human and accepted entities, then queue a new training
    of the neural tagger for it (the tagger is combined with the CRF it was trained for only)."""
    services.crf_retrain_started()
    row = services.crf_train()
    result = {"version": row.version if row else None, "annotations": row.n_annotations if row else 0}
    if row is not None:
        result["neural_tagger"] = enqueue_neural_training()
    return result


def enqueue_suggest_article(article_id: int) -> None:
    """Queue :func:`suggest_article` once the current transaction commits (the article is visible then)."""
    if not getattr(settings, "SUGGESTIONS_AUTO", True):
        return
    transaction.on_commit(lambda: suggest_article.enqueue(article_id))


@task(queue_name=TRAINING_QUEUE)
def learn_word_clusters() -> dict:
    """Learn word clusters from the site's archive (``manage.py build_word_clusters`` does the same)."""
    from suggestions import learning

    clusters, message = learning.build_clusters()
    return {"words": len(clusters), "message": message}


@task(queue_name=TRAINING_QUEUE)
def train_neural_tagger(anercorp: str = "", epochs: int = 0) -> dict:
    """Train the neural entity tagger for the current CRF's labels (``manage.py train_neural_tagger`` does the
    same): ANERcorp's training file (given, else ``SUGGESTIONS_ANERCORP_FILE``, else the file the current tagger
    was trained from) + the team's sentences, with the word vectors of :func:`learn_word_clusters`; at the lowest
    CPU priority. It holds the one training slot (:mod:`suggestions.neural`) while it runs."""
    from suggestions import learning

    neural.training_started()
    try:
        path, why = (anercorp, "") if anercorp else learning.neural_training_file()
        if not path:
            return {"version": None, "message": f"{why}: no neural tagger"}
        crf = services.entity_model()
        model, message = learning.build_neural_model(path, crf=crf, epochs=epochs or None)
    finally:
        neural.training_finished()
    result = {"version": model.version if model is not None else None, "message": message}
    current = services.entity_model()
    if model is not None and current is not None and current.version != crf.version:
        # the CRF was retrained while this ran (its own request found the slot taken): once more, for it
        result["again"] = enqueue_neural_training(str(path), epochs)
    return result


# Waiting suggestion runs go first: a worker that starts a training is busy with it for 15-25 minutes.
NEURAL_TRAINING_PRIORITY = -10


def enqueue_neural_training(anercorp: str = "", epochs: int = 0) -> str:
    """Queue :func:`train_neural_tagger` (after the commit) when a tagger can be trained — word vectors and an
    ANERcorp file — and no training is queued or running already; returns what happened, in words."""
    from suggestions import learning

    if not learning.vectors_path().is_file():
        return "not queued: no word vectors (manage.py build_word_clusters), the CRF tags alone"
    if not anercorp:
        path, why = learning.neural_training_file()
        if path is None:
            return f"not queued: {why}"
    if not neural.training_claim():
        state = neural.training_queue()
        return f"not queued: a training is already {state[0] if state else 'queued'}"
    work = train_neural_tagger
    if work.get_backend().supports_priority:
        work = work.using(priority=NEURAL_TRAINING_PRIORITY)
    transaction.on_commit(lambda: work.enqueue(anercorp, epochs))
    return "queued"
