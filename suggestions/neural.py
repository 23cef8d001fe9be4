"""The neural tagger in the product: its status (one function for the API and the admin) and its training queue.

The tagger is trained for the labels of one CRF (:func:`suggestions.learning.build_neural_model`); when the team's
CRF is retrained, the task :func:`suggestions.tasks.retrain_crf` queues a new training of the tagger after it
(:func:`suggestions.tasks.enqueue_neural_training`), so the two stay in step without anyone running
``manage.py train_neural_tagger`` by hand. A training takes 15-25 minutes: one at a time, claimed here by one
statement that cannot fail (as the CRF's retraining is in :mod:`suggestions.retraining`), held while it is queued
and while it runs, and expiring after :data:`QUEUE_EXPIRY` in case a worker dies.

Below :mod:`suggestions.services` (which shows the status in ``GET /api/suggesters/``): it is handed the CRF
rather than asking for it. models <- learning <- this module <- services <- tasks <- retraining, one way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from django.db import connection

from arabic.ner.crf import CrfModel
from suggestions import learning
from suggestions.models import NeuralTrainingQueued

# A claim older than this (queued or started) is taken to be a dead worker's: longer than any training.
QUEUE_EXPIRY = 3 * 3600


# --- the queue ----------------------------------------------------------------------------------------------


def training_claim() -> bool:
    """Claim the one training slot (queued now); False when a training is already queued or running."""
    table = NeuralTrainingQueued._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, queued_at, started_at) VALUES (1, now(), NULL) "
            f"ON CONFLICT (id) DO UPDATE SET queued_at = now(), started_at = NULL "
            f"WHERE {table}.queued_at IS NULL "
            f"OR coalesce({table}.started_at, {table}.queued_at) < now() - make_interval(secs => %s) RETURNING id",
            [QUEUE_EXPIRY],
        )
        return cursor.fetchone() is not None


def training_started() -> None:
    """The training runs (queued by the claim or by hand): the slot stays taken until it finishes."""
    table = NeuralTrainingQueued._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, queued_at, started_at) VALUES (1, now(), now()) "
            f"ON CONFLICT (id) DO UPDATE SET queued_at = coalesce({table}.queued_at, now()), started_at = now()"
        )


def training_finished() -> None:
    """The training ended (a tagger or not, or an error): another may be queued."""
    NeuralTrainingQueued.objects.filter(pk=1).update(queued_at=None, started_at=None)


def training_queue() -> tuple[str, datetime] | None:
    """``("queued" | "running", since)`` while a training holds the slot (not expired), else None."""
    row = NeuralTrainingQueued.objects.filter(pk=1, queued_at__isnull=False).first()
    if row is None:
        return None
    since = row.started_at or row.queued_at
    if (datetime.now(timezone.utc) - since).total_seconds() > QUEUE_EXPIRY:
        return None
    return ("running", since) if row.started_at else ("queued", since)


# --- the status ---------------------------------------------------------------------------------------------


@dataclass
class NeuralStatus:
    """What the API and the admin say of the neural tagger, for the CRF the suggestion pass uses."""

    crf_version: str | None  # the CRF the suggestion pass uses now
    version: str | None  # the tagger's (None: there is none)
    used: bool  # the suggestion pass combines it with that CRF now
    reason: str  # why (or why not): learning.neural_status, the text the API gives
    trained_for: str | None = None  # the CRF it was trained for
    labels: tuple[str, ...] = ()
    trained_at: datetime | None = None
    vectors: dict | None = None  # {"words", "dimensions", "learned_at"}; None for a tagger trained before they were recorded
    sentences: int | None = None
    queue: tuple[str, datetime] | None = None  # ("queued" | "running", since)

    @property
    def detail(self) -> str:
        """The reason, and the training under way: the ``crf`` suggester's status ends with it."""
        if self.queue is None:
            return self.reason
        state, since = self.queue
        return f"{self.reason}; a new training of the neural tagger is {state} (since {since:%Y-%m-%d %H:%M} UTC)"


def status(crf: CrfModel | None) -> NeuralStatus:
    """The neural tagger's status beside ``crf``, the CRF the suggestion pass uses
    (:func:`suggestions.services.entity_model`)."""
    used, reason = learning.neural_status(crf)
    model = used or (learning.neural_model() if learning.neural_model_path().is_file() else None)
    result = NeuralStatus(
        crf_version=crf.version if crf is not None else None,
        version=model.version if model is not None else None,
        used=used is not None,
        reason=reason,
        queue=training_queue(),
    )
    if model is not None:
        meta = model.meta
        trained_at = meta.get("trained_at")
        result.trained_for = meta.get("crf_version")
        result.labels = tuple(meta.get("crf_labels", ()))
        result.trained_at = (
            datetime.fromisoformat(trained_at)
            if trained_at
            else datetime.fromtimestamp(learning.neural_model_path().stat().st_mtime, timezone.utc)
        )
        result.vectors = meta.get("vectors")
        result.sentences = meta.get("sentences")
    return result
