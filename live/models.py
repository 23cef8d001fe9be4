"""The event log of live updates.

Every change to an article's annotations appends one :class:`Event`, written
in the same transaction as the change (``annotations.services._after_change``
calls :func:`live.services.event_publish`; the reply services publish the
``reply_*`` actions naming the replied-to annotation). The log is what makes live updates
reliable: a reader whose connection dropped sends the id of the last event it
saw (``Last-Event-ID``) and is replayed everything after it, whichever app
server it reconnects to. Events carry ids and an action only, never text:
clients re-fetch the annotations through the API, which applies visibility.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


# Every action an event may carry (the database checks it too).
ACTIONS = [
    "created", "updated", "deleted", "carried_over", "hidden", "restored",
    "reply_created", "reply_updated", "reply_deleted",
]  # fmt: skip


class Event(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        DELETED = "deleted", _("deleted")
        CARRIED_OVER = "carried_over", _("carried over")
        HIDDEN = "hidden", _("hidden")
        RESTORED = "restored", _("restored")
        # A reply on the annotation was written, edited (or hidden/restored) or deleted:
        # ``annotation_ids`` names the annotation, the reader re-fetches it and its replies.
        REPLY_CREATED = "reply_created", _("reply created")
        REPLY_UPDATED = "reply_updated", _("reply updated")
        REPLY_DELETED = "reply_deleted", _("reply deleted")

    # bigserial: the SSE "id:" of the event, increasing per article in commit
    # order (event_publish serialises an article's events, see there).
    id = models.BigAutoField(primary_key=True)
    article = models.ForeignKey(
        "newsreader.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    action = models.CharField(_("action"), max_length=16, choices=Action)
    annotation_ids = ArrayField(models.BigIntegerField(), verbose_name=_("annotations"))
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("live event")
        verbose_name_plural = _("live events")
        indexes = [
            # Replay: one article's events after an id.
            models.Index(fields=["article", "id"], name="live_event_article_idx"),
            # Pruning by age.
            models.Index(fields=["created"], name="live_event_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=ACTIONS),
                name="live_event_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.annotation_ids} (article {self.article_id})"

    def as_message(self) -> dict:
        """What an SSE client receives (see :mod:`live.stream`)."""
        return {"id": self.pk, "action": self.action, "article": self.article_id, "annotations": self.annotation_ids}
