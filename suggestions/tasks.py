"""Background tasks (django-tasks; `manage.py db_worker` runs them, tests run them immediately).

Both are safe to run twice or side by side: suggesting takes a per-article
advisory lock and keeps suggestions already there; a second retraining just
makes another model version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_tasks import task

from suggestions import services


@task()
def suggest_article(article_id: int) -> dict:
    """Compute and store the suggestions of an article's current text."""
    result = services.article_suggest(article_id=article_id)
    return {"article": article_id, "created": len(result.created), "kept": result.kept, "removed": result.removed}


@task()
def retrain_crf() -> dict:
    """Train a new version of the corpus CRF from the human and accepted entities."""
    services.crf_retrain_started()
    row = services.crf_train()
    return {"version": row.version if row else None, "annotations": row.n_annotations if row else 0}


def enqueue_suggest_article(article_id: int) -> None:
    """Queue :func:`suggest_article` once the current transaction commits (the article is visible then)."""
    if not getattr(settings, "SUGGESTIONS_AUTO", True):
        return
    transaction.on_commit(lambda: suggest_article.enqueue(article_id))


@task()
def learn_word_clusters() -> dict:
    """Learn word clusters from the site's archive (``manage.py build_word_clusters`` does the same)."""
    from suggestions import learning

    clusters, message = learning.build_clusters()
    return {"words": len(clusters), "message": message}


@task()
def train_neural_tagger(anercorp: str = "", epochs: int = 0) -> dict:
    """Train the neural entity tagger for the current CRF's labels (``manage.py train_neural_tagger`` does the
    same): ANERcorp's training file (``SUGGESTIONS_ANERCORP_FILE`` unless given) + the team's sentences, with the
    word vectors of :func:`learn_word_clusters`; at the lowest CPU priority."""
    from suggestions import learning

    path = anercorp or getattr(settings, "SUGGESTIONS_ANERCORP_FILE", "")
    if not path:
        return {"version": None, "message": "no ANERcorp training file (SUGGESTIONS_ANERCORP_FILE): no neural tagger"}
    model, message = learning.build_neural_model(path, crf=services.entity_model(), epochs=epochs or None)
    return {"version": model.version if model is not None else None, "message": message}
