"""What the suggestions app stores besides the suggestions themselves.

Suggestions are ordinary :class:`annotations.models.Annotation` rows (status
``suggested``, no creator, ``suggester`` and ``confidence`` set), so every span
rule of the annotation app applies to them. This module only keeps the
versions of the corpus's own statistical model.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CrfModelVersion(models.Model):
    """One trained version of the corpus CRF (:mod:`arabic.ner.crf`).

    The model itself is a file under ``SUGGESTIONS_MODEL_DIR``; the newest row
    whose file exists is the one the suggester uses. ``n_annotations`` is the
    number of human and accepted entity annotations it was trained from: the
    retraining rule counts annotations changed since ``trained_at``.
    """

    version = models.CharField(_("version"), max_length=80, unique=True)
    trained_at = models.DateTimeField(_("trained at"), db_index=True)
    n_annotations = models.PositiveIntegerField(_("annotations"))
    n_sentences = models.PositiveIntegerField(_("sentences"), default=0)
    n_tokens = models.PositiveIntegerField(_("tokens"), default=0)
    labels = models.JSONField(_("labels"), default=list)
    training_seconds = models.FloatField(_("training seconds"), default=0)
    path = models.CharField(_("file"), max_length=500)

    class Meta:
        ordering = ["-trained_at", "-id"]
        verbose_name = _("CRF model version")
        verbose_name_plural = _("CRF model versions")
        constraints = [
            models.CheckConstraint(condition=~Q(path=""), name="crfmodelversion_path_set"),
        ]

    def __str__(self) -> str:
        return self.version


class CrfPending(models.Model):
    """A human or accepted entity annotation made or changed since the last CRF model.

    Filled by the event-log consumer :func:`suggestions.retraining.crf_count_events`
    (a set: reading an event twice counts it once), emptied of what a new model
    was trained on. Retraining is due when it holds
    ``SUGGESTIONS_CRF_RETRAIN_AFTER`` rows, which is counted with a LIMIT: the
    annotations table is never counted.
    """

    annotation_id = models.BigIntegerField(_("annotation"), primary_key=True)
    added = models.DateTimeField(_("added"))

    class Meta:
        verbose_name = _("annotation the CRF has not learned yet")
        verbose_name_plural = _("annotations the CRF has not learned yet")


class CrfRetrainQueued(models.Model):
    """One row while a retraining is queued (so it is queued once; it expires in case a worker dies)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    queued_at = models.DateTimeField(_("queued at"), null=True)

    class Meta:
        verbose_name = _("queued CRF retraining")
        verbose_name_plural = _("queued CRF retrainings")


class NeuralTrainingQueued(models.Model):
    """One row while a training of the neural tagger is queued or running (so there is one at a time: it takes
    15-25 minutes); it expires in case a worker dies (:data:`suggestions.neural.QUEUE_EXPIRY`)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    queued_at = models.DateTimeField(_("queued at"), null=True)
    started_at = models.DateTimeField(_("started at"), null=True)

    class Meta:
        verbose_name = _("queued training of the neural tagger")
        verbose_name_plural = _("queued trainings of the neural tagger")
